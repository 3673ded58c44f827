"""Requests that once answered a server error: an id in a path that is not a number, OPTIONS on
an action of a collection, a partial row in a PATCH. Each answers as a client error or succeeds."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from rest_framework.test import APIClient

from clc.models import ReportTopic
from learningcity.notifications.choices import NoticeKind
from tests.clc.helpers import register, report, ward

API = "/api/v1"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _not_found(response):
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/obligations/x/exceptions/"),
        ("post", "/obligations/x/exceptions/"),
        ("patch", "/obligations/x/"),
        ("post", "/award-rounds/x/reject-remaining/"),
    ],
)
def test_an_id_that_is_not_a_number_is_not_found(client_for, admin_user, method, path):
    _not_found(getattr(client_for(admin_user), method)(API + path, {}, format="json"))


def test_the_read_only_consumer_gets_not_found_too(client_for, api_consumer):
    _not_found(client_for(api_consumer).get(f"{API}/obligations/x/exceptions/"))


def _api_routes(resolver=None, prefix=""):
    """Every route under /api/v1/ as a regular expression of its path."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern.regex.pattern).lstrip("^").rstrip("$").rstrip("\\Z")
        if isinstance(entry, URLResolver):
            yield from _api_routes(entry, pattern)
        elif isinstance(entry, URLPattern) and pattern.startswith("api/v1/"):
            yield pattern


def _with(route, value):
    """The route's path with ``value`` for each of its arguments."""
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", value, route).replace("\\", "")


ID_ROUTES = sorted({_with(route, "x") for route in _api_routes() if "(?P<pk>" in route})


def test_every_route_by_id_takes_only_a_number():
    assert len(ID_ROUTES) > 20
    assert "/api/v1/obligations/x/exceptions/" in ID_ROUTES


def test_every_route_by_id_answers_not_found_for_a_word(client_for, admin_user):
    client = client_for(admin_user)
    answers = {
        (method, path): getattr(client, method)(path, {}, format="json")
        for path in ID_ROUTES
        for method in ("get", "post", "patch", "put", "delete")
    }
    wrong = {
        key: (answer.status_code, answer["Content-Type"])
        for key, answer in answers.items()
        if (answer.status_code, answer["Content-Type"]) != (404, "application/json")
    }
    assert not wrong


def test_an_id_beyond_the_column_is_not_found(client_for, admin_user):
    client = client_for(admin_user)
    _not_found(client.get(f"{API}/obligations/{10**30}/exceptions/"))
    _not_found(client.post(f"{API}/award-rounds/{10**30}/reject-remaining/", {}, format="json"))


def test_options_on_the_e_mail_preferences(client_for, admin_user, api_consumer):
    answer = client_for(admin_user).options(f"{API}/notifications/preferences/")
    assert answer.status_code == 200, answer.content
    assert "put" in {method.lower() for method in answer["Allow"].split(", ")}
    assert set(answer.json()["actions"]["PUT"]) == set(NoticeKind.values)
    # The consumer may not write: DRF leaves the form out, and says so without an error.
    answer = client_for(api_consumer).options(f"{API}/notifications/preferences/")
    assert answer.status_code == 200 and "actions" not in answer.json()


def test_options_on_every_route(client_for, admin_user):
    """OPTIONS describes any route, on a collection or a row (here one that does not exist)."""
    client = client_for(admin_user)
    paths = sorted({_with(route, "1") for route in _api_routes()})
    assert len(paths) > 40
    answers = {path: client.options(path) for path in paths}
    wrong = {path: a.status_code for path, a in answers.items() if a.status_code not in (200, 404)}
    assert not wrong


@pytest.fixture
def draft_report(officer_1, district_1):
    centre = register(officer_1, ward(district_1))
    return report(officer_1, centre, topics={"literacy": {"classes": 2, "sessions": 10}})


def test_a_topic_given_without_its_counts_has_none(client_for, officer_1, draft_report):
    client = client_for(officer_1)
    url = f"{API}/clc-reports/{draft_report.pk}/"
    answer = client.patch(
        url,
        {"topics": [{"topic": "other", "classes": 2}], "version": draft_report.version},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    topics = [(t["topic"], t["classes"], t["sessions"]) for t in answer.json()["topics"]]
    assert topics == [("other", 2, 0)]
    # Neither classes nor sessions: the topic was not held, and has no row.
    version = answer.json()["version"]
    answer = client.patch(url, {"topics": [{"topic": "other"}], "version": version}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["topics"] == []
    assert not ReportTopic.objects.filter(report=draft_report).exists()


def test_a_topic_row_without_its_topic_is_refused(client_for, officer_1, draft_report):
    answer = client_for(officer_1).patch(
        f"{API}/clc-reports/{draft_report.pk}/",
        {"topics": [{"classes": 3}], "highlights": "Changed", "version": draft_report.version},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert answer.json() == {"topics": {"0": {"topic": ["This field is required."]}}}
    draft_report.refresh_from_db()
    assert draft_report.highlights != "Changed"
    assert ReportTopic.objects.get(report=draft_report).topic == "literacy"


def test_a_nul_character_in_a_filter_is_refused_in_json(client_for, admin_user):
    answer = client_for(admin_user).get(f"{API}/award-dossiers/", {"q": "a\x00b"})
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "The request contains characters that are not allowed."}


def test_the_read_only_consumer_is_refused_every_write(client_for, api_consumer):
    """Before its input is read: the schemathesis run leaves the consumer's writes out."""
    client = client_for(api_consumer)
    paths = sorted({_with(route, "1") for route in _api_routes()})
    answers = {
        (method, path): getattr(client, method)(path, {"x": 1}, format="json")
        for path in paths
        for method in ("post", "put", "patch", "delete")
    }
    wrong = {
        key: (answer.status_code, answer["Content-Type"])
        for key, answer in answers.items()
        if (answer.status_code, answer["Content-Type"]) != (403, "application/json")
    }
    assert not wrong
