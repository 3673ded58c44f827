from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from awards import selectors, services
from awards.choices import DossierStatus
from awards.filters import DossierFilterSet
from awards.models import (
    CommendationForm,
    Decision,
    Dossier,
    DossierEvent,
    FieldOfActivity,
    ReviewOpinion,
)
from learningcity.api.views import ScopedReadOnlyViewSet, ScopedServiceViewSet, responses
from learningcity.permissions import Action, may_read_drafts, restrict

from .serializers import (
    AttachmentInputSerializer,
    CommendationFormSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    DossierCreateInputSerializer,
    DossierDetailSerializer,
    DossierSerializer,
    DossierUpdateInputSerializer,
    FieldOfActivitySerializer,
    OpinionInputSerializer,
    ReasonInputSerializer,
    RejectedCountSerializer,
    RejectRemainingInputSerializer,
    RoundSerializer,
    StatsQuerySerializer,
    StatsSerializer,
    StepInputSerializer,
    VoteInputSerializer,
)

AWARDS = ["Awards"]

# --- Reference data -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List award rounds with their intake and comment windows"),
    retrieve=extend_schema(summary="One award round"),
)
@extend_schema(tags=AWARDS)
class RoundViewSet(ScopedReadOnlyViewSet):
    queryset = selectors.rounds()
    serializer_class = RoundSerializer

    @extend_schema(
        summary="Reject the round's remaining dossiers",
        description=(
            "After the People's Committee has decided: every dossier of the round still "
            "recommended or not recommended becomes rejected, with the reason in its timeline. "
            "Department only."
        ),
        request=RejectRemainingInputSerializer,
        responses=responses({200: RejectedCountSerializer}, 400, 403, 404),
    )
    @action(detail=True, methods=["post"], url_path="reject-remaining")
    def reject_remaining(self, request, pk=None):
        round = get_object_or_404(selectors.rounds(), pk=pk)
        data = RejectRemainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.dossiers_reject_remaining(
            user=request.user, round=round, reason=data.validated_data["reason"]
        )
        return Response(RejectedCountSerializer({"rejected": count}).data)


@extend_schema_view(
    list=extend_schema(summary="List forms of commendation with legal source and validity"),
    retrieve=extend_schema(summary="One form of commendation by code"),
)
@extend_schema(tags=AWARDS)
class CommendationFormViewSet(ScopedReadOnlyViewSet):
    queryset = CommendationForm.objects.all()
    serializer_class = CommendationFormSerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List fields of activity"),
    retrieve=extend_schema(summary="One field of activity by code"),
)
@extend_schema(tags=AWARDS)
class FieldOfActivityViewSet(ScopedReadOnlyViewSet):
    queryset = FieldOfActivity.objects.all()
    serializer_class = FieldOfActivitySerializer
    lookup_field = "code"


# --- Dossiers -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List award dossiers",
        description=(
            "Scoped like every resource: a district officer sees their district's dossiers, "
            "the Department and API consumers all of them. Drafts are seen only by those who "
            "write dossiers. `personal` (phone, identity number, date of birth, address, "
            "household head, attachments) is null except for the Department and the nominating "
            "district."
        ),
    ),
    retrieve=extend_schema(
        summary="One dossier with its timeline, opinions and vote",
        responses=DossierDetailSerializer,
    ),
    create=extend_schema(
        summary="Start a dossier as a draft",
        description=(
            "The dossier gets its code (KT-<year>-<number>). The round must be open for intake. "
            "A nominee already nominated by the district in the round (same kind, same name "
            "ignoring case and diacritics) is refused with 400 on `nominee_name`."
        ),
        request=DossierCreateInputSerializer,
        responses=responses({201: DossierDetailSerializer}, 400, 403),
    ),
    partial_update=extend_schema(
        summary="Edit a draft or a dossier returned for supplement",
        request=DossierUpdateInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    ),
)
@extend_schema(tags=AWARDS)
class DossierViewSet(ScopedServiceViewSet):
    queryset = Dossier.objects.select_related(
        "round", "district", "ward", "field", "proposed_form", "decision"
    ).prefetch_related("attachments")
    serializer_class = DossierSerializer
    filterset_class = DossierFilterSet
    # The Department's steps: look the dossier up in REVIEW scope.
    review_actions = ("receive", "return_dossier", "start_review", "opinions", "vote", "reject")

    def get_queryset(self):
        user = self.request.user
        if self.action in self.review_actions:
            dossiers = restrict(self.queryset.all(), user, Action.REVIEW)
        else:
            dossiers = super().get_queryset()
        if not may_read_drafts(user):
            dossiers = dossiers.exclude(status=DossierStatus.DRAFT)
        if self.action != "list":
            dossiers = self._with_detail(dossiers)
        return dossiers

    def filter_queryset(self, queryset):
        # The filters narrow the list (to the latest round unless asked); a dossier named by
        # its id is found, and its steps taken, whatever its round.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return DossierSerializer if self.action == "list" else DossierDetailSerializer

    @staticmethod
    def _with_detail(dossiers):
        return dossiers.prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
            Prefetch("opinions", queryset=ReviewOpinion.objects.select_related("reviewer")),
            "vote",
        )

    def answer(self, obj, status_code: int = status.HTTP_200_OK) -> Response:
        obj = self._with_detail(self.queryset).get(pk=obj.pk)
        return Response(
            DossierDetailSerializer(obj, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request):
        data = self.validated(DossierCreateInputSerializer)
        dossier = services.dossier_create(
            user=request.user, round=data.pop("round"), district=data.pop("district"), **data
        )
        return self.answer(dossier, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(DossierUpdateInputSerializer, partial=True)
        return self.answer(services.dossier_update(user=request.user, dossier=dossier, **data))

    def _step(self, service, serializer_class=StepInputSerializer):
        dossier = self.get_object()
        data = self.validated(serializer_class)
        return self.answer(service(user=self.request.user, dossier=dossier, **data))

    @extend_schema(
        summary="Attach a document to a draft or returned dossier",
        description=(
            "multipart/form-data with `kind` and `file`. The file is checked by its content "
            "and size: a fake or oversized file is refused with 400 and nothing is stored."
        ),
        request={"multipart/form-data": AttachmentInputSerializer},
        responses=responses({201: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(AttachmentInputSerializer)
        services.attachment_add(user=request.user, dossier=dossier, **data)
        return self.answer(dossier, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send the dossier to the Department",
        description=(
            "From draft to submitted (the round must be open for intake), or from returned to "
            "resubmitted. Needs an achievement report. The nominating district only."
        ),
        request=StepInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(services.dossier_submit)

    @extend_schema(
        summary="Receive a complete dossier",
        description="From submitted or resubmitted to received. Department only.",
        request=StepInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._step(services.dossier_receive)

    @extend_schema(
        summary="Return a dossier for supplement",
        description=(
            "From submitted or resubmitted to returned; the reason says what to add. "
            "Department only."
        ),
        request=ReasonInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_dossier(self, request, pk=None):
        return self._step(services.dossier_return, ReasonInputSerializer)

    @extend_schema(
        summary="Put a received dossier before the council",
        description="From received to under review. Department only.",
        request=StepInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="start-review", url_name="start-review")
    def start_review(self, request, pk=None):
        return self._step(services.dossier_start_review)

    @extend_schema(
        summary="Add a reviewer's opinion",
        description="While the dossier is under review. Department only.",
        request=OpinionInputSerializer,
        responses=responses({201: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def opinions(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(OpinionInputSerializer)
        services.opinion_add(user=request.user, dossier=dossier, **data)
        return self.answer(dossier, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the council's vote",
        description=(
            "From under review to recommended when the votes for are more than the threshold "
            "(setting AWARDS_RECOMMEND_THRESHOLD, default 0.5) of the votes cast (for, against "
            "and abstentions), otherwise to not recommended. Department only."
        ),
        request=VoteInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="record-vote", url_name="record-vote")
    def vote(self, request, pk=None):
        return self._step(services.vote_record, VoteInputSerializer)

    @extend_schema(
        summary="Reject a dossier the council has decided on",
        description="From recommended or not recommended to rejected. Department only.",
        request=ReasonInputSerializer,
        responses=responses({200: DossierDetailSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(services.dossier_reject, ReasonInputSerializer)


# --- Decisions and statistics ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List the People's Committee's award decisions"),
    retrieve=extend_schema(summary="One decision with the dossiers it granted"),
    create=extend_schema(
        summary="Record a decision and grant its dossiers in one step",
        description=(
            "Every listed dossier must be recommended and of the round; they all become "
            "awarded, or (400/409) none does. Department only. Send multipart/form-data to "
            "attach the scanned decision."
        ),
        request=DecisionInputSerializer,
        responses=responses({201: DecisionSerializer}, 400, 403, 409),
    ),
)
@extend_schema(tags=AWARDS)
class DecisionViewSet(ScopedServiceViewSet):
    queryset = Decision.objects.select_related("round").prefetch_related("dossiers")
    serializer_class = DecisionSerializer

    def create(self, request):
        data = self.validated(DecisionInputSerializer)
        decision = services.decision_grant(user=request.user, **data)
        return self.answer(decision, status.HTTP_201_CREATED)


class AwardStatsView(APIView):
    """Received vs awarded in a round, by nominee kind, district and field."""

    @extend_schema(
        tags=AWARDS,
        summary="Statistics of a round",
        description=(
            "`received` counts every dossier the Department received (status received or any "
            "later one); `awarded` the dossiers a decision granted. City-wide figures: every "
            "signed-in user reads them."
        ),
        parameters=[StatsQuerySerializer],
        responses=responses({200: StatsSerializer}, 400),
    )
    def get(self, request):
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        stats = selectors.round_stats(round=query.validated_data["round"])
        return Response(StatsSerializer(stats).data)
