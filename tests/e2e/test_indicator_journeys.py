"""Journeys through the UNESCO indicators: a district enters and submits its values, the
Department returns them with a comment on one value, the district corrects them, and the
Department approves them."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from indicators.choices import SubmissionStatus
from indicators.models import Submission

from .conftest import log_in, log_out
from .documents import pdf_upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What the demo leaves empty in District 1's 2025 draft, as an officer types it in Vietnamese
# (dots group thousands, a comma is the decimal point). Ratios take a numerator and denominator.
RATIOS = {
    "BB3.1": ("5.400", "9.000"),
    "BB3.2": ("8", "10"),  # wards: District 1 has 10
    "BB4.2": ("1.240", "2.000"),
    "BB4.3": ("61.500", "98.000"),
    "BB5.1": ("3.150", "4.500"),
}
NUMBERS = {
    "BB5.2": "72,5",
    "BB6.1": "25.000",
    "BB6.2": "40",
    "FC2.2": "30",
    "FC3.1": "1.500.000.000",
    "FC3.2": "900.000.000",
}
COMMENT = "Số lượt người tham gia giảm mạnh so với năm 2024, đề nghị kiểm tra lại."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files go to this test's own folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def field(code: str, part: str) -> str:
    """The id of an input of the values form: ("BB6.1", "value") -> "#id_BB6_1-value"."""
    return f"#id_{code.replace('.', '_')}-{part}"


def row(page, code: str):
    """One indicator's row (its id holds a dot, so no #id selector)."""
    return page.locator(f"[id='indicator-{code}']")


def test_district_enters_submits_is_returned_corrects_and_is_approved(page, demo):
    submission = Submission.objects.get(district__code="760", period__code="2025")
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.values.filter(indicator__code="BB6.1", value__isnull=True).exists()

    # The officer finds the district's draft from the indicators dashboard.
    log_in(page, "quan1")
    page.goto(page.base_url + "/indicators/?period=2025")
    page.click("a[href$='/indicators/districts/760/2025/']")
    page.wait_for_url("**/indicators/districts/760/2025/")
    expect(page.locator("h1 + .badge:has-text('Bản nháp')")).to_be_visible()

    # Submitting with values missing is refused and says which ones.
    page.click("button[name=action][value=submit]")
    warning = page.locator(".alert:has-text('nhưng chưa gửi')")
    expect(warning).to_be_visible()
    assert "BB6.1" in warning.inner_text()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT

    for code, (numerator, denominator) in RATIOS.items():
        page.fill(field(code, "numerator"), numerator)
        page.fill(field(code, "denominator"), denominator)
    for code, number in NUMBERS.items():
        page.fill(field(code, "value"), number)
    page.fill(field("FC3.1", "note"), "Dự toán ngân sách năm 2025 của UBND Quận 1.")
    page.set_input_files(
        field("FC3.1", "evidence"), files=[pdf_upload("du-toan-2025.pdf", "Du toan 2025")]
    )
    page.click("button[name=action][value=save]")
    expect(page.locator(".alert:has-text('Đã lưu bản nháp số liệu.')")).to_be_visible()
    # The saved values come back in Vietnamese notation.
    assert page.input_value(field("BB6.1", "value")) == "25.000"
    assert page.input_value(field("BB5.2", "value")) == "72,5"
    expect(row(page, "FC3.1").locator("a:has-text('tệp hiện tại')")).to_be_visible()

    values = {v.indicator.code: v for v in submission.values.select_related("indicator")}
    assert values["BB5.2"].value == Decimal("72.5")
    assert values["BB6.1"].value == 25_000
    assert values["FC3.1"].value == 1_500_000_000
    assert values["BB4.2"].numerator == 1_240 and values["BB4.2"].value == Decimal("62")
    assert values["FC3.1"].evidence.name.endswith(".pdf")

    page.click("button[name=action][value=submit]")
    expect(page.locator(".alert:has-text('Đã gửi số liệu lên Sở.')")).to_be_visible()
    expect(page.locator("h1 + .badge:has-text('Đã gửi')")).to_be_visible()
    expect(page.locator("button[name=action]")).to_have_count(0)  # read-only now
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    log_out(page)

    # The Department finds it among the submitted values and returns it with a comment on BB6.1.
    log_in(page, "chuyenvien")
    page.goto(page.base_url + "/indicators/submissions/?period=2025&status=submitted")
    page.get_by_role("link", name="Quận 1", exact=True).click()
    page.wait_for_url(f"**/indicators/submissions/{submission.pk}/")
    expect(row(page, "FC3.1").locator("a:has-text('minh chứng')")).to_be_visible()
    page.fill(field("BB6.1", "comment"), COMMENT)
    page.click("button[name=decision][value=return]")
    expect(page.locator(".alert:has-text('Đã trả lại số liệu cho đơn vị.')")).to_be_visible()
    expect(page.locator("h1 + .badge:has-text('Bị trả lại')")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert submission.values.get(indicator__code="BB6.1").review_comment == COMMENT
    log_out(page)

    # The district sees the comment beside the value, corrects it and submits again.
    log_in(page, "quan1")
    page.goto(page.base_url + "/indicators/districts/760/2025/")
    expect(page.locator(".alert:has-text('Bị Sở trả lại.')")).to_be_visible()
    comment = row(page, "BB6.1").locator(".alert:has-text('Ý kiến của Sở')")
    assert COMMENT in comment.inner_text()
    page.fill(field("BB6.1", "value"), "41.250")
    page.click("button[name=action][value=submit]")
    expect(page.locator(".alert:has-text('Đã gửi số liệu lên Sở.')")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    log_out(page)

    # The Department sees its earlier comment beside the corrected value and approves.
    log_in(page, "chuyenvien")
    page.goto(page.base_url + f"/indicators/submissions/{submission.pk}/")
    assert "41.250" in row(page, "BB6.1").inner_text()
    assert COMMENT in row(page, "BB6.1").locator("text=Ý kiến trước đó").inner_text()
    page.fill("#id_comment", "Số liệu đã được rà soát.")
    page.click("button[name=decision][value=approve]")
    expect(page.locator(".alert:has-text('Đã phê duyệt số liệu.')")).to_be_visible()
    expect(page.locator("h1 + .badge:has-text('Đã phê duyệt')")).to_be_visible()
    expect(page.locator("button[name=decision]")).to_have_count(0)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    assert submission.review_comment == "Số liệu đã được rà soát."
    assert submission.values.get(indicator__code="BB6.1").value == 41_250
    assert not submission.values.exclude(review_comment="").exists()
    assert not submission.values.filter(value__isnull=True, indicator__computed="").exists()
    history = list(submission.history.order_by("history_date").values_list("status", flat=True))
    assert [s for i, s in enumerate(history) if i == 0 or history[i - 1] != s][-4:] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]

    # The officer sees the values approved, and the corrected value among the city's figures.
    log_out(page)
    log_in(page, "quan1")
    page.goto(page.base_url + "/indicators/?period=2025")
    expect(page.locator(".card.border-primary .badge:has-text('Đã phê duyệt')")).to_be_visible()
    page.goto(page.base_url + "/indicators/BB6.1/?period=2025")
    expect(page.locator("tbody tr:has(td:text-is('Quận 1'))")).to_contain_text("41.250")
