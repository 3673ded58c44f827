from rest_framework.routers import SimpleRouter

from .views import DistrictViewSet, WardViewSet

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")
router.register("wards", WardViewSet, basename="ward")

urlpatterns = router.urls
