"""Hostile input against periodic reports: the request form and API, other districts' reports
and files, and the text of the districts compiled into the XLSX and DOCX files."""

import datetime
import unicodedata

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from districts import services as district_services
from districts.models import InterimReview
from learningcity.models import ReportingPeriod
from learningcity.reports import services
from learningcity.reports.models import Report

from .conftest import SCRIPT, SQL, ZERO_WIDTH_NFD, api_as, assert_unchanged

pytestmark = pytest.mark.usefixtures("english", "media_in_tmp")

NAME = unicodedata.normalize("NFC", "Nguyễn Văn An")


def state(report: Report) -> tuple:
    report.refresh_from_db()
    return (
        report.status,
        report.requested_at,
        report.requested_by_id,
        report.attempts,
        report.xlsx.name,
        report.docx.name,
        report.files_at,
    )


@pytest.fixture
def periods(db):
    """The periods of tests/reports, by code."""
    return {
        code: ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)
        for code, kind, year, number in [
            ("2025", "year", 2025, 0),
            ("2025-H1", "half_year", 2025, 1),
            ("2025-M07", "month", 2025, 7),
        ]
    }


@pytest.fixture
def compile_report(django_capture_on_commit_callbacks):
    """Request a report and run the compile it queued at once, as tests/reports does."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(**kwargs)
        report.refresh_from_db()
        return report

    return run


@pytest.fixture
def district_report(compile_report, reviewer, district_1, periods):
    report = compile_report(
        user=reviewer, kind="monthly", period=periods["2025-M07"], district=district_1
    )
    assert report.status == "done" and report.xlsx and report.docx
    return report


# --- the request form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"period": "2025"},
        {"kind": "weekly", "period": "2025"},
        {"kind": "yearly", "period": "2025-13"},
        {"kind": "yearly", "period": "99999"},
        {"kind": "yearly", "period": "2025-Q3"},
        {"kind": "quarterly", "period": "2025"},
        {"kind": "yearly", "period": "2025\x00"},
        {"kind": "yearly\x00", "period": "2025"},
        {"kind": "yearly", "period": "2025", "district": "999"},
        {"kind": "yearly", "period": "2025", "district": "26734"},
        {"kind": "yearly", "period": "2025", "district": "760\x00"},
        {"kind": "yearly", "period": "'; DROP TABLE reports_report; --"},
    ],
    ids=[
        "empty",
        "kind-missing",
        "unknown-kind",
        "month-13",
        "year-out-of-range",
        "period-of-another-kind",
        "kind-of-another-period",
        "nul-in-period",
        "nul-in-kind",
        "unknown-district",
        "ward-as-district",
        "nul-in-district",
        "sql-as-period",
    ],
)
def test_request_form_refuses_bad_fields(client, reviewer, periods, table_counts, data):
    client.force_login(reviewer)
    before = table_counts()
    response = client.post("/reports/request/", data)
    assert response.status_code == 200
    html = response.content.decode()
    if data:
        assert 'class="invalid-feedback' in html or "alert-danger" in html
    assert_unchanged(before, table_counts())
    assert not Report.objects.exists()


def test_an_officer_cannot_request_another_districts_report(
    client,
    officer_1,
    periods,
    compile_report,
):
    client.force_login(officer_1)
    response = client.post(
        "/reports/request/", {"kind": "monthly", "period": "2025-M07", "district": "770"}
    )
    assert response.status_code == 302  # the district field is not theirs to choose: ignored
    assert list(Report.objects.values_list("district__code", flat=True)) == ["760"]

    api = api_as(officer_1)
    for district in ("770", None):
        body = {"kind": "monthly", "period": "2025-M07", "district": district}
        assert api.post("/api/v1/reports/", body, format="json").status_code == 403, district
    assert Report.objects.count() == 1


def test_api_consumers_only_read(api_consumer, periods, table_counts):
    before = table_counts()
    body = {"kind": "yearly", "period": "2025"}
    assert api_as(api_consumer).post("/api/v1/reports/", body, format="json").status_code == 403
    assert_unchanged(before, table_counts())


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"kind": "yearly"},
        {"kind": "weekly", "period": "2025"},
        {"kind": ["yearly"], "period": "2025"},
        {"kind": "yearly", "period": "2025-13"},
        {"kind": "yearly", "period": "99999"},
        {"kind": "yearly", "period": 2025.5},
        {"kind": "yearly", "period": ["2025"]},
        {"kind": "yearly", "period": {"code": "2025"}},
        {"kind": "quarterly", "period": "2025"},
        {"kind": "unesco", "period": "2025-H1"},
        {"kind": "yearly", "period": "2025\x00"},
        {"kind": "yearly", "period": "2025", "district": "760\x00"},
        {"kind": "yearly", "period": "2025", "district": "999"},
        {"kind": "yearly", "period": "2025", "district": "26734"},
        {"kind": "yearly", "period": "2025", "district": 760.5},
    ],
    ids=[
        "empty",
        "period-missing",
        "unknown-kind",
        "kind-as-list",
        "month-13",
        "year-out-of-range",
        "period-as-fraction",
        "period-as-list",
        "period-as-object",
        "period-of-another-kind",
        "unesco-for-a-half-year",
        "nul-in-period",
        "nul-in-district",
        "unknown-district",
        "ward-as-district",
        "district-as-fraction",
    ],
)
def test_api_request_refuses_malformed_bodies(reviewer, periods, table_counts, body):
    before = table_counts()
    response = api_as(reviewer).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400, response.content
    assert_unchanged(before, table_counts())


def test_api_request_refuses_bodies_that_are_not_json(reviewer, periods, table_counts):
    api = api_as(reviewer)
    before = table_counts()
    for raw in (
        "{kind:",
        "[]",
        '"yearly"',
        '{"kind": "yearly", "period": "\\ud800"}',  # a lone surrogate: no text at all
        '{"kind": "yearly", "period": "2025", "district": "\\udfff"}',
        b'{"kind": "yearly", "period": "2025\xff"}',
    ):
        response = api.post("/api/v1/reports/", raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.content)
    assert api.put("/api/v1/reports/1/", {}, format="json").status_code in (404, 405)
    assert_unchanged(before, table_counts())


# --- another district's reports ------------------------------------------------------------------


def test_another_districts_report_is_out_of_reach(client, officer_3, district_report, table_counts):
    client.force_login(officer_3)
    before, kept = table_counts(), state(district_report)
    pk = district_report.pk
    for method, url in [
        ("get", f"/reports/{pk}/"),
        ("get", f"/reports/{pk}/progress/"),
        ("post", f"/reports/{pk}/compile/"),
        ("get", f"/reports/{pk}/xlsx/"),
        ("get", f"/reports/{pk}/docx/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    api = api_as(officer_3)
    for url in (
        f"/api/v1/reports/{pk}/",
        f"/api/v1/reports/{pk}/xlsx/",
        f"/api/v1/reports/{pk}/docx/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.get("/api/v1/reports/", {"district": "760"}).json()["count"] == 0
    assert_unchanged(before, table_counts())
    assert state(district_report) == kept


def test_the_citys_report_is_the_departments(client, officer_3, reviewer, periods, compile_report):
    city = compile_report(user=reviewer, kind="monthly", period=periods["2025-M07"])
    kept = state(city)
    client.force_login(officer_3)
    for method, url in [
        ("get", f"/reports/{city.pk}/"),
        ("post", f"/reports/{city.pk}/compile/"),
        ("get", f"/reports/{city.pk}/docx/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert state(city) == kept


@pytest.mark.parametrize("fmt", ["pdf", "XLSX", "xlsx%00", "..%2Fxlsx", "error"], ids=str)
def test_unknown_download_formats_answer_404(client, reviewer, district_report, fmt):
    client.force_login(reviewer)
    response = client.get(f"/reports/{district_report.pk}/{fmt}/")
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"year": "hai nghìn"}, 400),
        ({"year": "99999999999999999999"}, 400),
        ({"year": "2025.5"}, 400),
        ({"kind": "weekly"}, 400),
        ({"status": SQL}, 400),
        ({"period": "2025\x00"}, 400),
        ({"district": SQL}, 200),
        ({"period": SQL}, 200),
    ],
    ids=[
        "year-in-words",
        "year-out-of-range",
        "fractional-year",
        "unknown-kind",
        "sql-as-status",
        "nul-in-period",
        "sql-as-district",
        "sql-as-period",
    ],
)
def test_archive_filters_refuse_nonsense_and_find_nothing_for_text(
    client, reviewer, district_report, query, status
):
    client.force_login(reviewer)
    assert client.get("/reports/", query).status_code in (200, 400)  # the page: its filter form
    response = api_as(reviewer).get("/api/v1/reports/", query)
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["count"] == 0  # searched as text, found nothing


# --- what districts wrote, compiled into the files -----------------------------------------------

# Pasted from Word or a PDF: a manual line break (vertical tab), a page break (form feed), other
# control characters and the non-characters no XML document may hold.
PASTED = "Dòng một\x0bDòng hai\x0cTrang sau\x01\x08\x1f\ufffe\uffffHết"


def document_text(report) -> str:
    with report.docx.open("rb") as stored:
        document = docx.Document(stored)
    return "\n".join(node.text or "" for node in document.element.body.iter(qn("w:t")))


def workbook_text(report) -> str:
    with report.xlsx.open("rb") as stored:
        book = load_workbook(stored)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_hostile_text_is_compiled_as_plain_text(
    client,
    officer_3,
    district_3,
    reviewer,
    periods,
    compile_report,
):
    client.force_login(officer_3)
    response = client.post(
        "/districts/770/review/2025-H1/",
        {
            "held_on": "2025-07-01",
            "achievements": ZERO_WIDTH_NFD,
            "difficulties": f"{SCRIPT} {PASTED}",
            "proposals": SQL,
            "version": 0,  # the empty form's: no review read
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    review = InterimReview.objects.get(district=district_3)
    assert review.achievements == NAME and review.proposals == SQL
    district_services.review_submit(user=officer_3, review=review)

    report = compile_report(user=reviewer, kind="half_yearly", period=periods["2025-H1"])
    assert report.status == "done", report.error
    assert not any(char in review.difficulties for char in "\x01\x08\x1f\ufffe\uffff")
    assert "Dòng một\nDòng hai\nTrang sau" in review.difficulties  # Word's breaks: line breaks
    assert report.error == ""
    for text in (document_text(report), workbook_text(report)):
        assert SCRIPT in text  # as the district wrote it: text, never markup
        assert SQL in text
        assert "Dòng một" in text and "Hết" in text
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 404  # the city's report: the Department's


def test_compile_again_of_a_report_being_compiled_changes_nothing(
    client, reviewer, district_report, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=district_report.pk).update(
        status="running", started_at=datetime.datetime.now(datetime.UTC)
    )
    kept = state(district_report)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert client.post(f"/reports/{district_report.pk}/compile/").status_code == 302
        response = api_as(reviewer).post(
            "/api/v1/reports/",
            {"kind": "monthly", "period": "2025-M07", "district": "760"},
            format="json",
        )
    assert response.status_code == 202 and response.json()["id"] == district_report.pk
    assert not queued  # no second job while the first one runs
    assert state(district_report) == kept and Report.objects.count() == 1
