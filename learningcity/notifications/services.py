"""Writes for notices: create them (``notify``), mark them read, e-mail them, preferences.

Every app's services call ``notify()`` inside their own transaction: the notices are rolled
back with the step that caused them, and their e-mails are queued only once it commits.
"""

import contextlib
import contextvars
import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from learningcity.models import User

from .choices import EmailStatus, NoticeKind
from .models import EmailPreference, Notification
from .selectors import department_staff, district_officers

__all__ = [
    "MAIL_SERVER_ERRORS",
    "department_staff",
    "district_officers",
    "email_preferences_save",
    "emails_muted",
    "is_portal_path",
    "notice_email_send",
    "notice_emails_resend",
    "notice_emails_retry",
    "notice_mark_read",
    "notices_mark_all_read",
    "notify",
]

logger = logging.getLogger(__name__)

# What sending to the mail server may raise: it refused, or could not be reached
# (ConnectionError, TimeoutError and socket errors are all OSErrors). is_transient_email_error
# tells the failures that may pass from those that will not.
MAIL_SERVER_ERRORS = (smtplib.SMTPException, OSError)
# A waiting e-mail whose job was lost (the broker was away or lost its data) is sent again by
# the beat's emails-resend this long after it was queued; a job sent twice sends once.
EMAIL_JOB_LOST_AFTER = datetime.timedelta(minutes=10)
# How many due e-mails one run of emails-resend queues; the next run takes the rest.
EMAIL_RESEND_BATCH = 500
TITLE_LENGTH = Notification._meta.get_field("title").max_length

_muted = contextvars.ContextVar("notification_emails_muted", default=False)


@contextlib.contextmanager
def emails_muted():
    """Notices created inside this block are not e-mailed (demo data, bulk loads)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_portal_path(url: str) -> bool:
    """Whether ``url`` is a path of the portal itself ("/indicators/submissions/12/"), not an
    address elsewhere ("//evil.example/", "https://...", "/\\evil")."""
    return (
        isinstance(url, str)
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def _language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _recipients(users, kind: str) -> list[dict]:
    """The active ``users`` with their language, address and choice for ``kind``: one query."""
    if isinstance(users, QuerySet):
        queryset = users.order_by()
    else:
        queryset = User.objects.filter(pk__in=[user.pk for user in users])
    turned_off = EmailPreference.objects.filter(user=OuterRef("pk"), kind=kind, enabled=False)
    return list(
        queryset.filter(is_active=True)
        .annotate(email_off=Exists(turned_off))
        .values("pk", "language", "email", "email_off")
        .distinct()
    )


def notify(
    users: Iterable[User] | QuerySet[User],
    *,
    kind: str,
    url: str,
    render: Callable[[], tuple[str, str]],
    key: str = "",
) -> int:
    """Create one notice of ``kind`` per active user of ``users``, linking to ``url``.

    ``render()`` returns (title, body); it is called in each recipient's language
    (``User.language``), once per language among the recipients, so the texts are in the
    recipient's language. ``key`` (optional) names the event: at most one notice per recipient
    and key, so running the same job twice creates nothing new. Returns how many notices were
    created. Recipients who have an e-mail address and have not turned e-mail off for ``kind``
    are e-mailed once the caller's transaction commits. A fixed number of queries (two, three
    with a key), however many users.
    """
    if kind not in NoticeKind.values:
        raise ValueError(f"Unknown kind of notice: {kind!r}")
    if not is_portal_path(url):
        raise ValueError(f"A notice links to a page of the portal, not to {url!r}")
    recipients = _recipients(users, kind)
    if not recipients:
        return 0
    email_wanted = not _muted.get()
    now = timezone.now()
    texts: dict[str, tuple[str, str]] = {}
    notices = []
    for recipient in recipients:
        language = _language(recipient["language"])
        if language not in texts:
            with translation.override(language):
                title, body = render()
                # str() inside the override: lazy strings are fixed in this language.
                texts[language] = (" ".join(str(title).split())[:TITLE_LENGTH], str(body))
        title, body = texts[language]
        wanted = email_wanted and recipient["email"] and not recipient["email_off"]
        notices.append(
            Notification(
                recipient_id=recipient["pk"],
                kind=kind,
                title=title,
                body=body,
                url=url,
                key=key,
                created_at=now,
                email_status=EmailStatus.PENDING if wanted else EmailStatus.NOT_WANTED,
                email_retry_at=now + EMAIL_JOB_LOST_AFTER if wanted else None,
            )
        )
    if key:
        # A notice with this key may exist already for some recipients: those are skipped
        # (the unique constraint), and the ones created now are those stamped ``now``.
        Notification.objects.bulk_create(notices, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(key=key, created_at=now).values_list("pk", "email_status")
        )
    else:
        created = [
            (notice.pk, notice.email_status) for notice in Notification.objects.bulk_create(notices)
        ]
    to_email = [pk for pk, status in created if status == EmailStatus.PENDING]
    if to_email:
        transaction.on_commit(partial(_queue_emails, to_email))
    return len(created)


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _queue_emails(notification_ids: list[int]) -> None:
    """Send each notice's e-mail job (after the transaction that created them committed).

    A broker that cannot be reached leaves the e-mails waiting, due at once: the beat's
    emails-resend queues them again once the broker is back.
    """
    from .tasks import send_notice_email

    for position, pk in enumerate(notification_ids):
        try:
            send_notice_email.delay(pk)
        except Exception as error:
            # The broker is unreachable (or, run eagerly, the job itself broke).
            waiting = notification_ids[position:]
            logger.warning(
                "Notices %s: the e-mail jobs could not be queued, they wait for the broker: %s",
                waiting,
                _describe(error),
            )
            message = gettext(
                "The e-mail job could not be queued (%(error)s); it is sent when the service "
                "is back."
            ) % {"error": _describe(error)}
            Notification.objects.filter(
                pk__in=waiting, email_status=EmailStatus.PENDING, email_attempts=0
            ).update(email_error=message, email_retry_at=timezone.now())
            return


# --- reading ------------------------------------------------------------------------------------


def notice_mark_read(*, user, notice: Notification) -> Notification:
    """Mark ``user``'s ``notice`` read (it stays read if it was already)."""
    if notice.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notice.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


def notices_mark_all_read(*, user) -> int:
    """Mark every unread notice of ``user`` read; returns how many there were."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- preferences --------------------------------------------------------------------------------


def email_preferences_save(*, user, enabled: Mapping[str, bool]) -> dict[str, bool]:
    """Turn e-mail on or off per kind for ``user``; kinds not in ``enabled`` stay as they are.
    Returns every kind's setting."""
    from .selectors import email_preferences

    unknown = set(enabled) - set(NoticeKind.values)
    if unknown:
        raise ValueError(f"Unknown kinds of notice: {sorted(unknown)}")
    if enabled:
        EmailPreference.objects.bulk_create(
            [
                EmailPreference(user_id=user.pk, kind=kind, enabled=bool(on))
                for kind, on in enabled.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["enabled"],
        )
    return email_preferences(user=user)


# --- e-mail -------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def email_message(notice: Notification) -> EmailMultiAlternatives:
    """The notice's e-mail, plain text and HTML, in the recipient's language."""
    recipient = notice.recipient
    with translation.override(_language(recipient.language)):
        context = {
            "notice": notice,
            "recipient": recipient,
            "kind": notice.get_kind_display(),
            "link": _absolute(notice.url),
            "preferences_link": _absolute(reverse("notifications:preferences")),
            "portal_link": _absolute(reverse("home")),
        }
        subject = f"[{gettext('Learning city portal')}] {notice.title}"
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def is_transient_email_error(error: BaseException) -> bool:
    """Whether the mail server may take the e-mail later: it could not be reached, hung up, or
    answered a 4xx code ("try again later"). A 5xx code (unknown recipient, refused sender,
    failed login) or a feature it lacks will not pass by itself: the administrator must look."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):  # itself an OSError
        return isinstance(error, smtplib.SMTPServerDisconnected)
    return isinstance(error, OSError)  # refused, timed out, name not resolved, reset


def email_retry_delay(attempts: int) -> datetime.timedelta:
    """How long a waiting e-mail rests after its ``attempts``-th failed try: EMAIL_RETRY_SECONDS,
    doubling after each failure, at most EMAIL_RETRY_MAX_SECONDS."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_SECONDS))


def notice_email_send(*, notification_id: int, final_attempt: bool = False) -> str | None:
    """Send the notice's e-mail if it is still waiting; returns its e-mail status then.

    The row stays locked while sending, and a locked row is skipped: two workers given the
    same job send it once, and a job run again after it was sent sends nothing. A failure that
    may pass (is_transient_email_error) is recorded (attempts, error) and the e-mail keeps
    waiting, to be sent again by the beat's emails-resend after a backoff (email_retry_delay),
    until it has been tried EMAIL_MAX_ATTEMPTS times. Then, or at once for a failure that will
    not pass, or when this is the ``final_attempt`` (run eagerly: no beat), it is marked failed
    for the administrator to see (and retry from the admin).
    """
    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notice is None:  # deleted, or another worker is sending it right now
            return None
        if notice.email_status != EmailStatus.PENDING or not notice.recipient.email:
            return notice.email_status
        notice.email_attempts += 1
        try:
            email_message(notice).send()
        except MAIL_SERVER_ERRORS as error:
            notice.email_error = _describe(error)
            retry = (
                not final_attempt
                and is_transient_email_error(error)
                and notice.email_attempts < settings.EMAIL_MAX_ATTEMPTS
            )
            if retry:
                notice.email_retry_at = timezone.now() + email_retry_delay(notice.email_attempts)
            else:
                notice.email_status = EmailStatus.FAILED
                notice.email_retry_at = None
            logger.warning(
                "Notice %s: e-mail attempt %s failed%s: %s",
                notice.pk,
                notice.email_attempts,
                ", will retry" if retry else "",
                notice.email_error,
            )
        else:
            notice.email_status = EmailStatus.SENT
            notice.emailed_at = timezone.now()
            notice.email_error = ""
            notice.email_retry_at = None
        notice.save(
            update_fields=[
                "email_status",
                "email_attempts",
                "email_error",
                "emailed_at",
                "email_retry_at",
            ]
        )
    return notice.email_status


def notice_emails_resend(*, now: datetime.datetime | None = None) -> int:
    """Queue the jobs of the waiting e-mails that are due (the beat's emails-resend): tried
    before and due again after their backoff, never queued (the broker was away) or whose job
    was lost. Returns how many; each is due again EMAIL_JOB_LOST_AFTER later unless sent."""
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .filter(
            Q(email_retry_at__lte=now)
            | Q(email_retry_at=None, created_at__lte=now - EMAIL_JOB_LOST_AFTER)
        )
        .exclude(recipient__email="")
        .order_by("email_retry_at", "pk")
        .values_list("pk", flat=True)[:EMAIL_RESEND_BATCH]
    )
    if due:
        Notification.objects.filter(pk__in=due).update(email_retry_at=now + EMAIL_JOB_LOST_AFTER)
        _queue_emails(due)
        logger.info("Queued %s waiting e-mails again", len(due))
    return len(due)


def notice_emails_retry(*, notices: QuerySet[Notification]) -> int:
    """Queue again the e-mails of ``notices`` that failed or are still waiting (the admin's
    "retry sending"); returns how many."""
    ids = list(
        notices.filter(email_status__in=[EmailStatus.FAILED, EmailStatus.PENDING])
        .exclude(recipient__email="")
        .values_list("pk", flat=True)
    )
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            email_status=EmailStatus.PENDING,
            email_attempts=0,
            email_error="",
            email_retry_at=timezone.now() + EMAIL_JOB_LOST_AFTER,
        )
        transaction.on_commit(partial(_queue_emails, ids))
    return len(ids)
