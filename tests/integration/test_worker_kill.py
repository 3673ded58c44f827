"""A report compile outlives the worker compiling it.

Report compiles are acknowledged only when finished (acks_late). A worker killed mid-compile
leaves its job unacknowledged in Redis, which hands it to another worker once the visibility
timeout has passed; a pool process killed under a live worker makes that worker requeue the job at
once (CELERY_TASK_REJECT_ON_WORKER_LOST). The job delivered again then finds its report "running"
(its own lost run) and compiles it. Meanwhile the last good files stay downloadable.

The workers are real `celery worker -Q reports` processes on the test database and Redis; the
compile is slowed down with REPORTS_SECTION_DELAY_SECONDS so that it can be killed mid-way.
"""

import io
import os
import re
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from learningcity.models import ReportingPeriod
from learningcity.reports import services
from learningcity.reports.choices import ReportStatus
from learningcity.reports.models import Report
from tests.integration.conftest import wait_until
from tests.learningcity.test_celery_worker import start_worker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECTION_DELAY = "1"  # seconds after each of the five sections: a compile lasts some 5 s
VISIBILITY_TIMEOUT = 5  # seconds; production: CELERY_VISIBILITY_TIMEOUT, 1 h
COMPILE_TIMEOUT = 60


@pytest.fixture
def year_2024(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2024, number=0)


@pytest.fixture
def reader(reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


def current(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def download(client, report: Report, fmt: str = "xlsx") -> bytes:
    response = client.get(f"/api/v1/reports/{report.pk}/{fmt}/")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def wait_for_status(report, statuses, worker, what) -> Report:
    return wait_until(
        lambda: (fresh := current(report)).status in statuses and fresh,
        timeout=COMPILE_TIMEOUT,
        what=what,
        explain=worker.failure,
    )


def wait_mid_compile(report, worker) -> Report:
    """Running, with a section or more compiled and the files not yet written."""
    return wait_until(
        lambda: (
            (fresh := current(report)).status == ReportStatus.RUNNING
            and fresh.progress > 5
            and fresh
        ),
        timeout=COMPILE_TIMEOUT,
        what="the compile to be half-way",
        explain=worker.failure,
    )


def received_task_ids(worker) -> list[str]:
    return re.findall(r"compile_report\[([0-9a-f-]{36})\] received", worker.output())


def pool_processes(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_a_report_whose_worker_is_killed_is_compiled_by_another_worker(
    portal_broker, shared_media, hcmc, reviewer, reader, year_2024, tmp_path
):
    slow = start_worker(
        queues="reports",
        log_path=tmp_path / "killed-worker.log",
        REPORTS_SECTION_DELAY_SECONDS=SECTION_DELAY,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    try:
        # A good version first.
        first = services.report_request(user=reviewer, kind="yearly", period=year_2024)
        first = wait_for_status(first, ("done", "failed"), slow, "the first compile")
        assert first.status == ReportStatus.DONE, slow.failure(first.error)
        assert first.attempts == 1
        good = download(reader, first)

        # Compiled again, and the worker killed half-way.
        again = services.report_request(user=reviewer, kind="yearly", period=year_2024)
        assert again.pk == first.pk and again.status == ReportStatus.QUEUED
        running = wait_mid_compile(again, slow)
        assert running.progress < 80, running.progress
        assert download(reader, running) == good
        slow.kill()
    finally:
        slow.stop()
    lost_task = received_task_ids(slow)[-1]

    lost = current(first)
    assert lost.status == ReportStatus.RUNNING and lost.attempts == 1
    assert (lost.xlsx.name, lost.docx.name) == (first.xlsx.name, first.docx.name)
    assert download(reader, lost) == good, "the last good files stay downloadable"

    # Redis hands the unacknowledged job on once VISIBILITY_TIMEOUT has passed since its delivery
    # (before the compile started); a worker starting after that takes it up when it starts.
    wait = (lost.started_at - timezone.now()).total_seconds() + VISIBILITY_TIMEOUT + 0.5
    time.sleep(max(wait, 0))
    other = start_worker(
        queues="reports",
        log_path=tmp_path / "next-worker.log",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    try:
        done = wait_for_status(lost, ("done", "failed"), other, "the compile by the next worker")
    finally:
        other.stop()
    assert done.status == ReportStatus.DONE, other.failure(done.error)
    # The same job, delivered again (not a new request), claimed the report although the lost
    # run had left it "running" only seconds ago (REPORTS_STALE_AFTER is 30 minutes).
    assert received_task_ids(other) == [lost_task], other.failure("not the lost job")
    assert done.attempts == 2 and done.progress == 100 and done.error == ""
    assert done.started_at > lost.started_at and done.files_at > first.files_at
    new_names = {done.xlsx.name, done.docx.name}
    assert new_names.isdisjoint({first.xlsx.name, first.docx.name})
    assert not (shared_media / first.xlsx.name).exists(), "the replaced file is deleted"
    assert not (shared_media / first.docx.name).exists()
    workbook = load_workbook(io.BytesIO(download(reader, done)))
    assert workbook.worksheets[0].max_row > 1
    assert download(reader, done, "docx").startswith(b"PK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_report_whose_pool_process_is_killed_is_requeued_at_once(
    portal_broker, shared_media, hcmc, reviewer, reader, year_2024, tmp_path
):
    # The production visibility timeout: the job must come back without waiting for it.
    worker = start_worker(
        queues="reports",
        log_path=tmp_path / "prefork-worker.log",
        pool="prefork",
        REPORTS_SECTION_DELAY_SECONDS=SECTION_DELAY,
    )
    try:
        report = services.report_request(user=reviewer, kind="yearly", period=year_2024)
        running = wait_mid_compile(report, worker)
        (child,) = pool_processes(worker.process.pid)
        os.kill(child, signal.SIGKILL)

        done = wait_for_status(report, ("done", "failed"), worker, "the compile after the kill")
        assert done.status == ReportStatus.DONE, worker.failure(done.error)
        assert done.attempts == 2 and done.started_at > running.started_at
        assert worker.process.poll() is None, worker.failure("the worker itself stopped")
        assert "WorkerLostError" in worker.output(), worker.failure("no pool process was lost")
        assert len(set(received_task_ids(worker))) == 1, worker.failure("not the same job")
        assert download(reader, done).startswith(b"PK")
    finally:
        worker.stop()
