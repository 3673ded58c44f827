from drf_spectacular.utils import extend_schema, extend_schema_view

from districts import selectors
from districts.filters import DistrictFilterSet, WardFilterSet
from learningcity.api.views import ScopedReadOnlyViewSet

from .serializers import DistrictSerializer, WardSerializer


@extend_schema_view(
    list=extend_schema(summary="List district-level units", tags=["Administrative units"]),
    retrieve=extend_schema(summary="One district by GSO code", tags=["Administrative units"]),
)
class DistrictViewSet(ScopedReadOnlyViewSet):
    queryset = selectors.district_list()
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List commune-level units", tags=["Administrative units"]),
    retrieve=extend_schema(summary="One ward by GSO code", tags=["Administrative units"]),
)
class WardViewSet(ScopedReadOnlyViewSet):
    queryset = selectors.ward_list()
    serializer_class = WardSerializer
    filterset_class = WardFilterSet
    lookup_field = "code"
