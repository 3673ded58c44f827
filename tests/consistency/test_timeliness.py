"""Timeliness on the demo: the centres' yearly reports per district, and the on-time rates.

Each district's standing on the learning centres' reports is worked out here from the models
(its active centres due, their reports in, each dated by its first sending) and compared with
the timeliness matrix, its Excel export, its API answer, the obligation's page, the centres'
roll-up and the compiled yearly report; the on-time rates are the same figure in each place.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models.functions import Coalesce
from django.utils import formats, timezone

from clc.choices import REPORTS_IN, ActivityReportStatus, CentreStatus
from clc.models import ActivityReport, Centre
from districts.models import AdministrativeUnit
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.models import Obligation

from .conftest import page_text, xlsx_rows, yearly_report

YEARS = (2024, 2025)


def _standing_from_models(year: int) -> dict[str, dict]:
    """{district code: due, sent, on_time, late, accepted, status, complete_on} of the centres'
    reports of ``year``, counted here without the portal's selectors."""
    obligation = Obligation.objects.get(kind=ObligationKind.CLC_REPORT, period__year=year)
    today = timezone.localdate()
    standing = {}
    for district in AdministrativeUnit.objects.filter(level="district").order_by("code"):
        active = Centre.objects.filter(ward__parent=district, status=CentreStatus.ACTIVE)
        reports = ActivityReport.objects.filter(
            centre__in=active, year=year, status__in=REPORTS_IN
        ).annotate(sent_at=Coalesce("first_submitted_at", "status_changed_at"))
        sent_on = [timezone.localdate(r.sent_at) for r in reports]
        due, sent = active.count(), len(sent_on)
        on_time = sum(day <= obligation.due_date for day in sent_on)
        accepted = sum(r.status == ActivityReportStatus.ACCEPTED for r in reports)
        if sent == 0:
            status = "missing"
        elif sent < due:
            status = "partial"
        elif accepted == due:
            status = "approved"
        else:
            status = "late" if max(sent_on) > obligation.due_date else "on_time"
        complete_on_time = sent == due and max(sent_on) <= obligation.due_date
        standing[district.code] = {
            "name": district.name,
            "due": due,
            "sent": sent,
            "on_time": on_time,
            "late": sent - on_time,
            "approved": accepted,
            "status": status,
            "complete_on_time": complete_on_time,
            "overdue": max(0, (today - obligation.due_date).days) if sent < due else None,
        }
    return standing


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _shown(rate: float) -> str:
    """A rate as the Vietnamese pages print it: 26,1."""
    return formats.number_format(rate)


def _clc_column(api: dict) -> dict:
    (column,) = [o for o in api["obligations"] if o["obligation"]["kind"] == "clc_report"]
    return column


def test_the_demo_is_partly_in(demo, db):
    """Not 0/22 beside the reports in: the demo's districts have sent some or all their
    centres' reports, and one year has districts complete and districts partly in."""
    standing = _standing_from_models(2024)
    statuses = {row["status"] for row in standing.values()}
    assert "partial" in statuses and statuses & {"approved", "on_time", "late"}
    assert sum(row["sent"] for row in _standing_from_models(2025).values()) > 100


@pytest.mark.parametrize("year", YEARS)
def test_each_districts_standing_is_the_models_on_the_api_page_and_export(
    as_user, year, django_assert_max_num_queries
):
    expected = _standing_from_models(year)
    client = as_user("chuyenvien")
    with django_assert_max_num_queries(25):
        api = client.get("/api/v1/timeliness/", {"year": year}).json()
    column = _clc_column(api)
    by_code = {unit["unit"]: unit for unit in column["units"]}
    assert set(by_code) == set(expected)
    for code, row in expected.items():
        unit = by_code[code]
        parts = unit["parts"]
        assert unit["status"] == row["status"], code
        assert (parts["due"], parts["sent"], parts["on_time"], parts["late"]) == (
            row["due"],
            row["sent"],
            row["on_time"],
            row["late"],
        ), code
        if row["overdue"] is not None:
            assert unit["days_late"] == row["overdue"]

    # The column's tallies: districts once each, and the centres added up.
    tally = column["tally"]
    assert tally["due"] == len(expected)
    assert tally["partial"] == sum(r["status"] == "partial" for r in expected.values())
    assert tally["missing"] == sum(r["status"] == "missing" for r in expected.values())
    assert tally["on_time"] == sum(r["complete_on_time"] for r in expected.values())
    assert tally["on_time_rate"] == _rate(tally["on_time"], tally["due"])
    assert column["parts"]["sent"] == sum(r["sent"] for r in expected.values())
    assert column["parts"]["due"] == sum(r["due"] for r in expected.values())

    # The export: each district's cell and the centres' counts.
    sheet = xlsx_rows(
        client.get("/deadlines/timeliness/", {"year": year, "format": "xlsx"}).content
    )
    headers = sheet[0]
    first = headers.index(next(h for h in headers if str(h).startswith("Báo cáo năm của TTHTCĐ")))
    rows = {row[0]: row for row in sheet[1:] if row[0]}
    for code, row in expected.items():
        line = rows[code]
        assert line[first + 2 : first + 6] == (row["due"], row["sent"], row["on_time"], row["late"])
        if row["status"] == "partial":
            assert line[first] == f"Nộp một phần ({row['sent']}/{row['due']})"

    # The page: each district's cell says how many of its centres' reports are in.
    text = page_text(client.get("/deadlines/timeliness/", {"year": year}))
    for row in expected.values():
        assert f"{row['sent']}/{row['due']} trung tâm" in text
    assert "Nộp một phần" in text and "mọi trung tâm đang hoạt động" in text  # the rule


@pytest.mark.parametrize("year", YEARS)
def test_on_time_rates_are_one_figure_on_the_page_export_and_api(as_user, year):
    client = as_user("chuyenvien")
    api = client.get("/api/v1/timeliness/", {"year": year}).json()
    city = api["city"]
    assert city["on_time_rate"] == _rate(city["on_time"], city["due"])
    sheet = xlsx_rows(
        client.get("/deadlines/timeliness/", {"year": year, "format": "xlsx"}).content
    )
    headers = sheet[0]
    last = sheet[-1]
    assert last[1] == "Thành phố"
    assert last[headers.index("Tỷ lệ đúng hạn (%)")] == city["on_time_rate"]
    rows = {row[0]: row for row in sheet[1:] if row[0]}
    for district in api["districts"]:
        line = rows[district["unit"]]
        assert line[headers.index("Tỷ lệ đúng hạn (%)")] == district["tally"]["on_time_rate"]
    text = page_text(client.get("/deadlines/timeliness/", {"year": year}))
    assert f"{_shown(city['on_time_rate'])}% {city['on_time']}/{city['due']} đúng hạn" in text

    # The centres' roll-up shows the learning-centre column's figures.
    column = _clc_column(api)
    rollup = page_text(client.get("/clc/stats/", {"year": year}))
    tally = column["tally"]
    assert f"{tally['on_time']}/{tally['due']} ({_shown(tally['on_time_rate'])}%)" in rollup
    parts = column["parts"]
    assert f"Trung tâm đang hoạt động: {parts['sent']}/{parts['due']} báo cáo đã gửi" in rollup


def test_a_district_officer_reads_their_own_standing_as_the_department_does(as_user):
    department = _clc_column(
        as_user("chuyenvien").get("/api/v1/timeliness/", {"year": 2024}).json()
    )
    mine = as_user("quan1").get("/api/v1/timeliness/", {"year": 2024}).json()
    column = _clc_column(mine)
    (unit,) = column["units"]
    assert unit["unit"] == "760"
    assert unit == next(u for u in department["units"] if u["unit"] == "760")
    text = page_text(as_user("quan1").get("/clc/stats/760/", {"year": 2024}))
    assert f"{unit['parts']['sent']}/{unit['parts']['due']} trung tâm" in text


def test_the_obligation_page_lists_each_districts_centres(as_user):
    obligation = Obligation.objects.get(kind=ObligationKind.CLC_REPORT, period__year=2025)
    expected = _standing_from_models(2025)
    text = page_text(as_user("chuyenvien").get(f"/deadlines/{obligation.pk}/"))
    sent = sum(r["sent"] for r in expected.values())
    due = sum(r["due"] for r in expected.values())
    assert f"{sent}/{due}" in text
    for row in expected.values():
        # District, status with in/due, (days overdue), then due, in, on time and late.
        cells = f"{row['due']} {row['sent']} {row['on_time']} {row['late']}"
        pattern = rf"{re.escape(row['name'])} \S+ \S+ (\S+ )?{row['sent']}/{row['due']} trung tâm "
        assert re.search(pattern + rf"[^|]*? {cells} ", text), row["name"]


def test_the_yearly_report_states_the_learning_centres_on_time_rate(
    as_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = as_user("chuyenvien")
    admin = get_user_model().objects.get(username="admin")
    sheets, text = yearly_report(admin, 2025, django_capture_on_commit_callbacks)
    for year in YEARS:
        column = _clc_column(client.get("/api/v1/timeliness/", {"year": year}).json())
        tally, parts = column["tally"], column["parts"]
        due = datetime.date.fromisoformat(column["obligation"]["due_date"])
        sentence = (
            f"Báo cáo năm {year}, hạn nộp {due:%d/%m/%Y}: {tally['on_time']}/{tally['due']} "
            f"quận, huyện có đủ báo cáo của mọi trung tâm đang hoạt động trước hoặc đúng hạn "
            f"(tỷ lệ đúng hạn {_shown(tally['on_time_rate'])}%), {tally['late']} nộp đủ sau hạn, "
            f"{tally['partial']} nộp một phần, {tally['missing']} chưa gửi; theo trung tâm, "
            f"{parts['sent']}/{parts['due']} báo cáo đã gửi, {parts['on_time']} đúng hạn và "
            f"{parts['late']} muộn."
        )
        if year == 2025 or f"Báo cáo năm {year}," in text:
            assert sentence in text
        for rows in sheets:
            for row in rows:
                if (
                    row
                    and row[0] == "Tỷ lệ đúng hạn báo cáo của trung tâm, tính theo quận, huyện (%)"
                ):
                    header = next(r for r in rows if r and r[0] == "Số liệu")
                    value = dict(zip(header, row, strict=False)).get(str(year))
                    if value is not None:
                        assert float(value) == tally["on_time_rate"]
