"""Journeys through deadlines: the administrator generates a year, a district is reminded
through the bell, a closed period refuses entry until the Department grants an exception."""

import datetime

import pytest
from django.utils import timezone

from districts.models import InterimReview
from learningcity.deadlines import services
from learningcity.deadlines.models import DeadlineException, Obligation

from .conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_administrator_generates_the_next_year_and_sees_timeliness(page, demo):
    # The demo runs to the current year; the administrator prepares the next one.
    year = timezone.localdate().year + 1
    log_in(page, "admin")
    page.goto(page.base_url + "/deadlines/")
    page.fill("#id_generate-year", str(year))
    page.fill("#id_generate-lock_after_days", "15")
    page.click("main button[type=submit]:has-text('Tạo')")
    assert page.locator(f"text=Đã tạo 4 nghĩa vụ báo cáo cho năm {year}").is_visible()
    assert page.locator(f"a:has-text('Sơ kết, 6 tháng đầu năm {year}')").is_visible()
    assert Obligation.objects.filter(period__year=year, lock_after_days=15).count() == 4

    page.goto(page.base_url + "/deadlines/timeliness/?period=2025-H1")
    assert page.locator("tfoot:has-text('đúng hạn')").is_visible()
    assert page.locator(".badge:has-text('Nộp muộn')").first.is_visible()
    page.goto(page.base_url + "/districts/review-board/?period=2025-H1")
    assert page.locator("th:has-text('Tính đúng hạn')").is_visible()


def test_officer_is_reminded_is_locked_out_and_let_in_by_an_exception(page, demo):
    second_half = Obligation.objects.get(kind="interim_review", period__code="2025-H2")
    # Quận 3 has not yet sent its review of the second half (the demo's has come in).
    InterimReview.objects.filter(district__code="770", period=second_half.period).delete()
    # The job as beat runs it three days before the due date (5 January 2026).
    services.reminders_send(today=datetime.date(2026, 1, 2))

    log_in(page, "quan3")
    assert page.locator(".notice-bell .notice-count").is_visible()
    page.click(".notice-bell")
    page.click("text=Sơ kết, 6 tháng cuối năm 2025")
    page.wait_for_url(f"{page.base_url}/deadlines/{second_half.pk}/")
    assert page.locator("td:has-text('Quận 3')").is_visible()

    # Entry closed on 4 February 2026 (30 days after the due date): refused.
    page.goto(page.base_url + "/districts/770/review/2025-H2/")
    page.fill("#id_held_on", "2025-12-28")
    page.fill("#id_achievements", "Tổ chức Tuần lễ học tập suốt đời.")
    page.fill("#id_difficulties", "Thiếu kinh phí.")
    page.fill("#id_proposals", "Bổ sung kinh phí.")
    page.click("main button[type=submit]:has-text('Lưu')")
    assert page.locator(".alert-danger:has-text('04/02/2026')").is_visible()
    log_out(page)

    log_in(page, "chuyenvien")
    page.goto(f"{page.base_url}/deadlines/{second_half.pk}/")
    page.select_option("#id_unit", label="Quận 3")
    until = datetime.date.today() + datetime.timedelta(days=7)
    page.fill("#id_until", until.isoformat())
    page.fill("#id_reason", "Cán bộ phụ trách nghỉ ốm dài ngày.")
    page.click("button:has-text('Cho phép')")
    assert page.locator("text=Đã cho phép ngoại lệ.").is_visible()
    assert DeadlineException.objects.get().unit.code == "770"
    log_out(page)

    log_in(page, "quan3")
    page.goto(page.base_url + "/districts/770/review/2025-H2/")
    page.fill("#id_held_on", "2025-12-28")
    page.fill("#id_achievements", "Tổ chức Tuần lễ học tập suốt đời.")
    page.fill("#id_difficulties", "Thiếu kinh phí.")
    page.fill("#id_proposals", "Bổ sung kinh phí.")
    page.click("main button[type=submit]:has-text('Lưu')")
    assert page.locator(".alert-danger").count() == 0
