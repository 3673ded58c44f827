from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcity.choices import PeriodKind


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly report")
    QUARTERLY = "quarterly", _("Quarterly report")
    HALF_YEARLY = "half_yearly", _("Half-yearly report")
    YEARLY = "yearly", _("Yearly report")
    # UNESCO's Biennial Progress Report: filed for a year, it covers that year and the one before.
    UNESCO = "unesco", _("UNESCO progress report (two years)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Compiling")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# The kind of reporting period each kind of report is filed for.
PERIOD_KIND_OF: dict[str, str] = {
    ReportKind.MONTHLY: PeriodKind.MONTH,
    ReportKind.QUARTERLY: PeriodKind.QUARTER,
    ReportKind.HALF_YEARLY: PeriodKind.HALF_YEAR,
    ReportKind.YEARLY: PeriodKind.YEAR,
    ReportKind.UNESCO: PeriodKind.YEAR,
}
# Years a report spans, counting back from its period's year.
SPAN_YEARS: dict[str, int] = {ReportKind.UNESCO: 2}
ACTIVE_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    DOCX = "docx", "DOCX"
