"""Celery tasks of notices: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


# The notice's row is the result: none is stored, and queueing touches only the broker.
@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_notice_email(self, notification_id: int) -> str | None:
    """E-mail the notice ``notification_id``; safe to run twice (the second run sends nothing).

    On the ``default`` queue. A failure that may pass leaves the e-mail waiting, and the beat's
    emails-resend sends it again with backoff (services.notice_email_send). Run eagerly (no
    broker, no beat: `make run`), a failure is final at once; the admin can retry it.
    """
    return services.notice_email_send(
        notification_id=notification_id, final_attempt=self.request.is_eager
    )


@shared_task(ignore_result=True)
def resend_notice_emails() -> int:
    """Queue the waiting e-mails that are due again (the beat's emails-resend)."""
    return services.notice_emails_resend()
