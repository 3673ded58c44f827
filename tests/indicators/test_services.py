"""Indicator submissions: validation by unit, workflow, revisions, computed values, roll-ups."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from districts import services as district_services
from indicators import selectors, services
from indicators.choices import Status, SubmissionStatus
from indicators.models import Indicator, Submission, Value
from indicators.services import Entry
from learningcity.models import ReportingPeriod
from learningcity.workflow import ConflictError


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def framework(db):
    return selectors.current_framework()


def full_entries(**overrides) -> dict[str, Entry]:
    """A plausible value for every indicator districts enter; ``overrides`` by code."""
    entries = {}
    for indicator in Indicator.objects.filter(computed=""):
        if indicator.is_ratio:
            entries[indicator.code] = Entry(numerator=50, denominator=100)
        else:
            entries[indicator.code] = Entry(value=10)
    entries.update({code.replace("_", "."): entry for code, entry in overrides.items()})
    return entries


def approve(officer, reviewer, period, **overrides) -> Submission:
    submission = services.submission_open(user=officer, district=officer.unit, period=period)
    services.values_save(user=officer, submission=submission, entries=full_entries(**overrides))
    submission = services.submission_submit(user=officer, submission=submission)
    return services.submission_approve(user=reviewer, submission=submission)


def value_of(submission, code) -> Value:
    return submission.values.get(indicator__code=code)


def test_opening_creates_one_value_per_indicator_with_computed_ones_filled(officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    assert submission.values.count() == Indicator.objects.count()
    assert value_of(submission, "FC1.1").value == 0  # no committee yet
    again = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    assert again.pk == submission.pk


def test_computed_values_follow_the_source_data(officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    district_services.committee_establish(
        user=officer_1,
        district=officer_1.unit,
        number="1/QĐ",
        issued_on=datetime.date(2025, 3, 1),
        signer="Chủ tịch",
    )
    assert value_of(submission, "FC1.1").value == 1
    # A value sent for a computed indicator is ignored.
    services.values_save(user=officer_1, submission=submission, entries={"FC1.1": Entry(value=0)})
    assert value_of(submission, "FC1.1").value == 1


@pytest.mark.parametrize(
    ("code", "entry", "message"),
    [
        ("WB3.1", Entry(value="2.5"), "whole number"),
        ("WB3.1", Entry(value="-1"), "negative"),
        ("WB3.1", Entry(value="abc"), "number"),
        ("BB5.2", Entry(value="101"), "exceed 100"),
        ("BB2.1", Entry(numerator=11, denominator=10), "numerator cannot exceed"),
        ("BB2.1", Entry(numerator=5), "both"),
        ("BB2.1", Entry(numerator=0, denominator=0), "above zero"),
    ],
)
def test_values_are_checked_by_unit_and_nothing_is_saved(
    officer_1, year_2025, code, entry, message
):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    with pytest.raises(ValidationError) as excinfo:
        services.values_save(
            user=officer_1,
            submission=submission,
            entries={"WB2.2": Entry(value=500), code: entry},
        )
    assert list(excinfo.value.message_dict) == [code]
    assert message in " ".join(excinfo.value.message_dict[code])
    assert value_of(submission, "WB2.2").value is None


def test_ratio_value_is_the_percentage(officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    services.values_save(
        user=officer_1,
        submission=submission,
        entries={
            "BB2.2": Entry(numerator="2", denominator="3"),
            "BB2.1": Entry(numerator="12,5", denominator=25),
        },
    )
    assert value_of(submission, "BB2.2").value == Decimal("66.6667")
    assert value_of(submission, "BB2.1").value == Decimal("50.0000")


def test_submit_needs_every_value(officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    with pytest.raises(ValidationError, match=r"WB1\.1"):
        services.submission_submit(user=officer_1, submission=submission)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_workflow_with_value_comments_and_revision(officer_1, reviewer, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    services.values_save(user=officer_1, submission=submission, entries=full_entries())
    submission = services.submission_submit(user=officer_1, submission=submission)
    with pytest.raises(PermissionDenied):
        services.submission_approve(user=officer_1, submission=submission)
    with pytest.raises(ValidationError):
        services.submission_return(user=reviewer, submission=submission)
    submission = services.submission_return(
        user=reviewer, submission=submission, value_comments={"WB2.2": "Kiểm tra lại số lượt"}
    )
    assert submission.status == SubmissionStatus.RETURNED
    assert value_of(submission, "WB2.2").review_comment == "Kiểm tra lại số lượt"
    services.values_save(
        user=officer_1,
        submission=submission,
        entries={"WB2.2": Entry(value=1200)},
        version=submission.version,
    )
    submission = services.submission_submit(user=officer_1, submission=submission)
    submission = services.submission_approve(user=reviewer, submission=submission)
    assert submission.status == SubmissionStatus.APPROVED
    assert value_of(submission, "WB2.2").review_comment == ""
    with pytest.raises(ConflictError):
        services.values_save(user=officer_1, submission=submission, entries={})
    with pytest.raises(ConflictError):
        services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)

    revision = services.submission_revise(user=officer_1, submission=submission)
    assert revision.revision == 2 and value_of(revision, "WB2.2").value == 1200
    services.values_save(user=officer_1, submission=revision, entries={"WB2.2": Entry(value=1300)})
    services.submission_submit(user=officer_1, submission=revision)
    services.submission_approve(user=reviewer, submission=revision)
    statuses = dict(Submission.objects.values_list("revision", "status"))
    assert statuses == {1: SubmissionStatus.SUPERSEDED, 2: SubmissionStatus.APPROVED}


def test_stale_values_are_refused(officer_1, year_2025):
    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    services.values_save(
        user=officer_1,
        submission=submission,
        entries={"WB2.2": Entry(value=1)},
        version=submission.version,
    )
    with pytest.raises(ConflictError):
        services.values_save(
            user=officer_1,
            submission=submission,
            entries={"WB2.2": Entry(value=2)},
            version=submission.version,
        )
    assert value_of(submission, "WB2.2").value == 1


def test_officer_cannot_open_another_district(officer_1, district_3, year_2025):
    with pytest.raises(PermissionDenied):
        services.submission_open(user=officer_1, district=district_3, period=year_2025)
    assert not Submission.objects.exists()


def test_city_rollup_by_hand(officer_1, officer_3, reviewer, year_2025, framework):
    """Two approved districts and one submitted: only the approved count in the entered
    indicators; the computed ones count every district's register.

    WB2.2 (sum): 1200 + 800 = 2000.  BB2.1 (weighted): (8 + 3) / (10 + 10) = 55%, target 70 ->
    off track (gap 15 > 7).  BB5.2 (mean): (60 + 80) / 2 = 70, target 70 -> on track.
    FC1.1 (share yes, computed): Quận 1 of the city's 22 districts has a committee -> 1/22.
    Judged whatever their coverage (the Department's threshold set to 0).
    """
    framework.min_coverage = 0
    framework.save()
    district_services.committee_establish(
        user=officer_1,
        district=officer_1.unit,
        number="1/QĐ",
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch",
    )
    approve(
        officer_1,
        reviewer,
        year_2025,
        WB2_2=Entry(value=1200),
        BB2_1=Entry(numerator=8, denominator=10),
        BB5_2=Entry(value=60),
    )
    approve(
        officer_3,
        reviewer,
        year_2025,
        WB2_2=Entry(value=800),
        BB2_1=Entry(numerator=3, denominator=10),
        BB5_2=Entry(value=80),
    )
    officer_x = officer_1.__class__.objects.create(
        username="q4",
        role="district_officer",
        unit=officer_1.unit.__class__.objects.get(code="773"),
    )
    pending = services.submission_open(user=officer_x, district=officer_x.unit, period=year_2025)
    services.values_save(
        user=officer_x, submission=pending, entries=full_entries(WB2_2=Entry(value=99999))
    )
    services.submission_submit(user=officer_x, submission=pending)

    city = {
        c.indicator.code: c for c in selectors.city_rollup(framework=framework, period=year_2025)
    }
    assert city["WB2.2"].value == 2000 and city["WB2.2"].districts == 2
    assert city["BB2.1"].value == 55 and city["BB2.1"].target == 70
    assert city["BB2.1"].status == Status.OFF_TRACK
    assert city["BB5.2"].value == 70 and city["BB5.2"].status == Status.ON_TRACK
    assert city["FC1.1"].value == Decimal("4.5455")
    assert (city["FC1.1"].coverage.districts, city["FC1.1"].coverage.due) == (22, 22)
    assert (city["WB2.2"].coverage.districts, city["WB2.2"].coverage.due) == (2, 22)
    assert city["WB3.1"].status == Status.NO_TARGET
    assert selectors.completeness(
        period=year_2025, district_ids=[officer_1.unit_id, officer_3.unit_id, officer_x.unit_id]
    ) == {
        "started": 3,
        "submitted": 3,
        "approved": 2,
    }


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (70, Status.ON_TRACK),
        (65, Status.AT_RISK),
        (63, Status.AT_RISK),
        (62.9, Status.OFF_TRACK),
        (None, Status.NO_DATA),
    ],
)
def test_status_rule(framework, value, status):
    indicator = selectors.framework_indicators(framework=framework).get(code="BB2.1")  # 70 in 2025
    number = None if value is None else Decimal(str(value))
    assert selectors.status_of(indicator, number, 2025) == status


def test_targets_are_interpolated_between_set_years(framework):
    indicator = selectors.framework_indicators(framework=framework).get(code="BB4.3")  # 70 -> 90
    assert selectors.target_for(indicator, 2025) == 70
    assert selectors.target_for(indicator, 2027) == 78
    assert selectors.target_for(indicator, 2030) == 90
    assert selectors.target_for(indicator, 2031) == 90
    assert selectors.target_for(indicator, 2024) == 70


def test_trend_over_years_and_warnings(officer_1, reviewer, framework):
    y2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    y2025 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    approve(officer_1, reviewer, y2024, WB2_2=Entry(value=1000))
    current = services.submission_open(user=officer_1, district=officer_1.unit, period=y2025)
    services.values_save(
        user=officer_1, submission=current, entries=full_entries(WB2_2=Entry(value=3000))
    )
    warnings = selectors.value_warnings(submission=current)
    assert warnings == {value_of(current, "WB2.2").pk: Decimal("1000.0000")}
    services.submission_submit(user=officer_1, submission=current)
    services.submission_approve(user=reviewer, submission=current)
    trend = selectors.city_trend(framework=framework, periods=[y2024, y2025])
    wb22 = Indicator.objects.get(code="WB2.2")
    assert trend[wb22.pk] == [Decimal(1000), Decimal(3000)]


def test_a_used_framework_refuses_breaking_changes(officer_1, reviewer, year_2025, framework):
    approve(officer_1, reviewer, year_2025)
    indicator = Indicator.objects.get(code="WB2.2")
    indicator.unit = "percent"
    with pytest.raises(ValidationError, match="new version"):
        indicator.full_clean()
    indicator.refresh_from_db()
    indicator.name_en = "Lifelong Learning Week participants"
    indicator.full_clean()  # wording may still be improved


def test_a_districts_yes_meets_a_share_of_yes_target(framework):
    indicator = selectors.framework_indicators(framework=framework).get(code="FC1.1")  # 100 %
    assert selectors.district_status_of(indicator, Decimal(1), 2025) == Status.ON_TRACK
    assert selectors.district_status_of(indicator, Decimal(0), 2025) == Status.OFF_TRACK
    assert selectors.district_status_of(indicator, None, 2025) == Status.NO_DATA


def test_centre_figures_are_computed_from_the_clc_registry(officer_1, year_2025, hcmc):
    from tests.clc.helpers import accepted_report, register, report, ward

    submission = services.submission_open(user=officer_1, district=officer_1.unit, period=year_2025)
    assert value_of(submission, "BB2.4").value == 0
    assert value_of(submission, "BB2.6").value is None  # no centre: no share
    first = register(officer_1, ward(officer_1.unit, 0))
    second = register(officer_1, ward(officer_1.unit, 1))
    accepted_report(officer_1, first)
    report(officer_1, second)  # a draft does not count
    assert value_of(submission, "BB2.4").value == 2
    share = value_of(submission, "BB2.6")
    assert (share.numerator, share.denominator, share.value) == (1, 2, 50)
    # Computed values are not asked of the district when it submits.
    services.values_save(user=officer_1, submission=submission, entries=full_entries())
    services.submission_submit(user=officer_1, submission=submission)
