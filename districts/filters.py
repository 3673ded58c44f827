import django_filters
from django.utils.translation import gettext_lazy as _

from .selectors import unit_search


class UnitFilterSet(django_filters.FilterSet):
    """Shared by the pages and the API: search by name, narrow by parent unit."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Name, ignoring case and diacritics.")
    )

    def filter_q(self, queryset, name, value):
        return unit_search(queryset, value)


class DistrictFilterSet(UnitFilterSet):
    province = django_filters.CharFilter(
        field_name="parent__code", label=_("Province"), help_text=_("GSO code of the province.")
    )


class WardFilterSet(UnitFilterSet):
    district = django_filters.CharFilter(
        field_name="parent__code", label=_("District"), help_text=_("GSO code of the district.")
    )
