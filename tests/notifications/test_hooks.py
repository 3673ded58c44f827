"""Every workflow step tells the right people, and nobody else: the district's officers (never
another district's), the Department's staff, or whoever requested a report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from awards import services as award_services
from awards.choices import DossierStatus
from clc import services as clc_services
from districts import services as district_services
from indicators import services as indicator_services
from indicators.models import Indicator
from indicators.services import Entry
from learningcity.choices import Role
from learningcity.models import ReportingPeriod
from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.models import Notification
from learningcity.reports import sections
from learningcity.reports import services as report_services
from learningcity.reports.choices import ReportStatus
from tests.awards import helpers as awards
from tests.clc import helpers as clc
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def colleague_1(district_1):
    """A second officer of Quận 1, to see that every officer of the district is told."""
    return UserFactory(role=Role.DISTRICT_OFFICER, unit=district_1, username="colleague_q1")


@pytest.fixture
def people(admin_user, reviewer, officer_1, colleague_1, officer_3, api_consumer):
    UserFactory(role=Role.DISTRICT_OFFICER, unit=officer_1.unit, is_active=False)
    return {"admin": admin_user, "reviewer": reviewer, "officer_1": officer_1}


def told(kind: str) -> set[str]:
    """Who has notices of ``kind``."""
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def notice(kind: str, username: str) -> Notification:
    return Notification.objects.get(kind=kind, recipient__username=username)


STAFF = {"admin", "reviewer"}
DISTRICT_1 = {"officer_q1", "colleague_q1"}


# --- districts: interim reviews -------------------------------------------------------------------


def test_interim_review_submit_return_acknowledge(people, officer_1, reviewer):
    period = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)
    review = district_services.review_save(
        user=officer_1,
        district=officer_1.unit,
        period=period,
        held_on=datetime.date(2025, 7, 10),
        achievements="Đã triển khai.",
        difficulties="Thiếu kinh phí.",
        proposals="Bổ sung kinh phí.",
    )
    review = district_services.review_submit(user=officer_1, review=review)
    assert told(NoticeKind.SUBMITTED) == STAFF
    url = reverse("districts:review", args=[review.pk])
    submitted = notice(NoticeKind.SUBMITTED, "reviewer")
    assert submitted.url == url
    assert submitted.title == "Báo cáo sơ kết đã gửi: Quận 1, 6 tháng đầu năm 2025"

    review = district_services.review_return(
        user=reviewer, review=review, comment="Bổ sung số liệu trung tâm học tập cộng đồng."
    )
    assert told(NoticeKind.RETURNED) == DISTRICT_1
    returned = notice(NoticeKind.RETURNED, "officer_q1")
    assert returned.url == url
    assert "Bổ sung số liệu trung tâm học tập cộng đồng." in returned.body

    review = district_services.review_submit(user=officer_1, review=review)
    district_services.review_acknowledge(user=reviewer, review=review, comment="Tốt.")
    assert told(NoticeKind.APPROVED) == DISTRICT_1
    assert Notification.objects.filter(kind=NoticeKind.SUBMITTED).count() == 4  # twice, to two


def test_the_actor_is_not_told_of_their_own_step(officer_1, admin_user, reviewer):
    """An administrator who submits for a district is not notified of it; the reviewer is."""
    period = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=2)
    review = district_services.review_save(
        user=admin_user,
        district=officer_1.unit,
        period=period,
        held_on=datetime.date(2025, 12, 20),
        achievements="Đã triển khai.",
        difficulties="Thiếu kinh phí.",
        proposals="Bổ sung kinh phí.",
    )
    district_services.review_submit(user=admin_user, review=review)
    assert told(NoticeKind.SUBMITTED) == {"reviewer"}


# --- indicators: submissions ----------------------------------------------------------------------


def full_entries() -> dict[str, Entry]:
    return {
        indicator.code: Entry(numerator=50, denominator=100)
        if indicator.is_ratio
        else Entry(value=10)
        for indicator in Indicator.objects.filter(computed="")
    }


def test_indicator_submission_submit_return_approve(people, officer_1, reviewer):
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    submission = indicator_services.submission_open(
        user=officer_1, district=officer_1.unit, period=period
    )
    indicator_services.values_save(user=officer_1, submission=submission, entries=full_entries())
    submission = indicator_services.submission_submit(user=officer_1, submission=submission)
    assert told(NoticeKind.SUBMITTED) == STAFF
    url = reverse("indicators:submission", args=[submission.pk])
    assert notice(NoticeKind.SUBMITTED, "admin").url == url

    code = Indicator.objects.filter(computed="").first().code
    submission = indicator_services.submission_return(
        user=reviewer,
        submission=submission,
        comment="Kiểm tra lại số liệu.",
        value_comments={code: "Thiếu minh chứng."},
    )
    assert told(NoticeKind.RETURNED) == DISTRICT_1
    returned = notice(NoticeKind.RETURNED, "colleague_q1")
    assert returned.url == url
    assert "Kiểm tra lại số liệu." in returned.body and "1 chỉ số có ý kiến." in returned.body

    submission = indicator_services.submission_submit(user=officer_1, submission=submission)
    indicator_services.submission_approve(user=reviewer, submission=submission)
    assert told(NoticeKind.APPROVED) == DISTRICT_1
    assert notice(NoticeKind.APPROVED, "officer_q1").title == (
        "Số liệu chỉ số được duyệt: Năm 2025"
    )


# --- clc: the district office reviews its centres' yearly reports ---------------------------------


def test_centre_report_goes_to_the_district_office_and_back(people, officer_1, colleague_1):
    centre = clc.register(officer_1, clc.ward(officer_1.unit))
    report = clc.report(officer_1, centre, 2025)
    report = clc_services.report_submit(user=officer_1, report=report)
    # The district office reviews it: the colleague is told, not the Department.
    assert told(NoticeKind.SUBMITTED) == {"colleague_q1"}
    url = reverse("clc:report", args=[report.pk])
    assert notice(NoticeKind.SUBMITTED, "colleague_q1").url == url

    report = clc_services.report_return(user=colleague_1, report=report, comment="Sửa kinh phí.")
    assert told(NoticeKind.RETURNED) == {"officer_q1"}
    assert "Sửa kinh phí." in notice(NoticeKind.RETURNED, "officer_q1").body

    report = clc_services.report_submit(user=officer_1, report=report)
    clc_services.report_accept(user=colleague_1, report=report)
    assert told(NoticeKind.APPROVED) == {"officer_q1"}


# --- awards: dossiers -----------------------------------------------------------------------------


def test_dossier_submit_return_and_decisions(people, officer_1, reviewer, officer_3):
    round = awards.make_round()
    dossier = awards.submitted(officer_1, round, officer_1.unit, nominee_name="Nguyễn Thị Hoa")
    assert told(NoticeKind.SUBMITTED) == STAFF
    url = reverse("awards:dossier", args=[dossier.pk])
    submitted = notice(NoticeKind.SUBMITTED, "reviewer")
    assert submitted.url == url and dossier.code in submitted.title

    award_services.dossier_return(user=reviewer, dossier=dossier, reason="Thiếu bản thành tích.")
    assert told(NoticeKind.RETURNED) == DISTRICT_1
    assert "Thiếu bản thành tích." in notice(NoticeKind.RETURNED, "officer_q1").body

    awarded = awards.advance(
        awards.create(officer_1, round, officer_1.unit, nominee_name="Trần Văn Phúc"),
        DossierStatus.RECOMMENDED,
        officer=officer_1,
        reviewer=reviewer,
    )
    other_district = awards.advance(
        awards.create(officer_3, round, officer_3.unit, nominee_name="Lê Thị Lan"),
        DossierStatus.RECOMMENDED,
        officer=officer_3,
        reviewer=reviewer,
    )
    decision = awards.grant(reviewer, round, [awarded])
    assert told(NoticeKind.DOSSIER_DECIDED) == DISTRICT_1
    decided = notice(NoticeKind.DOSSIER_DECIDED, "officer_q1")
    assert decided.url == reverse("awards:dossier", args=[awarded.pk])
    assert awarded.code in decided.title and str(decision.number) in decided.body

    award_services.dossier_reject(
        user=reviewer, dossier=other_district, reason="Chưa đủ điều kiện."
    )
    assert told(NoticeKind.DOSSIER_DECIDED) == DISTRICT_1 | {"officer_q3"}
    rejected = notice(NoticeKind.DOSSIER_DECIDED, "officer_q3")
    assert "Chưa đủ điều kiện." in rejected.body and "Lê Thị Lan" in rejected.title


def test_rejecting_the_remaining_dossiers_tells_each_district(
    people, officer_1, officer_3, reviewer
):
    round = awards.make_round()
    for officer in (officer_1, officer_3):
        awards.advance(
            awards.create(officer, round, officer.unit),
            DossierStatus.NOT_RECOMMENDED,
            officer=officer,
            reviewer=reviewer,
        )
    assert (
        award_services.dossiers_reject_remaining(user=reviewer, round=round, reason="Hết đợt.") == 2
    )
    assert told(NoticeKind.DOSSIER_DECIDED) == DISTRICT_1 | {"officer_q3"}


# --- periodic reports -----------------------------------------------------------------------------


def test_a_compiled_report_tells_its_requester_in_their_language(
    people, reviewer, django_capture_on_commit_callbacks
):
    reviewer.language = "en"
    reviewer.save()
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(user=reviewer, kind="yearly", period=period)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert told(NoticeKind.REPORT_READY) == {"reviewer"}
    ready = notice(NoticeKind.REPORT_READY, "reviewer")
    assert ready.url == reverse("reports:report", args=[report.pk])
    assert ready.title == "Report compiled: Yearly report: Year 2025 (city)"
    assert not told(NoticeKind.REPORT_FAILED)


def test_a_failed_report_tells_its_requester_why(
    people, officer_1, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(scope):
        raise ValueError("the selector is broken")

    monkeypatch.setattr(sections, "indicators_section", broken)
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(
            user=officer_1, kind="yearly", period=period, district=officer_1.unit
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert told(NoticeKind.REPORT_FAILED) == {"officer_q1"}
    failed = notice(NoticeKind.REPORT_FAILED, "officer_q1")
    assert "the selector is broken" in failed.body
    assert failed.title.startswith("Không tổng hợp được báo cáo: Báo cáo năm")


def test_a_scheduled_report_tells_nobody(people, django_capture_on_commit_callbacks):
    period = ReportingPeriod.objects.get_or_create_for(kind="year", year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_request(user=None, kind="yearly", period=period)
    assert not Notification.objects.exists()


def test_notices_are_written_in_the_recipients_language_not_the_actors(people, officer_1, reviewer):
    officer_1.language = "en"
    officer_1.save()
    period = ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)
    with translation.override("vi"):
        review = district_services.review_save(
            user=officer_1,
            district=officer_1.unit,
            period=period,
            held_on=datetime.date(2025, 7, 10),
            achievements="Đã triển khai.",
            difficulties="Thiếu kinh phí.",
            proposals="Bổ sung kinh phí.",
        )
        review = district_services.review_submit(user=officer_1, review=review)
        district_services.review_return(user=reviewer, review=review, comment="Bổ sung.")
    assert notice(NoticeKind.RETURNED, "officer_q1").title == (
        "Interim review returned: First half of 2025"
    )
    assert notice(NoticeKind.RETURNED, "colleague_q1").title == (
        "Báo cáo sơ kết bị trả lại: 6 tháng đầu năm 2025"
    )
