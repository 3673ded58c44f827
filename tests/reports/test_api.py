"""The reports API: request (202), status with download links, scoped lists, documented."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from learningcity.models import ReportingPeriod
from learningcity.reports.choices import ReportStatus
from learningcity.reports.models import Report

URL = "/api/v1/reports/"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def body(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def read(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_request_answers_202_then_the_report_shows_status_timing_and_links(
    client_for, reviewer, programme, periods, django_capture_on_commit_callbacks
):
    client = client_for(reviewer)
    with django_capture_on_commit_callbacks() as queued:
        accepted = body(client.post(URL, {"kind": "yearly", "period": "2025"}, format="json"), 202)
    assert accepted["status"] == "queued" and accepted["progress"] == 0
    assert accepted["xlsx_url"] is None and accepted["district"] is None
    assert accepted["kind"] == "yearly" and accepted["period"] == "2025"
    for callback in queued:
        callback()

    report = body(client.get(f"{URL}{accepted['id']}/"))
    assert report["status"] == "done" and report["progress"] == 100
    assert report["started_at"] and report["finished_at"] and report["duration_seconds"] >= 0
    assert report["error"] == "" and report["attempts"] == 1 and report["scheduled"] is False
    assert report["xlsx_url"] == f"http://testserver{URL}{accepted['id']}/xlsx/"
    assert read(client.get(report["docx_url"])).startswith(b"PK")

    # Requesting again is the same report.
    again = body(client.post(URL, {"kind": "yearly", "period": "2025"}, format="json"), 202)
    assert again["id"] == accepted["id"] and Report.objects.count() == 1


def test_invalid_requests_answer_400(client_for, reviewer, periods, hcmc):
    client = client_for(reviewer)
    errors = body(client.post(URL, {"kind": "quarterly", "period": "2025"}, format="json"), 400)
    assert "period" in errors
    errors = body(client.post(URL, {"kind": "yearly", "period": "2031"}, format="json"), 400)
    assert "period" in errors
    errors = body(client.post(URL, {"kind": "weekly", "period": "2025"}, format="json"), 400)
    assert "kind" in errors


@pytest.fixture
def reports(compile_report, reviewer, district_1, district_3, periods):
    return {
        "city": compile_report(user=reviewer, kind="yearly", period=periods["2025"]),
        "q1": compile_report(
            user=reviewer, kind="monthly", period=periods["2025-M07"], district=district_1
        ),
        "q3": compile_report(
            user=reviewer, kind="yearly", period=periods["2025"], district=district_3
        ),
    }


def ids(response) -> set[int]:
    return {row["id"] for row in body(response)["results"]}


def test_an_api_consumer_reads_the_city_reports_only(client_for, api_consumer, reports):
    client = client_for(api_consumer)
    assert ids(client.get(URL)) == {reports["city"].pk}
    city = body(client.get(f"{URL}{reports['city'].pk}/"))
    assert read(client.get(city["xlsx_url"])).startswith(b"PK")
    assert client.get(f"{URL}{reports['q1'].pk}/").status_code == 404
    assert client.get(f"{URL}{reports['q1'].pk}/docx/").status_code == 404
    assert client.post(URL, {"kind": "yearly", "period": "2025"}, format="json").status_code == 403


def test_a_district_officer_reaches_their_districts_reports_only(
    client_for, officer_1, reports, django_capture_on_commit_callbacks
):
    client = client_for(officer_1)
    assert ids(client.get(URL)) == {reports["q1"].pk}
    for other in ("city", "q3"):
        assert client.get(f"{URL}{reports[other].pk}/").status_code == 404
        assert client.get(f"{URL}{reports[other].pk}/xlsx/").status_code == 404
    refused = client.post(
        URL, {"kind": "yearly", "period": "2025", "district": "770"}, format="json"
    )
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        own = body(client.post(URL, {"kind": "yearly", "period": "2025"}, format="json"), 202)
    assert own["district"] == {"code": "760", "name": "Quận 1"}


def test_the_list_filters(client_for, reviewer, reports):
    client = client_for(reviewer)
    assert ids(client.get(URL, {"kind": "monthly"})) == {reports["q1"].pk}
    assert ids(client.get(URL, {"district": "city"})) == {reports["city"].pk}
    assert ids(client.get(URL, {"district": "770", "year": 2025})) == {reports["q3"].pk}
    assert ids(client.get(URL, {"period": "2025-M07"})) == {reports["q1"].pk}
    Report.objects.filter(pk=reports["q3"].pk).update(status=ReportStatus.FAILED)
    assert ids(client.get(URL, {"status": "failed"})) == {reports["q3"].pk}
    assert client.get(URL, {"status": "lost"}).status_code == 400


def test_list_query_count_does_not_grow_with_reports(client_for, reviewer, district_1, periods):
    client = client_for(reviewer)
    Report.objects.create(kind="yearly", period=periods["2025"], requested_by=reviewer)
    with CaptureQueriesContext(connection) as small:
        assert body(client.get(URL))["count"] == 1
    for number in range(1, 13):
        month = ReportingPeriod.objects.get_or_create_for(kind="month", year=2025, number=number)
        Report.objects.create(kind="monthly", period=month, district=district_1)
    with CaptureQueriesContext(connection) as large:
        assert body(client.get(URL))["count"] == 13
    assert len(large) == len(small)


def test_the_schema_documents_the_reports_api(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reports/"])
    assert "202" in paths["/api/v1/reports/"]["post"]["responses"]
    assert "/api/v1/reports/{id}/" in paths and "/api/v1/reports/{id}/docx/" in paths
    components = schema["components"]["schemas"]
    assert "ReportStatusEnum" in components and "ReportKindEnum" in components
