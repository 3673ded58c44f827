"""Hostile input against the community learning centres: the registry and its Excel import,
yearly reports and their workflow, evaluations, and the API."""

import datetime
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from clc import services
from clc.choices import LearningTopic
from clc.models import MAX_VND, ActivityReport, Centre, Evaluation
from tests.clc.helpers import POINTS_GOOD, evaluate, register, report, ward
from tests.clc.test_import import row, xlsx
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
    zip_bomb_xlsx,
)

pytestmark = pytest.mark.usefixtures("english", "media_in_tmp")

NAME = unicodedata.normalize("NFC", "Nguyễn Văn An")
LAST_YEAR = timezone.localdate().year - 1
KINDS = ("classes", "sessions")


@pytest.fixture
def centre(officer_1, district_1):
    return register(officer_1, ward(district_1, 0))


@pytest.fixture
def draft(officer_1, centre):
    return report(officer_1, centre, LAST_YEAR)


def state(obj) -> tuple:
    """The row as saved, to prove a refused write changed nothing."""
    obj.refresh_from_db()
    fields = [f.attname for f in obj._meta.concrete_fields]
    return tuple(getattr(obj, name) for name in fields)


def centre_form(ward_unit=None, **changes) -> dict:
    data = {
        "name": "Trung tâm học tập cộng đồng mới",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "2010-05-12",
        "director": "Nguyễn Văn Hải",
        "phone": "028 3822 0000",
        "email": "tthtcd@example.vn",
        "address": "12 Lê Lợi",
        "rooms": "3",
        "computers": "5",
        "model_year": "",
        **changes,
    }
    if ward_unit is not None:
        data.setdefault("ward", ward_unit.pk)
    return {key: value for key, value in data.items() if value is not None}


def report_form(**changes) -> dict:
    data = {
        "participants_total": "100",
        "participants_women": "50",
        "participants_elderly": "10",
        "participants_disabled": "1",
        "funding_state": "1000000",
        "funding_social": "0",
        "funding_association": "0",
        "funding_other": "0",
        **{f"{kind}_{topic}": "0" for topic in LearningTopic.values for kind in KINDS},
        "classes_literacy": "2",
        "sessions_literacy": "10",
        "version": "0",  # the form opened on no report
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def evaluation_form(**changes) -> dict:
    data = {
        "evaluated_on": datetime.date(LAST_YEAR, 12, 20).isoformat(),
        **{f"points_{code}": str(points) for code, points in POINTS_GOOD.items()},
        "version": "0",  # the form opened on no evaluation
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


# --- the registry --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"ward": "ward-of-770"},
        {"ward": "taken"},
        {"ward": "abc"},
        {"ward": "1\x00"},
        {"ward": "99999999999999999999999"},
        {"name": ""},
        {"name": "x" * 201},
        {"name": "a\x00b"},
        {"rooms": "-1"},
        {"rooms": "ba"},
        {"rooms": "1000"},
        {"computers": "10000"},
        {"email": "không phải thư"},
        {"phone": "gọi tôi đi"},
        {"decision_date": "2024-02-30"},
        {"decision_date": "99999-01-01"},
        {"model_year": "1999"},
        {"model_year": "99999"},
    ],
    ids=[
        "ward-of-another-district",
        "ward-with-a-centre",
        "ward-wrong-type",
        "nul-in-ward",
        "ward-out-of-range",
        "name-missing",
        "name-too-long",
        "nul-in-name",
        "negative-rooms",
        "rooms-in-words",
        "too-many-rooms",
        "too-many-computers",
        "bad-email",
        "phone-in-words",
        "impossible-date",
        "date-out-of-range",
        "model-year-too-early",
        "model-year-out-of-range",
    ],
)
def test_centre_form_refuses_bad_fields(
    client, officer_1, district_1, centre, table_counts, changes
):
    if changes.get("ward") == "ward-of-770":
        changes = {"ward": ward(district_1.parent.children.get(code="770")).pk}
    elif changes.get("ward") == "taken":
        changes = {"ward": centre.ward_id}
    client.force_login(officer_1)
    before = table_counts()
    response = client.post("/clc/new/", centre_form(ward(district_1, 1), **changes))
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode()
    assert_unchanged(before, table_counts())


def test_stale_centre_edits_are_refused(client, officer_1, centre):
    client.force_login(officer_1)
    url = f"/clc/{centre.pk}/edit/"
    stale = centre_form(version=centre.version)
    assert client.post(url, {**stale, "address": "Bản A"}).status_code == 302
    response = client.post(url, {**stale, "address": "Bản B"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    centre.refresh_from_db()
    assert centre.address == "Bản A"

    kept = state(centre)
    status = client.post(f"/clc/{centre.pk}/status/", {"status": "suspended", "version": 1})
    assert status.status_code == 200
    assert "Someone else changed this record" in status.content.decode()
    garbage = client.post(f"/clc/{centre.pk}/status/", {"status": SQL, "version": centre.version})
    assert garbage.status_code == 200 and "alert-danger" in garbage.content.decode()
    assert state(centre) == kept

    api = api_as(officer_1)
    base = f"/api/v1/clc-centres/{centre.pk}/"
    assert api.patch(base, {"address": "Bản C", "version": 1}, format="json").status_code == 409
    assert api.post(f"{base}suspend/", {"version": 1}, format="json").status_code == 409
    assert api.post(f"{base}reactivate/", {}, format="json").status_code == 409  # active already
    assert state(centre) == kept


def test_centre_text_is_stored_clean_and_rendered_escaped(client, officer_1, district_1):
    client.force_login(officer_1)
    fields = ("name", "decision_number", "director", "address", "model_decision_number")
    response = client.post(
        "/clc/new/",
        centre_form(
            ward(district_1, 1),
            model_year=str(LAST_YEAR),
            model_valid_until=f"{LAST_YEAR + 3}-12-31",
            **dict.fromkeys(fields, SCRIPT),
        ),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    other = client.post(
        "/clc/new/", centre_form(ward(district_1, 2), name=ZERO_WIDTH_NFD, address=SQL)
    )
    assert other.status_code == 302
    scripted = Centre.objects.get(ward=ward(district_1, 1))
    assert all(getattr(scripted, name) == SCRIPT for name in fields)
    clean = Centre.objects.get(ward=ward(district_1, 2))
    assert clean.name == NAME and clean.name_search == "nguyen van an" and clean.address == SQL

    html = client.get(f"/clc/{scripted.pk}/").content.decode()
    assert SCRIPT not in html and html.count(ESCAPED_SCRIPT) >= len(fields)
    listing = client.get("/clc/").content.decode()
    assert SCRIPT not in listing and ESCAPED_SCRIPT in listing
    assert client.get("/clc/", {"q": SQL}).status_code == 200
    assert "&#x27;; DROP TABLE" in client.get(f"/clc/{clean.pk}/").content.decode()


# --- the Excel import ----------------------------------------------------------------------------


@pytest.mark.parametrize("make_file", ["zip-bomb", "garbage", "executable", "pdf"])
def test_centre_import_refuses_bad_spreadsheets(
    client, officer_1, centre, table_counts, settings, make_file
):
    files = {
        "zip-bomb": lambda: zip_bomb_xlsx(settings),
        "garbage": garbage_xlsx,
        "executable": lambda: SimpleUploadedFile("trung-tam.xlsx", EXECUTABLE),
        "pdf": fake_pdf,
    }
    client.force_login(officer_1)
    before, kept = table_counts(), state(centre)
    response = client.post("/clc/import/760/", {"upload": files[make_file]()})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert not outcome.is_valid and outcome.file_errors
    assert not response.context.get("token")
    assert_unchanged(before, table_counts())
    assert state(centre) == kept


@pytest.mark.parametrize(
    "values",
    [
        {"Mã phường/xã": "ward-of-770"},
        {"Mã phường/xã": "'; DROP TABLE clc_centre; --"},
        {"Số phòng học": -3},
        {"Số phòng học": "ba phòng"},
        {"Email": "không phải thư"},
        {"Ngày quyết định thành lập": "30/02/2010"},
        {"Năm công nhận TTHTCĐ điểm": 99999},
        {"Tên trung tâm": "x" * 201},
        {"Trạng thái": SQL},
    ],
    ids=[
        "ward-of-another-district",
        "sql-as-ward",
        "negative-rooms",
        "rooms-in-words",
        "bad-email",
        "impossible-date",
        "year-out-of-range",
        "name-too-long",
        "unknown-status",
    ],
)
def test_centre_import_refuses_bad_rows_and_writes_nothing(
    client, officer_1, district_1, centre, table_counts, values
):
    if values.get("Mã phường/xã") == "ward-of-770":
        values = {"Mã phường/xã": ward(district_1.parent.children.get(code="770")).code}
    client.force_login(officer_1)
    before, kept = table_counts(), state(centre)
    upload = xlsx([row(ward(district_1, 1)), row(ward(district_1, 2), **values)])
    response = client.post("/clc/import/760/", {"upload": upload})
    assert response.status_code == 200
    assert not response.context["outcome"].is_valid
    assert not response.context.get("token")
    assert_unchanged(before, table_counts())
    assert state(centre) == kept


def test_imported_text_is_stored_clean_and_previewed_escaped(client, officer_1, district_1):
    client.force_login(officer_1)
    upload = xlsx(
        [
            row(ward(district_1, 1), **{"Tên trung tâm": SCRIPT, "Địa chỉ": SQL}),
            row(ward(district_1, 2), **{"Tên trung tâm": ZERO_WIDTH_NFD}),
        ]
    )
    response = client.post("/clc/import/760/", {"upload": upload})
    html = response.content.decode()
    assert SCRIPT not in html and "&lt;script&gt;" in html
    token = response.context["token"]
    assert client.post("/clc/import/760/", {"token": token}).status_code == 302
    assert Centre.objects.get(ward=ward(district_1, 1)).name == SCRIPT
    assert Centre.objects.get(ward=ward(district_1, 1)).address == SQL
    assert Centre.objects.get(ward=ward(district_1, 2)).name == NAME


def test_import_tokens_cannot_be_forged_or_replayed(client, officer_1, district_1, table_counts):
    client.force_login(officer_1)
    response = client.post("/clc/import/760/", {"upload": xlsx([row(ward(district_1, 1))])})
    token = response.context["token"]
    colleague = Client()
    colleague.force_login(UserFactory(role=officer_1.role, unit=district_1, username="q1_b"))
    before = table_counts()
    assert client.post("/clc/import/760/", {"token": token[:-4] + "AAAA"}).status_code == 302
    assert colleague.post("/clc/import/760/", {"token": token}).status_code == 403
    assert client.post("/clc/import/770/", {"token": token}).status_code == 403
    assert_unchanged(before, table_counts())
    assert not Centre.objects.exists()


# --- another district's centre -------------------------------------------------------------------


def test_another_districts_centre_is_out_of_reach(
    client, officer_1, officer_3, centre, draft, table_counts
):
    services.report_submit(user=officer_1, report=draft)
    evaluation = evaluate(
        officer_1, centre, LAST_YEAR, evaluated_on=datetime.date(LAST_YEAR, 12, 1)
    )
    client.force_login(officer_3)
    before = table_counts()
    kept = (state(centre), state(draft), state(evaluation))
    pk, year = centre.pk, LAST_YEAR
    refused = [
        ("get", f"/clc/{pk}/", None, 404),
        ("get", f"/clc/{pk}/edit/", None, 404),
        ("post", f"/clc/{pk}/edit/", centre_form(version=centre.version), 404),
        ("post", f"/clc/{pk}/status/", {"status": "suspended", "version": 1}, 404),
        ("post", f"/clc/{pk}/reports/{year}/", report_form(), 404),
        ("post", f"/clc/{pk}/evaluations/{year}/", evaluation_form(), 404),
        ("get", f"/clc/reports/{draft.pk}/", None, 404),
        ("post", f"/clc/reports/{draft.pk}/submit/", {"x": "1"}, 404),
        ("post", f"/clc/reports/{draft.pk}/decide/", {"decision": "accept"}, 404),
        ("get", "/clc/stats/760/", None, 404),
        ("get", "/clc/import/760/", None, 403),
        ("post", "/clc/import/760/", {"upload": garbage_xlsx()}, 403),
    ]
    for method, url, data, status in refused:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == status, (method, url, response.status_code)
    # The registry form offers only their own district's wards.
    response = client.post("/clc/new/", centre_form(ward(centre.ward.parent, 1)))
    assert response.status_code == 200 and 'class="invalid-feedback' in response.content.decode()

    api = api_as(officer_3)
    assert api.get(f"/api/v1/clc-centres/{pk}/").status_code == 404
    assert api.patch(f"/api/v1/clc-centres/{pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.post(f"/api/v1/clc-centres/{pk}/suspend/", {}, format="json").status_code == 404
    assert api.get(f"/api/v1/clc-reports/{draft.pk}/").status_code == 404
    assert (
        api.patch(
            f"/api/v1/clc-reports/{draft.pk}/", {"highlights": "x"}, format="json"
        ).status_code
        == 404
    )
    for step in ("submit", "accept", "return"):
        response = api.post(
            f"/api/v1/clc-reports/{draft.pk}/{step}/", {"comment": "x"}, format="json"
        )
        assert response.status_code == 404, step
    assert (
        api.patch(
            f"/api/v1/clc-evaluations/{evaluation.pk}/", {"comments": "x"}, format="json"
        ).status_code
        == 404
    )
    created = [
        ("/api/v1/clc-centres/", {"ward": ward(centre.ward.parent, 1).code, "name": "Kẻ lạ"}),
        ("/api/v1/clc-reports/", {"centre": pk, "year": year - 1, "participants_total": 1}),
        (
            "/api/v1/clc-evaluations/",
            {
                "centre": pk,
                "year": year - 1,
                "evaluated_on": f"{year}-01-05",
                "points": POINTS_GOOD,
            },
        ),
    ]
    for url, body in created:
        assert api.post(url, body, format="json").status_code == 403, url
    assert api.get("/api/v1/clc-stats/", {"year": year, "district": "760"}).status_code == 404

    assert_unchanged(before, table_counts())
    assert (state(centre), state(draft), state(evaluation)) == kept


def test_another_districts_figures_stay_out_of_the_city_roll_up(
    client, officer_1, officer_3, centre
):
    """Quận 3 asks for the city roll-up every way the page and the API take it: Quận 1's row
    appears in none (the city's total does, as a figure of the programme)."""
    report(officer_1, centre, LAST_YEAR, participants_total=4321)
    services.report_submit(user=officer_1, report=ActivityReport.objects.get(centre=centre))
    client.force_login(officer_3)
    year = str(LAST_YEAR)
    for query in (
        {"year": year},
        {"year": year, "page": "2"},
        {"year": year, "page": "-1"},
        {"year": year, "district": "760"},
        {"year": year, "page_size": "1000"},
    ):
        page = client.get("/clc/stats/", query)
        assert page.status_code == 200, query
        assert [row["district"].code for row in page.context["rows"]] == ["770"], query
        assert ">Quận 1<" not in page.content.decode(), query
        export = client.get("/clc/stats/", {**query, "format": "xlsx"})
        names = [
            row[1]
            for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(
                min_row=2, values_only=True
            )
        ]
        assert "Quận 1" not in names and "Quận 3" in names, query
    api = api_as(officer_3)
    for query in ({"year": year}, {"year": year, "page_size": "1000"}):
        stats = api.get("/api/v1/clc-stats/", query).json()
        assert [row["district"]["code"] for row in stats["districts"]] == ["770"]


# --- yearly reports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"participants_total": "-1"},
        {"participants_total": "một trăm"},
        {"participants_total": None},
        {"participants_total": "10000000000"},
        {"participants_women": "101"},
        {"funding_state": str(MAX_VND + 1)},
        {"funding_social": "-5"},
        {"funding_other": "1e9"},
        {"uses_it": "on", "it_usage": ""},
        {"highlights": "x" * 8001},
        {"difficulties": "a\x00b"},
        {"classes_literacy": "-2"},
        {"sessions_law": "nhiều"},
        {"version": "ba"},
    ],
    ids=[
        "negative-total",
        "total-in-words",
        "total-missing",
        "total-too-large",
        "women-over-total",
        "funding-over-limit",
        "negative-funding",
        "funding-as-exponent",
        "it-without-how",
        "highlights-too-long",
        "nul-in-difficulties",
        "negative-classes",
        "sessions-in-words",
        "version-wrong-type",
    ],
)
def test_report_form_refuses_bad_fields(client, officer_1, centre, draft, table_counts, changes):
    client.force_login(officer_1)
    before, kept = table_counts(), state(draft)
    response = client.post(
        f"/clc/{centre.pk}/reports/{LAST_YEAR}/",
        report_form(**{"version": draft.version, **changes}),
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert_unchanged(before, table_counts())
    assert state(draft) == kept


@pytest.mark.parametrize("year", [1999, 2101, 9999, 99999, 0, "future"], ids=str)
def test_reports_of_years_out_of_range_are_refused(client, officer_1, centre, table_counts, year):
    if year == "future":
        year = timezone.localdate().year + 1
    client.force_login(officer_1)
    before = table_counts()
    response = client.post(f"/clc/{centre.pk}/reports/{year}/", report_form())
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "alert-danger" in response.content.decode()
    evaluation = client.post(f"/clc/{centre.pk}/evaluations/{year}/", evaluation_form())
    assert evaluation.status_code in (200, 404)
    assert_unchanged(before, table_counts())
    assert not ActivityReport.objects.exists() and not Evaluation.objects.exists()


def test_stale_report_edit_and_workflow_steps_are_refused(
    client, officer_1, reviewer, centre, draft
):
    client.force_login(officer_1)
    url = f"/clc/{centre.pk}/reports/{LAST_YEAR}/"
    stale = report_form(version=draft.version)
    assert client.post(url, {**stale, "highlights": "Bản A"}).status_code == 302
    response = client.post(url, {**stale, "highlights": "Bản B"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    draft.refresh_from_db()
    assert draft.highlights == "Bản A"

    kept = state(draft)
    # Deciding on a draft, or returning without a comment: refused with a message.
    decided = client.post(f"/clc/reports/{draft.pk}/decide/", {"decision": "accept"}, follow=True)
    assert "This cannot be done now" in decided.content.decode()
    assert client.post(f"/clc/reports/{draft.pk}/submit/").status_code == 302
    draft.refresh_from_db()
    kept = state(draft)
    returned = client.post(
        f"/clc/reports/{draft.pk}/decide/", {"decision": "return", "comment": "  "}, follow=True
    )
    assert "Say what should be changed" in returned.content.decode()
    again = client.post(f"/clc/reports/{draft.pk}/submit/", follow=True)
    assert "This cannot be done now" in again.content.decode()
    assert state(draft) == kept
    api = api_as(officer_1)
    locked = {"highlights": "x", "version": draft.version}
    assert api.patch(f"/api/v1/clc-reports/{draft.pk}/", locked, format="json").status_code == 409
    assert api.post(f"/api/v1/clc-reports/{draft.pk}/submit/", {}, format="json").status_code == 409
    # The Department reads reports but does not decide on them.
    client.force_login(reviewer)
    assert (
        client.post(f"/clc/reports/{draft.pk}/decide/", {"decision": "accept"}).status_code == 403
    )
    assert (
        api_as(reviewer)
        .post(f"/api/v1/clc-reports/{draft.pk}/accept/", {}, format="json")
        .status_code
        == 403
    )
    assert state(draft) == kept


def test_report_text_is_stored_clean_and_rendered_escaped(client, officer_1, reviewer, centre):
    client.force_login(officer_1)
    url = f"/clc/{centre.pk}/reports/{LAST_YEAR}/"
    response = client.post(
        url,
        report_form(uses_it="on", it_usage=SCRIPT, highlights=SCRIPT, difficulties=SCRIPT),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    saved = ActivityReport.objects.get()
    assert saved.it_usage == saved.highlights == saved.difficulties == SCRIPT
    assert client.post(f"/clc/reports/{saved.pk}/submit/").status_code == 302
    assert (
        client.post(
            f"/clc/reports/{saved.pk}/decide/", {"decision": "return", "comment": SCRIPT}
        ).status_code
        == 302
    )
    saved.refresh_from_db()
    assert saved.status == "returned" and saved.review_comment == SCRIPT
    for viewer in (officer_1, reviewer):
        client.force_login(viewer)
        html = client.get(f"/clc/reports/{saved.pk}/").content.decode()
        assert SCRIPT not in html and html.count(ESCAPED_SCRIPT) >= 4  # three fields, a comment
    client.force_login(officer_1)
    html = client.get(url).content.decode()  # the form, for the correction
    assert SCRIPT not in html and ESCAPED_SCRIPT in html


# --- evaluations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"points_TC1": "21"},
        {"points_TC1": "-1"},
        {"points_TC1": "mười"},
        {"points_TC1": None},
        {"points_TC1": "99999999999999999999"},
        {"evaluated_on": "2999-01-01"},
        {"evaluated_on": f"{LAST_YEAR - 1}-12-31"},
        {"evaluated_on": "2024-02-30"},
        {"evaluated_on": "99999-01-01"},
        {"comments": "x" * 8001},
        {"proposals": "a\x00b"},
        {"version": "ba"},
    ],
    ids=[
        "over-the-maximum",
        "negative",
        "words",
        "missing",
        "out-of-range",
        "in-the-future",
        "before-the-year",
        "impossible-date",
        "date-out-of-range",
        "comments-too-long",
        "nul-in-proposals",
        "version-wrong-type",
    ],
)
def test_evaluation_form_refuses_bad_fields(client, officer_1, centre, table_counts, changes):
    client.force_login(officer_1)
    before = table_counts()
    response = client.post(f"/clc/{centre.pk}/evaluations/{LAST_YEAR}/", evaluation_form(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="invalid-feedback' in html or "alert-danger" in html
    assert_unchanged(before, table_counts())


def test_stale_evaluation_and_escaped_comments(client, officer_1, reviewer, centre):
    client.force_login(officer_1)
    url = f"/clc/{centre.pk}/evaluations/{LAST_YEAR}/"
    assert (
        client.post(url, evaluation_form(comments=SCRIPT, proposals=ZERO_WIDTH_NFD)).status_code
        == 302
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.comments == SCRIPT and evaluation.proposals == NAME
    stale = evaluation_form(version=evaluation.version)
    assert client.post(url, {**stale, "comments": SQL}).status_code == 302
    response = client.post(url, {**stale, "comments": "Bản B"})
    assert "Someone else changed this record" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.comments == SQL
    final = evaluation_form(comments=SCRIPT, proposals=SCRIPT, version=evaluation.version)
    assert client.post(url, final).status_code == 302
    for viewer in (officer_1, reviewer):
        client.force_login(viewer)
        html = client.get(f"/clc/{centre.pk}/").content.decode()
        assert SCRIPT not in html and html.count(ESCAPED_SCRIPT) >= 2


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "Trung tâm"},
        {"ward": "1\x00", "name": "Trung tâm"},
        {"ward": ["26734"], "name": "Trung tâm"},
        {"ward": "99999999", "name": "Trung tâm"},
        {"ward": "760", "name": "Trung tâm"},
        {"ward": "ward", "name": ["Trung tâm"]},
        {"ward": "ward", "name": "Trung tâm", "rooms": -1},
        {"ward": "ward", "name": "Trung tâm", "rooms": 10**9},
        {"ward": "ward", "name": "Trung tâm", "email": "khong-phai-thu"},
        {"ward": "ward", "name": "Trung tâm", "model_year": 99999},
        {"ward": "ward", "name": "Trung tâm", "decision_date": "2024-02-30"},
        {"ward": "ward", "name": "Trung tâm", "has_internet": "có lẽ"},
        {"ward": "ward", "name": "a\x00b"},
        {"ward": "taken", "name": "Trung tâm"},
    ],
    ids=[
        "empty",
        "ward-missing",
        "nul-in-ward",
        "ward-as-list",
        "unknown-ward",
        "district-as-ward",
        "name-as-list",
        "negative-rooms",
        "too-many-rooms",
        "bad-email",
        "model-year-out-of-range",
        "impossible-date",
        "boolean-in-words",
        "nul-in-name",
        "ward-with-a-centre",
    ],
)
def test_api_centre_create_refuses_malformed_bodies(
    officer_1, district_1, centre, table_counts, body
):
    if body.get("ward") == "ward":
        body = {**body, "ward": ward(district_1, 1).code}
    elif body.get("ward") == "taken":
        body = {**body, "ward": centre.ward.code}
    before = table_counts()
    response = api_as(officer_1).post("/api/v1/clc-centres/", body, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())


@pytest.mark.parametrize(
    "changes",
    [
        {"centre": None},
        {"centre": "abc"},
        {"centre": 99999999999999999999},
        {"year": None},
        {"year": 1999},
        {"year": "future"},
        {"year": 99999},
        {"participants_total": -1},
        {"participants_total": 10**12},
        {"participants_total": "nhiều"},
        {"participants_women": 101},
        {"funding_state": MAX_VND + 1},
        {"uses_it": True, "it_usage": ""},
        {"topics": "literacy"},
        {"topics": [{"topic": "astrology", "classes": 1}]},
        {"topics": [{"topic": "law", "classes": -1}]},
        {"topics": [{"topic": "law", "classes": 1}, {"topic": "law", "classes": 2}]},
        {"topics": [{"topic": "law", "classes": 10**12}]},
        {"highlights": "x" * 8001},
        {"version": -1},
    ],
    ids=[
        "centre-missing",
        "centre-wrong-type",
        "centre-out-of-range",
        "year-missing",
        "year-too-early",
        "year-in-the-future",
        "year-out-of-range",
        "negative-total",
        "total-out-of-range",
        "total-in-words",
        "women-over-total",
        "funding-over-limit",
        "it-without-how",
        "topics-as-text",
        "unknown-topic",
        "negative-classes",
        "topic-twice",
        "classes-out-of-range",
        "highlights-too-long",
        "version-negative",
    ],
)
def test_api_report_refuses_malformed_bodies(officer_1, centre, draft, table_counts, changes):
    body = {
        "centre": centre.pk,
        "year": LAST_YEAR - 1,
        "participants_total": 100,
        "participants_women": 50,
        **changes,
    }
    if body["year"] == "future":
        body["year"] = timezone.localdate().year + 1
    body = {key: value for key, value in body.items() if value is not None}
    before, kept = table_counts(), state(draft)
    response = api_as(officer_1).post("/api/v1/clc-reports/", body, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())
    assert state(draft) == kept


@pytest.mark.parametrize(
    "changes",
    [
        {"points": None},
        {"points": "TC1=18"},
        {"points": [18, 26, 13, 12, 17]},
        {"points": {**POINTS_GOOD, "TC1": 21}},
        {"points": {**POINTS_GOOD, "TC1": -1}},
        {"points": {**POINTS_GOOD, "TC1": "mười"}},
        {"points": {**POINTS_GOOD, "TC9": 1}},
        {"points": {"TC1": 18}},
        {"points": {**POINTS_GOOD, "TC1": 10**12}},
        {"evaluated_on": "2999-01-01"},
        {"evaluated_on": "hôm qua"},
        {"year": 1999},
        {"comments": "a\x00b"},
    ],
    ids=[
        "points-missing",
        "points-as-text",
        "points-as-list",
        "over-the-maximum",
        "negative",
        "words",
        "unknown-criterion",
        "criteria-missing",
        "out-of-range",
        "in-the-future",
        "date-in-words",
        "year-too-early",
        "nul-in-comments",
    ],
)
def test_api_evaluation_refuses_malformed_bodies(officer_1, centre, table_counts, changes):
    body = {
        "centre": centre.pk,
        "year": LAST_YEAR,
        "evaluated_on": datetime.date(LAST_YEAR, 12, 20).isoformat(),
        "points": POINTS_GOOD,
        **changes,
    }
    body = {key: value for key, value in body.items() if value is not None}
    before = table_counts()
    response = api_as(officer_1).post("/api/v1/clc-evaluations/", body, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())


def test_api_text_is_stored_clean(officer_1, district_1):
    api = api_as(officer_1)
    response = api.post(
        "/api/v1/clc-centres/",
        {"ward": ward(district_1, 1).code, "name": ZERO_WIDTH_NFD, "address": SCRIPT},
        format="json",
    )
    assert response.status_code == 201, response.content
    centre = Centre.objects.get()
    assert centre.name == NAME and centre.address == SCRIPT
    response = api.post(
        "/api/v1/clc-reports/",
        {"centre": centre.pk, "year": LAST_YEAR, "highlights": SQL, "difficulties": ZERO_WIDTH_NFD},
        format="json",
    )
    assert response.status_code == 201, response.content
    saved = ActivityReport.objects.get()
    assert saved.highlights == SQL and saved.difficulties == NAME
