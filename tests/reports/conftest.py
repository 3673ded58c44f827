import datetime
import io

import pytest
from django.core.management import call_command

from districts import services as district_services
from learningcity.models import ReportingPeriod
from learningcity.reports import services

# The real-worker fixtures of the Celery integration test, shared as they are.
from tests.learningcity.test_celery_worker import celery_worker, redis_celery  # noqa: F401


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Report files go to a folder of the test's own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def periods(db):
    return {
        code: ReportingPeriod.objects.get_or_create_for(kind=kind, year=year, number=number)
        for code, kind, year, number in [
            ("2024", "year", 2024, 0),
            ("2025", "year", 2025, 0),
            ("2025-H1", "half_year", 2025, 1),
            ("2025-Q3", "quarter", 2025, 3),
            ("2025-M07", "month", 2025, 7),
        ]
    }


@pytest.fixture
def programme(hcmc, admin_user, periods):
    """Committees in Quận 1 and Thủ Đức, a plan in Quận 1, Quận 1's review of 2025-H1 sent."""
    units = {u.code: u for u in hcmc.children.filter(code__in=["760", "769"])}
    for code, number in [("760", "1140/QĐ-UBND"), ("769", "2340/QĐ-UBND")]:
        committee = district_services.committee_establish(
            user=admin_user,
            district=units[code],
            number=number,
            issued_on=datetime.date(2024, 4, 2),
            signer="Chủ tịch UBND",
        )
        district_services.member_create(
            user=admin_user,
            committee=committee,
            full_name="Nguyễn Văn An",
            position="Phó Chủ tịch",
            organisation="Ủy ban nhân dân",
            role="head",
        )
    district_services.plan_issue(
        user=admin_user,
        district=units["760"],
        number="737/KH-UBND",
        issued_on=datetime.date(2024, 5, 10),
        title="Kế hoạch triển khai",
        start_year=2024,
        end_year=2030,
    )
    review = district_services.review_save(
        user=admin_user,
        district=units["760"],
        period=periods["2025-H1"],
        held_on=datetime.date(2025, 7, 10),
        achievements="Đã tổ chức Tuần lễ học tập suốt đời.",
        difficulties="Kinh phí cho trung tâm học tập cộng đồng còn hạn chế.",
        proposals="Đề nghị Sở hướng dẫn bộ chỉ số.",
    )
    district_services.review_submit(user=admin_user, review=review)
    return units


@pytest.fixture
def compile_report(django_capture_on_commit_callbacks):
    """Request a report and run what the request queued (the compile, eagerly) at once."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(**kwargs)
        report.refresh_from_db()
        return report

    return run


@pytest.fixture
def demo_data(hcmc):
    """The demo data set `make run` loads, awards round 2024 (103 received, 65 awarded) too."""
    call_command("load_demo_data", stdout=io.StringIO())
