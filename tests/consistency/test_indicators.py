"""The UNESCO indicators on the demo: each computed indicator's city value is its register's,
counted here straight from the models, and the same figure is on the dashboard, in the API, in
the dashboard's XLSX export and in the compiled yearly report (XLSX rows and DOCX text). Entered
indicators say how many of the districts due their city value covers."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from awards.choices import RECEIVED_STATUSES, DossierStatus
from awards.models import Dossier
from clc.choices import ActivityReportStatus
from clc.models import ActivityReport, Centre
from districts.models import (
    AdministrativeUnit,
    ImplementationPlan,
    InterimReview,
    SteeringCommittee,
)
from indicators.choices import SubmissionStatus
from indicators.models import Submission

from .conftest import page_text, xlsx_rows, yearly_report

YEARS = (2024, 2025)
API = "/api/v1/indicator-status/"
DISTRICTS = 22


def _portal_districts() -> list[int]:
    return list(AdministrativeUnit.objects.filter(level="district").values_list("pk", flat=True))


def _percent(part, whole) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def registers(year: int) -> dict[str, Decimal]:
    """Each computed indicator's city value for ``year``, counted from the models: the
    registers as they stood at the end of the year (today, for a year not over)."""
    end = min(datetime.date(year, 12, 31), timezone.localdate())
    districts = _portal_districts()
    assert len(districts) == DISTRICTS

    def share_of_districts(queryset) -> Decimal:
        yes = queryset.filter(district__in=districts).values("district").distinct().count()
        return _percent(yes, len(districts))

    centres = Centre.objects.filter(ward__parent__in=districts).filter(
        Q(decision_date__isnull=True) | Q(decision_date__lte=end)
    )
    accepted = ActivityReport.objects.filter(
        centre__in=centres, year=year, status=ActivityReportStatus.ACCEPTED
    )
    dossiers = Dossier.objects.filter(
        round__year=year, district__in=districts, status__in=RECEIVED_STATUSES
    )
    return {
        "FC1.1": share_of_districts(SteeringCommittee.objects.filter(issued_on__lte=end)),
        "FC1.2": share_of_districts(ImplementationPlan.objects.filter(issued_on__lte=end)),
        "FC2.1": share_of_districts(
            # Sent to the Department (awaiting, acknowledged or returned) for either half.
            InterimReview.objects.filter(
                period__year=year,
                period__kind="half_year",
                status__in=["submitted", "acknowledged", "returned"],
            )
        ),
        "BB2.4": Decimal(centres.count()),
        "BB2.5": Decimal(
            centres.filter(model_year__lte=end.year, model_valid_until__gte=end).count()
        ),
        "BB2.6": _percent(accepted.count(), centres.count()),
        "BB4.1": _percent(accepted.filter(uses_it=True).count(), centres.count()),
        "BB6.3": Decimal(dossiers.count()),
        "BB6.4": Decimal(dossiers.filter(status=DossierStatus.AWARDED).count()),
    }


def shown(value: Decimal) -> Decimal:
    """A figure as pages, exports and reports round it: to one decimal."""
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def as_text(value: Decimal, percent: bool, *, page: bool = False) -> str:
    """A figure as the Vietnamese pages write it: 72,7% · 1.234 · 273. A page keeps the
    decimal of a value that is not whole (52,0% for 52.0147); a report drops it (52)."""
    rounded = shown(value)
    whole, _dot, decimals = f"{rounded:,.1f}".partition(".")
    keep = page and value != value.to_integral_value()
    text = whole.replace(",", ".") + ("" if decimals == "0" and not keep else f",{decimals}")
    return f"{text}%" if percent else text


PERCENT = {"FC1.1", "FC1.2", "FC2.1", "BB2.6", "BB4.1"}


def rows_of(sheets, code: str) -> tuple:
    """The report workbook's row of ``code`` in the city values."""
    return next(row for sheet in sheets for row in sheet if row and row[0] == code)


def row_of(html: str, code: str) -> str:
    """The visible text of the dashboard's row of ``code``."""
    row = html[html.index(f">{code}</a>") :].split("</tr>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


@pytest.fixture(scope="module")
def expected(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return {year: registers(year) for year in YEARS}


def test_the_registers_are_the_ones_the_demo_describes(expected):
    """Counted from the models, the registers say what the review board, the centres' registry
    and the awards say of the demo (not the sums of the approved submissions)."""
    assert expected[2025]["FC1.1"] == _percent(16, 22)  # 16 of 22 districts with a committee
    for year in YEARS:
        assert expected[year]["BB2.4"] == 273  # the registry's centres
        assert expected[year]["BB2.5"] == 22
    assert (expected[2024]["BB6.3"], expected[2024]["BB6.4"]) == (103, 65)
    assert shown(expected[2025]["BB4.1"]) == Decimal("37.0")  # as on /clc/stats/


@pytest.mark.parametrize("year", YEARS)
def test_computed_indicators_show_their_registers_everywhere(year, expected, as_user, db):
    client = as_user("chuyenvien")
    html = client.get(f"/indicators/?period={year}").content.decode()
    api = as_user("api").get(API, {"period": str(year)}).json()
    by_code = {row["code"]: row for row in api["indicators"]}
    export = as_user("chuyenvien").get("/indicators/", {"period": str(year), "format": "xlsx"})
    sheet = {row[2]: row for row in xlsx_rows(export.content)[1:]}

    for code, value in expected[year].items():
        # The dashboard: the value and its coverage (every district, computed).
        row = row_of(html, code)
        assert f" {as_text(value, code in PERCENT, page=True)} " in row, (code, row)
        assert "22/22 quận, huyện" in row and "tự động tính" in row, (code, row)
        # The API: the city value and its coverage.
        assert Decimal(str(by_code[code]["value"])) == value, code
        assert by_code[code]["computed"] is True
        assert by_code[code]["coverage"] == {"districts": 22, "due": 22, "computed": True}
        assert by_code[code]["trend"][-1]["value"] == by_code[code]["value"]
        # Every district has its register's value, whatever its submission.
        assert len(by_code[code]["districts"]) == DISTRICTS
        # The dashboard's export.
        assert Decimal(str(sheet[code][5])) == shown(value), code
        assert sheet[code][8] == "22/22 quận, huyện (tự động tính)"


@pytest.mark.parametrize("year", YEARS)
def test_entered_indicators_say_what_they_cover(year, as_user, db):
    approved = (
        Submission.objects.filter(period__year=year, period__kind="year")
        .filter(status=SubmissionStatus.APPROVED)
        .values("district")
        .distinct()
        .count()
    )
    assert 0 < approved < DISTRICTS  # the demo leaves some districts out
    coverage = f"{approved}/{DISTRICTS} quận, huyện"
    api = as_user("api").get(API, {"period": str(year)}).json()
    wb22 = {row["code"]: row for row in api["indicators"]}["WB2.2"]
    assert wb22["coverage"] == {"districts": approved, "due": DISTRICTS, "computed": False}
    # Below the Department's threshold (every district due, by default): not judged.
    assert wb22["status"] == "not_enough_data"
    html = as_user("chuyenvien").get(f"/indicators/?period={year}").content.decode()
    row = row_of(html, "WB2.2")
    assert coverage in row and "Chưa đủ số liệu" in row and "Đạt tiến độ" not in row
    detail = page_text(as_user("chuyenvien").get(f"/indicators/WB2.2/?period={year}"))
    assert f"Mức bao phủ: {coverage}" in detail
    compare = page_text(as_user("chuyenvien").get(f"/indicators/compare/?period={year}"))
    assert "Mức bao phủ" in compare and f" {approved}/{DISTRICTS} " in compare


def test_the_two_counts_of_districts_on_the_dashboard_say_what_they_count(as_user, db):
    text = page_text(as_user("chuyenvien").get("/indicators/?period=2025"))
    assert "Quận, huyện đã gửi" in text and "Đúng hạn" in text
    assert "“Quận, huyện đã gửi” đếm các quận, huyện có số liệu hiện đang ở Sở" in text


def test_the_yearly_report_tells_the_registers(
    expected, as_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    admin = get_user_model().objects.get(username="admin")
    sheets, text = yearly_report(admin, 2025, django_capture_on_commit_callbacks)
    rows = {row[0]: row for sheet in sheets for row in sheet if row and row[0] in expected[2025]}
    lines = {line.split(" | ")[0]: line for line in text.splitlines() if " | " in line}
    for code, value in expected[2025].items():
        assert rows[code][3] == shown(value) or float(rows[code][3]) == float(shown(value)), (
            code,
            rows[code],
        )
        assert "22/22 quận, huyện (tự động tính)" in rows[code]
        number = as_text(value, percent=False)
        assert f" | {number} | " in lines[code], (code, lines[code])
    # An entered indicator: the API's city value and its coverage, in both files.
    api = as_user("api").get(API, {"period": "2025"}).json()
    wb22 = {row["code"]: row for row in api["indicators"]}["WB2.2"]
    covered = f"{wb22['coverage']['districts']}/22 quận, huyện"
    assert rows_of(sheets, "WB2.2")[3] == int(wb22["value"])
    assert covered in rows_of(sheets, "WB2.2")
    number = as_text(Decimal(str(wb22["value"])), percent=False)
    assert re.search(rf"WB2\.2 \|.*\| {re.escape(number)} \|.*\| {covered}$", text, re.M)
