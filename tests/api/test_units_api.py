import io
import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from learningcity.choices import Role
from tests.factories import UserFactory


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def all_results(client, url):
    """Follow pagination to the end."""
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        results += response.json()["results"]
        url = response.json()["next"]
    return results


def test_districts_lists_22_with_gso_codes(hcmc, client_for, officer_1):
    body = client_for(officer_1).get("/api/v1/districts/").json()
    assert body["count"] == 22
    codes = [int(d["code"]) for d in body["results"]]
    assert codes == sorted(codes) and codes[0] == 760 and codes[-1] == 787
    thu_duc = next(d for d in body["results"] if d["code"] == "769")
    assert thu_duc == {
        "code": "769",
        "name": "Thành phố Thủ Đức",
        "kind": "city",
        "kind_display": "Thành phố",
        "province": {"code": "79", "name": "Thành phố Hồ Chí Minh"},
        "ward_count": 34,
    }


def test_wards_of_thu_duc(hcmc, client_for, reviewer):
    wards = all_results(client_for(reviewer), "/api/v1/wards/?district=769")
    assert len(wards) == 34
    assert {w["district"]["code"] for w in wards} == {"769"}


@pytest.mark.parametrize("query", ["thu duc", "THỦ ĐỨC", unicodedata.normalize("NFD", "Thủ Đức")])
def test_district_search_ignores_diacritics_and_case(hcmc, client_for, reviewer, query):
    body = client_for(reviewer).get("/api/v1/districts/", {"q": query}).json()
    assert [d["code"] for d in body["results"]] == ["769"]


def test_ward_search_within_a_district(hcmc, client_for, reviewer):
    body = client_for(reviewer).get("/api/v1/wards/", {"district": "760", "q": "da kao"}).json()
    assert [w["name"] for w in body["results"]] == ["Phường Đa Kao"]


def test_retrieve_by_code_and_unknown_code(hcmc, client_for, reviewer):
    client = client_for(reviewer)
    assert client.get("/api/v1/districts/760/").json()["name"] == "Quận 1"
    assert client.get("/api/v1/districts/999/").status_code == 404


def test_anonymous_is_refused(hcmc):
    response = APIClient().get("/api/v1/districts/")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("role", list(Role))
def test_nobody_writes_reference_data_through_the_api(hcmc, client_for, role):
    unit = hcmc.children.first() if role == Role.DISTRICT_OFFICER else None
    client = client_for(UserFactory(role=role, unit=unit))
    assert client.post("/api/v1/districts/", {"code": "999", "name": "X"}).status_code in (403, 405)
    assert client.patch("/api/v1/districts/760/", {"name": "X"}).status_code in (403, 405)
    assert client.delete("/api/v1/districts/760/").status_code in (403, 405)
    assert client.get("/api/v1/districts/760/").json()["name"] == "Quận 1"


def test_token_authentication_hashed_and_revocable(hcmc, api_consumer):
    out = io.StringIO()
    call_command("create_api_token", api_consumer.username, stdout=out)
    token = out.getvalue().strip()
    assert len(token) >= 32
    # Only a digest is stored: the key itself appears in no column.
    stored = AuthToken.objects.get(user=api_consumer)
    assert token not in (stored.digest, stored.token_key)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/districts/").status_code == 200

    call_command("revoke_api_tokens", api_consumer.username, stdout=io.StringIO())
    assert client.get("/api/v1/districts/").status_code == 401


def test_wrong_token_is_refused(hcmc):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "x" * 64)
    assert client.get("/api/v1/districts/").status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/districts/", "/api/v1/wards/"])
def test_list_query_count_does_not_grow_with_rows(hcmc, client_for, reviewer, url):
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"page_size": 500}).status_code == 200
    call_command("load_admin_units", "--province", "01", "48", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as large:
        body = client.get(url, {"page_size": 500}).json()
    assert body["count"] > 22
    assert len(large) == len(small)


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/districts/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_api_calls_are_throttled(hcmc, reviewer, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "1/minute"}
    )
    cache.clear()
    client = APIClient()
    client.force_authenticate(reviewer)
    codes = [client.get("/api/v1/districts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()
