"""The deadline pages: list, generate, detail with exceptions, edit, timeliness and its export."""

import datetime
import io

import openpyxl
import time_machine

from learningcity.deadlines.models import DeadlineException, Obligation

from .conftest import at, submit_review


def test_administrator_generates_a_year_from_the_list(client, admin_user, hcmc):
    client.force_login(admin_user)
    page = client.get("/deadlines/")
    assert page.status_code == 200
    assert "Tạo các nghĩa vụ của một năm" in page.content.decode()
    response = client.post(
        "/deadlines/generate/",
        {
            "generate-year": 2025,
            "generate-lock_after_days": 30,
            "generate-kinds": ["interim_review", "clc_report"],
        },
        follow=True,
    )
    assert Obligation.objects.count() == 3
    text = response.content.decode()
    assert "Sơ kết, 6 tháng đầu năm 2025" in text
    assert "05/07/2025" in text


def test_generate_shows_errors_and_writes_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/deadlines/generate/", {"generate-year": "năm nay"}, follow=True)
    assert response.status_code == 200
    assert not Obligation.objects.exists()
    assert "alert-danger" in response.content.decode()


def test_others_may_not_generate_or_edit(client, reviewer, officer_1, review_obligation):
    for user in (reviewer, officer_1):
        client.force_login(user)
        assert client.post("/deadlines/generate/", {"generate-year": 2026}).status_code == 403
        assert client.get(f"/deadlines/{review_obligation.pk}/edit/").status_code == 403
    assert Obligation.objects.count() == 2  # the fixture made H1 and H2


def test_edit_obligation_with_stale_version_is_refused(client, admin_user, review_obligation):
    client.force_login(admin_user)
    url = f"/deadlines/{review_obligation.pk}/edit/"
    ok = client.post(url, {"due_date": "2025-07-10", "lock_after_days": "5", "version": "1"})
    assert ok.status_code == 302
    stale = client.post(url, {"due_date": "2025-07-12", "lock_after_days": "5", "version": "1"})
    assert stale.status_code == 200
    assert "Người khác đã thay đổi" in stale.content.decode()
    review_obligation.refresh_from_db()
    assert review_obligation.due_date == datetime.date(2025, 7, 10)


def test_reviewer_grants_an_exception_from_the_obligation_page(
    client, reviewer, district_3, review_obligation
):
    client.force_login(reviewer)
    url = f"/deadlines/{review_obligation.pk}/"
    with time_machine.travel(at(datetime.date(2025, 7, 16)), tick=False):
        page = client.get(url)
        assert page.status_code == 200 and "Cho phép ngoại lệ" in page.content.decode()
        refused = client.post(url, {"unit": district_3.pk, "until": "2025-07-20", "reason": ""})
        assert refused.status_code == 200 and not DeadlineException.objects.exists()
        response = client.post(
            url, {"unit": district_3.pk, "until": "2025-07-20", "reason": "Nghỉ ốm"}, follow=True
        )
    assert DeadlineException.objects.get().unit == district_3
    assert "Nghỉ ốm" in response.content.decode()


def test_officer_sees_own_district_and_cannot_grant(client, officer_1, review_obligation):
    client.force_login(officer_1)
    page = client.get(f"/deadlines/{review_obligation.pk}/")
    text = page.content.decode()
    assert "Quận 1" in text and "Quận 3" not in text
    assert "Cho phép ngoại lệ" not in text
    assert client.post(f"/deadlines/{review_obligation.pk}/", {}).status_code == 403


def test_timeliness_page_and_export(
    client, admin_user, officer_1, district_1, review_obligation, half_2025
):
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 7)))
    client.force_login(admin_user)
    page = client.get("/deadlines/timeliness/", {"period": "2025-H1"})
    text = page.content.decode()
    assert "Nộp muộn" in text and "Chưa gửi" in text
    export = client.get("/deadlines/timeliness/", {"period": "2025-H1", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    quan_1 = next(row for row in rows if row[0] == "760")
    assert quan_1[2] == "Nộp muộn" and quan_1[3] == 2
    assert len(rows) == 1 + 22 + 1  # header, districts, city


def test_review_board_shows_timeliness(
    client, reviewer, officer_1, district_1, review_obligation, half_2025
):
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 1)))
    client.force_login(reviewer)
    text = client.get("/districts/review-board/", {"period": "2025-H1"}).content.decode()
    assert "Nộp đúng hạn" in text and "1/22" in text


def test_pages_without_obligations_show_empty_states(client, reviewer, hcmc):
    client.force_login(reviewer)
    assert "Chưa có nghĩa vụ" in client.get("/deadlines/").content.decode()
    assert client.get("/deadlines/timeliness/").status_code == 200
    assert client.get("/deadlines/timeliness/", {"period": "x\x00"}).status_code == 400
