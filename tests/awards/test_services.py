"""Services of the awards app: codes, the workflow table, votes, decisions, comments, permissions.

Every transition of the table is tried allowed, every other (status, step) pair refused.
"""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from awards import services
from awards.choices import (
    AttachmentKind,
    CommentStatus,
    DossierAction,
    DossierStatus,
    NomineeKind,
)
from awards.models import (
    Attachment,
    CommendationForm,
    Decision,
    Dossier,
    DossierEvent,
    FieldOfActivity,
    Movement,
    PublicComment,
)
from districts.choices import Kind, Level
from learningcity.workflow import ConflictError
from tests.factories import UnitFactory, UserFactory

from .helpers import FAKE_PDF, PDF, advance, attach, create, grant, make_round, submitted, upload


@pytest.fixture
def hcmc(db):
    """Just the two districts these tests use, each with two wards (the services do not need the
    whole city, and loading it for each of a hundred tests would take minutes)."""
    city = UnitFactory(level=Level.PROVINCE, kind=Kind.MUNICIPALITY, code="79", name="TP HCM")
    for code, name, wards in [
        ("760", "Quận 1", ("26734", "26737")),
        ("770", "Quận 3", ("27139", "27142")),
    ]:
        district = UnitFactory(code=code, name=name, parent=city)
        for ward in wards:
            UnitFactory(
                level=Level.WARD, kind=Kind.WARD, code=ward, name=f"Phường {ward}", parent=district
            )
    return city


def events(dossier) -> list[tuple]:
    return list(
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("at", "pk")
        .values_list("action", "from_status", "to_status")
    )


def test_reference_data_is_seeded(db):
    movement = Movement.objects.get()
    assert movement.name.startswith("Cả nước thi đua xây dựng xã hội học tập")
    assert movement.launched_by == "Thủ tướng Chính phủ"
    forms = CommendationForm.objects.order_by("order")
    assert [f.code for f in forms] == ["BK-UBNDTP", "GK-SGDDT"]
    assert forms[0].name == "Bằng khen của Chủ tịch Ủy ban nhân dân Thành phố"
    assert forms[1].name == "Giấy khen của Giám đốc Sở Giáo dục và Đào tạo"
    assert {f.legal_source for f in forms} == {"Luật Thi đua, khen thưởng số 06/2022/QH15"}
    assert {f.valid_from for f in forms} == {datetime.date(2024, 1, 1)}
    assert FieldOfActivity.objects.count() == 5


def test_codes_are_given_in_order_on_first_save(officer_1, officer_3, district_1, district_3):
    round = make_round(2030)
    first = create(officer_1, round, district_1)
    second = create(officer_3, round, district_3)
    assert (first.code, second.code) == ("KT-2030-0001", "KT-2030-0002")
    assert first.status == DossierStatus.DRAFT
    assert events(first) == [(DossierAction.CREATE, "", DossierStatus.DRAFT)]
    assert first.history.get().history_user == officer_1
    services.dossier_update(user=officer_1, dossier=first, summary="Sửa lại.")
    first.refresh_from_db()
    assert first.code == "KT-2030-0001" and first.version == 2


def test_the_whole_cycle_is_recorded(officer_1, reviewer, admin_user, district_1, round_open):
    """Create, return for supplement, receive again, review, vote, grant: every step recorded."""
    dossier = create(officer_1, round_open, district_1)
    attach(officer_1, dossier)
    attach(officer_1, dossier, AttachmentKind.COUNCIL_MINUTES)
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    dossier = services.dossier_return(
        user=reviewer, dossier=dossier, reason="Bổ sung biên bản họp Hội đồng."
    )
    services.dossier_update(user=officer_1, dossier=dossier, summary="Đã bổ sung số liệu.")
    attach(officer_1, dossier, AttachmentKind.EVIDENCE)
    dossier = services.dossier_submit(user=officer_1, dossier=dossier)
    dossier = services.dossier_receive(user=reviewer, dossier=dossier)
    dossier = services.dossier_start_review(user=reviewer, dossier=dossier)
    services.opinion_add(user=reviewer, dossier=dossier, text="Thành tích tiêu biểu.")
    services.opinion_add(user=admin_user, dossier=dossier, text="Đồng ý đề nghị.")
    dossier = services.vote_record(
        user=reviewer,
        dossier=dossier,
        meeting_date=datetime.date(2030, 1, 10),
        votes_for=7,
        votes_against=1,
        votes_abstain=1,
    )
    assert dossier.status == DossierStatus.RECOMMENDED
    decision = grant(reviewer, round_open, [dossier])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWARDED and dossier.decision == decision

    S, A = DossierStatus, DossierAction
    assert events(dossier) == [
        (A.CREATE, "", S.DRAFT),
        (A.SUBMIT, S.DRAFT, S.SUBMITTED),
        (A.RETURN, S.SUBMITTED, S.RETURNED),
        (A.RESUBMIT, S.RETURNED, S.RESUBMITTED),
        (A.RECEIVE, S.RESUBMITTED, S.RECEIVED),
        (A.START_REVIEW, S.RECEIVED, S.UNDER_REVIEW),
        (A.RECOMMEND, S.UNDER_REVIEW, S.RECOMMENDED),
        (A.AWARD, S.RECOMMENDED, S.AWARDED),
    ]
    timeline = list(dossier.events.order_by("at", "pk"))
    assert [e.actor for e in timeline] == [officer_1, officer_1, reviewer, officer_1] + [
        reviewer
    ] * 4
    assert timeline[2].reason == "Bổ sung biên bản họp Hội đồng."
    assert "7" in timeline[6].reason and "1" in timeline[6].reason
    assert timeline[7].reason == str(decision)
    statuses = [h.status for h in dossier.history.order_by("history_date", "history_id")]
    assert statuses[0] == S.DRAFT and statuses[-1] == S.AWARDED
    assert S.RETURNED in statuses and S.RESUBMITTED in statuses
    assert dossier.history.latest().history_user == reviewer
    assert dossier.opinions.count() == 2 and dossier.vote.votes_cast == 9
    assert dossier.attachments.count() == 3


# --- The table: every step allowed where it is, refused everywhere else --------------------------


def _take(action, dossier, *, officer, reviewer):
    """Take ``action`` on ``dossier`` through the service that owns it."""
    if action in (DossierAction.SUBMIT, DossierAction.RESUBMIT):
        return services.dossier_submit(user=officer, dossier=dossier)
    if action == DossierAction.RECEIVE:
        return services.dossier_receive(user=reviewer, dossier=dossier)
    if action == DossierAction.RETURN:
        return services.dossier_return(user=reviewer, dossier=dossier, reason="Bổ sung.")
    if action == DossierAction.START_REVIEW:
        return services.dossier_start_review(user=reviewer, dossier=dossier)
    if action in (DossierAction.RECOMMEND, DossierAction.NOT_RECOMMEND):
        votes = (9, 0, 0) if action == DossierAction.RECOMMEND else (0, 9, 0)
        return services.vote_record(
            user=reviewer,
            dossier=dossier,
            meeting_date=timezone.localdate(),
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstain=votes[2],
        )
    if action == DossierAction.AWARD:
        decision = grant(reviewer, dossier.round, [dossier])
        return Dossier.objects.get(pk=decision.dossiers.get().pk)
    if action == DossierAction.REJECT:
        return services.dossier_reject(user=reviewer, dossier=dossier, reason="Không đạt.")
    raise AssertionError(action)


def _dossier_in(status, officer, district, round):
    dossier = create(officer, round, district)
    attach(officer, dossier)
    changes = {"status": status}
    if status == DossierStatus.AWARDED:
        changes["decision"] = Decision.objects.create(
            round=round, number="1/QĐ", signed_on=timezone.localdate(), signer="X"
        )
    Dossier.objects.filter(pk=dossier.pk).update(**changes)
    return Dossier.objects.get(pk=dossier.pk)


STEPS = [a for a in DossierAction if a != DossierAction.CREATE]
ALLOWED = sorted(Dossier.TRANSITIONS.items())
# dossier_submit is one service for both: it submits a draft and resubmits a returned dossier.
SAME_SERVICE = {
    (DossierStatus.RETURNED, DossierAction.SUBMIT),
    (DossierStatus.DRAFT, DossierAction.RESUBMIT),
}
REFUSED = [
    (status, action)
    for status in DossierStatus
    for action in STEPS
    if (status, action) not in Dossier.TRANSITIONS and (status, action) not in SAME_SERVICE
]


@pytest.mark.parametrize(("step", "target"), ALLOWED, ids=[f"{s}-{a}" for (s, a), _t in ALLOWED])
def test_every_transition_of_the_table(step, target, officer_1, reviewer, district_1, round_open):
    status, action = step
    dossier = _dossier_in(status, officer_1, district_1, round_open)
    moved = _take(action, dossier, officer=officer_1, reviewer=reviewer)
    assert moved.status == target
    last = DossierEvent.objects.filter(dossier=dossier).latest("at", "pk")
    assert (last.action, last.from_status, last.to_status) == (action, status, target)


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_every_other_step_is_refused(status, action, officer_1, reviewer, district_1, round_open):
    """Skipping a step (a draft received, a received dossier voted on, an unreviewed one
    awarded) or going back is refused, and nothing changes."""
    dossier = _dossier_in(status, officer_1, district_1, round_open)
    before = DossierEvent.objects.count()
    with pytest.raises(ConflictError):
        _take(action, dossier, officer=officer_1, reviewer=reviewer)
    dossier.refresh_from_db()
    assert dossier.status == status
    assert DossierEvent.objects.count() == before


def test_the_second_reviewer_acting_on_a_stale_page_gets_a_conflict(
    officer_1, reviewer, district_1, round_open
):
    other = UserFactory(role="department_reviewer")
    dossier = submitted(officer_1, round_open, district_1)
    page_of_first = Dossier.objects.get(pk=dossier.pk)
    page_of_second = Dossier.objects.get(pk=dossier.pk)
    services.dossier_receive(user=reviewer, dossier=page_of_first)
    with translation.override("en"), pytest.raises(ConflictError, match="already moved"):
        services.dossier_return(user=other, dossier=page_of_second, reason="Thiếu hồ sơ.")
    # A step allowed from the new state is still refused: the second reviewer has not seen it.
    with pytest.raises(ConflictError):
        services.dossier_start_review(user=other, dossier=page_of_second)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert [e.actor for e in dossier.events.filter(action="receive")] == [reviewer]
    # The expected status can also come from the form the user saw.
    with pytest.raises(ConflictError):
        services.dossier_receive(user=other, dossier=dossier, expected_status="submitted")


def test_return_and_reject_need_a_reason(officer_1, reviewer, district_1, round_open):
    dossier = submitted(officer_1, round_open, district_1)
    with pytest.raises(ValidationError) as error:
        services.dossier_return(user=reviewer, dossier=dossier, reason="  ")
    assert "reason" in error.value.message_dict
    dossier = advance(
        create(officer_1, round_open, district_1, nominee_name="Trần Thị Bình"),
        DossierStatus.NOT_RECOMMENDED,
        officer=officer_1,
        reviewer=reviewer,
    )
    with pytest.raises(ValidationError):
        services.dossier_reject(user=reviewer, dossier=dossier, reason="")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NOT_RECOMMENDED


def test_submitting_needs_the_achievement_report_and_an_open_intake(
    officer_1, reviewer, district_1, round_open
):
    dossier = create(officer_1, round_open, district_1)
    attach(officer_1, dossier, AttachmentKind.EVIDENCE)
    with pytest.raises(ValidationError):
        services.dossier_submit(user=officer_1, dossier=dossier)
    attach(officer_1, dossier)
    round_open.intake_opens = timezone.localdate() - datetime.timedelta(days=60)
    round_open.intake_closes = timezone.localdate() - datetime.timedelta(days=1)
    round_open.comment_opens = round_open.intake_opens
    round_open.save()
    dossier.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.dossier_submit(user=officer_1, dossier=dossier)
    assert "round" in error.value.message_dict
    with pytest.raises(ValidationError):
        create(officer_1, round_open, district_1, nominee_name="Lê Văn Cường")
    assert Dossier.objects.get().status == DossierStatus.DRAFT


def test_a_returned_dossier_can_come_back_after_the_intake_closed(
    officer_1, reviewer, district_1, round_open
):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.RETURNED,
        officer=officer_1,
        reviewer=reviewer,
    )
    # The Department asked for the supplement: it may come after the intake closed.
    round_open.intake_closes = timezone.localdate() - datetime.timedelta(days=1)
    round_open.intake_opens = round_open.intake_closes - datetime.timedelta(days=30)
    round_open.comment_opens = round_open.intake_opens
    round_open.save()
    dossier.refresh_from_db()
    assert services.dossier_submit(user=officer_1, dossier=dossier).status == "resubmitted"


def test_edits_only_in_draft_or_returned_and_never_stale(
    officer_1, reviewer, district_1, round_open
):
    dossier = create(officer_1, round_open, district_1)
    services.dossier_update(user=officer_1, dossier=dossier, version=1, summary="Bản 2.")
    with pytest.raises(ConflictError):
        services.dossier_update(user=officer_1, dossier=dossier, version=1, summary="Cũ.")
    with pytest.raises(TypeError):
        services.dossier_update(user=officer_1, dossier=dossier, district=None)
    dossier = advance(dossier, DossierStatus.SUBMITTED, officer=officer_1, reviewer=reviewer)
    with pytest.raises(ConflictError):
        services.dossier_update(user=officer_1, dossier=dossier, summary="Sau khi gửi.")
    with pytest.raises(ConflictError):
        attach(officer_1, dossier, AttachmentKind.EVIDENCE)
    dossier.refresh_from_db()
    assert dossier.summary == "Bản 2." and dossier.attachments.count() == 1


def test_kind_specific_details_are_checked(officer_1, district_1, district_3, round_open):
    with pytest.raises(ValidationError) as error:
        create(officer_1, round_open, district_1, position="")
    assert "position" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        create(
            officer_1,
            round_open,
            district_1,
            nominee_kind=NomineeKind.HOUSEHOLD,
            nominee_name="Gia đình ông Lê Văn Tư",
            birth_date=None,
            address="",
        )
    assert {"household_head", "address"} <= set(error.value.message_dict)
    ward_of_q3 = district_3.children.first()
    with pytest.raises(ValidationError) as error:
        create(officer_1, round_open, district_1, ward=ward_of_q3)
    assert "ward" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        create(officer_1, round_open, district_1, phone="call me", id_number="12")
    assert {"phone", "id_number"} <= set(error.value.message_dict)
    assert not Dossier.objects.exists()


def test_a_form_of_commendation_not_in_force_is_refused(officer_1, district_1, round_open):
    form = CommendationForm.objects.get(code="GK-SGDDT")
    form.valid_to = round_open.intake_opens - datetime.timedelta(days=1)
    form.save()
    with pytest.raises(ValidationError) as error:
        create(officer_1, round_open, district_1, proposed_form=form)
    assert "proposed_form" in error.value.message_dict


# --- Duplicates, uploads ----------------------------------------------------------------------


def test_the_same_nominee_twice_in_a_round_is_refused(
    officer_1, officer_3, district_1, district_3, round_open
):
    first = create(officer_1, round_open, district_1, nominee_name="Nguyễn Văn An")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        create(officer_1, round_open, district_1, nominee_name="  NGUYEN van an ")
    message = " ".join(error.value.message_dict["nominee_name"])
    assert first.code in message and "already nominated" in message
    assert Dossier.objects.count() == 1
    # Another kind, another district or another round is another nomination.
    create(
        officer_1,
        round_open,
        district_1,
        nominee_name="Nguyễn Văn An",
        nominee_kind=NomineeKind.COLLECTIVE,
        position="",
        birth_date=None,
    )
    create(officer_3, round_open, district_3, nominee_name="Nguyễn Văn An")
    other_round = make_round(2031)
    create(officer_1, other_round, district_1, nominee_name="Nguyễn Văn An")
    # Renaming a dossier into a duplicate is refused as well.
    second = create(officer_1, round_open, district_1, nominee_name="Nguyễn Văn Ba")
    with pytest.raises(ValidationError):
        services.dossier_update(user=officer_1, dossier=second, nominee_name="Nguyen Van An")
    assert Dossier.objects.count() == 5


def test_the_database_refuses_a_duplicate_nomination_too(officer_1, district_1, round_open):
    first = create(officer_1, round_open, district_1, nominee_name="Nguyễn Văn An")
    copy = Dossier(
        round=round_open,
        number=99,
        code="KT-2030-0099",
        nominee_kind=first.nominee_kind,
        nominee_name="nguyễn văn AN",
        district=district_1,
        field=first.field,
        proposed_form=first.proposed_form,
        summary="x",
        nominating_unit="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    with pytest.raises(ValidationError) as error:
        copy.full_clean()
    assert error.value.messages


@pytest.mark.parametrize(
    ("content", "name"),
    [(FAKE_PDF, "bao-cao.pdf"), (PDF, "bao-cao.exe"), (PDF + b"0" * 4096, "to-qua.pdf")],
    ids=["fake-pdf", "wrong-type", "oversized"],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(
    content, name, officer_1, district_1, round_open, settings, media_in_tmp
):
    settings.UPLOAD_MAX_BYTES = 1024
    dossier = create(officer_1, round_open, district_1)
    with pytest.raises(ValidationError) as error:
        services.attachment_add(
            user=officer_1,
            dossier=dossier,
            kind=AttachmentKind.ACHIEVEMENT_REPORT,
            file=upload(content, name),
        )
    assert "file" in error.value.message_dict
    assert not Attachment.objects.exists()
    assert not [p for p in Path(media_in_tmp).rglob("*") if p.is_file()]


def test_attachments_are_filed_under_a_random_name(officer_1, district_1, round_open):
    dossier = create(officer_1, round_open, district_1)
    attachment = attach(officer_1, dossier)
    assert attachment.original_name == "bao-cao.pdf" and attachment.size == len(PDF)
    assert attachment.file.name.startswith(f"awards/{district_1.pk}/{dossier.pk}/")
    assert "bao-cao" not in attachment.file.name
    services.attachment_delete(user=officer_1, attachment=attachment)
    assert not Attachment.objects.exists()
    assert Attachment.history.filter(history_type="-").get().history_user == officer_1


# --- Council vote ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "threshold", "expected"),
    [
        ((5, 4, 0), 0.5, DossierStatus.RECOMMENDED),
        ((4, 4, 0), 0.5, DossierStatus.NOT_RECOMMENDED),  # exactly half is not more than half
        ((5, 2, 3), 0.5, DossierStatus.NOT_RECOMMENDED),  # abstentions count among votes cast
        ((6, 3, 0), 0.6, DossierStatus.RECOMMENDED),
        ((5, 4, 0), 0.6, DossierStatus.NOT_RECOMMENDED),
    ],
)
def test_the_recommendation_follows_the_tally_and_the_threshold(
    votes, threshold, expected, officer_1, reviewer, district_1, round_open, settings
):
    settings.AWARDS_RECOMMEND_THRESHOLD = threshold
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.UNDER_REVIEW,
        officer=officer_1,
        reviewer=reviewer,
    )
    dossier = services.vote_record(
        user=reviewer,
        dossier=dossier,
        meeting_date=datetime.date(2030, 2, 1),
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
    )
    assert dossier.status == expected
    assert dossier.vote.votes_for == votes[0]


def test_a_vote_needs_votes_and_opinions_need_a_review(officer_1, reviewer, district_1, round_open):
    dossier = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.RECEIVED,
        officer=officer_1,
        reviewer=reviewer,
    )
    with pytest.raises(ConflictError):
        services.opinion_add(user=reviewer, dossier=dossier, text="Sớm quá.")
    dossier = services.dossier_start_review(user=reviewer, dossier=dossier)
    with pytest.raises(ValidationError):
        services.vote_record(
            user=reviewer,
            dossier=dossier,
            meeting_date=datetime.date(2030, 2, 1),
            votes_for=0,
            votes_against=0,
            votes_abstain=0,
        )
    with pytest.raises(PermissionDenied):
        services.opinion_add(user=officer_1, dossier=dossier, text="Tôi tự đánh giá.")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_REVIEW and not dossier.opinions.exists()


# --- Decisions -------------------------------------------------------------------------------


def test_a_decision_grants_many_dossiers_in_one_step(
    officer_1, officer_3, reviewer, district_1, district_3, round_open
):
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    granted = [
        advance(
            create(officer_1, round_open, district_1, nominee_name=name),
            DossierStatus.RECOMMENDED,
            officer=officer_1,
            reviewer=reviewer,
        )
        for name in names
    ]
    kept = advance(
        create(officer_3, round_open, district_3),
        DossierStatus.NOT_RECOMMENDED,
        officer=officer_3,
        reviewer=reviewer,
    )
    decision = grant(reviewer, round_open, granted)
    assert decision.dossiers.count() == 3
    for dossier in granted:
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.AWARDED and dossier.decision == decision
        last = dossier.events.latest("at", "pk")
        assert (last.action, last.actor, last.reason) == ("award", reviewer, str(decision))
        assert dossier.history.latest().status == DossierStatus.AWARDED
    assert decision.history.get().history_user == reviewer
    # What the decision did not grant is closed afterwards.
    assert (
        services.dossiers_reject_remaining(
            user=reviewer, round=round_open, reason="Không được khen thưởng."
        )
        == 1
    )
    kept.refresh_from_db()
    assert kept.status == DossierStatus.REJECTED
    assert kept.events.latest("at", "pk").reason == "Không được khen thưởng."


def test_a_decision_is_all_or_nothing(officer_1, reviewer, district_1, round_open):
    ready = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.RECOMMENDED,
        officer=officer_1,
        reviewer=reviewer,
    )
    not_ready = advance(
        create(officer_1, round_open, district_1, nominee_name="Trần Thị Bình"),
        DossierStatus.UNDER_REVIEW,
        officer=officer_1,
        reviewer=reviewer,
    )
    with pytest.raises(ConflictError):
        grant(reviewer, round_open, [ready, not_ready])
    other_round = make_round(2031)
    with pytest.raises(ValidationError):
        grant(reviewer, other_round, [ready])
    with pytest.raises(ValidationError):
        grant(reviewer, round_open, [])
    with pytest.raises(PermissionDenied):
        grant(officer_1, round_open, [ready])
    ready.refresh_from_db()
    assert ready.status == DossierStatus.RECOMMENDED and not Decision.objects.exists()


# --- Permissions -----------------------------------------------------------------------------


def test_an_officer_works_only_on_their_own_district(
    officer_1, officer_3, district_1, district_3, round_open
):
    theirs = create(officer_3, round_open, district_3)
    with pytest.raises(PermissionDenied):
        create(officer_1, round_open, district_3)
    with pytest.raises(PermissionDenied):
        services.dossier_update(user=officer_1, dossier=theirs, summary="x")
    with pytest.raises(PermissionDenied):
        attach(officer_1, theirs)
    attach(officer_3, theirs)
    with pytest.raises(PermissionDenied):
        services.dossier_submit(user=officer_1, dossier=theirs)
    theirs.refresh_from_db()
    assert theirs.status == DossierStatus.DRAFT and theirs.summary != "x"


@pytest.mark.parametrize("role", ["reviewer", "api_consumer"])
def test_reviewers_and_api_consumers_do_not_nominate(role, request, district_1, round_open):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        create(user, round_open, district_1)
    assert not Dossier.objects.exists()


def test_a_district_does_not_take_the_departments_steps(
    officer_1, api_consumer, district_1, round_open
):
    dossier = submitted(officer_1, round_open, district_1)
    for user in (officer_1, api_consumer):
        with pytest.raises(PermissionDenied):
            services.dossier_receive(user=user, dossier=dossier)
        with pytest.raises(PermissionDenied):
            services.dossier_return(user=user, dossier=dossier, reason="x")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


# --- Public comments -------------------------------------------------------------------------


def test_comments_wait_for_moderation(officer_1, reviewer, district_1, round_open):
    draft = create(officer_1, round_open, district_1, nominee_name="Bản nháp")
    posted = advance(
        create(officer_1, round_open, district_1),
        DossierStatus.RECEIVED,
        officer=officer_1,
        reviewer=reviewer,
    )
    with pytest.raises(ValidationError):
        services.comment_submit(dossier=draft, author_name="A", contact="a@b.vn", text="x")
    comment = services.comment_submit(
        dossier=posted, author_name="Nguyễn Văn Dân", contact="0903123456", text="Xứng đáng."
    )
    assert comment.status == CommentStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.comment_moderate(user=officer_1, comment=comment, approve=True)
    services.comment_moderate(user=reviewer, comment=comment, approve=True)
    with pytest.raises(ConflictError):
        services.comment_moderate(user=reviewer, comment=comment, approve=False)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED and comment.moderated_by == reviewer


def test_no_comment_outside_the_comment_window(officer_1, reviewer, district_1):
    round = make_round(comment_open=False)
    posted = advance(
        create(officer_1, round, district_1),
        DossierStatus.UNDER_REVIEW,
        officer=officer_1,
        reviewer=reviewer,
    )
    with pytest.raises(ValidationError):
        services.comment_submit(dossier=posted, author_name="A", contact="a@b.vn", text="x")
    assert not PublicComment.objects.exists()
