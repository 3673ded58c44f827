"""Indicators the portal computes from its own data instead of asking districts.

Each source takes district ids and a period and returns, with one query, {district id: value}
or, for a ratio indicator, {district id: (numerator, denominator)}, read from the registers as
far as they keep dates: committees, plans and centres as they stood at the end of the period
(today, for a period not over yet), by their decision dates; the reviews, centres' reports and
dossiers of the period or year, in the state they are in today (a report accepted after the
year's end counts as accepted). Apps below indicators are read through their selectors.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from awards import selectors as awards
from clc import selectors as clc
from districts import selectors as districts
from districts.selectors import as_of_period
from learningcity.models import ReportingPeriod

Source = Callable[[list[int], ReportingPeriod], dict[int, Decimal]]


def _yes_no(district_ids: Iterable[int], yes: set[int]) -> dict[int, Decimal]:
    return {pk: Decimal(1 if pk in yes else 0) for pk in district_ids}


def _ratio(counts: dict[int, tuple[int, int]]) -> dict[int, tuple[Decimal, Decimal]]:
    return {pk: (Decimal(part), Decimal(whole)) for pk, (part, whole) in counts.items()}


def committee_set_up(district_ids, period):
    return _yes_no(
        district_ids,
        districts.districts_with_committee(district_ids=district_ids, as_of=as_of_period(period)),
    )


def plan_issued(district_ids, period):
    return _yes_no(
        district_ids,
        districts.districts_with_plan(district_ids=district_ids, as_of=as_of_period(period)),
    )


def interim_review_held(district_ids, period):
    return _yes_no(
        district_ids,
        # The review's period fixes its year, as on the review board: a review of the second
        # half held in early January still belongs to the year it reviews.
        districts.districts_with_review(district_ids=district_ids, year=period.year),
    )


def clc_centres(district_ids, period):
    counts = clc.centre_counts(district_ids=district_ids, as_of=as_of_period(period))
    return {pk: Decimal(n) for pk, n in counts.items()}


def clc_model_centres(district_ids, period):
    counts = clc.model_centre_counts(district_ids=district_ids, as_of=as_of_period(period))
    return {pk: Decimal(n) for pk, n in counts.items()}


def clc_reports(district_ids, period):
    return _ratio(clc.report_counts(district_ids=district_ids, year=period.year))


def clc_it(district_ids, period):
    return _ratio(clc.it_counts(district_ids=district_ids, year=period.year))


def dossiers_received(district_ids, period):
    counts = awards.dossier_counts(district_ids=district_ids, year=period.year)
    return {pk: Decimal(received) for pk, (received, _awarded) in counts.items()}


def dossiers_awarded(district_ids, period):
    counts = awards.dossier_counts(district_ids=district_ids, year=period.year)
    return {pk: Decimal(awarded) for pk, (_received, awarded) in counts.items()}


SOURCES: dict[str, Source] = {
    "committee_set_up": committee_set_up,
    "plan_issued": plan_issued,
    "interim_review_held": interim_review_held,
    "clc_centres": clc_centres,
    "clc_model_centres": clc_model_centres,
    "clc_reports": clc_reports,
    "clc_it": clc_it,
    "dossiers_received": dossiers_received,
    "dossiers_awarded": dossiers_awarded,
}
