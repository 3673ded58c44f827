"""Obligations and timeliness through the API."""

import datetime

import pytest
import time_machine
from django.conf import settings
from rest_framework.test import APIClient

from learningcity.deadlines.models import Obligation

from .conftest import at, submit_review

API = "/api/v1"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_list_and_filter_obligations(client_for, api_consumer, admin_user, hcmc):
    client_for(admin_user).post(f"{API}/obligations/generate/", {"year": 2025}, format="json")
    body = client_for(api_consumer).get(f"{API}/obligations/", {"year": 2025}).json()
    assert body["count"] == 4
    one = client_for(api_consumer).get(f"{API}/obligations/", {"period": "2025-H1"}).json()
    [review] = one["results"]
    assert review["kind"] == "interim_review" and review["due_date"] == "2025-07-05"
    assert client_for(api_consumer).get(f"{API}/obligations/", {"year": "x"}).status_code == 400


def test_only_administrators_generate_and_patch(client_for, reviewer, admin_user, hcmc):
    assert (
        client_for(reviewer)
        .post(f"{API}/obligations/generate/", {"year": 2025}, format="json")
        .status_code
        == 403
    )
    created = client_for(admin_user).post(
        f"{API}/obligations/generate/", {"year": 2025, "lock_after_days": 10}, format="json"
    )
    assert created.status_code == 201 and len(created.json()) == 4
    pk = created.json()[0]["id"]
    patched = client_for(admin_user).patch(
        f"{API}/obligations/{pk}/", {"due_date": "2025-07-09", "version": 1}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client_for(admin_user).patch(
        f"{API}/obligations/{pk}/", {"note": "x", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    bad = client_for(admin_user).post(
        f"{API}/obligations/generate/", {"year": 1900, "kinds": ["nope"]}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"year", "kinds"}
    assert Obligation.objects.count() == 4


def test_timeliness_endpoint(
    client_for, officer_1, reviewer, district_1, review_obligation, half_2025
):
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 3)))
    body = client_for(reviewer).get(f"{API}/timeliness/", {"period": "2025-H1"}).json()
    [column] = body["obligations"]
    assert column["tally"]["on_time"] == 1 and column["tally"]["due"] == 22
    quan_1 = next(u for u in column["units"] if u["unit"] == "760")
    assert quan_1["status"] == "on_time" and quan_1["days_late"] == 0
    assert body["city"]["on_time_rate"] == 4.5
    own = client_for(officer_1).get(f"{API}/timeliness/", {"year": 2025}).json()
    assert [d["unit"] for d in own["districts"]] == ["760"]
    assert client_for(reviewer).get(f"{API}/timeliness/").status_code == 400
    assert client_for(reviewer).get(f"{API}/timeliness/", {"period": "2099"}).status_code == 400


def test_timeliness_query_count_is_fixed(
    client_for, django_assert_num_queries, reviewer, officer_1, hcmc, review_obligation, half_2025
):
    client = client_for(reviewer)

    def count():
        with django_assert_num_queries(7) as captured:
            assert client.get(f"{API}/timeliness/", {"year": 2025}).status_code == 200
        return len(captured)

    few = count()
    for code in ("760", "770", "769"):
        officer_1.unit = type(officer_1.unit).objects.get(code=code, level="district")
        submit_review(officer_1, officer_1.unit, half_2025, at(datetime.date(2025, 7, 3)))
    assert count() == few


def test_exceptions_through_the_api(client_for, reviewer, officer_1, district_1, review_obligation):
    url = f"{API}/obligations/{review_obligation.pk}/exceptions/"
    with time_machine.travel(at(datetime.date(2025, 7, 16)), tick=False):
        refused = client_for(officer_1).post(
            url, {"unit": "760", "until": "2025-07-20", "reason": "x"}, format="json"
        )
        assert refused.status_code == 403
        wrong = client_for(reviewer).post(
            url, {"unit": "99999", "until": "2025-07-20", "reason": "x"}, format="json"
        )
        assert wrong.status_code == 400
        granted = client_for(reviewer).post(
            url, {"unit": "760", "until": "2025-07-20", "reason": "Nghỉ ốm"}, format="json"
        )
    assert granted.status_code == 201 and granted.json()["unit"] == "760"
    assert [e["unit"] for e in client_for(officer_1).get(url).json()] == ["760"]
