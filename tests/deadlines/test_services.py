"""Obligations, due-date rules, the first submission's date, the entry lock and exceptions."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from districts import services as district_services
from districts.models import InterimReview
from learningcity.deadlines import services
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.models import DeadlineException, Obligation
from learningcity.models import ReportingPeriod

from .conftest import at, submit_review

JULY_5 = datetime.date(2025, 7, 5)


@pytest.mark.parametrize(
    ("kind", "period_kind", "number", "due"),
    [
        (ObligationKind.INTERIM_REVIEW, "half_year", 1, datetime.date(2025, 7, 5)),
        (ObligationKind.INTERIM_REVIEW, "half_year", 2, datetime.date(2026, 1, 5)),
        (ObligationKind.INTERIM_REVIEW, "quarter", 3, datetime.date(2025, 10, 5)),
        (ObligationKind.INTERIM_REVIEW, "month", 2, datetime.date(2025, 3, 5)),
        (ObligationKind.INDICATOR_SUBMISSION, "year", 0, datetime.date(2026, 1, 15)),
        (ObligationKind.CLC_REPORT, "year", 0, datetime.date(2026, 3, 31)),
    ],
)
def test_default_due_dates(db, kind, period_kind, number, due):
    period = ReportingPeriod.objects.get_or_create_for(kind=period_kind, year=2025, number=number)
    assert services.default_due_date(kind, period) == due


def test_generating_a_year_creates_the_plan_once(admin_user):
    created = services.obligations_generate(user=admin_user, year=2025, lock_after_days=30)
    assert sorted((o.kind, o.period.code) for o in created) == [
        ("clc_report", "2025"),
        ("indicator_submission", "2025"),
        ("interim_review", "2025-H1"),
        ("interim_review", "2025-H2"),
    ]
    assert {o.lock_after_days for o in created} == {30}
    edited = Obligation.objects.get(kind="interim_review", period__code="2025-H1")
    services.obligation_update(
        user=admin_user, obligation=edited, due_date=datetime.date(2025, 7, 10), version=1
    )
    assert services.obligations_generate(user=admin_user, year=2025) == []
    edited.refresh_from_db()
    assert edited.due_date == datetime.date(2025, 7, 10)  # a second run keeps the edit
    assert edited.history.count() == 2


@pytest.mark.parametrize("who", ["reviewer", "officer_1", "api_consumer"])
def test_only_administrators_generate_and_edit(request, admin_user, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.obligations_generate(user=user, year=2025)
    [obligation] = services.obligations_generate(
        user=admin_user, year=2025, kinds=[ObligationKind.CLC_REPORT]
    )
    with pytest.raises(PermissionDenied):
        services.obligation_update(user=user, obligation=obligation, lock_after_days=1)


def test_generate_refuses_years_out_of_range(admin_user):
    with pytest.raises(ValidationError) as error:
        services.obligations_generate(user=admin_user, year=1999)
    assert "year" in error.value.message_dict
    assert not Obligation.objects.exists()


def test_stale_edit_is_refused(admin_user, review_obligation):
    services.obligation_update(user=admin_user, obligation=review_obligation, note="a", version=1)
    with pytest.raises(ValidationError):
        services.obligation_update(
            user=admin_user, obligation=review_obligation, note="b", version=1
        )
    review_obligation.refresh_from_db()
    assert review_obligation.note == "a"


def test_first_submission_is_kept_through_return_and_resubmission(
    officer_1, reviewer, district_1, review_obligation, half_2025
):
    review = submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 4)))
    first = review.first_submitted_at
    assert first == at(datetime.date(2025, 7, 4))
    with time_machine.travel(at(datetime.date(2025, 7, 6)), tick=False):
        review = district_services.review_return(user=reviewer, review=review, comment="Bổ sung")
        review = district_services.review_submit(user=officer_1, review=review)
    assert review.first_submitted_at == first


def test_entry_closes_after_the_lock_and_an_exception_reopens_it(
    officer_1, officer_3, reviewer, district_1, district_3, review_obligation, half_2025
):
    assert review_obligation.closes_on == datetime.date(2025, 7, 15)
    # Open on the last day.
    submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 15), hour=23))
    with pytest.raises(ValidationError, match="15/07/2025"):
        submit_review(officer_3, district_3, half_2025, at(datetime.date(2025, 7, 16)))
    assert not InterimReview.objects.filter(district=district_3).exists()

    with time_machine.travel(at(datetime.date(2025, 7, 16)), tick=False):
        exception = services.exception_grant(
            user=reviewer,
            obligation=review_obligation,
            unit=district_3,
            until=datetime.date(2025, 7, 20),
            reason="Cán bộ phụ trách nghỉ ốm.",
        )
    assert exception.granted_by == reviewer
    review = submit_review(officer_3, district_3, half_2025, at(datetime.date(2025, 7, 20)))
    assert review.status == "submitted"
    # The exception is the district's own: another district stays closed, and it ends.
    with pytest.raises(ValidationError):
        submit_review(officer_1, district_1, half_2025, at(datetime.date(2025, 7, 21)))


def test_the_department_is_not_locked_out(admin_user, district_1, review_obligation, half_2025):
    review = submit_review(admin_user, district_1, half_2025, at(datetime.date(2025, 12, 1)))
    assert review.status == "submitted"


def test_exception_needs_a_reason_a_future_date_and_the_department(
    officer_1, reviewer, district_1, review_obligation
):
    with time_machine.travel(at(datetime.date(2025, 7, 16)), tick=False):
        with pytest.raises(PermissionDenied):
            services.exception_grant(
                user=officer_1,
                obligation=review_obligation,
                unit=district_1,
                until=datetime.date(2025, 7, 20),
                reason="Tự cho phép",
            )
        with pytest.raises(ValidationError) as error:
            services.exception_grant(
                user=reviewer,
                obligation=review_obligation,
                unit=district_1,
                until=datetime.date(2025, 7, 1),
                reason=" ",
            )
    assert set(error.value.message_dict) == {"reason"}
    assert not DeadlineException.objects.exists()


def test_granting_again_changes_the_exception_and_keeps_its_history(
    reviewer, admin_user, district_1, review_obligation
):
    with time_machine.travel(at(datetime.date(2025, 7, 16)), tick=False):
        for until in (datetime.date(2025, 7, 18), datetime.date(2025, 7, 25)):
            services.exception_grant(
                user=reviewer,
                obligation=review_obligation,
                unit=district_1,
                until=until,
                reason="Gia hạn",
            )
    exception = DeadlineException.objects.get()
    assert exception.until == datetime.date(2025, 7, 25)
    assert [h.until for h in exception.history.order_by("history_date")] == [
        datetime.date(2025, 7, 18),
        datetime.date(2025, 7, 25),
    ]
    assert exception.history.first().history_user == reviewer
