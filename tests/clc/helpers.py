"""Test data for the clc app, written through the services like the pages write it."""

import datetime

from clc import services
from clc.models import Centre
from districts.models import AdministrativeUnit

POINTS_GOOD = {"TC1": 18, "TC2": 26, "TC3": 13, "TC4": 12, "TC5": 17}  # 86: Tốt
POINTS_FAIR = {"TC1": 15, "TC2": 22, "TC3": 10, "TC4": 10, "TC5": 15}  # 72: Khá


def ward(code_or_district, index: int = 0) -> AdministrativeUnit:
    """A ward by GSO code, or the ``index``-th ward of a district."""
    if isinstance(code_or_district, str):
        return AdministrativeUnit.objects.get(level="ward", code=code_or_district)
    return code_or_district.children.order_by("code")[index]


def register(user, ward_unit, **fields) -> Centre:
    fields.setdefault("name", f"Trung tâm học tập cộng đồng {ward_unit.name}")
    return services.centre_create(user=user, ward=ward_unit, **fields)


def report(user, centre, year=2025, *, topics=None, **fields):
    values = {
        "participants_total": 100,
        "participants_women": 50,
        "participants_elderly": 10,
        "participants_disabled": 1,
        "uses_it": False,
        "funding_state": 1_000_000,
    }
    values.update(fields)
    return services.report_save(user=user, centre=centre, year=year, topics=topics or {}, **values)


def accepted_report(user, centre, year=2025, **fields):
    saved = report(user, centre, year, **fields)
    saved = services.report_submit(user=user, report=saved)
    return services.report_accept(user=user, report=saved)


def evaluate(user, centre, year=2025, points=None, **fields):
    fields.setdefault("evaluated_on", datetime.date(year, 12, 20))
    return services.evaluation_save(
        user=user, centre=centre, year=year, points=points or POINTS_GOOD, **fields
    )
