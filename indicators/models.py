import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.fields import NormalizedCharField, NormalizedTextField
from learningcity.models import Bilingual
from learningcity.uploads import validate_document
from learningcity.workflow import first_submitted_field

from .choices import Aggregation, Direction, SubmissionStatus, Unit


class Framework(models.Model):
    """A versioned set of indicators. A version in use by approved data is never rewritten."""

    name = NormalizedCharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    is_current = models.BooleanField(_("current"), default=False)
    min_coverage = models.PositiveSmallIntegerField(
        _("minimum coverage (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The share of the districts due whose approved values a city figure needs before it "
            "is judged against its target; below it the status reads “Not enough data”."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    unit_scope = None  # reference data

    class Meta:
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        ordering = ["-is_current", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_framework_version"),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def is_locked(self) -> bool:
        """Whether approved submissions use this version: then it can no longer change."""
        return self.submissions.filter(
            status__in=(SubmissionStatus.APPROVED, SubmissionStatus.SUPERSEDED)
        ).exists()


class IndicatorGroup(Bilingual):
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    unit_scope = None

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_group_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_name}"


class Area(Bilingual):
    """An area of focus of the UNESCO Key Features (12 in all)."""

    group = models.ForeignKey(
        IndicatorGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    unit_scope = None

    class Meta:
        verbose_name = _("area of focus")
        verbose_name_plural = _("areas of focus")
        ordering = ["group__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="unique_area_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_name}"


class Indicator(Bilingual):
    # Changing these would change the meaning of values already approved.
    LOCKED_FIELDS = ("code", "unit", "aggregation", "direction", "denominator_label", "computed")

    area = models.ForeignKey(
        Area, verbose_name=_("area of focus"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20)
    description = NormalizedTextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    aggregation = models.CharField(
        _("city roll-up"), max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    denominator_label = NormalizedCharField(
        _("denominator"),
        max_length=200,
        blank=True,
        help_text=_(
            "For a ratio: what the district counts as the whole (the value is numerator / "
            "denominator, in percent)."
        ),
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_source = NormalizedCharField(_("source of the target"), max_length=300, blank=True)
    computed = models.CharField(
        _("computed from"),
        max_length=40,
        blank=True,
        help_text=_("Filled in by the portal from its own data; districts do not enter it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    unit_scope = None

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["area__group__order", "area__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="unique_indicator_code"),
            models.CheckConstraint(
                condition=~Q(aggregation=Aggregation.WEIGHTED_MEAN) | ~Q(denominator_label=""),
                name="weighted_indicator_has_denominator",
                violation_error_message=_("A weighted roll-up needs a denominator."),
            ),
            models.CheckConstraint(
                condition=~Q(aggregation=Aggregation.SHARE_YES) | Q(unit=Unit.YES_NO),
                name="share_yes_is_yes_no",
                violation_error_message=_("Only a yes/no indicator rolls up as a share of yes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.display_name}"

    @property
    def is_ratio(self) -> bool:
        return bool(self.denominator_label)

    def clean(self) -> None:
        super().clean()
        if self.pk is None:
            return
        saved = Indicator.objects.select_related("area__group__framework").get(pk=self.pk)
        changed = [f for f in self.LOCKED_FIELDS if getattr(saved, f) != getattr(self, f)]
        if changed and saved.area.group.framework.is_locked:
            raise ValidationError(
                _(
                    "Approved data uses this framework version, so %(fields)s cannot change. "
                    "Create a new version of the framework instead."
                )
                % {"fields": ", ".join(str(self._meta.get_field(f).verbose_name) for f in changed)}
            )


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)

    unit_scope = None

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_target_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


def evidence_path(instance, filename: str) -> str:
    district = instance.submission.district_id
    return f"indicators/{district}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Submission(models.Model):
    """A district's indicator values for one period. A correction after approval is a new
    revision; the approved one stays, marked superseded once the revision is approved."""

    TRANSITIONS = {
        (SubmissionStatus.DRAFT, "submit"): SubmissionStatus.SUBMITTED,
        (SubmissionStatus.RETURNED, "submit"): SubmissionStatus.SUBMITTED,
        (SubmissionStatus.SUBMITTED, "approve"): SubmissionStatus.APPROVED,
        (SubmissionStatus.SUBMITTED, "return"): SubmissionStatus.RETURNED,
    }
    EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
    OPEN = (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED)

    district = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="indicator_submissions",
    )
    period = models.ForeignKey(
        "learningcity.ReportingPeriod",
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="submissions"
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, editable=False)
    first_submitted_at = first_submitted_field()
    review_comment = NormalizedTextField(_("Department's comment"), blank=True, max_length=4000)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    unit_scope = "district"

    class Meta:
        verbose_name = _("indicator submission")
        verbose_name_plural = _("indicator submissions")
        ordering = ["district__code", "-period__start_date", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period", "revision"], name="unique_submission_revision"
            ),
            models.UniqueConstraint(
                fields=["district", "period"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="one_open_submission",
                violation_error_message=_("This district already has an open submission."),
            ),
            models.UniqueConstraint(
                fields=["district", "period"],
                condition=Q(status="approved"),
                name="one_approved_submission",
            ),
        ]

    def __str__(self) -> str:
        return _("Indicators %(period)s, %(district)s (revision %(revision)s)") % {
            "period": self.period,
            "district": self.district,
            "revision": self.revision,
        }

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Value(models.Model):
    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    note = NormalizedTextField(_("evidence note"), blank=True, max_length=2000)
    evidence = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, validators=[validate_document]
    )
    review_comment = NormalizedTextField(_("reviewer's comment"), blank=True, max_length=2000)
    history = HistoricalRecords()

    unit_scope = "submission__district"

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = [
            "submission",
            "indicator__area__group__order",
            "indicator__area__order",
            "indicator__order",
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="unique_value"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(numerator__lte=models.F("denominator")),
                name="numerator_within_denominator",
                violation_error_message=_("The numerator cannot exceed the denominator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"


class CityFigure(models.Model):
    """The sums behind an entered indicator's city value in a period, over the approved district
    values. A computed indicator has none: its city value is read from the registers.

    Kept by ``services.city_figures_refresh`` whenever a submission is approved, the one step
    that changes which values are approved, so that the dashboard, the status API and the reports
    read one row per indicator and period instead of adding up every district's values (ten
    years of a country's are some 147,000). How the sums make the city value is the indicator's
    aggregation, applied when it is read (``selectors.city_value``)."""

    period = models.ForeignKey(
        "learningcity.ReportingPeriod", on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(max_digits=28, decimal_places=4, null=True)  # of the values
    numerators = models.DecimalField(max_digits=28, decimal_places=4, null=True)
    denominators = models.DecimalField(max_digits=28, decimal_places=4, null=True)
    yes = models.PositiveIntegerField(default=0)  # districts answering yes (a value of 1)
    answered = models.PositiveIntegerField(default=0)  # districts with a value
    updated = models.DateTimeField(null=True)  # the latest approval among them

    class Meta:
        verbose_name = _("city figure")
        verbose_name_plural = _("city figures")
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator"], name="unique_city_figure")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_id}"
