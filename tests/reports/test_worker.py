"""End to end: a report requested through the API, compiled by a real Celery worker on Redis.

The worker is the one of tests/learningcity/test_celery_worker.py (same fixtures): a separate
process on the test database, consuming a queue of this run's own. It writes the files into
this test's MEDIA_ROOT, which the test then opens with openpyxl and python-docx.
"""

import io
import os
import time

import docx
import kombu.pools
import pytest
from django.core.management import call_command
from docx.oxml.ns import qn
from openpyxl import load_workbook
from rest_framework.test import APIClient

from districts.models import SteeringCommittee
from tests.reference_data import reseed

pytestmark = pytest.mark.integration

COMPILE_TIMEOUT = 120  # seconds


@pytest.fixture
def worker_media(monkeypatch, settings, media):
    """The worker process stores files where this test reads them."""
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    # Overridden settings forget their module; the worker is started with this one.
    settings.SETTINGS_MODULE = os.environ["DJANGO_SETTINGS_MODULE"]
    return media


@pytest.fixture
def fresh_broker_pools():
    """kombu keeps its producer pools per broker URL for the whole process: a worker test that
    ran before this one closed their connections. Start from new pools, and leave new ones."""
    kombu.pools.reset()
    yield
    kombu.pools.reset()


@pytest.fixture
def report_worker(worker_media, fresh_broker_pools, celery_worker):
    return celery_worker


def wait_for(client, url: str, worker) -> dict:
    deadline = time.monotonic() + COMPILE_TIMEOUT
    while time.monotonic() < deadline:
        report = client.get(url).json()
        if report["status"] in ("done", "failed"):
            return report
        time.sleep(0.5)
    pytest.fail(worker.failure(f"The report was not compiled in {COMPILE_TIMEOUT}s: {report}"))


def download(client, url: str) -> io.BytesIO:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return io.BytesIO(b"".join(response.streaming_content))


def test_a_real_worker_compiles_the_2024_yearly_report(report_worker, hcmc, reviewer):
    reseed()  # an earlier transactional test may have emptied the reference tables
    call_command("load_demo_data", stdout=io.StringIO())
    client = APIClient()
    client.force_authenticate(reviewer)

    response = client.post("/api/v1/reports/", {"kind": "yearly", "period": "2024"}, format="json")
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] in ("queued", "running", "done")
    report = wait_for(client, f"/api/v1/reports/{queued['id']}/", report_worker)
    assert report["status"] == "done", report_worker.failure(report["error"])
    assert report["progress"] == 100 and report["duration_seconds"] > 0

    book = load_workbook(download(client, report["xlsx_url"]))
    summary = {
        (row[0].split(".")[0], row[1]): row[2]
        for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)
    }
    committees = SteeringCommittee.objects.filter(superseded_at=None).count()
    section_one = [value for (number, _label), value in summary.items() if number == "I"]
    assert committees == 16 and committees in section_one

    document = docx.Document(download(client, report["docx_url"]))
    text = [node.text for node in document.element.body.iter(qn("w:t"))]
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text and "GIÁM ĐỐC" in text
    board = document.tables[1]
    quan_1 = next(row for row in board.rows if row.cells[0].text == "Quận 1")
    expected = SteeringCommittee.objects.get(district__code="760", superseded_at=None).number
    assert quan_1.cells[1].text == expected

    from awards.models import Round

    if Round.objects.filter(year=2024).exists():
        # The 2024 round of the movement, as the seeds report it.
        awards = [value for (number, _label), value in summary.items() if number == "IV"]
        assert sorted(awards) == [65, 103]
        totals = [
            [cell.text for cell in table.rows[-1].cells]
            for table in document.tables
            if len(table.columns) == 3 and table.rows[-1].cells[1].text == "103"
        ]
        assert totals and totals[0][1:] == ["103", "65"]
