from learningcity.api.routers import PortalRouter

from .views import ReportViewSet

router = PortalRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
