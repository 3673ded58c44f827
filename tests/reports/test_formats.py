"""The files: the workbook opened with openpyxl, the document with python-docx."""

import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import docx
import time_machine
from django.conf import settings
from django.utils import translation
from docx.oxml.ns import qn
from openpyxl import load_workbook

from clc import services as clc_services
from districts.models import SteeringCommittee
from indicators import selectors as indicator_selectors
from learningcity.reports import sections

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def t(text: str) -> str:
    """``text`` as the report writes it (in the report's language)."""
    with translation.override(settings.REPORTS_LANGUAGE):
        return translation.gettext(text)


def workbook(report):
    with report.xlsx.open("rb") as stored:
        return load_workbook(stored)


def document(report):
    with report.docx.open("rb") as stored:
        return docx.Document(stored)


def summary(book) -> dict:
    """{(section number, figure label): value} from the summary sheet."""
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    return {(row[0].split(".")[0], row[1]): row[2] for row in rows}


def texts(doc) -> list[str]:
    return [node.text for node in doc.element.body.iter(qn("w:t"))]


def cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- XLSX ----------------------------------------------------------------------------------------


def test_workbook_has_a_summary_then_a_sheet_per_section(
    compile_report, reviewer, programme, periods
):
    report = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    book = workbook(report)
    names = book.sheetnames
    assert names[0] == t("Summary")
    prefixes = [name.split(".")[0] for name in names[1:]]
    assert list(dict.fromkeys(prefixes)) == ["I", "II", "III", "IV", "V"]  # sections in order
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold, sheet.title

    figures = summary(book)
    current = SteeringCommittee.objects.filter(superseded_at=None).count()
    by = {"date": "31/12/2025"}  # committees and plans as they stood at the year's end
    assert figures[("I", t("Districts with a steering committee by %(date)s") % by)] == current
    assert current == 2
    assert figures[("I", t("Districts with an implementation plan by %(date)s") % by)] == 1

    board = book[next(name for name in names if name.startswith("I.1"))]
    header = [cell.value for cell in board[1]]
    rows = {row[1].value: row for row in board.iter_rows(min_row=2)}
    quan_1 = rows["Quận 1"]
    assert quan_1[header.index(t("Committee decision"))].value == "1140/QĐ-UBND"
    decided = quan_1[header.index(t("Decision date"))]
    assert decided.value.date().isoformat() == "2024-04-02"
    assert decided.number_format == "dd/mm/yyyy"
    members = quan_1[header.index(t("Members"))]
    assert members.value == 1 and members.number_format == "#,##0"
    assert len(rows) == 22

    difficulties = book[next(name for name in names if name.startswith("II"))]
    values = [cell.value for row in difficulties.iter_rows(min_row=2) for cell in row]
    assert "Kinh phí cho trung tâm học tập cộng đồng còn hạn chế." in values
    assert str(periods["2025-H1"]) in values or "6 tháng đầu năm 2025" in values


def test_figures_match_the_database_on_the_demo_data(compile_report, reviewer, demo_data):
    from learningcity.models import ReportingPeriod

    period = ReportingPeriod.objects.get(code="2024")
    report = compile_report(user=reviewer, kind="yearly", period=period)
    book = workbook(report)
    figures = summary(book)
    committees = t("Districts with a steering committee by %(date)s") % {"date": "31/12/2024"}
    assert figures[("I", committees)] == 16
    # The city value of an indicator is the roll-up of approved district values.
    framework = indicator_selectors.current_framework()
    rollup = {
        f.indicator.code: f.value
        for f in indicator_selectors.city_rollup(framework=framework, period=period)
    }
    city = book[next(name for name in book.sheetnames if name.startswith("III.2"))]
    header = [cell.value for cell in city[1]]
    column = next(i for i, h in enumerate(header) if h and str(period) in h)
    values = {row[0].value: row[column].value for row in city.iter_rows(min_row=2)}
    code, expected = next((code, v) for code, v in rollup.items() if v is not None)
    assert Decimal(str(values[code])) == expected.quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert city.cell(row=2, column=column + 1).number_format == "#,##0.0"

    # The awards round of 2024, as the seeds report it: 103 received, 65 awarded.
    received = {label: value for (number, label), value in figures.items() if number == "IV"}
    assert sorted(received.values()) == [65, 103]
    doc = document(report)
    kinds = next(
        table_rows(table) for table in doc.tables if table_rows(table)[0][0] == t("Nominee kind")
    )
    assert kinds[-1][1:] == ["103", "65"]
    assert ["30", "16"] in [row[1:] for row in kinds]  # individuals
    assert ["68", "48"] in [row[1:] for row in kinds]  # collectives


# --- DOCX ----------------------------------------------------------------------------------------


def test_document_has_the_layout_of_an_administrative_report(
    compile_report, reviewer, programme, periods
):
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=HCMC), tick=False):
        report = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    doc = document(report)

    header = doc.tables[0]
    issuer, nation = header.cell(0, 0), header.cell(0, 1)
    assert cell_lines(issuer) == [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ HỒ CHÍ MINH",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    ]
    assert issuer.paragraphs[2].runs[0].bold
    assert cell_lines(nation) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert all(p.runs[0].bold for p in nation.paragraphs if p.text)
    # A short rule under the issuer and under the motto: a bordered, empty paragraph.
    assert issuer.paragraphs[3]._p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None
    assert header._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "nil"
    assert header.cell(1, 0).text == "Số: …/BC-SGDĐT"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "Thành phố Hồ Chí Minh, ngày 05 tháng 01 năm 2026"
    assert date_line.runs[0].italic

    paragraphs = [p for p in doc.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == "BÁO CÁO" and title.runs[0].bold and title.alignment == 1  # centred
    assert "2025" in paragraphs[1].text and paragraphs[1].runs[0].bold
    headings = [p.text for p in paragraphs if p.runs[0].bold and p.text[:3].rstrip(".").isupper()]
    numbers = [
        text.split(".")[0]
        for text in headings
        if text.split(".")[0] in {"I", "II", "III", "IV", "V"}
    ]
    assert numbers == ["I", "II", "III", "IV", "V"]
    assert f"I. {t(str(sections.TITLES['review_board']))}" in headings

    board = doc.tables[1]
    assert board.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    # Cells take their look from two styles: bold 11 pt headings, 11 pt text, Times New Roman.
    heading_style = board.rows[0].cells[0].paragraphs[0].style
    cell_style = board.rows[1].cells[0].paragraphs[0].style
    assert heading_style.font.bold and not cell_style.font.bold
    assert heading_style.font.size.pt == cell_style.font.size.pt == 11
    assert cell_style.base_style.name == "Normal"  # whose fonts are Times New Roman throughout
    assert table_rows(board)[1][:2] == ["Quận 1", "1140/QĐ-UBND"]

    closing = doc.tables[-1]
    recipients, signer = closing.cell(0, 0), closing.cell(0, 1)
    heading = recipients.paragraphs[0].runs[0]
    assert heading.text == "Nơi nhận:" and heading.bold and heading.italic
    assert cell_lines(recipients)[-1] == "- Lưu: VT."
    assert cell_lines(signer)[:2] == ["GIÁM ĐỐC", "(Ký, ghi rõ họ tên)"]
    assert signer.paragraphs[0].runs[0].bold

    # Times New Roman 13 on A4, Vietnamese in precomposed form (NFC), as typed in Word.
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    page = doc.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    assert round(page.left_margin.cm, 1) == 3.0
    everything = texts(doc)
    assert all(text == unicodedata.normalize("NFC", text) for text in everything)
    assert "\u1ed9" in "".join(everything)  # "ộ" of "Độc lập", one code point


def test_a_districts_report_carries_the_districts_letterhead(
    compile_report, officer_1, programme, periods
):
    report = compile_report(
        user=officer_1, kind="half_yearly", period=periods["2025-H1"], district=officer_1.unit
    )
    doc = document(report)
    header = doc.tables[0]
    assert cell_lines(header.cell(0, 0)) == [
        "ỦY BAN NHÂN DÂN",
        "QUẬN 1",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
    ]
    assert header.cell(1, 0).text == "Số: …/BC-PGDĐT"
    assert header.cell(1, 1).text.startswith("Quận 1, ngày ")
    assert cell_lines(doc.tables[-1].cell(0, 1))[0] == "TRƯỞNG PHÒNG"
    everything = "\n".join(texts(doc))
    # Its own figures only: its review, its row of the board, not other districts'.
    assert "Kinh phí cho trung tâm học tập cộng đồng còn hạn chế." in everything
    assert "Thành phố Thủ Đức" not in everything
    board = summary(workbook(report))
    committees = t("Districts with a steering committee by %(date)s") % {"date": "30/06/2025"}
    assert board[("I", committees)] == 2  # city-wide totals


def test_the_unesco_report_covers_two_years(compile_report, reviewer, programme, periods):
    report = compile_report(user=reviewer, kind="unesco", period=periods["2025"])
    book = workbook(report)
    assert book.worksheets[0]["C3"].value.endswith("2024-2025")
    city = book[next(name for name in book.sheetnames if name.startswith("III.2"))]
    header = [cell.value for cell in city[1]]
    assert any(str(periods["2024"]) in (h or "") for h in header)
    assert any(str(periods["2025"]) in (h or "") for h in header)


def test_sections_without_data_say_so_plainly(compile_report, reviewer, periods, hcmc):
    report = compile_report(user=reviewer, kind="monthly", period=periods["2025-M07"])
    assert report.status == "done"
    everything = "\n".join(texts(document(report)))
    no_round = t("There is no award round for %(span)s yet.") % {"span": str(periods["2025-M07"])}
    assert no_round in everything
    assert t("No community learning centre is registered yet.") in everything


def test_clc_rollups_of_the_year(compile_report, reviewer, officer_1, periods, hcmc):
    ward = hcmc.children.get(code="760").children.order_by("code").first()
    centre = clc_services.centre_create(
        user=officer_1, ward=ward, name=f"Trung tâm học tập cộng đồng {ward.name}"
    )
    activity = clc_services.report_save(
        user=officer_1,
        centre=centre,
        year=2025,
        participants_total=1200,
        uses_it=True,
        it_usage="Lớp kỹ năng số",
    )
    activity = clc_services.report_submit(user=officer_1, report=activity)
    clc_services.report_accept(user=officer_1, report=activity)

    report = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    figures = summary(workbook(report))
    assert figures[("V", t("Community learning centres registered"))] == 1
    assert figures[("V", t("Participants (%(year)s)") % {"year": 2025})] == 1200
    assert figures[("V", t("Centres using IT (%)"))] == 100
