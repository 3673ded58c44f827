"""The report as an editable Word document in the layout of a Vietnamese administrative report.

Layout after Decree 30/2020/NĐ-CP (Appendix I): A4, Times New Roman; a borderless two-column
header with the issuing body (its governing body upright, the issuer bold with a short rule
under it) and the national motto (bold, the motto ruled to its length); the number and the
place-and-date line (italic); the document type "BÁO CÁO" and its subject, bold and centred;
numbered sections (I., II., ...) with paragraphs and tables whose header row repeats on each
page; "Nơi nhận:" bottom left and the signer's title bottom right. All text is NFC.
"""

import datetime
import io
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from ..sections import Scope, Section, Table
from .xlsx import section_number

FONT = "Times New Roman"
BODY_SIZE = Pt(13)
TABLE_SIZE = Pt(11)
CELL_STYLE, HEADING_CELL_STYLE = "Table text", "Table heading"
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
MARGINS = {"top": Cm(2), "bottom": Cm(2), "left": Cm(3), "right": Cm(1.5)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]  # 16.5 cm
# The header is a little wider than the text, as usual: the date line must fit on one line.
HEADER_WIDTHS = (Cm(7.5), Cm(10.5))
CELL_PADDING = Cm(0.38)  # Word's default left and right cell margins together


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


def letterhead(scope: Scope) -> dict:
    """The issuer's texts (settings.REPORTS_LETTERHEAD), filled in for a district's report."""
    config = settings.REPORTS_LETTERHEAD["district" if scope.district else "city"]
    names = {}
    if scope.district:
        names = {"district": scope.district.name, "district_upper": scope.district.name.upper()}

    def fill(value):
        if isinstance(value, list | tuple):
            return [fill(item) for item in value]
        return nfc(value.format(**names)) if isinstance(value, str) else value

    return {key: fill(value) for key, value in config.items()}


def date_line(place: str, day: datetime.date) -> str:
    """ "Thành phố Hồ Chí Minh, ngày 05 tháng 01 năm 2026": a 0 before days under 10 and
    months 1 and 2, as the decree asks."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return nfc(f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}")


def display(value) -> str:
    """A cell's text: Vietnamese number separators (1.234,5), dates dd/mm/yyyy."""
    if value is None or value == "":
        return "\u2013"  # en dash: no value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, Decimal | float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return nfc(value)


# --- low-level helpers ----------------------------------------------------------------------------


def _set_run_font(run, *, size=None, bold=None, italic=None, underline=None) -> None:
    run.font.name = FONT
    _east_asian(run._element.get_or_add_rPr())
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline


def _east_asian(rpr) -> None:
    """Times New Roman for every script, so Word never swaps in another font for diacritics."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _paragraph(
    container,
    text: str = "",
    *,
    size=BODY_SIZE,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_line=None,
    before=0,
    after=6,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if first_line is not None:
        fmt.first_line_indent = first_line
    if text:
        _set_run_font(paragraph.add_run(nfc(text)), size=size, bold=bold, italic=italic)
    return paragraph


def _rule(container, *, span: int, width: int) -> None:
    """A centred line ``width`` long in a space ``span`` wide (under the issuer's name, the
    motto and the subject)."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = Emu(max((span - width) // 2, 0))
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    _set_run_font(paragraph.add_run(""), size=Pt(2))


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _column_widths(table, widths) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _cell_text(cell, text: str, *, size, bold=False, italic=False, align=None) -> None:
    """Fill ``cell``'s first paragraph; line breaks in ``text`` become line breaks."""
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(1)
    _set_run_font(paragraph.add_run(nfc(text)), size=size, bold=bold, italic=italic)


def _widths(table: Table, columns: list[int]) -> list[int]:
    """Column widths the way a browser lays out a table: every column gets its longest word,
    the room left goes to the columns whose lines are longer than that."""
    char, margins = Cm(0.23), Cm(0.5)  # a (generous) character at 11 pt; the cell's margins
    minimum, natural = [], []
    for index in columns:
        texts = [str(table.headers[index])]
        texts += [display(values[index]) for values in table.rows[:200]]
        words = [len(word) for text in texts for word in text.split()] or [1]
        lines = [len(line) for text in texts[1:] for line in text.splitlines()] or [1]
        minimum.append(max(words) * char + margins)
        natural.append(max(max(lines), max(words)) * char + margins)
    spare = TEXT_WIDTH - sum(minimum)
    if sum(natural) <= TEXT_WIDTH:
        return [Emu(int(width * TEXT_WIDTH / sum(natural))) for width in natural]
    if spare <= 0:
        return [Emu(int(width * TEXT_WIDTH / sum(minimum))) for width in minimum]
    extra = [n - m for n, m in zip(natural, minimum, strict=True)]
    return [Emu(int(m + spare * e / sum(extra))) for m, e in zip(minimum, extra, strict=True)]


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _shade(cell, fill: str = "E7E6E6") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


# --- parts of the document ------------------------------------------------------------------------


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = BODY_SIZE
        style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        _east_asian(rpr)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "vi-VN")
        rpr.append(language)
    document.core_properties.language = "vi-VN"
    # The cells of data tables take their look from two styles made here once: formatting each
    # run of a national report's 50,000 cells one by one took a minute.
    for name, bold in ((CELL_STYLE, False), (HEADING_CELL_STYLE, True)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.size = TABLE_SIZE
        style.font.bold = bold
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(1)


def _header(document, head: dict, issued_on: datetime.date) -> None:
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _column_widths(table, HEADER_WIDTHS)
    left, right = table.cell(0, 0), table.cell(0, 1)
    centred = WD_ALIGN_PARAGRAPH.CENTER
    superior = head["superior"]
    _cell_text(left, superior[0], size=Pt(12), align=centred)
    for line in superior[1:]:
        _paragraph(left, line, size=Pt(12), align=centred, after=0)
    _paragraph(left, head["issuer"], size=Pt(12), bold=True, align=centred, after=0)
    _rule(left, span=HEADER_WIDTHS[0] - CELL_PADDING, width=Cm(2.4))
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=Pt(12), bold=True, align=centred)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=Pt(13), bold=True, align=centred, after=0)
    _rule(right, span=HEADER_WIDTHS[1] - CELL_PADDING, width=Cm(6.1))
    _cell_text(table.cell(1, 0), head["number"], size=Pt(13), align=centred)
    _cell_text(
        table.cell(1, 1),
        date_line(head["place"], issued_on),
        size=Pt(13),
        italic=True,
        align=centred,
    )
    for cell in table.rows[1].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _title(document, subject: str) -> None:
    centred = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "BÁO CÁO", size=Pt(14), bold=True, align=centred, before=18, after=0)
    _paragraph(document, subject, size=Pt(14), bold=True, align=centred, after=0)
    _rule(document, span=TEXT_WIDTH, width=Cm(4))
    _paragraph(document, "", after=6)


def _data_cell(cell, text: str, style_id: str, align) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.style = style_id  # the id itself: python-docx would search every style per cell
    paragraph.alignment = align
    paragraph.add_run(nfc(text))


def _data_table(document, table: Table, number: int) -> None:
    columns = table.document_columns or list(range(len(table.headers)))
    caption = _("Table %(number)s. %(title)s") % {"number": number, "title": table.title}
    caption = _paragraph(document, caption, size=Pt(12), bold=True, italic=True, before=6, after=3)
    caption.paragraph_format.keep_with_next = True  # never a caption alone at a page's foot
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    _repeat_header(header)
    heading = document.styles[HEADING_CELL_STYLE].style_id
    text = document.styles[CELL_STYLE].style_id
    for cell, index in zip(header.cells, columns, strict=True):
        _data_cell(cell, str(table.headers[index]), heading, WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, index in zip(cells, columns, strict=True):
            value = values[index]
            numeric = isinstance(value, int | Decimal | float) and not isinstance(value, bool)
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            _data_cell(cell, display(value), text, align)
    # A fixed layout takes its widths from the grid and the first row (Word and LibreOffice).
    grid.autofit = False
    widths = _widths(table, columns)
    for column, cell, width in zip(grid.columns, header.cells, widths, strict=True):
        column.width = cell.width = width
    _paragraph(document, "", after=3)


def _body(document, sections: list[Section]) -> None:
    table_number = 0
    for index, section in enumerate(sections):
        heading = f"{section_number(index)}. {section.title}"
        title = _paragraph(document, heading, bold=True, before=6, after=6, first_line=Cm(1))
        title.paragraph_format.keep_with_next = True
        for text in section.paragraphs:
            _paragraph(document, text, first_line=Cm(1))
        if section.no_data:
            _paragraph(document, section.no_data, italic=True, first_line=Cm(1))
        for table in section.tables:
            if table.in_document:
                table_number += 1
                _data_table(document, table, table_number)


def _closing(document, head: dict) -> None:
    _paragraph(document, "", after=6)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _column_widths(table, (Cm(7.5), TEXT_WIDTH - Cm(7.5)))
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_text(
        left, "Nơi nhận:", size=Pt(12), bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    recipients = head["recipients"]
    for position, recipient in enumerate(recipients):
        end = "." if position == len(recipients) - 1 else ";"
        _paragraph(left, f"- {recipient}{end}", size=Pt(11), align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    centred = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(right, head["signer"], size=Pt(13), bold=True, align=centred)
    _paragraph(right, head["signer_note"], size=Pt(13), italic=True, align=centred, after=0)
    for _line in range(4):  # room for the signature and the seal
        _paragraph(right, "", after=0)


def document(
    *, scope: Scope, title: str, sections: list[Section], compiled_at: datetime.datetime
) -> bytes:
    """The DOCX file of a report: letterhead, title, numbered sections, recipients, signer."""
    head = letterhead(scope)
    doc = Document()
    _setup(doc)
    _header(doc, head, compiled_at.date())
    _title(doc, title)
    _body(doc, sections)
    _closing(doc, head)
    doc.core_properties.title = nfc(f"BÁO CÁO {title}")
    doc.core_properties.author = head["issuer"]
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
