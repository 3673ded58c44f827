"""Reads for the districts app: the querysets pages, the API and exports share."""

from django.conf import settings
from django.db.models import Count, QuerySet

from learningcity.text import search_key

from .models import AdministrativeUnit


def unit_search(queryset: QuerySet, query: str) -> QuerySet:
    """Units whose name contains ``query``, ignoring case and diacritics ("thu duc")."""
    key = search_key(query)
    return queryset.filter(name_search__contains=key) if key else queryset


def district_list(*, province_code: str | None = None) -> QuerySet[AdministrativeUnit]:
    """District-level units with their province and ward count, in GSO order."""
    districts = (
        AdministrativeUnit.objects.districts()
        .select_related("parent")
        .annotate(ward_count=Count("children"))
        .order_by("code")
    )
    if province_code:
        districts = districts.filter(parent__code=province_code)
    return districts


def portal_district_list() -> QuerySet[AdministrativeUnit]:
    """The districts of the province this portal serves (Ho Chi Minh City by default)."""
    return district_list(province_code=settings.PORTAL_PROVINCE_CODE)


def ward_list() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.wards().select_related("parent").order_by("code")
