"""The community learning centres API: registry, reports with their workflow, evaluations and
the roll-up; every transition allowed and refused, every scope boundary from both sides."""

import datetime

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from clc import services
from clc.choices import ActivityReportStatus
from clc.models import ActivityReport, Centre
from tests.clc.helpers import POINTS_GOOD, accepted_report, evaluate, register, report, ward

API = "/api/v1"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages in their source form
        return client

    return make


@pytest.fixture
def centre(officer_1, district_1):
    return register(officer_1, ward(district_1), director="Lê Văn Tám", phone="0903000111")


def test_officer_registers_a_centre_and_a_second_one_for_the_ward_is_refused(
    client_for, officer_1, district_1
):
    client = client_for(officer_1)
    tan_dinh = ward(district_1)
    body = {
        "ward": tan_dinh.code,
        "name": "Trung tâm học tập cộng đồng Phường Tân Định",
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2010-01-15",
        "director": "Lê Văn Tám",
        "rooms": 2,
        "computers": 4,
        "has_internet": True,
    }
    response = client.post(f"{API}/clc-centres/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["ward"] == {"code": tan_dinh.code, "name": tan_dinh.name}
    assert data["district"]["code"] == "760" and data["contact"]["director"] == "Lê Văn Tám"
    assert data["status"] == "active" and data["is_model"] is False
    again = client.post(f"{API}/clc-centres/", {**body, "name": "Khác"}, format="json")
    assert again.status_code == 400
    assert again.json()["ward"] == ["This ward already has a community learning centre."]
    stale = client.patch(
        f"{API}/clc-centres/{data['id']}/", {"rooms": 3, "version": 99}, format="json"
    )
    assert stale.status_code == 409
    patched = client.patch(
        f"{API}/clc-centres/{data['id']}/", {"rooms": 3, "version": 1}, format="json"
    )
    assert patched.json()["rooms"] == 3 and patched.json()["version"] == 2
    suspended = client.post(f"{API}/clc-centres/{data['id']}/suspend/", {}, format="json")
    assert suspended.json()["status"] == "suspended"
    assert client.post(f"{API}/clc-centres/{data['id']}/suspend/").status_code == 409
    assert client.post(f"{API}/clc-centres/{data['id']}/reactivate/").json()["status"] == "active"


def test_centre_scope_and_personal_data(
    client_for, centre, officer_3, reviewer, api_consumer, district_1
):
    other = client_for(officer_3)
    assert other.get(f"{API}/clc-centres/").json()["count"] == 0
    assert other.get(f"{API}/clc-centres/{centre.pk}/").status_code == 404
    assert other.patch(f"{API}/clc-centres/{centre.pk}/", {"rooms": 9}).status_code == 404
    assert other.post(f"{API}/clc-centres/{centre.pk}/suspend/").status_code == 404
    response = other.post(
        f"{API}/clc-centres/", {"ward": ward(district_1, 1).code, "name": "X"}, format="json"
    )
    assert response.status_code == 403
    assert client_for(reviewer).get(f"{API}/clc-centres/{centre.pk}/").json()["contact"] == {
        "director": "Lê Văn Tám",
        "phone": "0903000111",
        "email": "",
    }
    consumer = client_for(api_consumer)
    listed = consumer.get(f"{API}/clc-centres/").json()["results"]
    assert listed[0]["contact"] is None and "0903000111" not in str(listed)
    assert consumer.patch(f"{API}/clc-centres/{centre.pk}/", {"rooms": 9}).status_code == 403
    assert (
        client_for(reviewer).patch(f"{API}/clc-centres/{centre.pk}/", {"rooms": 9}).status_code
        == 404
    )


def test_centre_filters(client_for, reviewer, officer_1, officer_3, district_1, district_3):
    register(officer_1, ward(district_1, 0))
    register(
        officer_1,
        ward(district_1, 1),
        model_decision_number="1/QĐ",
        model_year=2024,
        model_valid_until=datetime.date(2030, 1, 1),
    )
    register(officer_3, ward(district_3, 0))
    client = client_for(reviewer)

    def count(**params):
        return client.get(f"{API}/clc-centres/", params).json()["count"]

    assert count() == 3 and count(district="760") == 2 and count(model="true") == 1
    assert count(q="tan dinh") == 1 and count(status="suspended") == 0


def test_report_workflow_through_the_api(client_for, centre, officer_1):
    client = client_for(officer_1)
    body = {
        "centre": centre.pk,
        "year": 2025,
        "participants_total": 200,
        "participants_women": 120,
        "participants_elderly": 40,
        "participants_disabled": 3,
        "uses_it": True,
        "it_usage": "Zalo",
        "funding_state": 12_000_000,
        "topics": [
            {"topic": "literacy", "classes": 2, "sessions": 10},
            {"topic": "digital_skills", "classes": 1, "sessions": 8},
        ],
    }
    bad = client.post(
        f"{API}/clc-reports/",
        {**body, "participants_women": 201, "funding_social": -1},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"funding_social"}  # the shape is refused before the service
    bad = client.post(f"{API}/clc-reports/", {**body, "participants_women": 201}, format="json")
    assert bad.status_code == 400 and "participants_women" in bad.json()
    assert not ActivityReport.objects.exists()
    duplicate = client.post(
        f"{API}/clc-reports/", {**body, "topics": [body["topics"][0]] * 2}, format="json"
    )
    assert duplicate.status_code == 400 and "topics" in duplicate.json()

    created = client.post(f"{API}/clc-reports/", body, format="json")
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    assert created.json()["status"] == "draft" and len(created.json()["topics"]) == 2
    assert created.json()["funding_total"] == 12_000_000
    # Posting again edits it given the version read; without one it would overwrite: 409.
    assert client.post(f"{API}/clc-reports/", body, format="json").status_code == 409
    again = client.post(f"{API}/clc-reports/", {**body, "version": 1}, format="json")
    assert again.status_code == 200 and again.json()["version"] == 2
    assert client.post(f"{API}/clc-reports/{report_id}/accept/").status_code == 409
    submitted = client.post(f"{API}/clc-reports/{report_id}/submit/")
    assert submitted.json()["status"] == "submitted"
    assert client.patch(f"{API}/clc-reports/{report_id}/", {"highlights": "x"}).status_code == 400
    locked = {"highlights": "x", "version": submitted.json()["version"]}
    assert client.patch(f"{API}/clc-reports/{report_id}/", locked).status_code == 409
    no_comment = client.post(f"{API}/clc-reports/{report_id}/return/", {}, format="json")
    assert no_comment.status_code == 400
    returned = client.post(
        f"{API}/clc-reports/{report_id}/return/", {"comment": "Bổ sung."}, format="json"
    )
    assert returned.json()["status"] == "returned"
    version = returned.json()["version"]
    assert (
        client.patch(
            f"{API}/clc-reports/{report_id}/", {"highlights": "x", "version": version - 1}
        ).status_code
        == 409
    )
    patched = client.patch(
        f"{API}/clc-reports/{report_id}/", {"highlights": "Lớp mới", "version": version}
    )
    assert patched.status_code == 200 and patched.json()["highlights"] == "Lớp mới"
    client.post(f"{API}/clc-reports/{report_id}/submit/")
    accepted = client.post(f"{API}/clc-reports/{report_id}/accept/", {"comment": "Đạt"})
    assert accepted.json()["status"] == "accepted" and accepted.json()["review_comment"] == "Đạt"


def test_report_scope_department_reads_but_does_not_accept(
    client_for, centre, officer_1, officer_3, reviewer, api_consumer, admin_user
):
    draft = report(officer_1, register(officer_1, ward(centre.ward.parent, 1)))
    submitted = services.report_submit(user=officer_1, report=report(officer_1, centre))
    department = client_for(reviewer)
    assert [r["id"] for r in department.get(f"{API}/clc-reports/").json()["results"]] == [
        submitted.pk
    ]  # drafts are the district's own
    assert department.post(f"{API}/clc-reports/{submitted.pk}/accept/").status_code == 403
    assert (
        department.post(
            f"{API}/clc-reports/{submitted.pk}/return/", {"comment": "Không"}
        ).status_code
        == 403
    )
    assert department.get(f"{API}/clc-reports/{draft.pk}/").status_code == 404
    other = client_for(officer_3)
    assert other.get(f"{API}/clc-reports/").json()["count"] == 0
    assert other.post(f"{API}/clc-reports/{submitted.pk}/accept/").status_code == 404
    assert (
        other.post(
            f"{API}/clc-reports/", {"centre": centre.pk, "year": 2025}, format="json"
        ).status_code
        == 403
    )
    consumer = client_for(api_consumer)
    assert consumer.get(f"{API}/clc-reports/{submitted.pk}/").status_code == 200
    assert consumer.post(f"{API}/clc-reports/{submitted.pk}/accept/").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ActivityReportStatus.SUBMITTED
    admin_sees = client_for(admin_user).get(f"{API}/clc-reports/").json()["count"]
    assert admin_sees == 2


def test_evaluation_through_the_api(client_for, centre, officer_1, officer_3, reviewer):
    client = client_for(officer_1)
    body = {"centre": centre.pk, "year": 2025, "evaluated_on": "2025-12-20", "points": POINTS_GOOD}
    over = client.post(
        f"{API}/clc-evaluations/", {**body, "points": {**POINTS_GOOD, "TC3": 16}}, format="json"
    )
    assert over.status_code == 400 and over.json()["points_TC3"] == ["Give 0 to 15 points."]
    created = client.post(f"{API}/clc-evaluations/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["total_points"], data["rating"], data["rating_name"]) == (86, "tot", "Good")
    assert [s["points"] for s in data["scores"]] == [18, 26, 13, 12, 17]
    patched = client.patch(
        f"{API}/clc-evaluations/{data['id']}/",
        {"points": {**POINTS_GOOD, "TC2": 10}, "version": 1},
        format="json",
    )
    assert patched.json()["total_points"] == 70 and patched.json()["rating"] == "kha"
    assert (
        client_for(officer_3).post(f"{API}/clc-evaluations/", body, format="json").status_code
        == 403
    )
    assert (
        client_for(reviewer).post(f"{API}/clc-evaluations/", body, format="json").status_code == 403
    )
    assert client_for(reviewer).get(f"{API}/clc-evaluations/").json()["count"] == 1
    scale = client.get(f"{API}/clc-rating-scale/").json()["results"]
    assert [(b["code"], b["min_points"]) for b in scale] == [
        ("tot", 85),
        ("kha", 70),
        ("trung-binh", 50),
        ("khong-dat", 0),
    ]
    criteria = client.get(f"{API}/clc-criteria/").json()["results"]
    assert sum(c["max_points"] for c in criteria) == 100


def test_stats_endpoint_scope(client_for, centre, officer_1, officer_3, api_consumer):
    accepted_report(officer_1, centre, participants_total=80, participants_women=40)
    evaluate(officer_1, centre)
    mine = client_for(officer_1).get(f"{API}/clc-stats/", {"year": 2025}).json()
    assert mine["totals"]["participants"]["total"] == 80  # city totals for everyone
    assert [row["district"]["code"] for row in mine["districts"]] == ["760"]
    other = client_for(officer_3)
    assert other.get(f"{API}/clc-stats/", {"year": 2025, "district": "760"}).status_code == 404
    own = other.get(f"{API}/clc-stats/", {"year": 2025, "district": "770"}).json()
    assert own["totals"]["centres"] == 0 and own["totals"]["share_reporting"] is None
    consumer = client_for(api_consumer).get(f"{API}/clc-stats/", {"year": 2025}).json()
    assert len(consumer["districts"]) == 22 and consumer["it_target"] == 70
    assert client_for(api_consumer).get(f"{API}/clc-stats/").status_code == 400
    bad = client_for(api_consumer).get(f"{API}/clc-stats/", {"year": 2025, "district": "999"})
    assert bad.status_code == 400
    assert APIClient().get(f"{API}/clc-stats/", {"year": 2025}).status_code == 401
    assert Centre.objects.count() == 1


def test_stats_district_rows_come_in_pages_with_the_totals_on_each(
    client_for, officer_1, api_consumer, district_1
):
    centre = register(officer_1, ward(district_1))
    accepted_report(officer_1, centre)
    client = client_for(api_consumer)
    every = client.get(f"{API}/clc-stats/", {"year": 2025}).json()
    assert (every["count"], every["next"], len(every["districts"])) == (22, None, 22)
    first = client.get(f"{API}/clc-stats/", {"year": 2025, "page_size": 10}).json()
    assert first["totals"] == every["totals"] and first["totals"]["centres"] == 1
    assert first["districts"] == every["districts"][:10] and "page=2" in first["next"]
    last = client.get(f"{API}/clc-stats/", {"year": 2025, "page_size": 10, "page": 3}).json()
    assert last["totals"] == every["totals"] and last["districts"] == every["districts"][20:]
    assert last["next"] is None


def test_list_and_stats_query_counts_at_two_sizes(client_for, officer_1, reviewer, district_1):
    """With three centres in Quận 1, then with the demo's 273 across the city."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clc import demo

    for index in range(3):
        centre = register(officer_1, ward(district_1, index))
        accepted_report(officer_1, centre, topics={"law": {"classes": 1, "sessions": 2}})
        evaluate(officer_1, centre)
    urls = [
        f"{API}/clc-centres/?page_size=500",
        f"{API}/clc-reports/?year=2025&page_size=500",
        f"{API}/clc-evaluations/?page_size=500",
        f"{API}/clc-stats/?year=2025",
        f"{API}/clc-stats/?year=2025&district=760",
    ]

    def counts(user):
        client = client_for(user)
        result = {}
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            result[url] = len(queries)
        return result

    small = {user.username: counts(user) for user in (officer_1, reviewer)}
    demo.demo_data_load()
    assert Centre.objects.count() == 273
    assert {user.username: counts(user) for user in (officer_1, reviewer)} == small
