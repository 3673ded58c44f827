from django.db import models
from django.utils.translation import gettext_lazy as _


class CentreStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class ActivityReportStatus(models.TextChoices):
    """Where a centre's yearly report stands; the district office accepts or returns it."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class LearningTopic(models.TextChoices):
    """What a centre's classes are about, as the yearly report counts them."""

    LITERACY = "literacy", _("Literacy and post-literacy")
    FOREIGN_LANGUAGES = "foreign_languages", _("Foreign languages")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    VOCATIONAL_SKILLS = "vocational_skills", _("Vocational skills")
    LAW = "law", _("Law")
    HEALTH = "health", _("Health")
    CULTURE_LIFE_SKILLS = "culture_life_skills", _("Culture and life skills")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    """Where a centre's money came from; each is a column of the report (``funding_<value>``)."""

    STATE = "state", _("State budget")
    SOCIAL = "social", _("Socialised contributions")
    ASSOCIATION = "association", _("Association for Encouraging Learning")
    OTHER = "other", _("Other sources")


class Participants(models.TextChoices):
    """The participant counts of a report (``participants_<value>``); all but total ≤ total."""

    TOTAL = "total", _("Participants")
    WOMEN = "women", _("Women")
    ELDERLY = "elderly", _("Older people")
    DISABLED = "disabled", _("People with disabilities")


# Reports the district has sent in: they count towards the share of centres reporting.
REPORTS_IN = (ActivityReportStatus.SUBMITTED, ActivityReportStatus.ACCEPTED)

# National target: 70% of community learning centres use IT by 2025 (QĐ 1373/QĐ-TTg, 30/07/2021).
IT_TARGET_PERCENT = 70
