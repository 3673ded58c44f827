from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards import selectors
from awards.choices import AttachmentKind, DossierAction, DossierStatus, NomineeKind
from awards.models import (
    Attachment,
    CommendationForm,
    Decision,
    Dossier,
    DossierEvent,
    FieldOfActivity,
    Movement,
    ReviewOpinion,
    Round,
    VoteTally,
)
from districts.api.serializers import DistrictCodeField, UnitBriefSerializer
from districts.models import AdministrativeUnit
from learningcity.api.serializers import DownloadField, InputSerializer, VersionField


class NulSafeSlugMixin:
    """A code with a NUL character names nothing (and PostgreSQL cannot even compare it)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class CodeField(NulSafeSlugMixin, serializers.SlugRelatedField):
    pass


class DistrictField(NulSafeSlugMixin, DistrictCodeField):
    pass


# Output serializers describe rows; input serializers (``…InputSerializer``) only check the shape
# of a request for a service, which does every write. None of them is ever saved.


class MovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movement
        fields = [
            "id",
            "name",
            "launched_by",
            "launched_on",
            "legal_basis",
            "start_year",
            "end_year",
        ]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    movement = MovementSerializer(read_only=True)
    open_for_intake = serializers.SerializerMethodField()
    open_for_comment = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "year",
            "title",
            "movement",
            "intake_opens",
            "intake_closes",
            "comment_opens",
            "comment_closes",
            "open_for_intake",
            "open_for_comment",
        ]
        read_only_fields = fields

    def get_open_for_intake(self, obj) -> bool:
        return obj.is_open_for_intake()

    def get_open_for_comment(self, obj) -> bool:
        return obj.is_open_for_comment()


class RoundBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "year"]
        read_only_fields = fields


class CommendationFormSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommendationForm
        fields = [
            "code",
            "name",
            "name_en",
            "conferred_by",
            "legal_source",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields


class CommendationFormBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommendationForm
        fields = ["code", "name"]
        read_only_fields = fields


class FieldOfActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldOfActivity
        fields = ["code", "name", "name_en", "is_active"]
        read_only_fields = fields


class FieldOfActivityBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldOfActivity
        fields = ["code", "name"]
        read_only_fields = fields


class VoteTallySerializer(serializers.ModelSerializer):
    class Meta:
        model = VoteTally
        fields = ["meeting_date", "votes_for", "votes_against", "votes_abstain", "recorded_at"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(AttachmentKind.choices, read_only=True)
    file = DownloadField("awards:attachment")

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "size", "uploaded_at", "file"]
        read_only_fields = fields


class PersonalDataSerializer(serializers.ModelSerializer):
    """A nominee's personal data: for the Department and the nominating district only."""

    # Nested in a dossier with source="*", null for a reader who may not see it: one nested
    # serializer serves the whole list (a serializer made for each row, as DRF builds a
    # ModelSerializer's fields anew for every instance, was most of the list's time).

    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Dossier
        fields = [*Dossier.PERSONAL_FIELDS, "attachments"]
        read_only_fields = fields

    def get_attribute(self, instance):
        if not selectors.sees_personal_data(self.context["request"].user, instance.district_id):
            return None
        return super().get_attribute(instance)


class EventSerializer(serializers.ModelSerializer):
    action = serializers.ChoiceField(DossierAction.choices, read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.ChoiceField(DossierStatus.choices, read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "reason"]
        read_only_fields = fields

    def get_actor(self, obj) -> str | None:
        return obj.actor.get_full_name() if obj.actor_id else None


class OpinionSerializer(serializers.ModelSerializer):
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = ReviewOpinion
        fields = ["id", "reviewer", "text", "created_at"]
        read_only_fields = fields

    def get_reviewer(self, obj) -> str:
        return obj.reviewer.get_full_name()


class DossierSerializer(serializers.ModelSerializer):
    """A dossier as listed. ``personal`` is null for readers who may not see personal data
    (API consumers, anyone outside the Department and the nominating district)."""

    round = RoundBriefSerializer(read_only=True)
    nominee_kind = serializers.ChoiceField(NomineeKind.choices, read_only=True)
    district = UnitBriefSerializer(read_only=True)
    ward = UnitBriefSerializer(read_only=True, allow_null=True)
    field = FieldOfActivityBriefSerializer(read_only=True)
    proposed_form = CommendationFormBriefSerializer(read_only=True)
    status = serializers.ChoiceField(DossierStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decision = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    personal = PersonalDataSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "round",
            "nominee_kind",
            "nominee_name",
            "position",
            "organisation",
            "district",
            "ward",
            "field",
            "summary",
            "proposed_form",
            "nominating_unit",
            "status",
            "status_display",
            "status_changed_at",
            "decision",
            "created_at",
            "version",
            "personal",
        ]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    """One dossier with its timeline, the reviewers' opinions and the council's vote."""

    events = EventSerializer(many=True, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)
    vote = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "vote", "opinions", "events"]
        read_only_fields = fields

    @extend_schema_field(VoteTallySerializer(allow_null=True))
    def get_vote(self, obj):
        vote = getattr(obj, "vote", None)
        return VoteTallySerializer(vote).data if vote else None


class WardCodeField(CodeField):
    """A ward, named by its GSO code ("26734")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", AdministrativeUnit.objects.wards())
        super().__init__(slug_field="code", **kwargs)


class DossierUpdateInputSerializer(InputSerializer):
    ward = WardCodeField(required=False, allow_null=True)
    field = CodeField(slug_field="code", queryset=FieldOfActivity.objects.filter(is_active=True))
    proposed_form = CodeField(slug_field="code", queryset=CommendationForm.objects.all())
    version = VersionField()

    class Meta:
        model = Dossier
        fields = [
            "nominee_kind",
            "nominee_name",
            "position",
            "organisation",
            "household_head",
            "address",
            "phone",
            "id_number",
            "birth_date",
            "ward",
            "field",
            "summary",
            "proposed_form",
            "nominating_unit",
            "version",
        ]
        # Uniqueness is the service's check, with the code of the dossier it clashes with.
        validators = []


class DossierCreateInputSerializer(DossierUpdateInputSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.all())
    district = DistrictField()

    class Meta(DossierUpdateInputSerializer.Meta):
        fields = [
            "round",
            "district",
            *[f for f in DossierUpdateInputSerializer.Meta.fields if f != "version"],
        ]
        validators = []


class StepInputSerializer(serializers.Serializer):
    expected_status = serializers.ChoiceField(
        DossierStatus.choices,
        required=False,
        help_text=(
            "The status the client last read; if the dossier has moved since, the step is "
            "refused with 409."
        ),
    )


class ReasonInputSerializer(StepInputSerializer):
    reason = serializers.CharField(max_length=4000, help_text="Why: shown in the timeline.")


class OpinionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class VoteInputSerializer(StepInputSerializer):
    meeting_date = serializers.DateField()
    votes_for = serializers.IntegerField(min_value=0, max_value=999)
    votes_against = serializers.IntegerField(min_value=0, max_value=999)
    votes_abstain = serializers.IntegerField(min_value=0, max_value=999)


class AttachmentInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(AttachmentKind.choices)

    class Meta:
        model = Attachment
        fields = ["kind", "file"]


class DecisionSerializer(serializers.ModelSerializer):
    round = RoundBriefSerializer(read_only=True)
    dossiers = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    file = DownloadField("awards:decision-file")

    class Meta:
        model = Decision
        fields = ["id", "round", "number", "signed_on", "signer", "file", "created_at", "dossiers"]
        read_only_fields = fields


class DecisionInputSerializer(InputSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.all())
    dossiers = CodeField(
        slug_field="code",
        many=True,
        queryset=Dossier.objects.all(),
        help_text="Codes of the recommended dossiers the decision grants (KT-2024-0001).",
    )

    class Meta:
        model = Decision
        fields = ["round", "number", "signed_on", "signer", "file", "dossiers"]
        validators = []


class RejectRemainingInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class StatsQuerySerializer(serializers.Serializer):
    round = serializers.CharField(
        help_text="The round's year (2024) or id. A value that is the year of a round is read "
        "as that year."
    )

    def validate_round(self, value: str) -> Round:
        found = selectors.round_by_id_or_year(value)
        if found is None:
            raise serializers.ValidationError(_("There is no such round."))
        return found


class StatRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Nominee kind, district GSO code or field code.")
    label = serializers.CharField()
    received = serializers.IntegerField()
    awarded = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    round = RoundBriefSerializer()
    received = serializers.IntegerField(
        help_text="Dossiers the Department received (status received or any later one)."
    )
    awarded = serializers.IntegerField()
    by_kind = StatRowSerializer(many=True)
    by_district = StatRowSerializer(many=True)
    by_field = StatRowSerializer(many=True)


class RejectedCountSerializer(serializers.Serializer):
    rejected = serializers.IntegerField()
