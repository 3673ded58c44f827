from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcity.choices import Role


class NoticeKind(models.TextChoices):
    RETURNED = "returned", _("Submission returned")  # → the district's officers
    SUBMITTED = "submitted", _("Submission received")  # → whoever reviews it
    APPROVED = "approved", _("Submission approved")  # → the district's officers
    DEADLINE = "deadline", _("Deadline approaching")  # 7 and 1 day(s) ahead → district officers
    OVERDUE = "overdue", _("Overdue")  # → district officers
    DIGEST = "digest", _("Daily overdue digest")  # → Department staff
    DOSSIER_DECIDED = "dossier_decided", _("Dossier decided")  # → the nominating district
    REPORT_READY = "report_ready", _("Report compiled")  # → requester
    REPORT_FAILED = "report_failed", _("Report failed")  # → requester


class EmailStatus(models.TextChoices):
    NOT_WANTED = "not_wanted", _("Not wanted")
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")


# The kinds each role receives: the preferences page offers these only.
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.DEPARTMENT_ADMIN: (
        NoticeKind.SUBMITTED,
        NoticeKind.DIGEST,
        NoticeKind.REPORT_READY,
        NoticeKind.REPORT_FAILED,
    ),
    Role.DEPARTMENT_REVIEWER: (
        NoticeKind.SUBMITTED,
        NoticeKind.DIGEST,
        NoticeKind.REPORT_READY,
        NoticeKind.REPORT_FAILED,
    ),
    # A district office reviews its centres' yearly reports: it receives "submitted" too.
    Role.DISTRICT_OFFICER: (
        NoticeKind.RETURNED,
        NoticeKind.SUBMITTED,
        NoticeKind.APPROVED,
        NoticeKind.DEADLINE,
        NoticeKind.OVERDUE,
        NoticeKind.DOSSIER_DECIDED,
        NoticeKind.REPORT_READY,
        NoticeKind.REPORT_FAILED,
    ),
    Role.API_CONSUMER: (),
}

# When each kind is sent, for the preferences page.
KIND_HELP = {
    NoticeKind.RETURNED: _("A submission of your district is sent back with comments."),
    NoticeKind.SUBMITTED: _("A submission or a dossier is sent for your review."),
    NoticeKind.APPROVED: _("A submission of your district is approved, acknowledged or accepted."),
    NoticeKind.DEADLINE: _(
        "7 days and 1 day before a deadline, while your district's item is missing."
    ),
    NoticeKind.OVERDUE: _("An item of your district is past its deadline."),
    NoticeKind.DIGEST: _("Once a day: what is overdue across the districts."),
    NoticeKind.DOSSIER_DECIDED: _("A nomination dossier of your district is awarded or rejected."),
    NoticeKind.REPORT_READY: _("A report you requested has been compiled."),
    NoticeKind.REPORT_FAILED: _("A report you requested could not be compiled."),
}
