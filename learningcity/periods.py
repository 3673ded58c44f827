"""Which reporting periods a page offers: the kinds its data is filed in, and by default the
latest period that has data, so a page never opens on a period its data cannot have."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from .models import ReportingPeriod


@dataclass(frozen=True)
class PeriodChoice:
    """The periods a page's picker offers (newest first, grouped by kind) and the one shown."""

    groups: list[tuple[str, list[ReportingPeriod]]]  # (kind label, its periods newest first)
    selected: ReportingPeriod | None  # None: the code asked for is not one the page offers

    @property
    def periods(self) -> list[ReportingPeriod]:
        return [period for _label, periods in self.groups for period in periods]


def period_choice(
    code: str | None,
    *,
    kinds: dict[str, str],
    with_data: Collection[int],
    today: datetime.date | None = None,
) -> PeriodChoice:
    """The periods of ``kinds`` (kind -> label shown in the picker; the first is the kind the
    data is filed in) that have begun by ``today``, and the one named by ``code``; without a
    code, the latest period of the first kind whose id is in ``with_data``, else the latest
    period of that kind that has begun."""
    today = today or datetime.date.today()
    offered = ReportingPeriod.objects.filter(kind__in=kinds, start_date__lte=today).order_by(
        "-start_date", "-end_date"
    )
    groups = [(label, [p for p in offered if p.kind == kind]) for kind, label in kinds.items()]
    groups = [(label, periods) for label, periods in groups if periods]
    by_code = {period.code: period for _label, periods in groups for period in periods}
    if code:
        return PeriodChoice(groups=groups, selected=by_code.get(code))
    filed = groups[0][1] if groups and groups[0][1][0].kind == next(iter(kinds)) else []
    latest = next((p for p in filed if p.pk in with_data), filed[0] if filed else None)
    if latest is None:  # no period of the filing kind yet: the running one, created
        current = _current(next(iter(kinds)), today)
        return period_choice(current.code, kinds=kinds, with_data=with_data, today=today)
    return PeriodChoice(groups=groups, selected=latest)


def _current(kind: str, today: datetime.date) -> ReportingPeriod:
    """The period of ``kind`` running on ``today`` (created on first use)."""
    months = {"year": 12, "half_year": 6, "quarter": 3, "month": 1}[kind]
    number = 0 if kind == "year" else (today.month - 1) // months + 1
    return ReportingPeriod.objects.get_or_create_for(kind=kind, year=today.year, number=number)
