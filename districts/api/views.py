from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from districts import selectors, services
from districts.filters import (
    CommitteeFilterSet,
    CommitteeMemberFilterSet,
    DistrictFilterSet,
    InterimReviewFilterSet,
    KeyTaskFilterSet,
    KeyTaskProgressFilterSet,
    PlanFilterSet,
    WardFilterSet,
)
from districts.models import (
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)
from learningcity.api.pagination import PAGE_PARAMETERS, PortalPagination
from learningcity.api.views import ScopedReadOnlyViewSet, ScopedServiceViewSet, responses
from learningcity.permissions import Action, restrict_units

from .serializers import (
    CommitteeEstablishInputSerializer,
    CommitteeMemberCreateInputSerializer,
    CommitteeMemberSerializer,
    CommitteeMemberUpdateInputSerializer,
    CommitteeSerializer,
    CommitteeUpdateInputSerializer,
    DistrictSerializer,
    InterimReviewInputSerializer,
    InterimReviewSerializer,
    InterimReviewUpdateInputSerializer,
    KeyTaskProgressInputSerializer,
    KeyTaskProgressSerializer,
    KeyTaskSerializer,
    PlanIssueInputSerializer,
    PlanSerializer,
    ReviewAcknowledgeInputSerializer,
    ReviewBoardQuerySerializer,
    ReviewBoardSerializer,
    ReviewReturnInputSerializer,
    WardSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List district-level units", tags=["Administrative units"]),
    retrieve=extend_schema(summary="One district by GSO code", tags=["Administrative units"]),
)
class DistrictViewSet(ScopedReadOnlyViewSet):
    queryset = selectors.district_list()
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List commune-level units", tags=["Administrative units"]),
    retrieve=extend_schema(summary="One ward by GSO code", tags=["Administrative units"]),
)
class WardViewSet(ScopedReadOnlyViewSet):
    queryset = selectors.ward_list()
    serializer_class = WardSerializer
    filterset_class = WardFilterSet
    lookup_field = "code"


# --- Programme ------------------------------------------------------------------------------------
# Reads go through the scoped querysets; every write calls a service with validated input and
# answers with the output serializer. A row outside the user's scope answers 404 (see
# ScopedViewSetMixin); creating data for another district answers 403 (the service's check).

PROGRAMME = ["Programme"]


@extend_schema_view(
    list=extend_schema(summary="List steering committees, current and superseded"),
    retrieve=extend_schema(summary="One steering committee with its members"),
    create=extend_schema(
        summary="Establish or re-establish a district's steering committee",
        description=(
            "Records the decision setting up the committee. If the district already has one, it "
            "is kept as history (`current` false) and its members are copied to the new one "
            "unless `copy_members` is false. Send multipart/form-data to attach the decision."
        ),
        request=CommitteeEstablishInputSerializer,
        responses=responses({201: CommitteeSerializer}, 400, 403),
    ),
    partial_update=extend_schema(
        summary="Correct a committee's decision",
        request=CommitteeUpdateInputSerializer,
        responses=responses({200: CommitteeSerializer}, 400, 403, 404, 409),
    ),
)
@extend_schema(tags=PROGRAMME)
class CommitteeViewSet(ScopedServiceViewSet):
    queryset = SteeringCommittee.objects.select_related("district").prefetch_related("members")
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilterSet

    def create(self, request):
        data = self.validated(CommitteeEstablishInputSerializer)
        committee = services.committee_establish(user=request.user, **data)
        return self.answer(committee, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        committee = self.get_object()
        data = self.validated(CommitteeUpdateInputSerializer, partial=True)
        committee = services.committee_update(user=request.user, committee=committee, **data)
        return self.answer(committee)


@extend_schema_view(
    list=extend_schema(summary="List committee members"),
    retrieve=extend_schema(summary="One committee member"),
    create=extend_schema(
        summary="Add a member to a district's current committee",
        request=CommitteeMemberCreateInputSerializer,
        responses=responses({201: CommitteeMemberSerializer}, 400, 403),
    ),
    partial_update=extend_schema(
        summary="Change a committee member",
        request=CommitteeMemberUpdateInputSerializer,
        responses=responses({200: CommitteeMemberSerializer}, 400, 403, 404),
    ),
    destroy=extend_schema(
        summary="Remove a committee member", responses=responses({204: None}, 403, 404)
    ),
)
@extend_schema(tags=PROGRAMME)
class CommitteeMemberViewSet(ScopedServiceViewSet):
    queryset = CommitteeMember.objects.all()
    serializer_class = CommitteeMemberSerializer
    filterset_class = CommitteeMemberFilterSet

    def create(self, request):
        data = self.validated(CommitteeMemberCreateInputSerializer)
        member = services.member_create(user=request.user, **data)
        return self.answer(member, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = self.validated(CommitteeMemberUpdateInputSerializer, partial=True)
        return self.answer(services.member_update(user=request.user, member=member, **data))

    def destroy(self, request, pk=None):
        services.member_delete(user=request.user, member=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List implementation plans, current and superseded"),
    retrieve=extend_schema(summary="One implementation plan"),
    create=extend_schema(
        summary="Issue a district's implementation plan or a revision of it",
        description="A revision supersedes the current plan, which is kept (`current` false).",
        request=PlanIssueInputSerializer,
        responses=responses({201: PlanSerializer}, 400, 403),
    ),
)
@extend_schema(tags=PROGRAMME)
class PlanViewSet(ScopedServiceViewSet):
    queryset = ImplementationPlan.objects.select_related("district")
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def create(self, request):
        data = self.validated(PlanIssueInputSerializer)
        plan = services.plan_issue(user=request.user, **data)
        return self.answer(plan, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List the city's key tasks"),
    retrieve=extend_schema(summary="One key task by code"),
)
@extend_schema(tags=PROGRAMME)
class KeyTaskViewSet(ScopedReadOnlyViewSet):
    queryset = KeyTask.objects.all()
    serializer_class = KeyTaskSerializer
    filterset_class = KeyTaskFilterSet
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List districts' progress on key tasks"),
    retrieve=extend_schema(summary="One district's progress on one key task in one period"),
    create=extend_schema(
        summary="Record a district's progress on a key task in a period",
        description=(
            "Creates the record (201) or updates the one already kept for the same district, "
            "period and key task (200) when `version` is the one read; without a version (or "
            "0: none read) a record already kept is not overwritten (409). Fields left out keep "
            "their value; so does the evidence file when none is sent. Send "
            "multipart/form-data to attach evidence."
        ),
        request=KeyTaskProgressInputSerializer,
        responses=responses(
            {201: KeyTaskProgressSerializer, 200: KeyTaskProgressSerializer}, 400, 403, 409
        ),
    ),
)
@extend_schema(tags=PROGRAMME)
class KeyTaskProgressViewSet(ScopedServiceViewSet):
    queryset = KeyTaskProgress.objects.select_related("district", "period", "key_task")
    serializer_class = KeyTaskProgressSerializer
    filterset_class = KeyTaskProgressFilterSet

    def create(self, request):
        data = self.validated(KeyTaskProgressInputSerializer)
        existed = KeyTaskProgress.objects.filter(
            district=data["district"], period=data["period"], key_task=data["key_task"]
        ).exists()
        progress = services.progress_save(user=request.user, **data)
        return self.answer(progress, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List interim reviews"),
    retrieve=extend_schema(summary="One interim review"),
    create=extend_schema(
        summary="Write a district's interim review of a period",
        description=(
            "Creates the review as a draft (201), or edits the district's review of that period "
            "(200) while it is a draft or has been returned, given the `version` read; without "
            "a version (or 0: none read) a review already there is not overwritten (409)."
        ),
        request=InterimReviewInputSerializer,
        responses=responses(
            {201: InterimReviewSerializer, 200: InterimReviewSerializer}, 400, 403, 409
        ),
    ),
    partial_update=extend_schema(
        summary="Edit a draft or returned interim review",
        request=InterimReviewUpdateInputSerializer,
        responses=responses({200: InterimReviewSerializer}, 400, 403, 404, 409),
    ),
)
@extend_schema(tags=PROGRAMME)
class InterimReviewViewSet(ScopedServiceViewSet):
    queryset = InterimReview.objects.select_related("district", "period")
    serializer_class = InterimReviewSerializer
    filterset_class = InterimReviewFilterSet
    # Acknowledging and returning are the Department's: look the review up in REVIEW scope, so
    # a district officer cannot find (let alone acknowledge) their own review this way.
    review_actions = ("acknowledge", "return_review")

    def get_queryset(self):
        action = Action.REVIEW if self.action in self.review_actions else Action.VIEW
        return selectors.visible_reviews(self.queryset.all(), user=self.request.user, action=action)

    def create(self, request):
        data = self.validated(InterimReviewInputSerializer)
        existed = InterimReview.objects.filter(
            district=data["district"], period=data["period"]
        ).exists()
        review = services.review_save(user=request.user, **data)
        return self.answer(review, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        review = self.get_object()
        data = self.validated(InterimReviewUpdateInputSerializer, partial=True)
        review = services.review_save(
            user=request.user, district=review.district, period=review.period, **data
        )
        return self.answer(review)

    @extend_schema(
        summary="Submit the review to the Department",
        description="From draft or returned to submitted. The district's officers only.",
        request=None,
        responses=responses({200: InterimReviewSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = services.review_submit(user=request.user, review=self.get_object())
        return self.answer(review)

    @extend_schema(
        summary="Acknowledge a submitted review",
        description="From submitted to acknowledged, with an optional comment. Department only.",
        request=ReviewAcknowledgeInputSerializer,
        responses=responses({200: InterimReviewSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        review = self.get_object()
        data = self.validated(ReviewAcknowledgeInputSerializer)
        review = services.review_acknowledge(user=request.user, review=review, **data)
        return self.answer(review)

    @extend_schema(
        summary="Return a submitted review to the district",
        description="From submitted to returned; the comment says what to change. Department only.",
        request=ReviewReturnInputSerializer,
        responses=responses({200: InterimReviewSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_review(self, request, pk=None):
        review = self.get_object()
        data = self.validated(ReviewReturnInputSerializer)
        review = services.review_return(user=request.user, review=review, **data)
        return self.answer(review)


class ReviewBoardView(APIView):
    """Where every district stands in a period: committee, plan, key tasks, interim review."""

    @extend_schema(
        tags=PROGRAMME,
        summary="Review board of a period",
        description=(
            "A half-year or a year (`period`); a year counts the interim reviews sent for both "
            "of its halves. Committees and plans are those issued by `as_of`: the period's "
            "last day, or today while it runs. `totals` are city-wide: all districts, whatever "
            "`filter` says; `reviews_sent` counts reviews (a year holds up to two per "
            "district), `districts_reviewed` the districts that sent at least one. `rows` are the "
            "districts the user may see (a district officer: their own), narrowed by `filter`, "
            "in GSO order and in pages (`count`, `next`, `previous`; `page`, `page_size`): "
            "a city's districts fit one page, a country's 696 do not."
        ),
        parameters=[ReviewBoardQuerySerializer, *PAGE_PARAMETERS],
        responses=responses({200: ReviewBoardSerializer}, 400),
    )
    def get(self, request):
        query = ReviewBoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data["period"]
        board = selectors.review_board(period=period)
        rows = restrict_units(board, request.user)
        if "filter" in query.validated_data:
            rows = rows.filter(selectors.BOARD_FILTERS[query.validated_data["filter"]])
        tasks_total = selectors.key_tasks_for(period=period).count()
        rows, links = PortalPagination().page_of(rows, request, view=self)
        body = {
            "period": period,
            "as_of": selectors.as_of_period(period),
            "totals": selectors.programme_totals(period=period),
            **links,
            "rows": rows,
        }
        return Response(ReviewBoardSerializer(body, context={"tasks_total": tasks_total}).data)
