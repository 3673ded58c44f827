"""The issue's acceptance path, through the API, with e-mail on a real loopback SMTP server:
the administrator generates 2025's obligations; a district officer is reminded 7 days ahead
(bell and e-mail), sees the return with the reviewer's comment and then the approval; after the
lock the officer is refused until the Department grants an exception."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.factories import UserFactory

from .conftest import at

API = "/api/v1"
REVIEW = {
    "held_on": "2025-06-30",
    "achievements": "Đã tổ chức Tuần lễ học tập suốt đời.",
    "difficulties": "Thiếu kinh phí.",
    "proposals": "Bổ sung kinh phí.",
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def officer(district_1):
    return UserFactory(
        role="district_officer", unit=district_1, email="binh@pgd-q1.example.vn", language="vi"
    )


def test_obligations_reminders_return_approval_lock_and_exception(
    smtp,
    committed,
    admin_user,
    reviewer,
    officer,
    district_1,
):
    reviewer.email = "ha@sgd.example.vn"
    reviewer.save()
    generated = api(admin_user).post(
        f"{API}/obligations/generate/", {"year": 2025, "lock_after_days": 10}, format="json"
    )
    assert generated.status_code == 201
    h1 = next(o for o in generated.json() if o["period"] == "2025-H1")
    assert (h1["due_date"], h1["closes_on"]) == ("2025-07-05", "2025-07-15")

    # 7 days ahead: the bell and an e-mail.
    with committed():
        from learningcity.deadlines.tasks import send_deadline_reminders

        with time_machine.travel(at(datetime.date(2025, 6, 28), hour=7), tick=False):
            send_deadline_reminders.delay()
    bell = api(officer).get(f"{API}/notifications/", {"unread": "true"}).json()
    [reminder] = [n for n in bell["results"] if n["kind"] == "deadline"]
    assert "05/07/2025" in reminder["body"]
    [mail] = [m for m in smtp.messages if m["To"] == "binh@pgd-q1.example.vn"]
    assert "Sơ kết, 6 tháng đầu năm 2025" in mail["Subject"]
    assert f"/deadlines/{h1['id']}/" in mail.get_body(("plain",)).get_content()

    # The officer writes and submits; the reviewer returns it with a comment, then approves.
    reviews = f"{API}/interim-reviews/"
    with time_machine.travel(at(datetime.date(2025, 7, 3)), tick=False), committed():
        created = api(officer).post(
            reviews, {**REVIEW, "district": "760", "period": "2025-H1"}, format="json"
        )
        assert created.status_code == 201
        review = api(officer).post(f"{reviews}{created.json()['id']}/submit/").json()
    assert review["first_submitted_at"].startswith("2025-07-03")
    with time_machine.travel(at(datetime.date(2025, 7, 4)), tick=False), committed():
        returned = api(reviewer).post(
            f"{API}/interim-reviews/{review['id']}/return/",
            {"comment": "Bổ sung số liệu lớp học."},
            format="json",
        )
    assert returned.status_code == 200
    with time_machine.travel(at(datetime.date(2025, 7, 6)), tick=False), committed():
        assert api(officer).post(f"{reviews}{review['id']}/submit/").status_code == 200
        approved = api(reviewer).post(f"{API}/interim-reviews/{review['id']}/acknowledge/")
    assert approved.status_code == 200
    kinds = [m["Subject"] for m in smtp.messages if m["To"] == "binh@pgd-q1.example.vn"]
    assert len(kinds) == 3  # reminder, returned, approved
    returned_mail = next(
        m
        for m in smtp.messages
        if "Bổ sung số liệu lớp học." in m.get_body(("plain",)).get_content()
    )
    assert returned_mail["To"] == "binh@pgd-q1.example.vn"

    # Timeliness: submitted before the due date (the resubmission after it does not count).
    timeliness = api(reviewer).get(f"{API}/timeliness/", {"period": "2025-H1"}).json()
    quan_1 = next(u for u in timeliness["obligations"][0]["units"] if u["unit"] == "760")
    assert (quan_1["status"], quan_1["days_late"]) == ("approved", 0)

    # After the lock, the second half's review is refused until an exception is granted.
    second_half = {**REVIEW, "held_on": "2025-12-30", "district": "760", "period": "2025-H2"}
    with time_machine.travel(at(datetime.date(2026, 1, 16)), tick=False):
        refused = api(officer).post(reviews, second_half, format="json")
        assert refused.status_code == 400
        assert "15/01/2026" in str(refused.json())
        h2 = next(o for o in generated.json() if o["period"] == "2025-H2")
        granted = api(reviewer).post(
            f"{API}/obligations/{h2['id']}/exceptions/",
            {"unit": "760", "until": "2026-01-20", "reason": "Cán bộ nghỉ ốm."},
            format="json",
        )
        assert granted.status_code == 201
        assert api(officer).post(reviews, second_half, format="json").status_code == 201
