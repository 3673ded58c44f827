"""Output serializers describe rows; input serializers (``…InputSerializer``) only check the shape
of a request for a service, which does every write. None of them is ever saved."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clc import selectors
from clc.choices import ActivityReportStatus, CentreStatus, LearningTopic
from clc.models import ActivityReport, Centre, Evaluation, EvaluationScore, ReportTopic
from districts.api.serializers import DistrictCodeField, UnitBriefSerializer
from districts.models import AdministrativeUnit
from learningcity.api.pagination import PageLinksSerializer
from learningcity.api.serializers import (
    CodeRelatedField,
    InputSerializer,
    RowInputSerializer,
    VersionField,
)

VERSION_HELP = "The version the client last read; a stale one is refused with 409."


class CentreContactSerializer(serializers.ModelSerializer):
    """Personal data: only for the Department and the centre's own district."""

    class Meta:
        model = Centre
        fields = ["director", "phone", "email"]
        read_only_fields = fields


class CentreBriefSerializer(serializers.ModelSerializer):
    """The short form used when a centre is nested in a report or an evaluation."""

    ward = UnitBriefSerializer(read_only=True)
    district = UnitBriefSerializer(source="ward.parent", read_only=True)

    class Meta:
        model = Centre
        fields = ["id", "name", "ward", "district"]
        read_only_fields = fields


class CentreSerializer(serializers.ModelSerializer):
    ward = UnitBriefSerializer(read_only=True)
    district = UnitBriefSerializer(source="ward.parent", read_only=True)
    contact = serializers.SerializerMethodField(
        help_text="Director, phone and e-mail; null unless the caller is the Department or the "
        "centre's district."
    )
    status = serializers.ChoiceField(CentreStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_model = serializers.SerializerMethodField(
        help_text="Holds a valid model-centre designation today."
    )

    class Meta:
        model = Centre
        fields = [
            "id",
            "ward",
            "district",
            "name",
            "decision_number",
            "decision_date",
            "contact",
            "address",
            "rooms",
            "has_library_corner",
            "computers",
            "has_internet",
            "status",
            "status_display",
            "model_decision_number",
            "model_year",
            "model_valid_until",
            "is_model",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(CentreContactSerializer(allow_null=True))
    def get_contact(self, centre) -> dict | None:
        if not selectors.may_see_contact(self.context["request"].user, centre):
            return None
        return CentreContactSerializer(centre).data

    def get_is_model(self, centre) -> bool:
        return centre.is_model_at(timezone.localdate())


class CentreUpdateInputSerializer(InputSerializer):
    version = VersionField()

    class Meta:
        model = Centre
        fields = [
            "name",
            "decision_number",
            "decision_date",
            "director",
            "phone",
            "email",
            "address",
            "rooms",
            "has_library_corner",
            "computers",
            "has_internet",
            "model_decision_number",
            "model_year",
            "model_valid_until",
            "version",
        ]
        # The registry form's bounds, whatever the database: SQLite stores any integer.
        extra_kwargs = {"rooms": {"max_value": 999}, "computers": {"max_value": 9999}}


class WardCodeField(CodeRelatedField):
    """A ward, commune or township, named by its GSO code ("26734")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", AdministrativeUnit.objects.wards().select_related("parent"))
        super().__init__(slug_field="code", **kwargs)


class CentreInputSerializer(CentreUpdateInputSerializer):
    ward = WardCodeField()

    class Meta(CentreUpdateInputSerializer.Meta):
        fields = ["ward", *CentreUpdateInputSerializer.Meta.fields[:-1]]
        # One centre per ward: the service refuses a second one with a field error.
        validators = []


class CentreStatusInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class ReportTopicSerializer(serializers.ModelSerializer):
    topic = serializers.ChoiceField(LearningTopic.choices, read_only=True)
    topic_display = serializers.CharField(source="get_topic_display", read_only=True)

    class Meta:
        model = ReportTopic
        fields = ["topic", "topic_display", "classes", "sessions"]
        read_only_fields = fields


class ActivityReportSerializer(serializers.ModelSerializer):
    centre = CentreBriefSerializer(read_only=True)
    topics = ReportTopicSerializer(many=True, read_only=True)
    funding_total = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(ActivityReportStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ActivityReport
        fields = [
            "id",
            "centre",
            "year",
            "topics",
            "participants_total",
            "participants_women",
            "participants_elderly",
            "participants_disabled",
            "uses_it",
            "it_usage",
            "funding_state",
            "funding_social",
            "funding_association",
            "funding_other",
            "funding_total",
            "highlights",
            "difficulties",
            "status",
            "status_display",
            "status_changed_at",
            "review_comment",
            "version",
        ]
        read_only_fields = fields


# The report form's bound for a count, whatever the database: SQLite stores any integer.
MAX_COUNT = 10**9


class ReportTopicInputSerializer(RowInputSerializer):
    topic = serializers.ChoiceField(LearningTopic.choices)
    classes = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    sessions = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)


class ActivityReportUpdateInputSerializer(InputSerializer):
    topics = ReportTopicInputSerializer(
        many=True,
        required=False,
        help_text="Classes and sessions by topic; replaces the list (topics left out: none "
        "held). Leave out to keep the list as it is.",
    )
    version = VersionField()

    class Meta:
        model = ActivityReport
        fields = [
            "topics",
            "participants_total",
            "participants_women",
            "participants_elderly",
            "participants_disabled",
            "uses_it",
            "it_usage",
            "funding_state",
            "funding_social",
            "funding_association",
            "funding_other",
            "highlights",
            "difficulties",
            "version",
        ]
        extra_kwargs = {
            name: {"max_value": MAX_COUNT} for name in ActivityReport.PARTICIPANT_FIELDS.values()
        }

    def validate_topics(self, rows):
        topics = {}
        for row in rows:
            if row["topic"] in topics:
                raise serializers.ValidationError(
                    _("The topic “%(topic)s” is given more than once.") % {"topic": row["topic"]}
                )
            topics[row["topic"]] = {"classes": row["classes"], "sessions": row["sessions"]}
        return topics


class ActivityReportInputSerializer(ActivityReportUpdateInputSerializer):
    centre = serializers.PrimaryKeyRelatedField(queryset=Centre.objects.all())
    version = VersionField(creating=True)

    class Meta(ActivityReportUpdateInputSerializer.Meta):
        fields = ["centre", "year", *ActivityReportUpdateInputSerializer.Meta.fields]
        # One report per centre and year: posting again edits it (see report_save).
        validators = []


class ReportAcceptInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReportReturnInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, help_text="What should be changed.")


class EvaluationScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code", read_only=True)
    criterion_name = serializers.CharField(source="criterion.display_name", read_only=True)

    class Meta:
        model = EvaluationScore
        fields = ["criterion", "criterion_name", "max_points", "points"]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    centre = CentreBriefSerializer(read_only=True)
    rating = serializers.CharField(source="rating.code", read_only=True)
    rating_name = serializers.CharField(source="rating.display_name", read_only=True)
    scores = EvaluationScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "centre",
            "year",
            "evaluated_on",
            "scores",
            "total_points",
            "rating",
            "rating_name",
            "comments",
            "proposals",
            "version",
        ]
        read_only_fields = fields


class EvaluationUpdateInputSerializer(InputSerializer):
    points = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        help_text="Points per criterion code, for every active criterion "
        '(e.g. {"TC1": 18, "TC2": 25, ...}).',
    )
    version = VersionField()

    class Meta:
        model = Evaluation
        fields = ["evaluated_on", "points", "comments", "proposals", "version"]


class EvaluationInputSerializer(EvaluationUpdateInputSerializer):
    centre = serializers.PrimaryKeyRelatedField(queryset=Centre.objects.all())
    version = VersionField(creating=True)

    class Meta(EvaluationUpdateInputSerializer.Meta):
        fields = ["centre", "year", *EvaluationUpdateInputSerializer.Meta.fields]
        # One evaluation per centre and year: posting again edits it (see evaluation_save).
        validators = []


class RatingBandSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    min_points = serializers.IntegerField()


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    max_points = serializers.IntegerField()
    order = serializers.IntegerField()
    is_active = serializers.BooleanField()


# --- Roll-up --------------------------------------------------------------------------------------


class ClcStatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    district = DistrictCodeField(
        required=False, help_text="GSO code of a district; leave out for the whole city."
    )


class ParticipantsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    women = serializers.IntegerField()
    elderly = serializers.IntegerField()
    disabled = serializers.IntegerField()


class FundingSerializer(serializers.Serializer):
    state = serializers.IntegerField()
    social = serializers.IntegerField()
    association = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()


class TopicFiguresSerializer(serializers.Serializer):
    topic = serializers.ChoiceField(LearningTopic.choices)
    classes = serializers.IntegerField()
    sessions = serializers.IntegerField()


class RatingCountSerializer(serializers.Serializer):
    rating = serializers.CharField(help_text="Code of the rating level.")
    name = serializers.CharField()
    centres = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    """Participants, classes, funding and use of IT count accepted reports; ``reports_in``
    counts submitted and accepted ones. Shares are percentages of the centres, to 0.1."""

    centres = serializers.IntegerField(help_text="Centres registered, active and suspended.")
    active_centres = serializers.IntegerField(help_text="Centres registered and active.")
    model_centres = serializers.IntegerField(
        help_text="Centres holding a valid model-centre designation on `as_of`."
    )
    reports_in = serializers.IntegerField(
        help_text="Reports of the year in: submitted or accepted (not drafts, not returned)."
    )
    reports_accepted = serializers.IntegerField(help_text="Reports of the year accepted.")
    share_reporting = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="`reports_in` in percent of `centres`.",
    )
    share_accepted = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="`reports_accepted` in percent of `centres`.",
    )
    participants = ParticipantsSerializer()
    classes_by_topic = serializers.SerializerMethodField()
    funding = serializers.SerializerMethodField()
    using_it = serializers.IntegerField()
    it_share = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    evaluated = serializers.IntegerField()
    ratings = serializers.SerializerMethodField()

    @extend_schema_field(TopicFiguresSerializer(many=True))
    def get_classes_by_topic(self, figures) -> list:
        return [
            {"topic": t, "classes": figures.classes[t], "sessions": figures.sessions[t]}
            for t in LearningTopic.values
        ]

    @extend_schema_field(FundingSerializer)
    def get_funding(self, figures) -> dict:
        return {**figures.funding, "total": figures.funding_total}

    @extend_schema_field(RatingCountSerializer(many=True))
    def get_ratings(self, figures) -> list:
        return [
            {"rating": band.code, "name": band.display_name, "centres": figures.ratings[band.code]}
            for band in self.context["bands"]
        ]


class DistrictFiguresSerializer(serializers.Serializer):
    district = UnitBriefSerializer()
    figures = FiguresSerializer()


class ClcStatsSerializer(PageLinksSerializer):
    year = serializers.IntegerField()
    as_of = serializers.DateField(help_text="The day model-centre designations are counted at.")
    district = UnitBriefSerializer(allow_null=True, help_text="Null for the whole city.")
    it_target = serializers.IntegerField(help_text="National target: centres using IT (%).")
    totals = FiguresSerializer(help_text="The city, or the district asked for.")
    districts = DistrictFiguresSerializer(
        many=True,
        help_text="For the city: one row per district the caller may read, this page of them.",
    )
