"""The awards API: dossiers with their workflow actions, decisions, rounds and statistics.

Scoped like every resource; API consumers read and never see personal data; list endpoints keep
a fixed number of queries at two data sizes.
"""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from awards.choices import DossierStatus, NomineeKind
from awards.models import Attachment, Decision, Dossier, Round
from tests.awards.helpers import (
    FAKE_PDF,
    PDF,
    PERSONAL,
    advance,
    attach,
    create,
    grant,
    load_demo,
    make_round,
    upload,
)

API = "/api/v1"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    return settings.MEDIA_ROOT


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def round_open(db):
    return make_round()


def body(round, **changes) -> dict:
    data = {
        "round": round.pk,
        "district": "760",
        "nominee_kind": "individual",
        "nominee_name": "Nguyễn Văn An",
        "position": "Giáo viên",
        "organisation": "Trường THCS Văn Lang",
        "phone": PERSONAL["phone"],
        "id_number": PERSONAL["id_number"],
        "address": PERSONAL["address"],
        "birth_date": "1975-05-17",
        "field": "GD",
        "proposed_form": "BK-UBNDTP",
        "summary": "Vận động người dân học tập suốt đời.",
        "nominating_unit": "UBND Quận 1",
    }
    data.update(changes)
    return data


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_a_district_creates_attaches_and_submits(client_for, officer_1, district_1, round_open):
    client = client_for(officer_1)
    dossier = ok(client.post(f"{API}/award-dossiers/", body(round_open), format="json"), 201)
    assert dossier["code"] == "KT-2030-0001" and dossier["status"] == "draft"
    assert dossier["district"] == {"code": "760", "name": "Quận 1"}
    assert dossier["personal"]["phone"] == PERSONAL["phone"]
    assert [e["action"] for e in dossier["events"]] == ["create"]
    url = f"{API}/award-dossiers/{dossier['id']}"
    refused = client.post(f"{url}/submit/", {}, format="json")
    assert refused.status_code == 400  # no achievement report yet
    attached = ok(
        client.post(
            f"{url}/attachments/",
            {"kind": "achievement_report", "file": upload(PDF, "bao-cao.pdf")},
            format="multipart",
        ),
        201,
    )
    assert attached["personal"]["attachments"][0]["original_name"] == "bao-cao.pdf"
    changed = ok(client.patch(f"{url}/", {"summary": "Bổ sung.", "version": 1}, format="json"))
    assert changed["summary"] == "Bổ sung." and changed["version"] == 2
    stale = client.patch(f"{url}/", {"summary": "Cũ.", "version": 1}, format="json")
    assert stale.status_code == 409
    submitted = ok(client.post(f"{url}/submit/", {"expected_status": "draft"}, format="json"))
    assert submitted["status"] == "submitted"
    assert client.patch(f"{url}/", {"summary": "x"}, format="json").status_code == 400
    locked = {"summary": "x", "version": submitted["version"]}
    assert client.patch(f"{url}/", locked, format="json").status_code == 409


def test_the_department_moves_a_dossier_to_a_decision(
    client_for, officer_1, reviewer, district_1, round_open
):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.SUBMITTED,
        officer=officer_1,
        reviewer=reviewer,
    )
    client = client_for(reviewer)
    url = f"{API}/award-dossiers/{dossier.pk}"
    assert client.post(f"{url}/return/", {}, format="json").status_code == 400  # no reason
    returned = ok(client.post(f"{url}/return/", {"reason": "Bổ sung biên bản."}, format="json"))
    assert returned["status"] == "returned" and returned["events"][-1]["reason"] == (
        "Bổ sung biên bản."
    )
    ok(client_for(officer_1).post(f"{url}/submit/", {}, format="json"))
    assert ok(client.post(f"{url}/receive/", {}, format="json"))["status"] == "received"
    # Skipping the council review is refused.
    vote = {"meeting_date": "2030-01-10", "votes_for": 9, "votes_against": 0, "votes_abstain": 0}
    assert client.post(f"{url}/record-vote/", vote, format="json").status_code == 409
    ok(client.post(f"{url}/start-review/", {}, format="json"))
    ok(client.post(f"{url}/opinions/", {"text": "Tiêu biểu."}, format="json"), 201)
    voted = ok(client.post(f"{url}/record-vote/", vote, format="json"))
    assert voted["status"] == "recommended" and voted["vote"]["votes_for"] == 9
    assert voted["opinions"][0]["text"] == "Tiêu biểu."
    decision = ok(
        client.post(
            f"{API}/award-decisions/",
            {
                "round": round_open.pk,
                "number": "77/QĐ-UBND",
                "signed_on": "2030-02-01",
                "signer": "Phó Chủ tịch UBND Thành phố",
                "dossiers": [dossier.code],
            },
            format="json",
        ),
        201,
    )
    assert decision["dossiers"] == [dossier.code]
    awarded = ok(client.get(f"{url}/"))
    assert awarded["status"] == "awarded" and awarded["decision"] == decision["id"]
    assert [e["action"] for e in awarded["events"]] == [
        "create",
        "submit",
        "return",
        "resubmit",
        "receive",
        "start_review",
        "recommend",
        "award",
    ]


def test_a_stale_expected_status_is_a_conflict(
    client_for, officer_1, reviewer, district_1, round_open
):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.SUBMITTED,
        officer=officer_1,
        reviewer=reviewer,
    )
    client = client_for(reviewer)
    url = f"{API}/award-dossiers/{dossier.pk}"
    ok(client.post(f"{url}/receive/", {"expected_status": "submitted"}, format="json"))
    second = client.post(f"{url}/return/", {"reason": "x", "expected_status": "submitted"})
    assert second.status_code == 409 and second.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_a_decision_with_a_dossier_not_recommended_grants_nothing(
    client_for, officer_1, reviewer, district_1, round_open
):
    ready = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.RECOMMENDED,
        officer=officer_1,
        reviewer=reviewer,
    )
    other = advance(
        create(officer_1, round_open, district_1, nominee_name="Trần Thị Bình"),
        DossierStatus.RECEIVED,
        officer=officer_1,
        reviewer=reviewer,
    )
    response = client_for(reviewer).post(
        f"{API}/award-decisions/",
        {
            "round": round_open.pk,
            "number": "78/QĐ-UBND",
            "signed_on": "2030-02-01",
            "signer": "X",
            "dossiers": [ready.code, other.code],
        },
        format="json",
    )
    assert response.status_code == 409
    assert not Decision.objects.exists()
    ready.refresh_from_db()
    assert ready.status == DossierStatus.RECOMMENDED
    # Once decided, the rest of the round is closed in one call.
    grant(reviewer, round_open, [ready])
    closed = client_for(reviewer).post(
        f"{API}/award-rounds/{round_open.pk}/reject-remaining/",
        {"reason": "Hết đợt."},
        format="json",
    )
    assert ok(closed) == {"rejected": 0}  # "other" never got a council verdict


def test_scope_personal_data_and_read_only_consumers(
    client_for, officer_1, officer_3, reviewer, api_consumer, district_1, round_open
):
    draft = create(officer_1, round_open, district_1, nominee_name="Bản nháp")
    sent = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.SUBMITTED,
        officer=officer_1,
        reviewer=reviewer,
    )
    # The officer of Quận 3 sees nothing of Quận 1, not even by a guessed id.
    client = client_for(officer_3)
    assert ok(client.get(f"{API}/award-dossiers/"))["results"] == []
    for dossier in (draft, sent):
        assert client.get(f"{API}/award-dossiers/{dossier.pk}/").status_code == 404
    response = client.patch(f"{API}/award-dossiers/{draft.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 404
    assert client.post(f"{API}/award-dossiers/", body(round_open), format="json").status_code == 403
    # The reviewer reads every submitted dossier with personal data, never drafts; no writes
    # of a district's data.
    rows = ok(client_for(reviewer).get(f"{API}/award-dossiers/"))["results"]
    assert [r["code"] for r in rows] == [sent.code]
    assert rows[0]["personal"]["id_number"] == PERSONAL["id_number"]
    response = client_for(reviewer).post(
        f"{API}/award-dossiers/", body(round_open, nominee_name="Khác"), format="json"
    )
    assert response.status_code == 403
    # The API consumer reads, without personal data, and writes nothing.
    consumer = client_for(api_consumer)
    rows = ok(consumer.get(f"{API}/award-dossiers/"))["results"]
    assert [r["code"] for r in rows] == [sent.code] and rows[0]["personal"] is None
    detail = ok(consumer.get(f"{API}/award-dossiers/{sent.pk}/"))
    assert detail["personal"] is None
    flat = str(detail)
    for value in (PERSONAL["phone"], PERSONAL["id_number"], PERSONAL["address"], "1975-05-17"):
        assert value not in flat
    for url, data in [
        (f"{API}/award-dossiers/", body(round_open, nominee_name="Khác")),
        (f"{API}/award-dossiers/{sent.pk}/receive/", {}),
        (f"{API}/award-decisions/", {}),
    ]:
        assert consumer.post(url, data, format="json").status_code == 403
    sent.refresh_from_db()
    assert sent.status == DossierStatus.SUBMITTED and Dossier.objects.count() == 2
    # An officer cannot take the Department's steps on their own dossier.
    assert client_for(officer_1).post(f"{API}/award-dossiers/{sent.pk}/receive/").status_code in (
        403,
        404,
    )


def test_a_duplicate_and_a_fake_pdf_are_refused(
    client_for, officer_1, district_1, round_open, media_in_tmp
):
    client = client_for(officer_1)
    first = ok(client.post(f"{API}/award-dossiers/", body(round_open), format="json"), 201)
    again = client.post(
        f"{API}/award-dossiers/", body(round_open, nominee_name="NGUYEN VAN AN"), format="json"
    )
    assert again.status_code == 400 and first["code"] in again.json()["nominee_name"][0]
    response = client.post(
        f"{API}/award-dossiers/{first['id']}/attachments/",
        {"kind": "achievement_report", "file": upload(FAKE_PDF, "bao-cao.pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and list(response.json()) == ["file"]
    assert not Attachment.objects.exists()
    assert not [p for p in Path(media_in_tmp).rglob("*") if p.is_file()]


def test_reference_data_and_rounds(client_for, api_consumer, round_open):
    client = client_for(api_consumer)
    forms = ok(client.get(f"{API}/commendation-forms/"))["results"]
    assert {f["code"] for f in forms} == {"BK-UBNDTP", "GK-SGDDT"}
    assert forms[0]["legal_source"] == "Luật Thi đua, khen thưởng số 06/2022/QH15"
    assert len(ok(client.get(f"{API}/activity-fields/"))["results"]) == 5
    rounds = ok(client.get(f"{API}/award-rounds/"))["results"]
    assert rounds[0]["year"] == 2030 and rounds[0]["open_for_intake"] is True
    assert rounds[0]["movement"]["launched_by"] == "Thủ tướng Chính phủ"


# --- Statistics ---------------------------------------------------------------------------------


def test_stats_of_the_demo_2024_round(client_for, hcmc, officer_1, api_consumer):
    load_demo()
    round = Round.objects.get(year=2024)
    for user, query in [(api_consumer, "2024"), (officer_1, str(round.pk))]:
        stats = ok(client_for(user).get(f"{API}/award-stats/", {"round": query}))
        assert stats["round"] == {"id": round.pk, "year": 2024}
        assert (stats["received"], stats["awarded"]) == (103, 65)
        kinds = {row["key"]: (row["received"], row["awarded"]) for row in stats["by_kind"]}
        assert kinds == {"individual": (30, 16), "household": (5, 1), "collective": (68, 48)}
        assert len(stats["by_district"]) == 22
        assert sum(row["received"] for row in stats["by_district"]) == 103
        assert sum(row["awarded"] for row in stats["by_field"]) == 65
    missing = client_for(api_consumer).get(f"{API}/award-stats/", {"round": "1999"})
    assert missing.status_code == 400 and "round" in missing.json()
    assert client_for(api_consumer).get(f"{API}/award-stats/").status_code == 400


def test_the_schema_documents_the_awards_api(client, db):
    schema = client.get("/api/schema/").content.decode()
    for path in [
        "/api/v1/award-dossiers/{id}/record-vote/",
        "/api/v1/award-dossiers/{id}/return/",
        "/api/v1/award-decisions/",
        "/api/v1/award-stats/",
    ]:
        assert path in schema, path
    assert "DossierStatusEnum" in schema


# --- Query counts ---------------------------------------------------------------------------------


def grow(count, *, officer, reviewer, district, round, start=0):
    recommended = []
    states = [
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.UNDER_REVIEW,
        DossierStatus.RECOMMENDED,
        DossierStatus.NOT_RECOMMENDED,
    ]
    for n in range(start, start + count):
        kind = NomineeKind.INDIVIDUAL if n % 2 else NomineeKind.COLLECTIVE
        extra = {} if kind == NomineeKind.INDIVIDUAL else {"birth_date": None, "position": ""}
        dossier = create(
            officer, round, district, nominee_name=f"Ứng viên {n}", nominee_kind=kind, **extra
        )
        attach(officer, dossier)
        dossier = advance(dossier, states[n % len(states)], officer=officer, reviewer=reviewer)
        if dossier.status == DossierStatus.RECOMMENDED and n % 2:
            recommended.append(dossier)
    if recommended:
        grant(reviewer, round, recommended, number=f"{start}/QĐ-UBND")


def test_the_list_is_the_latest_rounds_unless_asked_for_all(
    client_for, officer_1, reviewer, district_1, round_open
):
    earlier = make_round(2029)
    old = advance(
        create(officer_1, earlier, district_1),
        DossierStatus.SUBMITTED,
        officer=officer_1,
        reviewer=reviewer,
    )
    new = [
        advance(
            create(officer_1, round_open, district_1, nominee_name=name),
            DossierStatus.SUBMITTED,
            officer=officer_1,
            reviewer=reviewer,
        )
        for name in ("Nguyễn Văn Ba", "Trần Thị Bốn")
    ]
    client = client_for(reviewer)
    latest = ok(client.get(f"{API}/award-dossiers/"))
    assert [r["code"] for r in latest["results"]] == [d.code for d in new]  # by number
    every = ok(client.get(f"{API}/award-dossiers/", {"round": ""}))
    assert [r["code"] for r in every["results"]] == [*(d.code for d in new), old.code]
    assert every["count"] == 3
    earlier_only = ok(client.get(f"{API}/award-dossiers/", {"round": earlier.pk}))
    assert [r["code"] for r in earlier_only["results"]] == [old.code]
    # A dossier of an earlier round is still found by its id, and its steps taken.
    assert ok(client.get(f"{API}/award-dossiers/{old.pk}/"))["code"] == old.code
    received = ok(client.post(f"{API}/award-dossiers/{old.pk}/receive/", {}, format="json"))
    assert received["status"] == "received"


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/award-dossiers/", "reviewer"),
        ("/award-dossiers/", "officer_1"),
        ("/award-dossiers/", "api_consumer"),
        ("/award-dossiers/?status=under_review&kind=individual", "reviewer"),
        ("/award-dossiers/?round=", "reviewer"),  # every round
        ("/award-decisions/", "reviewer"),
        ("/award-stats/?round={year}", "api_consumer"),
    ],
)
def test_query_count_does_not_grow_with_rows(
    client_for, hcmc, officer_1, reviewer, district_1, round_open, url, who, request
):
    client = client_for(request.getfixturevalue(who))
    url = API + url.format(year=round_open.year)
    grow(8, officer=officer_1, reviewer=reviewer, district=district_1, round=round_open)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        ok(client.get(url))
    grow(30, officer=officer_1, reviewer=reviewer, district=district_1, round=round_open, start=8)
    with CaptureQueriesContext(connection) as large:
        ok(client.get(url))
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_dates_and_kinds_are_validated(client_for, officer_1, district_1, round_open):
    response = client_for(officer_1).post(
        f"{API}/award-dossiers/",
        body(
            round_open,
            nominee_kind="household",
            nominee_name="Gia đình ông Lê Văn Tư",
            birth_date=str(datetime.date.today()),
        ),
        format="json",
    )
    assert response.status_code == 400
    assert {"household_head", "birth_date"} <= set(response.json())


def test_codes_with_a_nul_character_are_refused_not_crashing(
    client_for, client, officer_1, district_1, round_open
):
    api = client_for(officer_1)
    for name in ("field", "proposed_form", "district", "ward"):
        response = api.post(
            f"{API}/award-dossiers/", body(round_open, **{name: "G\x00D"}), format="json"
        )
        assert response.status_code == 400 and name in response.json(), name
    for name in ("district", "field"):
        assert api.get(f"{API}/award-dossiers/", {name: "7\x0060"}).status_code == 400
    client.force_login(officer_1)
    assert client.get("/awards/", {"district": "7\x0060"}).status_code in (200, 400)
    page = client.post("/awards/new/", {"district": "7\x0060", "round": round_open.pk})
    assert page.status_code == 200
    assert not Dossier.objects.exists()
