"""Celery tasks of deadlines: thin; the beat schedule is in settings (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=60,
    retry_backoff_max=900,
    max_retries=5,
    acks_late=True,
)
def send_deadline_reminders() -> dict[str, int]:
    """Deadline reminders, overdue notices and the Department's digest; safe to run twice."""
    return services.reminders_send()
