import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.fields import NormalizedTextField

from .choices import ObligationKind


class Obligation(models.Model):
    """Something districts owe the Department for a period, and by when."""

    kind = models.CharField(_("kind"), max_length=32, choices=ObligationKind.choices)
    period = models.ForeignKey(
        "learningcity.ReportingPeriod",
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    due_date = models.DateField(_("due date"))
    lock_after_days = models.PositiveSmallIntegerField(
        _("entry closes after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Entry for the period closes this many days after the due date, unless the "
            "Department grants a district an exception. Empty: entry never closes."
        ),
    )
    units = models.ManyToManyField(
        "districts.AdministrativeUnit",
        verbose_name=_("districts"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every district of the portal."),
    )
    note = NormalizedTextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[units])

    # Reference data: every signed-in user reads obligations, Department administrators change them.
    unit_scope = None

    class Meta:
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["due_date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                name="one_obligation_per_kind_and_period",
                violation_error_message=_("This obligation already exists for the period."),
            ),
            models.CheckConstraint(
                condition=Q(lock_after_days__isnull=True) | Q(lock_after_days__lte=366),
                name="obligation_lock_within_a_year",
                violation_error_message=_("Entry must close within 366 days of the due date."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s, %(period)s") % {
            "kind": self.get_kind_display(),
            "period": self.period,
        }

    @property
    def closes_on(self) -> datetime.date | None:
        """The last day entry is open, or None when it never closes."""
        if self.lock_after_days is None:
            return None
        return self.due_date + datetime.timedelta(days=self.lock_after_days)

    def is_closed(self, day: datetime.date) -> bool:
        return self.closes_on is not None and day > self.closes_on


class DeadlineException(models.Model):
    """The Department lets one district enter data after its obligation closed, until a date."""

    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    unit = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    until = models.DateField(_("open until"))
    reason = NormalizedTextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)
    history = HistoricalRecords()

    unit_scope = "unit"

    class Meta:
        verbose_name = _("deadline exception")
        verbose_name_plural = _("deadline exceptions")
        ordering = ["obligation", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "unit"],
                name="one_exception_per_obligation_and_unit",
                violation_error_message=_("This district already has an exception; change it."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s until %(until)s") % {"unit": self.unit, "until": self.until}
