"""/api/v1/notifications/: the caller's own notices only, paginated, unread filter, mark read,
read all, e-mail preferences; another user's notice is a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from learningcity.notifications.models import EmailPreference, Notification
from tests.factories import NotificationFactory, UserFactory

LIST = "/api/v1/notifications/"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def add_notices(user, count: int, **fields) -> list[Notification]:
    return Notification.objects.bulk_create(
        NotificationFactory.build(recipient=user, **fields) for _ in range(count)
    )


def test_the_list_is_the_callers_own_newest_first(client_for, reviewer):
    mine = add_notices(reviewer, 2)
    add_notices(UserFactory(), 3)
    body = client_for(reviewer).get(LIST).json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == sorted((n.pk for n in mine), reverse=True)
    row = body["results"][0]
    assert set(row) == {
        "id",
        "kind",
        "kind_display",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "unread",
    }
    assert row["kind"] == "returned" and row["unread"] is True and row["read_at"] is None


def test_unread_filter_and_pagination(client_for, reviewer):
    add_notices(reviewer, 3)
    add_notices(reviewer, 2, read_at=timezone.now())
    client = client_for(reviewer)
    assert client.get(LIST, {"unread": "true"}).json()["count"] == 3
    assert client.get(LIST, {"unread": "false"}).json()["count"] == 2
    page = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]


def test_the_list_costs_the_same_queries_for_3_or_30(client_for, reviewer):
    client = client_for(reviewer)

    def count(notices: int) -> int:
        add_notices(reviewer, notices)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    assert count(3) == count(30)


def test_mark_one_read_and_another_users_is_not_found(client_for, reviewer):
    mine = NotificationFactory(recipient=reviewer)
    theirs = NotificationFactory()
    client = client_for(reviewer)
    response = client.post(f"{LIST}{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"]
    assert client.post(f"{LIST}{theirs.pk}/read/").status_code == 404
    assert client.post(f"{LIST}999999/read/").status_code == 404
    assert client.post(f"{LIST}{2**70}/read/").status_code == 404  # beyond bigint
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all(client_for, reviewer):
    add_notices(reviewer, 4)
    other = NotificationFactory()
    response = client_for(reviewer).post(f"{LIST}read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 4}
    assert client_for(reviewer).post(f"{LIST}read-all/").json() == {"marked": 0}
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_get_and_put(client_for, reviewer):
    client = client_for(reviewer)
    url = f"{LIST}preferences/"
    body = client.get(url).json()
    assert body["returned"] is True and len(body) == 9
    response = client.put(url, {"digest": False, "submitted": True}, format="json")
    assert response.status_code == 200
    assert response.json()["digest"] is False and response.json()["report_ready"] is True
    assert dict(EmailPreference.objects.values_list("kind", "enabled")) == {
        "digest": False,
        "submitted": True,
    }
    assert client.put(url, {"digest": "maybe"}, format="json").status_code == 400
    assert client.get(url).json()["digest"] is False


def test_api_consumers_read_but_do_not_write(client_for, api_consumer):
    client = client_for(api_consumer)
    assert client.get(LIST).status_code == 200
    assert client.post(f"{LIST}read-all/").status_code == 403
    assert client.put(f"{LIST}preferences/", {"digest": False}, format="json").status_code == 403


def test_anonymous_callers_are_refused(db):
    assert APIClient().get(LIST).status_code == 401
