import io
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import quote

from openpyxl import load_workbook

from learningcity.xlsx import XLSX_CONTENT_TYPE, Sheet, build_workbook, xlsx_response


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_header_is_bold_shaded_and_frozen():
    content = build_workbook([Sheet("Danh sách", ["Mã", "Tên"], [["760", "Quận 1"]])])
    sheet = _open(content).active
    assert [cell.value for cell in sheet[1]] == ["Mã", "Tên"]
    assert sheet["A1"].font.bold
    assert sheet["A1"].fill.fill_type == "solid"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[2]] == ["760", "Quận 1"]


def test_values_keep_their_types_and_formats():
    rows = [
        [date(2024, 3, 1), datetime(2024, 3, 1, 1, 30, tzinfo=UTC), 1234567, 0.456, Decimal("2.5")]
    ]
    content = build_workbook(
        [
            Sheet(
                "Số liệu",
                ["Ngày", "Lúc", "Số người", "Tỉ lệ", "Điểm"],
                rows,
                column_formats={2: "#,##0", 3: "0.0%"},
            )
        ]
    )
    sheet = _open(content).active
    assert sheet["A2"].is_date and sheet["A2"].value == datetime(2024, 3, 1)
    assert sheet["A2"].number_format == "dd/mm/yyyy"
    # An aware time is written in the portal's time zone (Asia/Ho_Chi_Minh, UTC+7).
    assert sheet["B2"].value == datetime(2024, 3, 1, 8, 30)
    assert sheet["C2"].value == 1234567 and sheet["C2"].number_format == "#,##0"
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["E2"].value == 2.5
    assert sheet["C1"].number_format == "General"  # formats apply to data, not the header


def test_vietnamese_text_round_trips_and_formulas_stay_text():
    name = "Nguyễn Thị Ánh Tuyết - Phường Tân Định"
    content = build_workbook([Sheet("Tên", ["Họ và tên"], [[name], ["=1+1"], ["a\x01b"]])])
    sheet = _open(content).active
    assert sheet["A2"].value == name
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "ab"


def test_sheet_titles_are_made_acceptable_to_excel():
    content = build_workbook(
        [
            Sheet("Báo cáo [Quý 1/2024]: tổng hợp * các quận?", ["A"]),
            Sheet("", ["B"]),
        ]
    )
    titles = _open(content).sheetnames
    assert len(titles[0]) <= 31
    assert not set("[]:*?/\\") & set(titles[0])
    assert titles[0].startswith("Báo cáo Quý 1 2024")
    assert titles[1] == "Sheet2"


def test_column_widths_are_bounded():
    content = build_workbook([Sheet("A", ["Mã", "Ghi chú"], [["1", "x" * 500]])])
    sheet = _open(content).active
    assert 8 <= sheet.column_dimensions["A"].width <= 60
    assert sheet.column_dimensions["B"].width == 60


def test_response_carries_a_vietnamese_file_name():
    response = xlsx_response("Thành viên Ban chỉ đạo Quận 1", [Sheet("A", ["Mã"])])
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Thanh vien Ban chi dao Quan 1.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote("Thành viên Ban chỉ đạo Quận 1.xlsx") in disposition
    disposition.encode("ascii")  # header values must be plain ASCII
    assert _open(response.content).sheetnames == ["A"]
