from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    YES_NO = "yes_no", _("Yes/no")
    VND = "vnd", _("VND amount")
    SCORE = "score", _("Score")


class Aggregation(models.TextChoices):
    """How district values make the city value."""

    SUM = "sum", _("Sum of districts")
    MEAN = "mean", _("Mean of districts")
    WEIGHTED_MEAN = (
        "weighted_mean",
        _("Weighted by the denominator (sum of numerators / sum of denominators)"),
    )
    SHARE_YES = "share_yes", _("Share of districts answering yes")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a revision")


class Status(models.TextChoices):
    """Where a value stands against the target of its year."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data")
    NO_TARGET = "no_target", _("No target")
    NO_DATA = "no_data", _("No data")
