"""Reads for the clc app: the querysets pages, the API and exports share, and the roll-ups.

Roll-ups are aggregate queries over the centres, each joined to at most one report and one
evaluation of the year (``FilteredRelation``), so they cost the same few queries whatever the
number of centres and districts; their results are cached until the data changes.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from districts.models import AdministrativeUnit
from districts.selectors import in_portal, portal_districts, ward_list
from learningcity.deadlines.registry import Submitted
from learningcity.models import ReportingPeriod
from learningcity.permissions import (
    Action,
    may_read_drafts,
    may_see_personal_data,
    restrict,
    restrict_unit_rows,
)
from learningcity.text import search_key

from .choices import (
    REPORTS_IN,
    ActivityReportStatus,
    CentreStatus,
    FundingSource,
    LearningTopic,
    Participants,
)
from .models import (
    ActivityReport,
    Centre,
    Criterion,
    Evaluation,
    RatingBand,
    ReportTopic,
    model_at,
)

DISTRICT = "ward__parent"  # the path from a centre to its district
ACCEPTED = ActivityReportStatus.ACCEPTED
# A centre using IT in a year: its accepted report of the year says so. The roll-up's figure
# and the indicator computed from it both count this.
USING_IT = Q(report__status=ACCEPTED, report__uses_it=True)


# --- Reference data -------------------------------------------------------------------------------


def rating_scale() -> QuerySet[RatingBand]:
    """The levels of the evaluation scale, best first."""
    return RatingBand.objects.order_by("-min_points")


def rating_ranges() -> list[tuple[RatingBand, int, int]]:
    """(level, lowest total, highest total) for each level of the scale, best first."""
    ranges, upper = [], 100
    for band in rating_scale():
        ranges.append((band, band.min_points, upper))
        upper = band.min_points - 1
    return ranges


def rating_for(total: int) -> RatingBand | None:
    """The level a total of ``total`` points earns on the scale in force."""
    return rating_scale().filter(min_points__lte=total).first()


def active_criteria() -> QuerySet[Criterion]:
    return Criterion.objects.filter(is_active=True).order_by("order", "code")


# --- Registry, reports, evaluations ---------------------------------------------------------------


def may_see_contact(user, centre: Centre) -> bool:
    """A centre's director and contact are personal data of the centre's district
    (``may_see_personal_data()``)."""
    return may_see_personal_data(user, centre.ward.parent_id)


def centre_list() -> QuerySet[Centre]:
    """Centres of the portal's province with their ward and district, in GSO order."""
    return (
        in_portal(Centre.objects, district="ward__parent")
        .select_related("ward__parent")
        .order_by("ward__code")
    )


def centre_search(queryset: QuerySet[Centre], query: str) -> QuerySet[Centre]:
    """Centres whose name contains ``query``, ignoring case and diacritics ("hoc tap")."""
    key = search_key(query)
    return queryset.filter(name_search__contains=key) if key else queryset


def visible_reports(
    queryset: QuerySet[ActivityReport], *, user, action: Action = Action.VIEW
) -> QuerySet[ActivityReport]:
    """``queryset`` narrowed to the reports ``user`` may open, on pages and through the API
    alike: a draft is the district's working copy, read by those who write reports; others see
    a report from its submission on."""
    reports = restrict(queryset, user, action)
    if not may_read_drafts(user):
        reports = reports.exclude(status=ActivityReportStatus.DRAFT)
    return reports


def report_list() -> QuerySet[ActivityReport]:
    return (
        ActivityReport.objects.select_related("centre__ward__parent")
        .prefetch_related("topics")
        .order_by("centre__ward__code", "-year")
    )


def evaluation_list() -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.select_related("centre__ward__parent", "rating")
        .prefetch_related("scores__criterion")
        .order_by("centre__ward__code", "-year")
    )


def wards_without_centre(*, district_id: int | None = None) -> QuerySet[AdministrativeUnit]:
    """Wards of the portal that have no centre yet (of one district, if given)."""
    wards = in_portal(ward_list(), district="parent")
    if district_id is not None:
        wards = wards.filter(parent_id=district_id)
    return wards.exclude(Exists(Centre.objects.filter(ward=OuterRef("pk"))))


def report_years(*, first: int = 2024) -> list[int]:
    """The years pages offer, newest first: the programme's first year to this one."""
    return list(range(timezone.localdate().year, first - 1, -1))


def default_year() -> int:
    """The latest year anything has been reported for, else the current year."""
    latest = ActivityReport.objects.exclude(status=ActivityReportStatus.DRAFT).aggregate(
        latest=Max("year")
    )["latest"]
    return latest or timezone.localdate().year


def year_end(year: int) -> datetime.date:
    """The day a year's figures are taken at: 31 December, or today for the current year."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def centres_not_reported(*, year: int, user) -> QuerySet[Centre]:
    """Centres with no report of ``year`` sent in (none at all, a draft, or one returned);
    ``report_status`` says which, of the reports ``user`` may open (``visible_reports()``):
    to who does not read drafts, a centre whose report is a draft has none."""
    reports = visible_reports(
        ActivityReport.objects.filter(centre=OuterRef("pk"), year=year), user=user
    )
    return (
        centre_list()
        .exclude(Exists(reports.filter(status__in=REPORTS_IN)))
        .annotate(
            report_status=Subquery(reports.values("status")[:1]),
            report_id=Subquery(reports.values("pk")[:1]),
        )
    )


# --- Roll-ups -------------------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """A district's or the city's centres in one year. Participants, classes, funding and use
    of IT come from accepted reports; ``reports_in`` counts submitted and accepted ones."""

    centres: int = 0
    active_centres: int = 0
    model_centres: int = 0
    reports_in: int = 0
    reports_accepted: int = 0
    using_it: int = 0
    evaluated: int = 0
    participants: dict[str, int] = field(default_factory=dict)
    funding: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)  # rating code -> centres
    classes: dict[str, int] = field(default_factory=dict)  # topic -> classes
    sessions: dict[str, int] = field(default_factory=dict)  # topic -> sessions

    @property
    def share_reporting(self) -> Decimal | None:
        return percent(self.reports_in, self.centres)

    @property
    def share_accepted(self) -> Decimal | None:
        return percent(self.reports_accepted, self.centres)

    @property
    def it_share(self) -> Decimal | None:
        return percent(self.using_it, self.centres)

    @property
    def funding_total(self) -> int:
        return sum(self.funding.values())

    @property
    def classes_total(self) -> int:
        return sum(self.classes.values())

    @property
    def sessions_total(self) -> int:
        return sum(self.sessions.values())


def _registry_aggregates(as_of: datetime.date) -> dict:
    """The registry's counts over centres, the one definition of each: centres registered
    (active or suspended), active ones, and those holding a valid model-centre designation on
    ``as_of``."""
    return {
        "centres": Count("pk"),
        "active_centres": Count("pk", filter=Q(status=CentreStatus.ACTIVE)),
        "model_centres": Count("pk", filter=model_at(as_of)),
    }


def _report_aggregates() -> dict:
    """Counts of the year's reports over centres annotated with ``report``, the one definition
    of each: in (submitted or accepted; a returned one is back with its centre) and accepted."""
    return {
        "reports_in": Count("report", filter=Q(report__status__in=REPORTS_IN)),
        "reports_accepted": Count("report", filter=Q(report__status=ACCEPTED)),
    }


@dataclass(frozen=True)
class RegistryCounts:
    centres: int
    active_centres: int
    model_centres: int
    as_of: datetime.date  # the day model-centre designations are counted at


def registry_counts(centres: QuerySet[Centre], *, as_of: datetime.date | None = None):
    """Among ``centres`` (the registry as a user sees and filters it): centres registered,
    active, and model centres on ``as_of`` (today), as the roll-ups count them. One query."""
    as_of = as_of or timezone.localdate()
    row = centres.order_by().aggregate(**_registry_aggregates(as_of))
    return RegistryCounts(**row, as_of=as_of)


def _centre_aggregates(*, as_of: datetime.date, bands: list[RatingBand]) -> dict:
    """Aggregates over centres annotated with ``report`` and ``evaluation`` of the year."""
    accepted = Q(report__status=ACCEPTED)
    aggregates = {
        **_registry_aggregates(as_of),
        **_report_aggregates(),
        "using_it": Count("report", filter=USING_IT),
        "evaluated": Count("evaluation"),
    }
    for key, column in ActivityReport.PARTICIPANT_FIELDS.items():
        aggregates[f"participants_{key}"] = Coalesce(Sum(f"report__{column}", filter=accepted), 0)
    for key, column in ActivityReport.FUNDING_FIELDS.items():
        aggregates[f"funding_{key}"] = Coalesce(Sum(f"report__{column}", filter=accepted), 0)
    for band in bands:
        aggregates[f"rating_{band.pk}"] = Count("evaluation", filter=Q(evaluation__rating=band))
    return aggregates


def _centres_of_year(year: int, centres: QuerySet[Centre]) -> QuerySet[Centre]:
    return centres.annotate(
        report=FilteredRelation("reports", condition=Q(reports__year=year)),
        evaluation=FilteredRelation("evaluations", condition=Q(evaluations__year=year)),
    )


# The keys of the breakdowns, read once: a choices class computes its values on each call,
# and a country's roll-up makes Figures for 696 districts.
PARTICIPANT_KEYS = tuple(Participants.values)
FUNDING_KEYS = tuple(FundingSource.values)
TOPIC_KEYS = tuple(LearningTopic.values)


def _figures(row: dict | None, bands: list[RatingBand]) -> Figures:
    """Figures from one aggregate row; zeros when ``row`` is None (no centres)."""
    if row is None:
        return Figures(
            participants=dict.fromkeys(PARTICIPANT_KEYS, 0),
            funding=dict.fromkeys(FUNDING_KEYS, 0),
            ratings={band.code: 0 for band in bands},
            classes=dict.fromkeys(TOPIC_KEYS, 0),
            sessions=dict.fromkeys(TOPIC_KEYS, 0),
        )
    return Figures(
        centres=row["centres"],
        active_centres=row["active_centres"],
        model_centres=row["model_centres"],
        reports_in=row["reports_in"],
        reports_accepted=row["reports_accepted"],
        using_it=row["using_it"],
        evaluated=row["evaluated"],
        participants={key: row[f"participants_{key}"] for key in PARTICIPANT_KEYS},
        funding={key: row[f"funding_{key}"] for key in FUNDING_KEYS},
        ratings={band.code: row[f"rating_{band.pk}"] for band in bands},
        classes=dict.fromkeys(TOPIC_KEYS, 0),
        sessions=dict.fromkeys(TOPIC_KEYS, 0),
    )


def _topic_rows(year: int, district=None):
    topics = ReportTopic.objects.filter(report__year=year, report__status=ACCEPTED)
    if district is not None:
        return topics.filter(report__centre__ward__parent=district)
    return in_portal(topics, district="report__centre__ward__parent")


# The fields of Figures: counts, and breakdowns of counts by key.
NUMBERS = (
    "centres",
    "active_centres",
    "model_centres",
    "reports_in",
    "reports_accepted",
    "using_it",
    "evaluated",
)
BREAKDOWNS = ("participants", "funding", "ratings", "classes", "sessions")


def _sum(rows: Iterable[Figures], bands: list[RatingBand]) -> Figures:
    """The figures of several districts together: every figure is a count or a sum."""
    total = _figures(None, bands)
    for row in rows:
        for name in NUMBERS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for name in BREAKDOWNS:
            mine = getattr(total, name)
            for key, value in getattr(row, name).items():
                mine[key] = mine.get(key, 0) + value
    return total


@dataclass
class Rollup:
    year: int
    as_of: datetime.date
    bands: list[RatingBand]
    total: Figures  # the city, or the one district asked for
    districts: list[tuple] = field(default_factory=list)  # (district, Figures), GSO order


# How long a roll-up is kept at most: changes the stamp below cannot see (a ward moved to another
# district by the administrative-unit loader) show after this.
ROLLUP_CACHE_SECONDS = 15 * 60


def _rollup_stamp(year: int, district, bands: list[RatingBand]) -> str:
    """A key that changes whenever the figures of ``year`` may have: every write to centres,
    reports and evaluations goes through the services, which add a row (the count and the
    largest id change), delete one (the count) or raise its version (the sum of versions)."""

    def stamp(queryset) -> tuple:
        row = queryset.order_by().aggregate(
            rows=Count("pk"), versions=Sum("version"), last=Max("pk")
        )
        return row["rows"], row["versions"], row["last"]

    parts = (
        year,
        district.pk if district else settings.PORTAL_PROVINCE_CODE,
        [(band.pk, band.min_points) for band in bands],
        stamp(Centre.objects.all()),
        stamp(ActivityReport.objects.filter(year=year)),
        stamp(Evaluation.objects.filter(year=year)),
    )
    return "clc-rollup:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _district_figures(
    year: int, district, as_of: datetime.date, bands: list[RatingBand]
) -> dict[int, Figures]:
    """{district id: Figures} of the districts with centres: two queries grouped by district,
    whatever the number of centres and districts (the centres' figures, and the topics' classes
    and sessions)."""
    if district is None:
        centres = in_portal(registered_by(as_of), district=DISTRICT)
    else:
        centres = registered_by(as_of).filter(ward__parent=district)
    rows = {
        row[DISTRICT]: _figures(row, bands)
        for row in _centres_of_year(year, centres)
        .values(DISTRICT)
        .annotate(**_centre_aggregates(as_of=as_of, bands=bands))
        .order_by()
    }
    # One row per district with a column per topic, rather than a row per district and topic.
    by_topic = {}
    for key in TOPIC_KEYS:
        by_topic[f"classes_{key}"] = Sum("classes", filter=Q(topic=key), default=0)
        by_topic[f"sessions_{key}"] = Sum("sessions", filter=Q(topic=key), default=0)
    path = "report__centre__ward__parent"
    for row in _topic_rows(year, district).values(path).annotate(**by_topic).order_by():
        figures = rows[row[path]]
        for key in TOPIC_KEYS:
            figures.classes[key] = row[f"classes_{key}"]
            figures.sessions[key] = row[f"sessions_{key}"]
    return rows


def clc_rollup(*, year: int, district=None, by_district: bool = True) -> Rollup:
    """The figures of ``year`` for the city (``district`` None) or one district, and, for the
    city, one row per district in GSO order; the city's total is the districts' sum.

    The districts' figures are kept in the cache under a stamp of the data they are made of
    (three small counting queries), so that a country's, which take two queries over every
    centre, report and topic, are worked out once per change rather than on every request.
    """
    as_of = year_end(year)
    bands = list(rating_scale())
    if district is None:
        districts = list(portal_districts().select_related("parent"))
    else:
        districts = [district]
    key = _rollup_stamp(year, district, bands)
    rows = cache.get(key)
    if rows is None:
        rows = _district_figures(year, district, as_of, bands)
        cache.set(key, rows, ROLLUP_CACHE_SECONDS)
    by_unit = [(d, rows.get(d.pk) or _figures(None, bands)) for d in districts]
    total = _sum((figures for _d, figures in by_unit), bands)
    rollup = Rollup(year=year, as_of=as_of, bands=bands, total=total)
    if district is None and by_district:
        rollup.districts = by_unit
    return rollup


def clc_rollup_for(*, user, year: int, district=None) -> Rollup:
    """``clc_rollup()`` as ``user`` may read it, for the pages, their exports and the API alike:
    the total (the city's, a figure of the programme every signed-in user reads, like the
    indicators' city roll-up; or the one district asked for, which the caller has checked with
    ``may_view_unit()``) and one row for each district whose own data ``user`` may read (a
    district officer: theirs)."""
    rollup = clc_rollup(year=year, district=district)
    rollup.districts = restrict_unit_rows(rollup.districts, user)
    return rollup


def by_province(rollup: Rollup) -> list[tuple[AdministrativeUnit, Figures]]:
    """The district rows of a country's ``rollup`` added up by province, in GSO order: what a
    chart of 696 districts could not show."""
    provinces: dict[int, tuple[AdministrativeUnit, list[Figures]]] = {}
    for district, figures in rollup.districts:
        provinces.setdefault(district.parent_id, (district.parent, []))[1].append(figures)
    return [
        (province, _sum(rows, rollup.bands))
        for province, rows in sorted(provinces.values(), key=lambda item: item[0].code)
    ]


def district_centres(*, district, year: int, user) -> QuerySet[Centre]:
    """``district``'s centres, each with its report and evaluation of ``year`` (one query); the
    report as ``visible_reports()`` shows it to ``user``: a draft only to who reads drafts."""
    report = Q(reports__year=year)
    if not may_read_drafts(user):
        report &= ~Q(reports__status=ActivityReportStatus.DRAFT)
    return (
        centre_list()
        .filter(ward__parent=district)
        .annotate(
            report=FilteredRelation("reports", condition=report),
            evaluation=FilteredRelation("evaluations", condition=Q(evaluations__year=year)),
        )
        .annotate(
            report_id=F("report__pk"),
            report_status=F("report__status"),
            report_participants=F("report__participants_total"),
            report_uses_it=F("report__uses_it"),
            evaluation_points=F("evaluation__total_points"),
            evaluation_rating=F("evaluation__rating__code"),
        )
    )


# --- Facts the indicators app computes from (one query each) ------------------------------------


def _per_district(district_ids: Iterable[int], queryset, **aggregates) -> dict[int, dict]:
    ids = list(district_ids)
    rows = {
        row[DISTRICT]: row
        for row in queryset.filter(ward__parent__in=ids)
        .values(DISTRICT)
        .annotate(**aggregates)
        .order_by()
    }
    return {pk: rows.get(pk, dict.fromkeys(aggregates, 0)) for pk in ids}


def registered_by(as_of: datetime.date | None) -> QuerySet[Centre]:
    """The centres of the registry on ``as_of`` (today when None), the roll-up's and the
    indicators' alike: those established by then. A centre without a decision date is counted
    (nothing says when it began). The registry keeps no date of suspension, so a suspended
    centre counts in every year, as it does in the registry's total."""
    centres = Centre.objects.all()
    if as_of is None:
        return centres
    return centres.filter(Q(decision_date__isnull=True) | Q(decision_date__lte=as_of))


def centre_counts(
    *, district_ids: Iterable[int], as_of: datetime.date | None = None
) -> dict[int, int]:
    """{district id: centres registered on ``as_of``}."""
    rows = _per_district(district_ids, registered_by(as_of), n=Count("pk"))
    return {pk: row["n"] for pk, row in rows.items()}


def model_centre_counts(*, district_ids: Iterable[int], as_of: datetime.date) -> dict[int, int]:
    """{district id: centres holding a valid model-centre designation on ``as_of``}."""
    rows = _per_district(district_ids, registered_by(as_of).model_at(as_of), n=Count("pk"))
    return {pk: row["n"] for pk, row in rows.items()}


def _centres_with(
    district_ids: Iterable[int], year: int, condition: Q
) -> dict[int, tuple[int, int]]:
    """{district id: (centres of ``year``'s registry whose report of the year meets
    ``condition``, centres)}: the whole is the roll-up's ``centres`` of that year."""
    centres = _centres_of_year(year, registered_by(year_end(year)))
    rows = _per_district(
        district_ids, centres, n=Count("pk"), part=Count("report", filter=condition)
    )
    return {pk: (row["part"], row["n"]) for pk, row in rows.items()}


def report_counts(*, district_ids: Iterable[int], year: int) -> dict[int, tuple[int, int]]:
    """{district id: (centres whose report of ``year`` is accepted, centres)}: the roll-up's
    ``reports_accepted`` of ``centres``."""
    return _centres_with(district_ids, year, Q(report__status=ACCEPTED))


def it_counts(*, district_ids: Iterable[int], year: int) -> dict[int, tuple[int, int]]:
    """{district id: (centres using IT by their accepted report of ``year``, centres)}: the
    roll-up's ``using_it`` of ``centres``, whose quotient is its ``it_share``."""
    return _centres_with(district_ids, year, USING_IT)


# --- Timeliness (read by learningcity.deadlines through its registry) ---------------------------


def report_sent_at(path: str = ""):
    """When a report (at ``path``) was first sent to the district office. Reports recorded
    without that moment (written in before the portal kept it) have their last change of status
    instead: they were in by then."""
    return Coalesce(f"{path}first_submitted_at", f"{path}status_changed_at")


def reports_submitted(period: ReportingPeriod, district_ids) -> dict[int, Submitted]:
    """Every district asked about, with its active centres as the parts of the obligation: how
    many are due, when each report of ``period``'s year that is in (submitted or accepted) was
    first sent, and how many are accepted. Suspended centres owe nothing. One query, one row
    per active centre (a moment per part is what the due date is judged against)."""
    ids = list(district_ids)
    rows = (
        Centre.objects.filter(ward__parent_id__in=ids, status=CentreStatus.ACTIVE)
        # Joined to the year's report only (one per centre), not to every year's.
        .annotate(report=FilteredRelation("reports", condition=Q(reports__year=period.year)))
        .annotate(sent_at=report_sent_at("report__"))
        .order_by()
        .values_list(DISTRICT, "report__status", "sent_at")
    )
    due, sent, accepted = Counter(), defaultdict(list), Counter()
    for district_id, status, sent_at in rows:
        due[district_id] += 1
        if status in REPORTS_IN and sent_at is not None:
            sent[district_id].append(sent_at)
        accepted[district_id] += status == ACCEPTED
    submitted = {}
    for pk in ids:
        complete = due[pk] > 0 and len(sent[pk]) == due[pk]
        submitted[pk] = Submitted(
            first_submitted_at=max(sent[pk]) if complete else None,
            approved=complete and accepted[pk] == due[pk],
            parts_due=due[pk],
            parts_sent=tuple(sent[pk]),
            parts_approved=accepted[pk],
        )
    return submitted


def reports_entry_url(period: ReportingPeriod, district) -> str:
    return f"{reverse('clc:not-reported')}?year={period.year}&district={district.code}"
