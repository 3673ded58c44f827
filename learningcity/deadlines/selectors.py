"""Reads: obligations, and where each district stands on them (set-based, fixed query count)."""

import datetime
from dataclasses import astuple, dataclass, field

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


def latest_period_due(periods, *, today: datetime.date | None = None) -> ReportingPeriod | None:
    """Of ``periods`` (latest first, from ``periods_with_obligations``), the latest with an
    obligation already due: the one a timeliness page opens on, since before its due date no
    district can be late. The earliest of them when none is due yet."""
    today = today or timezone.localdate()
    due = set(
        Obligation.objects.filter(period__in=periods, due_date__lte=today).values_list(
            "period_id", flat=True
        )
    )
    return next((p for p in periods if p.pk in due), periods[-1] if periods else None)


def exceptions_of(obligation: Obligation) -> QuerySet[DeadlineException]:
    return obligation.exceptions.select_related("unit", "granted_by").order_by("unit__code")


@dataclass(frozen=True)
class Parts:
    """An obligation met in parts (each active centre of a district sends its yearly report),
    counted by part: due, in, and of those in, first sent by the due date or after it."""

    due: int = 0
    sent: int = 0
    on_time: int = 0
    late: int = 0
    approved: int = 0

    def __add__(self, other: "Parts") -> "Parts":
        return Parts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def on_time_rate(self) -> float | None:
        """Percent of the parts due that came in by the due date."""
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass(frozen=True)
class UnitTimeliness:
    unit: AdministrativeUnit
    status: str
    # When it came in; for an obligation met in parts, when the last part did (None until all).
    first_submitted_at: datetime.datetime | None
    # Days after the due date it came in, or (missing, partial) has been overdue; 0 when not late.
    days_late: int
    parts: Parts | None = None  # for an obligation met in parts

    @property
    def complete(self) -> bool:
        return self.first_submitted_at is not None

    @property
    def on_time(self) -> bool:
        return self.complete and self.days_late == 0

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def label(self) -> str:
        return Timeliness(self.status).label

    @property
    def text(self) -> str:
        """The status as one line of an export: "Partly submitted (10/12)"."""
        if self.parts is None:
            return self.label
        return f"{self.label} ({self.parts.sent}/{self.parts.due})"


@dataclass
class Tally:
    """On time / late / partly in / missing over some units and obligations, and the on-time
    rate. Each district counts once per obligation: one met in parts (the centres' reports) is
    on time only when every part was in by the due date."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    partial: int = 0
    missing: int = 0
    approved: int = 0
    pending: int = 0  # not in, not yet due: outside the rate until the due date passes

    def add(self, row: UnitTimeliness) -> None:
        if row.status == Timeliness.PENDING:
            self.pending += 1
            return
        self.due += 1
        self.on_time += row.on_time
        self.late += row.complete and row.late
        self.partial += row.status == Timeliness.PARTIAL
        self.missing += row.status == Timeliness.MISSING
        self.approved += row.status == Timeliness.APPROVED

    @property
    def on_time_rate(self) -> float | None:
        """Percent of what was due that came in by its due date: the one definition every
        page, export, API answer and report states."""
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass
class ObligationTimeliness:
    obligation: Obligation
    units: list[UnitTimeliness] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    parts: Parts | None = None  # the districts' parts added up, for an obligation met in parts


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

    @property
    def has_parts(self) -> bool:
        """Whether an obligation met in parts is shown: the page then states its rule."""
        return any(column.parts is not None for column in self.columns)


def _sent_on(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _judge_parts(unit, due_date: datetime.date, submitted, today: datetime.date) -> UnitTimeliness:
    """A district's standing on an obligation met in parts: submitted once every part is in
    (dated by the last of them), partly while some are, not at all while none is."""
    sent_on = [_sent_on(moment) for moment in submitted.parts_sent]
    on_time = sum(day <= due_date for day in sent_on)
    parts = Parts(
        due=submitted.parts_due,
        sent=len(sent_on),
        on_time=on_time,
        late=len(sent_on) - on_time,
        approved=submitted.parts_approved,
    )
    if parts.sent < parts.due:
        if today <= due_date:
            return UnitTimeliness(unit, Timeliness.PENDING, None, 0, parts)
        status = Timeliness.PARTIAL if parts.sent else Timeliness.MISSING
        return UnitTimeliness(unit, status, None, max(0, (today - due_date).days), parts)
    last = max(submitted.parts_sent)
    days_late = max(0, (_sent_on(last) - due_date).days)
    if parts.approved == parts.due:
        status = Timeliness.APPROVED
    else:
        status = Timeliness.LATE if days_late else Timeliness.ON_TIME
    return UnitTimeliness(unit, status, last, days_late, parts)


def _judge(unit, due_date: datetime.date, submitted, today: datetime.date) -> UnitTimeliness:
    if submitted is not None and submitted.in_parts:
        return _judge_parts(unit, due_date, submitted, today)
    if submitted is None:
        if today <= due_date:
            return UnitTimeliness(unit, Timeliness.PENDING, None, 0)
        return UnitTimeliness(unit, Timeliness.MISSING, None, (today - due_date).days)
    sent_on = _sent_on(submitted.first_submitted_at)
    days_late = max(0, (sent_on - due_date).days)
    if submitted.approved:
        status = Timeliness.APPROVED
    else:
        status = Timeliness.LATE if days_late else Timeliness.ON_TIME
    return UnitTimeliness(unit, status, submitted.first_submitted_at, days_late)


def _owes(submitted) -> bool:
    """False for a district that owes nothing of an obligation met in parts (no active centre)."""
    return submitted is None or not submitted.in_parts or submitted.parts_due > 0


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
            if not _owes(submitted.get(pk)):
                continue
            cell = _judge(by_id[pk], obligation.due_date, submitted.get(pk), today)
            column.units.append(cell)
            column.tally.add(cell)
            # Like the districts' tally, the centres' counts leave out districts not yet due.
            if cell.parts is not None and cell.status != Timeliness.PENDING:
                column.parts = (column.parts or Parts()) + cell.parts
            row_of[pk].cells[-1] = cell
            row_of[pk].tally.add(cell)
            city.add(cell)
        columns.append(column)
    return TimelinessTable(columns=columns, rows=rows, city=city)


def missing_units(obligation: Obligation) -> list[int]:
    """Ids of the districts that owe ``obligation`` and have not submitted all of it: nothing,
    or (an obligation met in parts) only some of the parts (one query each)."""
    owed = [u.pk for u in obligation.units.all()] or list(
        portal_districts().values_list("pk", flat=True)
    )
    submitted = source(obligation.kind).submitted(obligation.period, owed)
    return [
        pk
        for pk in owed
        if _owes(submitted.get(pk))
        and (pk not in submitted or submitted[pk].first_submitted_at is None)
    ]


def obligation_timeliness(
    kind: str,
    *,
    user=None,
    districts=None,
    period: ReportingPeriod | None = None,
    year: int | None = None,
) -> ObligationTimeliness | None:
    """Where ``districts`` (default: those ``user`` sees) stand on the obligation of ``kind``
    for ``period`` (or ``year``), for the pages and reports that show it beside their own
    figures; None if nothing is owed."""
    obligation = obligation_of(kind, period=period, year=year)
    if obligation is None:
        return None
    if districts is None:
        districts = visible_districts(user)
    return timeliness([obligation], districts=districts).columns[0]
