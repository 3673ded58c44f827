"""Writes and jobs: obligations, exceptions, the entry lock and the reminder notices."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learningcity.choices import PeriodKind, Role
from learningcity.models import ReportingPeriod, User
from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.services import department_staff, notify
from learningcity.permissions import Action, reach
from learningcity.workflow import check_version

from . import selectors
from .choices import ObligationKind
from .models import DeadlineException, Obligation

# Which periods each kind is owed for, when the Department generates a year's obligations.
OBLIGATION_PLAN = {
    ObligationKind.INTERIM_REVIEW: PeriodKind.HALF_YEAR,
    ObligationKind.INDICATOR_SUBMISSION: PeriodKind.YEAR,
    ObligationKind.CLC_REPORT: PeriodKind.YEAR,
}

# Reminders go out when this many days are left, once each; overdue notices for this long.
REMINDER_DAYS = (7, 1)
OVERDUE_WINDOW_DAYS = 60


def default_due_date(kind: str, period: ReportingPeriod) -> datetime.date:
    """The usual deadline: CLC reports by 31 March of the next year; a year's other data by
    15 January; a month's, quarter's or half-year's by the 5th day after it ends."""
    if kind == ObligationKind.CLC_REPORT:
        return datetime.date(period.end_date.year + 1, 3, 31)
    if period.kind == PeriodKind.YEAR:
        return datetime.date(period.year + 1, 1, 15)
    return period.end_date + datetime.timedelta(days=5)


def _ensure_admin(user) -> None:
    if not (user and user.is_authenticated and user.role == Role.DEPARTMENT_ADMIN):
        raise PermissionDenied(_("Only the Department's administrators can do this."))


def _ensure_department(user) -> None:
    if not (user and user.is_authenticated and user.is_department_staff):
        raise PermissionDenied(_("Only the Department can do this."))


def _save(obj, *, user) -> None:
    obj._history_user = user
    obj.full_clean()
    obj.save()


@transaction.atomic
def obligations_generate(
    *, user, year: int, lock_after_days: int | None = None, kinds=None
) -> list[Obligation]:
    """Create the year's obligations by the plan, with the default due dates. Existing ones
    are left as they are (their dates may have been edited), so running it twice adds nothing."""
    _ensure_admin(user)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("The year must be between 2000 and 2100.")})
    created = []
    for kind in kinds or OBLIGATION_PLAN:
        period_kind = OBLIGATION_PLAN[kind]
        low, high = ReportingPeriod.NUMBER_LIMITS[period_kind]
        for number in range(low, high + 1):
            period = ReportingPeriod.objects.get_or_create_for(
                kind=period_kind, year=year, number=number
            )
            if Obligation.objects.filter(kind=kind, period=period).exists():
                continue
            obligation = Obligation(
                kind=kind,
                period=period,
                due_date=default_due_date(kind, period),
                lock_after_days=lock_after_days,
            )
            _save(obligation, user=user)
            created.append(obligation)
    return created


@transaction.atomic
def obligation_update(
    *, user, obligation: Obligation, version: int | None = None, units=None, **fields
) -> Obligation:
    _ensure_admin(user)
    locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
    check_version(locked, version)
    locked.version += 1
    for name, value in fields.items():
        setattr(locked, name, value)
    _save(locked, user=user)
    if units is not None:
        locked.units.set(units)
    return locked


@transaction.atomic
def exception_grant(
    *, user, obligation: Obligation, unit, until: datetime.date, reason: str
) -> DeadlineException:
    """Let ``unit`` enter data for ``obligation``'s period until ``until`` (inclusive)."""
    _ensure_department(user)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the exception is granted.")})
    if until < timezone.localdate():
        raise ValidationError({"until": _("The exception must last until today or later.")})
    exception = (
        DeadlineException.objects.select_for_update()
        .filter(obligation=obligation, unit=unit)
        .first()
    ) or DeadlineException(obligation=obligation, unit=unit)
    exception.until, exception.reason, exception.granted_by = until, reason, user
    _save(exception, user=user)
    return exception


def entry_closed(
    *, kind: str, unit_id: int, period: ReportingPeriod | None = None, year: int | None = None
) -> Obligation | None:
    """The obligation whose lock closes entry of ``kind`` for ``unit_id`` today, or None while
    entry is open. The period is a reporting period, or a ``year`` for data kept by year."""
    today = timezone.localdate()
    obligation = selectors.obligation_of(kind, period=period, year=year)
    if obligation is None or not obligation.is_closed(today):
        return None
    excepted = obligation.exceptions.filter(unit_id=unit_id, until__gte=today).exists()
    return None if excepted else obligation


def ensure_entry_open(
    *, user, kind: str, unit_id: int, period: ReportingPeriod | None = None, year: int | None = None
) -> None:
    """Refuse a district's entry for a period whose obligation has closed.

    The Department's own corrections are not refused: the lock is about districts' deadlines.
    """
    if reach(user, Action.CHANGE) != "own":
        return
    obligation = entry_closed(kind=kind, unit_id=unit_id, period=period, year=year)
    if obligation is not None:
        raise ValidationError(
            _(
                "Entry for %(obligation)s closed on %(date)s. Ask the Department for an "
                "exception if you still need to enter or change it."
            )
            % {"obligation": obligation, "date": _date(obligation.closes_on)}
        )


def _officers_of(unit_ids) -> list[User]:
    return User.objects.filter(role=Role.DISTRICT_OFFICER, unit_id__in=unit_ids, is_active=True)


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Notify districts of deadlines 7 and 1 day(s) ahead and of overdue items, and the
    Department of what is overdue. Safe to run twice: each notice has a key, so a district is
    reminded once per obligation and threshold, and the digest goes out once a day."""
    today = today or timezone.localdate()
    sent = {"deadline": 0, "overdue": 0, "digest": 0}
    overdue_lines = []
    window = selectors.obligation_list().filter(
        due_date__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS),
        due_date__lte=today + datetime.timedelta(days=max(REMINDER_DAYS)),
    )
    for obligation in window:
        missing = selectors.missing_units(obligation)
        if not missing:
            continue
        days_left = (obligation.due_date - today).days
        url = reverse("deadlines:obligation", args=[obligation.pk])
        if days_left >= 0:
            threshold = min(d for d in REMINDER_DAYS if days_left <= d)
            sent["deadline"] += notify(
                _officers_of(missing),
                kind=NoticeKind.DEADLINE,
                url=url,
                key=f"deadline:{obligation.pk}:{threshold}",
                render=lambda o=obligation, n=days_left: (
                    gettext("Due in %(days)s day(s): %(obligation)s")
                    % {"days": n, "obligation": o},
                    gettext(
                        "%(obligation)s is due on %(date)s and your district has not "
                        "submitted it yet."
                    )
                    % {"obligation": o, "date": _date(o.due_date)},
                ),
            )
            continue
        sent["overdue"] += notify(
            _officers_of(missing),
            kind=NoticeKind.OVERDUE,
            url=url,
            key=f"overdue:{obligation.pk}",
            render=lambda o=obligation: (
                gettext("Overdue: %(obligation)s") % {"obligation": o},
                gettext(
                    "%(obligation)s was due on %(date)s and your district has not submitted "
                    "it. Submit it as soon as you can."
                )
                % {"obligation": o, "date": _date(o.due_date)},
            ),
        )
        overdue_lines.append((obligation, len(missing)))
    if overdue_lines:
        sent["digest"] = notify(
            department_staff(),
            kind=NoticeKind.DIGEST,
            url=reverse("deadlines:timeliness"),
            key=f"digest:{today.isoformat()}",
            render=lambda: (
                gettext("Overdue on %(date)s") % {"date": _date(today)},
                "\n".join(
                    gettext("%(obligation)s: %(count)s district(s) missing, due %(date)s")
                    % {"obligation": o, "count": n, "date": _date(o.due_date)}
                    for o, n in overdue_lines
                ),
            ),
        )
    return sent
