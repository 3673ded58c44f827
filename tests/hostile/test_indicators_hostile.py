"""Hostile input against the indicator pages, their Excel round trip, the framework import and
the submissions API."""

import io
import unicodedata
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from indicators import services
from indicators.imports import values_template_xlsx
from indicators.models import Framework, Indicator, Submission, Value
from indicators.resources import FrameworkResource, PortalXLSX
from learningcity.models import ReportingPeriod
from tests.factories import UserFactory

from .conftest import (
    ESCAPED_SCRIPT,
    EXECUTABLE,
    SCRIPT,
    SQL,
    ZERO_WIDTH_NFD,
    api_as,
    assert_unchanged,
    fake_pdf,
    garbage_xlsx,
    oversized_pdf,
    zip_bomb_xlsx,
)

pytestmark = pytest.mark.usefixtures("english", "media_in_tmp")

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PAGE = "/indicators/districts/760/2025/"
NAME = unicodedata.normalize("NFC", "Nguyễn Văn An")
CODE_COLUMN, VALUE_COLUMN, NOTE_COLUMN = 1, 4, 7  # columns of the values template (1-based)


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def submission(officer_1, year_2025):
    return services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)


def value_of(submission, code: str) -> Value:
    return Value.objects.get(submission=submission, indicator__code=code)


def snapshot(submission) -> list:
    """What the district has entered, to prove a refused write changed nothing."""
    submission.refresh_from_db()
    values = submission.values.order_by("indicator__code").values_list(
        "indicator__code", "value", "numerator", "denominator", "note", "evidence", "review_comment"
    )
    return [submission.status, submission.version, submission.review_comment, *values]


def save_form(submission, **changes) -> dict:
    return {"action": "save", "version": submission.version, **changes}


def complete(officer, submission) -> Submission:
    """Every value the district enters, filled in plausibly."""
    entries = {}
    for indicator in Indicator.objects.filter(computed="", area__group__framework__is_current=True):
        if indicator.is_ratio:
            entries[indicator.code] = services.Entry(numerator=45, denominator=90)
        else:
            entries[indicator.code] = services.Entry(value=1)
    return services.values_save(user=officer, submission=submission, entries=entries)


def filled_template(submission, **cells_by_code) -> SimpleUploadedFile:
    """The submission's own template with cells changed: WB2_2={VALUE_COLUMN: 10}."""
    workbook = load_workbook(io.BytesIO(values_template_xlsx(submission=submission)))
    sheet = workbook["Chỉ số"]
    rows = {sheet.cell(row, CODE_COLUMN).value: row for row in range(2, sheet.max_row + 1)}
    for key, cells in cells_by_code.items():
        for column, value in cells.items():
            sheet.cell(rows[key.replace("_", ".")], column).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("chi-so.xlsx", buffer.getvalue())


# --- the values form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"WB2_2-value": "mười hai"},
        {"WB2_2-value": "NaN"},
        {"WB2_2-value": "-Infinity"},
        {"WB2_2-value": "9" * 40},
        {"WB2_2-value": "1e999999"},
        {"WB2_2-value": "-5"},
        {"WB2_2-value": "2,5"},
        {"FC3_1-value": "1500.5"},
        {"BB5_2-value": "100,5"},
        {"WB1_1-numerator": "5", "WB1_1-denominator": "0"},
        {"WB1_1-numerator": "9", "WB1_1-denominator": "3"},
        {"WB1_1-numerator": "5"},
        {"WB2_2-value": "12", "WB2_2-note": "x" * 2001},
        {"WB2_2-value": "12", "version": ""},
        {"WB2_2-value": "12", "version": "ba"},
    ],
    ids=[
        "words",
        "nan",
        "infinity",
        "too-many-digits",
        "huge-exponent",
        "negative",
        "fraction-of-a-count",
        "fraction-of-a-dong",
        "score-over-100",
        "zero-denominator",
        "numerator-over-denominator",
        "denominator-missing",
        "note-too-long",
        "version-missing",
        "version-wrong-type",
    ],
)
def test_values_form_refuses_bad_values(client, officer_1, submission, table_counts, changes):
    client.force_login(officer_1)
    before, entered = table_counts(), snapshot(submission)
    response = client.post(PAGE, save_form(submission, **changes))
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


@pytest.mark.parametrize("make_file", ["fake", "oversized"])
def test_evidence_is_checked_by_content_and_size(
    client, officer_1, submission, table_counts, settings, media_in_tmp, make_file
):
    client.force_login(officer_1)
    upload = fake_pdf() if make_file == "fake" else oversized_pdf(settings)
    before, entered = table_counts(), snapshot(submission)
    response = client.post(
        PAGE, save_form(submission, **{"WB2_2-value": "12", "WB2_2-evidence": upload})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not what its name says" in html or "the limit is" in html
    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*.*"))


def test_stale_values_form_is_refused(client, officer_1, submission):
    client.force_login(officer_1)
    stale = save_form(submission)
    assert client.post(PAGE, {**stale, "WB2_2-value": "11"}).status_code == 302
    response = client.post(PAGE, {**stale, "WB2_2-value": "22"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert value_of(submission, "WB2.2").value == 11


def test_text_is_stored_clean_and_rendered_escaped(client, officer_1, reviewer, submission):
    client.force_login(officer_1)
    form = save_form(
        submission,
        **{
            "WB2_2-value": "12",
            "WB2_2-note": ZERO_WIDTH_NFD,
            "WB3_1-value": "3",
            "WB3_1-note": SCRIPT,
            "BB6_1-value": "4",
            "BB6_1-note": SQL,
        },
    )
    assert client.post(PAGE, form).status_code == 302
    assert value_of(submission, "WB2.2").note == NAME
    assert value_of(submission, "WB3.1").note == SCRIPT
    assert value_of(submission, "BB6.1").note == SQL

    html = client.get(PAGE).content.decode()  # the notes in their text areas
    assert SCRIPT not in html and ESCAPED_SCRIPT in html

    submission = services.submission_submit(
        user=officer_1, submission=complete_keeping_notes(officer_1, submission)
    )
    client.force_login(reviewer)
    detail = f"/indicators/submissions/{submission.pk}/"
    html = client.get(detail).content.decode()
    assert SCRIPT not in html and ESCAPED_SCRIPT in html
    assert "&#x27;; DROP TABLE" in html

    # The Department's comments come back to the district escaped as well.
    response = client.post(
        detail, {"decision": "return", "comment": SCRIPT, "WB2_2-comment": SCRIPT}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.review_comment == SCRIPT
    assert value_of(submission, "WB2.2").review_comment == SCRIPT
    client.force_login(officer_1)
    for url in (PAGE, detail):
        html = client.get(url).content.decode()
        assert SCRIPT not in html and ESCAPED_SCRIPT in html


def complete_keeping_notes(officer, submission) -> Submission:
    """Fill in what is still empty, keeping the values and notes already entered."""
    entries = {}
    for value in submission.values.select_related("indicator").filter(indicator__computed=""):
        if value.value is not None:
            continue
        if value.indicator.is_ratio:
            entries[value.indicator.code] = services.Entry(numerator=45, denominator=90)
        else:
            entries[value.indicator.code] = services.Entry(value=1)
    return services.values_save(user=officer, submission=submission, entries=entries)


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/districts/760/2025-13/",
        "/indicators/districts/760/99999/",
        "/indicators/districts/760/2025%00/",
        "/indicators/districts/999/2025/",
        "/indicators/districts/760%00/2025/",
    ],
    ids=["month-13", "year-out-of-range", "nul-in-period", "unknown-district", "nul-in-district"],
)
def test_unknown_periods_and_districts_answer_404(client, officer_1, table_counts, url):
    client.force_login(officer_1)
    before = table_counts()
    response = client.post(url, {"action": "start"})
    assert response.status_code in (400, 404)
    assert_unchanged(before, table_counts())
    assert not Submission.objects.exists()


# --- the Excel round trip ------------------------------------------------------------------------


def import_url(submission) -> str:
    return f"/indicators/submissions/{submission.pk}/import/"


@pytest.mark.parametrize("make_file", ["zip-bomb", "garbage", "executable", "fake-pdf-name"])
def test_values_import_refuses_bad_spreadsheets(
    client, officer_1, submission, table_counts, settings, make_file
):
    files = {
        "zip-bomb": lambda: zip_bomb_xlsx(settings),
        "garbage": garbage_xlsx,
        "executable": lambda: SimpleUploadedFile("chi-so.xlsx", EXECUTABLE),
        "fake-pdf-name": fake_pdf,
    }
    client.force_login(officer_1)
    before, entered = table_counts(), snapshot(submission)
    response = client.post(import_url(submission), {"upload": files[make_file]()})
    html = response.content.decode()
    assert response.status_code == 200
    assert any(
        message in html
        for message in (
            "unpacks to more data than the portal accepts",
            "is not what its name says",
            "Only these file types are accepted",
        )
    ), html
    assert "token" not in response.context or not response.context["token"]
    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


@pytest.mark.parametrize(
    "cells",
    [
        {"WB2_2": {VALUE_COLUMN: "mười hai"}},
        {"WB2_2": {VALUE_COLUMN: -4}},
        {"WB2_2": {VALUE_COLUMN: 10**20}},
        {"BB5_2": {VALUE_COLUMN: 250}},
        {"WB2_2": {VALUE_COLUMN: 12, NOTE_COLUMN: "x" * 2001}},
        {"WB2_2": {CODE_COLUMN: "'; DROP TABLE indicators_value; --", VALUE_COLUMN: 3}},
    ],
    ids=["words", "negative", "too-large", "score-over-100", "note-too-long", "sql-as-code"],
)
def test_values_import_refuses_bad_rows_and_writes_nothing(
    client, officer_1, submission, table_counts, cells
):
    client.force_login(officer_1)
    before, entered = table_counts(), snapshot(submission)
    response = client.post(import_url(submission), {"upload": filled_template(submission, **cells)})
    assert response.status_code == 200
    assert response.context["outcome"].errors or response.context["outcome"].file_errors
    assert not response.context.get("token")
    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


def test_imported_text_is_stored_clean_and_previewed_escaped(client, officer_1, submission):
    client.force_login(officer_1)
    upload = filled_template(
        submission,
        WB2_2={VALUE_COLUMN: 12, NOTE_COLUMN: SCRIPT},
        WB3_1={VALUE_COLUMN: 3, NOTE_COLUMN: ZERO_WIDTH_NFD},
        BB6_1={VALUE_COLUMN: 4, NOTE_COLUMN: SQL},
    )
    response = client.post(import_url(submission), {"upload": upload})
    html = response.content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    token = response.context["token"]
    assert client.post(import_url(submission), {"token": token}).status_code == 302
    assert value_of(submission, "WB2.2").note == SCRIPT
    assert value_of(submission, "WB3.1").note == NAME
    assert value_of(submission, "BB6.1").note == SQL


def test_import_tokens_cannot_be_forged_or_replayed(
    client, officer_1, district_1, submission, table_counts
):
    client.force_login(officer_1)
    response = client.post(
        import_url(submission), {"upload": filled_template(submission, WB2_2={VALUE_COLUMN: 12})}
    )
    token = response.context["token"]
    other = services.submission_open(
        user=officer_1,
        district=district_1,
        period=ReportingPeriod.objects.get_or_create_for(kind="year", year=2024),
    )
    colleague = UserFactory(role=officer_1.role, unit=district_1, username="officer_q1_b")
    colleague_client = Client()
    colleague_client.force_login(colleague)
    before, entered = table_counts(), snapshot(submission)

    forged = client.post(import_url(submission), {"token": token[:-4] + "AAAA"})
    assert forged.status_code == 302  # "the preview has expired": upload again
    assert client.post(import_url(other), {"token": token}).status_code == 403
    assert colleague_client.post(import_url(submission), {"token": token}).status_code == 403

    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


# --- another district's submission ---------------------------------------------------------------


def test_another_districts_submission_is_out_of_reach(
    client, officer_1, officer_3, submission, table_counts
):
    services.values_save(
        user=officer_1,
        submission=submission,
        entries={"WB2.2": services.Entry(value=5, evidence=SimpleUploadedFile("a.pdf", PDF))},
    )
    evidence = value_of(submission, "WB2.2")
    client.force_login(officer_3)
    before, entered = table_counts(), snapshot(submission)
    pk = submission.pk
    refused = [
        ("get", PAGE, None, 403),
        ("post", PAGE, {**save_form(submission), "WB2_2-value": "99"}, 403),
        ("post", PAGE, {"action": "start"}, 403),
        ("get", f"/indicators/submissions/{pk}/", None, 404),
        ("post", f"/indicators/submissions/{pk}/", {"decision": "approve"}, 404),
        ("get", f"/indicators/submissions/{pk}/template.xlsx", None, 404),
        ("get", import_url(submission), None, 404),
        ("post", import_url(submission), {"upload": garbage_xlsx()}, 404),
        ("get", f"/indicators/values/{evidence.pk}/evidence/", None, 404),
    ]
    for method, url, data, status in refused:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == status, (method, url, response.status_code)

    api = api_as(officer_3)
    base = f"/api/v1/submissions/{pk}/"
    assert api.get(base).status_code == 404
    assert (
        api.patch(
            f"{base}values/", {"values": [{"indicator": "WB2.2", "value": 99}]}, format="json"
        ).status_code
        == 404
    )
    for step in ("submit", "revise", "approve", "return"):
        assert api.post(f"{base}{step}/", {"comment": "x"}, format="json").status_code == 404, step
    opened = api.post("/api/v1/submissions/", {"district": "760", "period": "2025"}, format="json")
    assert opened.status_code == 403

    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


def test_the_api_consumer_opens_on_pages_only_what_its_api_shows(
    client, officer_1, reviewer, api_consumer, submission
):
    """The consumer reads approved values: a submission under review or returned to the
    district, and its evidence, are as closed on the pages as through the API (404)."""
    services.values_save(
        user=officer_1,
        submission=complete(officer_1, submission),
        entries={"WB2.2": services.Entry(value=5, evidence=SimpleUploadedFile("a.pdf", PDF))},
    )
    evidence = value_of(submission, "WB2.2")
    submission = services.submission_submit(user=officer_1, submission=submission)
    client.force_login(api_consumer)
    api = api_as(api_consumer)
    detail = f"/indicators/submissions/{submission.pk}/"
    download = f"/indicators/values/{evidence.pk}/evidence/"

    def status_of(url) -> int:
        response = client.get(url)
        if response.streaming:
            assert b"".join(response.streaming_content) == PDF  # read to the end: closed
        return response.status_code

    def closed():
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404
        assert detail not in client.get("/indicators/submissions/").content.decode()
        assert api.get(f"/api/v1/submissions/{submission.pk}/").status_code == 404

    closed()  # submitted, under review
    submission = services.submission_return(
        user=reviewer, submission=submission, comment="Thiếu minh chứng"
    )
    closed()  # returned to the district
    # The reviewer still reads both; once approved, the consumer does too.
    client.force_login(reviewer)
    assert client.get(detail).status_code == 200 and status_of(download) == 200
    submission = services.submission_submit(user=officer_1, submission=submission)
    services.submission_approve(user=reviewer, submission=submission)
    client.force_login(api_consumer)
    assert client.get(detail).status_code == 200 and status_of(download) == 200
    assert api.get(f"/api/v1/submissions/{submission.pk}/").status_code == 200


def test_a_district_officer_cannot_review_their_own_values(client, officer_1, submission):
    submission = services.submission_submit(
        user=officer_1, submission=complete(officer_1, submission)
    )
    entered = snapshot(submission)
    client.force_login(officer_1)
    detail = f"/indicators/submissions/{submission.pk}/"
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    api = api_as(officer_1)
    assert (
        api.post(f"/api/v1/submissions/{submission.pk}/approve/", {}, format="json").status_code
        == 404
    )
    assert snapshot(submission) == entered


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"values": "WB2.2=12"},
        {"values": {"WB2.2": 12}},
        {"values": [["WB2.2", 12]]},
        {"values": [{"indicator": 22, "value": 12}]},
        {"values": [{"indicator": ["WB2.2"], "value": 12}]},
        {"values": [{"indicator": "WB2.2", "value": True}]},
        {"values": [{"indicator": "WB2.2", "value": {"số": 12}}]},
        {"values": [{"indicator": "WB2.2", "value": "NaN"}]},
        {"values": [{"indicator": "WB2.2", "value": "Infinity"}]},
        {"values": [{"indicator": "WB2.2", "value": 1e30}]},
        {"values": [{"indicator": "WB2.2", "value": "1e999999"}]},
        {"values": [{"indicator": "WB2.2", "value": -1}]},
        {"values": [{"indicator": "BB5.2", "value": 100.5}]},
        {"values": [{"indicator": "WB1.1", "numerator": 3, "denominator": 0}]},
        {"values": [{"indicator": "WB1.1", "value": 50}]},
        {"values": [{"indicator": "KHÔNG.CÓ", "value": 1}]},
        {"values": [{"indicator": "WB2.2\x00", "value": 1}]},
        {"values": [{"indicator": "WB2.2", "value": 1, "note": "x" * 2001}]},
        {"values": [{"indicator": "WB2.2", "value": 1, "note": "a\x00b"}]},
        {"values": [{"indicator": "WB2.2", "value": 1}, {"indicator": "WB2.2", "value": 2}]},
        {"values": [{"indicator": "WB2.2", "value": 1}, {"indicator": "WB1.1", "value": 1}]},
        {"version": "ba", "values": [{"indicator": "WB2.2", "value": 1}]},
        {"version": 0, "values": [{"indicator": "WB2.2", "value": 1}]},
    ],
    ids=[
        "empty",
        "string",
        "object",
        "nested-lists",
        "code-as-number",
        "code-as-list",
        "boolean",
        "object-value",
        "nan",
        "infinity",
        "too-many-digits",
        "huge-exponent",
        "negative",
        "score-over-100",
        "zero-denominator",
        "ratio-without-parts",
        "unknown-code",
        "nul-in-code",
        "note-too-long",
        "nul-in-note",
        "repeated-code",
        "one-bad-of-two",
        "version-wrong-type",
        "version-zero",
    ],
)
def test_api_refuses_malformed_values(officer_1, submission, table_counts, body):
    before, entered = table_counts(), snapshot(submission)
    response = api_as(officer_1).patch(
        f"/api/v1/submissions/{submission.pk}/values/", body, format="json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


def test_api_refuses_bodies_that_are_not_json(officer_1, submission, table_counts):
    api = api_as(officer_1)
    url = f"/api/v1/submissions/{submission.pk}/values/"
    before = table_counts()
    assert api.patch(url, "{values: [", content_type="application/json").status_code == 400
    assert api.patch(url, {"values": "x"}, format="multipart").status_code == 415
    for raw in (  # lone surrogates: JSON allows them, no database text does
        '{"values": [{"indicator": "WB2.2", "value": 1, "note": "\\ud800"}]}',
        '{"values": [{"indicator": "WB2.2", "value": "\\udfff"}]}',
        '{"values": [{"indicator": "\\ud800", "value": 1}]}',
    ):
        response = api.patch(url, raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.content)
    assert_unchanged(before, table_counts())


def test_api_stale_values_answer_409(officer_1, submission):
    api = api_as(officer_1)
    url = f"/api/v1/submissions/{submission.pk}/values/"
    version = submission.version
    first = api.patch(
        url, {"version": version, "values": [{"indicator": "WB2.2", "value": 11}]}, format="json"
    )
    assert first.status_code == 200
    second = api.patch(
        url, {"version": version, "values": [{"indicator": "WB2.2", "value": 22}]}, format="json"
    )
    assert second.status_code == 409
    assert value_of(submission, "WB2.2").value == 11


def test_api_text_is_stored_clean(officer_1, submission):
    body = {
        "version": submission.version,
        "values": [
            {"indicator": "WB2.2", "value": "12", "note": ZERO_WIDTH_NFD},
            {"indicator": "WB3.1", "value": 3, "note": SCRIPT},
            {"indicator": "BB6.1", "value": 4, "note": SQL},
        ],
    }
    response = api_as(officer_1).patch(
        f"/api/v1/submissions/{submission.pk}/values/", body, format="json"
    )
    assert response.status_code == 200
    assert value_of(submission, "WB2.2").note == NAME
    assert value_of(submission, "WB3.1").note == SCRIPT
    assert value_of(submission, "BB6.1").note == SQL


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"district": "760"},
        {"district": "760", "period": "2025-13"},
        {"district": "760", "period": "99999"},
        {"district": "760", "period": 2025.5},
        {"district": "760", "period": ["2025"]},
        {"district": "760", "period": "2025\x00"},
        {"district": "760\x00", "period": "2025"},
        {"district": "999", "period": "2025"},
        {"district": {"code": "760"}, "period": "2025"},
    ],
    ids=[
        "empty",
        "period-missing",
        "month-13",
        "year-out-of-range",
        "period-as-fraction",
        "period-as-list",
        "nul-in-period",
        "nul-in-district",
        "unknown-district",
        "district-as-object",
    ],
)
def test_api_open_refuses_bad_periods_and_districts(officer_1, year_2025, table_counts, body):
    before = table_counts()
    response = api_as(officer_1).post("/api/v1/submissions/", body, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"comment": ["x"]},
        {"comment": "x" * 4001},
        {"value_comments": ["WB2.2"]},
        {"value_comments": {"WB2.2": {"x": 1}}},
        {"value_comments": {"KHÔNG.CÓ": "x"}},
        {"comment": "a\x00b"},
    ],
    ids=[
        "no-comment",
        "comment-as-list",
        "comment-too-long",
        "value-comments-as-list",
        "value-comment-as-object",
        "unknown-code",
        "nul-in-comment",
    ],
)
def test_api_return_refuses_bad_comments(officer_1, reviewer, submission, table_counts, body):
    submission = services.submission_submit(
        user=officer_1, submission=complete(officer_1, submission)
    )
    before, entered = table_counts(), snapshot(submission)
    response = api_as(reviewer).post(
        f"/api/v1/submissions/{submission.pk}/return/", body, format="json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())
    assert snapshot(submission) == entered


def test_api_review_of_a_stale_state_answers_409(officer_1, reviewer, submission):
    submission = services.submission_submit(
        user=officer_1, submission=complete(officer_1, submission)
    )
    api = api_as(reviewer)
    assert (
        api.post(f"/api/v1/submissions/{submission.pk}/approve/", {}, format="json").status_code
        == 200
    )
    again = api.post(
        f"/api/v1/submissions/{submission.pk}/return/", {"comment": "Sửa lại"}, format="json"
    )
    assert again.status_code == 409
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.review_comment == ""


# --- the framework import (Department administrator) ---------------------------------------------


def framework_state() -> list:
    return list(
        Indicator.objects.order_by("pk").values_list(
            "code", "name", "name_en", "unit", "baseline", "order", "area_id"
        )
    )


def admin_import(client, upload):
    return client.post(
        "/admin/indicators/indicator/import/",
        {"format": "0", "resource": "0", "framework": "", "import_file": upload},
    )


@pytest.mark.parametrize("make_file", ["zip-bomb", "garbage", "executable"])
def test_framework_import_refuses_bad_spreadsheets(
    client, admin_user, table_counts, settings, make_file
):
    files = {
        "zip-bomb": lambda: zip_bomb_xlsx(settings),
        "garbage": garbage_xlsx,
        "executable": lambda: SimpleUploadedFile("bo-chi-so.xlsx", EXECUTABLE),
    }
    client.force_login(admin_user)
    before, state = table_counts(), framework_state()
    response = admin_import(client, files[make_file]())
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    assert_unchanged(before, table_counts())
    assert framework_state() == state


def edited_framework(changes: dict[str, dict[str, object]]) -> SimpleUploadedFile:
    content = PortalXLSX().export_data(FrameworkResource().export())
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for column, value in changes.get(row[header.index("Mã chỉ số")].value, {}).items():
            row[header.index(column)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("bo-chi-so.xlsx", buffer.getvalue())


@pytest.mark.parametrize(
    "changes",
    [
        {"WB2.2": {"Đơn vị tính": "lít"}},
        {"WB2.2": {"Giá trị cơ sở": "NaN"}},
        {"WB2.2": {"Giá trị cơ sở": "1e999999"}},
        {"WB2.2": {"Năm cơ sở": 99999}},
        {"WB2.2": {"Chỉ tiêu": "3000:70"}},
        {"WB2.2": {"Chỉ tiêu": "2025:70; 2025:80"}},
        {"WB2.2": {"Thứ tự": -1}},
        {"WB2.2": {"Tên chỉ số": "x" * 301}},
        {"WB2.2": {"Tên chỉ số": ""}},
        {"WB2.2": {"Tự tính từ": SQL}},
    ],
    ids=[
        "unknown-unit",
        "nan-baseline",
        "huge-baseline",
        "baseline-year-out-of-range",
        "target-year-out-of-range",
        "target-year-twice",
        "negative-order",
        "name-too-long",
        "name-missing",
        "sql-as-source",
    ],
)
def test_framework_import_refuses_bad_rows(client, admin_user, table_counts, changes):
    client.force_login(admin_user)
    before, state = table_counts(), framework_state()
    response = admin_import(client, edited_framework(changes))
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    assert_unchanged(before, table_counts())
    assert framework_state() == state


def test_framework_import_keeps_text_clean_and_escaped(client, admin_user):
    client.force_login(admin_user)
    response = admin_import(
        client,
        edited_framework(
            {"WB2.2": {"Tên chỉ số": SCRIPT}, "WB3.1": {"Tên chỉ số (tiếng Anh)": ZERO_WIDTH_NFD}}
        ),
    )
    html = response.content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html  # the preview
    confirm = response.context["confirm_form"]
    data = {name: confirm.initial.get(name) or "" for name in confirm.fields}
    assert client.post("/admin/indicators/indicator/process_import/", data).status_code == 302
    assert Indicator.objects.get(code="WB2.2").name == SCRIPT
    assert Indicator.objects.get(code="WB3.1").name_en == NAME
    client.logout()


@pytest.mark.parametrize(
    "version", ["x" * 500, "2025.1\x00", "current"], ids=["too-long", "nul", "taken"]
)
def test_new_framework_version_refuses_bad_names(client, admin_user, table_counts, version):
    framework = Framework.objects.get(is_current=True)
    if version == "current":
        version = f" {framework.version} "
    client.force_login(admin_user)
    before = table_counts()
    response = client.post(
        "/admin/indicators/framework/",
        {"action": "create_new_version", "_selected_action": [framework.pk], "version": version},
        follow=True,
    )
    assert response.status_code == 200  # back on the list: the action form or the service refused
    if version.strip() == framework.version:
        assert "already exists" in response.content.decode()
    assert_unchanged(before, table_counts())
    assert Framework.objects.get(is_current=True) == framework


def test_new_framework_version_keeps_a_strange_name_as_typed(client, admin_user):
    framework = Framework.objects.get(is_current=True)
    client.force_login(admin_user)
    response = client.post(
        "/admin/indicators/framework/",
        {"action": "create_new_version", "_selected_action": [framework.pk], "version": "1';--"},
    )
    assert response.status_code == 302
    assert Framework.objects.get(is_current=True).version == "1';--"
    html = client.get("/admin/indicators/framework/").content.decode()
    assert "1&#x27;;--" in html


def test_values_keep_their_precision(officer_1, submission):
    """A sanity check for the refusals above: a plain value is accepted and stored exactly."""
    response = api_as(officer_1).patch(
        f"/api/v1/submissions/{submission.pk}/values/",
        {"version": submission.version, "values": [{"indicator": "BB5.2", "value": "99,5"}]},
        format="json",
    )
    assert response.status_code == 200
    assert value_of(submission, "BB5.2").value == Decimal("99.5")
