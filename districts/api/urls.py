from django.urls import path

from learningcity.api.routers import PortalRouter

from .views import (
    CommitteeMemberViewSet,
    CommitteeViewSet,
    DistrictViewSet,
    InterimReviewViewSet,
    KeyTaskProgressViewSet,
    KeyTaskViewSet,
    PlanViewSet,
    ReviewBoardView,
    WardViewSet,
)

router = PortalRouter()
router.register("districts", DistrictViewSet, basename="district")
router.register("wards", WardViewSet, basename="ward")
router.register("committees", CommitteeViewSet, basename="committee")
router.register("committee-members", CommitteeMemberViewSet, basename="committee-member")
router.register("plans", PlanViewSet, basename="plan")
router.register("key-tasks", KeyTaskViewSet, basename="key-task")
router.register("key-task-progress", KeyTaskProgressViewSet, basename="key-task-progress")
router.register("interim-reviews", InterimReviewViewSet, basename="interim-review")

urlpatterns = [
    *router.urls,
    path("review-board/", ReviewBoardView.as_view(), name="review-board"),
]
