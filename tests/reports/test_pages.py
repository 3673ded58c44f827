"""Report pages: request, progress (htmx), archive with filters, downloads, compile again."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learningcity.models import ReportingPeriod
from learningcity.reports.choices import ReportStatus
from learningcity.reports.models import Report


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_department_requests_a_report_and_watches_it_compile(
    client, reviewer, programme, periods, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    form = html(client.get("/reports/request/"))
    for name in ("kind", "period", "district"):
        assert f'name="{name}"' in form
    # Choosing a kind reloads the periods that fit it, through htmx (no inline script).
    assert 'hx-get="/reports/request/periods/"' in form and 'hx-target="#id_period"' in form
    assert not re.search(r"<script(?![^>]*\bsrc=)", form)
    options = html(client.get("/reports/request/periods/", {"kind": "quarterly"}))
    assert 'value="2025-Q3"' in options and 'value="2025"' not in options

    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/reports/request/", {"kind": "yearly", "period": "2025"})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/{report.pk}/"
    assert report.status == ReportStatus.QUEUED and report.district is None

    # While queued, the progress part polls itself every 2 s.
    page = html(client.get(response.url))
    assert f'hx-get="/reports/{report.pk}/progress/"' in page and 'hx-trigger="every 2s"' in page
    assert "/docx/" not in page

    for callback in queued:
        callback()  # the compile (eager)
    partial = html(client.get(f"/reports/{report.pk}/progress/"))
    assert "hx-trigger" not in partial  # done: polling stops
    assert f"/reports/{report.pk}/xlsx/" in partial and f"/reports/{report.pk}/docx/" in partial
    assert "<html" not in partial

    workbook = download(client, f"/reports/{report.pk}/xlsx/")
    assert workbook.status_code == 200 and workbook.body.startswith(b"PK")
    assert workbook["Content-Disposition"].startswith('attachment; filename="bao-cao-nam-2025')


def test_a_wrong_kind_for_the_period_is_shown_on_the_form(client, reviewer, periods, hcmc):
    client.force_login(reviewer)
    page = html(client.post("/reports/request/", {"kind": "quarterly", "period": "2025"}))
    assert "invalid-feedback" in page
    assert not Report.objects.exists()


def test_an_officer_compiles_their_own_districts_report(
    client, officer_1, periods, hcmc, django_capture_on_commit_callbacks
):
    client.force_login(officer_1)
    form = html(client.get("/reports/request/"))
    assert 'name="district"' not in form and "Quận 1" in form
    with django_capture_on_commit_callbacks(execute=True):
        # A district in the request is ignored: the officer's report is their district's.
        client.post(
            "/reports/request/", {"kind": "monthly", "period": "2025-M07", "district": "770"}
        )
    report = Report.objects.get()
    assert report.district == officer_1.unit and report.status == ReportStatus.DONE


def test_api_consumers_cannot_request_from_the_pages(client, api_consumer, periods):
    client.force_login(api_consumer)
    assert client.get("/reports/request/").status_code == 403
    assert client.post("/reports/request/", {"kind": "yearly", "period": "2025"}).status_code == 403


@pytest.fixture
def archive(compile_report, reviewer, district_1, district_3, periods):
    made = [
        compile_report(user=reviewer, kind="yearly", period=periods["2025"]),
        compile_report(user=reviewer, kind="yearly", period=periods["2024"]),
        compile_report(user=reviewer, kind="quarterly", period=periods["2025-Q3"]),
        compile_report(
            user=reviewer, kind="monthly", period=periods["2025-M07"], district=district_1
        ),
        compile_report(user=reviewer, kind="yearly", period=periods["2025"], district=district_3),
    ]
    Report.objects.filter(pk=made[2].pk).update(status=ReportStatus.FAILED, error="boom")
    return made


def download(client, url: str):
    """GET a file download; reading the whole body closes the file (the test client does)."""
    response = client.get(url)
    if response.status_code == 200:
        response.body = b"".join(response.streaming_content)
    return response


def rows(page: str) -> list[str]:
    return re.findall(r'<a href="/reports/(\d+)/">', page)


def test_the_archive_filters_by_kind_year_status_and_district(client, reviewer, archive):
    client.force_login(reviewer)
    assert len(rows(html(client.get("/reports/")))) == 5
    assert len(rows(html(client.get("/reports/", {"kind": "yearly"})))) == 3
    assert len(rows(html(client.get("/reports/", {"year": 2024})))) == 1
    failed = rows(html(client.get("/reports/", {"status": "failed"})))
    assert failed == [str(archive[2].pk)]
    assert rows(html(client.get("/reports/", {"district": "760"}))) == [str(archive[3].pk)]
    assert len(rows(html(client.get("/reports/", {"district": "city"})))) == 3
    page = html(client.get("/reports/", {"kind": "yearly", "year": 2025}))
    assert len(rows(page)) == 2 and 'value="yearly" selected' in page


def test_an_officer_sees_and_downloads_only_their_districts_reports(client, officer_1, archive):
    client.force_login(officer_1)
    assert rows(html(client.get("/reports/"))) == [str(archive[3].pk)]
    own, other, city = archive[3], archive[4], archive[0]
    assert download(client, f"/reports/{own.pk}/docx/").status_code == 200
    for report in (other, city):
        assert client.get(f"/reports/{report.pk}/").status_code == 404
        assert client.get(f"/reports/{report.pk}/xlsx/").status_code == 404
        assert client.get(f"/reports/{report.pk}/docx/").status_code == 404
        assert client.get(f"/reports/{report.pk}/progress/").status_code == 404
        assert client.post(f"/reports/{report.pk}/compile/").status_code == 404
    assert client.get(f"/reports/{own.pk}/pdf/").status_code == 404


def test_compile_again_requeues_the_report(
    client, reviewer, archive, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    failed = archive[2]
    page = html(client.get(f"/reports/{failed.pk}/"))
    assert "boom" in page and f'action="/reports/{failed.pk}/compile/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{failed.pk}/compile/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == ReportStatus.DONE and failed.error == ""
    assert Report.objects.count() == 5
    assert client.get(f"/reports/{failed.pk}/compile/").status_code == 405


def test_archive_query_count_does_not_grow_with_reports(
    client, reviewer, district_1, periods, compile_report
):
    client.force_login(reviewer)
    compile_report(user=reviewer, kind="yearly", period=periods["2025"])
    with CaptureQueriesContext(connection) as small:
        html(client.get("/reports/"))
    months = [
        ReportingPeriod.objects.get_or_create_for(kind="month", year=2025, number=n)
        for n in range(1, 13)
    ]
    for month in months:
        Report.objects.create(kind="monthly", period=month, status=ReportStatus.DONE)
        Report.objects.create(
            kind="monthly", period=month, district=district_1, requested_by=reviewer
        )
    with CaptureQueriesContext(connection) as large:
        page = html(client.get("/reports/"))
    assert len(rows(page)) == 25  # a full page
    assert len(large) == len(small)
