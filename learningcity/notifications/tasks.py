"""Celery tasks of notices: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(
    bind=True,
    autoretry_for=services.TRANSIENT_EMAIL_ERRORS,
    retry_backoff=30,  # 30 s, 1 min, 2 min, 4 min, 8 min (with jitter), then give up
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def send_notice_email(self, notification_id: int) -> str | None:
    """E-mail the notice ``notification_id``; safe to run twice (the second run sends nothing).

    On the ``default`` queue. Run eagerly (no broker: `make run`), a failure is final at once:
    retrying inside the web request would only delay the page; the admin can retry it.
    """
    final_attempt = self.request.is_eager or self.request.retries >= self.max_retries
    return services.notice_email_send(notification_id=notification_id, final_attempt=final_attempt)
