"""Hostile input against deadlines: the generate and edit forms, exceptions, the API, and
the timeliness filters. Each is refused with a clear 4xx or form error; nothing is written."""

import datetime
import unicodedata

import pytest
import time_machine

from learningcity.deadlines import services
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.models import DeadlineException, Obligation

from .conftest import SCRIPT, SQL, ZERO_WIDTH_NFD, api_as, assert_unchanged

pytestmark = pytest.mark.usefixtures("english")

API = "/api/v1"
JULY_16 = datetime.datetime(2025, 7, 16, 9, tzinfo=datetime.UTC)


@pytest.fixture
def obligation(admin_user, hcmc):
    [review] = services.obligations_generate(
        user=admin_user, year=2025, lock_after_days=10, kinds=[ObligationKind.INTERIM_REVIEW]
    )[:1]
    return review


@pytest.mark.parametrize(
    "data",
    [
        {"year": "1e9"},
        {"year": "2025", "lock_after_days": "-1"},
        {"year": "2025", "lock_after_days": "400"},
        {"year": "2025", "kinds": ["exam"]},
        {"year": "2025\x00"},
        {"year": SQL},
    ],
)
def test_generate_form_refuses_bad_input(client, admin_user, table_counts, hcmc, data):
    client.force_login(admin_user)
    before = table_counts()
    data = {f"generate-{name}": value for name, value in data.items()}
    response = client.post("/deadlines/generate/", data, follow=True)
    assert response.status_code in (200, 400)
    assert_unchanged(before, table_counts())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("due_date", "2025-02-30"),
        ("due_date", "99999-01-01"),
        ("lock_after_days", "abc"),
        ("units", "999999"),
        ("version", "x"),
    ],
)
def test_edit_form_refuses_bad_input(client, admin_user, obligation, field, value):
    client.force_login(admin_user)
    data = {"due_date": "2025-07-05", "lock_after_days": "10", "version": "1", field: value}
    response = client.post(f"/deadlines/{obligation.pk}/edit/", data)
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    obligation.refresh_from_db()
    assert (obligation.due_date, obligation.version) == (datetime.date(2025, 7, 5), 1)


def test_text_is_normalised_and_rendered_escaped(client, admin_user, reviewer, obligation):
    services.obligation_update(user=admin_user, obligation=obligation, note=SCRIPT + ZERO_WIDTH_NFD)
    obligation.refresh_from_db()
    assert obligation.note.endswith(unicodedata.normalize("NFC", "Nguyễn Văn An"))
    client.force_login(reviewer)
    page = client.get(f"/deadlines/{obligation.pk}/").content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "data",
    [
        {"unit": "not-a-number", "until": "2025-07-20", "reason": "x"},
        {"unit": "", "until": "2025-07-20", "reason": "x"},
        {"until": "2025-13-01", "reason": "x"},
        {"until": "2025-07-01", "reason": "x"},
        {"until": "2025-07-20", "reason": "x" * 2001},
    ],
)
def test_exception_form_refuses_bad_input(client, reviewer, district_1, obligation, data):
    client.force_login(reviewer)
    data = {"unit": district_1.pk, **data}
    with time_machine.travel(JULY_16, tick=False):
        response = client.post(f"/deadlines/{obligation.pk}/", data)
    assert response.status_code == 200
    assert not DeadlineException.objects.exists()


def test_a_ward_or_another_province_is_no_district_for_an_exception(reviewer, hcmc, obligation):
    ward = hcmc.children.first().children.first()
    with time_machine.travel(JULY_16, tick=False):
        response = api_as(reviewer).post(
            f"{API}/obligations/{obligation.pk}/exceptions/",
            {"unit": ward.code, "until": "2025-07-20", "reason": "x"},
            format="json",
        )
    assert response.status_code == 400
    assert not DeadlineException.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2025-H1\x00"},
        {"period": SQL},
        {"year": "20251"},
        {"year": "-5"},
        {"year": "\x00"},
    ],
)
def test_timeliness_api_refuses_bad_filters(reviewer, obligation, params):
    response = api_as(reviewer).get(f"{API}/timeliness/", params)
    assert response.status_code == 400


@pytest.mark.parametrize("params", [{"period": SQL}, {"year": "abc"}, {"year": "99999"}])
def test_timeliness_page_survives_bad_filters(client, reviewer, obligation, params):
    client.force_login(reviewer)
    assert client.get("/deadlines/timeliness/", params).status_code in (200, 400)


def test_api_writes_refused_for_api_consumers_and_officers(
    api_consumer, officer_1, obligation, table_counts
):
    before = table_counts()
    for user in (api_consumer, officer_1):
        api = api_as(user)
        assert api.post(f"{API}/obligations/generate/", {"year": 2026}).status_code == 403
        body = {"note": "x", "version": obligation.version}
        assert api.patch(f"{API}/obligations/{obligation.pk}/", body).status_code == 403
    assert_unchanged(before, table_counts())
    assert Obligation.objects.count() == 2
