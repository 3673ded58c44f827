"""Writes for periodic reports: request one (queue it), compile it, schedule the periodic ones.

A report is one row per (kind, period, district). Requesting it again re-queues that row. The
compile writes new files and swaps them in only when every section and both files succeeded;
otherwise the row is marked failed with the error and the previous files stay downloadable.
"""

import datetime
import logging
import time
import uuid
from functools import partial

from botocore.exceptions import ConnectionError as ObjectStoreConnectionError
from botocore.exceptions import HTTPClientError
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from districts.selectors import portal_district_list
from learningcity.choices import PeriodKind, Role
from learningcity.models import ReportingPeriod

from . import notices, sections
from .choices import PERIOD_KIND_OF, ReportKind, ReportStatus
from .formats import docx, xlsx
from .models import Report

logger = logging.getLogger(__name__)

# Errors worth trying again later: the database, a network service, Redis (the cache of the
# learning-centre roll-up, the broker) or the object store (STORAGE=s3) was briefly unreachable.
TRANSIENT_ERRORS = (
    OperationalError,
    ConnectionError,
    TimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerError,
    ObjectStoreConnectionError,
    HTTPClientError,
)
# Which kinds are due on the first day of a month, by month (the day after their span ends).
DUE_IN_MONTHS = {
    ReportKind.MONTHLY: range(1, 13),
    ReportKind.QUARTERLY: (1, 4, 7, 10),
    ReportKind.HALF_YEARLY: (1, 7),
    ReportKind.YEARLY: (1,),
}
SCHEDULE_NOTE = "Celery beat"
FILE_SLUGS = {
    ReportKind.MONTHLY: "thang",
    ReportKind.QUARTERLY: "quy",
    ReportKind.HALF_YEARLY: "6-thang",
    ReportKind.YEARLY: "nam",
    ReportKind.UNESCO: "unesco",
}


# --- request -------------------------------------------------------------------------------------


def _ensure_may_request(user, district) -> None:
    """The Department requests any report; a district officer only their own district's."""
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("You do not have permission to do this."))
    if user.role in (Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER):
        return
    if user.role == Role.DISTRICT_OFFICER and district is not None and district.pk == user.unit_id:
        return
    raise PermissionDenied(_("You do not have permission to do this."))


def may_request(user, district=None) -> bool:
    """Whether ``user`` may request (or compile again) the report of ``district`` (None: city)."""
    try:
        _ensure_may_request(user, district)
    except PermissionDenied:
        return False
    return True


def _validate(*, kind: str, period: ReportingPeriod, district) -> None:
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown kind of report.")})
    Report(kind=kind, period=period, district=district).clean()
    if district is not None and not portal_district_list().filter(pk=district.pk).exists():
        raise ValidationError({"district": _("The portal does not serve this district.")})


def report_request(*, user, kind: str, period: ReportingPeriod, district=None, note="") -> Report:
    """Queue the report of ``kind`` for ``period`` (and ``district``); return its row.

    ``user`` None is the schedule. The same report requested again is the same row, queued
    again; while it is queued or compiling, a new request changes nothing.
    """
    if user is not None:
        _ensure_may_request(user, district)
    _validate(kind=kind, period=period, district=district)
    now = timezone.now()
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(kind=kind, period=period, district=district)
            .order_by("pk")
            .first()
        )
        if report is None:
            report = Report(
                kind=kind,
                period=period,
                district=district,
                requested_by=user,
                requested_at=now,
                note=note,
            )
            report._history_user = user
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                # Requested by someone else at the same moment: theirs is queued already.
                return Report.objects.get(kind=kind, period=period, district=district)
        elif report.is_active and not report.is_stale(now):
            return report  # one job at a time; this one will produce the files
        else:
            report.status = ReportStatus.QUEUED
            report.progress = 0
            report.requested_by, report.requested_at, report.note = user, now, note
            report.started_at = report.finished_at = report.duration = None
            report.job_sent_at = None
            report.attempts = 0
            report._history_user = user
            report.save()
        transaction.on_commit(partial(_enqueue, report.pk))
    return report


def job_waiting_message() -> str:
    return gettext(
        "The compile service cannot be reached just now: the report stays queued and is "
        "compiled as soon as the service is back."
    )


def _enqueue(report_id: int) -> bool:
    """Send the compile job (after the request's transaction committed); whether it was sent.

    A broker that cannot be reached leaves the report queued with a note saying so, and the
    beat's reports-requeue (``reports_requeue``) sends the job once the broker is back.
    """
    from .tasks import compile_report

    try:
        compile_report.delay(report_id)
    except Exception as error:
        # The broker is unreachable (or, run eagerly, the compile broke: it recorded that).
        logger.warning(
            "Report %s: the compile job could not be queued, it waits for the broker: %s",
            report_id,
            _describe(error),
        )
        Report.objects.filter(
            pk=report_id, status=ReportStatus.QUEUED, attempts=0, job_sent_at=None
        ).update(error=job_waiting_message())
        return False
    Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED, job_sent_at=None).update(
        job_sent_at=timezone.now(), error=""
    )
    return True


def report_job_waiting(*, report_id: int) -> bool:
    """Whether the report is queued but its compile job could not be sent yet."""
    return Report.objects.filter(
        pk=report_id, status=ReportStatus.QUEUED, job_sent_at=None
    ).exists()


def reports_requeue(*, now: datetime.datetime | None = None) -> list[int]:
    """Send the compile jobs of queued reports whose job is not with the broker: it could not
    be sent (the broker was away), or it was sent longer than REPORTS_STALE_AFTER ago and never
    started (lost with the broker's data). Returns the ids of the reports whose job was sent.

    The beat's reports-requeue. Safe to run at any time: a job sent twice compiles once.
    """
    now = now or timezone.now()
    waiting = (
        Report.objects.filter(status=ReportStatus.QUEUED)
        .filter(Q(job_sent_at=None) | Q(job_sent_at__lt=now - settings.REPORTS_STALE_AFTER))
        .order_by("requested_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = []
    for report_id in waiting:
        # Lost jobs are sent again: mark them unsent first, so the send stamps them anew.
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(job_sent_at=None)
        if not _enqueue(report_id):
            break  # the broker is still away: the next run tries again
        sent.append(report_id)
    if sent:
        logger.info("Sent the compile jobs of %s waiting reports: %s", len(sent), sent)
    return sent


# --- compile -------------------------------------------------------------------------------------


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _claim(report_id: int, *, run_lost: bool = False) -> Report | None:
    """The report, marked running, if it waits to be compiled; None if there is nothing to do
    (it was deleted, is compiled already, or another worker is compiling it).

    ``run_lost``: this job ran before and that run is over unfinished (its worker was killed and
    the broker delivered the job again, or it is a retry), so "running" means that run, not
    another worker's: the report is claimed without waiting for REPORTS_STALE_AFTER.
    """
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("period", "district")
            .filter(pk=report_id)
            .order_by("pk")
            .first()
        )
        if report is None:
            logger.warning("Report %s no longer exists", report_id)
            return None
        running_elsewhere = (
            report.status == ReportStatus.RUNNING and not report.is_stale() and not run_lost
        )
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED) or running_elsewhere:
            return None
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.finished_at = report.duration = None
        report.progress = 5
        report.attempts += 1
        report._history_user = None  # the compile is the system's doing, even run eagerly
        report.save()
    return report


def _progress(report: Report, percent: int) -> None:
    # An update, not save(): no audit row per step, and nothing else on the row is touched.
    Report.objects.filter(pk=report.pk).update(progress=percent)


def _file_name(report: Report, extension: str) -> str:
    owner = report.district.code if report.district_id else "city"
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    return (
        f"reports/{report.period.code}/{report.kind}-{owner}-{stamp}-{uuid.uuid4().hex[:8]}"
        f".{extension}"
    )


def download_name(report: Report, extension: str) -> str:
    """What the downloaded file is called: "bao-cao-nam-2025.docx", "bao-cao-quy-2025-Q3-760..."."""
    span = (
        f"{report.first_year}-{report.period.year}"
        if report.first_year != report.period.year
        else report.period.code
    )
    owner = f"-{report.district.code}" if report.district_id else ""
    return f"bao-cao-{FILE_SLUGS[report.kind]}-{span}{owner}.{extension}"


def _delete_files(names) -> None:
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except Exception:
                # Whatever the storage raises (object storage: not OSError), a file left behind
                # must not undo the compile that replaced it.
                logger.warning("Could not delete the old report file %s", name, exc_info=True)


def _finish(report: Report, files: dict[str, bytes], compiled_at) -> Report:
    """Store the new files, then swap them in; the old ones go once the swap is committed."""
    names = {
        ext: default_storage.save(_file_name(report, ext), ContentFile(data))
        for ext, data in files.items()
    }
    try:
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            old = [locked.xlsx.name, locked.docx.name]
            locked.xlsx, locked.docx = names["xlsx"], names["docx"]
            locked.files_at = compiled_at
            now = timezone.now()
            locked.finished_at = now
            locked.duration = now - report.started_at
            locked.error = ""
            # Requested again while compiling: keep it queued so the newer request is served.
            if locked.requested_at == report.requested_at:
                locked.status = ReportStatus.DONE
                locked.progress = 100
            locked._history_user = None
            locked.save()
            if locked.status == ReportStatus.DONE:
                notices.report_ready(locked)
            transaction.on_commit(partial(_delete_files, old))
    except BaseException:
        _delete_files(names.values())
        raise
    return locked


def _record(report_id: int, *, status: str, error: str) -> Report | None:
    """Mark the report ``status`` with ``error``; its files are left as they are."""
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            now = timezone.now()
            report.status = status
            report.error = error
            if status == ReportStatus.FAILED:
                report.finished_at = now
                report.duration = now - report.started_at if report.started_at else None
            elif status == ReportStatus.QUEUED:
                report.job_sent_at = now  # Celery sends the retry; lost, reports-requeue does
            report._history_user = None
            report.save()
            if status == ReportStatus.FAILED:
                notices.report_failed(report)
            return report
    except (DatabaseError, Report.DoesNotExist):
        logger.exception("Report %s: could not record the error %r", report_id, error)
        return None


def report_compile(
    *, report_id: int, final_attempt: bool = True, run_lost: bool = False
) -> Report | None:
    """Compile the report ``report_id``: every section, then the XLSX and the DOCX.

    Sets running, progress, then done with the new files, or failed with the error (the last
    good files stay). A transient error is re-raised for the task to retry, unless this is the
    ``final_attempt``; then it is recorded like any other failure. ``run_lost``: see _claim.
    """
    report = _claim(report_id, run_lost=run_lost)
    if report is None:
        return None
    step = ""
    try:
        with translation.override(settings.REPORTS_LANGUAGE):
            scope = sections.Scope.of(report)
            built = []
            for position, key in enumerate(sections.SECTIONS, start=1):
                step = gettext("The section “%(section)s” could not be compiled") % {
                    "section": sections.TITLES[key]
                }
                built.append(sections.build(key, scope))
                _progress(report, 5 + 75 * position // len(sections.SECTIONS))
                if settings.REPORTS_SECTION_DELAY_SECONDS:  # tests and drills only
                    time.sleep(settings.REPORTS_SECTION_DELAY_SECONDS)
            compiled_at = timezone.localtime()
            title = sections.report_title(scope)
            step = gettext("The XLSX file could not be written")
            workbook = xlsx.workbook(
                scope=scope, title=title, sections=built, compiled_at=compiled_at
            )
            _progress(report, 88)
            step = gettext("The DOCX file could not be written")
            document = docx.document(
                scope=scope, title=title, sections=built, compiled_at=compiled_at
            )
            _progress(report, 95)
            step = gettext("The files could not be stored")
            return _finish(report, {"xlsx": workbook, "docx": document}, compiled_at)
    except TRANSIENT_ERRORS as error:
        message = f"{step}: {_describe(error)}"
        if final_attempt:
            logger.exception("Report %s failed after retries", report_id)
            _record(report_id, status=ReportStatus.FAILED, error=message)
        else:
            logger.warning("Report %s: transient error, will retry: %s", report_id, message)
            retry = gettext("%(error)s. Trying again shortly.") % {"error": message}
            _record(report_id, status=ReportStatus.QUEUED, error=retry)
        raise
    except Exception as error:
        logger.exception("Report %s failed", report_id)
        return _record(report_id, status=ReportStatus.FAILED, error=f"{step}: {_describe(error)}")


# --- schedule ------------------------------------------------------------------------------------


def _number_of(period_kind: str, day: datetime.date) -> int:
    return {
        PeriodKind.YEAR: 0,
        PeriodKind.HALF_YEAR: (day.month - 1) // 6 + 1,
        PeriodKind.QUARTER: (day.month - 1) // 3 + 1,
        PeriodKind.MONTH: day.month,
    }[period_kind]


def period_before(*, kind: str, day: datetime.date) -> ReportingPeriod:
    """The last complete period a report of ``kind`` covers, seen on ``day``."""
    period_kind = PERIOD_KIND_OF[kind]
    current = ReportingPeriod(kind=period_kind, year=day.year, number=_number_of(period_kind, day))
    last_day = current.bounds()[0] - datetime.timedelta(days=1)
    return ReportingPeriod.objects.get_or_create_for(
        kind=period_kind, year=last_day.year, number=_number_of(period_kind, last_day)
    )


def due_kinds(day: datetime.date) -> list[str]:
    """The periodic kinds whose span ended the day before ``day``."""
    if day.day != 1:
        return []
    return [kind for kind, months in DUE_IN_MONTHS.items() if day.month in months]


def periodic_reports_request(*, now: datetime.datetime, kind: str | None = None) -> list[Report]:
    """Request the city's reports for the periods that just ended (as the schedule does).

    ``kind`` given: that kind, for its previous period. Otherwise every kind due today. A
    report that exists already is left alone, so running this twice yields one report.
    """
    today = timezone.localtime(now).date()
    kinds = [kind] if kind else due_kinds(today)
    reports = []
    for each in kinds:
        period = period_before(kind=each, day=today)
        existing = Report.objects.filter(kind=each, period=period, district=None).first()
        if existing is not None:
            reports.append(existing)
            continue
        reports.append(report_request(user=None, kind=each, period=period, note=SCHEDULE_NOTE))
    return reports
