"""Hostile input against the award dossiers, the council's review, decisions, the API and the
public comment form (no login)."""

import datetime
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from awards import services
from awards.choices import CommentStatus, DossierStatus, NomineeKind
from awards.models import (
    Attachment,
    CommendationForm,
    Decision,
    Dossier,
    FieldOfActivity,
    PublicComment,
    VoteTally,
)
from districts.models import AdministrativeUnit
from tests.awards.helpers import PDF, advance, attach, create, make_round

from .conftest import (
    ESCAPED_SCRIPT,
    EXECUTABLE,
    SCRIPT,
    SQL,
    ZERO_WIDTH_NFD,
    api_as,
    assert_unchanged,
    fake_pdf,
    oversized_pdf,
)

pytestmark = pytest.mark.usefixtures("english", "media_in_tmp", "fresh_cache")

NAME = unicodedata.normalize("NFC", "Nguyễn Văn An")
TAG_NAME = "<img src=x onerror=alert(1)>.pdf"  # a file name is text the pages show, too
ESCAPED_TAG_NAME = "&lt;img src=x onerror=alert(1)&gt;.pdf"


@pytest.fixture
def round_open(hcmc):
    return make_round()


@pytest.fixture
def dossier(officer_1, district_1, round_open):
    """A draft of Quận 1 with its achievement report."""
    made = create(officer_1, round_open, district_1)
    attach(officer_1, made)
    return made


@pytest.fixture
def posted(officer_1, reviewer, district_1, round_open):
    """A received dossier of Quận 1: posted for public comment."""
    made = create(officer_1, round_open, district_1, nominee_name="Trần Thị Bình")
    return advance(made, DossierStatus.RECEIVED, officer=officer_1, reviewer=reviewer)


def state(dossier) -> tuple:
    """Everything a refused write must leave as it was."""
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.version,
        dossier.nominee_name,
        dossier.summary,
        dossier.phone,
        dossier.events.count(),
        sorted(dossier.attachments.values_list("original_name", flat=True)),
    )


def form_data(round, district, /, **changes) -> dict:
    data = {
        "round": round.pk,
        "district": district.code,
        "nominee_kind": NomineeKind.INDIVIDUAL,
        "nominee_name": "Nguyễn Thị Hồng Nhung",
        "position": "Giáo viên",
        "organisation": "Trường Tiểu học Trần Hưng Đạo",
        "household_head": "",
        "address": "45 Nguyễn Huệ, Phường Bến Nghé",
        "phone": "0987654321",
        "id_number": "079188812345",
        "birth_date": "1980-03-21",
        "ward": district.children.order_by("code").first().pk,
        "field": FieldOfActivity.objects.get(code="GD").pk,
        "proposed_form": CommendationForm.objects.get(code="BK-UBNDTP").pk,
        "summary": "Vận động 120 người dân tham gia lớp kỹ năng số.",
        "nominating_unit": "UBND Quận 1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def api_body(round, /, **changes) -> dict:
    body = {
        "round": round.pk,
        "district": "760",
        "nominee_kind": "individual",
        "nominee_name": "Lê Văn Cường",
        "position": "Tổ trưởng",
        "field": "GD",
        "proposed_form": "BK-UBNDTP",
        "summary": "Mở lớp tin học miễn phí.",
        "nominating_unit": "UBND Quận 1",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def ward_of(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.filter(parent__code=code).order_by("code").first()


# --- the dossier form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"nominee_name": ""},
        {"nominee_name": "x" * 201},
        {"nominee_kind": "robot"},
        {"round": "abc"},
        {"round": "999999"},
        {"round": "99999999999999999999999"},
        {"district": "770"},
        {"district": "760\x00"},
        {"ward": "ward-of-770"},
        {"ward": "1e9"},
        {"field": SQL},
        {"proposed_form": "-1"},
        {"phone": "gọi tôi đi"},
        {"id_number": "12"},
        {"birth_date": "1980-02-30"},
        {"birth_date": "99999-01-01"},
        {"birth_date": "2999-01-01"},
        {"position": ""},
        {"summary": "x" * 4001},
        {"summary": "a\x00b"},
        {"summary": None},
    ],
    ids=[
        "name-missing",
        "name-too-long",
        "unknown-kind",
        "round-wrong-type",
        "unknown-round",
        "round-out-of-range",
        "another-district",
        "nul-in-district",
        "ward-of-another-district",
        "ward-wrong-type",
        "sql-as-field",
        "unknown-form",
        "phone-in-words",
        "id-number-too-short",
        "impossible-date",
        "date-out-of-range",
        "born-in-the-future",
        "individual-without-position",
        "summary-too-long",
        "nul-in-summary",
        "summary-missing",
    ],
)
def test_dossier_form_refuses_bad_fields(
    client, officer_1, district_1, round_open, table_counts, changes
):
    if changes.get("ward") == "ward-of-770":
        changes = {"ward": ward_of("770").pk}
    client.force_login(officer_1)
    before = table_counts()
    response = client.post("/awards/new/", form_data(round_open, district_1, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="invalid-feedback' in html or "alert-danger" in html
    assert_unchanged(before, table_counts())


@pytest.mark.parametrize("make_file", ["fake", "oversized", "wrong-type"])
def test_dossier_uploads_are_checked_by_content_and_size(
    client, officer_1, district_1, round_open, dossier, table_counts, settings, make_file
):
    def upload():
        if make_file == "fake":
            return fake_pdf()
        if make_file == "oversized":
            return oversized_pdf(settings)
        return SimpleUploadedFile("bao-cao.exe", EXECUTABLE)

    client.force_login(officer_1)
    before, kept = table_counts(), state(dossier)
    new = client.post(
        "/awards/new/",
        form_data(
            round_open, district_1, nominee_name="Phạm Văn Dũng", achievement_report=upload()
        ),
    )
    edit = client.post(
        f"/awards/{dossier.pk}/edit/",
        {**form_data(round_open, district_1), "version": dossier.version, "evidence": upload()},
    )
    for response in (new, edit):
        html = response.content.decode()
        assert response.status_code == 200
        assert any(
            message in html
            for message in ("is not what its name says", "the limit is", "Only these file types")
        )
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept


def test_stale_dossier_edit_through_the_form_is_refused(
    client, officer_1, district_1, round_open, dossier
):
    client.force_login(officer_1)
    stale = {**form_data(round_open, district_1), "version": dossier.version}
    assert (
        client.post(f"/awards/{dossier.pk}/edit/", {**stale, "summary": "Bản A"}).status_code == 302
    )
    response = client.post(f"/awards/{dossier.pk}/edit/", {**stale, "summary": "Bản B"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.summary == "Bản A"


def test_stale_workflow_steps_are_refused(client, officer_1, reviewer, dossier):
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    services.dossier_receive(user=reviewer, dossier=dossier)
    kept = state(dossier)
    client.force_login(reviewer)
    # Two reviewers had the queue open; the second one's "receive" comes too late.
    response = client.post(
        f"/awards/{dossier.pk}/receive/", {"expected_status": DossierStatus.SUBMITTED}, follow=True
    )
    assert response.status_code == 200
    assert "Someone else has already moved this dossier" in response.content.decode()
    returned = client.post(
        f"/awards/{dossier.pk}/return/",
        {"expected_status": DossierStatus.SUBMITTED, "reason": "Thiếu biên bản."},
    )
    assert returned.status_code == 200
    assert "Someone else has already moved this dossier" in returned.content.decode()
    assert state(dossier) == kept


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"],
    ids=["other-site", "scheme-relative", "javascript"],
)
def test_workflow_steps_do_not_redirect_off_the_portal(
    client, officer_1, reviewer, dossier, next_url
):
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    client.force_login(reviewer)
    response = client.post(
        f"/awards/{dossier.pk}/receive/",
        {"expected_status": DossierStatus.SUBMITTED, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/awards/{dossier.pk}/"
    queue = client.post(
        f"/awards/{dossier.pk}/start-review/",
        {"expected_status": DossierStatus.RECEIVED, "next": "/awards/review/?status=received"},
    )
    assert queue["Location"] == "/awards/review/?status=received"  # the portal's own pages stay


# --- another district's dossier ------------------------------------------------------------------


def test_another_districts_dossier_is_out_of_reach(
    client, officer_1, officer_3, district_1, round_open, dossier, table_counts
):
    attachment = dossier.attachments.get()
    client.force_login(officer_3)
    before, kept = table_counts(), state(dossier)
    pk = dossier.pk
    edit = {**form_data(round_open, district_1, summary="Kẻ lạ"), "version": dossier.version}
    refused = [
        ("get", f"/awards/{pk}/", None),
        ("get", f"/awards/{pk}/edit/", None),
        ("post", f"/awards/{pk}/edit/", edit),
        ("post", f"/awards/{pk}/submit/", {"expected_status": "draft"}),
        ("get", f"/awards/files/{attachment.pk}/", None),
        ("get", f"/awards/files/{attachment.pk}/delete/", None),
        ("post", f"/awards/files/{attachment.pk}/delete/", {"confirm": "1"}),
    ]
    for method, url, data in refused:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    # The new-dossier form offers only their own district.
    response = client.post("/awards/new/", form_data(round_open, district_1, nominee_name="Kẻ lạ"))
    assert response.status_code == 200 and 'class="invalid-feedback' in response.content.decode()

    api = api_as(officer_3)
    base = f"/api/v1/award-dossiers/{pk}/"
    assert api.get(base).status_code == 404
    assert api.patch(base, {"summary": "Kẻ lạ"}, format="json").status_code == 404
    assert api.post(f"{base}submit/", {}, format="json").status_code == 404
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = api.post(
        f"{base}attachments/", {"kind": "evidence", "file": upload}, format="multipart"
    )
    assert response.status_code == 404
    created = api.post(
        "/api/v1/award-dossiers/", api_body(round_open, nominee_name="Kẻ lạ"), format="json"
    )
    assert created.status_code == 403
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept


def test_a_district_officer_cannot_take_the_departments_steps(
    client, officer_1, dossier, table_counts
):
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    client.force_login(officer_1)
    before, kept = table_counts(), state(dossier)
    assert client.post(f"/awards/{dossier.pk}/receive/", {}).status_code == 403
    assert client.post(f"/awards/{dossier.pk}/return/", {"reason": "x"}).status_code == 403
    assert client.get(f"/awards/{dossier.pk}/vote/").status_code == 403
    api = api_as(officer_1)
    for step in ("receive", "return", "start-review", "record-vote", "reject", "opinions"):
        response = api.post(f"/api/v1/award-dossiers/{dossier.pk}/{step}/", {}, format="json")
        assert response.status_code == 404, step
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept


# --- text ----------------------------------------------------------------------------------------


def test_dossier_text_is_stored_clean_and_rendered_escaped(
    client, officer_1, reviewer, district_1, round_open
):
    client.force_login(officer_1)
    fields = ("nominee_name", "position", "organisation", "address", "summary", "nominating_unit")
    response = client.post(
        "/awards/new/",
        form_data(
            round_open,
            district_1,
            achievement_report=SimpleUploadedFile(TAG_NAME, PDF),
            **dict.fromkeys(fields, SCRIPT),
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    household = client.post(
        "/awards/new/",
        form_data(
            round_open,
            district_1,
            nominee_kind=NomineeKind.HOUSEHOLD,
            nominee_name=ZERO_WIDTH_NFD,
            household_head=SCRIPT,
            organisation=SQL,
            position="",
            birth_date="",
        ),
    )
    assert household.status_code == 302, household.content.decode()[-3000:]
    dossier = Dossier.objects.get(nominee_kind=NomineeKind.INDIVIDUAL)
    assert all(getattr(dossier, name) == SCRIPT for name in fields)
    assert dossier.attachments.get().original_name == TAG_NAME
    other = Dossier.objects.get(nominee_kind=NomineeKind.HOUSEHOLD)
    assert other.nominee_name == NAME and other.nominee_search == "nguyen van an"
    assert other.household_head == SCRIPT and other.organisation == SQL

    html = client.get(f"/awards/{dossier.pk}/").content.decode()
    assert SCRIPT not in html and html.count(ESCAPED_SCRIPT) >= len(fields)
    assert TAG_NAME not in html and ESCAPED_TAG_NAME in html
    html = client.get(f"/awards/{other.pk}/").content.decode()
    assert SCRIPT not in html and ESCAPED_SCRIPT in html and "&#x27;; DROP TABLE" in html
    listing = client.get("/awards/").content.decode()
    assert SCRIPT not in listing and ESCAPED_SCRIPT in listing
    assert client.get("/awards/", {"q": SQL}).status_code == 200  # searched as text
    confirm = client.get(f"/awards/files/{dossier.attachments.get().pk}/delete/")
    assert TAG_NAME not in confirm.content.decode() and ESCAPED_TAG_NAME in confirm.content.decode()

    # The Department's words: the reason of a return, an opinion, the decision.
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    client.force_login(reviewer)
    assert client.post(f"/awards/{dossier.pk}/return/", {"reason": SCRIPT}).status_code == 302
    client.force_login(officer_1)
    html = client.get(f"/awards/{dossier.pk}/").content.decode()
    assert SCRIPT not in html and ESCAPED_SCRIPT in html
    dossier.refresh_from_db()
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    dossier = services.dossier_receive(user=reviewer, dossier=dossier)
    dossier = services.dossier_start_review(user=reviewer, dossier=dossier)
    client.force_login(reviewer)
    assert client.post(f"/awards/{dossier.pk}/opinions/", {"text": SCRIPT}).status_code == 302
    dossier = services.vote_record(
        user=reviewer,
        dossier=dossier,
        meeting_date=timezone.localdate(),
        votes_for=9,
        votes_against=0,
        votes_abstain=0,
    )
    response = client.post(
        f"/awards/rounds/{round_open.pk}/decision/",
        {
            "number": SCRIPT,
            "signed_on": timezone.localdate().isoformat(),
            "signer": SCRIPT,
            "dossiers": [dossier.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    decision = Decision.objects.get()
    assert decision.signer == SCRIPT
    for url, viewer in (
        (f"/awards/{dossier.pk}/", client),
        (f"/awards/rounds/{round_open.pk}/decision/", client),
        (f"/awards/public/{round_open.pk}/", Client()),
    ):
        html = viewer.get(url).content.decode()
        assert SCRIPT not in html and ESCAPED_SCRIPT in html, url


# --- the council's vote and decisions ------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"votes_for": "-1"},
        {"votes_for": "nhiều"},
        {"votes_for": "1000"},
        {"votes_for": "0", "votes_against": "0", "votes_abstain": "0"},
        {"votes_for": "2.5"},
        {"meeting_date": "2024-13-01"},
        {"meeting_date": "10000-01-01"},
        {"meeting_date": ""},
    ],
    ids=[
        "negative",
        "words",
        "too-many",
        "no-vote-cast",
        "fraction",
        "month-13",
        "date-out-of-range",
        "date-missing",
    ],
)
def test_vote_form_refuses_bad_tallies(client, officer_1, reviewer, dossier, table_counts, changes):
    dossier = advance(dossier, DossierStatus.UNDER_REVIEW, officer=officer_1, reviewer=reviewer)
    client.force_login(reviewer)
    before, kept = table_counts(), state(dossier)
    data = {
        "meeting_date": timezone.localdate().isoformat(),
        "votes_for": "5",
        "votes_against": "1",
        "votes_abstain": "0",
        "expected_status": DossierStatus.UNDER_REVIEW,
        **changes,
    }
    response = client.post(f"/awards/{dossier.pk}/vote/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="invalid-feedback' in html or "alert-danger" in html
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept and not VoteTally.objects.exists()


@pytest.fixture
def recommended(officer_1, reviewer, dossier):
    return advance(dossier, DossierStatus.RECOMMENDED, officer=officer_1, reviewer=reviewer)


@pytest.mark.parametrize(
    "changes",
    [
        {"file": "fake"},
        {"file": "oversized"},
        {"number": ""},
        {"number": "x" * 61},
        {"signed_on": "hôm qua"},
        {"signed_on": "2025-02-29"},
        {"dossiers": []},
        {"dossiers": ["abc"]},
        {"dossiers": ["999999"]},
    ],
    ids=[
        "fake-file",
        "oversized-file",
        "number-missing",
        "number-too-long",
        "date-in-words",
        "impossible-date",
        "no-dossier",
        "dossier-wrong-type",
        "unknown-dossier",
    ],
)
def test_decision_form_refuses_bad_fields(
    client, reviewer, round_open, recommended, table_counts, settings, changes
):
    if changes.get("file") == "fake":
        changes = {"file": fake_pdf()}
    elif changes.get("file") == "oversized":
        changes = {"file": oversized_pdf(settings)}
    client.force_login(reviewer)
    before, kept = table_counts(), state(recommended)
    data = {
        "number": "1234/QĐ-UBND",
        "signed_on": timezone.localdate().isoformat(),
        "signer": "Phó Chủ tịch UBND Thành phố",
        "dossiers": [recommended.pk],
        **changes,
    }
    response = client.post(f"/awards/rounds/{round_open.pk}/decision/", data)
    assert response.status_code == 200
    assert_unchanged(before, table_counts())
    assert state(recommended) == kept and not Decision.objects.exists()


def test_a_decision_for_a_dossier_of_another_round_is_refused(
    reviewer, officer_1, district_1, recommended, table_counts
):
    other_round = make_round(2031)
    other = advance(
        create(officer_1, other_round, district_1, nominee_name="Võ Thị Sáu"),
        DossierStatus.RECOMMENDED,
        officer=officer_1,
        reviewer=reviewer,
    )
    api = api_as(reviewer)
    before, kept = table_counts(), (state(recommended), state(other))
    body = {
        "round": other_round.pk,
        "number": "99/QĐ-UBND",
        "signed_on": timezone.localdate().isoformat(),
        "signer": "Chủ tịch",
        "dossiers": [recommended.code, other.code],
    }
    assert api.post("/api/v1/award-decisions/", body, format="json").status_code == 400
    body["round"] = recommended.round_id
    body["dossiers"] = [recommended.code, "KT-2030-\x00"]
    assert api.post("/api/v1/award-decisions/", body, format="json").status_code == 400
    assert_unchanged(before, table_counts())
    assert (state(recommended), state(other)) == kept


def test_a_decision_for_a_dossier_no_longer_recommended_answers_409(
    reviewer, officer_1, district_1, round_open, recommended, table_counts
):
    draft = create(officer_1, round_open, district_1, nominee_name="Đinh Văn Em")
    draft = advance(draft, DossierStatus.UNDER_REVIEW, officer=officer_1, reviewer=reviewer)
    before, kept = table_counts(), state(recommended)
    body = {
        "round": round_open.pk,
        "number": "99/QĐ-UBND",
        "signed_on": timezone.localdate().isoformat(),
        "signer": "Chủ tịch",
        "dossiers": [recommended.code, draft.code],
    }
    response = api_as(reviewer).post("/api/v1/award-decisions/", body, format="json")
    assert response.status_code == 409
    assert_unchanged(before, table_counts())
    assert state(recommended) == kept


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"round": None},
        {"round": "abc"},
        {"round": 99999999999999999999},
        {"district": "760\x00"},
        {"district": ["760"]},
        {"nominee_kind": "robot"},
        {"nominee_name": ["Lê Văn Cường"]},
        {"nominee_name": "a\x00b"},
        {"nominee_name": "x" * 201},
        {"birth_date": "1980-02-30"},
        {"birth_date": "99999-01-01"},
        {"phone": "gọi tôi đi"},
        {"ward": "99999"},
        {"ward": "ward-of-770"},
        {"field": "KHÔNG-CÓ"},
        {"field": {"code": "GD"}},
        {"summary": "x" * 4001},
        {"summary": None},
    ],
    ids=[
        "round-missing",
        "round-wrong-type",
        "round-out-of-range",
        "nul-in-district",
        "district-as-list",
        "unknown-kind",
        "name-as-list",
        "nul-in-name",
        "name-too-long",
        "impossible-date",
        "date-out-of-range",
        "phone-in-words",
        "unknown-ward",
        "ward-of-another-district",
        "unknown-field",
        "field-as-object",
        "summary-too-long",
        "summary-missing",
    ],
)
def test_api_create_refuses_malformed_bodies(officer_1, round_open, table_counts, changes):
    if changes.get("ward") == "ward-of-770":
        changes = {"ward": ward_of("770").code}
    before = table_counts()
    response = api_as(officer_1).post(
        "/api/v1/award-dossiers/", api_body(round_open, **changes), format="json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())


@pytest.mark.parametrize("make_file", ["fake", "oversized", "wrong-type", "kind"])
def test_api_attachments_are_checked(officer_1, dossier, table_counts, settings, make_file):
    data = {"kind": "evidence"}
    if make_file == "fake":
        data["file"] = fake_pdf()
    elif make_file == "oversized":
        data["file"] = oversized_pdf(settings)
    elif make_file == "wrong-type":
        data["file"] = SimpleUploadedFile("run.exe", EXECUTABLE)
    else:
        data = {"kind": SQL, "file": SimpleUploadedFile("a.pdf", PDF)}
    before, kept = table_counts(), state(dossier)
    response = api_as(officer_1).post(
        f"/api/v1/award-dossiers/{dossier.pk}/attachments/", data, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept and Attachment.objects.count() == 1


def test_api_stale_edit_and_step_answer_409(officer_1, reviewer, dossier):
    api = api_as(officer_1)
    url = f"/api/v1/award-dossiers/{dossier.pk}/"
    version = dossier.version
    assert (
        api.patch(url, {"summary": "Bản A", "version": version}, format="json").status_code == 200
    )
    stale = api.patch(url, {"summary": "Bản B", "version": version}, format="json")
    assert stale.status_code == 409
    dossier.refresh_from_db()
    assert dossier.summary == "Bản A"

    services.dossier_submit(user=officer_1, dossier=dossier)
    step = api_as(reviewer).post(
        f"{url}receive/", {"expected_status": DossierStatus.RECEIVED}, format="json"
    )
    assert step.status_code == 409
    garbage = api_as(reviewer).post(f"{url}receive/", {"expected_status": SQL}, format="json")
    assert garbage.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"meeting_date": "2025-01-01", "votes_for": -1, "votes_against": 0, "votes_abstain": 0},
        {"meeting_date": "2025-01-01", "votes_for": "x", "votes_against": 0, "votes_abstain": 0},
        {"meeting_date": "2025-01-01", "votes_for": 10**6, "votes_against": 0, "votes_abstain": 0},
        {"meeting_date": "2025-01-01", "votes_for": 0, "votes_against": 0, "votes_abstain": 0},
        {"meeting_date": "2025-13-01", "votes_for": 5, "votes_against": 0, "votes_abstain": 0},
        {"meeting_date": "10000-01-01", "votes_for": 5, "votes_against": 0, "votes_abstain": 0},
        {"meeting_date": [], "votes_for": 5, "votes_against": 0, "votes_abstain": 0},
    ],
    ids=[
        "empty",
        "negative",
        "words",
        "too-many",
        "no-vote-cast",
        "month-13",
        "date-out-of-range",
        "date-as-list",
    ],
)
def test_api_vote_refuses_bad_tallies(officer_1, reviewer, dossier, table_counts, body):
    dossier = advance(dossier, DossierStatus.UNDER_REVIEW, officer=officer_1, reviewer=reviewer)
    before, kept = table_counts(), state(dossier)
    response = api_as(reviewer).post(
        f"/api/v1/award-dossiers/{dossier.pk}/record-vote/", body, format="json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": ["x"]}, {"reason": "a\x00b"}]
)
def test_api_reasons_are_required_and_checked(
    officer_1, reviewer, dossier, round_open, table_counts, body
):
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    api = api_as(reviewer)
    before, kept = table_counts(), state(dossier)
    assert (
        api.post(f"/api/v1/award-dossiers/{dossier.pk}/return/", body, format="json").status_code
        == 400
    )
    response = api.post(
        f"/api/v1/award-rounds/{round_open.pk}/reject-remaining/", body, format="json"
    )
    assert response.status_code == 400
    assert_unchanged(before, table_counts())
    assert state(dossier) == kept


# --- the public comment form (no login) ----------------------------------------------------------


def comment(dossier, /, **changes) -> dict:
    data = {
        "dossier": dossier.pk,
        "author_name": "Người dân phường Bến Nghé",
        "contact": "0901234567",
        "text": "Bà rất nhiệt tình với lớp học.",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    "changes",
    [
        {"text": None},
        {"text": "   "},
        {"author_name": None},
        {"contact": ""},
        {"dossier": "abc"},
        {"dossier": "99999999999999999999999"},
        {"dossier": "1\x00"},
        {"dossier": "draft"},
        {"dossier": "other-round"},
        {"author_name": "x" * 151},
        {"contact": "x" * 151},
        {"text": "x" * 2001},
        {"text": "a\x00b"},
    ],
    ids=[
        "text-missing",
        "text-blank",
        "name-missing",
        "contact-missing",
        "dossier-wrong-type",
        "dossier-out-of-range",
        "nul-in-dossier",
        "dossier-not-posted",
        "dossier-of-another-round",
        "name-too-long",
        "contact-too-long",
        "text-too-long",
        "nul-in-text",
    ],
)
def test_public_comment_form_refuses_bad_input(
    officer_1, reviewer, district_1, round_open, posted, table_counts, changes
):
    if changes.get("dossier") == "draft":
        changes = {"dossier": create(officer_1, round_open, district_1, nominee_name="Nháp").pk}
    elif changes.get("dossier") == "other-round":
        other = advance(
            create(officer_1, make_round(2031), district_1, nominee_name="Vòng khác"),
            DossierStatus.RECEIVED,
            officer=officer_1,
            reviewer=reviewer,
        )
        changes = {"dossier": other.pk}
    visitor = Client()
    visitor.cookies["django_language"] = "en"
    before = table_counts()
    response = visitor.post(f"/awards/public/{round_open.pk}/", comment(posted, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="invalid-feedback' in html or "alert-danger" in html
    assert_unchanged(before, table_counts())
    assert not PublicComment.objects.exists()


def test_public_comments_on_closed_or_unknown_rounds_write_nothing(
    officer_1, reviewer, district_1, posted, table_counts
):
    closed = make_round(2031, comment_open=False)
    received = advance(
        create(officer_1, closed, district_1, nominee_name="Vòng đóng"),
        DossierStatus.RECEIVED,
        officer=officer_1,
        reviewer=reviewer,
    )
    visitor = Client()
    before = table_counts()
    assert visitor.post(f"/awards/public/{closed.pk}/", comment(received)).status_code == 200
    assert visitor.post(f"/awards/public/{posted.round_id}/", {}).status_code == 200
    assert visitor.post("/awards/public/999999/", comment(posted)).status_code == 404
    huge = visitor.post("/awards/public/99999999999999999999999/", comment(posted))
    assert huge.status_code == 404
    assert_unchanged(before, table_counts())


def test_public_comment_flood_is_refused_with_429(posted, round_open, settings, table_counts):
    settings.AWARDS_COMMENT_RATE = "2/h"
    visitor = Client()
    url = f"/awards/public/{round_open.pk}/"
    for n in range(2):
        assert visitor.post(url, comment(posted, text=f"Ý kiến {n}")).status_code == 302
    before = table_counts()
    for n in range(3):
        assert visitor.post(url, comment(posted, text=f"Thư rác {n}")).status_code == 429
    assert_unchanged(before, table_counts())
    assert PublicComment.objects.count() == 2


def test_public_comment_text_is_stored_clean_and_rendered_escaped(
    client, reviewer, posted, round_open
):
    visitor = Client()
    url = f"/awards/public/{round_open.pk}/"
    sent = visitor.post(url, comment(posted, author_name=ZERO_WIDTH_NFD, contact=SQL, text=SCRIPT))
    assert sent.status_code == 302
    scripted = visitor.post(url, comment(posted, author_name=SCRIPT, text="Đồng ý."))
    assert scripted.status_code == 302
    first, second = PublicComment.objects.order_by("pk")
    assert first.author_name == NAME and first.contact == SQL and first.text == SCRIPT
    assert first.status == CommentStatus.PENDING
    assert SCRIPT not in visitor.get(url).content.decode()  # not shown before moderation

    client.force_login(reviewer)
    for url_ in ("/awards/comments/", f"/awards/comments/{first.pk}/reject/"):
        html = client.get(url_).content.decode()
        assert SCRIPT not in html and ESCAPED_SCRIPT in html, url_
    for pk in (first.pk, second.pk):
        assert client.post(f"/awards/comments/{pk}/approve/").status_code == 302
    html = visitor.get(url).content.decode()
    assert SCRIPT not in html and html.count(ESCAPED_SCRIPT) >= 2
    assert SQL not in html and "DROP TABLE" not in html  # the contact is never published


def test_moderating_a_comment_twice_is_refused(client, reviewer, posted, round_open):
    made = services.comment_submit(
        dossier=posted, author_name="Bác Ba", contact="0901234567", text="Tốt."
    )
    client.force_login(reviewer)
    assert client.post(f"/awards/comments/{made.pk}/approve/").status_code == 302
    response = client.post(f"/awards/comments/{made.pk}/reject/", follow=True)
    assert "Someone has already moderated this comment" in response.content.decode()
    made.refresh_from_db()
    assert made.status == CommentStatus.APPROVED
    assert client.post(f"/awards/comments/{made.pk}/{SQL[:5]}/").status_code == 404


def test_round_close_refuses_a_missing_reason(client, reviewer, round_open, recommended):
    client.force_login(reviewer)
    kept = state(recommended)
    response = client.post(f"/awards/rounds/{round_open.pk}/close/", {"reason": " "})
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode()
    assert state(recommended) == kept


def test_birth_dates_keep_their_meaning(officer_1, round_open):
    """A sanity check for the refusals above: a plain dossier through the API is accepted."""
    response = api_as(officer_1).post(
        "/api/v1/award-dossiers/",
        api_body(round_open, birth_date="1975-04-30", nominee_name=ZERO_WIDTH_NFD),
        format="json",
    )
    assert response.status_code == 201, response.content
    made = Dossier.objects.get()
    assert made.birth_date == datetime.date(1975, 4, 30) and made.nominee_name == NAME
