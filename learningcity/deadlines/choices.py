from django.db import models
from django.utils.translation import gettext_lazy as _


class ObligationKind(models.TextChoices):
    """What a district owes the Department; each kind is read from the app that owns it."""

    INTERIM_REVIEW = "interim_review", _("Interim review")
    INDICATOR_SUBMISSION = "indicator_submission", _("Indicator submission")
    CLC_REPORT = "clc_report", _("CLC yearly reports")


class Timeliness(models.TextChoices):
    """Where one district stands on one obligation, from its real submission."""

    # Not in yet, and its due date has not passed: nothing is late yet.
    PENDING = "pending", _("Not yet due")
    MISSING = "missing", _("Not submitted")
    # An obligation met in parts (each centre's report) of which some, not all, are in.
    PARTIAL = "partial", _("Partly submitted")
    ON_TIME = "on_time", _("Submitted on time")
    LATE = "late", _("Submitted late")
    APPROVED = "approved", _("Approved")
