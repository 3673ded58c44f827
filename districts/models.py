import uuid
from pathlib import PurePath

from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.fields import NormalizedCharField, NormalizedTextField, SearchKeyField
from learningcity.permissions import ScopedQuerySet
from learningcity.uploads import validate_document
from learningcity.workflow import first_submitted_field

from .choices import CommitteeRole, Kind, Level, ReviewStatus, TaskStatus


class AdministrativeUnitQuerySet(ScopedQuerySet):
    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def wards(self):
        return self.filter(level=Level.WARD)


class AdministrativeUnit(models.Model):
    """A province, district or commune-level unit with its GSO code.

    Generic on purpose: the 2025 reorganisation removes the district level, so nothing here
    assumes three levels or 22 districts; a unit is a level, a parent, a code and a name.
    """

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("GSO code"), max_length=8)
    name = NormalizedCharField(_("name"), max_length=120)
    name_search = SearchKeyField(sources=("name",), db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    history = HistoricalRecords()

    objects = AdministrativeUnitQuerySet.as_manager()

    unit_scope = None  # reference data: everyone reads, the Department administrator edits

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="unique_unit_code_per_level"),
        ]

    def __str__(self) -> str:
        return self.name


def district_upload_path(instance, filename: str) -> str:
    """Uploads are filed by district and kind, under a random name the user cannot guess."""
    suffix = PurePath(filename).suffix.lower()
    kind = type(instance)._meta.model_name
    return f"districts/{instance.owner_unit_id}/{kind}/{uuid.uuid4().hex}{suffix}"


class DistrictDecision(models.Model):
    """A numbered document of a district (a decision, a plan) that a later one can supersede.

    The current document is the one not superseded; earlier ones stay as history.
    """

    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = NormalizedCharField(_("number"), max_length=60)
    issued_on = models.DateField(_("date issued"))
    file = models.FileField(
        _("file"), upload_to=district_upload_path, blank=True, validators=[validate_document]
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    unit_scope = "district"

    class Meta:
        abstract = True

    @property
    def owner_unit_id(self) -> int:
        return self.district_id

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class SteeringCommittee(DistrictDecision):
    """A district's steering committee (Ban chỉ đạo), as set up by a People's Committee decision."""

    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="committees",
    )
    signer = NormalizedCharField(_("signed by"), max_length=150)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("steering committee")
        verbose_name_plural = _("steering committees")
        ordering = ["district__code", "-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_committee_per_district",
                violation_error_message=_("This district already has a current committee."),
            ),
        ]

    def __str__(self) -> str:
        return _("Decision %(number)s of %(date)s") % {
            "number": self.number,
            "date": date_format(self.issued_on, "SHORT_DATE_FORMAT"),
        }


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        SteeringCommittee,
        verbose_name=_("steering committee"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    full_name = NormalizedCharField(_("full name"), max_length=150)
    position = NormalizedCharField(_("position"), max_length=200)
    organisation = NormalizedCharField(_("organisation"), max_length=200)
    role = models.CharField(_("committee role"), max_length=20, choices=CommitteeRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    unit_scope = "committee__district"

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "order", "id"]

    def __str__(self) -> str:
        return self.full_name


class ImplementationPlan(DistrictDecision):
    """A district's plan to carry out the programme (Kế hoạch triển khai); revisions are kept."""

    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    title = NormalizedCharField(_("title"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("from year"), default=2024)
    end_year = models.PositiveSmallIntegerField(_("to year"), default=2030)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        ordering = ["district__code", "-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_plan_per_district",
                violation_error_message=_("This district already has a current plan."),
            ),
            models.CheckConstraint(
                condition=Q(
                    start_year__gte=2000, end_year__lte=2100, start_year__lte=F("end_year")
                ),
                name="plan_years_in_order",
                violation_error_message=_("The plan's years must run forward, 2000 to 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"


class KeyTask(models.Model):
    """One of the city's key tasks (nhiệm vụ trọng tâm), maintained by the Department."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = NormalizedTextField(_("title (Vietnamese)"))
    title_en = NormalizedTextField(_("title (English)"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_title}"

    @property
    def display_title(self) -> str:
        english = get_language() == "en" and self.title_en
        return self.title_en if english else self.title


class KeyTaskProgress(models.Model):
    """How far a district has come with one key task in one reporting period."""

    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="key_task_progress",
    )
    key_task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.PROTECT, related_name="progress"
    )
    period = models.ForeignKey(
        "learningcity.ReportingPeriod",
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    account = NormalizedTextField(_("what was done"), blank=True, max_length=4000)
    evidence = models.FileField(
        _("evidence"), upload_to=district_upload_path, blank=True, validators=[validate_document]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    unit_scope = "district"

    class Meta:
        verbose_name = _("key-task progress")
        verbose_name_plural = _("key-task progress")
        ordering = ["district__code", "key_task__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "key_task", "period"],
                name="one_progress_per_task_and_period",
                violation_error_message=_("Progress on this task is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_task.code}: {self.get_status_display()}"

    @property
    def owner_unit_id(self) -> int:
        return self.district_id


class InterimReview(models.Model):
    """A district's interim review (sơ kết) of a period: results, difficulties, proposals."""

    TRANSITIONS = {
        (ReviewStatus.DRAFT, "submit"): ReviewStatus.SUBMITTED,
        (ReviewStatus.RETURNED, "submit"): ReviewStatus.SUBMITTED,
        (ReviewStatus.SUBMITTED, "acknowledge"): ReviewStatus.ACKNOWLEDGED,
        (ReviewStatus.SUBMITTED, "return"): ReviewStatus.RETURNED,
    }
    EDITABLE = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="interim_reviews",
    )
    period = models.ForeignKey(
        "learningcity.ReportingPeriod",
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("date held"))
    achievements = NormalizedTextField(_("achievements"), max_length=20000)
    difficulties = NormalizedTextField(_("difficulties and obstacles"), max_length=20000)
    proposals = NormalizedTextField(_("proposals"), max_length=20000)
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, editable=False)
    first_submitted_at = first_submitted_field()
    review_comment = NormalizedTextField(_("Department's comment"), blank=True, max_length=4000)
    search_text = SearchKeyField(sources=("achievements", "difficulties", "proposals"))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    unit_scope = "district"

    class Meta:
        verbose_name = _("interim review")
        verbose_name_plural = _("interim reviews")
        ordering = ["district__code", "-period__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period"],
                name="one_review_per_district_and_period",
                violation_error_message=_("This district already has a review for this period."),
            ),
        ]

    def __str__(self) -> str:
        return _("Interim review %(period)s, %(district)s") % {
            "period": self.period,
            "district": self.district,
        }

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE
