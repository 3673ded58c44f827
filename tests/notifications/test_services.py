"""notify(): one notice per recipient, in the recipient's language, once per key, e-mails
queued after the commit, and a fixed number of queries whatever the number of recipients."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from learningcity.choices import PeriodKind, Role
from learningcity.notifications import services
from learningcity.notifications.choices import EmailStatus, NoticeKind
from learningcity.notifications.models import EmailPreference, Notification
from learningcity.notifications.services import department_staff, district_officers, notify
from tests.factories import UserFactory

URL = "/indicators/submissions/12/"


def render():
    # A TextChoices label: translated in whatever language notify() activates.
    return gettext("Submission returned"), str(PeriodKind.QUARTER.label)


def test_one_notice_per_user_with_the_texts_render_gives(db):
    users = UserFactory.create_batch(3, email="a@example.vn")
    created = notify(users, kind=NoticeKind.RETURNED, url=URL, render=lambda: ("Tiêu đề", "Nội"))
    assert created == 3
    notices = Notification.objects.order_by("recipient_id")
    assert [n.recipient_id for n in notices] == [u.pk for u in users]
    assert {(n.kind, n.title, n.body, n.url, n.read_at) for n in notices} == {
        ("returned", "Tiêu đề", "Nội", URL, None)
    }


def test_text_is_in_each_recipients_language(db):
    vi = UserFactory(language="vi")
    en = UserFactory(language="en")
    notify([vi, en], kind=NoticeKind.RETURNED, url=URL, render=render)
    assert Notification.objects.get(recipient=vi).title == "Số liệu bị trả lại"
    assert Notification.objects.get(recipient=vi).body == "Quý"
    assert Notification.objects.get(recipient=en).title == "Submission returned"
    assert Notification.objects.get(recipient=en).body == "Quarter"


def test_a_key_makes_it_idempotent_per_recipient(db):
    first, second = UserFactory.create_batch(2)
    assert notify([first], kind=NoticeKind.DEADLINE, url=URL, render=render, key="k:1") == 1
    # Run again with one more recipient: only the new one gets a notice.
    assert notify([first, second], kind=NoticeKind.DEADLINE, url=URL, render=render, key="k:1") == 1
    assert notify([first, second], kind=NoticeKind.DEADLINE, url=URL, render=render, key="k:1") == 0
    assert Notification.objects.filter(key="k:1").count() == 2
    # Another key is another event; no key never collides.
    assert notify([first], kind=NoticeKind.DEADLINE, url=URL, render=render, key="k:2") == 1
    assert notify([first], kind=NoticeKind.DEADLINE, url=URL, render=render) == 1
    assert notify([first], kind=NoticeKind.DEADLINE, url=URL, render=render) == 1
    assert Notification.objects.filter(recipient=first).count() == 4


def test_the_database_refuses_a_second_notice_with_the_same_key(db):
    user = UserFactory()
    notify([user], kind=NoticeKind.OVERDUE, url=URL, render=render, key="overdue:1")
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=user, kind="overdue", title="x", url=URL, key="overdue:1"
        )


def test_querysets_and_lists_are_accepted_and_inactive_users_skipped(db):
    active = UserFactory()
    UserFactory(is_active=False)
    assert notify(type(active).objects.all(), kind=NoticeKind.DIGEST, url=URL, render=render) == 1
    assert notify([], kind=NoticeKind.DIGEST, url=URL, render=render) == 0


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", ""]
)
def test_links_stay_within_the_portal(db, url):
    with pytest.raises(ValueError):
        notify([UserFactory()], kind=NoticeKind.RETURNED, url=url, render=render)


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ValueError):
        notify([UserFactory()], kind="gossip", url=URL, render=render)


def test_email_state_follows_address_and_preference(db):
    wants = UserFactory(email="wants@example.vn")
    no_address = UserFactory(email="")
    turned_off = UserFactory(email="off@example.vn")
    other_kind_off = UserFactory(email="other@example.vn")
    EmailPreference.objects.create(user=turned_off, kind="returned", enabled=False)
    EmailPreference.objects.create(user=other_kind_off, kind="approved", enabled=False)
    notify(
        [wants, no_address, turned_off, other_kind_off],
        kind=NoticeKind.RETURNED,
        url=URL,
        render=render,
    )
    status = dict(Notification.objects.values_list("recipient__username", "email_status"))
    assert status == {
        wants.username: EmailStatus.PENDING,
        no_address.username: EmailStatus.NOT_WANTED,
        turned_off.username: EmailStatus.NOT_WANTED,  # yet the in-app notice is there
        other_kind_off.username: EmailStatus.PENDING,
    }


def test_emails_are_queued_only_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="a@example.vn")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([user], kind=NoticeKind.RETURNED, url=URL, render=render)
    assert len(callbacks) == 1 and not mailoutbox  # nothing sent before the commit
    callbacks[0]()
    assert len(mailoutbox) == 1
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_nothing_is_left_when_the_transaction_rolls_back(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="a@example.vn")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([user], kind=NoticeKind.RETURNED, url=URL, render=render)
        raise RuntimeError("the workflow step failed")
    assert not Notification.objects.exists() and not mailoutbox


def test_muted_notices_are_not_emailed(db, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="a@example.vn")
    with django_capture_on_commit_callbacks(execute=True), services.emails_muted():
        notify([user], kind=NoticeKind.RETURNED, url=URL, render=render)
    assert Notification.objects.get().email_status == EmailStatus.NOT_WANTED
    assert not mailoutbox


@pytest.mark.parametrize("key", ["", "event:1"])
def test_notify_costs_the_same_queries_for_3_or_30_users(db, key):
    def queries(count: int, tag: str) -> int:
        users = UserFactory.create_batch(count, email="a@example.vn", language="en")
        UserFactory.create_batch(count // 3, email="b@example.vn", language="vi")
        for user in users[::2]:
            EmailPreference.objects.create(user=user, kind="returned", enabled=False)
        ids = [u.pk for u in users]
        with CaptureQueriesContext(connection) as captured:
            created = notify(
                type(users[0]).objects.filter(pk__in=ids),
                kind=NoticeKind.RETURNED,
                url=URL,
                render=render,
                key=f"{key}{tag}" if key else "",
            )
        assert created == count
        return len(captured)

    small, large = queries(3, "small"), queries(30, "large")
    assert small == large <= (3 if key else 2)


def test_recipient_helpers(district_1, district_3):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, unit=district_1)
    UserFactory(role=Role.DISTRICT_OFFICER, unit=district_1, is_active=False)
    UserFactory(role=Role.DISTRICT_OFFICER, unit=district_3)
    admin = UserFactory(role=Role.DEPARTMENT_ADMIN)
    reviewer = UserFactory(role=Role.DEPARTMENT_REVIEWER)
    UserFactory(role=Role.DEPARTMENT_REVIEWER, is_active=False)
    UserFactory(role=Role.API_CONSUMER)
    assert list(district_officers(district_1.pk)) == [officer]
    assert set(department_staff()) == {admin, reviewer}


def test_mark_read_and_read_all(db):
    user, other = UserFactory.create_batch(2)
    notify([user, other], kind=NoticeKind.RETURNED, url=URL, render=render)
    notify([user], kind=NoticeKind.APPROVED, url=URL, render=render)
    first = Notification.objects.filter(recipient=user).first()
    services.notice_mark_read(user=user, notice=first)
    first.refresh_from_db()
    read_at = first.read_at
    assert read_at is not None
    services.notice_mark_read(user=user, notice=first)  # stays read, at the first time
    first.refresh_from_db()
    assert first.read_at == read_at
    with pytest.raises(Notification.DoesNotExist):
        services.notice_mark_read(user=other, notice=first)
    assert services.notices_mark_all_read(user=user) == 1
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_preferences_default_on_and_save(db):
    from learningcity.notifications.selectors import email_preferences

    user = UserFactory()
    assert set(email_preferences(user=user).values()) == {True}
    saved = services.email_preferences_save(user=user, enabled={"returned": False})
    assert saved["returned"] is False and saved["approved"] is True
    saved = services.email_preferences_save(user=user, enabled={"returned": True, "digest": False})
    assert saved["returned"] is True and saved["digest"] is False
    assert EmailPreference.objects.filter(user=user).count() == 2
    with pytest.raises(ValueError):
        services.email_preferences_save(user=user, enabled={"gossip": True})
