"""Reads for the districts app: the querysets pages, the API and exports share."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from learningcity.choices import PeriodKind
from learningcity.deadlines.registry import Submitted
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, may_read_drafts, restrict
from learningcity.text import search_key

from .choices import ReviewStatus, TaskStatus
from .models import (
    AdministrativeUnit,
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)


def unit_search(queryset: QuerySet, query: str) -> QuerySet:
    """Units whose name contains ``query``, ignoring case and diacritics ("thu duc")."""
    key = search_key(query)
    return queryset.filter(name_search__contains=key) if key else queryset


def district_list(*, province_code: str | None = None) -> QuerySet[AdministrativeUnit]:
    """District-level units with their province and ward count, in GSO order."""
    districts = (
        AdministrativeUnit.objects.districts()
        .select_related("parent")
        .annotate(ward_count=Count("children"))
        .order_by("code")
    )
    if province_code:
        districts = districts.filter(parent__code=province_code)
    return districts


def portal_district_list() -> QuerySet[AdministrativeUnit]:
    """The districts of the province this portal serves (Ho Chi Minh City by default; every
    district of the country when PORTAL_PROVINCE_CODE is empty)."""
    return district_list(province_code=settings.PORTAL_PROVINCE_CODE)


def portal_districts() -> QuerySet[AdministrativeUnit]:
    """The portal's districts in GSO order with nothing joined in: the base of boards that
    annotate their own figures (no ward count, which would join every ward)."""
    districts = AdministrativeUnit.objects.districts().order_by("code")
    code = settings.PORTAL_PROVINCE_CODE
    return districts.filter(parent__code=code) if code else districts


def in_portal(queryset: QuerySet, *, district: str) -> QuerySet:
    """``queryset`` limited to the portal's province; ``district`` is the lookup from its rows
    to their district ("ward__parent" for centres). The whole country when no province is set."""
    code = settings.PORTAL_PROVINCE_CODE
    return queryset.filter(**{f"{district}__parent__code": code}) if code else queryset


def ward_list() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.wards().select_related("parent").order_by("code")


# --- Programme -----------------------------------------------------------------------------------


def current_committees() -> QuerySet[SteeringCommittee]:
    return SteeringCommittee.objects.filter(superseded_at=None)


def current_plans() -> QuerySet[ImplementationPlan]:
    return ImplementationPlan.objects.filter(superseded_at=None)


def committee_history(*, district: AdministrativeUnit) -> QuerySet[SteeringCommittee]:
    """Every decision on the district's committee, newest first, with member counts."""
    return district.committees.annotate(member_count=Count("members")).order_by("-issued_on", "-id")


def plan_history(*, district: AdministrativeUnit) -> QuerySet[ImplementationPlan]:
    return district.plans.order_by("-issued_on", "-id")


def key_tasks_for(*, period: ReportingPeriod) -> QuerySet[KeyTask]:
    """The active key tasks that apply in ``period``'s year."""
    return KeyTask.objects.filter(
        is_active=True, start_year__lte=period.year, end_year__gte=period.year
    ).order_by("order", "code")


def progress_for(*, district: AdministrativeUnit, period: ReportingPeriod) -> list[tuple]:
    """(key task, its progress or None) for every key task of ``period``, in catalogue order."""
    recorded = {
        p.key_task_id: p for p in KeyTaskProgress.objects.filter(district=district, period=period)
    }
    return [(task, recorded.get(task.pk)) for task in key_tasks_for(period=period)]


# --- The programme's facts: each is computed here once, for every page, API answer, export
# and report section that shows it.

# A review the district has sent to the Department: waiting to be read, acknowledged, or
# returned for changes. A draft is the district's working copy and counts nowhere.
SENT_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED, ReviewStatus.RETURNED)

# The periods the review board and the digest offer: reviews are filed per half-year; a year
# rolls up every review within it. A review filed for a quarter or a month adds that kind.
REVIEW_PERIOD_KINDS = {
    PeriodKind.HALF_YEAR: gettext_lazy("Half-years"),
    PeriodKind.YEAR: gettext_lazy("Years (both half-years)"),
}
OTHER_PERIOD_KINDS = {
    PeriodKind.QUARTER: gettext_lazy("Quarters"),
    PeriodKind.MONTH: gettext_lazy("Months"),
}


def as_of_period(period: ReportingPeriod) -> datetime.date:
    """The day a period's committees and plans are counted at: its last day, or today while it
    runs (the day the indicators' registers are read at too, so both give one figure)."""
    return min(period.end_date, timezone.localdate())


def committees_as_of(as_of: datetime.date) -> QuerySet[SteeringCommittee]:
    """Committee decisions issued by ``as_of``: a district has a committee at that date when one
    of these is its own (a re-established committee replaces, never removes, the first)."""
    return SteeringCommittee.objects.filter(issued_on__lte=as_of)


def plans_as_of(as_of: datetime.date) -> QuerySet[ImplementationPlan]:
    """Implementation plans issued by ``as_of``."""
    return ImplementationPlan.objects.filter(issued_on__lte=as_of)


def sent_reviews(
    *, start: datetime.date, end: datetime.date, as_of: datetime.date | None = None
) -> QuerySet[InterimReview]:
    """Interim reviews sent to the Department for the periods lying within ``start``..``end``:
    a half-year's own, a year's those of both its halves. With ``as_of``, only reviews held by
    that day."""
    reviews = InterimReview.objects.filter(
        status__in=SENT_STATUSES, period__start_date__gte=start, period__end_date__lte=end
    )
    return reviews.filter(held_on__lte=as_of) if as_of else reviews


def _ids(district_ids):
    return portal_districts().values("pk") if district_ids is None else district_ids


def districts_with_committee(*, district_ids=None, as_of: datetime.date) -> set[int]:
    """Districts (of ``district_ids``; the portal's when None) whose steering committee had been
    set up by ``as_of``."""
    return set(
        committees_as_of(as_of)
        .filter(district_id__in=_ids(district_ids))
        .values_list("district_id", flat=True)
        .distinct()
    )


def districts_with_plan(*, district_ids=None, as_of: datetime.date) -> set[int]:
    """Districts that had issued an implementation plan by ``as_of``."""
    return set(
        plans_as_of(as_of)
        .filter(district_id__in=_ids(district_ids))
        .values_list("district_id", flat=True)
        .distinct()
    )


def districts_with_review(
    *, district_ids=None, year: int, as_of: datetime.date | None = None
) -> set[int]:
    """Districts that sent an interim review of either half of ``year`` (held by ``as_of``)."""
    reviews = sent_reviews(
        start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), as_of=as_of
    )
    return set(
        reviews.filter(district_id__in=_ids(district_ids))
        .values_list("district_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class ReviewTally:
    """The interim reviews sent for a period, counted two ways: reviews (a year holds up to two
    per district) and the districts that sent at least one; and the reviews by state."""

    reviews: int
    districts: int
    awaiting: int  # sent, not yet read by the Department
    acknowledged: int
    returned: int  # sent back to the district for changes


def review_tally(*, period: ReportingPeriod, district_ids=None) -> ReviewTally:
    """The interim reviews sent for ``period`` (a year: both halves), in one query."""
    reviews = sent_reviews(start=period.start_date, end=period.end_date)
    counts = reviews.filter(district_id__in=_ids(district_ids)).aggregate(
        reviews=Count("pk"),
        districts=Count("district", distinct=True),
        awaiting=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
        acknowledged=Count("pk", filter=Q(status=ReviewStatus.ACKNOWLEDGED)),
        returned=Count("pk", filter=Q(status=ReviewStatus.RETURNED)),
    )
    return ReviewTally(**counts)


def review_periods() -> dict[int, str]:
    """The periods some interim review has been sent for (id -> kind): the ones the board and
    the digest open on."""
    return dict(
        InterimReview.objects.filter(status__in=SENT_STATUSES)
        .values_list("period_id", "period__kind")
        .distinct()
    )


def review_period_kinds(periods: dict[int, str]) -> dict[str, str]:
    """The kinds of period the board and the digest offer (kind -> label), filing kind first:
    half-years and years, and any other kind a review was sent for."""
    sent = set(periods.values())
    others = {kind: label for kind, label in OTHER_PERIOD_KINDS.items() if kind in sent}
    return {**REVIEW_PERIOD_KINDS, **others}


def programme_totals(*, period: ReportingPeriod) -> dict[str, int]:
    """City-wide figures of the review board of ``period``: committees and plans as at the
    period's end (today while it runs), interim reviews sent for it."""
    as_of = as_of_period(period)
    tally = review_tally(period=period)
    return {
        "districts": portal_districts().count(),
        "with_committee": len(districts_with_committee(as_of=as_of)),
        "with_plan": len(districts_with_plan(as_of=as_of)),
        "reviews_sent": tally.reviews,
        "districts_reviewed": tally.districts,
        "reviews_awaiting": tally.awaiting,
        "reviews_acknowledged": tally.acknowledged,
        "reviews_returned": tally.returned,
    }


def review_board(*, period: ReportingPeriod) -> QuerySet[AdministrativeUnit]:
    """One row per district of the portal: the committee and plan in force at the period's end
    (today while it runs), key-task progress recorded for the period, the number of interim
    reviews sent for it (a year: both halves) and the sent review of the period itself.

    Every figure is a subquery on indexed columns, so the board costs the same few queries
    whatever the number of districts. No ward count (the board does not show it).
    """
    as_of = as_of_period(period)
    latest = ("-issued_on", "-id")
    committee = committees_as_of(as_of).filter(district=OuterRef("pk")).order_by(*latest)
    plan = plans_as_of(as_of).filter(district=OuterRef("pk")).order_by(*latest)
    members = (
        CommitteeMember.objects.filter(committee=OuterRef("committee_id"))
        .order_by()
        .values("committee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    done = (
        KeyTaskProgress.objects.filter(
            district=OuterRef("pk"),
            period=period,
            status=TaskStatus.DONE,
            key_task__in=key_tasks_for(period=period).order_by(),
        )
        .order_by()
        .values("district")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sent = (
        sent_reviews(start=period.start_date, end=period.end_date)
        .filter(district=OuterRef("pk"))
        .order_by()
        .values("district")
        .annotate(n=Count("pk"))
        .values("n")
    )
    own = InterimReview.objects.filter(
        district=OuterRef("pk"), period=period, status__in=SENT_STATUSES
    )
    return (
        portal_districts()
        .annotate(
            committee_id=Subquery(committee.values("pk")[:1]),
            committee_number=Subquery(committee.values("number")[:1]),
            committee_issued_on=Subquery(committee.values("issued_on")[:1]),
            member_count=Coalesce(Subquery(members), 0),
            plan_number=Subquery(plan.values("number")[:1]),
            plan_issued_on=Subquery(plan.values("issued_on")[:1]),
            tasks_done=Coalesce(Subquery(done), 0),
            reviews_sent=Coalesce(Subquery(sent), 0),
            review_id=Subquery(own.values("pk")[:1]),
            review_status=Subquery(own.values("status")[:1]),
        )
        .order_by("code")
    )


BOARD_FILTERS = {
    "missing_committee": Q(committee_issued_on__isnull=True),
    "missing_plan": Q(plan_issued_on__isnull=True),
    "review_not_submitted": Q(reviews_sent=0),
}


def board_reviews(rows, *, period: ReportingPeriod) -> dict[int, list[InterimReview]]:
    """The sent reviews of ``period`` (a year: both halves) of the board's ``rows``, by
    district, oldest period first, in one query."""
    reviews = (
        sent_reviews(start=period.start_date, end=period.end_date)
        .filter(district__in=[row.pk for row in rows])
        .select_related("period")
        .order_by("period__start_date")
    )
    by_district: dict[int, list[InterimReview]] = {}
    for review in reviews:
        by_district.setdefault(review.district_id, []).append(review)
    return by_district


def review_digest(
    *, start: datetime.date, end: datetime.date, query: str = ""
) -> QuerySet[InterimReview]:
    """The interim reviews sent for the periods within ``start``..``end`` (a year: both
    halves), searchable."""
    reviews = (
        sent_reviews(start=start, end=end)
        .filter(district__in=portal_districts())
        .select_related("district", "period")
        .order_by("district__code", "period__start_date")
    )
    key = search_key(query)
    return reviews.filter(search_text__contains=key) if key else reviews


def latest_review_half_year() -> ReportingPeriod | None:
    """The latest half-year some interim review was sent for."""
    return (
        ReportingPeriod.objects.filter(pk__in=review_periods(), kind=PeriodKind.HALF_YEAR)
        .order_by("-start_date")
        .first()
    )


def programme_summary() -> dict:
    """The programme's figures as they stand today, for the home page: committees and plans,
    and the interim reviews of the latest half-year any review was sent for."""
    today = datetime.date.today()
    latest = latest_review_half_year()
    return {
        "districts": portal_districts().count(),
        "with_committee": len(districts_with_committee(as_of=today)),
        "with_plan": len(districts_with_plan(as_of=today)),
        "review_period": latest,
        "reviews": review_tally(period=latest) if latest else None,
    }


# --- Timeliness (read by learningcity.deadlines through its registry) ---------------------------


def reviews_submitted(period: ReportingPeriod, district_ids) -> dict[int, Submitted]:
    """Districts that have sent their review of ``period``: when first, and acknowledged?"""
    reviews = InterimReview.objects.filter(
        period=period, district_id__in=district_ids, first_submitted_at__isnull=False
    ).values_list("district_id", "first_submitted_at", "status")
    return {
        district: Submitted(first_submitted_at=sent, approved=status == ReviewStatus.ACKNOWLEDGED)
        for district, sent, status in reviews
    }


def review_entry_url(period: ReportingPeriod, district: AdministrativeUnit) -> str:
    return reverse("districts:review-edit", args=[district.code, period.code])


def visible_reviews(
    queryset: QuerySet[InterimReview], *, user, action: Action = Action.VIEW
) -> QuerySet[InterimReview]:
    """``queryset`` narrowed to the interim reviews ``user`` may open, on pages and through the
    API alike: a draft is the district's working copy (``may_read_drafts``)."""
    reviews = restrict(queryset, user, action)
    if not may_read_drafts(user):
        reviews = reviews.exclude(status=ReviewStatus.DRAFT)
    return reviews
