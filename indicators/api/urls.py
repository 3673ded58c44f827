from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import IndicatorStatusView, IndicatorViewSet, SubmissionViewSet

router = SimpleRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("submissions", SubmissionViewSet, basename="submission")

urlpatterns = [
    *router.urls,
    path("indicator-status/", IndicatorStatusView.as_view(), name="indicator-status"),
]
