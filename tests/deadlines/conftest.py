import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from districts import services as district_services
from learningcity.deadlines import services
from learningcity.deadlines.choices import ObligationKind
from learningcity.models import ReportingPeriod
from tests.notifications.conftest import committed, smtp  # noqa: F401  (the loopback SMTP server)

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=HCMC)


@pytest.fixture
def half_2025(db):
    return ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)


@pytest.fixture
def review_obligation(admin_user, hcmc, half_2025):
    """Interim reviews of the first half of 2025: due 5 July 2025, entry closes 10 days later."""
    [obligation] = services.obligations_generate(
        user=admin_user,
        year=2025,
        lock_after_days=10,
        kinds=[ObligationKind.INTERIM_REVIEW],
    )[:1]
    assert obligation.period == half_2025
    return obligation


def submit_review(user, district, period, when: datetime.datetime):
    """Write and submit ``district``'s review of ``period`` with the clock at ``when``."""
    with time_machine.travel(when, tick=False):
        review = district_services.review_save(
            user=user,
            district=district,
            period=period,
            held_on=datetime.date(2025, 6, 30),
            achievements="Đã triển khai.",
            difficulties="Thiếu kinh phí.",
            proposals="Bổ sung kinh phí.",
        )
        return district_services.review_submit(user=user, review=review)
