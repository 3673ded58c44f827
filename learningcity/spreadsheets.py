"""Reading the XLSX files officers upload: one sheet, a header row, rows with their numbers.

Every import (committee members, centres, indicator values) reads through here, so a damaged,
empty or oversized file gets the same clear message everywhere and never a 500.
"""

import datetime
import io
import warnings
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .text import normalize_text, search_key


@dataclass
class ImportOutcome:
    """What an import found (``rows`` for the preview) and, unless a dry run, wrote."""

    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, message)
    file_errors: list[str] = field(default_factory=list)
    written: int = 0

    @property
    def is_valid(self) -> bool:
        return not (self.errors or self.file_errors)


class SpreadsheetError(Exception):
    """The file cannot be imported; ``args`` are the messages for the user."""


def cell_text(value) -> str:
    """A spreadsheet cell as clean text: NFC, no invisible characters, "12.0" read as "12"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


def _with_format(cell) -> tuple:
    return cell.value, "%" in str(getattr(cell, "number_format", "") or "")


def read_sheet(
    upload, *, max_rows: int, sheet_key: str = "", percent: bool = False
) -> tuple[tuple, list[tuple[int, list]]]:
    """The header and the non-empty rows (at most ``max_rows`` + 1, to tell that there are too
    many) of the sheet whose title matches ``sheet_key`` (else the first), each row with its
    Excel number. With ``percent`` each cell is (value, whether Excel shows it as a percentage).
    """
    upload.seek(0)
    content = io.BytesIO(upload.read())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles and extensions openpyxl skips
            workbook = load_workbook(content, read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise SpreadsheetError(_("The file has no worksheet."))
                sheet = next(
                    (
                        s
                        for s in workbook.worksheets
                        if sheet_key and search_key(s.title) == sheet_key
                    ),
                    workbook.worksheets[0],
                )
                sheet.reset_dimensions()  # the size a file declares may be wrong: read it all
                header, rows = (), []
                for number, cells in enumerate(sheet.iter_rows(values_only=not percent), start=1):
                    values = (
                        [
                            (c.value, "%" in str(getattr(c, "number_format", "") or ""))
                            for c in cells
                        ]
                        if percent
                        else list(cells)
                    )
                    texts = (value for value, _shown in values) if percent else values
                    if number == 1:
                        header = tuple(texts)
                    elif any(cell_text(value) for value in texts):
                        rows.append((number, values))
                        if len(rows) > max_rows:
                            break
            finally:
                workbook.close()
    except SpreadsheetError:
        raise
    except Exception as exc:  # a damaged file fails in many ways; none of them is a 500
        raise SpreadsheetError(
            _(
                "The file could not be read as an Excel workbook. "
                "Open it in Excel, save it as .xlsx and try again."
            )
        ) from exc
    return header, rows


def column_positions(header: tuple, columns: list[str], *, optional=()) -> dict[str, int]:
    """Where each expected column is, matching header text without regard to case or accents.

    Raises SpreadsheetError naming the missing, unknown and repeated columns."""
    expected = {search_key(column): column for column in columns}
    positions, unknown, repeated = {}, [], []
    for index, value in enumerate(header or ()):
        text = cell_text(value)
        if not text:
            continue
        column = expected.get(search_key(text))
        if column is None:
            unknown.append(text)
        elif column in positions:
            repeated.append(text)
        else:
            positions[column] = index
    missing = [c for c in columns if c not in positions and c not in optional]
    if not (missing or unknown or repeated):
        return positions
    problems = [
        _("The columns do not match the template. Expected columns: %(expected)s.")
        % {"expected": ", ".join(columns)}
    ]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if repeated:
        problems.append(
            _("Columns given more than once: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    raise SpreadsheetError(*problems)
