"""Computed indicators read from the registers for every district; entered ones judged only
when enough of the districts due have approved values."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from clc.models import ActivityReport, Centre
from districts import services as district_services
from districts.models import AdministrativeUnit
from indicators import selectors
from indicators.choices import Status
from indicators.models import Framework, Indicator
from indicators.services import Entry
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.models import Obligation
from learningcity.models import ReportingPeriod
from tests.indicators.test_services import approve


@pytest.fixture
def year_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)


@pytest.fixture
def wb11(db):
    """An entered ratio indicator with a target of 40 in 2025."""
    return selectors.framework_indicators(framework=selectors.current_framework()).get(code="WB1.1")


# --- the status rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("districts", "due", "min_coverage", "value", "status"),
    [
        (22, 22, 100, Decimal(45), Status.ON_TRACK),  # every district: judged
        (21, 22, 100, Decimal(45), Status.NOT_ENOUGH_DATA),  # one missing: never "on track"
        (21, 22, 100, Decimal(10), Status.NOT_ENOUGH_DATA),  # nor "off track"
        (11, 22, 50, Decimal(45), Status.ON_TRACK),  # exactly the threshold: judged
        (10, 22, 50, Decimal(45), Status.NOT_ENOUGH_DATA),
        (10, 22, 50, Decimal(37), Status.NOT_ENOUGH_DATA),
        (1, 22, 0, Decimal(37), Status.AT_RISK),  # the Department judges any coverage
        (0, 22, 100, None, Status.NO_DATA),  # nothing to judge: no data, not "not enough"
        (3, 3, 100, Decimal(45), Status.ON_TRACK),  # three districts due, all in
    ],
)
def test_city_status_needs_the_departments_coverage(
    wb11, districts, due, min_coverage, value, status
):
    coverage = selectors.Coverage(districts=districts, due=due)
    assert (
        selectors.city_status_of(wb11, value, 2025, coverage=coverage, min_coverage=min_coverage)
        == status
    )


def test_districts_due_are_the_obligations_units_or_every_district(hcmc, year_2025):
    year_2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    half = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)
    named = Obligation.objects.create(
        kind=ObligationKind.INDICATOR_SUBMISSION,
        period=year_2025,
        due_date=datetime.date(2026, 1, 31),
    )
    named.units.set(AdministrativeUnit.objects.filter(level="district")[:3])
    Obligation.objects.create(
        kind=ObligationKind.INDICATOR_SUBMISSION,
        period=year_2024,
        due_date=datetime.date(2025, 1, 31),
    )
    Obligation.objects.create(
        kind=ObligationKind.INTERIM_REVIEW, period=half, due_date=datetime.date(2025, 7, 15)
    )
    due = selectors.districts_due(periods=[year_2025, year_2024, half], portal=22)
    assert due == {year_2025.pk: 3, year_2024.pk: 22, half.pk: 22}


def test_the_coverage_threshold_decides_the_city_status(
    officer_1, officer_3, reviewer, year_2025, wb11
):
    """Two districts of 22 approved: below the default threshold the value shows, with its
    coverage, but is not judged; the Department lowers the threshold and it is."""
    approve(officer_1, reviewer, year_2025, WB1_1=Entry(numerator=45, denominator=100))
    approve(officer_3, reviewer, year_2025, WB1_1=Entry(numerator=45, denominator=100))
    framework = selectors.current_framework()
    assert framework.min_coverage == 100  # all districts due, unless the Department says less

    def city():
        framework = selectors.current_framework()
        [figure] = selectors.city_rollup(framework=framework, period=year_2025, indicators=[wb11])
        return figure

    figure = city()
    assert figure.value == 45 and str(figure.coverage) == "2/22"
    assert figure.status == Status.NOT_ENOUGH_DATA
    Framework.objects.filter(pk=framework.pk).update(min_coverage=9)  # 2/22 = 9.1 %
    assert city().status == Status.ON_TRACK
    Framework.objects.filter(pk=framework.pk).update(min_coverage=10)
    assert city().status == Status.NOT_ENOUGH_DATA
    # Computed indicators cover every district, so the threshold never holds them back.
    fc11 = Indicator.objects.get(code="FC1.1", area__group__framework=framework)
    [committees] = selectors.city_rollup(
        framework=selectors.current_framework(), period=year_2025, indicators=[fc11]
    )
    assert str(committees.coverage) == "22/22" and committees.status == Status.OFF_TRACK


def test_computed_values_ignore_the_submissions(admin_user, officer_1, reviewer, year_2025):
    """Quận 1 set up its committee in 2025; nobody has approved values: the city and every
    district still have the register's value. A year before, there was no committee yet."""
    district_services.committee_establish(
        user=admin_user,
        district=officer_1.unit,
        number="1/QĐ",
        issued_on=datetime.date(2025, 3, 1),
        signer="Chủ tịch",
    )
    framework = selectors.current_framework()
    fc11 = Indicator.objects.get(code="FC1.1", area__group__framework=framework)
    year_2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    assert selectors.city_trend(framework=framework, periods=[year_2024, year_2025])[fc11.pk] == [
        Decimal(0),
        Decimal("4.5455"),  # 1 of 22
    ]
    table = selectors.district_table(framework=framework, period=year_2025)
    assert table[officer_1.unit_id, fc11.pk] == 1
    assert sum(value for (_d, pk), value in table.items() if pk == fc11.pk) == 1
    assert len([key for key in table if key[1] == fc11.pk]) == 22


def test_centres_count_as_at_the_end_of_the_period(hcmc, year_2025):
    """A centre counts from the year of its establishing decision; one without a decision date
    counts in every year."""
    wards = list(AdministrativeUnit.objects.filter(level="ward", parent__code="760")[:3])
    Centre.objects.create(ward=wards[0], name="A", decision_date=datetime.date(2010, 5, 1))
    Centre.objects.create(ward=wards[1], name="B", decision_date=datetime.date(2025, 6, 1))
    Centre.objects.create(ward=wards[2], name="C")
    framework = selectors.current_framework()
    bb24 = Indicator.objects.get(code="BB2.4", area__group__framework=framework)
    year_2024 = ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    trend = selectors.city_trend(framework=framework, periods=[year_2024, year_2025])
    assert trend[bb24.pk] == [2, 3]


# --- constant reads as districts grow -----------------------------------------------------------


def _grow(province, count: int, user) -> None:
    """``count`` more districts in the portal, each with a ward, a centre with its accepted
    report and a steering committee: rows for every source to read."""
    for number in range(count):
        district = AdministrativeUnit.objects.create(
            level="district",
            kind="urban_district",
            code=f"9{number:02d}",
            name=f"Quận thử {number}",
            parent=province,
        )
        ward = AdministrativeUnit.objects.create(
            level="ward",
            kind="ward",
            code=f"99{number:03d}",
            name=f"Phường {number}",
            parent=district,
        )
        centre = Centre.objects.create(ward=ward, name=f"TTHTCĐ {number}")
        ActivityReport.objects.create(centre=centre, year=2025, status="accepted", uses_it=True)
        district_services.committee_establish(
            user=user,
            district=district,
            number=f"{number}/QĐ",
            issued_on=datetime.date(2025, 2, 1),
            signer="Chủ tịch",
        )


def test_reads_cost_the_same_whatever_the_number_of_districts(
    hcmc, admin_user, api_consumer, year_2025, django_assert_num_queries
):
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2024)
    framework = selectors.current_framework()
    indicators = list(selectors.framework_indicators(framework=framework))
    client = APIClient()
    client.force_authenticate(api_consumer)
    periods = list(ReportingPeriod.objects.filter(kind="year", year__in=[2024, 2025]))

    def read() -> None:
        selectors.city_series(framework=framework, periods=periods, indicators=indicators)
        selectors.district_table(framework=framework, period=year_2025, indicators=indicators)

    # The city's series over two years: the portal's districts, the stored sums, the
    # obligations, and one query per computed source and year (9 sources); the district table:
    # the portal's districts, the approved values, and one query per source.
    expected = 3 + 2 * 9 + 2 + 9
    with django_assert_num_queries(expected):
        read()
    status = len(client.get("/api/v1/indicator-status/", {"period": "2025"}).json()["indicators"])
    assert status == 30
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/indicator-status/", {"period": "2025"}).status_code == 200

    _grow(AdministrativeUnit.objects.get(level="province", code="79"), 30, admin_user)
    assert AdministrativeUnit.objects.filter(level="district").count() == 52
    with django_assert_num_queries(expected):
        read()
    with CaptureQueriesContext(connection) as large:
        body = client.get("/api/v1/indicator-status/", {"period": "2025"}).json()
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    fc11 = next(row for row in body["indicators"] if row["code"] == "FC1.1")
    assert fc11["coverage"] == {"districts": 52, "due": 52, "computed": True}
    assert fc11["value"] == pytest.approx(30 * 100 / 52, abs=0.0001)
