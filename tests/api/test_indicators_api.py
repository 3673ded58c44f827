"""The indicators API: the framework, submissions with their review workflow, indicator status.

The city's figures are computed by hand here and compared with the API's; every workflow step
and permission boundary is tried; list endpoints and the status keep a fixed number of queries
at two data sizes.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from districts import services as district_services
from districts.models import AdministrativeUnit
from indicators import services
from indicators.choices import Aggregation, SubmissionStatus, Unit
from indicators.models import Area, Framework, Indicator, Submission, Target, Value
from indicators.services import Entry
from learningcity.models import ReportingPeriod

API = "/api/v1"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def year_2024(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)


def entries(overrides: dict | None = None) -> dict[str, Entry]:
    """An entry for every indicator districts give (ratios 1/2, others 1), then ``overrides``."""
    filled = {
        indicator.code: (
            Entry(numerator=1, denominator=2) if indicator.is_ratio else Entry(value=1)
        )
        for indicator in Indicator.objects.filter(computed="")
    }
    return {**filled, **(overrides or {})}


def fill(district, period, *, user, overrides=None, until=SubmissionStatus.APPROVED, reviewer=None):
    """A district's submission for ``period`` taken through the services up to ``until``."""
    submission = services.submission_open(user=user, district=district, period=period)
    submission = services.values_save(user=user, submission=submission, entries=entries(overrides))
    if until in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        submission = services.submission_submit(user=user, submission=submission)
    if until == SubmissionStatus.APPROVED:
        submission = services.submission_approve(user=reviewer or user, submission=submission)
    return submission


def every_value(overrides: dict | None = None) -> list[dict]:
    """The body of a values PATCH giving every indicator districts give."""
    rows = []
    for code, entry in entries(overrides).items():
        row = {"indicator": code, "note": entry.note}
        for name in ("value", "numerator", "denominator"):
            if getattr(entry, name) is not None:
                row[name] = getattr(entry, name)
        rows.append(row)
    return rows


def by_code(rows: list[dict]) -> dict[str, dict]:
    return {row.get("indicator") or row["code"]: row for row in rows}


def status_of(client, **params) -> dict:
    response = client.get(f"{API}/indicator-status/", params)
    assert response.status_code == 200, response.content
    return response.json()


def ok(response, code: int = 200) -> dict:
    assert response.status_code == code, response.content
    return response.json()


# --- Framework ------------------------------------------------------------------------------------


def test_indicators_of_the_current_framework(client_for, api_consumer):
    client = client_for(api_consumer)
    body = ok(client.get(f"{API}/indicators/"))
    assert body["count"] == 30
    rows = by_code(body["results"])
    assert list(rows)[:2] == ["WB1.1", "WB1.2"]
    assert rows["BB2.1"] == {
        **rows["BB2.1"],
        "unit": "percent",
        "aggregation": "weighted_mean",
        "direction": "higher",
        "computed": False,
        "group": {"code": "BB", "name": rows["BB2.1"]["group"]["name"]},
        "targets": [{"year": 2025, "value": 70.0}],
        "baseline": None,
    }
    assert rows["BB2.1"]["denominator_label"]
    assert rows["BB2.1"]["area"]["code"] == "BB2" and rows["BB2.1"]["area"]["name_en"]
    assert rows["WB1.2"]["targets"] == [
        {"year": 2025, "value": 40.0},
        {"year": 2030, "value": 60.0},
    ]
    assert rows["FC1.1"]["computed"] is True
    assert rows["FC1.1"]["denominator_label"] is None
    assert rows["WB2.2"]["denominator_label"] is None and rows["WB2.2"]["aggregation"] == "sum"

    area = ok(client.get(f"{API}/indicators/", {"area": "BB4"}))["results"]
    assert [row["code"] for row in area] == ["BB4.1", "BB4.2", "BB4.3"]
    group = ok(client.get(f"{API}/indicators/", {"group": "FC"}))["results"]
    assert {row["code"] for row in group} == {"FC1.1", "FC1.2", "FC2.1", "FC2.2", "FC3.1", "FC3.2"}
    assert ok(client.get(f"{API}/indicators/BB2.1/"))["code"] == "BB2.1"


def test_indicator_list_query_count_does_not_grow_with_targets(client_for, reviewer):
    client = client_for(reviewer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            ok(client.get(f"{API}/indicators/"))
        return len(queries)

    before = count()
    Target.objects.bulk_create(
        Target(indicator=indicator, year=year, value=50)
        for indicator in Indicator.objects.all()
        for year in (2027, 2028)
    )
    assert count() == before


# --- Workflow -------------------------------------------------------------------------------------


def test_full_flow_with_return_fix_approval_and_revision(
    client_for, officer_1, reviewer, district_1, year_2025
):
    officer, department = client_for(officer_1), client_for(reviewer)

    opened = ok(officer.post(f"{API}/submissions/", {"district": "760", "period": "2025"}), 201)
    assert opened["status"] == "draft" and opened["revision"] == 1
    assert opened["district"] == {"code": "760", "name": "Quận 1"} and opened["period"] == "2025"
    assert len(opened["values"]) == 30
    assert {v["indicator"] for v in opened["values"] if v["computed"]} == {
        "FC1.1",
        "FC1.2",
        "FC2.1",
        "BB2.4",
        "BB2.5",
        "BB2.6",
        "BB4.1",
        "BB6.3",
        "BB6.4",
    }
    again = ok(officer.post(f"{API}/submissions/", {"district": "760", "period": "2025"}), 200)
    assert again["id"] == opened["id"]
    url = f"{API}/submissions/{opened['id']}"

    values = every_value(
        {
            "BB2.1": Entry(numerator=8, denominator=10),
            "WB2.2": Entry(value="1200"),
            "BB5.2": Entry(value="72,5"),
        }
    )
    saved = ok(
        officer.patch(
            f"{url}/values/", {"version": opened["version"], "values": values}, format="json"
        )
    )
    assert saved["version"] == opened["version"] + 1
    bb21 = by_code(saved["values"])["BB2.1"]
    assert (bb21["value"], bb21["numerator"], bb21["denominator"]) == (80.0, 8.0, 10.0)
    assert by_code(saved["values"])["WB2.2"]["value"] == 1200.0
    assert by_code(saved["values"])["BB5.2"]["value"] == 72.5  # a decimal comma is accepted
    assert by_code(saved["values"])["FC1.1"]["value"] == 0.0  # computed: no committee yet

    assert ok(officer.post(f"{url}/submit/"))["status"] == "submitted"

    returned = ok(
        department.post(
            f"{url}/return/",
            {"comment": "", "value_comments": {"BB2.1": "Mẫu số chưa đúng."}},
            format="json",
        )
    )
    assert returned["status"] == "returned"
    assert by_code(returned["values"])["BB2.1"]["review_comment"] == "Mẫu số chưa đúng."
    assert by_code(returned["values"])["WB2.2"]["review_comment"] == ""

    fixed = ok(
        officer.patch(
            f"{url}/values/",
            {
                "version": returned["version"],
                "values": [{"indicator": "BB2.1", "numerator": "9", "denominator": "12"}],
            },
            format="json",
        )
    )
    assert by_code(fixed["values"])["BB2.1"]["value"] == 75.0
    assert ok(officer.post(f"{url}/submit/"))["status"] == "submitted"

    approved = ok(department.post(f"{url}/approve/", {"comment": "Đạt."}))
    assert approved["status"] == "approved" and approved["review_comment"] == "Đạt."
    assert by_code(approved["values"])["BB2.1"]["review_comment"] == ""

    # A correction: a new revision, which supersedes the approved one once approved in turn.
    revision = ok(officer.post(f"{url}/revise/"), 201)
    assert revision["revision"] == 2 and revision["status"] == "draft"
    assert by_code(revision["values"])["BB2.1"]["value"] == 75.0
    revision_url = f"{API}/submissions/{revision['id']}"
    # Until then the approved revision is what everyone else sees.
    city = status_of(department, period="2025", indicator="BB2.1")
    assert by_code(city["indicators"])["BB2.1"]["value"] == 75.0
    ok(
        officer.patch(
            f"{revision_url}/values/",
            {
                "version": revision["version"],
                "values": [{"indicator": "BB2.1", "numerator": 6, "denominator": 12}],
            },
            format="json",
        )
    )
    ok(officer.post(f"{revision_url}/submit/"))
    assert ok(department.post(f"{revision_url}/approve/"))["status"] == "approved"
    assert ok(department.get(f"{url}/"))["status"] == "superseded"
    city = status_of(department, period="2025", indicator="BB2.1")
    assert by_code(city["indicators"])["BB2.1"]["value"] == 50.0
    district = status_of(department, period="2025", district="760", indicator="BB2.1")
    assert district["submission"]["revision"] == 2
    assert by_code(district["indicators"])["BB2.1"]["revision"] == 2


def test_opening_an_approved_period_asks_for_a_revision(
    client_for, admin_user, officer_1, district_1, year_2025
):
    fill(district_1, year_2025, user=admin_user)
    response = client_for(officer_1).post(
        f"{API}/submissions/", {"district": "760", "period": "2025"}
    )
    assert response.status_code == 409, response.content


def test_stale_or_locked_values_are_refused_with_409(
    client_for, officer_1, admin_user, district_1, year_2025
):
    submission = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    client = client_for(officer_1)
    url = f"{API}/submissions/{submission.pk}/values/"
    body = {"version": submission.version, "values": [{"indicator": "WB2.2", "value": 5}]}
    ok(client.patch(url, body, format="json"))
    stale = client.patch(url, body, format="json")
    assert stale.status_code == 409, stale.content

    missing = client.patch(url, {"values": [{"indicator": "WB2.2", "value": 6}]}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["version"]

    fill(district_1, year_2025, user=admin_user, until=SubmissionStatus.SUBMITTED)
    submission.refresh_from_db()
    body = {"version": submission.version, "values": [{"indicator": "WB2.2", "value": 6}]}
    submitted = client.patch(url, body, format="json")
    assert submitted.status_code == 409, submitted.content
    assert client.post(f"{API}/submissions/{submission.pk}/submit/").status_code == 409
    assert Value.objects.get(submission=submission, indicator__code="WB2.2").value == 1


def test_submitting_with_missing_values_is_refused(client_for, officer_1, district_1, year_2025):
    submission = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    response = client_for(officer_1).post(f"{API}/submissions/{submission.pk}/submit/")
    assert response.status_code == 400, response.content
    assert "WB1.1" in response.json()["detail"]
    assert Submission.objects.get().status == SubmissionStatus.DRAFT


def test_returning_needs_a_comment(client_for, admin_user, reviewer, district_1, year_2025):
    submission = fill(district_1, year_2025, user=admin_user, until=SubmissionStatus.SUBMITTED)
    client = client_for(reviewer)
    url = f"{API}/submissions/{submission.pk}/return/"
    assert set(ok(client.post(url, {}, format="json"), 400)) == {"review_comment"}
    unknown = client.post(url, {"value_comments": {"XX9.9": "?"}}, format="json")
    assert unknown.status_code == 400, unknown.content
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


# --- Validation -----------------------------------------------------------------------------------


@pytest.fixture
def extra_indicators(db):
    """A plain percent and a yes/no indicator districts answer (the seed computes its yes/no)."""
    area = Area.objects.get(code="BB4")
    Indicator.objects.create(
        area=area, code="BB4.8", name="Tỷ lệ thử", unit=Unit.PERCENT, aggregation=Aggregation.MEAN
    )
    Indicator.objects.create(
        area=area,
        code="BB4.9",
        name="Có/không",
        unit=Unit.YES_NO,
        aggregation=Aggregation.SHARE_YES,
    )


@pytest.mark.parametrize(
    ("code", "entry"),
    [
        ("BB4.8", {"value": 120}),  # percent above 100
        ("BB2.1", {"numerator": 11, "denominator": 10}),  # numerator above denominator
        ("BB2.1", {"numerator": 5}),  # half a ratio
        ("WB2.2", {"value": 2.5}),  # a count is whole
        ("BB4.9", {"value": 2}),  # yes/no is 0 or 1
        ("WB2.2", {"value": "abc"}),  # not a number
        ("BB5.2", {"value": -1}),  # negative
        ("XX9.9", {"value": 1}),  # no such indicator
    ],
)
def test_a_wrong_value_is_reported_by_code_and_nothing_is_saved(
    client_for, officer_1, district_1, year_2025, extra_indicators, code, entry
):
    submission = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    response = client_for(officer_1).patch(
        f"{API}/submissions/{submission.pk}/values/",
        {
            "version": submission.version,
            "values": [
                {"indicator": "WB3.1", "value": 7},
                {"indicator": "BB4.2", "numerator": 1, "denominator": 4},
                {"indicator": code, **entry},
            ],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [code]
    submission.refresh_from_db()
    assert submission.version == 1
    assert not submission.values.filter(indicator__computed="").exclude(value=None).exists()


def test_values_request_shape_is_checked(client_for, officer_1, district_1, year_2025):
    submission = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    url = f"{API}/submissions/{submission.pk}/values/"
    client = client_for(officer_1)
    twice = client.patch(
        url,
        {
            "version": 1,
            "values": [{"indicator": "WB2.2", "value": 1}, {"indicator": "WB2.2", "value": 2}],
        },
        format="json",
    )
    assert set(ok(twice, 400)) == {"values"}
    assert set(ok(client.patch(url, {}, format="json"), 400)) == {"values", "version"}
    boolean = client.patch(
        url, {"version": 1, "values": [{"indicator": "WB2.2", "value": True}]}, format="json"
    )
    assert boolean.status_code == 400, boolean.content


def test_computed_values_sent_are_ignored(client_for, officer_1, district_1, year_2025):
    submission = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    body = ok(
        client_for(officer_1).patch(
            f"{API}/submissions/{submission.pk}/values/",
            {"version": submission.version, "values": [{"indicator": "FC1.1", "value": 1}]},
            format="json",
        )
    )
    assert by_code(body["values"])["FC1.1"]["value"] == 0.0


# --- Permissions ----------------------------------------------------------------------------------


def test_officer_of_another_district_neither_sees_nor_writes(
    client_for, officer_1, officer_3, district_1, year_2025
):
    submission = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    client = client_for(officer_3)
    url = f"{API}/submissions/{submission.pk}"
    assert client.get(f"{url}/").status_code == 404
    assert ok(client.get(f"{API}/submissions/"))["count"] == 0
    values = {"values": [{"indicator": "WB2.2", "value": 1}]}
    assert client.patch(f"{url}/values/", values, format="json").status_code == 404
    assert client.post(f"{url}/submit/").status_code == 404
    assert client.post(f"{url}/revise/").status_code == 404
    opened = client.post(f"{API}/submissions/", {"district": "760", "period": "2025"})
    assert opened.status_code == 403, opened.content
    assert Submission.objects.count() == 1


def test_officer_cannot_approve_or_return_their_own(client_for, officer_1, district_1, year_2025):
    submission = fill(district_1, year_2025, user=officer_1, until=SubmissionStatus.SUBMITTED)
    client = client_for(officer_1)
    url = f"{API}/submissions/{submission.pk}"
    assert client.post(f"{url}/approve/").status_code == 404
    returned = client.post(f"{url}/return/", {"comment": "?"}, format="json")
    assert returned.status_code == 404
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_reviewer_reviews_but_does_not_write_or_see_drafts(
    client_for, reviewer, officer_1, admin_user, district_1, district_3, year_2025
):
    draft = services.submission_open(user=officer_1, district=district_1, period=year_2025)
    submitted = fill(district_3, year_2025, user=admin_user, until=SubmissionStatus.SUBMITTED)
    client = client_for(reviewer)
    assert [row["id"] for row in ok(client.get(f"{API}/submissions/"))["results"]] == [submitted.pk]
    assert client.get(f"{API}/submissions/{draft.pk}/").status_code == 404
    values = {"values": [{"indicator": "WB2.2", "value": 1}]}
    url = f"{API}/submissions/{submitted.pk}"
    assert client.patch(f"{url}/values/", values, format="json").status_code == 404
    opened = client.post(f"{API}/submissions/", {"district": "760", "period": "2025"})
    assert opened.status_code == 403
    assert client.post(f"{API}/submissions/{draft.pk}/approve/").status_code == 404


def test_api_consumer_reads_approved_only_and_never_writes(
    client_for, api_consumer, admin_user, district_1, district_3, year_2025
):
    approved = fill(district_1, year_2025, user=admin_user)
    submitted = fill(district_3, year_2025, user=admin_user, until=SubmissionStatus.SUBMITTED)
    client = client_for(api_consumer)
    assert [row["id"] for row in ok(client.get(f"{API}/submissions/"))["results"]] == [approved.pk]
    assert client.get(f"{API}/submissions/{submitted.pk}/").status_code == 404
    assert client.get(f"{API}/submissions/", {"status": "submitted"}).json()["count"] == 0
    for response in (
        client.post(f"{API}/submissions/", {"district": "760", "period": "2025"}),
        client.patch(f"{API}/submissions/{approved.pk}/values/", {"values": []}, format="json"),
        client.post(f"{API}/submissions/{submitted.pk}/approve/"),
        client.post(f"{API}/submissions/{approved.pk}/revise/"),
    ):
        assert response.status_code == 403, response.content


def test_submission_filters(client_for, admin_user, district_1, district_3, year_2024, year_2025):
    one = fill(district_1, year_2025, user=admin_user)
    three = fill(district_3, year_2025, user=admin_user, until=SubmissionStatus.SUBMITTED)
    old = fill(district_1, year_2024, user=admin_user)
    client = client_for(admin_user)

    def ids(**params):
        return {row["id"] for row in ok(client.get(f"{API}/submissions/", params))["results"]}

    assert ids() == {one.pk, three.pk, old.pk}
    assert ids(district="760") == {one.pk, old.pk}
    assert ids(period="2025") == {one.pk, three.pk}
    assert ids(status="submitted") == {three.pk}
    assert ok(client.get(f"{API}/submissions/", {"status": "nope"}), 400)


# --- Indicator status -----------------------------------------------------------------------------


@pytest.fixture
def any_coverage(db):
    """The Department judges city values against their targets whatever their coverage."""
    Framework.objects.filter(is_current=True).update(min_coverage=0)


@pytest.fixture
def two_approved(admin_user, district_1, district_3, year_2025, hcmc, any_coverage):
    """District 1 and District 3 approved for 2025, District 1 with a steering committee;
    District 4 submitted with outlandish values that must not count."""
    district_services.committee_establish(
        user=admin_user,
        district=district_1,
        number="01/QĐ-UBND",
        issued_on=datetime.date(2025, 3, 1),
        signer="Nguyễn Văn A",
    )
    fill(
        district_1,
        year_2025,
        user=admin_user,
        overrides={
            "WB2.2": Entry(value=1200),
            "BB2.1": Entry(numerator=8, denominator=10),
            "BB5.2": Entry(value=80),
        },
    )
    fill(
        district_3,
        year_2025,
        user=admin_user,
        overrides={
            "WB2.2": Entry(value=800),
            "BB2.1": Entry(numerator=3, denominator=10),
            "BB5.2": Entry(value=65),
        },
    )
    fill(
        AdministrativeUnit.objects.get(level="district", code="773"),
        year_2025,
        user=admin_user,
        until=SubmissionStatus.SUBMITTED,
        overrides={
            "WB2.2": Entry(value=100000),
            "BB2.1": Entry(numerator=1000, denominator=1000),
            "BB5.2": Entry(value=1),
        },
    )


def test_city_rollup_computed_by_hand(client_for, api_consumer, two_approved):
    body = status_of(client_for(api_consumer), period="2025")
    rows = by_code(body["indicators"])
    assert len(rows) == 30 and body["district"] is None
    assert body["completeness"] == {"districts": 22, "started": 3, "submitted": 3, "approved": 2}
    assert body["status_rule"].startswith("Đạt tiến độ")  # the rule, in the user's language

    # Sum: 1200 + 800 (District 4's 100000 is not approved).
    assert rows["WB2.2"]["value"] == 2000.0 and rows["WB2.2"]["districts_counted"] == 2
    assert rows["WB2.2"]["target"] is None and rows["WB2.2"]["status"] == "no_target"
    # Weighted: (8 + 3) / (10 + 10) = 55 %; the target for 2025 is 70, short by more than 7.
    bb21 = rows["BB2.1"]
    assert (bb21["value"], bb21["target"], bb21["status"]) == (55.0, 70.0, "off_track")
    assert bb21["aggregation"] == "weighted_mean" and bb21["status_label"]
    two_of_22 = {"districts": 2, "due": 22, "computed": False}
    assert bb21["trend"] == [{"period": "2025", "value": 55.0, "coverage": two_of_22}]
    assert bb21["coverage"] == two_of_22 and bb21["computed"] is False
    assert bb21["updated"] is not None
    assert bb21["districts"] == [
        {"district": {"code": "760", "name": "Quận 1"}, "value": 80.0, "status": "on_track"},
        {"district": {"code": "770", "name": "Quận 3"}, "value": 30.0, "status": "off_track"},
    ]
    # Mean: (80 + 65) / 2 = 72.5 against 70.
    assert (rows["BB5.2"]["value"], rows["BB5.2"]["status"]) == (72.5, "on_track")
    # Computed, share of yes: one of the city's 22 districts has a committee, whatever the
    # districts' submissions; every district has its value from the register.
    fc11 = rows["FC1.1"]
    assert (fc11["value"], fc11["target"], fc11["status"]) == (4.5455, 100.0, "off_track")
    assert fc11["coverage"] == {"districts": 22, "due": 22, "computed": True}
    assert fc11["computed"] is True
    assert len(fc11["districts"]) == 22
    assert {d["district"]["code"]: d["value"] for d in fc11["districts"]}["760"] == 1.0
    assert sum(d["value"] for d in fc11["districts"]) == 1.0


@pytest.mark.parametrize(
    ("district_1_ratio", "district_3_ratio", "value", "status"),
    [
        ((8, 10), (3, 10), 55.0, "off_track"),
        ((9, 10), (4, 10), 65.0, "at_risk"),
        ((9, 10), (5, 10), 70.0, "on_track"),
        ((1, 4), (15, 16), 80.0, "on_track"),  # weighted by the denominators, not 59.4
    ],
)
def test_weighted_status_against_the_target(
    any_coverage,
    client_for,
    reviewer,
    admin_user,
    district_1,
    district_3,
    year_2025,
    district_1_ratio,
    district_3_ratio,
    value,
    status,
):
    for district, (numerator, denominator) in (
        (district_1, district_1_ratio),
        (district_3, district_3_ratio),
    ):
        fill(
            district,
            year_2025,
            user=admin_user,
            overrides={"BB2.1": Entry(numerator=numerator, denominator=denominator)},
        )
    body = status_of(client_for(reviewer), period="2025", indicator="BB2.1")
    assert [(r["code"], r["value"], r["status"]) for r in body["indicators"]] == [
        ("BB2.1", value, status)
    ]


def test_city_trend_over_year_periods(
    client_for, reviewer, admin_user, district_1, two_approved, year_2024
):
    fill(
        district_1,
        year_2024,
        user=admin_user,
        overrides={"BB2.1": Entry(numerator=3, denominator=5)},
    )
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2026)  # after: not in the trend
    ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)  # not a year
    client = client_for(reviewer)
    bb21 = by_code(status_of(client, period="2025", area="BB2")["indicators"])["BB2.1"]

    def points(row):
        return [(p["period"], p["value"], p["coverage"]["districts"]) for p in row["trend"]]

    assert points(bb21) == [("2024", 60.0, 1), ("2025", 55.0, 2)]
    earlier = by_code(status_of(client, period="2024", indicator="BB2.1")["indicators"])["BB2.1"]
    assert points(earlier) == [("2024", 60.0, 1)]
    assert earlier["districts_counted"] == 1
    assert earlier["coverage"] == {"districts": 1, "due": 22, "computed": False}
    half = by_code(status_of(client, period="2025-H1", indicator="BB2.1")["indicators"])["BB2.1"]
    assert half["value"] is None and half["status"] == "no_data"
    assert points(half) == [("2024", 60.0, 1)]


def test_status_filters(client_for, reviewer, year_2025):
    client = client_for(reviewer)
    area = status_of(client, period="2025", area="BB4")["indicators"]
    assert [row["code"] for row in area] == ["BB4.1", "BB4.2", "BB4.3"]
    assert all(row["value"] is None and row["status"] == "no_data" for row in area)
    assert [
        r["code"] for r in status_of(client, period="2025", indicator="FC1.1")["indicators"]
    ] == ["FC1.1"]


def test_officer_sees_the_city_but_only_their_own_district_in_the_breakdown(
    client_for, officer_3, two_approved
):
    rows = by_code(status_of(client_for(officer_3), period="2025")["indicators"])
    assert rows["BB2.1"]["value"] == 55.0
    assert rows["BB2.1"]["districts"] == [
        {"district": {"code": "770", "name": "Quận 3"}, "value": 30.0, "status": "off_track"}
    ]


def test_city_breakdown_comes_in_pages_of_districts(client_for, api_consumer, two_approved):
    client = client_for(api_consumer)
    first = status_of(client, period="2025", page_size=5)
    assert (first["count"], first["previous"]) == (22, None) and "page=2" in first["next"]
    bb21 = by_code(first["indicators"])["BB2.1"]
    assert bb21["value"] == 55.0  # the city's figure on every page
    assert [row["district"]["code"] for row in bb21["districts"]] == ["760"]
    second = status_of(client, period="2025", page_size=5, page=2)
    assert second["completeness"] == first["completeness"]
    bb21 = by_code(second["indicators"])["BB2.1"]
    assert bb21["value"] == 55.0
    assert [row["district"]["code"] for row in bb21["districts"]] == ["770"]
    assert status_of(client, period="2025")["next"] is None  # a city's districts fit one page


def test_district_view_approved_values(client_for, api_consumer, two_approved, year_2024):
    body = status_of(client_for(api_consumer), period="2025", district="760")
    assert body["district"] == {"code": "760", "name": "Quận 1"}
    assert body["submission"]["status"] == "approved" and body["submission"]["revision"] == 1
    assert body["completeness"]["approved"] == 2
    bb21 = by_code(body["indicators"])["BB2.1"]
    assert (bb21["value"], bb21["numerator"], bb21["denominator"]) == (80.0, 8.0, 10.0)
    assert (bb21["target"], bb21["status"]) == (70.0, "on_track")
    assert bb21["submission_status"] == "approved" and bb21["revision"] == 1
    assert bb21["trend"] == [{"period": "2025", "value": 80.0}]  # 2024 was never approved
    assert by_code(body["indicators"])["FC1.1"]["value"] == 1.0
    nothing = status_of(client_for(api_consumer), period="2025", district="761")
    assert nothing["submission"] is None
    entered = [row for row in nothing["indicators"] if not row["computed"]]
    assert {row["status"] for row in entered} == {"no_data"}
    # Computed indicators come from the registers, with or without a submission.
    fc11 = by_code(nothing["indicators"])["FC1.1"]
    assert (fc11["value"], fc11["status"]) == (0.0, "off_track")
    assert fc11["trend"] == [{"period": "2024", "value": 0.0}, {"period": "2025", "value": 0.0}]


def test_district_view_shows_open_work_to_its_own_officers_only(
    client_for, officer_1, reviewer, api_consumer, admin_user, district_1, year_2025
):
    approved = fill(district_1, year_2025, user=admin_user, overrides={"WB2.2": Entry(value=10)})
    revision = services.submission_revise(user=officer_1, submission=approved)
    services.values_save(user=officer_1, submission=revision, entries={"WB2.2": Entry(value=99)})

    mine = status_of(client_for(officer_1), period="2025", district="760", indicator="WB2.2")
    assert mine["submission"]["status"] == "draft" and mine["submission"]["revision"] == 2
    assert by_code(mine["indicators"])["WB2.2"]["value"] == 99.0
    assert by_code(mine["indicators"])["WB2.2"]["trend"] == [{"period": "2025", "value": 10.0}]
    for user in (reviewer, api_consumer):
        theirs = status_of(client_for(user), period="2025", district="760", indicator="WB2.2")
        assert theirs["submission"]["status"] == "approved"
        assert by_code(theirs["indicators"])["WB2.2"]["value"] == 10.0
    city = status_of(client_for(officer_1), period="2025", indicator="WB2.2")
    assert by_code(city["indicators"])["WB2.2"]["value"] == 10.0


def test_status_refusals(client_for, officer_3, reviewer, hcmc, year_2025):
    unknown_period = client_for(reviewer).get(f"{API}/indicator-status/", {"period": "2019"})
    assert set(ok(unknown_period, 400)) == {"period"}
    assert client_for(reviewer).get(f"{API}/indicator-status/").status_code == 400
    unknown_district = client_for(reviewer).get(
        f"{API}/indicator-status/", {"period": "2025", "district": "999"}
    )
    assert unknown_district.status_code == 404
    other = client_for(officer_3).get(
        f"{API}/indicator-status/", {"period": "2025", "district": "760"}
    )
    assert other.status_code == 404
    assert APIClient().get(f"{API}/indicator-status/", {"period": "2025"}).status_code in (401, 403)


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/indicator-status/?period=2025",
        "/indicator-status/?period=2025&district=760",
        "/submissions/",
    ],
)
def test_query_count_does_not_grow_with_districts_or_years(
    client_for, admin_user, reviewer, hcmc, year_2024, year_2025, url
):
    client = client_for(reviewer)
    districts = list(AdministrativeUnit.objects.districts().order_by("code"))

    def get():
        with CaptureQueriesContext(connection) as queries:
            ok(client.get(f"{API}{url}"))
        return len(queries)

    for district in districts[:2]:
        fill(district, year_2025, user=admin_user)
    small = get()
    for district in districts[2:10]:
        fill(district, year_2025, user=admin_user)
    for district in districts[:10]:
        fill(district, year_2024, user=admin_user)
    assert get() == small
    body = ok(client.get(f"{API}{url}"))
    if "district=" in url:
        assert len(by_code(body["indicators"])["WB2.2"]["trend"]) == 2
    elif "indicator-status" in url:
        wb22 = by_code(body["indicators"])["WB2.2"]
        assert wb22["value"] == 10.0 and len(wb22["districts"]) == 10
        assert len(wb22["trend"]) == 2
    else:
        assert body["count"] == 20
