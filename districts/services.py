"""Writes for the districts app."""

import json
from dataclasses import dataclass

import vietnam_provinces
from django.db import transaction

from .choices import Level, kind_from_name
from .models import AdministrativeUnit

ALL_PROVINCES = "all"


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    districts: int
    wards: int


def _gso_code(level: str, code: int) -> str:
    # GSO writes codes zero-padded: province 2 digits, district 3, commune level 5.
    width = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.WARD: 5}[level]
    return f"{code:0{width}d}"


def _upsert(level: str, rows: list[tuple[int, str, int | None]]) -> dict[str, int]:
    """Insert or update units of one level; returns their ids by GSO code."""
    units = [
        AdministrativeUnit(
            level=level,
            kind=kind_from_name(level, name),
            code=_gso_code(level, code),
            name=name,
            parent_id=parent_id,
        )
        for code, name, parent_id in rows
    ]
    AdministrativeUnit.objects.bulk_create(
        units,
        update_conflicts=True,
        unique_fields=["level", "code"],
        update_fields=["kind", "name", "name_search", "parent"],
        batch_size=500,
    )
    codes = [unit.code for unit in units]
    return dict(
        AdministrativeUnit.objects.filter(level=level, code__in=codes).values_list("code", "id")
    )


@transaction.atomic
def admin_units_load(*, province_codes: list[str]) -> LoadResult:
    """Load provinces, their districts and wards from the GSO list in ``vietnam-provinces``.

    ``province_codes`` are GSO codes ("79") or ``["all"]`` for the whole country. Safe to run
    again: units are matched on (level, code) and updated in place.
    """
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
        provinces = json.load(f)
    if ALL_PROVINCES not in province_codes:
        wanted = {int(code) for code in province_codes}
        unknown = wanted - {p["code"] for p in provinces}
        if unknown:
            raise ValueError(f"Unknown province codes: {sorted(unknown)}")
        provinces = [p for p in provinces if p["code"] in wanted]

    province_ids = _upsert(Level.PROVINCE, [(p["code"], p["name"], None) for p in provinces])
    district_ids = _upsert(
        Level.DISTRICT,
        [
            (d["code"], d["name"], province_ids[_gso_code(Level.PROVINCE, p["code"])])
            for p in provinces
            for d in p["districts"]
        ],
    )
    ward_ids = _upsert(
        Level.WARD,
        [
            (w["code"], w["name"], district_ids[_gso_code(Level.DISTRICT, d["code"])])
            for p in provinces
            for d in p["districts"]
            for w in d["wards"]
        ],
    )
    return LoadResult(len(province_ids), len(district_ids), len(ward_ids))
