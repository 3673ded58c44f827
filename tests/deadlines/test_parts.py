"""The rule for an obligation met in parts (each learning centre sends its own yearly report):
a district has submitted when every part is in, partly while some are, not at all while none
is; it is on time only when the last part came in by the due date."""

import datetime

import pytest
from django.utils import timezone

from districts.models import AdministrativeUnit
from learningcity.deadlines.registry import Submitted
from learningcity.deadlines.selectors import Parts, Tally, _judge, _owes

DUE = datetime.date(2026, 3, 31)
TODAY = datetime.date(2026, 12, 7)
UNIT = AdministrativeUnit(code="760", name="Quận 1", level="district")


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _parts(due: int, *days_after_due: int, approved: int = 0) -> Submitted:
    sent = tuple(_at(DUE + datetime.timedelta(days=d)) for d in days_after_due)
    complete = bool(due) and len(sent) == due
    return Submitted(
        first_submitted_at=max(sent) if complete else None,
        approved=complete and approved == due,
        parts_due=due,
        parts_sent=sent,
        parts_approved=approved,
    )


def test_none_in_is_not_submitted_and_overdue():
    cell = _judge(UNIT, DUE, _parts(3), TODAY)
    assert cell.status == "missing" and not cell.complete
    assert cell.parts == Parts(due=3, sent=0, on_time=0, late=0, approved=0)
    assert cell.days_late == (TODAY - DUE).days and cell.text.endswith(" (0/3)")


def test_some_in_is_partly_submitted_with_the_parts_counted_on_time_and_late():
    cell = _judge(UNIT, DUE, _parts(4, -3, 0, 5), TODAY)
    assert cell.status == "partial" and cell.first_submitted_at is None
    assert cell.parts == Parts(due=4, sent=3, on_time=2, late=1, approved=0)
    assert cell.days_late == (TODAY - DUE).days and not cell.on_time


def test_a_partly_submitted_district_is_not_yet_due_before_the_due_date():
    cell = _judge(UNIT, DUE, _parts(4, -3), DUE - datetime.timedelta(days=1))
    assert cell.status == "pending" and cell.days_late == 0 and not cell.on_time
    assert (cell.parts.sent, cell.parts.due) == (1, 4)


def test_all_in_by_the_due_date_is_on_time_dated_by_the_last():
    cell = _judge(UNIT, DUE, _parts(3, -9, -2, 0), TODAY)
    assert cell.status == "on_time" and cell.on_time and cell.days_late == 0
    assert cell.first_submitted_at == _at(DUE)
    assert cell.parts.on_time == 3 and cell.parts.late == 0


def test_all_in_with_the_last_after_the_due_date_is_late_by_its_days():
    cell = _judge(UNIT, DUE, _parts(3, -9, 4, 11), TODAY)
    assert cell.status == "late" and not cell.on_time and cell.days_late == 11
    assert cell.parts == Parts(due=3, sent=3, on_time=1, late=2, approved=0)


def test_all_accepted_is_approved_and_keeps_its_lateness():
    cell = _judge(UNIT, DUE, _parts(2, -1, 2, approved=2), TODAY)
    assert cell.status == "approved" and cell.days_late == 2 and not cell.on_time
    on_time = _judge(UNIT, DUE, _parts(2, -1, 0, approved=2), TODAY)
    assert on_time.status == "approved" and on_time.on_time


def test_some_accepted_but_not_all_in_stays_partial():
    cell = _judge(UNIT, DUE, _parts(3, -1, -1, approved=2), TODAY)
    assert cell.status == "partial" and cell.parts.approved == 2


def test_a_district_without_active_centres_owes_nothing():
    assert not _owes(_parts(0))
    assert _owes(_parts(1)) and _owes(None)
    assert _owes(Submitted(first_submitted_at=_at(DUE), approved=False))


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # complete on time, complete late, partial, missing: only the first is on time.
        (
            [_parts(2, 0, 0), _parts(2, 0, 3), _parts(2, 0), _parts(2)],
            {"due": 4, "on_time": 1, "late": 1, "partial": 1, "missing": 1, "rate": 25.0},
        ),
        ([_parts(5, -1, -1, -1, -1)], {"due": 1, "on_time": 0, "partial": 1, "rate": 0.0}),
    ],
)
def test_the_tally_counts_each_district_once_and_a_partial_one_as_not_on_time(cells, expected):
    tally = Tally()
    for submitted in cells:
        tally.add(_judge(UNIT, DUE, submitted, TODAY))
    rate = expected.pop("rate")
    assert {name: getattr(tally, name) for name in expected} == expected
    assert tally.on_time_rate == rate


def test_parts_add_up_and_their_rate_counts_by_centre():
    total = Parts(due=10, sent=9, on_time=8, late=1, approved=7) + Parts(due=5, sent=0)
    assert total == Parts(due=15, sent=9, on_time=8, late=1, approved=7)
    assert total.on_time_rate == 53.3 and Parts().on_time_rate is None
