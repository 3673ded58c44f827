from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ObligationViewSet, TimelinessView

router = SimpleRouter()
router.register("obligations", ObligationViewSet, basename="obligation")

urlpatterns = [
    path("timeliness/", TimelinessView.as_view(), name="timeliness"),
    *router.urls,
]
