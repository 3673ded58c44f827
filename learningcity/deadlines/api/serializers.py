from rest_framework import serializers

from districts.selectors import portal_district_list
from learningcity.api.pagination import PageLinksSerializer
from learningcity.api.serializers import CodeRelatedField, VersionField

from ..choices import ObligationKind, Timeliness
from ..models import DeadlineException, Obligation


class ExceptionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    granted_by = serializers.CharField(source="granted_by.get_full_name", read_only=True)

    class Meta:
        model = DeadlineException
        fields = ["unit", "until", "reason", "granted_by", "granted_at"]


class ObligationSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)
    period_label = serializers.CharField(source="period.__str__", read_only=True)
    label = serializers.CharField(source="__str__", read_only=True)
    closes_on = serializers.DateField(read_only=True, allow_null=True)
    units = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="GSO codes of the districts that owe it; empty: every district of the portal.",
    )

    class Meta:
        model = Obligation
        fields = [
            "id",
            "kind",
            "label",
            "period",
            "period_label",
            "due_date",
            "lock_after_days",
            "closes_on",
            "units",
            "note",
            "version",
        ]


class ObligationUpdateSerializer(serializers.Serializer):
    due_date = serializers.DateField(required=False)
    lock_after_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=366
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    version = VersionField()


class GenerateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    lock_after_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=366
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ObligationKind.choices),
        required=False,
        allow_empty=False,
    )


class ExceptionGrantSerializer(serializers.Serializer):
    unit = CodeRelatedField(
        slug_field="code",
        queryset=portal_district_list(),
        help_text="GSO code of the district.",
    )
    until = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class PartsSerializer(serializers.Serializer):
    due = serializers.IntegerField(help_text="Active centres owing a report.")
    sent = serializers.IntegerField(help_text="Of those, reports in (submitted or accepted).")
    on_time = serializers.IntegerField(help_text="Reports in first sent by the due date.")
    late = serializers.IntegerField(help_text="Reports in first sent after the due date.")
    approved = serializers.IntegerField(help_text="Reports accepted by the district office.")
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="Percent of the centres due whose report was in on time."
    )


PARTS_HELP = (
    "For an obligation met in parts (the community learning centres' yearly reports, one per "
    "active centre): the centres counted; null for the other kinds."
)


class UnitTimelinessSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    status = serializers.ChoiceField(choices=Timeliness.choices)
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    days_late = serializers.IntegerField(
        help_text="Days after the due date it came in, or (missing, partial) has been overdue."
    )
    parts = PartsSerializer(allow_null=True, help_text=PARTS_HELP)


class TallySerializer(serializers.Serializer):
    due = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    partial = serializers.IntegerField(
        help_text="Partly submitted: some, not all, of the centres' reports are in."
    )
    missing = serializers.IntegerField(help_text="Not in, and the due date has passed.")
    approved = serializers.IntegerField()
    pending = serializers.IntegerField(
        help_text="Not in, and the due date has not passed: not counted in `due` until it does."
    )
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Percent of what was due that was all in by its due date; each district counts "
            "once per obligation, and one that has partly submitted is not on time."
        ),
    )


class ObligationTimelinessSerializer(serializers.Serializer):
    obligation = ObligationSerializer()
    tally = TallySerializer()
    parts = PartsSerializer(allow_null=True, help_text=PARTS_HELP)
    units = UnitTimelinessSerializer(many=True)


class DistrictTallySerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    tally = TallySerializer()


class TimelinessSerializer(PageLinksSerializer):
    obligations = ObligationTimelinessSerializer(
        many=True, help_text="Each obligation, its tally, and the districts of this page."
    )
    districts = DistrictTallySerializer(many=True, help_text="The districts of this page.")
    city = TallySerializer()
