"""The Department's registry file of every district at once: scope, bulk writing, limits."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from clc import imports
from clc.models import Centre
from indicators import services as indicator_services
from indicators.models import Value
from learningcity.models import ReportingPeriod

from .helpers import register, ward
from .test_import import row, xlsx


def test_one_file_registers_and_updates_centres_of_several_districts(
    admin_user, officer_1, district_1, district_3
):
    existing = register(officer_1, ward(district_1, 0), rooms=1)
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    submission = indicator_services.submission_open(
        user=officer_1, district=district_1, period=period
    )
    count = Value.objects.get(submission=submission, indicator__code="BB2.4")
    assert count.value == 1
    upload = xlsx(
        [
            row(ward(district_1, 0), **{"Số phòng học": 5, "Tên trung tâm": "TTHTCĐ Bến Nghé"}),
            row(ward(district_1, 1)),
            row(ward(district_3, 0)),
        ]
    )
    preview = imports.centres_import(user=admin_user, district=None, upload=upload, dry_run=True)
    assert preview.is_valid and (preview.created, preview.updated) == (2, 1)
    assert Centre.objects.count() == 1

    outcome = imports.centres_import(user=admin_user, district=None, upload=upload, dry_run=False)
    assert outcome.written == 3 and Centre.objects.count() == 3
    existing.refresh_from_db()
    assert existing.rooms == 5 and existing.version == 2
    assert existing.name_search == "tthtcd ben nghe"  # what save() would have computed
    assert existing.history.first().history_user == admin_user
    assert existing.history.first().history_change_reason == imports.CHANGE_REASON
    # Figures computed from centres follow a bulk write as they follow a form's.
    count.refresh_from_db()
    assert count.value == 2


def test_a_ward_outside_the_portal_is_refused_and_nothing_is_written(admin_user, district_1):
    call_command("load_admin_units", "--province", "01", stdout=None)  # Hà Nội
    from districts.models import AdministrativeUnit

    hanoi_ward = AdministrativeUnit.objects.filter(level="ward", parent__parent__code="01").first()
    upload = xlsx([row(ward(district_1, 0)), row(hanoi_ward)])
    outcome = imports.centres_import(user=admin_user, district=None, upload=upload, dry_run=False)
    assert not outcome.is_valid and not Centre.objects.exists()
    assert outcome.errors == [
        (3, f"Mã phường/xã: there is no ward with the code “{hanoi_ward.code}”.")
    ]


def test_invalid_rows_are_all_reported_in_one_pass(admin_user, district_1, district_3):
    upload = xlsx(
        [
            row(ward(district_1, 0), **{"Số máy tính": -1}),
            row(ward(district_3, 0), **{"Email": "khong-phai-email"}),
            row(ward(district_3, 1)),
        ]
    )
    outcome = imports.centres_import(user=admin_user, district=None, upload=upload, dry_run=False)
    assert [number for number, _message in outcome.errors] == [2, 3]
    assert not Centre.objects.exists()


@pytest.mark.parametrize("user_fixture", ["officer_1", "reviewer"])
def test_only_the_department_administrator_imports_every_district(
    request, client, user_fixture, district_1
):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(PermissionDenied):
        imports.centres_import(
            user=user, district=None, upload=xlsx([row(ward(district_1))]), dry_run=True
        )
    client.force_login(user)
    assert client.get("/clc/import/").status_code == 403


def test_the_page_previews_a_long_file_in_part_then_imports_it(
    client, admin_user, district_1, district_3, monkeypatch
):
    from clc import views

    monkeypatch.setattr(views, "IMPORT_PREVIEW_ROWS", 2)
    client.force_login(admin_user)
    registry = client.get("/clc/").content.decode()
    assert 'href="/clc/import/"' in registry
    upload = xlsx([row(ward(district_1, i)) for i in range(3)] + [row(ward(district_3, 0))])
    html = client.post("/clc/import/", {"upload": upload}).content.decode()
    assert "Preview: 4 centres" in html and "The first 2 of 4 rows are shown." in html
    assert "<td>Active</td>" in html and "<td>active</td>" not in html  # the label, not the code
    assert html.count("<td>2</td>") + html.count("<td>3</td>") >= 2
    assert f"<td>{ward(district_3, 0).code}</td>" not in html  # row 5 is not shown
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    response = client.post("/clc/import/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/clc/"
    assert Centre.objects.count() == 4


def test_a_file_over_the_limit_is_refused(admin_user, district_1, monkeypatch):
    monkeypatch.setattr(imports, "MAX_PORTAL_ROWS", 2)
    upload = xlsx([row(ward(district_1, i)) for i in range(3)])
    outcome = imports.centres_import(user=admin_user, district=None, upload=upload, dry_run=False)
    assert outcome.file_errors == ["The file has more than 2 rows."]
