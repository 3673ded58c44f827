"""Notices of compiled and failed reports (learningcity.notifications), to whoever asked.

A report the schedule requested has no requester: nobody is notified.
"""

from django.urls import reverse
from django.utils.translation import gettext

from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.services import notify

from .models import Report


def _requester(report: Report) -> list:
    return [report.requested_by] if report.requested_by_id else []


def report_ready(report: Report) -> int:
    return notify(
        _requester(report),
        kind=NoticeKind.REPORT_READY,
        url=reverse("reports:report", args=[report.pk]),
        render=lambda: (
            gettext("Report compiled: %(report)s") % {"report": report},
            gettext("%(report)s is ready: download it as XLSX or DOCX.") % {"report": report},
        ),
    )


def report_failed(report: Report) -> int:
    return notify(
        _requester(report),
        kind=NoticeKind.REPORT_FAILED,
        url=reverse("reports:report", args=[report.pk]),
        render=lambda: (
            gettext("Report failed: %(report)s") % {"report": report},
            gettext(
                "%(report)s could not be compiled: %(error)s. Compile it again; if it fails "
                "again, tell the Department's administrator."
            )
            % {"report": report, "error": report.error},
        ),
    )
