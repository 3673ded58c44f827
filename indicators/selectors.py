"""Reads for indicators: the framework, roll-ups from districts to the city, status, trends.

The city's figures are read from the sums stored per indicator and period when a submission is
approved (``CityFigure``), so their cost does not grow with the number of districts or years.
"""

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcity.choices import Role
from learningcity.deadlines.registry import Submitted
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, may_read_drafts, restrict

from .choices import Aggregation, Direction, Status, SubmissionStatus, Unit
from .models import CityFigure, Framework, Indicator, Submission, Target, Value

FOUR_PLACES = Decimal("0.0001")
# A value within this share of its target, on the wrong side, is "at risk" rather than "off".
AT_RISK_MARGIN = Decimal("0.10")
STATUS_RULE = _(
    "On track: the value has reached the target for the year. At risk: it falls short by a tenth "
    "of the target or less. Off track: it falls short by more. The target for a year between "
    "two set targets (or between the baseline and the first target) is interpolated linearly."
)


def visible_submissions(
    queryset: QuerySet[Submission], *, user, action: Action = Action.VIEW
) -> QuerySet[Submission]:
    """``queryset`` narrowed to the submissions ``user`` may open, on pages, through the API
    and for evidence downloads alike. A draft is the district's working copy, read by those who
    write values (the district's officers, the Department administrator); the API consumer reads
    the values the Department approved, nothing under review or returned for correction."""
    submissions = restrict(queryset, user, action)
    hidden = _hidden_statuses(user)
    return submissions.exclude(status__in=hidden) if hidden else submissions


def visible_statuses(*, user) -> list[tuple[str, str]]:
    """The statuses of the submissions ``user`` may open (``visible_submissions()``)."""
    hidden = _hidden_statuses(user)
    return [choice for choice in SubmissionStatus.choices if choice[0] not in hidden]


def _hidden_statuses(user) -> set[str]:
    if user.role == Role.API_CONSUMER:
        return set(SubmissionStatus.values) - {SubmissionStatus.APPROVED}
    return set() if may_read_drafts(user) else {SubmissionStatus.DRAFT}


def current_framework() -> Framework:
    return Framework.objects.get(is_current=True)


def year_periods_until(*, period: ReportingPeriod) -> QuerySet[ReportingPeriod]:
    """The year periods that ended by the end of ``period``: the points of a trend."""
    return ReportingPeriod.objects.filter(kind="year", end_date__lte=period.end_date).order_by(
        "start_date"
    )


def district_trend(*, framework: Framework, district, periods) -> QuerySet:
    """(indicator id, period id, value) of the district's approved values in ``periods``."""
    return (
        approved_values(framework=framework)
        .filter(submission__district=district, submission__period__in=periods)
        .values_list("indicator_id", "submission__period_id", "value")
    )


def framework_indicators(*, framework: Framework) -> QuerySet[Indicator]:
    """The framework's indicators in order, with their area, group and targets."""
    return (
        Indicator.objects.filter(area__group__framework=framework)
        .select_related("area__group")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")))
        .order_by("area__group__order", "area__order", "order", "code")
    )


def target_for(indicator: Indicator, year: int) -> Decimal | None:
    """The target in force in ``year``, interpolated between set points (uses prefetched
    targets)."""
    points = [(t.year, t.value) for t in indicator.targets.all()]
    if indicator.baseline is not None and indicator.baseline_year is not None:
        points = sorted([(indicator.baseline_year, indicator.baseline), *points])
    if not points:
        return None
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if y0 <= year <= y1:
            share = Decimal(year - y0) / Decimal(y1 - y0) if y1 != y0 else Decimal(1)
            return (v0 + (v1 - v0) * share).quantize(FOUR_PLACES, ROUND_HALF_UP)
    # Outside the set points the nearest one applies: the last target after it, the first before.
    return points[-1][1] if year > points[-1][0] else points[0][1]


def status_of(indicator: Indicator, value: Decimal | None, year: int) -> Status:
    if value is None:
        return Status.NO_DATA
    target = target_for(indicator, year)
    if target is None:
        return Status.NO_TARGET
    gap = target - value if indicator.direction == Direction.HIGHER else value - target
    if gap <= 0:
        return Status.ON_TRACK
    return Status.AT_RISK if gap <= abs(target) * AT_RISK_MARGIN else Status.OFF_TRACK


def district_status_of(indicator: Indicator, value: Decimal | None, year: int) -> Status:
    """A district's own value against the year's target. A yes/no target is the share of
    districts answering yes, so a district's yes (1) counts as 100 % and its no as 0 %."""
    if indicator.unit == Unit.YES_NO and value is not None:
        value = value * 100
    return status_of(indicator, value, year)


def approved_values(*, framework: Framework) -> QuerySet[Value]:
    """Values of approved submissions: the only ones that count in the city's figures.

    Unordered: the model's ordering joins five tables that a roll-up neither groups by nor
    returns (at national scale the joins alone cost more than the sums)."""
    return Value.objects.filter(
        submission__framework=framework, submission__status=SubmissionStatus.APPROVED
    ).order_by()


def city_value(indicator: Indicator, figure: CityFigure | None) -> Decimal | None:
    """The city value from the sums of the approved district values, by the aggregation."""
    if figure is None or not figure.answered:
        return None
    if indicator.aggregation == Aggregation.SUM:
        result = figure.total
    elif indicator.aggregation == Aggregation.MEAN:
        result = figure.total / figure.answered
    elif indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        result = figure.numerators * 100 / figure.denominators if figure.denominators else None
    else:  # share of districts answering yes
        result = Decimal(figure.yes) * 100 / Decimal(figure.answered)
    return None if result is None else Decimal(result).quantize(FOUR_PLACES, ROUND_HALF_UP)


def city_figures(*, periods, indicators) -> dict[tuple[int, int], CityFigure]:
    """{(period id, indicator id): stored sums} of ``periods`` and ``indicators``."""
    figures = CityFigure.objects.filter(period__in=periods, indicator__in=indicators)
    return {(f.period_id, f.indicator_id): f for f in figures}


@dataclass
class CityValue:
    indicator: Indicator
    value: Decimal | None
    target: Decimal | None
    status: Status
    districts: int  # districts whose approved values make the figure
    updated: object = None


def city_rollup(
    *, framework: Framework, period: ReportingPeriod, indicators=None
) -> list[CityValue]:
    """The city value of each indicator for ``period``, from approved district values."""
    indicators = list(
        indicators if indicators is not None else framework_indicators(framework=framework)
    )
    figures = city_figures(periods=[period], indicators=indicators)
    result = []
    for indicator in indicators:
        figure = figures.get((period.pk, indicator.pk))
        value = city_value(indicator, figure)
        result.append(
            CityValue(
                indicator=indicator,
                value=value,
                target=target_for(indicator, period.year),
                status=status_of(indicator, value, period.year),
                districts=figure.answered if figure else 0,
                updated=figure.updated if figure else None,
            )
        )
    return result


def city_trend(
    *, framework: Framework, periods: list[ReportingPeriod], indicators=None
) -> dict[int, list[Decimal | None]]:
    """{indicator id: [city value per period, in the order of ``periods``]}, in one query."""
    indicators = list(
        indicators if indicators is not None else framework_indicators(framework=framework)
    )
    figures = city_figures(periods=periods, indicators=indicators)
    return {
        indicator.pk: [city_value(indicator, figures.get((p.pk, indicator.pk))) for p in periods]
        for indicator in indicators
    }


def district_table(
    *, framework: Framework, period: ReportingPeriod, district_ids=None
) -> dict[tuple[int, int], Decimal | None]:
    """{(district id, indicator id): approved value} for the district comparison, of every
    district or of ``district_ids`` (a page of them); a key with None is a value left empty.
    Plain values: the country has some 20,000 of them."""
    rows = approved_values(framework=framework).filter(submission__period=period)
    if district_ids is not None:
        rows = rows.filter(submission__district_id__in=district_ids)
    rows = rows.values_list("submission__district_id", "indicator_id", "value")
    return {(district_id, indicator_id): value for district_id, indicator_id, value in rows}


def completeness(*, period: ReportingPeriod, district_ids) -> dict[str, int]:
    """How many districts have sent and had approved their values for ``period``."""
    latest = Submission.objects.filter(period=period, district_id__in=district_ids)
    return latest.aggregate(
        started=Count("district", distinct=True),
        submitted=Count(
            "district",
            distinct=True,
            filter=Q(status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED]),
        ),
        approved=Count("district", distinct=True, filter=Q(status=SubmissionStatus.APPROVED)),
    )


def previous_values(*, submission: Submission) -> dict[int, Decimal]:
    """The district's approved values of the period just before, for plausibility warnings."""
    previous = (
        Submission.objects.filter(
            district_id=submission.district_id,
            status=SubmissionStatus.APPROVED,
            period__kind=submission.period.kind,
            period__start_date__lt=submission.period.start_date,
        )
        .order_by("-period__start_date")
        .first()
    )
    if previous is None:
        return {}
    return dict(previous.values.exclude(value=None).values_list("indicator_id", "value"))


def value_warnings(*, submission: Submission, values=None) -> dict[int, str]:
    """{value id: warning} where a value moved by more than half since the previous period.

    Warnings do not block: a large change can be right, but is worth a second look."""
    before = previous_values(submission=submission)
    warnings = {}
    for value in values if values is not None else submission.values.all():
        old = before.get(value.indicator_id)
        if value.value is None or old is None or old == 0:
            continue
        change = (value.value - old) / abs(old)
        if abs(change) > Decimal("0.5"):
            warnings[value.pk] = old
    return warnings


# --- Timeliness (read by learningcity.deadlines through its registry) ---------------------------


def submissions_submitted(period: ReportingPeriod, district_ids) -> dict[int, Submitted]:
    """Districts that have sent values for ``period`` (any revision): when first, approved?"""
    rows = (
        Submission.objects.filter(
            period=period, district_id__in=district_ids, first_submitted_at__isnull=False
        )
        .order_by()
        .values("district_id")
        .annotate(
            first=Min("first_submitted_at"),
            approved=Count(
                "pk",
                filter=Q(status__in=[SubmissionStatus.APPROVED, SubmissionStatus.SUPERSEDED]),
            ),
        )
    )
    return {
        row["district_id"]: Submitted(first_submitted_at=row["first"], approved=row["approved"] > 0)
        for row in rows
    }


def submission_entry_url(period: ReportingPeriod, district) -> str:
    return reverse("indicators:district-submission", args=[district.code, period.code])
