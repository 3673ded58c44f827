"""Journeys through the district programme pages, as officers and reviewers use them."""

import re

import pytest

from districts.models import AdministrativeUnit, InterimReview
from learningcity.choices import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .conftest import log_in, log_out

# Data migrations seed reference data (key tasks, the indicator framework); a transactional test
# empties every table, so the seeded rows are restored after each journey.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_enters_a_member_and_submits_a_review_the_department_returns_then_acknowledges(
    page, demo
):
    log_in(page, "quan3")
    page.goto(page.base_url + "/districts/770/")
    page.click("text=Thêm thành viên")
    page.fill("#id_full_name", "Ngô Thị Hạnh")
    page.fill("#id_position", "Phó Trưởng phòng")
    page.fill("#id_organisation", "Phòng Giáo dục và Đào tạo")
    page.select_option("#id_role", "member")
    page.click("main button[type=submit]:has-text('Lưu')")
    page.wait_for_url(page.base_url + "/districts/770/")
    assert page.locator("text=Đã thêm thành viên.").is_visible()
    assert page.locator("td:has-text('Ngô Thị Hạnh')").is_visible()

    page.goto(page.base_url + "/districts/770/?period=2025-Q3")
    page.click("text=Lập báo cáo sơ kết")
    page.fill("#id_held_on", "2025-09-20")
    page.fill("#id_achievements", "Tổ chức 12 lớp kỹ năng số cho người dân.")
    page.fill("#id_difficulties", "Thiếu máy tính tại 3 trung tâm học tập cộng đồng.")
    page.fill("#id_proposals", "Đề nghị hỗ trợ thiết bị.")
    page.click("main button[type=submit]:has-text('Lưu')")
    page.click("button:has-text('Gửi Sở')")
    assert page.locator(".badge:has-text('Đã gửi')").first.is_visible()
    log_out(page)

    log_in(page, "chuyenvien")
    page.goto(page.base_url + "/districts/review-board/?period=2025-Q3")
    page.click("tr:has-text('Quận 3') a:has-text('Đã gửi')")
    page.fill("#id_comment", "Đề nghị nêu rõ số người tham gia.")
    page.click("button:has-text('Trả lại đơn vị')")
    assert page.locator("text=Đã trả lại báo cáo sơ kết cho đơn vị.").is_visible()
    log_out(page)

    log_in(page, "quan3")
    page.goto(page.base_url + "/districts/770/?period=2025-Q3")
    assert page.locator("text=Đề nghị nêu rõ số người tham gia.").is_visible()
    page.click("text=Sửa báo cáo")
    page.fill("#id_achievements", "Tổ chức 12 lớp kỹ năng số cho 480 người dân.")
    page.click("main button[type=submit]:has-text('Lưu')")
    page.click("button:has-text('Gửi Sở')")
    log_out(page)

    log_in(page, "chuyenvien")
    review = InterimReview.objects.get(district__code="770", period__code="2025-Q3")
    page.goto(page.base_url + f"/districts/reviews/{review.pk}/")
    page.click("button:has-text('Tiếp nhận')")
    assert page.locator(".badge:has-text('Đã tiếp nhận')").first.is_visible()
    review.refresh_from_db()
    assert review.status == "acknowledged" and "480" in review.achievements


def test_language_switch_to_english_and_back(page, demo):
    log_in(page, "chuyenvien")
    page.click("header button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1:has-text('Programme overview')").is_visible()
    page.goto(page.base_url + "/districts/review-board/")
    assert page.locator("h1:has-text('Review board')").is_visible()
    page.click("header button[value=vi]")
    page.wait_for_load_state()
    assert page.locator("h1:has-text('Bảng theo dõi')").is_visible()


def test_review_board_export_downloads_an_excel_file(page, demo):
    log_in(page, "chuyenvien")
    page.goto(page.base_url + "/districts/review-board/?period=2025-H1")
    assert re.search(r"16/22", page.locator(".stat-value").first.inner_text())
    with page.expect_download() as download:
        page.click("text=Xuất Excel")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_two_officers_writing_the_first_review_at_once_lose_nothing(browser, page, demo):
    """Both open the empty review form; the first save wins, the second is told so next to a
    form that still holds what was typed, and the first officer's text is not overwritten."""
    UserFactory(
        username="quan3_b",
        role=Role.DISTRICT_OFFICER,
        unit=AdministrativeUnit.objects.get(level="district", code="770"),
    )
    other_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    other = other_context.new_page()
    other.set_default_timeout(15_000)
    other.base_url = page.base_url
    try:
        form_url = page.base_url + "/districts/770/?period=2025-Q3"
        for officer, username, password in (
            (page, "quan3", "HocTap@2024"),
            (other, "quan3_b", DEFAULT_PASSWORD),
        ):
            log_in(officer, username, password)
            officer.goto(form_url)
            officer.click("text=Lập báo cáo sơ kết")
            officer.fill("#id_held_on", "2025-09-20")
            officer.fill("#id_difficulties", "Thiếu máy tính.")
            officer.fill("#id_proposals", "Đề nghị hỗ trợ thiết bị.")

        page.fill("#id_achievements", "Tổ chức 12 lớp kỹ năng số cho người dân.")
        page.click("main button[type=submit]:has-text('Lưu')")
        assert page.locator("button:has-text('Gửi Sở')").is_visible()

        other.fill("#id_achievements", "Mở 3 lớp tiếng Anh cộng đồng.")
        other.click("main button[type=submit]:has-text('Lưu')")
        assert other.locator("text=Người khác đã tạo").first.is_visible()
        assert other.input_value("#id_achievements") == "Mở 3 lớp tiếng Anh cộng đồng."
    finally:
        other_context.close()

    review = InterimReview.objects.get(district__code="770", period__code="2025-Q3")
    assert review.achievements == "Tổ chức 12 lớp kỹ năng số cho người dân."
