"""Writes for the awards app: dossiers and their workflow, council votes, decisions, comments.

Every step of a dossier goes through ``Dossier.TRANSITIONS``, is taken on the row locked with
``select_for_update()``, checks the status the user saw (``expected_status``) and leaves a
``DossierEvent`` (who, when, from, to, why) beside the dossier's own history.
"""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from learningcity.permissions import Action, ensure_may_change_unit, reach, restrict
from learningcity.text import search_key
from learningcity.workflow import ConflictError, check_version, transition

from . import notices
from .choices import (
    DECIDABLE_STATUSES,
    POSTED_STATUSES,
    AttachmentKind,
    CommentStatus,
    DossierAction,
    DossierStatus,
)
from .models import (
    Attachment,
    Decision,
    Dossier,
    DossierEvent,
    PublicComment,
    ReviewOpinion,
    Round,
    VoteTally,
    recommend_threshold,
)

# What a district fills in on a dossier; the round, the district and the workflow fields are not
# among them.
DOSSIER_FIELDS = (
    "nominee_kind",
    "nominee_name",
    "position",
    "organisation",
    "household_head",
    "address",
    "phone",
    "id_number",
    "birth_date",
    "ward",
    "field",
    "summary",
    "proposed_form",
    "nominating_unit",
)


def _save(obj, *, user, fields: dict | None = None) -> None:
    """Apply ``fields``, validate against model and database rules, save as ``user``."""
    for name, value in (fields or {}).items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = user
    obj.save()


def _locked(model, pk: int, user, action: Action = Action.CHANGE):
    """The row ``pk`` locked for update, or PermissionDenied if ``user`` may not ``action`` it."""
    # Only this row is locked (not the rows a join brings in), so steps on other dossiers of the
    # same round or district do not wait for each other.
    locked = model.objects.select_for_update(of=("self",)).order_by("pk")
    obj = restrict(locked, user, action).filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    return obj


def _ensure_department(user) -> None:
    if reach(user, Action.REVIEW) != "all":
        raise PermissionDenied(_("You do not have permission to do this."))


def _expect(locked: Dossier, expected_status: str | None) -> None:
    """Refuse to act on a dossier that moved since the user looked at it."""
    if expected_status and locked.status != expected_status:
        raise ConflictError(
            _(
                "Someone else has already moved this dossier: it is now “%(status)s”. Reload the "
                "page to see it."
            )
            % {"status": locked.get_status_display()}
        )


def _ensure_allowed(dossier: Dossier, action: str) -> None:
    if (dossier.status, action) not in Dossier.TRANSITIONS:
        raise ConflictError(
            _("This cannot be done now: the dossier is “%(status)s”. Reload the page to see it.")
            % {"status": dossier.get_status_display()}
        )


def _ensure_intake_open(round: Round) -> None:
    if not round.is_open_for_intake():
        raise ValidationError(
            {
                "round": _("This round takes dossiers from %(opens)s to %(closes)s.")
                % {
                    "opens": date_format(round.intake_opens, "SHORT_DATE_FORMAT"),
                    "closes": date_format(round.intake_closes, "SHORT_DATE_FORMAT"),
                }
            }
        )


def _ensure_editable(dossier: Dossier) -> None:
    if not dossier.is_editable:
        raise ConflictError(
            _("This dossier is “%(status)s” and can no longer be changed.")
            % {"status": dossier.get_status_display()}
        )


def _check_duplicate(dossier: Dossier) -> None:
    """One nomination per nominee, district and round; names compared without diacritics."""
    clash = (
        Dossier.objects.filter(
            round_id=dossier.round_id,
            nominee_kind=dossier.nominee_kind,
            district_id=dossier.district_id,
            nominee_search=search_key(dossier.nominee_name or ""),
        )
        .exclude(pk=dossier.pk)
        .values_list("code", flat=True)
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "nominee_name": _(
                    "%(name)s is already nominated by this district in this round (dossier "
                    "%(code)s)."
                )
                % {"name": dossier.nominee_name, "code": clash}
            }
        )


def _record(dossier: Dossier, *, action: str, from_status: str, user, reason: str = ""):
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=user,
        at=dossier.status_changed_at or timezone.now(),
        reason=reason,
    )


def _move(locked: Dossier, *, user, action: str, reason: str = "") -> Dossier:
    """Take one step of the table on the locked dossier and record it."""
    previous = locked.status
    transition(locked, action=action, table=Dossier.TRANSITIONS)
    locked.version += 1
    _save(locked, user=user)
    _record(locked, action=action, from_status=previous, user=user, reason=reason)
    return locked


def _move_many(dossiers: list[Dossier], *, user, action: str, reason: str, **fields) -> None:
    """The same step for many locked dossiers at once, with one history row and one event each.

    Only the workflow fields change (and they come from the table), so the rows are updated in
    bulk instead of validated one by one.
    """
    now = timezone.now()
    events = []
    for dossier in dossiers:
        previous = dossier.status
        transition(dossier, action=action, table=Dossier.TRANSITIONS)
        dossier.status_changed_at = now
        dossier.version += 1
        for name, value in fields.items():
            setattr(dossier, name, value)
        events.append(
            DossierEvent(
                dossier=dossier,
                action=action,
                from_status=previous,
                to_status=dossier.status,
                actor=user,
                at=now,
                reason=reason,
            )
        )
    bulk_update_with_history(
        dossiers,
        Dossier,
        ["status", "status_changed_at", "version", *fields],
        default_user=user,
        default_date=now,
    )
    DossierEvent.objects.bulk_create(events)


def _department_step(
    *, user, dossier: Dossier, action: str, expected_status: str | None, reason: str = ""
) -> Dossier:
    locked = _locked(Dossier, dossier.pk, user, Action.REVIEW)
    _expect(locked, expected_status or dossier.status)
    return _move(locked, user=user, action=action, reason=reason)


def _required_reason(reason: str, message) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": message})
    return reason.strip()


# --- The district: create, edit, attach, submit ---------------------------------------------------


@transaction.atomic
def dossier_create(*, user, round: Round, district, **fields) -> Dossier:
    """Start a nomination as a draft of ``district``; it gets its code (KT-2024-0001) now."""
    ensure_may_change_unit(user, district.pk)
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise TypeError(f"Not dossier fields: {sorted(unknown)}")
    _ensure_intake_open(round)
    # The round row is the lock that numbers its dossiers one after the other.
    locked_round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    dossier = Dossier(round=locked_round, district=district, **fields)
    _check_duplicate(dossier)
    number = locked_round.last_number + 1
    Round.objects.filter(pk=locked_round.pk).update(last_number=number)
    dossier.number = number
    dossier.code = Dossier.make_code(locked_round.year, number)
    dossier.status_changed_at = timezone.now()
    _save(dossier, user=user)
    _record(dossier, action=DossierAction.CREATE, from_status="", user=user)
    return dossier


@transaction.atomic
def dossier_update(*, user, dossier: Dossier, version: int | None = None, **fields) -> Dossier:
    """Edit a draft or a dossier returned for supplement."""
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise TypeError(f"Not dossier fields: {sorted(unknown)}")
    locked = _locked(Dossier, dossier.pk, user)
    check_version(locked, version)
    _ensure_editable(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_duplicate(locked)
    locked.version += 1
    _save(locked, user=user)
    return locked


@transaction.atomic
def attachment_add(*, user, dossier: Dossier, kind: str, file) -> Attachment:
    """Attach a document to a draft or returned dossier; its content and size are checked."""
    locked = _locked(Dossier, dossier.pk, user)
    _ensure_editable(locked)
    attachment = Attachment(
        dossier=locked,
        kind=kind,
        file=file,
        original_name=PurePath(file.name or "").name[:255],
        size=file.size or 0,
        uploaded_by=user,
    )
    _save(attachment, user=user)
    return attachment


@transaction.atomic
def attachment_delete(*, user, attachment: Attachment) -> None:
    locked = _locked(Attachment, attachment.pk, user)
    _ensure_editable(locked.dossier)
    locked._history_user = user
    locked.delete()


@transaction.atomic
def dossier_submit(*, user, dossier: Dossier, expected_status: str | None = None) -> Dossier:
    """Send a draft to the Department, or send a returned dossier back with its supplement."""
    locked = _locked(Dossier, dossier.pk, user)
    _expect(locked, expected_status or dossier.status)
    returned = locked.status == DossierStatus.RETURNED
    action = DossierAction.RESUBMIT if returned else DossierAction.SUBMIT
    _ensure_allowed(locked, action)
    if action == DossierAction.SUBMIT:
        _ensure_intake_open(locked.round)
    if not locked.attachments.filter(kind=AttachmentKind.ACHIEVEMENT_REPORT).exists():
        raise ValidationError(_("Attach the achievement report before sending the dossier."))
    submitted = _move(locked, user=user, action=action)
    notices.dossier_submitted(submitted, actor=user)
    return submitted


# --- The Department: receive or return, review ----------------------------------------------------


@transaction.atomic
def dossier_receive(*, user, dossier: Dossier, expected_status: str | None = None) -> Dossier:
    """The dossier is complete: the Department takes it into the round."""
    return _department_step(
        user=user, dossier=dossier, action=DossierAction.RECEIVE, expected_status=expected_status
    )


@transaction.atomic
def dossier_return(
    *, user, dossier: Dossier, reason: str, expected_status: str | None = None
) -> Dossier:
    """Send an incomplete dossier back to the district; the reason says what to add."""
    reason = _required_reason(reason, _("Say what the district should add to the dossier."))
    returned = _department_step(
        user=user,
        dossier=dossier,
        action=DossierAction.RETURN,
        expected_status=expected_status,
        reason=reason,
    )
    notices.dossier_returned(returned, actor=user, reason=reason)
    return returned


@transaction.atomic
def dossier_start_review(*, user, dossier: Dossier, expected_status: str | None = None) -> Dossier:
    """Put a received dossier before the council."""
    return _department_step(
        user=user,
        dossier=dossier,
        action=DossierAction.START_REVIEW,
        expected_status=expected_status,
    )


@transaction.atomic
def opinion_add(*, user, dossier: Dossier, text: str) -> ReviewOpinion:
    """A reviewer's written opinion on a dossier the council is reviewing."""
    locked = _locked(Dossier, dossier.pk, user, Action.REVIEW)
    if locked.status != DossierStatus.UNDER_REVIEW:
        raise ConflictError(
            _("Opinions are written while the council reviews the dossier; it is now “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    opinion = ReviewOpinion(dossier=locked, reviewer=user, text=text)
    _save(opinion, user=user)
    return opinion


@transaction.atomic
def vote_record(
    *,
    user,
    dossier: Dossier,
    meeting_date,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    expected_status: str | None = None,
) -> Dossier:
    """Record the council's vote; the dossier becomes recommended or not as the tally says.

    Recommended when the "for" votes are more than ``AWARDS_RECOMMEND_THRESHOLD`` of the votes
    cast (for + against + abstentions).
    """
    locked = _locked(Dossier, dossier.pk, user, Action.REVIEW)
    _expect(locked, expected_status or dossier.status)
    tally = VoteTally(
        dossier=locked,
        meeting_date=meeting_date,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        recorded_by=user,
    )
    threshold = recommend_threshold()
    recommended = tally.recommends(threshold)
    action = DossierAction.RECOMMEND if recommended else DossierAction.NOT_RECOMMEND
    _ensure_allowed(locked, action)
    _save(tally, user=user)
    reason = vote_reason(tally, threshold)
    return _move(locked, user=user, action=action, reason=reason)


def vote_reason(tally: VoteTally, threshold) -> str:
    """The council's vote as the timeline gives it, with the rule that decided."""
    return gettext(
        "Council meeting of %(date)s: %(for)s for, %(against)s against, %(abstain)s abstaining "
        "(%(share)s%% for; more than %(threshold)s%% needed)."
    ) % {
        "date": date_format(tally.meeting_date, "SHORT_DATE_FORMAT"),
        "for": tally.votes_for,
        "against": tally.votes_against,
        "abstain": tally.votes_abstain,
        "share": round(float(tally.share_for) * 100),
        "threshold": round(float(threshold) * 100),
    }


# --- Decisions ------------------------------------------------------------------------------------


@transaction.atomic
def decision_grant(
    *, user, round: Round, number: str, signed_on, signer: str, dossiers, file=None
) -> Decision:
    """Record the People's Committee decision and award every dossier it names, in one step.

    All the dossiers must be recommended and of ``round``; if one is not, nothing is recorded.
    """
    _ensure_department(user)
    pks = sorted({dossier.pk for dossier in dossiers})
    if not pks:
        raise ValidationError({"dossiers": _("Choose the recommended dossiers it grants.")})
    locked = list(
        restrict(Dossier.objects.select_for_update(of=("self",)), user, Action.REVIEW)
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise PermissionDenied(_("You do not have permission to do this."))
    foreign = [d.code for d in locked if d.round_id != round.pk]
    if foreign:
        raise ValidationError(
            {
                "dossiers": _("These dossiers belong to another round: %(codes)s.")
                % {"codes": ", ".join(foreign)}
            }
        )
    stale = [d.code for d in locked if d.status != DossierStatus.RECOMMENDED]
    if stale:
        raise ConflictError(
            _("These dossiers are no longer recommended (reload the page): %(codes)s.")
            % {"codes": ", ".join(stale)}
        )
    decision = Decision(
        round=round, number=number, signed_on=signed_on, signer=signer, file=file or ""
    )
    _save(decision, user=user)
    _move_many(
        locked,
        user=user,
        action=DossierAction.AWARD,
        reason=str(decision),
        decision=decision,
    )
    notices.dossiers_awarded(locked, actor=user, decision=decision)
    return decision


@transaction.atomic
def dossier_reject(
    *, user, dossier: Dossier, reason: str, expected_status: str | None = None
) -> Dossier:
    """Close a council verdict without an award."""
    reason = _required_reason(reason, _("Say why the dossier is rejected."))
    rejected = _department_step(
        user=user,
        dossier=dossier,
        action=DossierAction.REJECT,
        expected_status=expected_status,
        reason=reason,
    )
    notices.dossier_rejected(rejected, actor=user, reason=reason)
    return rejected


@transaction.atomic
def dossiers_reject_remaining(*, user, round: Round, reason: str) -> int:
    """Reject every dossier of ``round`` still recommended or not recommended; returns how many.

    Done once the People's Committee has decided: what its decisions did not grant is closed.
    """
    _ensure_department(user)
    reason = _required_reason(reason, _("Say why the remaining dossiers are rejected."))
    remaining = list(
        restrict(Dossier.objects.select_for_update(of=("self",)), user, Action.REVIEW)
        .filter(round=round, status__in=DECIDABLE_STATUSES)
        .order_by("pk")
    )
    _move_many(remaining, user=user, action=DossierAction.REJECT, reason=reason)
    notices.dossiers_rejected(remaining, actor=user, reason=reason)
    return len(remaining)


# --- Public comments ------------------------------------------------------------------------------


@transaction.atomic
def comment_submit(*, dossier: Dossier, author_name: str, contact: str, text: str):
    """A comment from the public on a posted nominee; it waits for moderation."""
    if not dossier.round.is_open_for_comment():
        raise ValidationError(_("The public comment period of this round is closed."))
    if dossier.status not in POSTED_STATUSES:
        raise ValidationError({"dossier": _("This nominee is not posted for comment.")})
    comment = PublicComment(dossier=dossier, author_name=author_name, contact=contact, text=text)
    _save(comment, user=None)
    return comment


@transaction.atomic
def comment_moderate(*, user, comment: PublicComment, approve: bool) -> PublicComment:
    """Publish a pending comment, or keep it off the public page."""
    _ensure_department(user)
    locked = _locked(PublicComment, comment.pk, user, Action.REVIEW)
    if locked.status != CommentStatus.PENDING:
        raise ConflictError(_("Someone has already moderated this comment. Reload the page."))
    _save(
        locked,
        user=user,
        fields={
            "status": CommentStatus.APPROVED if approve else CommentStatus.REJECTED,
            "moderated_by": user,
            "moderated_at": timezone.now(),
        },
    )
    return locked
