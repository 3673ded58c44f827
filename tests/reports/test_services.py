"""Requesting and compiling reports: idempotence, permissions, status, timing, failures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from learningcity.models import ReportingPeriod
from learningcity.notifications.models import Notification
from learningcity.reports import sections, services, tasks
from learningcity.reports.choices import ReportStatus
from learningcity.reports.models import Report
from tests.outage import broker_away, redis_cache_away

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def section_title(key: str) -> str:
    with translation.override(settings.REPORTS_LANGUAGE):
        return str(sections.TITLES[key])


def broken(scope):
    raise RuntimeError("the selector is broken")


# --- request -------------------------------------------------------------------------------------


def test_a_request_compiles_the_report_and_records_status_progress_and_timing(
    compile_report, reviewer, programme, periods
):
    report = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    assert report.status == ReportStatus.DONE
    assert report.progress == 100
    assert report.requested_by == reviewer
    assert report.requested_at <= report.started_at <= report.finished_at
    assert report.duration == report.finished_at - report.started_at
    assert report.attempts == 1 and report.error == ""
    assert report.files_at is not None
    for stored in (report.xlsx, report.docx):
        assert stored.name.startswith("reports/2025/yearly-city-")
        assert default_storage.exists(stored.name)
    # The audit trail keeps who asked and each change of state.
    states = list(report.history.order_by("history_date").values_list("status", flat=True))
    assert states == ["queued", "running", "done"]
    assert report.history.earliest().history_user == reviewer


def test_requesting_again_requeues_the_same_row(
    compile_report, reviewer, admin_user, periods, hcmc
):
    first = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    old_files = (first.xlsx.name, first.docx.name)
    again = compile_report(user=admin_user, kind="yearly", period=periods["2025"])
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    assert again.status == ReportStatus.DONE and again.requested_by == admin_user
    assert (again.xlsx.name, again.docx.name) != old_files
    # The files it replaced are gone once the new ones are in.
    assert not any(default_storage.exists(name) for name in old_files)


def test_a_request_while_queued_changes_nothing_until_the_job_is_lost(
    reviewer, periods, hcmc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    assert len(queued) == 1 and report.status == ReportStatus.QUEUED
    with django_capture_on_commit_callbacks() as queued_again:
        services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    assert queued_again == []  # one job is enough
    # A job queued longer ago than REPORTS_STALE_AFTER was lost: a new request sends another.
    Report.objects.update(requested_at=report.requested_at - settings.REPORTS_STALE_AFTER * 2)
    with django_capture_on_commit_callbacks() as requeued:
        services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    assert len(requeued) == 1
    assert Report.objects.count() == 1


def test_the_city_report_and_a_district_report_of_a_period_are_two_reports(
    compile_report, reviewer, periods, district_1
):
    city = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    own = compile_report(user=reviewer, kind="yearly", period=periods["2025"], district=district_1)
    assert city.pk != own.pk and own.district == district_1
    with pytest.raises(ValidationError):
        Report(kind="yearly", period=periods["2025"]).validate_constraints()


@pytest.mark.parametrize(
    ("who", "district", "allowed"),
    [
        ("reviewer", None, True),
        ("admin_user", "district_3", True),
        ("officer_1", "district_1", True),
        ("officer_1", "district_3", False),
        ("officer_1", None, False),
        ("api_consumer", None, False),
    ],
)
def test_who_may_request_which_report(request, periods, who, district, allowed):
    user = request.getfixturevalue(who)
    unit = request.getfixturevalue(district) if district else None
    if allowed:
        report = services.report_request(
            user=user, kind="monthly", period=periods["2025-M07"], district=unit
        )
        assert report.district == unit
    else:
        with pytest.raises(PermissionDenied):
            services.report_request(
                user=user, kind="monthly", period=periods["2025-M07"], district=unit
            )
        assert not Report.objects.exists()


def test_the_kind_must_fit_the_period(reviewer, periods, hcmc):
    with pytest.raises(ValidationError) as error:
        services.report_request(user=reviewer, kind="quarterly", period=periods["2025"])
    assert "period" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.report_request(user=reviewer, kind="weekly", period=periods["2025"])
    # A UNESCO progress report is filed for a year and covers the year before too.
    report = services.report_request(user=reviewer, kind="unesco", period=periods["2025"])
    assert (report.start_date.isoformat(), report.end_date.isoformat()) == (
        "2024-01-01",
        "2025-12-31",
    )
    assert report.span_label.endswith("2024-2025")


# --- compile -------------------------------------------------------------------------------------


def test_running_the_compile_twice_yields_one_report(compile_report, reviewer, periods, hcmc):
    report = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    files = (report.xlsx.name, report.docx.name)
    assert tasks.compile_report.apply(args=[report.pk]).get() is None  # nothing left to do
    report.refresh_from_db()
    assert Report.objects.count() == 1
    assert (report.xlsx.name, report.docx.name) == files and report.attempts == 1


def test_a_failing_section_marks_the_report_failed_and_keeps_the_good_files(
    compile_report, reviewer, periods, hcmc, monkeypatch, client
):
    good = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    good_files = (good.xlsx.name, good.docx.name)
    monkeypatch.setattr(sections, "indicators_section", broken)

    failed = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    assert failed.status == ReportStatus.FAILED
    assert section_title("indicators") in failed.error
    assert "the selector is broken" in failed.error
    assert failed.finished_at is not None and failed.duration is not None
    assert (failed.xlsx.name, failed.docx.name) == good_files
    assert all(default_storage.exists(name) for name in good_files)
    assert failed.files_at == good.files_at

    # Staff see the error on the report's page, and the previous files still download.
    client.force_login(reviewer)
    page = client.get(f"/reports/{failed.pk}/").content.decode()
    assert "the selector is broken" in page
    download = client.get(f"/reports/{failed.pk}/docx/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_a_failing_selector_of_an_app_fails_the_report_too(
    compile_report, reviewer, periods, hcmc, monkeypatch
):
    from districts import selectors as district_selectors

    def review_board(*, period):
        raise ValueError("column does not exist")

    monkeypatch.setattr(district_selectors, "review_board", review_board)
    report = compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    assert report.status == ReportStatus.FAILED and "column does not exist" in report.error
    assert not report.has_files


def test_transient_errors_are_retried_with_backoff(reviewer, periods, hcmc, monkeypatch):
    task = tasks.compile_report
    assert task.max_retries == 3 and task.retry_backoff and task.retry_jitter
    assert {OperationalError, ConnectionError} <= set(task.autoretry_for)


def test_run_eagerly_a_transient_error_fails_the_report_at_once(
    reviewer, periods, hcmc, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []

    def flaky(scope):
        calls.append(scope)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(sections, "clc_section", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    report.refresh_from_db()
    assert len(calls) == 1 and report.attempts == 1
    assert report.status == ReportStatus.FAILED
    assert section_title("clc") in report.error
    assert "server closed the connection" in report.error


def test_a_transient_error_before_the_last_attempt_leaves_the_report_queued(
    reviewer, periods, hcmc, monkeypatch
):
    def unreachable(scope):
        raise ConnectionError("redis went away")

    monkeypatch.setattr(sections, "awards_section", unreachable)
    report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    with pytest.raises(ConnectionError):
        services.report_compile(report_id=report.pk, final_attempt=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert "redis went away" in report.error  # shown to staff, in their language


def test_an_unreachable_broker_leaves_the_report_queued_until_the_requeue_job_sends_it(
    reviewer, periods, hcmc, django_capture_on_commit_callbacks
):
    with broker_away(), django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    report.refresh_from_db()
    # Not failed: queued, with a note saying it is compiled once the service is back.
    assert report.status == ReportStatus.QUEUED and report.job_sent_at is None
    assert report.error == services.job_waiting_message()
    assert services.report_job_waiting(report_id=report.pk)
    assert not Notification.objects.exists()  # nothing failed, nobody is told it did

    # The broker is still away when the beat's job runs: nothing changes, nothing breaks.
    with broker_away():
        assert services.reports_requeue() == []
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.job_sent_at is None

    # Back (here: jobs run eagerly): the requeue job sends it, the report is compiled.
    assert services.reports_requeue() == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.error == ""
    assert services.reports_requeue() == []  # nothing waits any more


def test_the_requeue_job_sends_again_only_jobs_lost_for_longer_than_a_compile_takes(
    reviewer, periods, hcmc, django_capture_on_commit_callbacks
):
    report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    sent_at = timezone.now()
    Report.objects.filter(pk=report.pk).update(job_sent_at=sent_at)  # with the broker
    assert services.reports_requeue(now=sent_at + settings.REPORTS_STALE_AFTER) == []
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    # Still queued long after its job was sent: the job was lost with the broker's data.
    later = sent_at + settings.REPORTS_STALE_AFTER + timedelta(seconds=1)
    assert services.reports_requeue(now=later) == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_a_cache_connection_error_is_retried_like_a_lost_database(
    reviewer, periods, hcmc, programme, settings
):
    """The learning-centres section reads its roll-up from the cache: a Redis that cannot be
    reached there (a cache that raises, as one without IGNORE_EXCEPTIONS does) is transient."""
    assert RedisConnectionError in tasks.compile_report.autoretry_for
    assert BrokerError in tasks.compile_report.autoretry_for
    settings.CACHES = redis_cache_away(IGNORE_EXCEPTIONS=False)
    report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    with pytest.raises(RedisConnectionError):
        services.report_compile(report_id=report.pk, final_attempt=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert section_title("clc") in report.error and "ConnectionError" in report.error
    # The last attempt records the failure.
    with pytest.raises(RedisConnectionError):
        services.report_compile(report_id=report.pk, final_attempt=True, run_lost=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED


def test_with_the_portals_cache_settings_a_compile_goes_on_without_redis(
    reviewer, periods, hcmc, programme, settings
):
    settings.CACHES = redis_cache_away()
    report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    services.report_compile(report_id=report.pk, final_attempt=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error


# --- schedule ------------------------------------------------------------------------------------


def test_beat_requests_the_monthly_report_of_the_previous_month_once(
    db, hcmc, django_capture_on_commit_callbacks
):
    clock = time_machine.travel(datetime(2026, 12, 1, 6, 0, tzinfo=HCMC), tick=False)
    with clock, django_capture_on_commit_callbacks(execute=True):
        first = tasks.request_periodic_reports.apply().get()
        second = tasks.request_periodic_reports.apply().get()
    assert first == second and len(first) == 1
    report = Report.objects.get()
    assert (report.kind, report.period.code, report.district) == ("monthly", "2026-M11", None)
    assert report.requested_by is None and report.note == services.SCHEDULE_NOTE
    assert report.status == ReportStatus.DONE
    assert report.history.count() == 3  # queued, running, done: the second run changed nothing


def test_on_the_first_of_january_every_periodic_kind_is_due(db, hcmc):
    with time_machine.travel(datetime(2027, 1, 1, 6, 0, tzinfo=HCMC), tick=False):
        tasks.request_periodic_reports.apply().get()
    codes = dict(Report.objects.values_list("kind", "period__code"))
    assert codes == {
        "monthly": "2026-M12",
        "quarterly": "2026-Q4",
        "half_yearly": "2026-H2",
        "yearly": "2026",
    }


def test_the_previous_period_is_taken_in_local_time(db, hcmc):
    # 1 July 2026, 00:30 in Ho Chi Minh City is still 30 June in UTC.
    with time_machine.travel(datetime(2026, 7, 1, 0, 30, tzinfo=HCMC), tick=False):
        tasks.request_periodic_reports.apply().get()
    codes = dict(Report.objects.values_list("kind", "period__code"))
    assert codes == {"monthly": "2026-M06", "quarterly": "2026-Q2", "half_yearly": "2026-H1"}
    assert services.due_kinds(datetime(2026, 7, 2).date()) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "code"),
    [
        ("monthly", "2026-01-01", "2025-M12"),
        ("monthly", "2026-03-15", "2026-M02"),
        ("quarterly", "2026-04-01", "2026-Q1"),
        ("half_yearly", "2026-07-01", "2026-H1"),
        ("yearly", "2026-01-01", "2025"),
        ("unesco", "2026-06-30", "2025"),
    ],
)
def test_period_before(kind, day, code):
    period = services.period_before(kind=kind, day=datetime.fromisoformat(day).date())
    assert period.code == code
    assert ReportingPeriod.objects.filter(code=code).exists()


def test_the_schedule_is_in_settings():
    schedule = settings.CELERY_BEAT_SCHEDULE
    monthly = schedule["reports-monthly"]
    assert monthly["task"] == "learningcity.reports.tasks.request_periodic_reports"
    assert monthly["schedule"] == crontab(minute=0, hour=6, day_of_month=1)
    assert schedule["reports-quarterly"]["schedule"] == crontab(
        minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"
    )
    assert schedule["reports-yearly"]["kwargs"] == {"kind": "yearly"}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


def test_a_job_whose_run_was_lost_claims_the_report_that_run_left_running(reviewer, periods, hcmc):
    """Killed mid-compile, a worker leaves its report "running"; the same job delivered again
    (or retried) compiles it, while another job still leaves it to the worker running it."""
    report = services.report_request(user=reviewer, kind="yearly", period=periods["2025"])
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=report.requested_at, attempts=1
    )
    assert services.report_compile(report_id=report.pk) is None
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING

    assert tasks.compile_report.apply(args=[report.pk], retries=1).get() == "done"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 2 and report.has_files
