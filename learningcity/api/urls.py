from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .views import public

urlpatterns = [
    path("v1/", include("districts.api.urls")),
    path("schema/", public(SpectacularAPIView).as_view(), name="api-schema"),
    path("docs/", public(SpectacularSwaggerView).as_view(url_name="api-schema"), name="api-docs"),
]
