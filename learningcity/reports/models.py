import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from learningcity.choices import PeriodKind
from learningcity.permissions import ScopedQuerySet

from .choices import ACTIVE_STATUSES, PERIOD_KIND_OF, SPAN_YEARS, ReportKind, ReportStatus


class Report(models.Model):
    """One report of one kind for one period (and optionally one district), compiled by Celery.

    Requesting it again re-queues the same row. The files are the last good ones: a compile
    writes new files and swaps them in only when it succeeds, so a failure leaves the previous
    version downloadable and records what went wrong in ``error``.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    period = models.ForeignKey(
        "learningcity.ReportingPeriod",
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "districts.AdministrativeUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the city's report; a district for the district's own report."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When the compile job was last handed to the broker; empty while it could not be (the
    # broker was away): the beat's reports-requeue sends it then. Written with update().
    job_sent_at = models.DateTimeField(_("job sent at"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    xlsx = models.FileField(_("XLSX file"), upload_to="reports/", blank=True, max_length=255)
    docx = models.FileField(_("DOCX file"), upload_to="reports/", blank=True, max_length=255)
    files_at = models.DateTimeField(_("files produced at"), null=True, blank=True)
    # Progress changes many times a compile; it is written with update() and not audited.
    history = HistoricalRecords(excluded_fields=["progress"])

    objects = ScopedQuerySet.as_manager()

    # A district officer reaches their district's reports; city reports have no district.
    unit_scope = "district"

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        # Newest periods first; of periods ending together, the longer span (year, half, ...).
        ordering = ["-period__end_date", "period__start_date", "kind", "district__code", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "district"],
                name="unique_district_report",
                violation_error_message=_("This report exists already: compile it again."),
            ),
            # NULLs are distinct in a unique index: the city's report needs its own constraint.
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(district__isnull=True),
                name="unique_city_report",
                violation_error_message=_("This report exists already: compile it again."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="report_progress_in_range",
                violation_error_message=_("Progress is a percentage, 0 to 100."),
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="report_status_idx")]

    def __str__(self) -> str:
        where = self.district.name if self.district_id else gettext("city")
        return f"{self.get_kind_display()}: {self.span_label} ({where})"

    def clean(self) -> None:
        super().clean()
        expected = PERIOD_KIND_OF.get(self.kind)
        if expected and self.period_id and self.period.kind != expected:
            raise ValidationError(
                {
                    "period": _("A “%(kind)s” is filed for a period of the kind “%(period)s”.")
                    % {"kind": self.get_kind_display(), "period": PeriodKind(expected).label}
                }
            )

    # --- the span a report covers --------------------------------------------------------------

    @property
    def first_year(self) -> int:
        return self.period.year - SPAN_YEARS.get(self.kind, 1) + 1

    @property
    def start_date(self) -> datetime.date:
        if self.first_year == self.period.year:
            return self.period.start_date
        return datetime.date(self.first_year, 1, 1)

    @property
    def end_date(self) -> datetime.date:
        return self.period.end_date

    @property
    def span_label(self) -> str:
        if self.first_year != self.period.year:
            return gettext("Years %(first)s-%(last)s") % {
                "first": self.first_year,
                "last": self.period.year,
            }
        return str(self.period)

    # --- state ---------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """Queued or running for longer than any compile takes: its job was lost."""
        since = self.started_at if self.status == ReportStatus.RUNNING else self.requested_at
        now = now or timezone.now()
        return since is None or now - since > settings.REPORTS_STALE_AFTER

    @property
    def duration_seconds(self) -> float | None:
        return self.duration.total_seconds() if self.duration is not None else None

    @property
    def has_files(self) -> bool:
        return bool(self.xlsx or self.docx)
