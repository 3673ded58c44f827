"""Every XLSX the portal produces (exports, import templates, report tables) goes through here.

One look for all of them: a bold, shaded header row that stays in view, columns wide enough to
read, dates stored as real dates shown dd/mm/yyyy, numbers stored as numbers.
"""

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 60
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBF7")
_WIDTH_SAMPLE = 1000  # rows looked at when sizing columns


@dataclass
class Sheet:
    """One worksheet. ``column_formats`` maps a column's index in ``headers`` (0-based) to an
    Excel number format applied to its data cells: "0", "#,##0", "dd/mm/yyyy", "0.0%"."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    column_formats: dict[int, str] = field(default_factory=dict)


def sheet_title(title: str, fallback: str = "Sheet") -> str:
    """``title`` made acceptable to Excel: no []:*?/\\, no edge apostrophes, 31 characters."""
    cleaned = _TITLE_FORBIDDEN.sub(" ", unicodedata.normalize("NFC", str(title)))
    cleaned = " ".join(cleaned.split()).strip("'")[:31].strip()
    return cleaned or fallback


def _cell_value(value):
    """A value openpyxl stores natively: text, number, bool, naive date or datetime."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    # Lazy translations, UUIDs, model instances: their text. Control characters break the file.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _display_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_sheet(worksheet, sheet: Sheet) -> None:
    worksheet.append([str(header) for header in sheet.headers])
    for cell in worksheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    worksheet.freeze_panes = "A2"

    widths = [_display_length(header) for header in sheet.headers]
    for row_number, row in enumerate(sheet.rows, start=2):
        for column, raw in enumerate(row, start=1):
            value = _cell_value(raw)
            cell = worksheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text from users is never a formula
            number_format = sheet.column_formats.get(column - 1)
            if number_format:
                cell.number_format = number_format
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if row_number - 2 < _WIDTH_SAMPLE:
                if column > len(widths):
                    widths.append(0)
                widths[column - 1] = max(widths[column - 1], _display_length(value))

    for column, width in enumerate(widths, start=1):
        letter = get_column_letter(column)
        worksheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def build_workbook(sheets: list[Sheet]) -> bytes:
    """The XLSX file holding ``sheets``, in order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, sheet in enumerate(sheets, start=1):
        worksheet = workbook.create_sheet(sheet_title(sheet.title, fallback=f"Sheet{index}"))
        _write_sheet(worksheet, sheet)
    if not sheets:
        workbook.create_sheet("Sheet1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ascii_filename(filename: str) -> str:
    """An ASCII stand-in for old clients: "Báo cáo Quận 1.xlsx" -> "Bao cao Quan 1.xlsx"."""
    decomposed = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    safe = re.sub(r"[^A-Za-z0-9._ ()-]", "_", stripped).strip(" .")
    return safe or "export.xlsx"


def content_disposition(filename: str) -> str:
    """An attachment header that keeps a Vietnamese name (RFC 6266 / RFC 5987)."""
    filename = unicodedata.normalize("NFC", filename)
    filename = re.sub(r'[\x00-\x1f\x7f/\\"]', "_", filename).strip() or "export.xlsx"
    fallback = _ascii_filename(filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(filename: str, sheets: list[Sheet]) -> HttpResponse:
    """A download of ``sheets`` as ``filename`` (".xlsx" is added when missing)."""
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    response = HttpResponse(build_workbook(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
