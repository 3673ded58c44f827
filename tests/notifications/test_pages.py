"""The bell, the list (open, mark read, filter, pages), the preferences, in Vietnamese and
English, with fixed query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learningcity.choices import Role
from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.models import EmailPreference, Notification
from tests.factories import NotificationFactory, UserFactory


@pytest.fixture
def officer(district_1):
    return UserFactory(
        role=Role.DISTRICT_OFFICER, unit=district_1, username="officer", email="o@example.vn"
    )


def add_notices(user, count: int, **fields) -> list[Notification]:
    return Notification.objects.bulk_create(
        NotificationFactory.build(recipient=user, **fields) for _ in range(count)
    )


def html_of(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- bell -----------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_links_to_the_list(client, officer):
    client.force_login(officer)
    assert "notice-count" not in html_of(client, "/districts/")
    add_notices(officer, 3)
    add_notices(officer, 2, read_at=timezone.now())
    add_notices(UserFactory(), 4)  # someone else's
    html = html_of(client, "/districts/")
    assert 'href="/notifications/"' in html
    assert '<span class="badge rounded-pill text-bg-danger notice-count">3</span>' in html
    assert "3 thông báo chưa đọc" in html
    add_notices(officer, 97)
    assert 'notice-count">99+</span>' in html_of(client, "/districts/")


def test_anonymous_pages_show_no_bell_and_ask_nothing_of_notices(client, db):
    with CaptureQueriesContext(connection) as queries:
        html = html_of(client, "/accounts/login/")
    assert "notice-bell" not in html
    assert not [q for q in queries if "notifications_notification" in q["sql"]]


def test_the_bell_costs_one_query_however_many_notices(client, officer):
    client.force_login(officer)

    def count(notices: int) -> int:
        add_notices(officer, notices)
        with CaptureQueriesContext(connection) as queries:
            html_of(client, "/districts/")
        bell = [q for q in queries if "notifications_notification" in q["sql"]]
        assert len(bell) == 1
        return len(queries)

    assert count(3) == count(27)


# --- list -----------------------------------------------------------------------------------------


def test_the_list_shows_own_notices_newest_first_unread_highlighted(client, officer):
    old = NotificationFactory(recipient=officer, title="Cũ nhất", read_at=timezone.now())
    old.created_at = timezone.now() - timezone.timedelta(days=2)
    old.save()
    NotificationFactory(recipient=officer, title="Mới nhất", body="Ý kiến của Sở")
    NotificationFactory(title="Của người khác")
    client.force_login(officer)
    html = html_of(client, "/notifications/")
    assert html.index("Mới nhất") < html.index("Cũ nhất")
    assert "Của người khác" not in html
    assert html.count("notice-unread") == 1 and "Ý kiến của Sở" in html
    assert "Số liệu bị trả lại" in html  # the kind's label
    unread = html_of(client, "/notifications/", unread="true")
    assert "Mới nhất" in unread and "Cũ nhất" not in unread


def test_the_list_is_paginated_and_its_queries_do_not_grow(client, officer):
    client.force_login(officer)

    def count(notices: int) -> int:
        add_notices(officer, notices)
        with CaptureQueriesContext(connection) as queries:
            html_of(client, "/notifications/")
        return len(queries)

    assert count(3) == count(30)  # 33 notices: two pages
    assert "Trang 1/2" in html_of(client, "/notifications/")
    assert html_of(client, "/notifications/", page=2).count("list-group-item-action") == 8


def test_empty_states(client, officer):
    client.force_login(officer)
    assert "Bạn chưa có thông báo nào." in html_of(client, "/notifications/")
    add_notices(officer, 1, read_at=timezone.now())
    assert "Bạn không có thông báo nào chưa đọc." in html_of(
        client, "/notifications/", unread="true"
    )


def test_opening_a_notice_marks_it_read_and_goes_to_the_item(client, officer):
    notice = NotificationFactory(recipient=officer, url="/indicators/submissions/12/")
    client.force_login(officer)
    response = client.get(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/indicators/submissions/12/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_never_leads_off_the_portal(client, officer):
    """notify() refuses such links; one written some other way still stays in the portal."""
    notice = NotificationFactory(recipient=officer, url="//evil.example/phish")
    client.force_login(officer)
    response = client.get(f"/notifications/{notice.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_another_users_notice_is_not_found(client, officer):
    theirs = NotificationFactory()
    client.force_login(officer)
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.get(f"/notifications/{2**70}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_is_a_post_with_csrf(officer):
    add_notices(officer, 3)
    other = NotificationFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/read-all/").status_code == 403  # no CSRF token
    page = client.get("/notifications/")
    token = page.cookies["csrftoken"].value
    response = client.post("/notifications/read-all/", {"csrfmiddlewaretoken": token}, follow=True)
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


# --- preferences ----------------------------------------------------------------------------------


def test_preferences_offer_the_roles_kinds_and_save_them(client, officer, reviewer):
    client.force_login(officer)
    html = html_of(client, "/notifications/preferences/")
    assert 'name="returned"' in html and 'name="deadline"' in html
    assert 'name="digest"' not in html  # the Department's digest is not an officer's
    assert html.count('type="checkbox"') == 8 and html.count("checked") == 8
    response = client.post(
        "/notifications/preferences/", {"returned": "on", "approved": "on"}, follow=True
    )
    assert "Đã lưu tùy chọn thư điện tử của bạn." in response.content.decode()
    saved = dict(EmailPreference.objects.filter(user=officer).values_list("kind", "enabled"))
    assert saved["returned"] is True and saved["deadline"] is False
    assert NoticeKind.DIGEST not in saved

    client.force_login(reviewer)
    html = html_of(client, "/notifications/preferences/")
    assert 'name="digest"' in html and 'name="returned"' not in html
    assert "Tài khoản của bạn chưa có địa chỉ thư điện tử" in html  # the reviewer has none


# --- languages ------------------------------------------------------------------------------------


def test_pages_render_in_vietnamese_and_english_and_the_choice_is_kept(client, officer):
    NotificationFactory(recipient=officer)
    client.force_login(officer)
    html = html_of(client, "/notifications/")
    assert '<html lang="vi">' in html and "Đánh dấu tất cả là đã đọc" in html
    assert "Tùy chọn thư điện tử" in html_of(client, "/notifications/preferences/")

    client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    officer.refresh_from_db()
    assert officer.language == "en"  # notices and e-mails follow the header's switch
    html = html_of(client, "/notifications/")
    assert '<html lang="en">' in html and "Mark all as read" in html
    assert "Submission returned" in html
    prefs = html_of(client, "/notifications/preferences/")
    assert "E-mail preferences" in prefs and "Deadline approaching" in prefs

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "vi"


def test_an_unknown_language_changes_nothing_and_visitors_may_switch_too(client, officer):
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "vi"
    client.logout()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "Log in" in html_of(client, "/accounts/login/")
