"""Notices of the indicator submissions' workflow (learningcity.notifications).

Called by the services inside their transaction, so nothing is sent if the step is undone.
"""

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.services import department_staff, district_officers, notify

from .models import Submission


def _url(submission: Submission) -> str:
    return reverse("indicators:submission", args=[submission.pk])


def _names(submission: Submission) -> dict[str, str]:
    return {"district": submission.district.name, "period": str(submission.period)}


def _comment(submission: Submission) -> str:
    if not submission.review_comment:
        return ""
    return "\n" + gettext("Its comment: %(comment)s") % {"comment": submission.review_comment}


def submission_submitted(submission: Submission, *, actor) -> int:
    """To the Department, which approves or returns the values."""
    return notify(
        department_staff().exclude(pk=actor.pk),
        kind=NoticeKind.SUBMITTED,
        url=_url(submission),
        render=lambda: (
            gettext("Indicator values submitted: %(district)s, %(period)s") % _names(submission),
            gettext(
                "%(district)s sent its indicator values for %(period)s. Approve them or return "
                "them with a comment."
            )
            % _names(submission),
        ),
    )


def submission_returned(submission: Submission, *, actor, value_comments: int = 0) -> int:
    """To the district's officers, with the comment and how many values have one."""

    def render():
        body = gettext(
            "The Department returned your district's indicator values for %(period)s."
        ) % _names(submission) + _comment(submission)
        if value_comments:
            body += "\n" + ngettext(
                "%(count)s value has a comment.", "%(count)s values have a comment.", value_comments
            ) % {"count": value_comments}
        return gettext("Indicator values returned: %(period)s") % _names(submission), body

    return notify(
        district_officers(submission.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.RETURNED,
        url=_url(submission),
        render=render,
    )


def submission_approved(submission: Submission, *, actor) -> int:
    """To the district's officers."""
    return notify(
        district_officers(submission.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.APPROVED,
        url=_url(submission),
        render=lambda: (
            gettext("Indicator values approved: %(period)s") % _names(submission),
            gettext("The Department approved your district's indicator values for %(period)s.")
            % _names(submission)
            + _comment(submission),
        ),
    )
