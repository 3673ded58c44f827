from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from learningcity.api.serializers import ErrorSerializer
from learningcity.choices import Role
from learningcity.xlsx import XLSX_CONTENT_TYPE

from .. import selectors, services
from ..filters import ReportFilterSet
from ..models import Report
from ..views import file_response
from .serializers import ReportRequestInputSerializer, ReportSerializer

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TAGS = ["Periodic reports"]
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: messages by field."),
    403: OpenApiResponse(ErrorSerializer, description="The user may not request this report."),
    404: OpenApiResponse(ErrorSerializer, description="No such report within the user's scope."),
}
SIGNED_REDIRECT = OpenApiResponse(
    description=(
        "With object storage (STORAGE=s3): a redirect to a signed URL of the file, valid for a "
        "short while."
    )
)


@extend_schema_view(
    list=extend_schema(
        summary="List periodic reports",
        description=(
            "The Department sees every report, a district officer their district's, an API "
            "consumer the city's reports."
        ),
    ),
    retrieve=extend_schema(
        summary="One report: status, progress, timing, error and download links",
        responses={200: ReportSerializer, 404: ERRORS[404]},
    ),
)
@extend_schema(tags=TAGS)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet

    queryset = Report.objects.none()  # for the schema; requests use the user's scope

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.report_list(user=self.request.user)

    @extend_schema(
        summary="Request a report (compiled in the background)",
        description=(
            "Queues the report of `kind` for `period` (and `district`) and answers 202 at once; "
            "poll the report until `status` is `done` (or `failed`, with `error`). The same "
            "report requested again is the same row, compiled again; the previous files stay "
            "downloadable until the new ones are ready. The Department may request any report, "
            "a district officer their district's; API consumers only read."
        ),
        request=ReportRequestInputSerializer,
        responses={202: ReportSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request):
        data = ReportRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "district" not in fields and request.user.role == Role.DISTRICT_OFFICER:
            fields["district"] = request.user.unit  # an officer's report is their district's
        report = services.report_request(user=request.user, **fields)
        report = self.get_queryset().get(pk=report.pk)
        body = self.get_serializer(report).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download the report's XLSX workbook",
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            302: SIGNED_REDIRECT,
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        return file_response(self.get_object(), "xlsx")

    @extend_schema(
        summary="Download the report's DOCX document",
        responses={
            (200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY,
            302: SIGNED_REDIRECT,
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        return file_response(self.get_object(), "docx")
