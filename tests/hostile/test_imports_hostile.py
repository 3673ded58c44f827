"""Hostile spreadsheets against every import (committee members, a district's centres, the city's
centres, indicator values): small files that would keep a worker busy for minutes, and
confirmations sent twice.

The work a file costs is counted, never timed, so that a loaded machine cannot make a test fail
or pass: ``rows_read`` counts the rows openpyxl parses from the sheet's XML plus the rows it hands
to the reader (a gap in the row numbers is handed out as that many empty rows). Read to the end,
a bomb of a million blank rows costs some 20,000 times a normal 50-row file; bounded, it costs
about 20 times (the reader stops at MAX_BLANK_RUN blank rows in a row), hence ``RATIO``.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from clc.models import Centre
from clc.resources import CentreResource
from districts.imports import members_import
from districts.models import CommitteeMember
from districts.resources import CommitteeMemberResource
from districts.services import committee_establish
from indicators import selectors as indicator_selectors
from indicators import services as indicator_services
from indicators.choices import Unit
from indicators.imports import COLUMNS as VALUE_COLUMNS
from indicators.models import Value
from learningcity.models import ImportPreview, ReportingPeriod
from learningcity.spreadsheets import MAX_BLANK_RUN, ReadBudget, SpreadsheetError, read_sheet
from tests.clc.test_import import row as centre_row

from .conftest import assert_unchanged

pytestmark = pytest.mark.usefixtures("english", "media_in_tmp")

RATIO = 25  # a bomb may cost at most this many times a normal 50-row file of the same import
NORMAL_ROWS = 50
BOMB_ROWS = 1_000_000
LAST_ROW, LAST_COLUMN = 1_048_576, "XFD"  # the largest sheet Excel knows
GONE = "This import was already confirmed, or its preview has expired. Upload the file again."


# --- the files -----------------------------------------------------------------------------------


def workbook(header: list, rows: list, title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_rows(data: bytes, rows, *, dimension: str | None) -> bytes:
    """``data`` with ``rows`` (raw XML) added to its first sheet and its declared size replaced
    by ``dimension`` (None: no size declared), as a hostile program would write it."""
    source, buffer = io.BytesIO(data), io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as patched,
    ):
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                size = f'<dimension ref="{dimension}"/>' if dimension else ""
                text, found = re.subn(r'<dimension ref="[^"]*"/>', size, text)
                assert found == 1
                head, tail = text.split("</sheetData>")
                content = "".join([head, *rows, "</sheetData>", tail]).encode()
            patched.writestr(item.filename, content)
    return buffer.getvalue()


def blank_rows(first: int, count: int) -> list[str]:
    return [f'<row r="{n}"/>' for n in range(first, first + count)]


def bomb(header: list, title: str, variant: str, *, data_rows=()) -> bytes:
    """A small workbook whose sheet holds the header, ``data_rows`` and then a million rows
    that look like nothing."""
    data = workbook(header, list(data_rows), title)
    first = 2 + len(data_rows)
    if variant == "blank rows":  # the production case: <row r="N"/>, size declared honestly
        return with_rows(
            data, blank_rows(first, BOMB_ROWS), dimension=f"A1:G{first + BOMB_ROWS - 1}"
        )
    if variant == "empty styled cells, size lies":  # declared as Excel's largest sheet
        rows = [
            f'<row r="{n}"><c r="A{n}" s="0"/><c r="C{n}" s="0"/></row>'
            for n in range(first, first + BOMB_ROWS // 2)
        ]
        return with_rows(data, rows, dimension=f"A1:{LAST_COLUMN}{LAST_ROW}")
    if variant == "one far cell, no size":  # the gap is handed out as a million empty rows
        far = (
            f'<row r="{LAST_ROW}"><c r="{LAST_COLUMN}{LAST_ROW}" t="inlineStr">'
            "<is><t>x</t></is></c></row>"
        )
        return with_rows(data, [far], dimension=None)
    raise AssertionError(variant)


def upload(data: bytes, name: str = "tep.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- the imports ---------------------------------------------------------------------------------


@dataclass
class Import:
    """One import as an officer meets it: its page, its file's columns and its messages."""

    user: object
    url: str
    header: list
    title: str
    row: object  # Excel row for the i-th line of a normal file
    no_rows: str  # the refusal of a file with nothing below the header
    written: object  # () -> what the import has written, to prove nothing is written twice


KINDS = ["members", "centres", "city centres", "values"]


@pytest.fixture
def committee(officer_1, district_1):
    return committee_establish(
        user=officer_1,
        district=district_1,
        number="123/QĐ-UBND",
        issued_on=date(2024, 3, 1),
        signer="Chủ tịch UBND Quận 1",
    )


@pytest.fixture
def submission(officer_1):
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    return indicator_services.submission_open(
        user=officer_1, district=officer_1.unit, period=period
    )


def centres_written() -> tuple:
    return Centre.objects.count(), Centre.history.count()


@pytest.fixture
def make_import(request, officer_1, admin_user, district_1, district_3):
    def make(kind: str) -> Import:
        if kind == "members":
            committee = request.getfixturevalue("committee")
            return Import(
                user=officer_1,
                url=reverse("districts:member-import", args=[committee.pk]),
                header=CommitteeMemberResource.column_names(),
                title="Thành viên Ban chỉ đạo",
                row=lambda i: [i, f"Người {i}", "Cán bộ", "UBND Quận 1", "Ủy viên"],
                no_rows="The file has no member rows below the header.",
                written=lambda: (CommitteeMember.objects.count(), CommitteeMember.history.count()),
            )
        if kind in ("centres", "city centres"):
            wards = list(district_1.children.order_by("code"))
            if kind == "city centres":
                wards += list(district_3.children.order_by("code"))
            return Import(
                user=officer_1 if kind == "centres" else admin_user,
                url=reverse("clc:import", args=["760"])
                if kind == "centres"
                else reverse("clc:import-all"),
                header=CentreResource.column_names(),
                title="Trung tâm học tập cộng đồng",
                row=lambda i: centre_row(wards[i % len(wards)]),
                no_rows="The file has no centre rows below the header.",
                written=centres_written,
            )
        submission = request.getfixturevalue("submission")
        framework = indicator_selectors.current_framework()
        indicators = [  # counts the district enters: 10 is a good value of each
            indicator
            for indicator in indicator_selectors.framework_indicators(framework=framework)
            if indicator.unit == Unit.COUNT and not (indicator.computed or indicator.is_ratio)
        ]
        return Import(
            user=officer_1,
            url=reverse("indicators:values-import", args=[submission.pk]),
            header=VALUE_COLUMNS,
            title="Chỉ số",
            row=lambda i: [indicators[i % len(indicators)].code, "", "", 10, None, None, None],
            no_rows="The file has no indicator rows below the header.",
            written=lambda: (Value.history.count(),),
        )

    return make


@dataclass
class Work:
    parsed: int = 0  # <row> elements openpyxl parsed
    handed: int = 0  # rows openpyxl handed to the reader, empty ones of a gap included

    @property
    def total(self) -> int:
        return self.parsed + self.handed


@pytest.fixture
def rows_read(monkeypatch):
    """``rows_read()`` is a fresh Work, counting from then on (the real openpyxl code runs)."""
    current = [Work()]
    parse_row = WorkSheetParser.parse_row
    cells_by_row = ReadOnlyWorksheet._cells_by_row

    def counting_parse_row(self, element):
        current[0].parsed += 1
        return parse_row(self, element)

    def counting_cells_by_row(self, *args, **kwargs):
        for cells in cells_by_row(self, *args, **kwargs):
            current[0].handed += 1
            yield cells

    monkeypatch.setattr(WorkSheetParser, "parse_row", counting_parse_row)
    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting_cells_by_row)

    def start() -> Work:
        current[0] = Work()
        return current[0]

    return start


def preview(client, target: Import, data: bytes):
    response = client.post(target.url, {"upload": upload(data)})
    assert response.status_code == 200
    return response


# --- blank-row bombs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant", ["blank rows", "empty styled cells, size lies", "one far cell, no size"]
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_blank_row_bomb_is_refused_for_the_work_of_a_few_normal_files(
    client, make_import, rows_read, table_counts, kind, variant
):
    target = make_import(kind)
    client.force_login(target.user)
    normal = workbook(target.header, [target.row(i) for i in range(NORMAL_ROWS)], target.title)
    normal_work = rows_read()
    preview(client, target, normal)
    assert normal_work.handed == NORMAL_ROWS + 1  # every row of a normal file is read

    hostile = bomb(target.header, target.title, variant)
    assert len(hostile) < 4 * 1024 * 1024  # a small upload, well within the size limit
    before = table_counts()
    bomb_work = rows_read()
    response = preview(client, target, hostile)

    outcome = response.context["outcome"]
    assert outcome.file_errors == [target.no_rows]
    assert "token" not in response.context  # nothing to confirm
    html = response.content.decode()
    assert "The file cannot be imported:" in html and target.no_rows in html
    assert bomb_work.total <= RATIO * normal_work.total, (bomb_work, normal_work)
    assert_unchanged(before, table_counts())


def test_rows_above_a_million_blank_ones_are_imported_for_the_work_of_a_few_files(
    client, make_import, rows_read
):
    target = make_import("members")
    client.force_login(target.user)
    rows = [target.row(i) for i in range(1, NORMAL_ROWS + 1)]
    normal_work = rows_read()
    preview(client, target, workbook(target.header, rows, target.title))

    bomb_work = rows_read()
    response = preview(
        client, target, bomb(target.header, target.title, "blank rows", data_rows=rows)
    )
    assert response.context["outcome"].is_valid
    assert len(response.context["outcome"].rows) == NORMAL_ROWS
    assert bomb_work.total <= RATIO * normal_work.total, (bomb_work, normal_work)
    response = client.post(target.url, {"token": response.context["token"]})
    assert response.status_code == 302 and target.written()[0] == NORMAL_ROWS


def test_rows_far_apart_are_refused_before_the_reader_walks_the_gaps(officer_1, committee):
    """Data rows each after MAX_BLANK_RUN - 1 blank rows would defeat the run: the blank rows
    between data rows count in total."""
    header = CommitteeMemberResource.column_names()
    data, rows, number = workbook(header, [], "Thành viên"), [], 2
    for i in range(1, 400):
        rows.append(
            f'<row r="{number}"><c r="B{number}" t="inlineStr"><is><t>Người {i}</t></is></c></row>'
        )
        rows += blank_rows(number + 1, MAX_BLANK_RUN - 1)
        number += MAX_BLANK_RUN
    hostile = with_rows(data, rows, dimension=None)
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(upload(hostile), max_rows=500)
    assert refused.value.args == (
        f"The file has more than {MAX_BLANK_RUN} empty rows between its rows. "
        "Delete the empty rows and upload it again.",
    )
    outcome = members_import(
        user=officer_1, committee=committee, upload=upload(hostile), dry_run=True
    )
    assert outcome.file_errors == list(refused.value.args)


def test_a_size_declared_too_small_still_reads_every_row_after_it(rows_read):
    header = CommitteeMemberResource.column_names()
    rows = [[i, f"Người {i}", "Cán bộ", "UBND", "Ủy viên"] for i in range(1, 6)]
    data = workbook(header, rows, "Thành viên")
    after_a_gap = '<row r="12"><c r="A12" t="inlineStr"><is><t>6</t></is></c></row>'
    declared_small = with_rows(
        data, [*blank_rows(7, 5), after_a_gap, *blank_rows(13, BOMB_ROWS)], dimension="A1:E3"
    )
    work = rows_read()
    _header, read = read_sheet(upload(declared_small), max_rows=500)
    # Rows past the declared size are read, a blank row there included; the bomb after them
    # ends at the run of blank rows.
    assert [number for number, _values in read] == [2, 3, 4, 5, 6, 12]
    assert work.handed == 12 + MAX_BLANK_RUN


@pytest.mark.parametrize("kind", KINDS)
def test_reading_past_the_time_budget_is_a_clear_refusal(client, settings, make_import, kind):
    settings.SPREADSHEET_READ_SECONDS = 0
    target = make_import(kind)
    client.force_login(target.user)
    normal = workbook(target.header, [target.row(i) for i in range(NORMAL_ROWS)], target.title)
    response = preview(client, target, normal)
    message = (
        "Reading the file took longer than the portal allows (0 seconds). "
        "Delete the empty rows and unused sheets, save it and upload it again."
    )
    assert response.context["outcome"].file_errors == [message]
    assert message in response.content.decode()


class Ticking:
    """A clock that moves one second each time it is read: a budget of N seconds is N checks,
    so whether the reader checks the time while openpyxl works is told without timing."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.mark.parametrize("dimension", [None, "A1:E2"], ids=["no size", "size declared"])
def test_rows_parsed_but_never_handed_out_are_within_the_time_budget(rows_read, dimension):
    """One row number repeated a million times: openpyxl parses every one and hands none to the
    reader (and, without a declared size, first walks the whole sheet to look for one). The
    budget is checked at each chunk of XML openpyxl pulls, so the read stops within it: here a
    budget of twice the checks a normal 50-row file needs."""
    header = CommitteeMemberResource.column_names()
    rows = [[i, f"Người {i}", "Cán bộ", "UBND", "Ủy viên"] for i in range(1, NORMAL_ROWS + 1)]
    clock = Ticking()
    read_sheet(upload(workbook(header, rows)), max_rows=500, budget=ReadBudget(1e9, clock=clock))
    normal_checks = clock.now

    repeated = ['<row r="1"/>'] * BOMB_ROWS
    data = with_rows(workbook(header, []), repeated, dimension=dimension)
    work = rows_read()
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(
            upload(data), max_rows=500, budget=ReadBudget(2 * normal_checks, clock=Ticking())
        )
    assert refused.value.args[0].startswith("Reading the file took longer than the portal allows")
    assert work.parsed < BOMB_ROWS // 4  # stopped early, not after the million


# --- confirmations sent twice --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_confirmation_sent_twice_writes_once_and_says_why(
    client, make_import, media_in_tmp, django_capture_on_commit_callbacks, kind
):
    target = make_import(kind)
    client.force_login(target.user)
    rows = [target.row(i) for i in range(1, 4)]
    response = preview(client, target, workbook(target.header, rows, target.title))
    token = response.context["token"]
    assert len(stored_files(media_in_tmp)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(target.url, {"token": token}).status_code == 302
    written = target.written()
    assert written[-1] > 0
    stored = ImportPreview.objects.get()
    assert stored.confirmed_at is not None and not stored.file
    assert stored_files(media_in_tmp) == []

    again = client.post(target.url, {"token": token}, follow=True)
    assert again.status_code == 200
    assert GONE in again.content.decode()
    assert again.redirect_chain[-1][0] == target.url
    assert target.written() == written


@pytest.mark.parametrize("kind", ["members", "values"])
def test_a_confirmation_of_a_purged_preview_says_why(client, make_import, kind):
    target = make_import(kind)
    client.force_login(target.user)
    rows = [target.row(i) for i in range(1, 4)]
    response = preview(client, target, workbook(target.header, rows, target.title))
    written = target.written()
    stored = ImportPreview.objects.get()
    stored.file.delete(save=False)
    stored.delete()
    again = client.post(target.url, {"token": response.context["token"]}, follow=True)
    assert again.status_code == 200 and GONE in again.content.decode()
    assert target.written() == written


def test_a_preview_file_gone_from_storage_is_not_a_500(client, make_import):
    target = make_import("centres")
    client.force_login(target.user)
    response = preview(client, target, workbook(target.header, [target.row(0)], target.title))
    stored = ImportPreview.objects.get()
    stored.file.storage.delete(stored.file.name)
    again = client.post(target.url, {"token": response.context["token"]}, follow=True)
    assert again.status_code == 200 and GONE in again.content.decode()
    assert not Centre.objects.exists()


def stored_files(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]
