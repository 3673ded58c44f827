"""Community learning centres (TTHTCĐ): the registry, yearly reports and evaluations.

A centre belongs to a ward; its district is the ward's parent. The district is not stored on
the centre: a copy would have to be kept in step with the ward by every write, and a database
CHECK cannot compare a row with the row it points to. Scoping and roll-ups follow
``ward__parent`` instead (one join to a small table).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.fields import NormalizedCharField, NormalizedTextField, SearchKeyField
from learningcity.models import Bilingual
from learningcity.permissions import ScopedQuerySet
from learningcity.workflow import first_submitted_field

from .choices import ActivityReportStatus, CentreStatus, FundingSource, LearningTopic, Participants

FIRST_YEAR, LAST_YEAR = 2000, 2100
# The first community learning centres opened in 1999; nothing in the registry is older.
EARLIEST_DATE = datetime.date(1990, 1, 1)
MAX_VND = 10**15  # a thousand trillion đồng: far above any centre's budget, catches typos

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 .-]{7,18}[0-9]$",
    _("Enter a phone number: digits, with spaces, dots or dashes if you like."),
)


def years_in_range() -> Q:
    return Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR)


def _not_in_future(value: datetime.date | None, field: str, errors: dict) -> None:
    if value and value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    elif value and value < EARLIEST_DATE:
        errors[field] = _("The date must be 01/01/1990 or later.")


# --- Reference data: the evaluation scale and criteria ------------------------------------------


class RatingBand(Bilingual):
    """One level of the evaluation scale: a total of ``min_points`` or more earns it (up to the
    next level). No national scale exists for centres, so the Department maintains it here;
    the migrations seed Tốt 85-100, Khá 70-84, Trung bình 50-69, Không đạt below 50."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    min_points = models.PositiveSmallIntegerField(
        _("lowest total"),
        unique=True,
        validators=[MaxValueValidator(100)],
        help_text=_("A total of this many points or more (up to the next level) earns it."),
    )
    history = HistoricalRecords()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating scale")
        ordering = ["-min_points"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_points__lte=100),
                name="rating_band_points_in_range",
                violation_error_message=_("The lowest total must be between 0 and 100."),
            ),
        ]


class Criterion(Bilingual):
    """One line of the evaluation sheet, worth up to ``max_points``. The active criteria add up
    to 100 points."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gte=1, max_points__lte=100),
                name="criterion_points_in_range",
                violation_error_message=_("A criterion is worth 1 to 100 points."),
            ),
        ]


# --- The registry ---------------------------------------------------------------------------------


class CentreQuerySet(ScopedQuerySet):
    def model_at(self, as_of: datetime.date):
        return self.filter(model_at(as_of))


def model_at(as_of: datetime.date, prefix: str = "") -> Q:
    """Centres designated as model centres on ``as_of``: designated that year or earlier and
    still valid. ``prefix`` is the path to the centre ("centre__") from another model."""
    return Q(
        **{
            f"{prefix}model_year__lte": as_of.year,
            f"{prefix}model_valid_until__gte": as_of,
        }
    )


class Centre(models.Model):
    """A ward's community learning centre (Trung tâm học tập cộng đồng); one per ward."""

    ward = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("ward"),
        on_delete=models.PROTECT,
        related_name="learning_centres",
        limit_choices_to={"level": "ward"},
    )
    name = NormalizedCharField(_("name"), max_length=200)
    name_search = SearchKeyField(sources=("name",), db_index=True)
    decision_number = NormalizedCharField(
        _("establishing decision number"), max_length=60, blank=True
    )
    decision_date = models.DateField(_("establishing decision date"), null=True, blank=True)
    # Personal data: shown to the Department and the centre's district only.
    director = NormalizedCharField(_("director"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    address = NormalizedCharField(_("address"), max_length=300, blank=True)
    rooms = models.PositiveSmallIntegerField(_("classrooms"), default=0)
    has_library_corner = models.BooleanField(_("library corner"), default=False)
    computers = models.PositiveSmallIntegerField(_("computers"), default=0)
    has_internet = models.BooleanField(_("internet access"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=CentreStatus.choices, default=CentreStatus.ACTIVE
    )
    model_decision_number = NormalizedCharField(
        _("model-centre decision number"), max_length=60, blank=True
    )
    model_year = models.PositiveSmallIntegerField(
        _("model-centre year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    model_valid_until = models.DateField(_("model-centre valid until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = CentreQuerySet.as_manager()

    unit_scope = "ward__parent"
    PERSONAL_FIELDS = ("director", "phone", "email")

    class Meta:
        verbose_name = _("community learning centre")
        verbose_name_plural = _("community learning centres")
        ordering = ["ward__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward"],
                name="one_centre_per_ward",
                violation_error_message=_("This ward already has a community learning centre."),
                violation_error_code="unique",  # shown on the ward field
            ),
            models.CheckConstraint(
                condition=Q(model_decision_number="", model_year=None, model_valid_until=None)
                | (
                    ~Q(model_decision_number="")
                    & Q(model_year__gte=FIRST_YEAR, model_year__lte=LAST_YEAR)
                    & Q(model_valid_until__isnull=False)
                ),
                name="model_designation_complete",
                violation_error_message=_(
                    "A model-centre designation needs its decision number, year and end of "
                    "validity; leave all three empty otherwise."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        _not_in_future(self.decision_date, "decision_date", errors)
        designation = (self.model_decision_number, self.model_year, self.model_valid_until)
        if any(designation) and not all(designation):
            message = _("Fill in the decision number, the year and the end of validity.")
            for field, value in zip(
                ("model_decision_number", "model_year", "model_valid_until"),
                designation,
                strict=True,
            ):
                if not value:
                    errors[field] = message
        elif self.model_year and self.model_valid_until:
            if self.model_valid_until.year < self.model_year:
                errors["model_valid_until"] = _(
                    "The designation cannot end before the year it was given."
                )
            elif self.model_year > timezone.localdate().year:
                errors["model_year"] = _("The year cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def owner_unit_id(self) -> int:
        return self.ward.parent_id

    @property
    def is_active(self) -> bool:
        return self.status == CentreStatus.ACTIVE

    def is_model_at(self, as_of: datetime.date | None = None) -> bool:
        as_of = as_of or timezone.localdate()
        return bool(
            self.model_year
            and self.model_valid_until
            and self.model_year <= as_of.year
            and self.model_valid_until >= as_of
        )

    @property
    def is_model(self) -> bool:
        return self.is_model_at()


# --- Yearly activity report -----------------------------------------------------------------------


def _count_field(label):
    return models.PositiveIntegerField(label, default=0)


def _vnd_field(label):
    return models.BigIntegerField(
        label,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_VND)],
        help_text=_("In đồng (VND)."),
    )


class ActivityReport(models.Model):
    """A centre's yearly activity report: classes by topic (``topics``), participants, use of IT,
    funding by source, highlights and difficulties. The district office accepts or returns it."""

    TRANSITIONS = {
        (ActivityReportStatus.DRAFT, "submit"): ActivityReportStatus.SUBMITTED,
        (ActivityReportStatus.RETURNED, "submit"): ActivityReportStatus.SUBMITTED,
        (ActivityReportStatus.SUBMITTED, "accept"): ActivityReportStatus.ACCEPTED,
        (ActivityReportStatus.SUBMITTED, "return"): ActivityReportStatus.RETURNED,
    }
    EDITABLE = (ActivityReportStatus.DRAFT, ActivityReportStatus.RETURNED)
    PARTICIPANT_FIELDS = {p.value: f"participants_{p.value}" for p in Participants}
    FUNDING_FIELDS = {s.value: f"funding_{s.value}" for s in FundingSource}

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    participants_total = _count_field(_("participants"))
    participants_women = _count_field(_("of whom women"))
    participants_elderly = _count_field(_("of whom older people"))
    participants_disabled = _count_field(_("of whom people with disabilities"))
    uses_it = models.BooleanField(_("uses IT"), default=False)
    it_usage = NormalizedTextField(_("how IT is used"), blank=True, max_length=2000)
    funding_state = _vnd_field(_("state budget"))
    funding_social = _vnd_field(_("socialised contributions"))
    funding_association = _vnd_field(_("Association for Encouraging Learning"))
    funding_other = _vnd_field(_("other sources"))
    highlights = NormalizedTextField(_("highlights"), blank=True, max_length=8000)
    difficulties = NormalizedTextField(_("difficulties"), blank=True, max_length=8000)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActivityReportStatus.choices,
        default=ActivityReportStatus.DRAFT,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, editable=False)
    first_submitted_at = first_submitted_field()
    review_comment = NormalizedTextField(
        _("district office's comment"), blank=True, max_length=4000
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    unit_scope = "centre__ward__parent"

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["centre__ward__code", "-year"]
        indexes = [
            # Roll-ups and the list of centres that have not reported read one year's reports
            # (accepted ones for the topics): a tenth of the table at national scale.
            models.Index(fields=["year", "status"], name="report_year_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "year"],
                name="one_report_per_centre_and_year",
                violation_error_message=_("This centre already has a report for this year."),
            ),
            models.CheckConstraint(
                condition=years_in_range(),
                name="report_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__lte": F("participants_total")}),
                    name=f"report_{field}_within_total",
                    violation_error_message=_(
                        "A group of participants cannot be larger than the total."
                    ),
                )
                for field in ("participants_women", "participants_elderly", "participants_disabled")
            ),
            models.CheckConstraint(
                condition=Q(
                    funding_state__gte=0,
                    funding_social__gte=0,
                    funding_association__gte=0,
                    funding_other__gte=0,
                ),
                name="report_funding_not_negative",
                violation_error_message=_("Amounts of money cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return _("Activity report %(year)s, %(centre)s") % {
            "year": self.year,
            "centre": self.centre,
        }

    def clean(self) -> None:
        errors: dict = {}
        if self.year and self.year > timezone.localdate().year:
            errors["year"] = _("The year cannot be in the future.")
        total = self.participants_total or 0
        for group in (Participants.WOMEN, Participants.ELDERLY, Participants.DISABLED):
            field = self.PARTICIPANT_FIELDS[group]
            value = getattr(self, field)
            if value is not None and value > total:
                errors[field] = _(
                    "%(group)s (%(value)s) cannot be more than the participants in total "
                    "(%(total)s)."
                ) % {"group": group.label, "value": value, "total": total}
        if self.uses_it and not self.it_usage:
            errors["it_usage"] = _("Say how the centre uses IT.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def funding_total(self) -> int:
        return sum(getattr(self, field) or 0 for field in self.FUNDING_FIELDS.values())

    @property
    def classes_total(self) -> int:
        """Classes on every topic (prefetch ``topics`` when listing reports)."""
        return sum(row.classes for row in self.topics.all())


class ReportTopic(models.Model):
    """Classes and sessions a centre held on one topic in the year of its report. Topics with
    nothing held have no row."""

    report = models.ForeignKey(
        ActivityReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="topics"
    )
    topic = models.CharField(_("topic"), max_length=30, choices=LearningTopic.choices)
    classes = models.PositiveIntegerField(_("classes"), default=0)
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    history = HistoricalRecords()

    unit_scope = "report__centre__ward__parent"

    class Meta:
        verbose_name = _("classes on a topic")
        verbose_name_plural = _("classes by topic")
        ordering = ["report", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "topic"],
                name="one_row_per_report_and_topic",
                violation_error_message=_("This topic is already in the report."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.classes}"


# --- Yearly evaluation ----------------------------------------------------------------------------


class Evaluation(models.Model):
    """The district office's evaluation of a centre's year: points per criterion, a total, the
    rating it earns on the scale in force when saved, comments and proposals."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    evaluated_on = models.DateField(_("date of evaluation"))
    total_points = models.PositiveSmallIntegerField(_("total points"), editable=False, default=0)
    rating = models.ForeignKey(
        RatingBand,
        verbose_name=_("rating"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        editable=False,
    )
    comments = NormalizedTextField(_("comments"), blank=True, max_length=8000)
    proposals = NormalizedTextField(_("proposals for improvement"), blank=True, max_length=8000)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    unit_scope = "centre__ward__parent"

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["centre__ward__code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "year"],
                name="one_evaluation_per_centre_and_year",
                violation_error_message=_("This centre has already been evaluated for this year."),
            ),
            models.CheckConstraint(
                condition=years_in_range(),
                name="evaluation_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(total_points__lte=100),
                name="evaluation_total_in_range",
                violation_error_message=_("The total must be between 0 and 100 points."),
            ),
        ]

    def __str__(self) -> str:
        return _("Evaluation %(year)s, %(centre)s") % {"year": self.year, "centre": self.centre}

    def clean(self) -> None:
        errors: dict = {}
        today = timezone.localdate()
        if self.year and self.year > today.year:
            errors["year"] = _("The year cannot be in the future.")
        elif self.year and self.evaluated_on:
            if self.evaluated_on > today:
                errors["evaluated_on"] = _("The date cannot be in the future.")
            elif self.evaluated_on.year < self.year:
                errors["evaluated_on"] = _(
                    "A year is evaluated during it or after it, not before: %(year)s or later."
                ) % {"year": self.year}
        if errors:
            raise ValidationError(errors)


class EvaluationScore(models.Model):
    """Points given on one criterion; ``max_points`` is copied from the criterion when scored, so
    an old sheet reads as it was filled in even after the criteria change."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    points = models.PositiveSmallIntegerField(_("points"))
    history = HistoricalRecords()

    unit_scope = "evaluation__centre__ward__parent"

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["evaluation", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                name="one_score_per_criterion",
                violation_error_message=_("This criterion is already scored."),
            ),
            models.CheckConstraint(
                condition=Q(points__lte=F("max_points")),
                name="score_within_max_points",
                violation_error_message=_("Points cannot exceed the criterion's maximum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}/{self.max_points}"
