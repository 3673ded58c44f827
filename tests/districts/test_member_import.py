import io
import unicodedata
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from districts.choices import CommitteeRole
from districts.imports import (
    MAX_ROWS,
    member_template_xlsx,
    members_export_xlsx,
    members_import,
)
from districts.models import CommitteeMember
from districts.resources import CommitteeMemberResource
from districts.services import committee_establish, member_create

COLUMNS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Vai trò trong Ban chỉ đạo"]
GOOD_ROWS = [
    [1, "Trần Văn Hùng", "Chủ tịch UBND Quận 1", "UBND Quận 1", "Trưởng ban"],
    [2, "Lê Thị Mai", "Trưởng phòng GD&ĐT", "Phòng Giáo dục và Đào tạo", "phó trưởng ban"],
    [None, "Phạm Minh Tâm", "Phó Trưởng phòng", "Phòng Văn hóa - Thông tin", "UY VIEN THUONG TRUC"],
    [7, "Võ Ngọc Lan", "Chủ tịch Hội Khuyến học", "Hội Khuyến học Quận 1", "member"],
]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in their English source text, whatever the catalogue says."""
    with translation.override("en"):
        yield


def xlsx_upload(rows, header=COLUMNS, name="members.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Thành viên"
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def members_of(committee) -> list[tuple]:
    return list(
        committee.members.order_by("order", "id").values_list(
            "order", "full_name", "position", "organisation", "role"
        )
    )


@pytest.fixture
def committee(officer_1, district_1):
    committee = committee_establish(
        user=officer_1,
        district=district_1,
        number="123/QĐ-UBND",
        issued_on=date(2024, 3, 1),
        signer="Chủ tịch UBND Quận 1",
    )
    member_create(
        user=officer_1,
        committee=committee,
        full_name="Người Cũ",
        position="Phó Chủ tịch UBND Quận 1",
        organisation="UBND Quận 1",
        role=CommitteeRole.HEAD,
    )
    return committee


OLD_MEMBERS = [(1, "Người Cũ", "Phó Chủ tịch UBND Quận 1", "UBND Quận 1", "head")]
EXPECTED = [
    (1, "Trần Văn Hùng", "Chủ tịch UBND Quận 1", "UBND Quận 1", "head"),
    (2, "Lê Thị Mai", "Trưởng phòng GD&ĐT", "Phòng Giáo dục và Đào tạo", "deputy_head"),
    (3, "Phạm Minh Tâm", "Phó Trưởng phòng", "Phòng Văn hóa - Thông tin", "standing_member"),
    (7, "Võ Ngọc Lan", "Chủ tịch Hội Khuyến học", "Hội Khuyến học Quận 1", "member"),
]


def test_good_file_is_previewed_then_replaces_the_members(officer_1, committee):
    preview = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=True
    )
    assert preview.is_valid, (preview.errors, preview.file_errors)
    assert [row["row"] for row in preview.rows] == [2, 3, 4, 5]
    assert preview.rows[2] == {
        "row": 4,
        "order": 3,  # no STT: where the row is in the file
        "full_name": "Phạm Minh Tâm",
        "position": "Phó Trưởng phòng",
        "organisation": "Phòng Văn hóa - Thông tin",
        "role": "standing_member",
        "role_label": CommitteeRole.STANDING_MEMBER.label,
    }
    assert preview.written == 0
    assert members_of(committee) == OLD_MEMBERS

    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=False
    )
    assert outcome.is_valid and outcome.written == 4
    assert members_of(committee) == EXPECTED

    history = CommitteeMember.history.filter(committee_id=committee.pk)
    added = history.filter(history_type="+", history_change_reason="spreadsheet import")
    assert sorted(added.values_list("full_name", flat=True)) == sorted(r[1] for r in EXPECTED)
    assert {h.history_user for h in added} == {officer_1}
    removed = history.get(history_type="-")
    assert removed.full_name == "Người Cũ" and removed.history_user == officer_1


def test_a_stored_file_imports_like_an_upload(officer_1, committee, tmp_path):
    """The confirm step re-reads the previewed file from storage, as a plain File."""
    path = tmp_path / "members_a1b2c3.xlsx"
    path.write_bytes(xlsx_upload(GOOD_ROWS).read())
    with path.open("rb") as handle:
        outcome = members_import(
            user=officer_1, committee=committee, upload=File(handle), dry_run=False
        )
    assert outcome.written == 4 and members_of(committee) == EXPECTED


def test_columns_may_come_in_any_order_and_spelling(officer_1, committee):
    header = ["vai tro trong ban chi dao", "HỌ VÀ TÊN", "Đơn vị công tác ", "chuc vu", "stt"]
    rows = [[r[4], r[1], r[3], r[2], r[0]] for r in GOOD_ROWS]
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(rows, header), dry_run=False
    )
    assert outcome.is_valid, (outcome.errors, outcome.file_errors)
    assert members_of(committee) == EXPECTED


def test_text_is_stored_nfc_without_invisible_characters(officer_1, committee):
    name = "Nguyễn Thị Ánh Tuyết"
    rows = [
        [
            1,
            "\u200b" + unicodedata.normalize("NFD", name) + "\ufeff",
            unicodedata.normalize("NFD", "Phó Chủ tịch") + "\u200d",
            " UBND\u00ad Quận 1 ",
            unicodedata.normalize("NFD", "Ủy viên"),
        ]
    ]
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(rows), dry_run=True
    )
    assert outcome.is_valid, outcome.errors
    assert outcome.rows[0]["full_name"] == name
    members_import(user=officer_1, committee=committee, upload=xlsx_upload(rows), dry_run=False)
    assert members_of(committee) == [(1, name, "Phó Chủ tịch", "UBND Quận 1", "member")]


def test_wrong_columns_are_a_file_error_listing_the_expected_ones(officer_1, committee):
    header = ["STT", "Họ tên", "Chức vụ", "Đơn vị công tác", "Vai trò trong Ban chỉ đạo", "Ghi chú"]
    outcome = members_import(
        user=officer_1,
        committee=committee,
        upload=xlsx_upload(GOOD_ROWS, header),
        dry_run=False,
    )
    assert not outcome.is_valid and outcome.rows == [] and outcome.written == 0
    message = " ".join(outcome.file_errors)
    assert all(column in message for column in COLUMNS)
    assert "Missing columns: Họ và tên." in outcome.file_errors
    assert "Unknown columns: Họ tên, Ghi chú." in outcome.file_errors
    assert members_of(committee) == OLD_MEMBERS


def test_bad_rows_reject_the_whole_file_with_excel_row_numbers(officer_1, committee):
    rows = [
        GOOD_ROWS[0],
        [],  # blank rows are skipped but still counted
        [2, "Lê Thị Mai", "Trưởng phòng", "Phòng GD&ĐT", "Thư ký"],
        [3, "  \u200b ", "Phó Trưởng phòng", "Phòng Văn hóa - Thông tin", "Ủy viên"],
        ["ba", "Võ Ngọc Lan", "Chủ tịch", "Hội Khuyến học", "Ủy viên"],
        GOOD_ROWS[3],
    ]
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(rows), dry_run=False
    )
    assert outcome.file_errors == []
    assert [number for number, _message in outcome.errors] == [4, 5, 6]
    role_error = outcome.errors[0][1]
    assert role_error.startswith("Vai trò trong Ban chỉ đạo:") and "Thư ký" in role_error
    for accepted in ("Trưởng ban", "Phó Trưởng ban", "Ủy viên thường trực", "Ủy viên", "head"):
        assert accepted in role_error
    assert outcome.errors[1][1].startswith("Họ và tên:")
    assert outcome.errors[2][1].startswith("STT:") and "ba" in outcome.errors[2][1]
    assert len(outcome.rows) == 5 and outcome.rows[1]["role"] == "Thư ký"
    assert outcome.written == 0
    assert members_of(committee) == OLD_MEMBERS


def test_rows_beyond_the_size_the_file_declares_are_read(officer_1, committee):
    """Some programs write a wrong <dimension>; a short read would silently drop members."""
    source, buffer = io.BytesIO(xlsx_upload(GOOD_ROWS).read()), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w") as patched:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:E5"/>' in data
                data = data.replace(b'<dimension ref="A1:E5"/>', b'<dimension ref="A1:B2"/>')
            patched.writestr(item, data)
    upload = SimpleUploadedFile("members.xlsx", buffer.getvalue())
    outcome = members_import(user=officer_1, committee=committee, upload=upload, dry_run=False)
    assert outcome.is_valid, (outcome.errors, outcome.file_errors)
    assert members_of(committee) == EXPECTED


def _real_xlsx_bytes() -> bytes:
    return xlsx_upload(GOOD_ROWS).read()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 64, id="exe"),
        pytest.param(_real_xlsx_bytes()[:1500], id="truncated zip"),
        pytest.param(b"", id="zero bytes"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_a_file_error(officer_1, committee, content):
    upload = SimpleUploadedFile("members.xlsx", content)
    outcome = members_import(user=officer_1, committee=committee, upload=upload, dry_run=False)
    assert outcome.file_errors and outcome.rows == [] and outcome.written == 0
    assert members_of(committee) == OLD_MEMBERS


def test_a_damaged_workbook_inside_a_good_zip_is_a_file_error(officer_1, committee):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "not xml at all")
    upload = SimpleUploadedFile("members.xlsx", buffer.getvalue())
    outcome = members_import(user=officer_1, committee=committee, upload=upload, dry_run=False)
    assert len(outcome.file_errors) == 1
    assert "could not be read as an Excel workbook" in outcome.file_errors[0]
    assert members_of(committee) == OLD_MEMBERS


def test_a_file_with_another_extension_is_refused(officer_1, committee):
    upload = SimpleUploadedFile("members.csv", b"STT,Ho va ten\n")
    outcome = members_import(user=officer_1, committee=committee, upload=upload, dry_run=True)
    assert outcome.file_errors == ["Only these file types are accepted: XLSX."]


def test_an_empty_workbook_is_a_file_error(officer_1, committee):
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload([], header=None), dry_run=False
    )
    assert outcome.file_errors == ["The file is empty. Fill in the template and upload it again."]
    assert members_of(committee) == OLD_MEMBERS


def test_a_header_without_rows_is_a_file_error(officer_1, committee):
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload([["", None]]), dry_run=False
    )
    assert outcome.file_errors == ["The file has no member rows below the header."]
    assert members_of(committee) == OLD_MEMBERS


def test_more_rows_than_the_limit_is_a_file_error(officer_1, committee):
    rows = [[i, f"Người {i}", "Cán bộ", "UBND", "Ủy viên"] for i in range(1, MAX_ROWS + 2)]
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(rows), dry_run=False
    )
    assert outcome.file_errors == [f"The file has more than {MAX_ROWS} member rows."]
    assert members_of(committee) == OLD_MEMBERS


def test_an_officer_of_another_district_may_not_import(officer_3, committee):
    with pytest.raises(PermissionDenied):
        members_import(
            user=officer_3, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=False
        )
    assert members_of(committee) == OLD_MEMBERS


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_reviewer_may_not_import(reviewer, committee, dry_run):
    with pytest.raises(PermissionDenied):
        members_import(
            user=reviewer, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=dry_run
        )
    assert members_of(committee) == OLD_MEMBERS


def test_the_department_administrator_may_import(admin_user, committee):
    outcome = members_import(
        user=admin_user, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=False
    )
    assert outcome.written == 4 and members_of(committee) == EXPECTED


def test_a_superseded_committee_takes_no_import(officer_1, district_1, committee):
    committee_establish(
        user=officer_1,
        district=district_1,
        number="456/QĐ-UBND",
        issued_on=date(2025, 1, 2),
        signer="Chủ tịch UBND Quận 1",
    )
    committee.refresh_from_db()
    assert not committee.is_current
    outcome = members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=False
    )
    assert outcome.file_errors == ["Members can only be imported into the current committee."]
    assert outcome.written == 0
    assert members_of(committee) == OLD_MEMBERS


def test_an_export_imports_back_unchanged(officer_1, committee):
    members_import(
        user=officer_1, committee=committee, upload=xlsx_upload(GOOD_ROWS), dry_run=False
    )
    before = members_of(committee)
    content = members_export_xlsx(committee)

    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert [cell.value for cell in sheet[3]] == [
        2,
        "Lê Thị Mai",
        "Trưởng phòng GD&ĐT",
        "Phòng Giáo dục và Đào tạo",
        "Phó Trưởng ban",
    ]

    upload = SimpleUploadedFile("Thành viên.xlsx", content)
    outcome = members_import(user=officer_1, committee=committee, upload=upload, dry_run=False)
    assert outcome.is_valid and outcome.written == len(before)
    assert members_of(committee) == before


def test_the_template_has_the_columns_and_lists_the_roles(officer_1, committee):
    workbook = load_workbook(io.BytesIO(member_template_xlsx()))
    members, guide = workbook.worksheets
    assert [cell.value for cell in members[1]] == COLUMNS == CommitteeMemberResource.column_names()
    assert guide.title == "Hướng dẫn"
    assert [row[0] for row in guide.iter_rows(min_row=2, values_only=True)] == [
        "Trưởng ban",
        "Phó Trưởng ban",
        "Ủy viên thường trực",
        "Ủy viên",
    ]
    # The blank template is a well-formed file: it only lacks members.
    upload = SimpleUploadedFile("mau.xlsx", member_template_xlsx())
    outcome = members_import(user=officer_1, committee=committee, upload=upload, dry_run=True)
    assert outcome.file_errors == ["The file has no member rows below the header."]
