"""Demo accounts and reference periods for the embedded set-up (`make run`), and the helpers the
apps' demo modules share to tell one story: who did what, and when. Idempotent."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from districts.models import AdministrativeUnit

from .choices import PeriodKind, Role
from .models import ReportingPeriod, User

DEMO_PASSWORD = "HocTap@2024"
FIRST_DEMO_YEAR = 2024
# The user name of the officer the demo gives each district that has no named demo account.
DISTRICT_OFFICER_USERNAME = "canbo{code}"


def demo_years() -> tuple[int, ...]:
    """The demo's years: from its first one to the current year, so the demo stays current."""
    return tuple(range(FIRST_DEMO_YEAR, timezone.localdate().year + 1))


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Nguyễn Minh Quản", Role.DEPARTMENT_ADMIN),
    DemoAccount("chuyenvien", "Trần Thị Thu Hà", Role.DEPARTMENT_REVIEWER),
    DemoAccount("quan1", "Lê Văn Bình", Role.DISTRICT_OFFICER, "760"),
    DemoAccount("thuduc", "Phạm Thị Mai", Role.DISTRICT_OFFICER, "769"),
    DemoAccount("quan3", "Võ Quốc Hùng", Role.DISTRICT_OFFICER, "770"),
    DemoAccount("api", "Hệ thống báo cáo thống kê", Role.API_CONSUMER),
]
NAMED_DISTRICTS = {a.unit_code for a in DEMO_ACCOUNTS if a.unit_code}


def _account(username: str, password: str, **fields) -> User:
    """The demo account, created with ``password``; loading again saves it (and writes its
    history) only where its fields differ, and leaves a password changed since as it is."""
    fields = {"email": f"{username}@demo.hcm.edu.vn", "is_active": True, **fields}
    user, created = User.objects.get_or_create(
        username=username, defaults={**fields, "password": password}
    )
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    if not created and changed:
        for name in changed:
            setattr(user, name, fields[name])
        user.save(update_fields=changed)
    return user


@transaction.atomic
def demo_data_load() -> list[str]:
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo data is disabled here (DEMO_DATA_ALLOWED is off).")
    from districts.selectors import portal_district_list

    districts = {unit.code: unit for unit in portal_district_list()}
    units = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.districts().filter(code__in=NAMED_DISTRICTS)
    }
    # One hash for every demo account: hashing is slow on purpose, and they share the password.
    password = make_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        if account.unit_code and account.unit_code not in units:
            raise ImproperlyConfigured("Load the administrative units first: load_admin_units.")
        _account(
            account.username,
            password,
            full_name=account.full_name,
            role=account.role,
            unit=units.get(account.unit_code),
        )
    # Every district acts in the demo's story (it submits, the Department reviews), so each one
    # without a named account gets a plainly named officer of its own.
    for code, district in districts.items():
        if code not in NAMED_DISTRICTS:
            _account(
                DISTRICT_OFFICER_USERNAME.format(code=code),
                password,
                full_name=f"Cán bộ phụ trách {district.name}",
                role=Role.DISTRICT_OFFICER,
                unit=district,
            )
    for year in demo_years():
        for kind, numbers in [
            (PeriodKind.YEAR, [0]),
            (PeriodKind.HALF_YEAR, [1, 2]),
            (PeriodKind.QUARTER, [1, 2, 3, 4]),
            (PeriodKind.MONTH, range(1, 13)),
        ]:
            for number in numbers:
                ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD})"]
    for account in DEMO_ACCOUNTS:
        scope = f"  [{account.unit_code}]" if account.unit_code else ""
        lines.append(f"  {account.username:<12} {account.role:<20}{scope}")
    others = len(districts.keys() - NAMED_DISTRICTS)
    lines.append(
        f"  {DISTRICT_OFFICER_USERNAME.format(code='<code>'):<12} {Role.DISTRICT_OFFICER:<20}"
        f"  one for each of the other {others} districts"
    )
    return lines


# --- The story: who did what, and when ------------------------------------------------------------


def district_officers() -> dict[int, User]:
    """{district id: the officer who acts for it in the demo}, the named account first."""
    officers: dict[int, User] = {}
    for user in User.objects.filter(role=Role.DISTRICT_OFFICER, is_active=True).order_by("pk"):
        officers.setdefault(user.unit_id, user)
    return officers


def department_reviewer() -> User | None:
    return (
        User.objects.filter(role=Role.DEPARTMENT_REVIEWER, is_active=True).order_by("pk").first()
        or department_admin()
    )


def department_admin() -> User | None:
    return User.objects.filter(role=Role.DEPARTMENT_ADMIN).order_by("pk").first()


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """``day`` at ``hour``:``minute``, local time, never later than yesterday evening: a step
    still to come is told as taken then, the same moment however often the demo loads today."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    latest = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(17, 0)))
    return min(moment, latest)


@dataclass(frozen=True)
class Step:
    """One step of a record's story: the state it left the record in, when, and who took it.

    ``status`` is None for a record without states (a committee, a plan, an evaluation).
    """

    status: str | None
    at: datetime.datetime
    actor: User | None


def retell(obj: models.Model, steps: list[Step], *, children=()) -> int:
    """``retell_many`` for one record."""
    return retell_many([(obj, steps)], children=children)


def retell_many(stories: list[tuple[models.Model, list[Step]]], *, children=()) -> int:
    """Give each record's history rows the dates and actors of its steps, its dates to match.

    ``stories`` are (record, steps) of one model. The services the demo calls date what they do
    at the moment of loading; this dates each history row at the step it belongs to (the step
    whose state it records, a minute apart when a step saved twice). ``children`` are
    (history manager, foreign key) of rows saved with the record (its values, topics,
    members): each takes the date and actor of the record's last history row saved before it.
    ``status_changed_at``, ``first_submitted_at``, ``created_at`` and ``updated_at`` follow, on
    the record and its history rows. A few queries for all the records. Returns the number of
    rows changed: none when the stories are already told, so loading twice changes nothing.
    """
    if not stories:
        return 0
    model = type(stories[0][0])
    pks = [obj.pk for obj, _steps in stories]
    history: dict[int, list] = {pk: [] for pk in pks}
    for row in model.history.filter(id__in=pks).order_by("history_date", "history_id"):
        history[row.id].append(row)
    kin: list[dict[int, list]] = []
    for manager, key in children:
        rows: dict[int, list] = {}
        for row in manager.filter(**{f"{key}__in": pks}).order_by("history_date", "history_id"):
            rows.setdefault(getattr(row, key), []).append(row)
        kin.append(rows)

    stale_rows, stale_kin, stale_records, record_fields = [], {}, [], set()
    for obj, steps in stories:
        rows = history[obj.pk]
        if not rows:
            continue
        dated, facts = _date_rows(rows, steps)
        originals = [row.history_date for row in rows]  # the children are placed by these
        for row, (moment, step) in zip(rows, dated, strict=True):
            wanted = {"history_date": moment, "history_user_id": step.actor and step.actor.pk}
            wanted.update(_row_facts(row, moment, step, facts))
            if _differs(row, wanted):
                stale_rows.append(row)
        for rows_by_record in kin:
            for child in rows_by_record.get(obj.pk, []):
                before = [i for i, date in enumerate(originals) if date <= child.history_date]
                moment, step = dated[before[-1] if before else 0]
                wanted = {"history_date": moment, "history_user_id": step.actor and step.actor.pk}
                if _differs(child, wanted):
                    stale_kin.setdefault(type(child), []).append(child)
        record = {"updated_at": dated[-1][0], **facts}
        wanted = {
            name: value
            for name, value in record.items()
            if hasattr(obj, name) and getattr(obj, name) is not None
        }
        if _differs(obj, wanted):
            stale_records.append(obj)
            record_fields.update(wanted)

    changed = len(stale_rows) + len(stale_records)
    if stale_rows:
        history_model = type(stale_rows[0])
        names = {f.name for f in history_model._meta.fields}
        fields = ["history_date", "history_user"] + [
            name
            for name in ("created_at", "updated_at", "status_changed_at", "first_submitted_at")
            if name in names
        ]
        _update(history_model, stale_rows, fields)
    for child_model, rows in stale_kin.items():
        _update(child_model, rows, ["history_date", "history_user"])
        changed += len(rows)
    if stale_records:
        _update(model, stale_records, sorted(record_fields))
    return changed


def _update(model, rows: list, names: list[str]) -> None:
    """Write ``names`` of ``rows`` as they are set (``auto_now`` does not date them today).

    On PostgreSQL one UPDATE … FROM (VALUES …) per thousand rows: ``bulk_update`` builds a
    CASE expression per row and field, which takes seconds for the demo's thousands of rows.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, names, batch_size=500)
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
        for f in fields
    )
    casts = ", ".join(
        [f"%s::{meta.pk.db_type(connection)}"]
        + [f"%s::{(f.target_field if f.is_relation else f).db_type(connection)}" for f in fields]
    )
    aliases = ", ".join(connection.ops.quote_name(c) for c in ["pk", *(f.column for f in fields)])
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            values = ", ".join(f"({casts})" for _row in batch)
            params = [
                value
                for row in batch
                for value in [
                    row.pk,
                    *(f.get_db_prep_value(getattr(row, f.attname), connection) for f in fields),
                ]
            ]
            cursor.execute(
                f"UPDATE {table} SET {columns} FROM (VALUES {values}) AS v({aliases}) "
                f"WHERE {table}.{pk} = v.pk",
                params,
            )


def _date_rows(rows: list, steps: list[Step]) -> tuple[list, dict]:
    """(date, step) of each history row, and the record's dates that follow from them."""
    stated = steps[0].status is not None
    dated: list[tuple[datetime.datetime, Step]] = []
    index, within = 0, 0
    for number, row in enumerate(rows):
        if number:
            moved = row.status != rows[number - 1].status if stated else True
            later = [
                i
                for i in range(index + 1, len(steps))
                if not stated or steps[i].status == row.status
            ]
            if moved and later:
                index, within = later[0], 0
            else:
                within += 1
        step = steps[index]
        dated.append((step.at + datetime.timedelta(minutes=within), step))
    facts = {
        "created_at": dated[0][0],
        "status_changed_at": steps[index].at,
        "first_submitted_at": next(
            (s.at for s in steps[: index + 1] if s.status == "submitted"), None
        ),
    }
    return dated, facts


def _row_facts(row, moment, step: Step, facts: dict) -> dict:
    """The dates a history row should hold: those of the record at the row's step."""
    wanted = {}
    if getattr(row, "created_at", None) is not None:
        wanted["created_at"] = facts["created_at"]
    if getattr(row, "updated_at", None) is not None:
        wanted["updated_at"] = moment
    if getattr(row, "status_changed_at", None) is not None:
        wanted["status_changed_at"] = step.at
    if getattr(row, "first_submitted_at", None) is not None and facts["first_submitted_at"]:
        wanted["first_submitted_at"] = facts["first_submitted_at"]
    return wanted


def _differs(row, wanted: dict) -> bool:
    """Set ``wanted`` on ``row``; whether anything changed."""
    stale = False
    for name, value in wanted.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            stale = True
    return stale
