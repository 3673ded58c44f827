"""Timeliness: on time, late, missing or approved, from the real first submission."""

import datetime

import time_machine

from districts import services as district_services
from districts.models import AdministrativeUnit
from learningcity.deadlines import selectors
from learningcity.deadlines.choices import Timeliness
from learningcity.deadlines.models import Obligation
from learningcity.models import ReportingPeriod

from .conftest import at, submit_review

AFTER = at(datetime.date(2025, 7, 20))


def table_for(user, obligation):
    return selectors.timeliness(
        selectors.obligations_for(period=obligation.period),
        districts=selectors.visible_districts(user),
        today=AFTER.date(),
    )


def test_each_district_is_judged_on_its_first_submission(
    admin_user, officer_1, officer_3, reviewer, district_1, district_3, review_obligation, half_2025
):
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 5), hour=23))
    late = submit_review(officer_3, district_3, half_2025, at(datetime.date(2025, 7, 8)))
    with time_machine.travel(AFTER, tick=False):
        district_services.review_acknowledge(user=reviewer, review=late)

    table = table_for(admin_user, review_obligation)
    [column] = table.columns
    by_code = {cell.unit.code: cell for cell in column.units}
    assert len(by_code) == 22
    assert by_code["760"].status == Timeliness.ON_TIME and by_code["760"].days_late == 0
    assert by_code["770"].status == Timeliness.APPROVED and by_code["770"].days_late == 3
    missing = by_code["769"]
    assert missing.status == Timeliness.MISSING and missing.days_late == 15
    tally = column.tally
    assert (tally.due, tally.on_time, tally.late, tally.missing, tally.approved) == (
        22,
        1,
        1,
        20,
        1,
    )
    assert tally.on_time_rate == 4.5
    assert table.city.on_time_rate == 4.5
    row = next(row for row in table.rows if row.unit.code == "770")
    assert row.tally.late == 1 and row.tally.on_time_rate == 0.0


def test_a_draft_is_missing(admin_user, officer_1, district_1, review_obligation, half_2025):
    with time_machine.travel(at(datetime.date(2025, 7, 1)), tick=False):
        district_services.review_save(
            user=officer_1,
            district=district_1,
            period=half_2025,
            held_on=datetime.date(2025, 6, 30),
            achievements="a",
            difficulties="b",
            proposals="c",
        )
    cell = next(c for c in table_for(admin_user, review_obligation).columns[0].units)
    assert cell.unit.code == "760" and cell.status == Timeliness.MISSING


def test_an_obligation_for_some_districts_only(
    admin_user, district_1, district_3, review_obligation
):
    review_obligation.units.set([district_1, district_3])
    [column] = table_for(admin_user, review_obligation).columns
    assert [cell.unit.code for cell in column.units] == ["760", "770"]


def test_a_district_officer_sees_their_own_district(officer_1, review_obligation):
    table = table_for(officer_1, review_obligation)
    assert [row.unit.code for row in table.rows] == ["760"]


def test_query_count_does_not_grow_with_submissions(
    django_assert_num_queries, admin_user, officer_1, review_obligation, half_2025
):
    def count_queries():
        with django_assert_num_queries(4) as captured:
            table_for(admin_user, review_obligation)
        return len(captured)

    few = count_queries()
    for unit in AdministrativeUnit.objects.filter(level="district").order_by("code")[:12]:
        officer_1.unit = unit
        submit_review(officer_1, unit, half_2025, at(datetime.date(2025, 7, 3)))
    assert count_queries() == few


def test_before_its_due_date_nothing_is_missing_yet(
    admin_user, officer_1, district_1, review_obligation, half_2025
):
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 1)))
    table = selectors.timeliness(
        selectors.obligations_for(period=half_2025),
        districts=selectors.visible_districts(admin_user),
        today=datetime.date(2025, 7, 5),  # the due date itself
    )
    by_code = {cell.unit.code: cell for cell in table.columns[0].units}
    assert by_code["760"].status == Timeliness.ON_TIME
    assert by_code["770"].status == Timeliness.PENDING and by_code["770"].days_late == 0
    tally = table.city
    assert (tally.due, tally.on_time, tally.missing, tally.pending) == (1, 1, 0, 21)
    assert tally.on_time_rate == 100.0


def test_the_page_opens_on_the_latest_period_already_due(
    client, admin_user, review_obligation, half_2025
):
    later = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=2)
    Obligation.objects.update_or_create(
        kind=review_obligation.kind, period=later, defaults={"due_date": datetime.date(2026, 1, 5)}
    )
    client.force_login(admin_user)
    with time_machine.travel(at(datetime.date(2025, 12, 1)), tick=False):
        assert client.get("/deadlines/timeliness/").context["period"] == half_2025
        assert not selectors.timeliness(
            selectors.obligations_for(period=later),
            districts=selectors.visible_districts(admin_user),
        ).city.missing
    with time_machine.travel(at(datetime.date(2026, 1, 6)), tick=False):
        assert client.get("/deadlines/timeliness/").context["period"] == later
