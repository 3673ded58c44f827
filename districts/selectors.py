"""Reads for the districts app: the querysets pages, the API and exports share."""

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

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

SUBMITTED_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED)


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


def review_board(*, period: ReportingPeriod) -> QuerySet[AdministrativeUnit]:
    """One row per district of the portal: committee, plan, key-task progress, review of period.

    A district has at most one current committee, one current plan and one review of a period,
    so those are joined in; the two counts are subqueries on indexed columns. No ward count (the
    board does not show it): joining the wards would multiply the rows by ten. The board costs
    the same few queries whatever the number of districts.
    """
    members = (
        CommitteeMember.objects.filter(
            committee__district=OuterRef("pk"), committee__superseded_at=None
        )
        .order_by()
        .values("committee__district")
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
    return (
        portal_districts()
        .alias(
            current_committee=FilteredRelation(
                "committees", condition=Q(committees__superseded_at=None)
            ),
            current_plan=FilteredRelation("plans", condition=Q(plans__superseded_at=None)),
            period_review=FilteredRelation(
                "interim_reviews", condition=Q(interim_reviews__period=period)
            ),
        )
        .annotate(
            committee_number=F("current_committee__number"),
            committee_issued_on=F("current_committee__issued_on"),
            member_count=Coalesce(Subquery(members), 0),
            plan_number=F("current_plan__number"),
            plan_issued_on=F("current_plan__issued_on"),
            tasks_done=Coalesce(Subquery(done), 0),
            # A draft is the district's working copy: the board shows it as no review yet, on
            # the page, its export and the API alike.
            review_id=Case(
                When(period_review__status=ReviewStatus.DRAFT, then=None),
                default=F("period_review__pk"),
                output_field=IntegerField(),
            ),
            review_status=Case(
                When(period_review__status=ReviewStatus.DRAFT, then=None),
                default=F("period_review__status"),
                output_field=CharField(),
            ),
        )
        .order_by("code")
    )


BOARD_FILTERS = {
    "missing_committee": Q(committee_issued_on__isnull=True),
    "missing_plan": Q(plan_issued_on__isnull=True),
    "review_not_submitted": ~Q(review_status__in=SUBMITTED_STATUSES) | Q(review_status=None),
}


def review_board_totals(board: QuerySet[AdministrativeUnit]) -> dict[str, int]:
    """City-wide counts over the (unfiltered) board, in one aggregate query."""
    return board.aggregate(
        districts=Count("pk"),
        with_committee=Count("pk", filter=Q(committee_issued_on__isnull=False)),
        with_plan=Count("pk", filter=Q(plan_issued_on__isnull=False)),
        reviews_submitted=Count("pk", filter=Q(review_status__in=SUBMITTED_STATUSES)),
        reviews_acknowledged=Count("pk", filter=Q(review_status=ReviewStatus.ACKNOWLEDGED)),
        reviews_returned=Count("pk", filter=Q(review_status=ReviewStatus.RETURNED)),
    )


def review_digest(*, period: ReportingPeriod, query: str = "") -> QuerySet[InterimReview]:
    """Reviews of ``period`` that districts have sent to the Department, searchable."""
    reviews = (
        InterimReview.objects.filter(period=period)
        .exclude(status=ReviewStatus.DRAFT)
        .select_related("district", "period")
        .order_by("district__code")
    )
    key = search_key(query)
    return reviews.filter(search_text__contains=key) if key else reviews


# --- Facts other apps compute indicators from (one query each) ---------------------------------


def districts_with_committee(*, district_ids, as_of) -> set[int]:
    """Districts whose steering committee had been set up by ``as_of``."""
    return set(
        SteeringCommittee.objects.filter(district_id__in=district_ids, issued_on__lte=as_of)
        .values_list("district_id", flat=True)
        .distinct()
    )


def districts_with_plan(*, district_ids, as_of) -> set[int]:
    """Districts that had issued an implementation plan by ``as_of``."""
    return set(
        ImplementationPlan.objects.filter(district_id__in=district_ids, issued_on__lte=as_of)
        .values_list("district_id", flat=True)
        .distinct()
    )


def districts_with_review(*, district_ids, year: int, as_of) -> set[int]:
    """Districts that held and sent an interim review in ``year``, by ``as_of``."""
    return set(
        InterimReview.objects.filter(
            district_id__in=district_ids,
            held_on__year=year,
            held_on__lte=as_of,
            status__in=SUBMITTED_STATUSES,
        )
        .values_list("district_id", flat=True)
        .distinct()
    )


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
