"""The centres' yearly reports as an obligation met in parts, written through the services: each
active centre of a district owes its report; a district is in once all are, partly before."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from clc import services as clc_services
from clc.models import ActivityReport
from districts.selectors import portal_districts
from learningcity.deadlines import selectors, services
from learningcity.deadlines.choices import ObligationKind
from tests.clc.helpers import register, report, ward

from .conftest import at

DUE = datetime.date(2026, 3, 31)


@pytest.fixture
def clc_obligation(admin_user, hcmc):
    [obligation] = services.obligations_generate(
        user=admin_user, year=2025, kinds=[ObligationKind.CLC_REPORT]
    )
    assert obligation.due_date == DUE
    return obligation


def _send(user, centre, when, *, accept=False):
    with time_machine.travel(when, tick=False):
        saved = clc_services.report_submit(user=user, report=report(user, centre))
        if accept:
            saved = clc_services.report_accept(user=user, report=saved)
    return saved


def _cells(obligation, today=datetime.date(2026, 12, 7)):
    table = selectors.timeliness([obligation], districts=portal_districts(), today=today)
    return {cell.unit.code: cell for cell in table.columns[0].units}, table


@pytest.fixture
def standing(clc_obligation, officer_1, officer_3, district_1, district_3):
    """Quận 1: two active centres, one on time and accepted, one late; a suspended third owes
    nothing. Quận 3: two centres, one on time, the other sent on time, returned and not back."""
    q1 = [register(officer_1, ward(district_1, i)) for i in range(3)]
    _send(officer_1, q1[0], at(DUE - datetime.timedelta(days=10)), accept=True)
    _send(officer_1, q1[1], at(DUE + datetime.timedelta(days=5)))
    clc_services.centre_set_status(user=officer_1, centre=q1[2], status="suspended")
    q3 = [register(officer_3, ward(district_3, i)) for i in range(2)]
    _send(officer_3, q3[0], at(DUE - datetime.timedelta(days=1)))
    returned = _send(officer_3, q3[1], at(DUE - datetime.timedelta(days=2)))
    clc_services.report_return(user=officer_3, report=returned, comment="Thiếu số liệu lớp học.")
    return clc_obligation


def test_a_district_with_every_active_centre_in_is_dated_by_its_last_report(standing):
    cells, _table = _cells(standing)
    q1 = cells["760"]
    assert q1.status == "late" and q1.days_late == 5
    assert q1.first_submitted_at.date() == DUE + datetime.timedelta(days=5)
    assert (q1.parts.due, q1.parts.sent, q1.parts.on_time, q1.parts.late) == (2, 2, 1, 1)
    assert q1.parts.approved == 1


def test_a_returned_report_is_not_in_until_it_comes_back(standing, officer_3, district_3):
    cells, _table = _cells(standing)
    q3 = cells["770"]
    assert q3.status == "partial" and q3.parts.sent == 1 and q3.parts.due == 2
    assert not q3.on_time and q3.days_late == (datetime.date(2026, 12, 7) - DUE).days
    # Sent back after the due date: in, and dated by its first sending (on time).
    again = ActivityReport.objects.get(centre__ward__parent=district_3, status="returned")
    with time_machine.travel(at(DUE + datetime.timedelta(days=20)), tick=False):
        clc_services.report_submit(user=officer_3, report=again)
    cells, _table = _cells(standing)
    assert cells["770"].status == "on_time" and cells["770"].parts.on_time == 2


def test_districts_without_centres_owe_nothing_and_the_tally_counts_districts(standing):
    cells, table = _cells(standing)
    assert set(cells) == {"760", "770"}
    tally = table.columns[0].tally
    assert (tally.due, tally.on_time, tally.late, tally.partial, tally.missing) == (2, 0, 1, 1, 0)
    assert tally.on_time_rate == 0.0
    parts = table.columns[0].parts
    assert (parts.due, parts.sent, parts.on_time, parts.late) == (4, 3, 2, 1)
    assert selectors.missing_units(standing) == [cells["770"].unit.pk]


def test_the_api_answers_the_parts_and_the_partial_tally(
    standing, reviewer, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(reviewer)
    with django_assert_max_num_queries(12):
        body = api.get("/api/v1/timeliness/", {"year": 2025}).json()
    [column] = body["obligations"]
    units = {unit["unit"]: unit for unit in column["units"]}
    assert units["770"]["status"] == "partial"
    assert units["770"]["parts"] == {
        "due": 2,
        "sent": 1,
        "on_time": 1,
        "late": 0,
        "approved": 0,
        "on_time_rate": 50.0,
    }
    assert column["tally"]["partial"] == 1 and column["parts"]["sent"] == 3
    assert body["city"]["on_time_rate"] == 0.0
