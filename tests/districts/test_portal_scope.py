"""One province's portal (PORTAL_PROVINCE_CODE) or, with it empty, the whole country's."""

import io

import pytest
from django.core.management import call_command

from clc.selectors import centre_list, wards_without_centre
from districts.models import AdministrativeUnit
from districts.selectors import in_portal, portal_district_list, ward_list
from tests.clc.helpers import register, ward


@pytest.fixture
def two_provinces(hcmc):
    call_command("load_admin_units", "--province", "01", stdout=io.StringIO())  # Hà Nội


def test_the_portal_of_one_province_sees_its_units_only(settings, two_provinces, admin_user):
    settings.PORTAL_PROVINCE_CODE = "79"
    hanoi_ward = AdministrativeUnit.objects.filter(level="ward", parent__parent__code="01")[0]
    register(admin_user, hanoi_ward)
    register(admin_user, ward(portal_district_list().first(), 0))
    assert portal_district_list().count() == 22
    assert {c.ward.parent.parent.code for c in centre_list()} == {"79"}
    assert not in_portal(ward_list(), district="parent").filter(pk=hanoi_ward.pk).exists()
    assert not wards_without_centre().filter(parent__parent__code="01").exists()


def test_an_empty_province_code_is_the_whole_country(settings, two_provinces, admin_user):
    settings.PORTAL_PROVINCE_CODE = ""
    hanoi_ward = AdministrativeUnit.objects.filter(level="ward", parent__parent__code="01")[0]
    register(admin_user, hanoi_ward)
    districts = AdministrativeUnit.objects.filter(level="district")
    assert portal_district_list().count() == districts.count() > 22
    assert [c.ward for c in centre_list()] == [hanoi_ward]
    assert in_portal(ward_list(), district="parent").count() == ward_list().count()
