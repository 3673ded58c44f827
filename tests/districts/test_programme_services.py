"""Services of the programme: committees, plans, progress, and the interim-review workflow."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from districts import services
from districts.choices import CommitteeRole, ReviewStatus, TaskStatus
from districts.models import CommitteeMember, ImplementationPlan, KeyTask, SteeringCommittee
from learningcity.models import ReportingPeriod
from learningcity.workflow import ConflictError


@pytest.fixture
def period(db):
    return ReportingPeriod.objects.get_or_create_for(kind="half_year", year=2025, number=1)


def establish(user, district, number="123/QĐ-UBND", **kwargs):
    return services.committee_establish(
        user=user,
        district=district,
        number=number,
        issued_on=datetime.date(2024, 3, 1),
        signer="Chủ tịch UBND",
        **kwargs,
    )


def add_member(user, committee, name="Nguyễn Văn An", role=CommitteeRole.HEAD):
    return services.member_create(
        user=user,
        committee=committee,
        full_name=name,
        position="Phó Chủ tịch",
        organisation="UBND",
        role=role,
    )


def write_review(user, district, period, **changes):
    fields = {
        "held_on": datetime.date(2025, 7, 10),
        "achievements": "Đã triển khai.",
        "difficulties": "Thiếu kinh phí.",
        "proposals": "Bổ sung kinh phí.",
        **changes,
    }
    return services.review_save(user=user, district=district, period=period, **fields)


def test_key_tasks_are_seeded(db):
    assert KeyTask.objects.count() == 11
    assert KeyTask.objects.get(code="NV11").title.startswith("Chuẩn bị hồ sơ đăng ký Giải thưởng")


def test_officer_establishes_own_committee_and_members_are_ordered(officer_1, district_1):
    committee = establish(officer_1, district_1)
    add_member(officer_1, committee, "Nguyễn Văn An")
    add_member(officer_1, committee, "Trần Thị Bình", CommitteeRole.MEMBER)
    assert [m.order for m in committee.members.all()] == [1, 2]
    assert committee.is_current
    assert committee.history.count() == 1


def test_officer_cannot_touch_another_district(officer_1, officer_3, district_3):
    committee = establish(officer_3, district_3)
    with pytest.raises(PermissionDenied):
        establish(officer_1, district_3, number="9/QĐ")
    with pytest.raises(PermissionDenied):
        add_member(officer_1, committee)
    with pytest.raises(PermissionDenied):
        services.plan_issue(
            user=officer_1,
            district=district_3,
            number="1/KH",
            issued_on=datetime.date(2024, 4, 1),
            title="Kế hoạch",
        )
    assert SteeringCommittee.objects.count() == 1 and not CommitteeMember.objects.exists()


def test_reviewer_does_not_edit_district_data(reviewer, district_1):
    with pytest.raises(PermissionDenied):
        establish(reviewer, district_1)


def test_re_establishment_supersedes_and_keeps_history(officer_1, district_1):
    first = establish(officer_1, district_1, number="1/QĐ-UBND")
    add_member(officer_1, first)
    second = establish(officer_1, district_1, number="2/QĐ-UBND")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert [m.full_name for m in second.members.all()] == ["Nguyễn Văn An"]
    assert first.members.count() == 1  # the old list stays with the old decision
    with pytest.raises(ValidationError):
        add_member(officer_1, first)


def test_plan_revisions_are_kept(officer_1, district_1):
    for number in ("1/KH-UBND", "2/KH-UBND"):
        services.plan_issue(
            user=officer_1,
            district=district_1,
            number=number,
            issued_on=datetime.date(2024, 5, 1),
            title="Kế hoạch triển khai",
        )
    plans = ImplementationPlan.objects.filter(district=district_1)
    assert plans.count() == 2
    assert plans.get(superseded_at=None).number == "2/KH-UBND"
    assert plans.get(number="1/KH-UBND").start_year == 2024


def test_plan_years_must_run_forward(officer_1, district_1):
    with pytest.raises(ValidationError):
        services.plan_issue(
            user=officer_1,
            district=district_1,
            number="1/KH",
            issued_on=datetime.date(2024, 5, 1),
            title="Kế hoạch",
            start_year=2030,
            end_year=2024,
        )
    assert not ImplementationPlan.objects.exists()


def test_stale_edit_of_a_committee_is_refused(officer_1, district_1):
    committee = establish(officer_1, district_1)
    services.committee_update(user=officer_1, committee=committee, version=1, signer="Mới")
    with pytest.raises(ConflictError):
        services.committee_update(user=officer_1, committee=committee, version=1, signer="Cũ")
    committee.refresh_from_db()
    assert committee.signer == "Mới" and committee.version == 2


def test_progress_is_upserted(officer_1, district_1, period):
    task = KeyTask.objects.get(code="NV01")
    for status in (TaskStatus.IN_PROGRESS, TaskStatus.DONE):
        services.progress_save(
            user=officer_1,
            district=district_1,
            period=period,
            key_task=task,
            status=status,
            account="Đã làm",
        )
    progress = task.progress.get()
    assert progress.status == TaskStatus.DONE and progress.history.count() == 2


def test_text_is_stored_nfc_without_invisible_characters(officer_1, district_1, period):
    review = write_review(
        officer_1,
        district_1,
        period,
        difficulties=unicodedata.normalize("NFD", "Thiếu\u200b kinh phí"),
    )
    assert review.difficulties == "Thiếu kinh phí"
    assert review.search_text.startswith("da trien khai")


def test_review_workflow_return_fix_resubmit_acknowledge(officer_1, reviewer, district_1, period):
    review = write_review(officer_1, district_1, period)
    assert review.status == ReviewStatus.DRAFT
    review = services.review_submit(user=officer_1, review=review)
    assert review.status == ReviewStatus.SUBMITTED
    with pytest.raises(ConflictError):
        write_review(officer_1, district_1, period, version=review.version)  # submitted: locked
    review = services.review_return(user=reviewer, review=review, comment="Bổ sung số liệu")
    assert review.status == ReviewStatus.RETURNED and review.review_comment == "Bổ sung số liệu"
    review = write_review(
        officer_1, district_1, period, version=review.version, achievements="Đã bổ sung."
    )
    review = services.review_submit(user=officer_1, review=review)
    review = services.review_acknowledge(user=reviewer, review=review, comment="")
    assert review.status == ReviewStatus.ACKNOWLEDGED
    with pytest.raises(ConflictError):
        write_review(officer_1, district_1, period, version=review.version)
    statuses = [h.status for h in review.history.order_by("history_date")]
    assert statuses == ["draft", "submitted", "returned", "returned", "submitted", "acknowledged"]


@pytest.mark.parametrize(
    ("action", "from_status"),
    [
        ("submit", "submitted"),
        ("acknowledge", "draft"),
        ("return", "draft"),
        ("acknowledge", "acknowledged"),
    ],
)
def test_refused_transitions(officer_1, reviewer, district_1, period, action, from_status):
    review = write_review(officer_1, district_1, period)
    review.status = from_status
    review.save()
    with pytest.raises(ConflictError):
        if action == "submit":
            services.review_submit(user=officer_1, review=review)
        elif action == "acknowledge":
            services.review_acknowledge(user=reviewer, review=review)
        else:
            services.review_return(user=reviewer, review=review, comment="x")
    review.refresh_from_db()
    assert review.status == from_status


def test_only_the_department_acknowledges(officer_1, district_1, period):
    review = services.review_submit(
        user=officer_1, review=write_review(officer_1, district_1, period)
    )
    with pytest.raises(PermissionDenied):
        services.review_acknowledge(user=officer_1, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_return_needs_a_comment(officer_1, reviewer, district_1, period):
    review = services.review_submit(
        user=officer_1, review=write_review(officer_1, district_1, period)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.review_return(user=reviewer, review=review, comment="  ")
    assert "review_comment" in excinfo.value.message_dict


def test_stale_review_edit_is_refused(officer_1, district_1, period):
    review = write_review(officer_1, district_1, period)
    write_review(officer_1, district_1, period, version=review.version, proposals="Bản mới")
    with pytest.raises(ConflictError):
        write_review(officer_1, district_1, period, version=review.version, proposals="Bản cũ")
    review.refresh_from_db()
    assert review.proposals == "Bản mới"


def test_review_date_is_required_and_validated(officer_1, district_1, period):
    with pytest.raises(ValidationError) as excinfo:
        write_review(officer_1, district_1, period, achievements="")
    assert "achievements" in excinfo.value.message_dict


def test_the_audit_trail_names_who_acted_outside_a_request(officer_1, reviewer, district_1, period):
    committee = establish(officer_1, district_1)
    add_member(officer_1, committee)
    establish(officer_1, district_1, number="2/QĐ-UBND")  # copies the member
    review = services.review_submit(
        user=officer_1, review=write_review(officer_1, district_1, period)
    )
    services.review_return(user=reviewer, review=review, comment="Bổ sung")
    assert {h.history_user for h in CommitteeMember.history.all()} == {officer_1}
    assert [h.history_user for h in review.history.order_by("history_date")] == [
        officer_1,
        officer_1,
        reviewer,
    ]
