"""XLSX import of a district's centres: preview, all or nothing, row errors, scope."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from clc import imports
from clc.choices import CentreStatus
from clc.models import Centre
from clc.resources import CentreResource

from .helpers import register, ward

HEADERS = CentreResource.column_names()


def xlsx(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("trung-tam.xlsx", buffer.getvalue())


def row(ward_unit, **values):
    base = {
        "Mã phường/xã": ward_unit.code,
        "Phường/xã": ward_unit.name,
        "Tên trung tâm": f"Trung tâm học tập cộng đồng {ward_unit.name}",
        "Số quyết định thành lập": "15/QĐ-UBND",
        "Ngày quyết định thành lập": "12/05/2010",
        "Giám đốc": "Nguyễn Văn Hải",
        "Điện thoại": "028 3822 0000",
        "Email": "",
        "Địa chỉ": "12 Lê Lợi",
        "Số phòng học": 3,
        "Góc thư viện": "Có",
        "Số máy tính": 5,
        "Kết nối Internet": "có",
        "Trạng thái": "Đang hoạt động",
        "Số QĐ công nhận TTHTCĐ điểm": "",
        "Năm công nhận TTHTCĐ điểm": None,
        "Hiệu lực TTHTCĐ điểm đến ngày": None,
    }
    base.update(values)
    return [base[h] for h in HEADERS]


def test_good_file_registers_and_updates_all_or_nothing(officer_1, district_1):
    existing = register(officer_1, ward(district_1, 0), rooms=1)
    upload = xlsx(
        [
            row(ward(district_1, 0), **{"Số phòng học": 4}),
            row(
                ward(district_1, 1),
                **{
                    "Mã phường/xã": int(ward(district_1, 1).code),  # Excel made it a number
                    "Trạng thái": "Tạm dừng",
                    "Số QĐ công nhận TTHTCĐ điểm": "7/QĐ-UBND",
                    "Năm công nhận TTHTCĐ điểm": 2024,
                    "Hiệu lực TTHTCĐ điểm đến ngày": datetime.datetime(2027, 12, 31),
                },
            ),
        ]
    )
    preview = imports.centres_import(
        user=officer_1, district=district_1, upload=upload, dry_run=True
    )
    assert preview.is_valid, preview.errors + preview.file_errors
    assert (preview.created, preview.updated) == (1, 1)
    assert Centre.objects.count() == 1  # a preview writes nothing
    existing.refresh_from_db()
    assert existing.rooms == 1

    outcome = imports.centres_import(
        user=officer_1, district=district_1, upload=upload, dry_run=False
    )
    assert outcome.written == 2
    existing.refresh_from_db()
    assert existing.rooms == 4 and existing.decision_date == datetime.date(2010, 5, 12)
    new = Centre.objects.get(ward=ward(district_1, 1))
    assert new.status == CentreStatus.SUSPENDED and new.is_model_at(datetime.date(2025, 1, 1))
    assert new.has_internet and new.history.get().history_user == officer_1


def test_wrong_columns_are_refused_and_nothing_is_written(officer_1, district_1):
    upload = xlsx([["26734", "Tên"]], headers=["Mã phường", "Tên"])
    outcome = imports.centres_import(
        user=officer_1, district=district_1, upload=upload, dry_run=False
    )
    assert not outcome.is_valid and outcome.written == 0
    assert "The columns do not match the template." in outcome.file_errors[0]
    assert any("Missing columns" in e for e in outcome.file_errors)
    assert any("Unknown columns: Mã phường" in e for e in outcome.file_errors)
    assert not Centre.objects.exists()
    fake = SimpleUploadedFile("danh-sach.xlsx", b"not a workbook")
    outcome = imports.centres_import(user=officer_1, district=district_1, upload=fake, dry_run=True)
    assert outcome.file_errors and not Centre.objects.exists()


def test_bad_rows_are_listed_with_their_row_numbers_and_nothing_is_written(
    officer_1, district_1, district_3
):
    good = ward(district_1, 0)
    other_district = ward(district_3, 0)
    upload = xlsx(
        [
            row(good),
            row(ward(district_1, 1), **{"Email": "khong-phai-email", "Số máy tính": -2}),
            row(ward(district_1, 2), **{"Ngày quyết định thành lập": "31/02/2010"}),
            row(ward(district_1, 3), **{"Trạng thái": "Đóng cửa", "Góc thư viện": "có lẽ"}),
            row(other_district),
            row(good),
            row(ward(district_1, 4), **{"Mã phường/xã": "99999"}),
            row(
                ward(district_1, 5),
                **{"Số QĐ công nhận TTHTCĐ điểm": "1/QĐ", "Năm công nhận TTHTCĐ điểm": 2024},
            ),
        ]
    )
    outcome = imports.centres_import(
        user=officer_1, district=district_1, upload=upload, dry_run=False
    )
    assert not outcome.is_valid and outcome.written == 0
    assert not Centre.objects.exists()  # the good first row was rolled back too
    errors = {}
    for number, message in outcome.errors:
        errors.setdefault(number, []).append(message)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert any(m.startswith("Email:") for m in errors[3])
    assert any("Số máy tính" in m for m in errors[3])
    assert any("is not a date" in m for m in errors[4])
    assert any("Unknown status" in m for m in errors[5]) and any(
        "Góc thư viện" in m for m in errors[5]
    )
    assert errors[6] == [
        f"The ward {other_district.name} ({other_district.code}) belongs to Quận 3, not to Quận 1."
    ]
    assert errors[7] == [f"The ward {good.code} is already on row 2: one centre per ward."]
    assert "there is no ward with the code “99999”" in errors[8][0]
    assert any(m.startswith("Hiệu lực TTHTCĐ điểm đến ngày:") for m in errors[9])


def test_export_imports_back_unchanged(client, officer_1, district_1):
    register(
        officer_1,
        ward(district_1, 0),
        director="Lê Thị Hoa",
        decision_date=datetime.date(2012, 3, 4),
        model_decision_number="3/QĐ",
        model_year=2024,
        model_valid_until=datetime.date(2026, 12, 31),
    )
    register(officer_1, ward(district_1, 1), has_library_corner=True)
    client.force_login(officer_1)
    export = client.get("/clc/", {"district": "760", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 3
    assert sheet["E2"].value == datetime.datetime(2012, 3, 4) and sheet["F2"].value == "Lê Thị Hoa"
    before = list(Centre.objects.order_by("pk").values())
    upload = SimpleUploadedFile("xuat.xlsx", export.content)
    outcome = imports.centres_import(
        user=officer_1, district=district_1, upload=upload, dry_run=False
    )
    assert outcome.is_valid and outcome.updated == 2
    after = list(Centre.objects.order_by("pk").values())
    for old, new in zip(before, after, strict=True):
        for key in ("updated_at", "version"):
            old.pop(key), new.pop(key)
        assert old == new


def test_import_pages_preview_then_confirm(client, officer_1, officer_3, district_1):
    client.force_login(officer_1)
    assert client.get("/clc/template.xlsx")["Content-Type"].startswith("application/vnd.openxml")
    upload = xlsx([row(ward(district_1, 0)), row(ward(district_1, 1))])
    preview = client.post("/clc/import/760/", {"upload": upload})
    html = preview.content.decode()
    assert "Preview: 2 centres" in html and not Centre.objects.exists()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    client.force_login(officer_3)  # a token is bound to its user and district
    assert client.post("/clc/import/760/", {"token": token}).status_code == 403
    client.force_login(officer_1)
    response = client.post("/clc/import/760/", {"token": token})
    assert response.status_code == 302 and Centre.objects.count() == 2


@pytest.mark.parametrize("user_fixture", ["officer_3", "reviewer"])
def test_import_is_closed_outside_the_district(request, user_fixture, district_1):
    user = request.getfixturevalue(user_fixture)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.centres_import(
            user=user, district=district_1, upload=xlsx([row(ward(district_1))]), dry_run=True
        )
