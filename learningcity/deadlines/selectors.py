"""Reads: obligations, and where each district stands on them (set-based, fixed query count)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from districts.models import AdministrativeUnit
from districts.selectors import portal_districts
from learningcity.models import ReportingPeriod
from learningcity.permissions import restrict_units

from .choices import Timeliness
from .models import DeadlineException, Obligation
from .registry import source


def obligation_list() -> QuerySet[Obligation]:
    return Obligation.objects.select_related("period").prefetch_related(
        Prefetch("units", queryset=AdministrativeUnit.objects.only("pk", "code"))
    )


def obligations_for(*, period: ReportingPeriod | None = None, year: int | None = None):
    """Obligations of one period, or of every period of ``year``."""
    obligations = obligation_list()
    if period is not None:
        return obligations.filter(period=period)
    return obligations.filter(period__year=year)


def obligation_of(
    kind: str, *, period: ReportingPeriod | None = None, year: int | None = None
) -> Obligation | None:
    """The obligation of ``kind`` for a reporting period, or for a ``year`` (data kept by year)."""
    periods = (
        {"period": period} if period is not None else {"period__kind": "year", "period__year": year}
    )
    return Obligation.objects.select_related("period").filter(kind=kind, **periods).first()


def periods_with_obligations() -> QuerySet[ReportingPeriod]:
    return (
        ReportingPeriod.objects.filter(obligations__isnull=False)
        .distinct()
        .order_by("-start_date", "end_date")
    )


def exceptions_of(obligation: Obligation) -> QuerySet[DeadlineException]:
    return obligation.exceptions.select_related("unit", "granted_by").order_by("unit__code")


@dataclass(frozen=True)
class UnitTimeliness:
    unit: AdministrativeUnit
    status: str
    first_submitted_at: datetime.datetime | None
    # Days after the due date it came in, or (missing) has been overdue; 0 when not late.
    days_late: int

    @property
    def on_time(self) -> bool:
        return self.first_submitted_at is not None and self.days_late == 0

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def label(self) -> str:
        return Timeliness(self.status).label


@dataclass
class Tally:
    """On time / late / missing over some units and obligations, and the on-time rate."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    approved: int = 0

    def add(self, row: UnitTimeliness) -> None:
        self.due += 1
        self.on_time += row.on_time
        self.late += row.first_submitted_at is not None and row.late
        self.missing += row.first_submitted_at is None
        self.approved += row.status == Timeliness.APPROVED

    @property
    def on_time_rate(self) -> float | None:
        """Percent of what was due that came in by its due date."""
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass
class ObligationTimeliness:
    obligation: Obligation
    units: list[UnitTimeliness] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class DistrictTimeliness:
    unit: AdministrativeUnit
    cells: list[UnitTimeliness | None] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class TimelinessTable:
    columns: list[ObligationTimeliness]
    rows: list[DistrictTimeliness]
    city: Tally


def _judge(unit, due_date: datetime.date, submitted, today: datetime.date) -> UnitTimeliness:
    if submitted is None:
        overdue = max(0, (today - due_date).days)
        return UnitTimeliness(unit, Timeliness.MISSING, None, overdue)
    sent_on = timezone.localdate(submitted.first_submitted_at)
    days_late = max(0, (sent_on - due_date).days)
    if submitted.approved:
        status = Timeliness.APPROVED
    else:
        status = Timeliness.LATE if days_late else Timeliness.ON_TIME
    return UnitTimeliness(unit, status, submitted.first_submitted_at, days_late)


def visible_districts(user) -> QuerySet[AdministrativeUnit]:
    """The districts whose timeliness ``user`` may see: all, or a district officer's own."""
    return restrict_units(portal_districts(), user)


def timeliness(obligations, *, districts, today: datetime.date | None = None) -> TimelinessTable:
    """Each district's standing on each of ``obligations``.

    Queries: the districts, the obligations with their units, and one per obligation for the
    submissions (whatever the number of districts).
    """
    today = today or timezone.localdate()
    districts = list(districts)
    by_id = {unit.pk: unit for unit in districts}
    rows = [DistrictTimeliness(unit) for unit in districts]
    row_of = {row.unit.pk: row for row in rows}
    columns, city = [], Tally()
    for obligation in obligations:
        owed = [u.pk for u in obligation.units.all()] or list(by_id)
        owed = [pk for pk in owed if pk in by_id]
        submitted = source(obligation.kind).submitted(obligation.period, owed)
        column = ObligationTimeliness(obligation)
        for row in rows:
            row.cells.append(None)
        for pk in owed:
            cell = _judge(by_id[pk], obligation.due_date, submitted.get(pk), today)
            column.units.append(cell)
            column.tally.add(cell)
            row_of[pk].cells[-1] = cell
            row_of[pk].tally.add(cell)
            city.add(cell)
        columns.append(column)
    return TimelinessTable(columns=columns, rows=rows, city=city)


def missing_units(obligation: Obligation) -> list[int]:
    """Ids of the districts that owe ``obligation`` and have not submitted it (one query each)."""
    owed = [u.pk for u in obligation.units.all()] or list(
        portal_districts().values_list("pk", flat=True)
    )
    submitted = source(obligation.kind).submitted(obligation.period, owed)
    return [pk for pk in owed if pk not in submitted]


def obligation_timeliness(
    kind: str, *, user, period: ReportingPeriod | None = None, year: int | None = None
) -> ObligationTimeliness | None:
    """Where the districts ``user`` sees stand on the obligation of ``kind`` for ``period`` (or
    ``year``), for the pages that show it beside their own figures; None if nothing is owed."""
    obligation = obligation_of(kind, period=period, year=year)
    if obligation is None:
        return None
    return timeliness([obligation], districts=visible_districts(user)).columns[0]
