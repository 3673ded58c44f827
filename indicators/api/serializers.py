from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.api.serializers import DistrictCodeField, UnitBriefSerializer
from learningcity.api.serializers import (
    DownloadField,
    PeriodCodeField,
    RowInputSerializer,
    VersionField,
)
from learningcity.models import ReportingPeriod

from ..choices import Aggregation, Direction, Status, SubmissionStatus, Unit
from ..models import Area, Indicator, IndicatorGroup, Submission, Target, Value

# --- Shared fields --------------------------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choices are one named schema component wherever it is used.

    Several resources have a ``status`` with different choices; naming each set here keeps the
    schema free of enum-name collisions without a per-field override.
    """

    def __init__(self, choices_class, *, component: str, **kwargs):
        self.component = component
        super().__init__(choices_class.choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str:
        return self.target.component

    def map_serializer_field(self, auto_schema, direction) -> dict:
        choices = self.target.choices
        return {
            "type": "string",
            "enum": list(choices),
            "description": build_choice_description_list(choices.items()),
        }


def status_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(Status, component="IndicatorStatusEnum", **kwargs)


def submission_status_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(SubmissionStatus, component="SubmissionStatusEnum", **kwargs)


def figure(**kwargs) -> serializers.DecimalField:
    """A figure as a JSON number (four decimal places at most), null when there is none."""
    return serializers.DecimalField(
        max_digits=18, decimal_places=4, coerce_to_string=False, allow_null=True, **kwargs
    )


@extend_schema_field(
    {"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True, "example": 12.5}
)
class RawNumberField(serializers.Field):
    """A number as the district typed it: checked by the service against the indicator's unit,
    so that every error is reported under the indicator's code."""

    default_error_messages = {"invalid": _("A valid number is required.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


# --- Framework ------------------------------------------------------------------------------------


class AreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "name_en"]
        read_only_fields = fields


class GroupBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorGroup
        fields = ["code", "name"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    value = figure()

    class Meta:
        model = Target
        fields = ["year", "value"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    unit = serializers.ChoiceField(Unit.choices, read_only=True)
    aggregation = serializers.ChoiceField(Aggregation.choices, read_only=True)
    direction = serializers.ChoiceField(Direction.choices, read_only=True)
    denominator_label = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField()
    area = AreaBriefSerializer(read_only=True)
    group = GroupBriefSerializer(source="area.group", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    baseline = figure(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "unit",
            "aggregation",
            "direction",
            "denominator_label",
            "computed",
            "area",
            "group",
            "targets",
            "baseline",
            "baseline_year",
            "target_source",
        ]
        read_only_fields = fields

    def get_denominator_label(self, indicator) -> str | None:
        """What the district counts as the whole, for a ratio; null otherwise."""
        return indicator.denominator_label or None

    def get_computed(self, indicator) -> bool:
        """Filled in by the portal from its own data; districts do not enter it."""
        return bool(indicator.computed)


# --- Submissions ----------------------------------------------------------------------------------


class ValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.ChoiceField(Unit.choices, source="indicator.unit", read_only=True)
    value = figure(read_only=True)
    numerator = figure(read_only=True)
    denominator = figure(read_only=True)
    computed = serializers.SerializerMethodField()
    evidence = DownloadField("indicators:evidence")

    class Meta:
        model = Value
        fields = [
            "indicator",
            "unit",
            "value",
            "numerator",
            "denominator",
            "note",
            "evidence",
            "review_comment",
            "computed",
        ]
        read_only_fields = fields

    def get_computed(self, value) -> bool:
        """Filled in by the portal; anything sent for it is ignored."""
        return bool(value.indicator.computed)


class SubmissionSerializer(serializers.ModelSerializer):
    district = UnitBriefSerializer(read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)
    framework = serializers.CharField(source="framework.version", read_only=True)
    status = submission_status_field(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    values = ValueSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "district",
            "period",
            "framework",
            "revision",
            "status",
            "status_label",
            "status_changed_at",
            "review_comment",
            "version",
            "updated_at",
            "values",
        ]
        read_only_fields = fields


class SubmissionOpenInputSerializer(serializers.Serializer):
    district = DistrictCodeField(help_text="GSO code of the district.")
    period = PeriodCodeField(help_text="Period code: 2025, 2025-H1, 2025-Q3, 2025-M07.")


class ValueEntryInputSerializer(RowInputSerializer):
    indicator = serializers.CharField(max_length=20, help_text="Indicator code, e.g. BB4.1.")
    value = RawNumberField(
        required=False, allow_null=True, help_text="The value; for a ratio, leave it out."
    )
    numerator = RawNumberField(required=False, allow_null=True, help_text="For a ratio only.")
    denominator = RawNumberField(required=False, allow_null=True, help_text="For a ratio only.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="Evidence note."
    )


class ValuesSaveInputSerializer(serializers.Serializer):
    version = VersionField()
    values = ValueEntryInputSerializer(many=True)

    def validate_values(self, entries: list[dict]) -> list[dict]:
        codes = [entry["indicator"] for entry in entries]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise serializers.ValidationError(
                _("Each indicator may appear once; repeated: %(codes)s.")
                % {"codes": ", ".join(twice)}
            )
        return entries


class SubmissionApproveInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class SubmissionReturnInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        help_text="What the district should change, on the whole.",
    )
    value_comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        default=dict,
        help_text="Comments on single values, keyed by indicator code.",
    )


# --- Indicator status -----------------------------------------------------------------------------


class IndicatorStatusQuerySerializer(serializers.Serializer):
    period = serializers.CharField(help_text="Period code: 2025, 2025-H1, 2025-Q3, 2025-M07.")
    district = serializers.CharField(
        required=False, help_text="GSO code of a district: its values instead of the city's."
    )
    area = serializers.CharField(required=False, help_text="Only this area of focus (BB4).")
    indicator = serializers.CharField(required=False, help_text="Only this indicator (BB4.1).")

    def validate_period(self, value: str) -> ReportingPeriod:
        period = ReportingPeriod.objects.filter(code=value).first()
        if period is None:
            raise serializers.ValidationError(
                _("There is no reporting period with the code “%(code)s”.") % {"code": value}
            )
        return period


class CoverageSerializer(serializers.Serializer):
    districts = serializers.IntegerField(
        help_text="Districts whose values make the city value: with approved values for an "
        "entered indicator, every district for a computed one."
    )
    due = serializers.IntegerField(
        help_text="Districts due: those of the period's indicator obligation, or every "
        "district of the portal."
    )
    computed = serializers.BooleanField(
        help_text="The value is computed from the portal's registers, not from submissions."
    )


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="Code of a year period.")
    value = figure()


class CityTrendPointSerializer(TrendPointSerializer):
    coverage = CoverageSerializer()


class CompletenessSerializer(serializers.Serializer):
    districts = serializers.IntegerField(help_text="Districts of the city.")
    started = serializers.IntegerField(help_text="Districts with a submission for the period.")
    submitted = serializers.IntegerField(help_text="Districts whose values are submitted or in.")
    approved = serializers.IntegerField(help_text="Districts whose values are approved.")


class IndicatorFiguresSerializer(serializers.Serializer):
    """What a row of the status says about its indicator."""

    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    name_en = serializers.CharField(source="indicator.name_en")
    unit = serializers.ChoiceField(Unit.choices, source="indicator.unit")
    direction = serializers.ChoiceField(Direction.choices, source="indicator.direction")
    computed = serializers.BooleanField(
        help_text="Computed by the portal from its registers as they stood at the period's end."
    )
    value = figure()
    target = figure(help_text="The target in force in the period's year.")
    status = status_field()
    status_label = serializers.CharField()
    trend = TrendPointSerializer(many=True)
    updated = serializers.DateTimeField(allow_null=True)


class DistrictFigureSerializer(serializers.Serializer):
    district = UnitBriefSerializer()
    value = figure()
    status = status_field()


class CityIndicatorStatusSerializer(IndicatorFiguresSerializer):
    aggregation = serializers.ChoiceField(Aggregation.choices, source="indicator.aggregation")
    trend = CityTrendPointSerializer(many=True)
    coverage = CoverageSerializer(
        help_text="How much of the city the city value covers, e.g. 12 of 22 districts. Below "
        "the framework's minimum coverage the status is `not_enough_data`."
    )
    districts_counted = serializers.IntegerField(
        help_text="Districts whose values make the city value (`coverage.districts`)."
    )
    districts = DistrictFigureSerializer(
        many=True,
        help_text="Values of the districts the user may see, of this page of them: approved "
        "values, or the registers' for a computed indicator.",
    )


class DistrictIndicatorStatusSerializer(IndicatorFiguresSerializer):
    numerator = figure()
    denominator = figure()
    submission_status = submission_status_field(allow_null=True)
    revision = serializers.IntegerField(allow_null=True)


class SubmissionBriefSerializer(serializers.ModelSerializer):
    status = submission_status_field(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "status", "status_label", "revision", "version", "updated_at"]
        read_only_fields = fields


class StatusCommonSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.code")
    status_rule = serializers.CharField()
    completeness = CompletenessSerializer()


class CityStatusSerializer(StatusCommonSerializer):
    district = serializers.CharField(allow_null=True, help_text="Null: the city's figures.")
    count = serializers.IntegerField(help_text="Districts the user may see, on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page of districts, if any.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page of districts, if any."
    )
    indicators = CityIndicatorStatusSerializer(many=True)


class DistrictStatusSerializer(StatusCommonSerializer):
    district = UnitBriefSerializer()
    submission = SubmissionBriefSerializer(
        allow_null=True, help_text="The submission the values come from; null if none."
    )
    indicators = DistrictIndicatorStatusSerializer(many=True)
