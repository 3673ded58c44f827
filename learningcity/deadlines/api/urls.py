from django.urls import path

from learningcity.api.routers import PortalRouter

from .views import ObligationViewSet, TimelinessView

router = PortalRouter()
router.register("obligations", ObligationViewSet, basename="obligation")

urlpatterns = [
    path("timeliness/", TimelinessView.as_view(), name="timeliness"),
    *router.urls,
]
