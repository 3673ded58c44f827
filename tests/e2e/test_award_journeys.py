"""Journeys through the award dossiers: a district nominates someone with the achievement
report attached and sends the dossier; the Department returns it for supplement, the district
adds the council minutes and sends it back; the Department receives it, puts it before the
council and records the council's vote."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards.choices import AttachmentKind, DossierAction, DossierStatus
from awards.models import Dossier

from .conftest import log_in, log_out
from .documents import pdf_bytes, pdf_upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOMINEE = "Trần Thị Mỹ Dung"
RETURN_REASON = "Đề nghị bổ sung biên bản họp Hội đồng Thi đua - Khen thưởng của quận."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments go to this test's own folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def status_badge(page):
    return page.locator("main .status-badge").first


def test_district_nominates_department_returns_receives_and_council_recommends(
    page, demo, tmp_path
):
    # The officer starts a dossier from the list; the open round and the district are preset.
    log_in(page, "quan1")
    page.goto(page.base_url + "/awards/")
    page.click("a[href$='/awards/new/']")
    page.wait_for_url("**/awards/new/")
    assert page.locator("#id_district").input_value() == "760"
    assert page.locator("#id_nominating_unit").input_value() == "UBND Quận 1"
    page.select_option("#id_ward", label="Phường Bến Nghé (Quận 1)")
    page.select_option("#id_nominee_kind", "individual")
    page.fill("#id_nominee_name", NOMINEE)
    page.fill("#id_position", "Giáo viên")
    page.fill("#id_organisation", "Trường Tiểu học Trần Hưng Đạo")
    page.select_option("#id_field", label="Giáo dục")
    page.select_option(
        "#id_proposed_form", label="Bằng khen của Chủ tịch Ủy ban nhân dân Thành phố"
    )
    page.fill(
        "#id_summary",
        "Mười năm liền dạy lớp xóa mù chữ và kỹ năng số miễn phí cho 240 người dân phường "
        "Bến Nghé tại trung tâm học tập cộng đồng.",
    )
    page.fill("#id_address", "12 Lê Lợi, Phường Bến Nghé, Quận 1")
    page.fill("#id_phone", "0903 456 789")
    page.fill("#id_id_number", "079185001234")
    page.fill("#id_birth_date", "1985-04-12")
    # One file from disk, as a person picks it.
    report_file = Path(tmp_path) / "bao-cao-thanh-tich.pdf"
    report_file.write_bytes(pdf_bytes("Bao cao thanh tich Tran Thi My Dung"))
    page.set_input_files("#id_achievement_report", str(report_file))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/awards/\d+/$"))

    dossier = Dossier.objects.get(round__year=2025, district__code="760", nominee_name=NOMINEE)
    assert page.url.endswith(f"/awards/{dossier.pk}/")
    saved = page.locator(f".alert:has-text('Đã lưu bản nháp hồ sơ {dossier.code}.')")
    expect(saved).to_be_visible()
    expect(status_badge(page)).to_have_text("Bản nháp")
    files = page.locator("#files-heading").locator("xpath=../..")
    expect(files.locator("a:has-text('bao-cao-thanh-tich.pdf')")).to_be_visible()
    assert dossier.status == DossierStatus.DRAFT and dossier.ward.name == "Phường Bến Nghé"
    assert dossier.birth_date == datetime.date(1985, 4, 12)
    report = dossier.attachments.get()
    assert report.kind == AttachmentKind.ACHIEVEMENT_REPORT
    assert report.original_name == "bao-cao-thanh-tich.pdf"
    assert report.file.read().startswith(b"%PDF-1.4")
    report.file.close()

    page.click("button:has-text('Gửi Sở')")
    expect(page.locator(".alert:has-text('Đã gửi hồ sơ lên Sở.')")).to_be_visible()
    expect(status_badge(page)).to_have_text("Đã gửi")
    expect(page.locator("a[href$='/edit/']")).to_have_count(0)  # no longer editable
    log_out(page)

    # The Department finds it in its queue and returns it for supplement.
    log_in(page, "chuyenvien")
    page.goto(page.base_url + "/awards/review/?status=submitted")
    queue_row = page.locator(f"tr:has-text('{dossier.code}')")
    assert NOMINEE in queue_row.inner_text()
    queue_row.locator(f"a:has-text('{dossier.code}')").click()
    page.wait_for_url(f"**/awards/{dossier.pk}/")
    # The reviewer reads the attached report.
    with page.expect_download() as download:
        page.click("a:has-text('bao-cao-thanh-tich.pdf')")
    assert download.value.suggested_filename == "bao-cao-thanh-tich.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-1.4")

    page.click(f"a[href$='/awards/{dossier.pk}/return/']")
    page.fill("#id_reason", RETURN_REASON)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/awards/{dossier.pk}/")
    expect(page.locator(".alert:has-text('Đã trả lại hồ sơ cho quận, huyện.')")).to_be_visible()
    expect(status_badge(page)).to_have_text("Bị trả lại để bổ sung")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    log_out(page)

    # The district reads why, adds the council minutes and sends it back.
    log_in(page, "quan1")
    page.goto(page.base_url + f"/awards/{dossier.pk}/")
    assert RETURN_REASON in page.locator(".alert-warning").inner_text()
    page.click(f"a[href$='/awards/{dossier.pk}/edit/']")
    page.set_input_files(
        "#id_council_minutes", files=[pdf_upload("bien-ban-hoi-dong.pdf", "Bien ban hop")]
    )
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/awards/{dossier.pk}/")
    expect(page.locator(".alert:has-text('Đã lưu hồ sơ.')")).to_be_visible()
    expect(page.locator("a:has-text('bien-ban-hoi-dong.pdf')")).to_be_visible()
    page.click("button:has-text('Gửi lại kèm hồ sơ bổ sung')")
    expect(status_badge(page)).to_have_text("Đã gửi lại")
    log_out(page)

    # The Department receives it, puts it before the council, writes an opinion, records the vote.
    log_in(page, "chuyenvien")
    page.goto(page.base_url + f"/awards/{dossier.pk}/")
    page.click("button:has-text('Tiếp nhận: hồ sơ đầy đủ')")
    expect(page.locator(".alert:has-text('Đã tiếp nhận hồ sơ.')")).to_be_visible()
    expect(status_badge(page)).to_have_text("Đã tiếp nhận")
    page.click("button:has-text('Trình Hội đồng')")
    expect(status_badge(page)).to_have_text("Đang xét")
    page.fill("#id_text", "Thành tích tiêu biểu, có số liệu minh chứng rõ ràng.")
    page.click("button:has-text('Thêm ý kiến của tôi')")
    expect(page.locator("#opinions blockquote:has-text('Thành tích tiêu biểu')")).to_be_visible()
    page.click(f"a[href$='/awards/{dossier.pk}/vote/']")
    page.fill("#id_meeting_date", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_votes_for", "7")
    page.fill("#id_votes_against", "1")
    page.fill("#id_votes_abstain", "1")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/awards/{dossier.pk}/")
    expect(page.locator(".alert:has-text('hồ sơ ở trạng thái “Được đề nghị”')")).to_be_visible()
    expect(status_badge(page)).to_have_text("Được đề nghị")
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(7)
    assert RETURN_REASON in timeline.nth(2).inner_text()

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECOMMENDED
    assert dossier.code.startswith("KT-2025-")
    assert list(dossier.events.values_list("action", flat=True)) == [
        DossierAction.CREATE,
        DossierAction.SUBMIT,
        DossierAction.RETURN,
        DossierAction.RESUBMIT,
        DossierAction.RECEIVE,
        DossierAction.START_REVIEW,
        DossierAction.RECOMMEND,
    ]
    assert dossier.events.get(action=DossierAction.RETURN).actor.username == "chuyenvien"
    assert sorted(dossier.attachments.values_list("kind", flat=True)) == [
        AttachmentKind.ACHIEVEMENT_REPORT,
        AttachmentKind.COUNCIL_MINUTES,
    ]
    assert (dossier.vote.votes_for, dossier.vote.votes_against) == (7, 1)
    assert dossier.opinions.get().reviewer.username == "chuyenvien"
