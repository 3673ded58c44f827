"""Same user, same objects: a page and the API show a user the same rows.

For every kind of row that has both pages and API endpoints, one row in each state the kind has
is made for Quận 1 (760) and for Quận 3 (770), plus the city's rows. For each role (the
Department administrator, a Department reviewer, Quận 1's officer, the API consumer) every case
compares the row's page with its API detail (200 or 403/404), and its membership of the pages
that list it with its membership of the API list; both must follow the rule README.md states:

- a district officer reads their own district's rows, the Department and the API consumer every
  district's (``learningcity.permissions``);
- a draft is the district's working copy: read by the district and the Department administrator
  (``may_read_drafts``), not by reviewers nor the API consumer;
- the API consumer reads approved indicator values only, and the city's periodic reports only;
- reference rows (award decisions) are read by everyone.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from awards.choices import DossierStatus
from awards.models import Decision, Dossier
from clc.choices import ActivityReportStatus, CentreStatus
from clc.models import ActivityReport, Centre
from districts.choices import ReviewStatus, TaskStatus
from districts.models import (
    AdministrativeUnit,
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)
from indicators.choices import SubmissionStatus
from indicators.models import Framework, Submission
from learningcity.choices import Role
from learningcity.models import ReportingPeriod
from learningcity.reports.models import Report

from ..awards.helpers import create as create_dossier
from ..awards.helpers import make_round
from ..clc.helpers import evaluate, register
from ..factories import UserFactory

OWN, OTHER, CITY = "760", "770", "city"
ROLES = ("admin", "reviewer", "officer", "api")

# The states each kind of row goes through (for committees, plans and their members: in force
# or superseded; for centres: active or suspended).
STATES = {
    "submission": [s.value for s in SubmissionStatus],
    "interim-review": [s.value for s in ReviewStatus],
    "key-task-progress": ["recorded"],
    "committee": ["current", "superseded"],
    "committee-member": ["current", "superseded"],
    "plan": ["current", "superseded"],
    "centre": [s.value for s in CentreStatus],
    "clc-report": [s.value for s in ActivityReportStatus],
    "clc-evaluation": ["saved"],
    "award-dossier": [s.value for s in DossierStatus],
    "report": ["queued", "done"],
}
CITY_STATES = {"award-decision": ["signed"], "report": ["queued", "done"]}

DRAFT = "draft"
DRAFT_PARTICIPANTS = 4321  # a centre's draft report of 2022: nobody but its readers sees it
# The centre page's evaluations section, showing the evaluation of 2025.
EVALUATION_2025 = re.compile(r'id="evaluations".*?<strong>2025</strong>.*?</section>', re.S)


def expected(role: str, kind: str, state: str, district: str) -> bool:
    """Whether ``role`` reads the row, by README.md's rule."""
    if kind == "award-decision":
        return True  # the People's Committee's decisions are public once signed
    if kind == "report" and district == CITY:
        return role != "officer"  # a district officer reads their district's reports
    if role == "officer" and district != OWN:
        return False
    if state == DRAFT and role in ("reviewer", "api"):
        return False
    if role == "api" and kind == "submission" and state != SubmissionStatus.APPROVED:
        return False
    # A district's own report is the district's business, not the API consumer's.
    return not (role == "api" and kind == "report")


@dataclass
class Row:
    pk: int
    api: str  # the API collection, e.g. "/api/v1/submissions/"
    page: str | None = None  # the row's own page, when it has one
    api_query: dict = field(default_factory=dict)  # narrows the API list to the row's fellows
    # (page URL, text or pattern that shows the row there): the pages that list the row
    listed_on: list[tuple[str, str | re.Pattern]] = field(default_factory=list)


def _period(kind: str, year: int, number: int = 0) -> ReportingPeriod:
    return ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)


def _district_rows(code: str, admin, decision) -> dict[tuple[str, str], Row]:
    district = AdministrativeUnit.objects.get(level="district", code=code)
    hub = f"/districts/{code}/"
    rows = {}

    # Indicator submissions: one period per state; the superseded revision beside the approved.
    framework = Framework.objects.get(is_current=True)
    years = {"draft": 2021, "submitted": 2022, "returned": 2023, "approved": 2024}
    for state in STATES["submission"]:
        revision = 1 if state == "superseded" else 2 if state == "approved" else 1
        submission = Submission.objects.create(
            district=district,
            period=_period("year", years.get(state, 2024)),
            framework=framework,
            revision=revision,
            status=state,
        )
        rows["submission", state] = Row(
            submission.pk,
            "/api/v1/submissions/",
            page=f"/indicators/submissions/{submission.pk}/",
            api_query={"district": code},
            listed_on=[("/indicators/submissions/", f"/indicators/submissions/{submission.pk}/")],
        )

    # Interim reviews: one half-year per state, listed on the district's page for that period.
    halves = {"draft": (2024, 1), "submitted": (2024, 2), "returned": (2025, 1)}
    for state in STATES["interim-review"]:
        period = _period("half_year", *halves.get(state, (2025, 2)))
        review = InterimReview.objects.create(
            district=district,
            period=period,
            held_on=period.end_date,
            achievements="Kết quả",
            difficulties="Khó khăn",
            proposals="Đề xuất",
            status=state,
        )
        rows["interim-review", state] = Row(
            review.pk,
            "/api/v1/interim-reviews/",
            page=f"/districts/reviews/{review.pk}/",
            api_query={"district": code},
            listed_on=[(f"{hub}?period={period.code}", f"/districts/reviews/{review.pk}/")],
        )

    year_2025 = _period("year", 2025)
    progress = KeyTaskProgress.objects.create(
        district=district,
        key_task=KeyTask.objects.order_by("order", "code").first(),
        period=year_2025,
        status=TaskStatus.IN_PROGRESS,
        account=f"Progress-of-{code}",
    )
    rows["key-task-progress", "recorded"] = Row(
        progress.pk,
        "/api/v1/key-task-progress/",
        api_query={"district": code},
        listed_on=[(f"{hub}?period=2025", f"Progress-of-{code}")],
    )

    # Committees and plans: a superseded one and the one in force, each with a member.
    now = timezone.now()
    history = f"{hub}committee/history/"
    for state in ("superseded", "current"):
        committee = SteeringCommittee.objects.create(
            district=district,
            number=f"BCD-{code}-{state}",
            issued_on=datetime.date(2024, 3, 1 if state == "superseded" else 20),
            signer="Chủ tịch UBND",
            superseded_at=now if state == "superseded" else None,
        )
        rows["committee", state] = Row(
            committee.pk,
            "/api/v1/committees/",
            api_query={"district": code},
            listed_on=[(history, f"BCD-{code}-{state}")],
        )
        member = CommitteeMember.objects.create(
            committee=committee,
            full_name=f"Member-{code}-{state}",
            position="Phó Chủ tịch",
            organisation="UBND",
            role="member",
        )
        rows["committee-member", state] = Row(
            member.pk,
            "/api/v1/committee-members/",
            api_query={"district": code},
            listed_on=[(history, f"Member-{code}-{state}")],
        )
        plan = ImplementationPlan.objects.create(
            district=district,
            number=f"KH-{code}-{state}",
            title="Kế hoạch xây dựng thành phố học tập",
            issued_on=datetime.date(2024, 4, 1 if state == "superseded" else 20),
            superseded_at=now if state == "superseded" else None,
        )
        rows["plan", state] = Row(
            plan.pk,
            "/api/v1/plans/",
            api_query={"district": code},
            listed_on=[(hub, f"KH-{code}-{state}")],
        )

    # Learning centres, active and suspended; the active one's reports and evaluation.
    wards = list(district.children.order_by("code")[:2])
    centres = {}
    for ward, state in zip(wards, STATES["centre"], strict=True):
        centre = register(admin, ward, name=f"Centre-{code}-{state}")
        Centre.objects.filter(pk=centre.pk).update(status=state)
        centres[state] = centre
        rows["centre", state] = Row(
            centre.pk,
            "/api/v1/clc-centres/",
            page=f"/clc/{centre.pk}/",
            api_query={"district": code},
            listed_on=[(f"/clc/?district={code}", f"/clc/{centre.pk}/")],
        )
    centre = centres[CentreStatus.ACTIVE]
    report_years = {"draft": 2022, "submitted": 2023, "returned": 2024, "accepted": 2025}
    for state in STATES["clc-report"]:
        report = ActivityReport.objects.create(
            centre=centre,
            year=report_years[state],
            participants_total=DRAFT_PARTICIPANTS if state == DRAFT else 10,
            uses_it=True,
            status=state,
        )
        rows["clc-report", state] = Row(
            report.pk,
            "/api/v1/clc-reports/",
            page=f"/clc/reports/{report.pk}/",
            api_query={"district": code},
            listed_on=[(f"/clc/{centre.pk}/", f"/clc/reports/{report.pk}/")],
        )
    evaluation = evaluate(admin, centre, 2025)
    rows["clc-evaluation", "saved"] = Row(
        evaluation.pk,
        "/api/v1/clc-evaluations/",
        api_query={"district": code},
        listed_on=[(f"/clc/{centre.pk}/", EVALUATION_2025)],
    )

    # Award dossiers in every status, in one round; the awarded one granted by the decision.
    round_ = decision.round
    for state in STATES["award-dossier"]:
        dossier = create_dossier(admin, round_, district, nominee_name=f"Nominee {code} {state}")
        awarded = state == DossierStatus.AWARDED
        Dossier.objects.filter(pk=dossier.pk).update(
            status=state, decision=decision if awarded else None
        )
        rows["award-dossier", state] = Row(
            dossier.pk,
            "/api/v1/award-dossiers/",
            page=f"/awards/{dossier.pk}/",
            api_query={"round": round_.pk, "district": code},
            listed_on=[(f"/awards/?round={round_.pk}", f'href="/awards/{dossier.pk}/"')],
        )
    return rows


def _report_rows(district, admin) -> dict[tuple[str, str], Row]:
    rows = {}
    for kind, state in (("yearly", "queued"), ("unesco", "done")):
        report = Report.objects.create(
            kind=kind,
            period=_period("year", 2025),
            district=district,
            status=state,
            requested_by=admin,
        )
        rows["report", state] = Row(
            report.pk,
            "/api/v1/reports/",
            page=f"/reports/{report.pk}/",
            listed_on=[("/reports/", f"/reports/{report.pk}/")],
        )
    return rows


@dataclass
class World:
    users: dict
    rows: dict  # (kind, state, district) -> Row


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every row of the matrix, made once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_admin_units", "--province", "79", stdout=io.StringIO())
        district_1 = AdministrativeUnit.objects.get(level="district", code=OWN)
        users = {
            "admin": UserFactory(role=Role.DEPARTMENT_ADMIN, username="m_admin"),
            "reviewer": UserFactory(role=Role.DEPARTMENT_REVIEWER, username="m_reviewer"),
            "officer": UserFactory(
                role=Role.DISTRICT_OFFICER, unit=district_1, username="m_officer"
            ),
            "api": UserFactory(role=Role.API_CONSUMER, username="m_api"),
        }
        round_ = make_round(2030)
        decision = Decision.objects.create(
            round=round_, number="QD-2030-1", signed_on=datetime.date(2030, 5, 1), signer="Chủ tịch"
        )
        rows = {}
        for code in (OWN, OTHER):
            built = _district_rows(code, users["admin"], decision)
            district = AdministrativeUnit.objects.get(level="district", code=code)
            built |= _report_rows(district, users["admin"])
            rows |= {(kind, state, code): row for (kind, state), row in built.items()}
        rows["award-decision", "signed", CITY] = Row(
            decision.pk,
            "/api/v1/award-decisions/",
            listed_on=[(f"/awards/public/{round_.pk}/", "QD-2030-1")],
        )
        rows |= {
            (kind, state, CITY): row
            for (kind, state), row in _report_rows(None, users["admin"]).items()
        }
        yield World(users=users, rows=rows)
        transaction.set_rollback(True)


CASES = [
    (role, kind, state, district)
    for role in ROLES
    for kind, states in STATES.items()
    for state in states
    for district in (OWN, OTHER)
] + [
    (role, kind, state, CITY)
    for role in ROLES
    for kind, states in CITY_STATES.items()
    for state in states
]


def _seen(response) -> bool:
    """Whether a detail answer shows the row: 200 yes; 403 or 404 no; anything else is a fault."""
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    body = response.json()
    assert body.get("next") is None, "the list does not fit one page"
    return {item["id"] for item in body["results"]}


def _listed(response, marker: str | re.Pattern) -> bool:
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return bool(marker.search(html)) if isinstance(marker, re.Pattern) else marker in html


@pytest.mark.parametrize(
    ("role", "kind", "state", "district"), CASES, ids=["-".join(case) for case in CASES]
)
def test_a_page_and_the_api_show_a_user_the_same_row(
    world, db, client, role, kind, state, district
):
    row = world.rows[kind, state, district]
    user = world.users[role]
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    seen = {"API detail": _seen(api.get(f"{row.api}{row.pk}/"))}
    seen["API list"] = row.pk in _ids(api.get(row.api, {"page_size": 500, **row.api_query}))
    if row.page:
        seen[f"page {row.page}"] = _seen(client.get(row.page))
    for url, marker in row.listed_on:
        seen[f"listed on {url}"] = _listed(client.get(url), marker)
    should = expected(role, kind, state, district)
    assert seen == dict.fromkeys(seen, should)


# --- Listings that show a draft's traces: its status, its figures --------------------------------

DRAFT_TRACES = ("Bản nháp", "text-bg-secondary", "4321", "4.321", "4,321")


def _draft_traces(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith("text/html"):
        text = response.content.decode()
    else:
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = (row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
        text = " ".join(str(cell) for row in rows for cell in row)
    return {trace for trace in DRAFT_TRACES if trace in text}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("district", (OWN, OTHER))
@pytest.mark.parametrize(
    "url",
    ["/clc/stats/{code}/?year=2022", "/clc/not-reported/?year=2022&district={code}"],
    ids=["district-rollup", "not-reported"],
)
@pytest.mark.parametrize("export", (False, True), ids=("page", "xlsx"))
def test_a_centres_listing_shows_a_draft_report_only_to_who_reads_it(
    world, db, client, role, district, url, export
):
    """A centre whose report of 2022 is a draft: who does not read drafts sees no report."""
    client.force_login(world.users[role])
    client.cookies["django_language"] = "vi"
    response = client.get(url.format(code=district) + ("&format=xlsx" if export else ""))
    if role == "officer" and district == OTHER:
        # Another district's roll-up is closed; the city-wide list has none of its rows.
        assert response.status_code == 404 or not _draft_traces(response)
        return
    traces = _draft_traces(response)
    if expected(role, "clc-report", DRAFT, district):
        assert "Bản nháp" in traces
    else:
        assert not traces


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "api", "query"),
    [
        ("/awards/", "/api/v1/award-dossiers/", {"round": "{round}"}),
        ("/clc/", "/api/v1/clc-centres/", {}),
        ("/indicators/submissions/", "/api/v1/submissions/", {}),
        ("/reports/", "/api/v1/reports/", {}),
    ],
    ids=["award-dossiers", "centres", "submissions", "reports"],
)
def test_a_list_page_counts_the_rows_its_api_lists(world, db, client, role, page, api, query):
    """The count a list page shows (its pages' total) is the API's: no draft or other
    district's row is counted on either."""
    user = world.users[role]
    round_ = Dossier.objects.values_list("round", flat=True).first()
    query = {key: value.format(round=round_) for key, value in query.items()}
    client.force_login(user)
    response = client.get(page, query)
    assert response.status_code == 200
    api_client = APIClient()
    api_client.force_authenticate(user)
    body = api_client.get(api, query).json()
    assert response.context["paginator"].count == body["count"]
    # Both count the rows of the matrix that the rule lets the user read, no more.
    readable = [key for key, row in world.rows.items() if row.api == api and expected(role, *key)]
    assert body["count"] == len(readable)
