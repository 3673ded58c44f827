"""A district's indicator values through the pre-filled XLSX template: preview, import, errors."""

import io
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from indicators import selectors, services
from indicators.choices import Aggregation, SubmissionStatus, Unit
from indicators.imports import (
    COLUMNS,
    MAX_ROWS,
    values_import,
    values_template_sheets,
    values_template_xlsx,
)
from indicators.models import Area, Indicator, Value
from indicators.resources import NumberError, parse_decimal
from indicators.services import Entry
from learningcity.models import ReportingPeriod

CODE, VALUE, NUMERATOR, DENOMINATOR, NOTE = 1, 4, 5, 6, 7  # template columns (1-based)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in their English source text, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def submission(officer_1, year_2025):
    return services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)


def framework_codes() -> list[str]:
    framework = selectors.current_framework()
    return [i.code for i in selectors.framework_indicators(framework=framework)]


def template(submission):
    """The template as openpyxl reads it, and {code: Excel row} of its values sheet."""
    workbook = load_workbook(io.BytesIO(values_template_xlsx(submission=submission)))
    sheet = workbook["Chỉ số"]
    rows = {sheet.cell(row, CODE).value: row for row in range(2, sheet.max_row + 1)}
    return workbook, sheet, rows


def as_upload(workbook, name="chi-so-quan-1.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fill(sheet, rows, **by_code):
    """Set cells: fill(sheet, rows, WB2_2={VALUE: 10, NOTE: "x"})."""
    for key, cells in by_code.items():
        for column, value in cells.items():
            sheet.cell(rows[key.replace("_", ".")], column).value = value


def fill_everything(sheet, rows):
    """A plausible value for every indicator the district enters."""
    for indicator in Indicator.objects.filter(computed=""):
        row = rows[indicator.code]
        if indicator.is_ratio:
            sheet.cell(row, NUMERATOR, 45)
            sheet.cell(row, DENOMINATOR, 90)
        else:
            sheet.cell(row, VALUE, 10)


def stored(submission) -> dict[str, tuple]:
    return {
        v.indicator.code: (v.value, v.numerator, v.denominator, v.note)
        for v in submission.values.select_related("indicator")
    }


def test_the_template_lists_the_framework_with_a_guide(submission):
    sheets = values_template_sheets(submission=submission)
    assert [s.title for s in sheets] == ["Chỉ số", "Hướng dẫn"]
    workbook, sheet, rows = template(submission)
    assert [c.value for c in sheet[1]] == COLUMNS
    assert list(rows) == framework_codes() and len(rows) == 30
    fc11 = [c.value for c in sheet[rows["FC1.1"]]]
    assert fc11[2] == "có/không (tự tính)" and fc11[3] == 0  # computed, shown, ignored
    bb21 = [c.value for c in sheet[rows["BB2.1"]]]
    assert bb21[:4] == [
        "BB2.1",
        "Tỷ lệ hộ gia đình được công nhận “Gia đình học tập”",
        "% (Tử số/Mẫu số)",
        None,
    ]
    assert [c.value for c in sheet[rows["WB2.2"]]][2] == "số lượng"
    guide = {row[0]: row[1] for row in workbook["Hướng dẫn"].iter_rows(min_row=2, values_only=True)}
    assert "Tổng số hộ gia đình" in guide["BB2.1"]
    assert "“có”" in guide["có/không"] and "“không”" in guide["có/không"]
    assert all(column in guide for column in COLUMNS)
    assert "FC1.1" not in guide  # computed: nothing to enter


def test_the_filled_template_is_previewed_then_imported(officer_1, submission):
    workbook, sheet, rows = template(submission)
    fill_everything(sheet, rows)
    note = "Theo báo cáo của Phòng Giáo dục và Đào tạo Quận 1"
    fill(
        sheet,
        rows,
        WB2_2={VALUE: 1500, NOTE: "\u200b" + unicodedata.normalize("NFD", note) + "\ufeff "},
        BB5_2={VALUE: "12,5"},
        FC3_1={VALUE: "150.000.000"},
        BB2_1={NUMERATOR: 2, DENOMINATOR: "3"},
        FC1_1={VALUE: 1},  # computed: ignored
    )
    before = stored(submission)
    version = submission.version

    preview = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=True
    )
    assert preview.is_valid, (preview.errors, preview.file_errors)
    assert preview.written == 0
    assert len(preview.rows) == 21  # 30 less the 9 computed ones
    wb22 = next(row for row in preview.rows if row["code"] == "WB2.2")
    assert wb22 == {
        "row": rows["WB2.2"],
        "code": "WB2.2",
        "name": "Số lượt người tham gia Tuần lễ học tập suốt đời",
        "value": Decimal(1500),
        "numerator": None,
        "denominator": None,
        "note": note,
    }
    bb21 = next(row for row in preview.rows if row["code"] == "BB2.1")
    assert bb21["value"] == Decimal("66.6667")  # as the service will store it
    assert stored(submission) == before
    submission.refresh_from_db()
    assert submission.version == version

    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.is_valid and outcome.written == 21
    values = stored(submission)
    assert values["WB2.2"] == (Decimal(1500), None, None, note)
    assert values["BB5.2"][0] == Decimal("12.5")
    assert values["FC3.1"][0] == Decimal(150_000_000)
    assert values["BB2.1"][:3] == (Decimal("66.6667"), Decimal(2), Decimal(3))
    assert values["WB1.1"][:3] == (Decimal(50), Decimal(45), Decimal(90))
    assert values["FC1.1"][0] == 0  # no committee: the portal's value, not the file's
    history = Value.history.filter(submission_id=submission.pk, indicator__code="WB2.2")
    assert history.latest("history_date").history_user == officer_1
    # Every value is in: the district can submit.
    services.submission_submit(user=officer_1, submission=submission)


def test_the_exported_template_imports_back_unchanged(officer_1, submission):
    workbook, sheet, rows = template(submission)
    fill_everything(sheet, rows)
    fill(sheet, rows, BB5_2={VALUE: 72.25, NOTE: "Dòng 1\nDòng 2"})
    values_import(user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False)
    before = stored(submission)
    upload = SimpleUploadedFile("mau.xlsx", values_template_xlsx(submission=submission))
    outcome = values_import(user=officer_1, submission=submission, upload=upload, dry_run=False)
    assert outcome.is_valid and outcome.written == 21
    assert stored(submission) == before


def test_yes_no_and_percent_cells_as_people_type_them(officer_1, year_2025):
    area = Area.objects.get(code="FC3", group__framework__is_current=True)
    Indicator.objects.create(
        area=area,
        code="FC3.8",
        name="Có quỹ khuyến học",
        unit=Unit.YES_NO,
        aggregation=Aggregation.SHARE_YES,
        order=8,
    )
    Indicator.objects.create(
        area=area,
        code="FC3.9",
        name="Tỷ lệ giải ngân",
        unit=Unit.PERCENT,
        aggregation=Aggregation.MEAN,
        order=9,
    )
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    workbook, sheet, rows = template(submission)
    fill(sheet, rows, FC3_8={VALUE: "Có"}, FC3_9={VALUE: 0.455})
    sheet.cell(rows["FC3.9"], VALUE).number_format = "0.0%"  # Excel keeps 45,5% as 0.455
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.is_valid, outcome.errors
    assert stored(submission)["FC3.8"][0] == 1
    assert stored(submission)["FC3.9"][0] == Decimal("45.5")

    fill(sheet, rows, FC3_8={VALUE: "không"}, FC3_9={VALUE: "120"})
    sheet.cell(rows["FC3.9"], VALUE).number_format = "General"
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.errors == [(rows["FC3.9"], "FC3.9: The value cannot exceed 100.")]
    assert stored(submission)["FC3.8"][0] == 1  # nothing written


def test_a_value_out_of_range_rejects_the_whole_file_with_its_excel_row(officer_1, submission):
    workbook, sheet, rows = template(submission)
    fill_everything(sheet, rows)
    fill(sheet, rows, BB2_1={NUMERATOR: 120, DENOMINATOR: 100}, BB5_2={VALUE: 120})
    before = stored(submission)
    for dry_run in (True, False):
        outcome = values_import(
            user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=dry_run
        )
        assert outcome.file_errors == [] and outcome.written == 0
        assert outcome.errors == sorted(
            [
                (rows["BB2.1"], "BB2.1: The numerator cannot exceed the denominator."),
                (rows["BB5.2"], "BB5.2: The value cannot exceed 100."),
            ]
        )
        assert len(outcome.rows) == 21
    assert stored(submission) == before


def test_unknown_repeated_and_unreadable_rows_are_row_errors(officer_1, submission):
    workbook, sheet, rows = template(submission)
    fill_everything(sheet, rows)
    fill(
        sheet,
        rows,
        WB2_2={VALUE: "khoảng 100"},
        WB3_1={VALUE: 12.34567},
        BB1_1={VALUE: 50, NUMERATOR: None, DENOMINATOR: None},  # a ratio: Tử số, Mẫu số
        BB6_1={NUMERATOR: 5},  # a count takes Giá trị
    )
    last = sheet.max_row
    sheet.cell(last + 2, CODE, "XX9.9")  # after a blank row
    sheet.cell(last + 3, CODE, "WB3.1")
    sheet.cell(last + 3, VALUE, 7)
    before = stored(submission)
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.file_errors == [] and outcome.written == 0
    numbers = [number for number, _message in outcome.errors]
    assert numbers == sorted(
        [rows["WB2.2"], rows["WB3.1"], rows["BB1.1"], rows["BB6.1"], last + 2, last + 3]
    )
    messages = dict(outcome.errors)
    assert messages[rows["WB2.2"]] == "Giá trị: “khoảng 100” is not a number."
    assert "more than 4 decimal places" in messages[rows["WB3.1"]]
    assert "leave Giá trị empty" in messages[rows["BB1.1"]]
    assert "Dân số 15-60 tuổi" not in messages[rows["BB1.1"]]  # BB1.1's own denominator
    assert "Người khuyết tật trong độ tuổi đi học" in messages[rows["BB1.1"]]
    assert "leave Tử số and Mẫu số empty" in messages[rows["BB6.1"]]
    assert messages[last + 2] == "Unknown indicator code “XX9.9”."
    assert messages[last + 3] == f"The indicator WB3.1 is already on row {rows['WB3.1']}."
    assert stored(submission) == before


def test_columns_may_come_in_any_order_and_spelling(officer_1, submission):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ghi chu minh chung", "MẪU SỐ", "tu so", "Giá trị ", "Tên chỉ số", "Đơn vị tính"])
    sheet["G1"] = "mã chỉ số"
    sheet.append(["Sổ theo dõi", None, None, "2.500", "", "", "WB2.2"])
    sheet.append([None, 200, 50, None, None, None, "BB2.1"])
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.is_valid, (outcome.errors, outcome.file_errors)
    assert outcome.written == 2
    values = stored(submission)
    assert values["WB2.2"] == (Decimal(2500), None, None, "Sổ theo dõi")
    assert values["BB2.1"][0] == Decimal(25)
    assert values["WB3.1"][0] is None  # not in the file: unchanged


def test_wrong_columns_are_a_file_error_listing_the_expected_ones(officer_1, submission):
    workbook = Workbook()
    workbook.active.append(["Mã chỉ số", "Tên", "Đơn vị tính", "Giá trị", "Tử số", "Ghi chú"])
    workbook.active.append(["WB2.2", "", "", 5, None, ""])
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.rows == [] and outcome.written == 0
    message = " ".join(outcome.file_errors)
    assert all(column in message for column in COLUMNS)
    assert "Missing columns: Tên chỉ số, Mẫu số, Ghi chú minh chứng." in message
    assert "Unknown columns: Tên, Ghi chú." in message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chi-so.csv", b"Ma chi so,Gia tri\nWB2.2,5\n", "Only these file types are accepted"),
        ("chi-so.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" * 20, "damaged or is not what its name"),
        ("chi-so.xlsx", b"", "damaged or is not what its name"),
        ("chi-so.xlsx", "truncated", "damaged or is not what its name"),
    ],
    ids=["csv", "pdf renamed", "zero bytes", "truncated zip"],
)
def test_a_file_that_is_not_a_workbook_is_a_file_error(
    officer_1, submission, name, content, message
):
    if content == "truncated":
        workbook, _sheet, _rows = template(submission)
        content = as_upload(workbook).read()[:2000]
    before = stored(submission)
    upload = SimpleUploadedFile(name, content)
    outcome = values_import(user=officer_1, submission=submission, upload=upload, dry_run=False)
    assert len(outcome.file_errors) == 1 and message in outcome.file_errors[0]
    assert outcome.rows == [] and outcome.errors == [] and outcome.written == 0
    assert stored(submission) == before


def test_a_damaged_workbook_inside_a_good_zip_is_a_file_error(officer_1, submission):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "not xml at all")
    upload = SimpleUploadedFile("chi-so.xlsx", buffer.getvalue())
    outcome = values_import(user=officer_1, submission=submission, upload=upload, dry_run=False)
    assert len(outcome.file_errors) == 1
    assert "could not be read as an Excel workbook" in outcome.file_errors[0]


def test_an_empty_workbook_and_a_header_alone_are_file_errors(officer_1, submission):
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(Workbook()), dry_run=True
    )
    assert outcome.file_errors == ["The file is empty. Fill in the template and upload it again."]
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=True
    )
    assert outcome.file_errors == ["The file has no indicator rows below the header."]


def test_more_rows_than_the_limit_is_a_file_error(officer_1, submission):
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for number in range(MAX_ROWS + 1):
        workbook.active.append([f"X{number}", "", "", 1, None, None, ""])
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=True
    )
    assert outcome.file_errors == [f"The file has more than {MAX_ROWS} rows."]


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_officer_of_another_district_or_a_reviewer_may_not_import(
    officer_1, officer_3, reviewer, submission, dry_run
):
    workbook, sheet, rows = template(submission)
    fill(sheet, rows, WB2_2={VALUE: 5})
    before = stored(submission)
    for user in (officer_3, reviewer):
        with pytest.raises(PermissionDenied):
            values_import(
                user=user, submission=submission, upload=as_upload(workbook), dry_run=dry_run
            )
    assert stored(submission) == before


def test_submitted_values_take_no_import(officer_1, submission):
    workbook, sheet, rows = template(submission)
    fill_everything(sheet, rows)
    values_import(user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False)
    services.submission_submit(user=officer_1, submission=submission)
    before = stored(submission)
    fill(sheet, rows, WB2_2={VALUE: 999})
    outcome = values_import(
        user=officer_1, submission=submission, upload=as_upload(workbook), dry_run=False
    )
    assert outcome.file_errors == ["These values are “Submitted” and can no longer be edited."]
    assert outcome.written == 0 and stored(submission) == before
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (12, Decimal(12)),
        (12.5, Decimal("12.5")),
        (0.1 + 0.2, Decimal("0.3")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1.234.567", Decimal(1234567)),
        ("1.234,5", Decimal("1234.5")),
        ("1,234,567.25", Decimal("1234567.25")),
        ("1 250 000", Decimal(1250000)),
        ("45%", Decimal(45)),
        ("  ", None),
        (None, None),
    ],
)
def test_numbers_are_read_as_people_write_them(cell, number):
    assert parse_decimal(cell) == number


@pytest.mark.parametrize("cell", ["abc", "1,2,3", "NaN", "inf", "1.23456", 10**15])
def test_what_is_not_a_storable_number_is_refused(cell):
    with pytest.raises(NumberError):
        parse_decimal(cell)


def test_values_saved_by_the_form_are_in_the_template(officer_1, submission):
    services.values_save(
        user=officer_1,
        submission=submission,
        entries={
            "WB2.2": Entry(value=42, note="Ghi chú"),
            "BB2.1": Entry(numerator=3, denominator=4),
        },
    )
    _workbook, sheet, rows = template(submission)
    assert [c.value for c in sheet[rows["WB2.2"]]][3:] == [42, None, None, "Ghi chú"]
    assert [c.value for c in sheet[rows["BB2.1"]]][3:] == [None, 3, 4, None]
