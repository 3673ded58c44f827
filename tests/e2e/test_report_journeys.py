"""Journeys through the periodic reports: the Department requests the city's 2024 yearly report,
watches it compile and downloads the workbook and the document; a district officer compiles
their own district's report. The files' figures are checked against the database."""

import re
from pathlib import Path

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from awards.choices import RECEIVED_STATUSES, DossierStatus
from awards.models import Dossier
from learningcity.reports.choices import ReportStatus
from learningcity.reports.models import Report

from .conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Compiled reports go to this test's own folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def award_counts(district_code: str | None = None) -> tuple[int, int]:
    """Dossiers of the 2024 round the Department received, and those awarded."""
    dossiers = Dossier.objects.filter(round__year=2024)
    if district_code:
        dossiers = dossiers.filter(district__code=district_code)
    return (
        dossiers.filter(status__in=RECEIVED_STATUSES).count(),
        dossiers.filter(status=DossierStatus.AWARDED).count(),
    )


def request_yearly_report(page, year: str) -> None:
    """From the archive, ask for the yearly report of ``year`` and wait for its page."""
    page.goto(page.base_url + "/reports/")
    page.click("a[href$='/reports/request/']")
    page.wait_for_url("**/reports/request/")
    # The form opens on the yearly report, with the years to choose from.
    assert page.locator("#id_kind").input_value() == "yearly"
    # Choosing a kind reloads the periods (htmx): wait for them before choosing one.
    with page.expect_response("**/reports/request/periods/?kind=yearly"):
        page.select_option("#id_kind", "yearly")
    page.select_option("#id_period", label=f"Năm {year}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    expect(page.locator(".alert:has-text('Báo cáo đã được đưa vào hàng đợi')")).to_be_visible()


def wait_until_done(page) -> None:
    """The compile runs eagerly in the request here; with a worker, htmx polls every 2 s."""
    page.locator("#report-progress .status-badge:has-text('Hoàn thành')").wait_for(timeout=60_000)
    assert page.locator("#report-progress .progress-bar").inner_text() == "100%"


def download(page, tmp_path, label: str) -> tuple[str, Path]:
    with page.expect_download() as info:
        page.click(f"#report-progress a:has-text('{label}')")
    target = Path(tmp_path) / info.value.suggested_filename
    info.value.save_as(target)
    return info.value.suggested_filename, target


def summary_figures(workbook) -> dict[str, object]:
    """The summary sheet as {figure label: value}."""
    sheet = workbook.worksheets[0]
    return {row[1]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}


def test_department_compiles_the_city_yearly_report_and_downloads_both_files(page, demo, tmp_path):
    received, awarded = award_counts()
    assert (received, awarded) == (103, 65)  # the 2024 round as the city reported it

    log_in(page, "chuyenvien")
    request_yearly_report(page, "2024")
    expect(page.locator("h1:has-text('Báo cáo năm')")).to_be_visible()
    assert "Toàn thành phố" in page.locator("main p.text-secondary").first.inner_text()
    wait_until_done(page)

    report = Report.objects.get(kind="yearly", period__code="2024", district=None)
    assert report.status == ReportStatus.DONE
    assert report.requested_by.username == "chuyenvien"
    assert report.xlsx and report.docx

    name, xlsx_path = download(page, tmp_path, "Tải về XLSX")
    assert name == "bao-cao-nam-2024.xlsx"
    workbook = openpyxl.load_workbook(xlsx_path, read_only=True)
    figures = summary_figures(workbook)
    assert figures["Đợt xét khen thưởng năm 2024: hồ sơ đã tiếp nhận"] == received
    assert figures["Đợt xét khen thưởng năm 2024: hồ sơ được khen thưởng"] == awarded
    by_kind = next(ws for ws in workbook.worksheets if ws.title.startswith("IV.1."))
    rows = list(by_kind.iter_rows(values_only=True))
    assert rows[-1] == ("Tổng số", received, awarded)
    workbook.close()

    name, docx_path = download(page, tmp_path, "Tải về DOCX")
    assert name == "bao-cao-nam-2024.docx"
    document = docx.Document(str(docx_path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Năm 2024" in text
    assert f"Sở đã tiếp nhận {received} hồ sơ" in text
    assert f"{awarded} hồ sơ được khen thưởng" in text
    totals = [
        [cell.text for cell in row.cells]
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "Tổng số"
    ]
    assert [str(received), str(awarded)] in [row[1:3] for row in totals]

    # The archive lists it, done, with both files.
    page.goto(page.base_url + "/reports/?year=2024&kind=yearly")
    archive_row = page.locator("tbody tr:has-text('Toàn thành phố')")
    expect(archive_row.locator(".status-badge:has-text('Hoàn thành')")).to_be_visible()
    expect(archive_row.locator(f"a[href$='/reports/{report.pk}/xlsx/']")).to_be_visible()
    expect(archive_row.locator(f"a[href$='/reports/{report.pk}/docx/']")).to_be_visible()


def test_district_officer_compiles_their_own_district_report(page, demo, tmp_path):
    received, awarded = award_counts("760")
    assert received > 0

    log_in(page, "quan1")
    page.goto(page.base_url + "/reports/request/")
    # An officer's report is their district's: the form says so and does not ask.
    expect(page.locator("main form:has-text('Báo cáo của Quận 1 gửi Sở.')")).to_be_visible()
    expect(page.locator("#id_district")).to_have_count(0)
    request_yearly_report(page, "2024")
    assert "Quận 1" in page.locator("main p.text-secondary").first.inner_text()
    wait_until_done(page)

    report = Report.objects.get(kind="yearly", period__code="2024")
    assert report.district.code == "760"
    assert report.status == ReportStatus.DONE

    name, xlsx_path = download(page, tmp_path, "Tải về XLSX")
    assert name == "bao-cao-nam-2024-760.xlsx"
    workbook = openpyxl.load_workbook(xlsx_path, read_only=True)
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert ("Báo cáo", "Quận, huyện", "Quận 1") in summary
    awards_sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("IV."))
    rows = list(awards_sheet.iter_rows(values_only=True))
    assert rows[1:] == [("Quận 1", received, awarded)]  # only the officer's own district
    workbook.close()

    name, docx_path = download(page, tmp_path, "Tải về DOCX")
    assert name == "bao-cao-nam-2024-760.docx"
    text = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert f"Quận 1 gửi {received} hồ sơ; {awarded} hồ sơ được khen thưởng." in text

    # The officer's archive holds their district's reports only.
    page.goto(page.base_url + "/reports/")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert "Quận 1" in page.locator("tbody tr").inner_text()
    log_out(page)

    # The Department sees the district's report beside its own.
    log_in(page, "chuyenvien")
    page.goto(page.base_url + "/reports/?district=760")
    expect(page.locator(f"tbody a[href$='/reports/{report.pk}/']")).to_be_visible()
