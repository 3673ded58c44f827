"""E-mails through a real SMTP server on loopback: contents in the recipient's language, sent
once however often the job runs, tried again with backoff by the beat's job when the failure may
pass, failed where the admin sees it when it will not or after the last attempt."""

import smtplib
import socket
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from learningcity.choices import Role
from learningcity.notifications import services, tasks
from learningcity.notifications.admin import NotificationAdmin
from learningcity.notifications.choices import EmailStatus, NoticeKind
from learningcity.notifications.models import Notification
from learningcity.notifications.services import notify
from tests.factories import UserFactory
from tests.outage import broker_away

URL = "/indicators/submissions/12/"


def render():
    return (
        gettext("Indicator values returned: %(period)s") % {"period": "2025"},
        gettext("Its comment: %(comment)s") % {"comment": "Bổ sung minh chứng FC1.2."},
    )


def notice_for(user) -> Notification:
    notify([user], kind=NoticeKind.RETURNED, url=URL, render=render)
    return Notification.objects.get(recipient=user)


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "link_text"),
    [
        ("vi", "Số liệu chỉ số bị trả lại: 2025", "Kính gửi", "Mở trên cổng thông tin"),
        ("en", "Indicator values returned: 2025", "Dear", "Open it in the portal"),
    ],
)
def test_the_email_is_in_the_recipients_language_with_both_parts_and_links(
    smtp, committed, language, subject, greeting, link_text
):
    user = UserFactory(email="an@pgd-q1.example.vn", full_name="Lê Văn Bình", language=language)
    with committed():
        notice = notice_for(user)
    message = smtp.only()
    assert smtp.recipients == [["an@pgd-q1.example.vn"]]
    assert message["Subject"].endswith(subject)
    assert message["To"] == "an@pgd-q1.example.vn"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = "https://hoctap.hcm.example/indicators/submissions/12/"
    preferences = "https://hoctap.hcm.example/notifications/preferences/"
    for part in (text, html):
        assert f"{greeting} Lê Văn Bình" in part
        assert "Bổ sung minh chứng FC1.2." in part
        assert link in part and preferences in part
    assert f'href="{link}"' in html and link_text in html
    assert f'<html lang="{language}">' in html
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and notice.emailed_at is not None
    assert notice.email_attempts == 1 and notice.email_error == ""


def test_html_in_texts_is_escaped_in_the_html_part(smtp, committed):
    user = UserFactory(email="a@example.vn")
    with committed():
        notify([user], kind=NoticeKind.RETURNED, url=URL, render=lambda: ("<b>x</b>", "<script>"))
    html = smtp.only().get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_preference_off_means_no_email_but_the_notice_is_there(smtp, committed):
    user = UserFactory(email="a@example.vn")
    services.email_preferences_save(user=user, enabled={"returned": False})
    with committed():
        notice = notice_for(user)
    assert smtp.messages == []
    assert notice.email_status == EmailStatus.NOT_WANTED


def test_the_job_run_twice_sends_once(smtp, committed):
    user = UserFactory(email="a@example.vn")
    with committed():
        notice = notice_for(user)
    assert len(smtp.messages) == 1
    # Delivered again (a redelivered job, a retry after the send succeeded): nothing more.
    assert tasks.send_notice_email.apply(args=[notice.pk]).get() == EmailStatus.SENT
    assert tasks.send_notice_email(notice.pk) == EmailStatus.SENT
    assert len(smtp.messages) == 1
    notice.refresh_from_db()
    assert notice.email_attempts == 1


def test_a_job_for_a_deleted_notice_does_nothing(smtp, db):
    assert tasks.send_notice_email(987654) is None
    assert smtp.messages == []


def test_a_busy_server_is_tried_again_with_backoff_then_the_email_is_marked_failed(
    smtp, db, settings
):
    """Run by a worker, a failure that may pass leaves the e-mail waiting, due again after a
    delay that doubles; the last allowed attempt marks it failed for the administrator."""
    settings.EMAIL_MAX_ATTEMPTS, settings.EMAIL_RETRY_SECONDS = 3, 60
    user = UserFactory(email="a@example.vn")
    notice = notice_for(user)
    smtp.refuse = True
    for attempt, delay in ((1, 60), (2, 120)):
        before = timezone.now()
        assert tasks.send_notice_email(notice.pk) == EmailStatus.PENDING
        notice.refresh_from_db()
        assert notice.email_status == EmailStatus.PENDING
        assert notice.email_attempts == attempt
        assert "451" in notice.email_error
        assert before + timedelta(seconds=delay) <= notice.email_retry_at
        assert notice.email_retry_at <= timezone.now() + timedelta(seconds=delay)
    assert tasks.send_notice_email(notice.pk) == EmailStatus.FAILED
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED and notice.email_attempts == 3
    assert "SMTPDataError" in notice.email_error and notice.email_retry_at is None
    assert smtp.messages == []


def test_the_resend_job_sends_a_waiting_email_once_its_backoff_has_passed(smtp, db):
    user = UserFactory(email="a@example.vn")
    notice = notice_for(user)
    smtp.refuse = True
    tasks.send_notice_email(notice.pk)  # as a worker runs it: the server is busy
    notice.refresh_from_db()
    due = notice.email_retry_at
    smtp.refuse = False
    # The beat's job before the e-mail is due: nothing is sent.
    assert services.notice_emails_resend(now=due - timedelta(seconds=1)) == 0
    assert smtp.messages == []
    assert services.notice_emails_resend(now=due) == 1  # queued (here: run at once)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and notice.email_attempts == 2
    assert len(smtp.messages) == 1 and smtp.recipients == [["a@example.vn"]]
    assert services.notice_emails_resend(now=due + timedelta(days=1)) == 0


def test_a_refused_recipient_fails_at_once_and_is_not_sent_again(smtp, db):
    user = UserFactory(email="khong-co@example.vn")
    notice = notice_for(user)
    smtp.unknown_recipients = True
    assert tasks.send_notice_email(notice.pk) == EmailStatus.FAILED
    notice.refresh_from_db()
    assert notice.email_attempts == 1 and notice.email_retry_at is None
    assert "SMTPRecipientsRefused" in notice.email_error
    smtp.unknown_recipients = False
    assert services.notice_emails_resend(now=timezone.now() + timedelta(days=1)) == 0
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED and smtp.messages == []


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (socket.gaierror(-3, "Temporary failure in name resolution"), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPConnectError(421, b"Too many connections"), True),
        (smtplib.SMTPDataError(451, b"Try again later"), True),
        (smtplib.SMTPSenderRefused(452, b"Insufficient storage", "no-reply@localhost"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.vn": (450, b"Greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.vn": (550, b"No such mailbox")}), False),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@example.vn": (450, b"Greylisted"), "b@example.vn": (550, b"No such mailbox")}
            ),
            False,
        ),
        (smtplib.SMTPDataError(554, b"Message rejected as spam"), False),
        (smtplib.SMTPAuthenticationError(535, b"Authentication failed"), False),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported"), False),
    ],
)
def test_which_mail_server_errors_may_pass(error, transient):
    assert services.is_transient_email_error(error) is transient


def test_an_unreachable_server_fails_at_once_when_run_eagerly(smtp_down, committed):
    user = UserFactory(email="a@example.vn")
    with committed():  # no broker: the job runs in the web process, its failure is final
        notice = notice_for(user)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED
    assert notice.email_attempts == 1
    assert "ConnectionRefusedError" in notice.email_error


def test_the_admin_lists_failures_and_retries_them(smtp, committed, client):
    admin_user = UserFactory(role=Role.DEPARTMENT_ADMIN, email="admin@example.vn")
    officer = UserFactory(role=Role.DEPARTMENT_REVIEWER, email="a@example.vn")
    smtp.refuse = True
    with committed():
        failed = notice_for(officer)
    failed.refresh_from_db()
    assert failed.email_status == EmailStatus.FAILED
    client.force_login(admin_user)
    changelist = reverse("admin:notifications_notification_changelist")
    page = client.get(changelist, {"email_status__exact": "failed"}).content.decode()
    assert failed.title in page
    assert (
        "SMTPDataError"
        in client.get(
            reverse("admin:notifications_notification_change", args=[failed.pk])
        ).content.decode()
    )
    smtp.refuse = False
    with committed():
        response = client.post(
            changelist,
            {"action": "retry_sending", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.email_status == EmailStatus.SENT
    assert len(smtp.messages) == 1
    assert isinstance(site._registry[Notification], NotificationAdmin)


def test_an_email_that_could_not_be_queued_is_sent_once_the_broker_is_back(
    smtp, django_capture_on_commit_callbacks
):
    user = UserFactory(email="a@example.vn")
    with broker_away(), django_capture_on_commit_callbacks(execute=True):
        notice = notice_for(user)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.PENDING and notice.email_attempts == 0
    # Why it waits, for the administrator (in the portal's language: Vietnamese here).
    assert "OperationalError: Error 111" in notice.email_error
    assert "Connection refused" in notice.email_error
    assert notice.email_retry_at <= timezone.now()  # due at the beat's next run
    # Back (here: jobs run eagerly): the beat's job sends it, without an administrator.
    assert tasks.resend_notice_emails.apply().get() == 1
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and len(smtp.messages) == 1
