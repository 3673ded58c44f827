from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from clc import selectors, services
from clc.choices import IT_TARGET_PERCENT, CentreStatus
from clc.filters import ActivityReportFilterSet, CentreFilterSet, EvaluationFilterSet
from clc.models import ActivityReport, Criterion, Evaluation, RatingBand
from learningcity.api.pagination import PAGE_PARAMETERS, PortalPagination
from learningcity.api.views import ScopedReadOnlyViewSet, ScopedServiceViewSet, responses
from learningcity.permissions import Action, may_view_unit

from .serializers import (
    ActivityReportInputSerializer,
    ActivityReportSerializer,
    ActivityReportUpdateInputSerializer,
    CentreInputSerializer,
    CentreSerializer,
    CentreStatusInputSerializer,
    CentreUpdateInputSerializer,
    ClcStatsQuerySerializer,
    ClcStatsSerializer,
    CriterionSerializer,
    EvaluationInputSerializer,
    EvaluationSerializer,
    EvaluationUpdateInputSerializer,
    RatingBandSerializer,
    ReportAcceptInputSerializer,
    ReportReturnInputSerializer,
)

# Reads go through the scoped querysets; every write calls a service with validated input and
# answers with the output serializer. A row outside the user's scope answers 404; creating data
# for another district, or a step the user's role may not take, answers 403.
CLC = ["Community learning centres"]


@extend_schema_view(
    list=extend_schema(summary="List community learning centres"),
    retrieve=extend_schema(summary="One community learning centre"),
    create=extend_schema(
        summary="Register a ward's community learning centre",
        description="A ward has one centre at most: a second one is refused (400, `ward`).",
        request=CentreInputSerializer,
        responses=responses({201: CentreSerializer}, 400, 403),
    ),
    partial_update=extend_schema(
        summary="Change a centre's registry entry",
        request=CentreUpdateInputSerializer,
        responses=responses({200: CentreSerializer}, 400, 403, 404, 409),
    ),
)
@extend_schema(tags=CLC)
class CentreViewSet(ScopedServiceViewSet):
    queryset = selectors.centre_list()
    serializer_class = CentreSerializer
    filterset_class = CentreFilterSet

    def create(self, request):
        data = self.validated(CentreInputSerializer)
        centre = services.centre_create(user=request.user, **data)
        return self.answer(centre, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        centre = self.get_object()
        data = self.validated(CentreUpdateInputSerializer, partial=True)
        return self.answer(services.centre_update(user=request.user, centre=centre, **data))

    def _set_status(self, request, target: str):
        data = self.validated(CentreStatusInputSerializer)
        centre = services.centre_set_status(
            user=request.user, centre=self.get_object(), status=target, **data
        )
        return self.answer(centre)

    @extend_schema(
        summary="Suspend a centre",
        description="From active to suspended. The district's officers only.",
        request=CentreStatusInputSerializer,
        responses=responses({200: CentreSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._set_status(request, CentreStatus.SUSPENDED)

    @extend_schema(
        summary="Bring a suspended centre back into activity",
        request=CentreStatusInputSerializer,
        responses=responses({200: CentreSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._set_status(request, CentreStatus.ACTIVE)


@extend_schema_view(
    list=extend_schema(summary="List yearly activity reports"),
    retrieve=extend_schema(summary="One yearly activity report"),
    create=extend_schema(
        summary="Write a centre's report of a year",
        description=(
            "Creates the report as a draft (201), or edits the centre's report of that year "
            "(200) while it is a draft or has been returned, given the `version` read; without "
            "a version (or 0: none read) a report already there is not overwritten (409). "
            "Women, older people and people with disabilities cannot exceed the total."
        ),
        request=ActivityReportInputSerializer,
        responses=responses(
            {201: ActivityReportSerializer, 200: ActivityReportSerializer}, 400, 403, 409
        ),
    ),
    partial_update=extend_schema(
        summary="Edit a draft or returned report",
        request=ActivityReportUpdateInputSerializer,
        responses=responses({200: ActivityReportSerializer}, 400, 403, 404, 409),
    ),
)
@extend_schema(tags=CLC)
class ActivityReportViewSet(ScopedServiceViewSet):
    queryset = selectors.report_list()
    serializer_class = ActivityReportSerializer
    filterset_class = ActivityReportFilterSet
    # Workflow steps look the report up in VIEW scope, so that the Department (which reads
    # every report but does not accept them) is told 403, not 404, by the service.
    workflow_actions = ("submit", "accept", "return_report")

    def get_queryset(self):
        if self.action in self.workflow_actions or self.request.method in SAFE_METHODS:
            action = Action.VIEW
        else:
            action = Action.CHANGE
        return selectors.visible_reports(self.queryset.all(), user=self.request.user, action=action)

    def create(self, request):
        data = self.validated(ActivityReportInputSerializer)
        existed = ActivityReport.objects.filter(centre=data["centre"], year=data["year"]).exists()
        report = services.report_save(user=request.user, **data)
        return self.answer(report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        report = self.get_object()
        data = self.validated(ActivityReportUpdateInputSerializer, partial=True)
        report = services.report_save(
            user=request.user, centre=report.centre, year=report.year, **data
        )
        return self.answer(report)

    @extend_schema(
        summary="Submit the report to the district office",
        description="From draft or returned to submitted. The district's officers only.",
        request=None,
        responses=responses({200: ActivityReportSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.answer(services.report_submit(user=request.user, report=self.get_object()))

    @extend_schema(
        summary="Accept a submitted report",
        description=(
            "From submitted to accepted, with an optional comment. The district office of the "
            "centre only: the Department reads reports but does not accept them (403)."
        ),
        request=ReportAcceptInputSerializer,
        responses=responses({200: ActivityReportSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.get_object()
        data = self.validated(ReportAcceptInputSerializer)
        return self.answer(services.report_accept(user=request.user, report=report, **data))

    @extend_schema(
        summary="Return a submitted report",
        description="From submitted to returned; the comment says what to change. The district "
        "office of the centre only.",
        request=ReportReturnInputSerializer,
        responses=responses({200: ActivityReportSerializer}, 400, 403, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        report = self.get_object()
        data = self.validated(ReportReturnInputSerializer)
        return self.answer(services.report_return(user=request.user, report=report, **data))


@extend_schema_view(
    list=extend_schema(summary="List yearly evaluations of centres"),
    retrieve=extend_schema(summary="One evaluation with its criteria sheet"),
    create=extend_schema(
        summary="Evaluate a centre for a year",
        description=(
            "Creates the evaluation (201) or replaces the centre's evaluation of that year "
            "(200) given the `version` read; without a version (or 0: none read) an evaluation "
            "already there is not overwritten (409). The total and the rating are computed from "
            "`points` and the rating scale. The district office of the centre only."
        ),
        request=EvaluationInputSerializer,
        responses=responses({201: EvaluationSerializer, 200: EvaluationSerializer}, 400, 403, 409),
    ),
    partial_update=extend_schema(
        summary="Correct an evaluation",
        request=EvaluationUpdateInputSerializer,
        responses=responses({200: EvaluationSerializer}, 400, 403, 404, 409),
    ),
)
@extend_schema(tags=CLC)
class EvaluationViewSet(ScopedServiceViewSet):
    queryset = selectors.evaluation_list()
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet

    def create(self, request):
        data = self.validated(EvaluationInputSerializer)
        existed = Evaluation.objects.filter(centre=data["centre"], year=data["year"]).exists()
        evaluation = services.evaluation_save(user=request.user, **data)
        return self.answer(evaluation, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        evaluation = self.get_object()
        data = self.validated(EvaluationUpdateInputSerializer, partial=True)
        current = {
            "evaluated_on": evaluation.evaluated_on,
            "comments": evaluation.comments,
            "proposals": evaluation.proposals,
            "points": {s.criterion.code: s.points for s in evaluation.scores.all()},
        }
        evaluation = services.evaluation_save(
            user=request.user,
            centre=evaluation.centre,
            year=evaluation.year,
            **{**current, **data},
        )
        return self.answer(evaluation)


@extend_schema_view(
    list=extend_schema(summary="The evaluation scale, best level first"),
    retrieve=extend_schema(summary="One level of the evaluation scale"),
)
@extend_schema(tags=CLC)
class RatingBandViewSet(ScopedReadOnlyViewSet):
    queryset = RatingBand.objects.order_by("-min_points")
    serializer_class = RatingBandSerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="The criteria of the evaluation sheet"),
    retrieve=extend_schema(summary="One evaluation criterion"),
)
@extend_schema(tags=CLC)
class CriterionViewSet(ScopedReadOnlyViewSet):
    queryset = Criterion.objects.order_by("order", "code")
    serializer_class = CriterionSerializer
    lookup_field = "code"


class ClcStatsView(APIView):
    """Roll-up of the community learning centres of a year, for the city or one district."""

    @extend_schema(
        tags=CLC,
        summary="Community learning centres: roll-up of a year",
        description=(
            "Without `district`: the whole city in `totals`, and one row per district in "
            "`districts` (a district officer: their own). With `district`: that district in "
            "`totals` (a district officer may ask for their own only; 404 otherwise). "
            "Participants, classes, funding and use of IT count accepted reports; the share "
            "reporting counts submitted and accepted ones. The same figures as the roll-up "
            "pages and their Excel export. The district rows come in pages (`count`, `next`, "
            "`previous`; `page`, `page_size`): a city's districts fit one page, a country's "
            "696 do not; `totals` are on every page."
        ),
        parameters=[ClcStatsQuerySerializer, *PAGE_PARAMETERS],
        responses=responses({200: ClcStatsSerializer}, 400, 404),
    )
    def get(self, request):
        query = ClcStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        district = query.validated_data.get("district")
        if district is not None and not may_view_unit(request.user, district.pk):
            raise NotFound()
        rollup = selectors.clc_rollup_for(user=request.user, year=year, district=district)
        rows = rollup.districts
        rows, links = PortalPagination().page_of(rows, request, view=self)
        body = {
            "year": year,
            "as_of": rollup.as_of,
            "district": district,
            "it_target": IT_TARGET_PERCENT,
            "totals": rollup.total,
            **links,
            "districts": [{"district": d, "figures": f} for d, f in rows],
        }
        return Response(ClcStatsSerializer(body, context={"bands": rollup.bands}).data)
