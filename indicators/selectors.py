"""Reads for indicators: the framework, roll-ups from districts to the city, status, trends.

An indicator is either entered by the districts or computed by the portal from its registers
(``Indicator.computed``, ``computed.SOURCES``). An entered indicator's city figure is read from
the sums stored per indicator and period when a submission is approved (``CityFigure``), with
its coverage: how many of the districts due have approved values. A computed indicator's values,
for every district and the city, are read from the registers as they stood at the period's end,
whatever the districts' submissions, with one query per source and period. Neither cost grows
with the number of districts.
"""

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from districts.selectors import portal_districts
from learningcity.choices import Role
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.registry import Submitted
from learningcity.deadlines.selectors import obligation_list
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, may_read_drafts, restrict

from .choices import Aggregation, Direction, Status, SubmissionStatus, Unit
from .computed import SOURCES
from .models import CityFigure, Framework, Indicator, Submission, Target, Value

FOUR_PLACES = Decimal("0.0001")
# A value within this share of its target, on the wrong side, is "at risk" rather than "off".
AT_RISK_MARGIN = Decimal("0.10")
STATUS_RULE = _(
    "On track: the value has reached the target for the year. At risk: it falls short by a tenth "
    "of the target or less. Off track: it falls short by more. The target for a year between "
    "two set targets (or between the baseline and the first target) is interpolated linearly."
)
COVERAGE_RULE = _(
    "Not enough data: the city value of an entered indicator adds up the approved values of "
    "fewer than %(percent)s%% of the districts due, so it is not judged against the target. "
    "Computed indicators are read from the portal's registers for every district."
)


def status_rule(framework: Framework) -> str:
    """How the statuses are decided, with the framework's coverage threshold, in the active
    language: pages, API answers and reports say the same."""
    return f"{_(str(STATUS_RULE))} {COVERAGE_RULE % {'percent': framework.min_coverage}}"


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


def periods_with_values() -> dict[int, str]:
    """The periods some district has sent values for (id -> kind): the ones the indicator
    pages open on."""
    return dict(
        Submission.objects.filter(first_submitted_at__isnull=False)
        .values_list("period_id", "period__kind")
        .distinct()
    )


def current_framework() -> Framework:
    return Framework.objects.get(is_current=True)


def year_periods_until(*, period: ReportingPeriod) -> QuerySet[ReportingPeriod]:
    """The year periods that ended by the end of ``period``: the points of a trend."""
    return ReportingPeriod.objects.filter(kind="year", end_date__lte=period.end_date).order_by(
        "start_date"
    )


def district_trend(
    *, framework: Framework, district, periods, indicators
) -> dict[tuple[int, int], Decimal | None]:
    """{(indicator id, period id): value} of the district in ``periods``: its approved values of
    entered indicators, and the registers' values of computed ones for every period."""
    periods = list(periods)
    rows = (
        approved_values(framework=framework)
        .filter(submission__district=district, submission__period__in=periods)
        .exclude(indicator__in=[i for i in indicators if is_computed(i)])
        .values_list("indicator_id", "submission__period_id", "value")
    )
    trend = {(indicator_id, period_id): value for indicator_id, period_id, value in rows}
    registers = register_values(indicators=indicators, periods=periods, district_ids=[district.pk])
    for (period_id, indicator_id), by_district in registers.items():
        trend[indicator_id, period_id] = by_district[district.pk].value
    return trend


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
    """The city value from the sums of the district values, by the aggregation."""
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


# --- Computed indicators: the registers ---------------------------------------------------------


def is_computed(indicator: Indicator) -> bool:
    """Whether the portal computes ``indicator`` from its registers."""
    return indicator.computed in SOURCES


@dataclass(frozen=True)
class DistrictValue:
    """A district's value of a computed indicator, read from the registers; for a ratio, with
    its numerator and denominator (what ``Value`` holds for an entered one)."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _district_value(result) -> DistrictValue:
    if not isinstance(result, tuple):
        return DistrictValue(value=result)
    numerator, denominator = result
    if not denominator:  # a ratio over nothing (a district without centres): no value
        return DistrictValue(value=None)
    value = (numerator * 100 / denominator).quantize(FOUR_PLACES, ROUND_HALF_UP)
    return DistrictValue(value=value, numerator=numerator, denominator=denominator)


def register_values(
    *, indicators, periods, district_ids
) -> dict[tuple[int, int], dict[int, DistrictValue]]:
    """{(period id, indicator id): {district id: value}} of the computed ones among
    ``indicators``, for every district of ``district_ids``: one query per source and period."""
    district_ids = list(district_ids)
    result = {}
    for period in periods:
        by_source = {}
        for indicator in indicators:
            if not is_computed(indicator):
                continue
            if indicator.computed not in by_source:
                read = SOURCES[indicator.computed](district_ids, period)
                by_source[indicator.computed] = {
                    pk: _district_value(read[pk]) for pk in district_ids
                }
            result[period.pk, indicator.pk] = by_source[indicator.computed]
    return result


def _register_sums(values) -> CityFigure:
    """The sums of the registers' district values, as ``CityFigure`` holds those of approved
    values, so that one ``city_value()`` makes the city value of both."""
    given = [v for v in values if v.value is not None]
    return CityFigure(
        total=sum((v.value for v in given), Decimal(0)),
        numerators=sum((v.numerator or 0 for v in given), Decimal(0)),
        denominators=sum((v.denominator or 0 for v in given), Decimal(0)),
        yes=sum(1 for v in given if v.value == 1),
        answered=len(given),
    )


# --- City figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How much of the city a city figure covers: the districts whose values make it, of the
    districts due. A computed indicator covers every district."""

    districts: int
    due: int

    def enough(self, min_percent: int) -> bool:
        return self.districts * 100 >= min_percent * self.due

    def __str__(self) -> str:
        return f"{self.districts}/{self.due}"


def districts_due(*, periods, portal: int) -> dict[int, int]:
    """{period id: districts owing indicator values}: the units of the period's obligation, or
    ``portal`` (every district of the portal) when it names none or nothing is owed."""
    obligations = obligation_list().filter(
        kind=ObligationKind.INDICATOR_SUBMISSION, period__in=periods
    )
    named = {o.period_id: len(o.units.all()) for o in obligations}
    return {p.pk: named.get(p.pk) or portal for p in periods}


def city_status_of(
    indicator: Indicator, value: Decimal | None, year: int, *, coverage: Coverage, min_coverage: int
) -> Status:
    """The city value against the year's target; "not enough data" when too few districts'
    values make it, however it compares."""
    if value is not None and not coverage.enough(min_coverage):
        return Status.NOT_ENOUGH_DATA
    return status_of(indicator, value, year)


@dataclass
class CityValue:
    indicator: Indicator
    period: ReportingPeriod
    value: Decimal | None
    target: Decimal | None
    status: Status
    coverage: Coverage
    updated: object = None  # the latest approval among the values (entered indicators)

    @property
    def districts(self) -> int:
        """Districts whose values make the figure."""
        return self.coverage.districts

    @property
    def computed(self) -> bool:
        return is_computed(self.indicator)

    @property
    def coverage_text(self) -> str:
        """Where the figure comes from and how much of the city it covers, as pages, exports
        and reports write it: "12/22 districts", or "22/22 districts (computed)"."""
        if self.computed:
            return gettext("%(coverage)s districts (computed)") % {"coverage": self.coverage}
        return gettext("%(coverage)s districts") % {"coverage": self.coverage}


def city_series(*, framework: Framework, periods, indicators=None) -> dict[int, list[CityValue]]:
    """{indicator id: [its city figure in each of ``periods``, in their order]}: entered
    indicators from their stored sums, computed ones from the registers over every district of
    the portal. A few queries, plus one per computed source and period."""
    indicators = list(
        indicators if indicators is not None else framework_indicators(framework=framework)
    )
    periods = list(periods)
    district_ids = list(portal_districts().values_list("pk", flat=True))
    figures = city_figures(
        periods=periods, indicators=[i for i in indicators if not is_computed(i)]
    )
    registers = register_values(indicators=indicators, periods=periods, district_ids=district_ids)
    due = districts_due(periods=periods, portal=len(district_ids))
    every_district = Coverage(districts=len(district_ids), due=len(district_ids))
    series = {}
    for indicator in indicators:
        row = []
        for period in periods:
            if is_computed(indicator):
                figure = _register_sums(registers[period.pk, indicator.pk].values())
                coverage = every_district
            else:
                figure = figures.get((period.pk, indicator.pk))
                coverage = Coverage(districts=figure.answered if figure else 0, due=due[period.pk])
            value = city_value(indicator, figure)
            row.append(
                CityValue(
                    indicator=indicator,
                    period=period,
                    value=value,
                    target=target_for(indicator, period.year),
                    status=city_status_of(
                        indicator,
                        value,
                        period.year,
                        coverage=coverage,
                        min_coverage=framework.min_coverage,
                    ),
                    coverage=coverage,
                    updated=figure.updated if figure else None,
                )
            )
        series[indicator.pk] = row
    return series


def city_rollup(
    *, framework: Framework, period: ReportingPeriod, indicators=None
) -> list[CityValue]:
    """The city figure of each indicator for ``period``."""
    series = city_series(framework=framework, periods=[period], indicators=indicators)
    return [row[0] for row in series.values()]


def city_trend(
    *, framework: Framework, periods: list[ReportingPeriod], indicators=None
) -> dict[int, list[Decimal | None]]:
    """{indicator id: [city value per period, in the order of ``periods``]}."""
    series = city_series(framework=framework, periods=periods, indicators=indicators)
    return {pk: [point.value for point in row] for pk, row in series.items()}


def district_values(
    *, framework: Framework, period: ReportingPeriod, indicators, district_ids, user=None
) -> dict[tuple[int, int], object]:
    """{(district id, indicator id): value} of ``district_ids`` in ``period``: the approved
    ``Value`` of an entered indicator (of those ``user`` may read, when given), the registers'
    ``DistrictValue`` of a computed one. A district without an approved value is left out."""
    indicators = list(indicators)
    district_ids = list(district_ids)
    approved = (
        approved_values(framework=framework)
        .filter(submission__period=period, submission__district_id__in=district_ids)
        .filter(indicator__in=[i for i in indicators if not is_computed(i)])
        .select_related("submission")
    )
    if user is not None:
        approved = restrict(approved, user)
    table = {(v.submission.district_id, v.indicator_id): v for v in approved}
    registers = register_values(indicators=indicators, periods=[period], district_ids=district_ids)
    for (_period_id, indicator_id), by_district in registers.items():
        for district_id, value in by_district.items():
            table[district_id, indicator_id] = value
    return table


def district_table(
    *, framework: Framework, period: ReportingPeriod, district_ids=None, indicators=None
) -> dict[tuple[int, int], Decimal | None]:
    """{(district id, indicator id): value} for the district comparison, of every district of
    the portal or of ``district_ids`` (a page of them): approved values of entered indicators
    (a key with None is a value left empty) and the registers' values of computed ones."""
    if district_ids is None:
        district_ids = portal_districts().values_list("pk", flat=True)
    if indicators is None:
        indicators = framework_indicators(framework=framework)
    values = district_values(
        framework=framework, period=period, indicators=indicators, district_ids=district_ids
    )
    return {key: value.value for key, value in values.items()}


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
