from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import public

urlpatterns = [
    path("v1/", include("districts.api.urls")),
    path("v1/", include("clc.api.urls")),
    path("v1/", include("awards.api.urls")),
    path("v1/", include("indicators.api.urls")),
    path("v1/", include("learningcity.reports.api.urls")),
    path("v1/", include("learningcity.notifications.api.urls")),
    path("v1/", include("learningcity.deadlines.api.urls")),
    path("schema/", public(SpectacularAPIView).as_view(), name="api-schema"),
    path(
        "docs/", public(SpectacularSwaggerSplitView).as_view(url_name="api-schema"), name="api-docs"
    ),
]
