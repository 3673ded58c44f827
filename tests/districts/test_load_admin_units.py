import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from districts.choices import Kind, Level
from districts.models import AdministrativeUnit


def load(*codes):
    call_command("load_admin_units", "--province", *codes, stdout=io.StringIO())


def test_hcmc_has_22_districts_with_gso_codes_and_273_wards(hcmc):
    districts = AdministrativeUnit.objects.districts().filter(parent=hcmc)
    codes = sorted(int(code) for code in districts.values_list("code", flat=True))
    assert len(codes) == 22
    assert codes[0] == 760 and codes[-1] == 787
    assert AdministrativeUnit.objects.wards().filter(parent__parent=hcmc).count() == 273
    assert AdministrativeUnit.objects.get(level=Level.WARD, code="26734").name == "Phường Tân Định"


def test_kind_is_derived_from_the_name(hcmc):
    by_code = {u.code: u for u in AdministrativeUnit.objects.all()}
    assert by_code["79"].kind == Kind.MUNICIPALITY
    assert by_code["769"].kind == Kind.CITY  # Thành phố Thủ Đức
    assert by_code["760"].kind == Kind.URBAN_DISTRICT  # Quận 1
    assert by_code["783"].kind == Kind.RURAL_DISTRICT  # Huyện Củ Chi
    wards = Counter(
        AdministrativeUnit.objects.wards()
        .filter(parent__parent=hcmc)
        .values_list("kind", flat=True)
    )
    assert wards == {Kind.WARD: 210, Kind.COMMUNE: 58, Kind.TOWNSHIP: 5}


def test_loading_twice_changes_nothing(hcmc):
    before = list(AdministrativeUnit.objects.order_by("id").values("id", "code", "name", "parent"))
    load("79")
    after = list(AdministrativeUnit.objects.order_by("id").values("id", "code", "name", "parent"))
    assert after == before


def test_a_renamed_unit_is_restored_in_place(hcmc):
    unit = AdministrativeUnit.objects.get(level=Level.DISTRICT, code="760")
    unit.name = "Quận Một"
    unit.save()
    load("79")
    unit.refresh_from_db()
    assert unit.name == "Quận 1"
    assert unit.name_search == "quan 1"


def test_search_key_is_stored(hcmc):
    assert AdministrativeUnit.objects.get(level=Level.DISTRICT, code="769").name_search == (
        "thanh pho thu duc"
    )


def test_whole_country(db):
    load("all")
    counts = Counter(AdministrativeUnit.objects.values_list("level", flat=True))
    assert counts == {Level.PROVINCE: 63, Level.DISTRICT: 696, Level.WARD: 10051}
    hanoi = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert AdministrativeUnit.objects.get(level=Level.DISTRICT, code="001").parent == hanoi


def test_unknown_province_is_refused_and_writes_nothing(db):
    with pytest.raises(CommandError, match="99"):
        load("79", "99")
    assert not AdministrativeUnit.objects.exists()
