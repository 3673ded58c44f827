from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from learningcity.api.pagination import PAGE_PARAMETERS, PortalPagination
from learningcity.api.serializers import ErrorSerializer
from learningcity.models import ReportingPeriod

from .. import selectors, services
from ..choices import ObligationKind
from ..models import Obligation
from .serializers import (
    ExceptionGrantSerializer,
    ExceptionSerializer,
    GenerateSerializer,
    ObligationSerializer,
    ObligationUpdateSerializer,
    TimelinessSerializer,
)

TAGS = ["Deadlines"]
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: messages by field."),
    403: OpenApiResponse(ErrorSerializer, description="Only the Department may do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such obligation."),
    409: OpenApiResponse(ErrorSerializer, description="Someone changed it since you read it."),
}
YEAR = OpenApiParameter("year", int, description="Obligations of the periods of this year.")
KIND = OpenApiParameter("kind", str, enum=ObligationKind.values)
PERIOD = OpenApiParameter("period", str, description='Period code: "2025", "2025-H1", ...')


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": ["The year must be between 2000 and 2100."]})
    return year


def _period(code) -> ReportingPeriod | None:
    if code in (None, ""):
        return None
    period = ReportingPeriod.objects.filter(code=code.replace("\x00", "")).first()
    if period is None:
        raise ValidationError({"period": ["No such reporting period."]})
    return period


@extend_schema_view(
    list=extend_schema(
        summary="Reporting obligations: what districts owe, for which period, by when",
        parameters=[YEAR, KIND, PERIOD],
    ),
    retrieve=extend_schema(
        summary="One obligation", responses={200: ObligationSerializer, 404: ERRORS[404]}
    ),
)
@extend_schema(tags=TAGS)
class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ObligationSerializer
    queryset = Obligation.objects.none()  # for the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        obligations = selectors.obligation_list().order_by("due_date", "kind", "pk")
        if self.action != "list":
            return obligations
        params = self.request.query_params
        year, period = _year(params.get("year")), _period(params.get("period"))
        if year:
            obligations = obligations.filter(period__year=year)
        if period:
            obligations = obligations.filter(period=period)
        if params.get("kind"):
            obligations = obligations.filter(kind=params["kind"])
        return obligations

    @extend_schema(
        summary="Change an obligation's due date, lock or note (Department administrators)",
        request=ObligationUpdateSerializer,
        responses={200: ObligationSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        obligation = self.get_object()
        data = ObligationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obligation = services.obligation_update(
            user=request.user, obligation=obligation, **data.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=obligation.pk)).data)

    @extend_schema(
        summary="Generate a year's obligations with the usual due dates (administrators)",
        description="Existing obligations are left as they are; answers those created.",
        request=GenerateSerializer,
        responses={201: ObligationSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def generate(self, request):
        data = GenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.obligations_generate(user=request.user, **data.validated_data)
        rows = self.get_queryset().filter(pk__in=[o.pk for o in created])
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Exceptions granted: who may still enter after entry closed, until when, why",
        responses={200: ExceptionSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"],
        summary="Grant a district an exception (the Department)",
        request=ExceptionGrantSerializer,
        responses={201: ExceptionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def exceptions(self, request, pk=None):
        obligation = self.get_object()
        if request.method == "POST":
            data = ExceptionGrantSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            exception = services.exception_grant(
                user=request.user, obligation=obligation, **data.validated_data
            )
            return Response(ExceptionSerializer(exception).data, status=status.HTTP_201_CREATED)
        exceptions = selectors.exceptions_of(obligation)
        if not request.user.is_department_staff:
            exceptions = exceptions.filter(unit_id=request.user.unit_id)
        return Response(ExceptionSerializer(exceptions, many=True).data)


@extend_schema(tags=TAGS)
class TimelinessView(APIView):
    @extend_schema(
        summary="Who submitted on time, late or not at all",
        description=(
            "For one period (`period`) or every period of a year (`year`): each obligation with "
            "each district's status (pending: not in and not yet due; missing, partial, "
            "on_time, late, approved), judged on the first submission, plus each district's "
            "and the city's tally and on-time rate. A "
            "district officer sees their own district. The number of queries does not grow "
            "with the number of districts.\n\nThe community learning centres' yearly reports "
            "are met in parts: each active centre of a district sends its own. A district has "
            "submitted (on_time, late, approved) when every active centre's report is in "
            "(submitted or accepted), dated by the last of them; `partial` while only some "
            "are; `missing` while none is; it is on time only when complete by the due date. "
            "`parts` counts the centres: due, in, on time and late.\n\nThe districts (their "
            "rows, and their cells under each obligation) come in pages (`count`, `next`, "
            "`previous`; `page`, `page_size`): a city's districts fit one page, a country's "
            "696 do not. The tallies count every district and are on every page."
        ),
        parameters=[PERIOD, YEAR, *PAGE_PARAMETERS],
        responses={200: TimelinessSerializer, 400: ERRORS[400]},
    )
    def get(self, request):
        period = _period(request.query_params.get("period"))
        year = _year(request.query_params.get("year"))
        if period is None and year is None:
            raise ValidationError({"period": ["Give a period or a year."]})
        obligations = selectors.obligations_for(period=period, year=year).order_by(
            "due_date", "kind"
        )
        table = selectors.timeliness(
            obligations, districts=selectors.visible_districts(request.user)
        )
        # The tallies count every district; the districts' own cells come a page at a time.
        rows, links = PortalPagination().page_of(table.rows, request, view=self)
        shown = {row.unit.pk for row in rows}
        obligations = [
            {
                "obligation": column.obligation,
                "tally": column.tally,
                "parts": column.parts,
                "units": [cell for cell in column.units if cell.unit.pk in shown],
            }
            for column in table.columns
        ]
        body = {**links, "obligations": obligations, "districts": rows, "city": table.city}
        return Response(TimelinessSerializer(body).data)
