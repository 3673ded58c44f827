"""Notices of the centres' yearly reports (learningcity.notifications).

The district office reviews its centres' reports (the Department only reads them), so a
submitted report is announced to the district's officers, as are its acceptance and return.
Called by the services inside their transaction, so nothing is sent if the step is undone.
"""

from django.urls import reverse
from django.utils.translation import gettext

from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.services import district_officers, notify

from .models import ActivityReport


def _officers(report: ActivityReport, actor):
    return district_officers(report.centre.ward.parent_id).exclude(pk=actor.pk)


def _names(report: ActivityReport) -> dict:
    return {"centre": report.centre.name, "ward": report.centre.ward.name, "year": report.year}


def _comment(report: ActivityReport) -> str:
    if not report.review_comment:
        return ""
    return "\n" + gettext("Its comment: %(comment)s") % {"comment": report.review_comment}


def report_submitted(report: ActivityReport, *, actor) -> int:
    """To the district office, which accepts or returns it."""
    return notify(
        _officers(report, actor),
        kind=NoticeKind.SUBMITTED,
        url=reverse("clc:report", args=[report.pk]),
        render=lambda: (
            gettext("Centre report submitted: %(centre)s, %(year)s") % _names(report),
            gettext(
                "The activity report of %(centre)s (%(ward)s) for %(year)s was submitted. "
                "Accept it or return it with a comment."
            )
            % _names(report),
        ),
    )


def report_returned(report: ActivityReport, *, actor) -> int:
    return notify(
        _officers(report, actor),
        kind=NoticeKind.RETURNED,
        url=reverse("clc:report", args=[report.pk]),
        render=lambda: (
            gettext("Centre report returned: %(centre)s, %(year)s") % _names(report),
            gettext("The activity report of %(centre)s (%(ward)s) for %(year)s was returned.")
            % _names(report)
            + _comment(report),
        ),
    )


def report_accepted(report: ActivityReport, *, actor) -> int:
    return notify(
        _officers(report, actor),
        kind=NoticeKind.APPROVED,
        url=reverse("clc:report", args=[report.pk]),
        render=lambda: (
            gettext("Centre report accepted: %(centre)s, %(year)s") % _names(report),
            gettext("The activity report of %(centre)s (%(ward)s) for %(year)s was accepted.")
            % _names(report)
            + _comment(report),
        ),
    )
