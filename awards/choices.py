from django.db import models
from django.utils.translation import gettext_lazy as _


class NomineeKind(models.TextChoices):
    """Who can be commended (Luật Thi đua, khen thưởng 2022; clans under QĐ 387 and QĐ 1315)."""

    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household or clan")
    COLLECTIVE = "collective", _("Collective")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for supplement")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")


class DossierAction(models.TextChoices):
    """The steps of the workflow, as the timeline names them."""

    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned for supplement")
    RESUBMIT = "resubmit", _("Resubmitted")
    RECEIVE = "receive", _("Received by the Department")
    START_REVIEW = "start_review", _("Council review started")
    RECOMMEND = "recommend", _("Recommended by the council")
    NOT_RECOMMEND = "not_recommend", _("Not recommended by the council")
    AWARD = "award", _("Awarded by decision")
    REJECT = "reject", _("Rejected")


class AttachmentKind(models.TextChoices):
    ACHIEVEMENT_REPORT = "achievement_report", _("Achievement report")
    COUNCIL_MINUTES = "council_minutes", _("Minutes of the nominating council")
    EVIDENCE = "evidence", _("Evidence")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Every dossier the Department has received: from "received" on, whatever came next. A dossier is
# returned for supplement only before it is received, so a received dossier never leaves this set.
RECEIVED_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.RECOMMENDED,
    DossierStatus.NOT_RECOMMENDED,
    DossierStatus.AWARDED,
    DossierStatus.REJECTED,
)
# Posted for public comment while the round's comment window is open: received and not yet
# turned down by the council. Drafts, returned dossiers and decided ones are never posted.
POSTED_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.RECOMMENDED,
)
# What the Department still has to act on, in the review queue.
QUEUE_STATUSES = (
    DossierStatus.SUBMITTED,
    DossierStatus.RESUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.UNDER_REVIEW,
)
# Council verdicts waiting for the People's Committee: granted by a decision or rejected.
DECIDABLE_STATUSES = (DossierStatus.RECOMMENDED, DossierStatus.NOT_RECOMMENDED)
