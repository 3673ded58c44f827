"""Reading the XLSX files officers upload: one sheet, a header row, rows with their numbers.

Every import (committee members, centres, indicator values) reads through here, so a damaged,
empty or oversized file gets the same clear message everywhere and never a 500.
"""

import datetime
import io
import time
import warnings
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

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


# How far a read goes: an officer's file is a few hundred rows, but a small XLSX can hold a
# million blank rows (or rows of empty styled cells) that cost a worker minutes to walk through.
MAX_BLANK_RUN = 1000  # this many blank rows in a row: the data is over
MAX_COLUMNS = 64  # the templates have at most ~20 columns; cells further right are not read


class ReadBudget:
    """The time an import may spend reading and checking one file, on the monotonic clock.

    ``check()`` raises SpreadsheetError once it is spent, so a hostile file gets a clear answer
    within seconds instead of holding a web worker until it is killed."""

    def __init__(self, seconds: float | None = None, *, clock=time.monotonic):
        self.seconds = settings.SPREADSHEET_READ_SECONDS if seconds is None else seconds
        self.clock = clock
        self.deadline = clock() + self.seconds

    def check(self) -> None:
        if self.clock() >= self.deadline:
            raise SpreadsheetError(
                _(
                    "Reading the file took longer than the portal allows (%(seconds)s seconds). "
                    "Delete the empty rows and unused sheets, save it and upload it again."
                )
                % {"seconds": f"{self.seconds:g}"}
            )


class _BudgetedBytes(io.BytesIO):
    """The workbook's bytes, checking the budget at each read: what openpyxl unpacks while it
    loads the workbook (shared strings, styles) is checked on too, if coarsely."""

    def __init__(self, data: bytes, budget: ReadBudget):
        super().__init__(data)
        self.budget = budget

    def read(self, size=-1, /):
        self.budget.check()
        return super().read(size)


class _BudgetedStream:
    """A sheet's XML as openpyxl pulls it, chunk by chunk, checking the budget at each chunk:
    rows it parses without handing them out (a row number repeated a million times) cost time
    too, and the compressed bytes above are too few to check on for a file that packs well."""

    def __init__(self, stream, budget: ReadBudget):
        self.stream = stream
        self.budget = budget

    def read(self, size=-1, /):
        self.budget.check()
        return self.stream.read(size)

    def __getattr__(self, name):
        return getattr(self.stream, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stream.close()


_active_budget: ContextVar[ReadBudget | None] = ContextVar("spreadsheet_budget", default=None)


def _budgeted(open_source):
    @wraps(open_source)
    def opened(sheet):
        stream = open_source(sheet)
        budget = _active_budget.get()
        return stream if budget is None else _BudgetedStream(stream, budget)

    opened.budgeted = True
    return opened


# openpyxl opens a read-only sheet's XML here, to find its size when loading the workbook (a walk
# through the whole sheet when the file declares none) and to read its rows: while read_sheet
# runs, the budget is checked at every chunk. Elsewhere the sheet is read as openpyxl reads it.
if not getattr(ReadOnlyWorksheet._get_source, "budgeted", False):
    ReadOnlyWorksheet._get_source = _budgeted(ReadOnlyWorksheet._get_source)


def _pick_sheet(workbook, sheet_key: str):
    if not workbook.worksheets:
        raise SpreadsheetError(_("The file has no worksheet."))
    return next(
        (s for s in workbook.worksheets if sheet_key and search_key(s.title) == sheet_key),
        workbook.worksheets[0],
    )


def read_sheet(
    upload,
    *,
    max_rows: int,
    sheet_key: str = "",
    percent: bool = False,
    budget: ReadBudget | None = None,
) -> tuple[tuple, list[tuple[int, list]]]:
    """The header and the non-empty rows (at most ``max_rows`` + 1, to tell that there are too
    many) of the sheet whose title matches ``sheet_key`` (else the first), each row with its
    Excel number. With ``percent`` each cell is (value, whether Excel shows it as a percentage).

    The work is bounded whatever the file holds: the read ends at ``MAX_BLANK_RUN`` blank rows
    in a row (rows further down are not read: the preview lists what was), more blank rows in
    all between the data than ``MAX_BLANK_RUN`` refuse the file, and so does running out of
    ``budget`` (by default ``SPREADSHEET_READ_SECONDS``). The size a sheet declares is not
    trusted either way: too small, the rows after it are read; too large, the blank run ends it.
    """
    budget = budget or ReadBudget()
    upload.seek(0)
    content = _BudgetedBytes(upload.read(), budget)
    active = _active_budget.set(budget)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles and extensions openpyxl skips
            workbook = load_workbook(content, read_only=True, data_only=True)
            try:
                sheet = _pick_sheet(workbook, sheet_key)
                sheet.reset_dimensions()  # read past a declared size that is too small
                header, rows = _read_rows(sheet, max_rows=max_rows, percent=percent, budget=budget)
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
    finally:
        _active_budget.reset(active)
    return header, rows


def _read_rows(sheet, *, max_rows: int, percent: bool, budget: ReadBudget):
    header, rows = (), []
    blank_run = blank_total = 0
    for number, cells in enumerate(sheet.iter_rows(values_only=not percent), start=1):
        budget.check()
        cells = cells[:MAX_COLUMNS]
        values = (
            [(c.value, "%" in str(getattr(c, "number_format", "") or "")) for c in cells]
            if percent
            else list(cells)
        )
        texts = [value for value, _shown in values] if percent else values
        if number == 1:
            header = tuple(texts)
            continue
        if any(cell_text(value) for value in texts):
            if blank_total > MAX_BLANK_RUN:
                raise SpreadsheetError(
                    _(
                        "The file has more than %(limit)s empty rows between its rows. "
                        "Delete the empty rows and upload it again."
                    )
                    % {"limit": MAX_BLANK_RUN}
                )
            blank_run = 0
            rows.append((number, values))
            if len(rows) > max_rows:
                break
            continue
        blank_run += 1
        blank_total += 1
        if blank_run >= MAX_BLANK_RUN:
            break
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
