from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from districts import selectors
from districts.choices import ReviewStatus, TaskStatus
from districts.models import (
    AdministrativeUnit,
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)
from learningcity.api.pagination import PageLinksSerializer
from learningcity.api.serializers import (
    CodeRelatedField,
    DownloadField,
    InputSerializer,
    PeriodCodeField,
    VersionField,
)
from learningcity.models import ReportingPeriod


class UnitBriefSerializer(serializers.ModelSerializer):
    """The short form used when a unit is nested in another resource."""

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name"]


class DistrictSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    province = UnitBriefSerializer(source="parent", read_only=True)
    ward_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "kind", "kind_display", "province", "ward_count"]


class WardSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    district = UnitBriefSerializer(source="parent", read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "kind", "kind_display", "district"]


# --- Programme ------------------------------------------------------------------------------------
# Output serializers describe rows; input serializers (``…InputSerializer``) only check the shape
# of a request for a service, which does every write. None of them is ever saved.


class DistrictCodeField(CodeRelatedField):
    """A district of the portal, named by its GSO code ("760")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", selectors.portal_district_list())
        super().__init__(slug_field="code", **kwargs)


class CommitteeMemberSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = CommitteeMember
        fields = [
            "id",
            "committee",
            "full_name",
            "position",
            "organisation",
            "role",
            "role_display",
            "order",
        ]
        read_only_fields = fields


class CommitteeMemberBriefSerializer(CommitteeMemberSerializer):
    """A member as listed inside their committee."""

    class Meta(CommitteeMemberSerializer.Meta):
        fields = ["id", "full_name", "position", "organisation", "role", "role_display", "order"]
        read_only_fields = fields


class CommitteeSerializer(serializers.ModelSerializer):
    district = UnitBriefSerializer(read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)
    file = DownloadField("districts:download", url_args=lambda obj: ["committee", obj.pk])
    members = CommitteeMemberBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SteeringCommittee
        fields = [
            "id",
            "district",
            "number",
            "issued_on",
            "signer",
            "file",
            "current",
            "superseded_at",
            "created_at",
            "version",
            "members",
        ]
        read_only_fields = fields


class CommitteeEstablishInputSerializer(InputSerializer):
    district = DistrictCodeField()
    copy_members = serializers.BooleanField(
        default=True,
        help_text="On a re-establishment, start from the current committee's members.",
    )

    class Meta:
        model = SteeringCommittee
        fields = ["district", "number", "issued_on", "signer", "file", "copy_members"]


class CommitteeUpdateInputSerializer(InputSerializer):
    version = VersionField()

    class Meta:
        model = SteeringCommittee
        fields = ["number", "issued_on", "signer", "file", "version"]


class CommitteeMemberCreateInputSerializer(InputSerializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=SteeringCommittee.objects.all())

    class Meta:
        model = CommitteeMember
        fields = ["committee", "full_name", "position", "organisation", "role", "order"]
        extra_kwargs = {"order": {"required": False, "help_text": "Omit to add at the end."}}


class CommitteeMemberUpdateInputSerializer(InputSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["full_name", "position", "organisation", "role", "order"]


class PlanSerializer(serializers.ModelSerializer):
    district = UnitBriefSerializer(read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)
    file = DownloadField("districts:download", url_args=lambda obj: ["plan", obj.pk])

    class Meta:
        model = ImplementationPlan
        fields = [
            "id",
            "district",
            "number",
            "issued_on",
            "title",
            "start_year",
            "end_year",
            "file",
            "current",
            "superseded_at",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class PlanIssueInputSerializer(InputSerializer):
    district = DistrictCodeField()

    class Meta:
        model = ImplementationPlan
        fields = ["district", "number", "issued_on", "title", "start_year", "end_year", "file"]


class KeyTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyTask
        fields = ["code", "title", "title_en", "start_year", "end_year", "order", "is_active"]
        read_only_fields = fields


class KeyTaskProgressSerializer(serializers.ModelSerializer):
    district = UnitBriefSerializer(read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)
    key_task = serializers.CharField(source="key_task.code", read_only=True)
    status = serializers.ChoiceField(TaskStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    evidence = DownloadField("districts:download", url_args=lambda obj: ["progress", obj.pk])

    class Meta:
        model = KeyTaskProgress
        fields = [
            "id",
            "district",
            "period",
            "key_task",
            "status",
            "status_display",
            "account",
            "evidence",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class KeyTaskProgressInputSerializer(InputSerializer):
    district = DistrictCodeField()
    period = PeriodCodeField()
    key_task = serializers.SlugRelatedField(slug_field="code", queryset=KeyTask.objects.all())
    status = serializers.ChoiceField(TaskStatus.choices, required=False)
    version = VersionField(creating=True)

    class Meta:
        model = KeyTaskProgress
        fields = ["district", "period", "key_task", "status", "account", "evidence", "version"]
        # One row per district, task and period: posting again with the version read updates it
        # (see progress_save).
        validators = []


class InterimReviewSerializer(serializers.ModelSerializer):
    district = UnitBriefSerializer(read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)
    status = serializers.ChoiceField(ReviewStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = InterimReview
        fields = [
            "id",
            "district",
            "period",
            "held_on",
            "achievements",
            "difficulties",
            "proposals",
            "status",
            "status_display",
            "status_changed_at",
            "first_submitted_at",
            "review_comment",
            "version",
        ]
        read_only_fields = fields


class InterimReviewUpdateInputSerializer(InputSerializer):
    version = VersionField()

    class Meta:
        model = InterimReview
        fields = ["held_on", "achievements", "difficulties", "proposals", "version"]


class InterimReviewInputSerializer(InterimReviewUpdateInputSerializer):
    district = DistrictCodeField()
    period = PeriodCodeField()
    version = VersionField(creating=True)

    class Meta(InterimReviewUpdateInputSerializer.Meta):
        fields = ["district", "period", *InterimReviewUpdateInputSerializer.Meta.fields]
        # One review per district and period: posting again edits it (see review_save).
        validators = []


class ReviewAcknowledgeInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReviewReturnInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=4000, help_text="What the district should change before submitting again."
    )


class ReviewBoardQuerySerializer(serializers.Serializer):
    period = serializers.CharField(
        help_text=(
            "Period code: a half-year (2025-H1) or a year (2025); a quarter or a month only "
            "if a review was sent for one of that kind."
        )
    )
    filter = serializers.ChoiceField(
        choices=list(selectors.BOARD_FILTERS), required=False, help_text="Show only these rows."
    )

    def validate_period(self, value: str) -> ReportingPeriod:
        period = ReportingPeriod.objects.filter(code=value).first()
        if period is None:
            raise serializers.ValidationError(
                _("There is no reporting period with the code “%(code)s”.") % {"code": value}
            )
        if period.kind in selectors.REVIEW_PERIOD_KINDS:
            return period
        if period.kind not in selectors.review_period_kinds(selectors.review_periods()):
            raise serializers.ValidationError(
                _("There are no interim reviews for this kind of period.")
            )
        return period


class ReviewBoardTotalsSerializer(serializers.Serializer):
    districts = serializers.IntegerField()
    with_committee = serializers.IntegerField()
    with_plan = serializers.IntegerField()
    reviews_sent = serializers.IntegerField(
        help_text="Interim reviews sent for the period (a year: both halves)."
    )
    districts_reviewed = serializers.IntegerField(
        help_text="Districts that sent at least one of them."
    )
    reviews_awaiting = serializers.IntegerField(help_text="Sent, not yet read.")
    reviews_acknowledged = serializers.IntegerField()
    reviews_returned = serializers.IntegerField(help_text="Returned to the district for changes.")


class ReviewBoardRowSerializer(serializers.Serializer):
    district = UnitBriefSerializer(source="*")
    committee_number = serializers.CharField(allow_null=True)
    committee_issued_on = serializers.DateField(allow_null=True)
    member_count = serializers.IntegerField()
    plan_number = serializers.CharField(allow_null=True)
    plan_issued_on = serializers.DateField(allow_null=True)
    tasks_done = serializers.IntegerField(help_text="Key tasks done, as recorded for the period.")
    tasks_total = serializers.SerializerMethodField()
    reviews_sent = serializers.IntegerField(
        help_text="Interim reviews the district sent for the period (a year: both halves)."
    )
    review_id = serializers.IntegerField(
        allow_null=True, help_text="The sent review of exactly this period, if any."
    )
    review_status = serializers.ChoiceField(ReviewStatus.choices, allow_null=True)

    def get_tasks_total(self, row) -> int:
        return self.context["tasks_total"]


class ReviewBoardSerializer(PageLinksSerializer):
    period = serializers.CharField(source="period.code")
    as_of = serializers.DateField(help_text="The day committees and plans are counted at.")
    totals = ReviewBoardTotalsSerializer()
    rows = ReviewBoardRowSerializer(many=True, help_text="The districts of this page.")
