"""Indicators the portal computes from its own data instead of asking districts.

Each source takes district ids and a period and returns {district id: value} with one query.
Apps below indicators are read through their selectors; the clc and awards sources join this
table when those apps land.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from districts import selectors as districts
from learningcity.models import ReportingPeriod

Source = Callable[[list[int], ReportingPeriod], dict[int, Decimal]]


def _yes_no(district_ids: Iterable[int], yes: set[int]) -> dict[int, Decimal]:
    return {pk: Decimal(1 if pk in yes else 0) for pk in district_ids}


def committee_set_up(district_ids, period):
    return _yes_no(
        district_ids,
        districts.districts_with_committee(district_ids=district_ids, as_of=period.end_date),
    )


def plan_issued(district_ids, period):
    return _yes_no(
        district_ids,
        districts.districts_with_plan(district_ids=district_ids, as_of=period.end_date),
    )


def interim_review_held(district_ids, period):
    return _yes_no(
        district_ids,
        districts.districts_with_review(
            district_ids=district_ids, year=period.year, as_of=period.end_date
        ),
    )


SOURCES: dict[str, Source] = {
    "committee_set_up": committee_set_up,
    "plan_issued": plan_issued,
    "interim_review_held": interim_review_held,
}
