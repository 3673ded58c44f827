"""Community learning centres: one value per fact on the demo, wherever the portal shows it.

Centres registered (and active), model centres, and the yearly reports in (submitted or
accepted) and accepted are counted here straight from the models, then read from the registry,
the roll-ups (city and district), the list of centres that have not reported, the API, the
Excel exports and the compiled yearly report (its workbook and its document).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from clc.choices import REPORTS_IN, ActivityReportStatus, CentreStatus
from clc.models import ActivityReport, Centre

from .conftest import page_text, xlsx_rows, yearly_report

YEARS = (2024, 2025)
QUAN_1 = "760"


def _year_end(year: int) -> datetime.date:
    return min(datetime.date(year, 12, 31), timezone.localdate())


def _facts(year: int, district: str | None = None) -> dict:
    """The facts of ``year`` counted from the models, for the city or one district."""
    centres = Centre.objects.filter(ward__parent__level="district")
    reports = ActivityReport.objects.filter(year=year)
    if district:
        centres = centres.filter(ward__parent__code=district)
        reports = reports.filter(centre__ward__parent__code=district)
    return {
        "centres": centres.count(),
        "active_centres": centres.filter(status=CentreStatus.ACTIVE).count(),
        "model_centres": centres.model_at(_year_end(year)).count(),
        "reports_in": reports.filter(status__in=REPORTS_IN).count(),
        "reports_accepted": reports.filter(status=ActivityReportStatus.ACCEPTED).count(),
    }


def _row(rows: list[tuple], column: int, value) -> dict:
    headers = rows[0]
    matches = [dict(zip(headers, row, strict=False)) for row in rows[1:] if row[column] == value]
    assert len(matches) == 1, (value, matches)
    return matches[0]


def test_the_demo_has_the_facts_to_compare(demo, db):
    """The comparisons below mean something: the demo's years differ, reports are in, accepted
    and returned, and some centres are suspended."""
    facts = {year: _facts(year) for year in YEARS}
    assert facts[2024]["reports_in"] != facts[2025]["reports_in"]
    assert facts[2025]["reports_in"] > facts[2025]["reports_accepted"] > 0
    assert facts[2025]["centres"] > facts[2025]["active_centres"]
    assert facts[2025]["model_centres"] > 0
    assert ActivityReport.objects.filter(year=2025, status=ActivityReportStatus.RETURNED).exists()


@pytest.mark.parametrize("year", YEARS)
def test_city_rollup_page_api_and_export_agree_with_the_models(
    as_user, year, django_assert_max_num_queries
):
    facts = _facts(year)
    client = as_user("chuyenvien")
    text = page_text(client.get("/clc/stats/", {"year": year}))
    assert (
        f"{facts['reports_in']}/{facts['centres']} báo cáo đã gửi, "
        f"{facts['reports_accepted']} được chấp nhận" in text
    )
    assert (
        f"{facts['active_centres']} đang hoạt động · TTHTCĐ điểm: {facts['model_centres']}" in text
    )

    with django_assert_max_num_queries(20):
        api = client.get("/api/v1/clc-stats/", {"year": year}).json()
    totals = {name: api["totals"][name] for name in facts}
    assert totals == facts

    sheet = xlsx_rows(client.get("/clc/stats/", {"year": year, "format": "xlsx"}).content)
    city = _row(sheet, 1, "Toàn thành phố")
    assert {
        "centres": city["Trung tâm đã đăng ký"],
        "active_centres": city["Trung tâm đang hoạt động"],
        "model_centres": city["TTHTCĐ điểm"],
        "reports_in": city["Báo cáo đã gửi (chờ duyệt hoặc đã chấp nhận)"],
        "reports_accepted": city["Báo cáo đã chấp nhận"],
    } == facts


@pytest.mark.parametrize("year", YEARS)
def test_a_district_rollup_agrees_with_the_models_for_its_officer_and_the_department(as_user, year):
    facts = _facts(year, QUAN_1)
    for username in ("chuyenvien", "quan1"):
        client = as_user(username)
        text = page_text(client.get(f"/clc/stats/{QUAN_1}/", {"year": year}))
        assert (
            f"{facts['reports_in']}/{facts['centres']} báo cáo đã gửi, "
            f"{facts['reports_accepted']} được chấp nhận" in text
        )
        api = client.get("/api/v1/clc-stats/", {"year": year, "district": QUAN_1}).json()
        assert {name: api["totals"][name] for name in facts} == facts
        sheet = xlsx_rows(
            client.get(f"/clc/stats/{QUAN_1}/", {"year": year, "format": "xlsx"}).content
        )
        row = _row(sheet, 0, QUAN_1)
        assert row["Trung tâm đã đăng ký"] == facts["centres"]
        assert row["Báo cáo đã gửi (chờ duyệt hoặc đã chấp nhận)"] == facts["reports_in"]
        assert row["Báo cáo đã chấp nhận"] == facts["reports_accepted"]
        # The city roll-up's row for the district says the same.
        city_rows = client.get("/api/v1/clc-stats/", {"year": year}).json()["districts"]
        mine = next(r["figures"] for r in city_rows if r["district"]["code"] == QUAN_1)
        assert {name: mine[name] for name in facts} == facts


def test_registry_page_api_and_export_count_the_centres_of_the_models(as_user):
    today = timezone.localdate()
    centres = Centre.objects.filter(ward__parent__level="district")
    registered = centres.count()
    active = centres.filter(status=CentreStatus.ACTIVE).count()
    model = centres.model_at(today).count()
    client = as_user("chuyenvien")
    text = page_text(client.get("/clc/"))
    assert (
        f"{registered} trung tâm đã đăng ký · {active} đang hoạt động · {model} TTHTCĐ điểm tại "
        f"ngày {today:%d/%m/%Y}" in text
    )
    assert client.get("/api/v1/clc-centres/").json()["count"] == registered
    assert client.get("/api/v1/clc-centres/", {"status": "active"}).json()["count"] == active
    assert client.get("/api/v1/clc-centres/", {"model": "true"}).json()["count"] == model
    export = xlsx_rows(client.get("/clc/", {"format": "xlsx"}).content)
    assert len(export) - 1 == registered
    # Today's registry and the current year's roll-up are the same count.
    stats = client.get("/api/v1/clc-stats/", {"year": today.year}).json()["totals"]
    assert (stats["centres"], stats["active_centres"], stats["model_centres"]) == (
        registered,
        active,
        model,
    )


def test_a_district_officer_sees_the_counts_of_their_district(as_user):
    centres = Centre.objects.filter(ward__parent__code=QUAN_1)
    client = as_user("quan1")
    text = page_text(client.get("/clc/"))
    assert f"{centres.count()} trung tâm đã đăng ký" in text
    assert client.get("/api/v1/clc-centres/").json()["count"] == centres.count()


@pytest.mark.parametrize("year", YEARS)
def test_reports_in_and_accepted_answer_the_same_through_the_api(as_user, year):
    facts = _facts(year)
    client = as_user("chuyenvien")
    reports = "/api/v1/clc-reports/"
    assert (
        client.get(reports, {"year": year, "sent_in": "true"}).json()["count"]
        == (facts["reports_in"])
    )
    assert (
        client.get(reports, {"year": year, "status": "accepted"}).json()["count"]
        == (facts["reports_accepted"])
    )


@pytest.mark.parametrize("year", YEARS)
def test_the_not_reported_list_is_the_centres_without_a_report_in(as_user, year):
    facts = _facts(year)
    missing = facts["centres"] - facts["reports_in"]
    client = as_user("chuyenvien")
    text = page_text(client.get("/clc/not-reported/", {"year": year}))
    assert f"{missing} trên {facts['centres']} trung tâm đã đăng ký" in text
    export = xlsx_rows(client.get("/clc/not-reported/", {"year": year, "format": "xlsx"}).content)
    assert len(export) - 1 == missing


def _report_year_values(sheets, label: str) -> dict[int, object]:
    """{year: value} of the row ``label`` in the report's table of the centres' figures."""
    for rows in sheets:
        for index, row in enumerate(rows):
            if row and row[0] == label:
                header = next(
                    r for r in reversed(rows[:index]) if r and r[0] in ("Số liệu", "Figure")
                )
                return {int(h): v for h, v in zip(header[1:], row[1:], strict=False) if h}
    raise AssertionError(f"{label} is not in the report")


def test_the_yearly_report_states_the_same_facts(
    as_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    admin = get_user_model().objects.get(username="admin")
    sheets, text = yearly_report(admin, 2025, django_capture_on_commit_callbacks)
    facts = {year: _facts(year) for year in YEARS}
    rows = {
        "centres": "Trung tâm đã đăng ký",
        "active_centres": "Trung tâm đang hoạt động",
        "model_centres": "TTHTCĐ điểm",
        "reports_in": "Báo cáo năm đã gửi (chờ duyệt hoặc đã chấp nhận)",
        "reports_accepted": "Báo cáo năm được chấp nhận",
    }
    for fact, label in rows.items():
        values = _report_year_values(sheets, label)
        for year in YEARS:
            if year in values:
                assert values[year] == facts[year][fact], (fact, year)
    assert 2025 in _report_year_values(sheets, rows["centres"])
    for year in YEARS:
        if f"Năm {year}, toàn thành phố:" not in text:
            continue
        f = facts[year]
        assert (
            f"Năm {year}, toàn thành phố: {f['centres']} trung tâm học tập cộng đồng đã đăng ký "
            f"({f['active_centres']} đang hoạt động, {f['model_centres']} TTHTCĐ điểm); "
            f"{f['reports_in']} báo cáo năm đã gửi" in text
        )
        assert f"{f['reports_accepted']} báo cáo được chấp nhận" in text
    assert "Năm 2025, toàn thành phố:" in text
