"""E-mails through a real SMTP server on loopback: contents in the recipient's language, sent
once however often the job runs, retried on failure, then failed where the admin sees it."""

import smtplib

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils.translation import gettext

from learningcity.choices import Role
from learningcity.notifications import services, tasks
from learningcity.notifications.admin import NotificationAdmin
from learningcity.notifications.choices import EmailStatus, NoticeKind
from learningcity.notifications.models import Notification
from learningcity.notifications.services import notify
from tests.factories import UserFactory

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


def test_a_busy_server_is_retried_then_the_email_is_marked_failed(smtp, db):
    """The task re-raises while retries remain (Celery retries it with backoff), and records
    the last error and the number of attempts; the final attempt marks it failed."""
    user = UserFactory(email="a@example.vn")
    notice = notice_for(user)
    smtp.refuse = True
    assert tasks.send_notice_email.max_retries == 5
    assert smtplib.SMTPException in tasks.send_notice_email.autoretry_for
    for attempt in (1, 2):
        # Called as a worker would run it before its last retry: the error goes up to Celery.
        with pytest.raises(smtplib.SMTPDataError):
            tasks.send_notice_email(notice.pk)
        notice.refresh_from_db()
        assert notice.email_status == EmailStatus.PENDING
        assert notice.email_attempts == attempt
        assert "451" in notice.email_error
    services.notice_email_send(notification_id=notice.pk, final_attempt=True)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED and notice.email_attempts == 3
    assert "SMTPDataError" in notice.email_error
    assert smtp.messages == []


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


def test_a_broker_that_cannot_be_reached_is_recorded(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_notice_email, "delay", unreachable)
    user = UserFactory(email="a@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_for(user)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED
    assert "ConnectionError: Error 111" in notice.email_error
