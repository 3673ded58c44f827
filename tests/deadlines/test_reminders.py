"""The reminder job: 7 and 1 day(s) ahead, overdue, the Department's digest; once each."""

import datetime

import pytest

from districts.models import AdministrativeUnit
from learningcity.deadlines import services
from learningcity.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import at, submit_review

DUE = datetime.date(2025, 7, 5)


def send(day: datetime.date) -> dict[str, int]:
    return services.reminders_send(today=day)


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("created_at"))


@pytest.fixture
def officers(officer_1, officer_3):
    return officer_1, officer_3


def test_seven_days_ahead_only_districts_still_missing_are_reminded(
    officers, district_1, review_obligation, half_2025
):
    officer_1, officer_3 = officers
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 6, 27)))
    assert send(datetime.date(2025, 6, 27))["deadline"] == 0  # 8 days ahead: too early
    assert send(datetime.date(2025, 6, 28))["deadline"] == 1
    assert notices(officer_1, "deadline") == []
    [notice] = notices(officer_3, "deadline")
    assert notice.url == f"/deadlines/{review_obligation.pk}/"
    assert "05/07/2025" in notice.body


def test_each_threshold_is_sent_once_even_when_the_job_runs_twice(officers, review_obligation):
    _officer_1, officer_3 = officers
    for day in (29, 30, 30):  # 6 days, 5 days ahead (twice)
        send(datetime.date(2025, 6, day))
    assert len(notices(officer_3, "deadline")) == 1
    for _ in range(2):
        send(datetime.date(2025, 7, 4))  # 1 day ahead
    assert len(notices(officer_3, "deadline")) == 2
    send(DUE)
    assert len(notices(officer_3, "deadline")) == 2


def test_a_late_first_run_sends_only_the_nearest_reminder(officers, review_obligation):
    _officer_1, officer_3 = officers
    send(DUE)  # the job did not run during the week before
    [notice] = notices(officer_3, "deadline")
    assert notice.key == f"deadline:{review_obligation.pk}:1"


def test_overdue_notices_once_and_a_daily_digest_for_the_department(
    officers, reviewer, admin_user, review_obligation
):
    _officer_1, officer_3 = officers
    first = send(datetime.date(2025, 7, 6))
    again = send(datetime.date(2025, 7, 6))
    next_day = send(datetime.date(2025, 7, 7))
    assert len(notices(officer_3, "overdue")) == 1
    assert (first["overdue"], again["overdue"], next_day["overdue"]) == (2, 0, 0)
    for user in (reviewer, admin_user):
        digests = notices(user, "digest")
        assert len(digests) == 2  # one a day
        assert "22" in digests[0].body  # all 22 districts are missing
    assert notices(officer_3, "digest") == []


def test_nothing_after_the_overdue_window(officers, review_obligation):
    late = DUE + datetime.timedelta(days=services.OVERDUE_WINDOW_DAYS + 1)
    assert send(late) == {"deadline": 0, "overdue": 0, "digest": 0}


def test_inactive_and_other_role_users_are_not_reminded(
    officers, district_1, reviewer, review_obligation
):
    gone = UserFactory(role="district_officer", unit=district_1, is_active=False)
    send(datetime.date(2025, 6, 30))
    assert notices(gone, "deadline") == [] and notices(reviewer, "deadline") == []


def test_reminders_use_the_same_queries_however_many_districts_are_missing(
    django_assert_max_num_queries, hcmc, review_obligation, half_2025
):
    def run(day):
        with django_assert_max_num_queries(100) as captured:
            send(day)
        return len(captured)

    units = list(AdministrativeUnit.objects.filter(level="district").order_by("code"))
    for unit in units[:2]:
        UserFactory(role="district_officer", unit=unit)
    few = run(datetime.date(2025, 6, 29))
    for unit in units[2:]:
        UserFactory(role="district_officer", unit=unit)
    many = run(datetime.date(2025, 7, 4))
    assert many == few
