"""The demo data set, loaded once per module, and readers of what each place shows of it.

Every module here checks that one fact has one value wherever the portal shows it: its page,
its API answer, the page's XLSX export and the compiled yearly report (XLSX and DOCX). The demo
is loaded once per module inside a transaction that is rolled back at the end, so the tests of
a module share it and leave nothing behind for other modules.
"""

import io
import re
import unicodedata

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from learningcity.models import ReportingPeriod
from learningcity.reports import services as reports
from tests.reference_data import reseed


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The data `make run` loads: the data migrations' reference rows (a transactional test
    run earlier on this database flushed them), the units, then the demo."""
    with django_db_blocker.unblock(), transaction.atomic():
        reseed()
        call_command("load_admin_units", "--province", "79", stdout=io.StringIO())
        call_command("load_demo_data", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def as_user(client, demo, db):
    """A client signed in as one of the demo accounts, in Vietnamese."""
    from django.contrib.auth import get_user_model

    def sign_in(username):
        client.force_login(get_user_model().objects.get(username=username))
        client.cookies["django_language"] = "vi"
        return client

    return sign_in


def page_text(response) -> str:
    """The visible text of an HTML page, whitespace folded, NFC."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


def xlsx_rows(content: bytes, sheet: str | None = None) -> list[tuple]:
    """The rows of a workbook's sheet (the first by default), as values."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))


def yearly_report(user, year: int, capture) -> tuple[list[list[tuple]], str]:
    """Compile the city's yearly report of ``year``: (rows of every XLSX sheet, DOCX text)."""
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=year, number=0)
    with capture(execute=True):
        report = reports.report_request(user=user, kind="yearly", period=period)
    report.refresh_from_db()
    assert report.status == "done", report.error
    with report.xlsx.open("rb") as stored:
        book = load_workbook(stored, data_only=True)
        sheets = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    with report.docx.open("rb") as stored:
        document = docx.Document(stored)
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
    return sheets, unicodedata.normalize("NFC", "\n".join(parts))
