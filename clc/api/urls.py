from django.urls import path

from learningcity.api.routers import PortalRouter

from .views import (
    ActivityReportViewSet,
    CentreViewSet,
    ClcStatsView,
    CriterionViewSet,
    EvaluationViewSet,
    RatingBandViewSet,
)

router = PortalRouter()
router.register("clc-centres", CentreViewSet, basename="clc-centre")
router.register("clc-reports", ActivityReportViewSet, basename="clc-report")
router.register("clc-evaluations", EvaluationViewSet, basename="clc-evaluation")
router.register("clc-rating-scale", RatingBandViewSet, basename="clc-rating-band")
router.register("clc-criteria", CriterionViewSet, basename="clc-criterion")

urlpatterns = [
    *router.urls,
    path("clc-stats/", ClcStatsView.as_view(), name="clc-stats"),
]
