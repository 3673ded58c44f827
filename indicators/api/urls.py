from django.urls import path

from learningcity.api.routers import PortalRouter

from .views import IndicatorStatusView, IndicatorViewSet, SubmissionViewSet

router = PortalRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("submissions", SubmissionViewSet, basename="submission")

urlpatterns = [
    *router.urls,
    path("indicator-status/", IndicatorStatusView.as_view(), name="indicator-status"),
]
