from learningcity.api.routers import PortalRouter

from .views import NotificationViewSet

router = PortalRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
