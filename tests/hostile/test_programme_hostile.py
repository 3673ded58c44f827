"""Hostile input against the district programme's forms and API."""

import datetime
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from districts import services
from districts.models import CommitteeMember, InterimReview, SteeringCommittee
from learningcity.models import ReportingPeriod

from .conftest import (
    EXECUTABLE,
    SCRIPT,
    SQL,
    ZERO_WIDTH_NFD,
    fake_pdf,
    garbage_xlsx,
    oversized_pdf,
    zip_bomb_xlsx,
)


@pytest.fixture
def committee(officer_1):
    return services.committee_establish(
        user=officer_1,
        district=officer_1.unit,
        number="1/QĐ-UBND",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch UBND Quận 1",
    )


@pytest.fixture
def period(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


def establish_form(**changes):
    return {"number": "2/QĐ-UBND", "issued_on": "2024-05-01", "signer": "Chủ tịch", **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"issued_on": "not a date"},
        {"issued_on": "2024-02-30"},
        {"issued_on": "99999-01-01"},
        {"number": ""},
        {"number": "x" * 500},
        {"signer": "   "},
    ],
    ids=["wrong-type", "impossible-date", "date-out-of-range", "missing", "too-long", "blank"],
)
def test_committee_form_refuses_bad_fields(client, officer_1, committee, table_counts, changes):
    client.force_login(officer_1)
    before = table_counts()
    response = client.post("/districts/760/committee/establish/", establish_form(**changes))
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode()
    assert table_counts() == before


@pytest.mark.parametrize("make_file", ["fake", "oversized"])
def test_uploads_are_checked_by_content_and_size(
    client, officer_1, committee, table_counts, settings, make_file
):
    client.force_login(officer_1)
    upload = fake_pdf() if make_file == "fake" else oversized_pdf(settings)
    before = table_counts()
    response = client.post("/districts/760/committee/establish/", establish_form(file=upload))
    html = response.content.decode()
    assert response.status_code == 200
    assert "không đúng như tên tệp" in html or "giới hạn là" in html
    assert table_counts() == before


@pytest.mark.parametrize("make_file", ["zip-bomb", "garbage", "executable"])
def test_member_import_refuses_bad_spreadsheets(
    client, officer_1, committee, table_counts, settings, make_file
):
    files = {
        "zip-bomb": lambda: zip_bomb_xlsx(settings),
        "garbage": garbage_xlsx,
        "executable": lambda: SimpleUploadedFile("members.xlsx", EXECUTABLE),
    }
    client.force_login(officer_1)
    before = table_counts()
    response = client.post(
        f"/districts/committees/{committee.pk}/members/import/", {"upload": files[make_file]()}
    )
    assert response.status_code == 200
    assert "Không thể nhập tệp" in response.content.decode()
    assert table_counts() == before


def test_ids_of_another_district_are_refused_everywhere(client, officer_3, committee, period):
    client.force_login(officer_3)
    api = APIClient()
    api.force_authenticate(officer_3)
    assert (
        client.post(
            f"/districts/committees/{committee.pk}/members/add/",
            {"full_name": "Kẻ lạ", "position": "x", "organisation": "y", "role": "member"},
        ).status_code
        == 404
    )
    assert api.post(
        "/api/v1/committee-members/",
        {
            "committee": committee.pk,
            "full_name": "Kẻ lạ",
            "position": "x",
            "organisation": "y",
            "role": "member",
        },
        format="json",
    ).status_code in (403, 404)
    assert (
        api.post(
            "/api/v1/interim-reviews/",
            {
                "district": "760",
                "period": "2025",
                "held_on": "2025-07-01",
                "achievements": "a",
                "difficulties": "b",
                "proposals": "c",
            },
            format="json",
        ).status_code
        == 403
    )
    assert not CommitteeMember.objects.exists() and not InterimReview.objects.exists()


def test_stale_review_edit_through_the_form_is_refused(client, officer_1, period):
    review = services.review_save(
        user=officer_1,
        district=officer_1.unit,
        period=period,
        held_on=datetime.date(2025, 7, 1),
        achievements="Bản đầu",
        difficulties="b",
        proposals="c",
    )
    client.force_login(officer_1)
    form = {
        "held_on": "2025-07-01",
        "difficulties": "b",
        "proposals": "c",
        "version": review.version,
    }
    assert (
        client.post("/districts/760/review/2025/", {**form, "achievements": "Người A"}).status_code
        == 302
    )
    response = client.post("/districts/760/review/2025/", {**form, "achievements": "Người B"})
    assert response.status_code == 200
    assert "Người khác đã thay đổi" in response.content.decode()
    review.refresh_from_db()
    assert review.achievements == "Người A"


def test_text_is_stored_clean_and_rendered_escaped(client, officer_1, reviewer, period):
    client.force_login(officer_1)
    client.post(
        "/districts/760/review/2025/",
        {
            "held_on": "2025-07-01",
            "achievements": ZERO_WIDTH_NFD,
            "difficulties": SCRIPT,
            "proposals": SQL,
            "version": 0,
        },
    )
    review = InterimReview.objects.get()
    assert review.achievements == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert review.difficulties == SCRIPT and review.proposals == SQL
    services.review_submit(user=officer_1, review=review)
    client.force_login(reviewer)
    for url in (f"/districts/reviews/{review.pk}/", "/districts/digest/?period=2025"):
        html = client.get(url).content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    found = client.get("/districts/digest/", {"period": "2025", "q": SQL}).content.decode()
    assert "&#x27;; DROP TABLE" in found  # searched as text, found as text
    assert InterimReview.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"district": "760", "number": 12345, "issued_on": "yesterday", "signer": None},
        {"district": "999", "number": "1/QĐ", "issued_on": "2024-01-01", "signer": "x"},
        {"district": ["760"], "number": {"a": 1}, "issued_on": "2024-01-01", "signer": "x"},
        {},
    ],
    ids=["wrong-types", "unknown-district", "nested-garbage", "empty"],
)
def test_api_refuses_malformed_bodies(officer_1, committee, table_counts, body):
    api = APIClient()
    api.force_authenticate(officer_1)
    before = table_counts()
    response = api.post("/api/v1/committees/", body, format="json")
    assert 400 <= response.status_code < 500
    assert table_counts() == before
    assert SteeringCommittee.objects.count() == 1
