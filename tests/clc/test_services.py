"""Registry, report workflow and evaluations through the services: rules, states, scope."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from clc import selectors, services
from clc.choices import ActivityReportStatus, CentreStatus
from clc.models import ActivityReport, Centre, Evaluation, RatingBand, ReportTopic
from learningcity.workflow import ConflictError

from .helpers import POINTS_FAIR, POINTS_GOOD, accepted_report, evaluate, register, report, ward


@pytest.fixture
def centre(officer_1, district_1):
    return register(officer_1, ward(district_1), director="Nguyễn Văn An", phone="028 3822 1234")


# --- Registry -------------------------------------------------------------------------------------


def test_a_ward_has_one_centre_and_the_second_is_refused_with_a_message(officer_1, centre):
    with pytest.raises(ValidationError) as error:
        register(officer_1, centre.ward, name="Trung tâm thứ hai")
    assert "This ward already has a community learning centre." in str(error.value)
    assert Centre.objects.count() == 1
    # The database refuses it too, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Centre.objects.create(ward=centre.ward, name="Bỏ qua dịch vụ")


def test_centre_is_registered_for_a_ward_only_and_within_the_officers_district(
    officer_1, officer_3, district_1, district_3
):
    with pytest.raises(ValidationError) as error:
        register(officer_1, district_1, name="Cấp quận")
    assert "ward" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        register(officer_3, ward(district_1))
    assert not Centre.objects.exists()
    centre = register(officer_3, ward(district_3))
    assert centre.ward.parent == district_3
    assert centre.history.get().history_user == officer_3


def test_registry_dates_and_designation_are_checked_per_field(officer_1, district_1):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        register(
            officer_1,
            ward(district_1),
            decision_date=tomorrow,
            model_decision_number="12/QĐ-UBND",
            model_year=2024,
            model_valid_until=datetime.date(2023, 12, 31),
            email="not-an-address",
            phone="abc",
        )
    errors = error.value.message_dict
    assert errors["decision_date"] == ["The date cannot be in the future."]
    assert errors["model_valid_until"] == [
        "The designation cannot end before the year it was given."
    ]
    assert set(errors) >= {"email", "phone"}
    with pytest.raises(ValidationError) as error:
        register(officer_1, ward(district_1), model_decision_number="12/QĐ-UBND")
    assert set(error.value.message_dict) == {"model_year", "model_valid_until"}
    assert not Centre.objects.exists()


def test_model_centre_is_a_valid_designation_at_a_date(officer_1, district_1):
    model = register(
        officer_1,
        ward(district_1, 0),
        model_decision_number="5/QĐ",
        model_year=2023,
        model_valid_until=datetime.date(2025, 12, 31),
    )
    register(officer_1, ward(district_1, 1))
    assert model.is_model_at(datetime.date(2024, 6, 1))
    assert not model.is_model_at(datetime.date(2022, 6, 1))  # not yet designated
    assert not model.is_model_at(datetime.date(2026, 1, 1))  # expired
    assert list(Centre.objects.model_at(datetime.date(2025, 1, 1))) == [model]
    counts = selectors.model_centre_counts(
        district_ids=[district_1.pk], as_of=datetime.date(2026, 1, 1)
    )
    assert counts == {district_1.pk: 0}


def test_suspend_and_reactivate_with_optimistic_version(officer_1, officer_3, centre):
    with pytest.raises(PermissionDenied):
        services.centre_set_status(user=officer_3, centre=centre, status=CentreStatus.SUSPENDED)
    suspended = services.centre_set_status(
        user=officer_1, centre=centre, status=CentreStatus.SUSPENDED, version=centre.version
    )
    assert suspended.status == CentreStatus.SUSPENDED
    with pytest.raises(ConflictError):  # a form loaded before the suspension
        services.centre_set_status(
            user=officer_1, centre=centre, status=CentreStatus.ACTIVE, version=centre.version
        )
    with pytest.raises(ConflictError):
        services.centre_set_status(user=officer_1, centre=centre, status=CentreStatus.SUSPENDED)


# --- Report validation ----------------------------------------------------------------------------


def test_report_groups_cannot_exceed_the_total_and_nothing_is_written(officer_1, centre):
    with pytest.raises(ValidationError) as error:
        report(
            officer_1,
            centre,
            participants_total=100,
            participants_women=120,
            participants_elderly=101,
            participants_disabled=5,
        )
    errors = error.value.message_dict
    assert errors["participants_women"] == [
        "Women (120) cannot be more than the participants in total (100)."
    ]
    assert "participants_elderly" in errors and "participants_disabled" not in errors
    assert not ActivityReport.objects.exists()


def test_report_money_counts_and_year_are_checked(officer_1, centre):
    with pytest.raises(ValidationError) as error:
        report(officer_1, centre, funding_state=-1, funding_other=-5)
    assert "greater than or equal to 0" in error.value.message_dict["funding_state"][0]
    assert "funding_other" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(officer_1, centre, year=datetime.date.today().year + 1)
    assert error.value.message_dict["year"] == ["The year cannot be in the future."]
    with pytest.raises(ValidationError) as error:
        report(officer_1, centre, uses_it=True, it_usage="")
    assert error.value.message_dict["it_usage"] == ["Say how the centre uses IT."]
    with pytest.raises(ValidationError) as error:
        report(officer_1, centre, topics={"literacy": {"classes": -1, "sessions": 3}})
    assert "topics" in error.value.message_dict
    assert not ActivityReport.objects.exists() and not ReportTopic.objects.exists()


def test_database_refuses_what_the_services_refuse(officer_1, centre):
    saved = report(officer_1, centre)
    for change in ({"participants_women": 101}, {"funding_social": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityReport.objects.filter(pk=saved.pk).update(**change)


def test_topics_are_replaced_and_zero_rows_removed(officer_1, centre):
    saved = report(
        officer_1,
        centre,
        topics={"literacy": {"classes": 2, "sessions": 16}, "law": {"classes": 1, "sessions": 2}},
    )
    assert dict(saved.topics.values_list("topic", "classes")) == {"literacy": 2, "law": 1}
    saved = services.report_save(
        user=officer_1,
        centre=centre,
        year=2025,
        topics={"literacy": {"classes": 3, "sessions": 20}, "law": {"classes": 0}},
    )
    assert dict(saved.topics.values_list("topic", "classes")) == {"literacy": 3}
    services.report_save(user=officer_1, centre=centre, year=2025, highlights="Không đổi lớp")
    assert saved.topics.count() == 1  # topics left out: kept


# --- Report workflow ------------------------------------------------------------------------------


def test_workflow_allowed_and_refused_transitions(officer_1, centre):
    saved = report(officer_1, centre)
    assert saved.status == ActivityReportStatus.DRAFT
    with pytest.raises(ConflictError):
        services.report_accept(user=officer_1, report=saved)  # a draft is not accepted
    submitted = services.report_submit(user=officer_1, report=saved)
    assert submitted.status == ActivityReportStatus.SUBMITTED
    with pytest.raises(ConflictError):
        report(officer_1, centre, participants_total=200)  # no edits once submitted
    with pytest.raises(ValidationError) as error:
        services.report_return(user=officer_1, report=submitted, comment="  ")
    assert "review_comment" in error.value.message_dict
    returned = services.report_return(user=officer_1, report=submitted, comment="Bổ sung.")
    assert returned.status == ActivityReportStatus.RETURNED and returned.is_editable
    with pytest.raises(ConflictError):  # a stale form
        report(officer_1, centre, participants_total=200, version=saved.version)
    edited = report(officer_1, centre, participants_total=200, version=returned.version)
    resubmitted = services.report_submit(user=officer_1, report=edited)
    accepted = services.report_accept(user=officer_1, report=resubmitted, comment="Đạt.")
    assert accepted.status == ActivityReportStatus.ACCEPTED and accepted.review_comment == "Đạt."
    for step in (services.report_submit, services.report_accept):
        with pytest.raises(ConflictError):
            step(user=officer_1, report=accepted)
    with pytest.raises(ConflictError):
        services.report_return(user=officer_1, report=accepted, comment="Muộn.")
    statuses = list(accepted.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "returned", "submitted", "accepted"]
    assert {h.history_user for h in accepted.history.all()} == {officer_1}


def test_only_the_district_office_accepts_or_returns(officer_1, officer_3, reviewer, centre):
    submitted = services.report_submit(user=officer_1, report=report(officer_1, centre))
    for user in (reviewer, officer_3):
        with pytest.raises(PermissionDenied):
            services.report_accept(user=user, report=submitted)
        with pytest.raises(PermissionDenied):
            services.report_return(user=user, report=submitted, comment="Không.")
    with pytest.raises(PermissionDenied):
        report(officer_3, centre)
    submitted.refresh_from_db()
    assert submitted.status == ActivityReportStatus.SUBMITTED


# --- Evaluation -----------------------------------------------------------------------------------


def test_evaluation_totals_points_and_rates_from_the_scale(officer_1, centre):
    evaluation = evaluate(officer_1, centre, points=POINTS_GOOD)
    assert evaluation.total_points == 86 and evaluation.rating.code == "tot"
    assert [(s.criterion.code, s.points, s.max_points) for s in evaluation.scores.all()] == [
        ("TC1", 18, 20),
        ("TC2", 26, 30),
        ("TC3", 13, 15),
        ("TC4", 12, 15),
        ("TC5", 17, 20),
    ]
    evaluation = evaluate(officer_1, centre, points=POINTS_FAIR, version=evaluation.version)
    assert evaluation.total_points == 72 and evaluation.rating.code == "kha"
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize(
    ("total", "code"),
    [
        (100, "tot"),
        (85, "tot"),
        (84, "kha"),
        (70, "kha"),
        (69, "trung-binh"),
        (50, "trung-binh"),
        (49, "khong-dat"),
        (0, "khong-dat"),
    ],
)
def test_default_scale_bands(db, total, code):
    assert selectors.rating_for(total).code == code


def test_the_scale_is_data_and_a_saved_rating_is_kept(officer_1, centre, district_1):
    before = evaluate(officer_1, centre, points=POINTS_FAIR)  # 72: Khá
    RatingBand.objects.filter(code="kha").update(min_points=75)
    assert selectors.rating_for(72).code == "trung-binh"
    before.refresh_from_db()
    assert before.rating.code == "kha"
    other = register(officer_1, ward(district_1, 1))
    assert evaluate(officer_1, other, points=POINTS_FAIR).rating.code == "trung-binh"


def test_evaluation_points_and_dates_are_checked_per_field(officer_1, officer_3, reviewer, centre):
    with pytest.raises(ValidationError) as error:
        evaluate(officer_1, centre, points={**POINTS_GOOD, "TC1": 21, "TC5": None})
    errors = error.value.message_dict
    assert errors["points_TC1"] == ["Give 0 to 20 points."]
    assert errors["points_TC5"] == ["Give the points for this criterion."]
    with pytest.raises(ValidationError) as error:
        evaluate(officer_1, centre, evaluated_on=datetime.date(2024, 12, 31))
    assert "evaluated_on" in error.value.message_dict
    for user in (officer_3, reviewer):
        with pytest.raises(PermissionDenied):
            evaluate(user, centre)
    assert not Evaluation.objects.exists()


def test_accepted_report_helper_and_history(officer_1, centre):
    saved = accepted_report(officer_1, centre, uses_it=True, it_usage="Zalo")
    assert saved.status == ActivityReportStatus.ACCEPTED and saved.version == 3
