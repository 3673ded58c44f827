"""Celery tasks of the periodic reports: thin wrappers that take ids and call a service.

The beat schedule is in settings (CELERY_BEAT_SCHEDULE) and documented in README.md.
"""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(
    bind=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=5,  # 5 s, 10 s, 20 s (with jitter), then give up
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
    acks_late=True,
    # The report's row is its result: none is stored, and queueing touches only the broker.
    ignore_result=True,
)
def compile_report(self, report_id: int) -> str | None:
    """Compile the report ``report_id``; safe to run twice (the second run finds it done).

    Run eagerly (no broker: `make run`), a transient error fails the report at once: waiting
    and trying again inside the web request would only delay the page; "compile again" will do.
    """
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    # Delivered again: the worker that had this job was lost before finishing it (acks_late,
    # CELERY_TASK_REJECT_ON_WORKER_LOST, the broker's visibility timeout). A retry: the previous
    # run gave up. Either way the report's "running" is this job's own, not another worker's.
    delivery = self.request.delivery_info or {}
    run_lost = bool(delivery.get("redelivered")) or self.request.retries > 0
    report = services.report_compile(
        report_id=report_id, final_attempt=final_attempt, run_lost=run_lost
    )
    return report.status if report else None


@shared_task
def request_periodic_reports(kind: str | None = None) -> list[int]:
    """Request the city's reports of the periods that just ended (the beat schedule's job)."""
    reports = services.periodic_reports_request(now=timezone.now(), kind=kind)
    return [report.pk for report in reports]


@shared_task(ignore_result=True)
def requeue_reports() -> list[int]:
    """Send the compile jobs that could not be sent, or were lost (the beat's reports-requeue)."""
    return services.reports_requeue()
