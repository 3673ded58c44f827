from django.urls import path

from learningcity.api.routers import PortalRouter

from .views import (
    AwardStatsView,
    CommendationFormViewSet,
    DecisionViewSet,
    DossierViewSet,
    FieldOfActivityViewSet,
    RoundViewSet,
)

router = PortalRouter()
router.register("award-rounds", RoundViewSet, basename="award-round")
router.register("commendation-forms", CommendationFormViewSet, basename="commendation-form")
router.register("activity-fields", FieldOfActivityViewSet, basename="activity-field")
router.register("award-dossiers", DossierViewSet, basename="award-dossier")
router.register("award-decisions", DecisionViewSet, basename="award-decision")

urlpatterns = [
    *router.urls,
    path("award-stats/", AwardStatsView.as_view(), name="award-stats"),
]
