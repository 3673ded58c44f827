"""The stored city figures of entered indicators: kept by every approval, equal to adding up
the approved values. Computed indicators have none (their city values come from the registers)."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction

from indicators import selectors, services
from indicators.choices import SubmissionStatus
from indicators.models import CityFigure, Indicator, Submission, Value
from indicators.services import Entry
from learningcity.models import ReportingPeriod
from tests.indicators.test_services import approve, full_entries
from tests.integration.conftest import missing
from tests.reference_data import reseed


def added_up(period) -> dict[str, Decimal | None]:
    """Each entered indicator's city value worked out here, from the approved values one by one."""
    result = {}
    for indicator in Indicator.objects.filter(area__group__framework__is_current=True, computed=""):
        values = Value.objects.filter(
            indicator=indicator,
            submission__period=period,
            submission__status=SubmissionStatus.APPROVED,
        )
        given = [v for v in values if v.value is not None]
        if not given:
            result[indicator.code] = None
            continue
        total = sum(v.value for v in given)
        if indicator.aggregation == "sum":
            city = total
        elif indicator.aggregation == "mean":
            city = total / len(given)
        elif indicator.aggregation == "weighted_mean":
            city = sum(v.numerator for v in given) * 100 / sum(v.denominator for v in given)
        else:
            city = Decimal(sum(1 for v in given if v.value == 1)) * 100 / len(given)
        result[indicator.code] = city.quantize(Decimal("0.0001"))
    return result


def stored(period) -> dict[str, Decimal | None]:
    framework = selectors.current_framework()
    return {
        c.indicator.code: c.value
        for c in selectors.city_rollup(framework=framework, period=period)
        if not c.computed
    }


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


def test_each_approval_and_revision_keeps_the_figures(officer_1, officer_3, reviewer, year_2025):
    approve(officer_1, reviewer, year_2025, WB2_2=Entry(value=1200), BB5_2=Entry(value=61))
    assert stored(year_2025)["WB2.2"] == 1200
    approve(officer_3, reviewer, year_2025, WB2_2=Entry(value=800), BB5_2=Entry(value=80))
    assert stored(year_2025) == added_up(year_2025)
    assert stored(year_2025)["WB2.2"] == 2000 and stored(year_2025)["BB5.2"] == Decimal("70.5")

    # A revision counts once approved, in place of the revision it supersedes.
    first = Submission.objects.get(district=officer_1.unit, status=SubmissionStatus.APPROVED)
    revision = services.submission_revise(user=officer_1, submission=first)
    services.values_save(user=officer_1, submission=revision, entries={"WB2.2": Entry(value=1300)})
    services.submission_submit(user=officer_1, submission=revision)
    assert stored(year_2025)["WB2.2"] == 2000  # still the approved revision's
    services.submission_approve(user=reviewer, submission=revision)
    assert stored(year_2025)["WB2.2"] == 2100
    assert stored(year_2025) == added_up(year_2025)
    # One row per entered indicator and period, whatever the number of approvals.
    indicators = Indicator.objects.filter(
        area__group__framework__is_current=True, computed=""
    ).count()
    assert CityFigure.objects.filter(period=year_2025).count() == indicators


def test_another_periods_figures_are_left_alone(officer_1, reviewer, year_2025):
    year_2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    approve(officer_1, reviewer, year_2024, WB2_2=Entry(value=500))
    approve(officer_1, reviewer, year_2025, WB2_2=Entry(value=700))
    framework = selectors.current_framework()
    wb22 = Indicator.objects.get(code="WB2.2")
    trend = selectors.city_trend(framework=framework, periods=[year_2024, year_2025])
    assert trend[wb22.pk] == [500, 700]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_of_one_period_at_once_both_count(officer_1, officer_3, reviewer):
    """The first approval holds its transaction open while the second runs: the second waits
    for the period's lock, then adds up with the first's values committed."""
    if connection.vendor != "postgresql":
        missing("Concurrent approvals need PostgreSQL: set DATABASE_URL=postgres://…")
    reseed()  # a transactional test before this one may have emptied the framework's tables
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    pending = []
    for officer, value in ((officer_1, 1200), (officer_3, 800)):
        submission = services.submission_open(user=officer, district=officer.unit, period=period)
        services.values_save(
            user=officer, submission=submission, entries=full_entries(WB2_2=Entry(value=value))
        )
        pending.append(services.submission_submit(user=officer, submission=submission))

    first_approved, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                services.submission_approve(user=reviewer, submission=pending[0])
                first_approved.set()
                release.wait(timeout=30)
        except Exception as error:  # reported by the test below
            errors.append(error)
        finally:
            first_approved.set()
            close_old_connections()

    def second():
        try:
            first_approved.wait(timeout=30)
            services.submission_approve(user=reviewer, submission=pending[1])
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(timeout=0.5)  # the second is waiting for the lock held by the first
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert stored(period)["WB2.2"] == 2000
    assert stored(period) == added_up(period)
