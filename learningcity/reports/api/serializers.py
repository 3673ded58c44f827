from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from districts.api.serializers import DistrictCodeField, UnitBriefSerializer
from learningcity.api.serializers import PeriodCodeField

from ..choices import ReportKind, ReportStatus
from ..models import Report


class ReportSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(ReportKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)
    span = serializers.CharField(
        source="span_label", read_only=True, help_text="What the report covers, in words."
    )
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True)
    district = UnitBriefSerializer(
        read_only=True, allow_null=True, help_text="Null for the city's report."
    )
    status = serializers.ChoiceField(ReportStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    scheduled = serializers.SerializerMethodField(
        help_text="True when the beat schedule requested it, not a person."
    )
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)
    xlsx_url = serializers.SerializerMethodField(help_text="Download of the last good XLSX.")
    docx_url = serializers.SerializerMethodField(help_text="Download of the last good DOCX.")

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "kind_display",
            "period",
            "span",
            "start_date",
            "end_date",
            "district",
            "status",
            "status_display",
            "progress",
            "requested_at",
            "scheduled",
            "started_at",
            "finished_at",
            "duration_seconds",
            "attempts",
            "error",
            "files_at",
            "xlsx_url",
            "docx_url",
        ]
        read_only_fields = fields

    def get_scheduled(self, report) -> bool:
        return report.requested_by_id is None

    def _url(self, report, fmt: str) -> str | None:
        if not getattr(report, fmt):
            return None
        return reverse(f"report-{fmt}", args=[report.pk], request=self.context.get("request"))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_xlsx_url(self, report) -> str | None:
        return self._url(report, "xlsx")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_docx_url(self, report) -> str | None:
        return self._url(report, "docx")


# Named "Report" so that the request body is the "ReportRequest" component and its enums are
# the report's own ("ReportKindEnum"), apart from other resources' "kind" and "status".
@extend_schema_serializer(component_name="Report")
class ReportRequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(ReportKind.choices)
    period = PeriodCodeField(
        help_text="Period code: 2025-M07 (monthly), 2025-Q3 (quarterly), 2025-H1 (half-yearly), "
        "2025 (yearly; a UNESCO report for 2025 covers 2024-2025)."
    )
    district = DistrictCodeField(
        required=False,
        allow_null=True,
        help_text="GSO code for a district's own report; omit for the city's report (a district "
        "officer's request is always for their district).",
    )
