"""Reads for periodic reports: the archive a user may see, and the periods a report covers."""

import datetime

from django.db.models import QuerySet

from learningcity.choices import Role
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, restrict

from .choices import PERIOD_KIND_OF
from .models import Report


def report_list(*, user, action: Action = Action.VIEW) -> QuerySet[Report]:
    """The reports ``user`` may see: the Department all, a district officer their district's,
    an API consumer the city's (a district's own report is the district's business)."""
    reports = restrict(
        Report.objects.select_related("period", "district", "requested_by"), user, action
    )
    if user.role == Role.API_CONSUMER:
        reports = reports.filter(district__isnull=True)
    return reports


def periods_for_kind(*, kind: str) -> QuerySet[ReportingPeriod]:
    """The periods a report of ``kind`` can be requested for, newest first."""
    period_kind = PERIOD_KIND_OF.get(kind)
    periods = ReportingPeriod.objects.order_by("-start_date", "end_date")
    return periods.filter(kind=period_kind) if period_kind else periods


def periods_within(*, start: datetime.date, end: datetime.date) -> list[ReportingPeriod]:
    """Every period (year, halves, quarters, months) lying inside ``start``..``end``, in order."""
    return list(
        ReportingPeriod.objects.filter(start_date__gte=start, end_date__lte=end).order_by(
            "start_date", "-end_date"
        )
    )


def years_within(*, first: int, last: int) -> list[ReportingPeriod]:
    """The year periods ``first``..``last`` that exist, in order."""
    return list(
        ReportingPeriod.objects.filter(kind="year", year__gte=first, year__lte=last).order_by(
            "year"
        )
    )
