"""Writes for the districts app."""

import json
from dataclasses import dataclass

import vietnam_provinces
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.services import ensure_entry_open
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, ensure_may_change_unit, restrict
from learningcity.workflow import ConflictError, check_version, serialise, transition

from . import notices
from .choices import Level, kind_from_name
from .models import (
    AdministrativeUnit,
    CommitteeMember,
    ImplementationPlan,
    InterimReview,
    KeyTask,
    KeyTaskProgress,
    SteeringCommittee,
)

ALL_PROVINCES = "all"


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    districts: int
    wards: int


def _gso_code(level: str, code: int) -> str:
    # GSO writes codes zero-padded: province 2 digits, district 3, commune level 5.
    width = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.WARD: 5}[level]
    return f"{code:0{width}d}"


def _upsert(level: str, rows: list[tuple[int, str, int | None]]) -> dict[str, int]:
    """Insert or update units of one level; returns their ids by GSO code."""
    units = [
        AdministrativeUnit(
            level=level,
            kind=kind_from_name(level, name),
            code=_gso_code(level, code),
            name=name,
            parent_id=parent_id,
        )
        for code, name, parent_id in rows
    ]
    AdministrativeUnit.objects.bulk_create(
        units,
        update_conflicts=True,
        unique_fields=["level", "code"],
        update_fields=["kind", "name", "name_search", "parent"],
        batch_size=500,
    )
    codes = [unit.code for unit in units]
    return dict(
        AdministrativeUnit.objects.filter(level=level, code__in=codes).values_list("code", "id")
    )


@transaction.atomic
def admin_units_load(*, province_codes: list[str]) -> LoadResult:
    """Load provinces, their districts and wards from the GSO list in ``vietnam-provinces``.

    ``province_codes`` are GSO codes ("79") or ``["all"]`` for the whole country. Safe to run
    again: units are matched on (level, code) and updated in place.
    """
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
        provinces = json.load(f)
    if ALL_PROVINCES not in province_codes:
        wanted = {int(code) for code in province_codes}
        unknown = wanted - {p["code"] for p in provinces}
        if unknown:
            raise ValueError(f"Unknown province codes: {sorted(unknown)}")
        provinces = [p for p in provinces if p["code"] in wanted]

    province_ids = _upsert(Level.PROVINCE, [(p["code"], p["name"], None) for p in provinces])
    district_ids = _upsert(
        Level.DISTRICT,
        [
            (d["code"], d["name"], province_ids[_gso_code(Level.PROVINCE, p["code"])])
            for p in provinces
            for d in p["districts"]
        ],
    )
    ward_ids = _upsert(
        Level.WARD,
        [
            (w["code"], w["name"], district_ids[_gso_code(Level.DISTRICT, d["code"])])
            for p in provinces
            for d in p["districts"]
            for w in d["wards"]
        ],
    )
    return LoadResult(len(province_ids), len(district_ids), len(ward_ids))


# --- Programme: committees, plans, key tasks, interim reviews ------------------------------------


def _save(obj, *, user, fields: dict | None = None) -> None:
    """Apply ``fields``, validate against model and database rules, save as ``user``.

    The audit trail names ``user`` whether the change came from a page, the API, an import or
    a command.
    """
    for name, value in (fields or {}).items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = user
    obj.save()


def _locked(model, pk: int, user, action: Action = Action.CHANGE):
    """The row ``pk`` locked for update, or PermissionDenied if ``user`` may not ``action`` it."""
    obj = restrict(model.objects.select_for_update(), user, action).filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    return obj


def _supersede(model, *, user, district: AdministrativeUnit, fields: dict):
    """Issue a new decision-like document for ``district``; the current one becomes history."""
    ensure_may_change_unit(user, district.pk)
    # Two decisions recorded at once: the second waits and supersedes the first.
    serialise(model._meta.label, district.pk)
    current = (
        model.objects.select_for_update().filter(district=district, superseded_at=None).first()
    )
    if current is not None:
        # Retired first, so the new document passes the one-current-per-district constraint;
        # the caller's transaction undoes this if the new document is refused.
        current.superseded_at = timezone.now()
        current._history_user = user
        current.save(update_fields=["superseded_at"])
    new = model(district=district, **fields)
    _save(new, user=user)
    return new, current


@transaction.atomic
def committee_establish(
    *,
    user,
    district: AdministrativeUnit,
    number: str,
    issued_on,
    signer: str,
    file=None,
    copy_members: bool = True,
) -> SteeringCommittee:
    """Record the decision setting up (or re-establishing) ``district``'s steering committee.

    A re-establishment supersedes the current committee, which is kept as history; its members
    are copied to the new one as a starting point unless ``copy_members`` is off.
    """
    committee, previous = _supersede(
        SteeringCommittee,
        user=user,
        district=district,
        fields={"number": number, "issued_on": issued_on, "signer": signer, "file": file or ""},
    )
    if previous is not None and copy_members:
        copies = [
            CommitteeMember(
                committee=committee,
                full_name=m.full_name,
                position=m.position,
                organisation=m.organisation,
                role=m.role,
                order=m.order,
            )
            for m in previous.members.all()
        ]
        bulk_create_with_history(copies, CommitteeMember, default_user=user)
    return committee


@transaction.atomic
def committee_update(*, user, committee: SteeringCommittee, version: int | None = None, **fields):
    """Correct the details of a committee's decision (a typo in the number, a new scan)."""
    locked = _locked(SteeringCommittee, committee.pk, user)
    check_version(locked, version)
    locked.version += 1
    _save(locked, user=user, fields=fields)
    return locked


@transaction.atomic
def member_create(*, user, committee: SteeringCommittee, **fields) -> CommitteeMember:
    locked = _locked(SteeringCommittee, committee.pk, user)
    _ensure_current(locked)
    if fields.get("order") in (None, ""):
        last = locked.members.aggregate(last=Max("order"))["last"] or 0
        fields["order"] = last + 1
    member = CommitteeMember(committee=locked)
    _save(member, user=user, fields=fields)
    return member


@transaction.atomic
def member_update(*, user, member: CommitteeMember, **fields) -> CommitteeMember:
    locked = _locked(CommitteeMember, member.pk, user)
    _ensure_current(locked.committee)
    _save(locked, user=user, fields=fields)
    return locked


@transaction.atomic
def member_delete(*, user, member: CommitteeMember) -> None:
    locked = _locked(CommitteeMember, member.pk, user)
    _ensure_current(locked.committee)
    locked._history_user = user
    locked.delete()


def _ensure_current(committee: SteeringCommittee) -> None:
    # A superseded committee is a historical record: its member list stays as it was.
    if not committee.is_current:
        raise ValidationError(_("Members can only be changed on the current committee."))


@transaction.atomic
def plan_issue(*, user, district: AdministrativeUnit, **fields) -> ImplementationPlan:
    """Record ``district``'s implementation plan, or a revision that supersedes the current one."""
    fields.setdefault("file", "")
    plan, _previous = _supersede(ImplementationPlan, user=user, district=district, fields=fields)
    return plan


@transaction.atomic
def progress_save(
    *,
    user,
    district: AdministrativeUnit,
    period: ReportingPeriod,
    key_task: KeyTask,
    version: int | None = None,
    **fields,
) -> KeyTaskProgress:
    """Record how far ``district`` has come with ``key_task`` in ``period`` (insert or update);
    ``version`` (0: none was recorded when the form was opened) refuses a stale save."""
    ensure_may_change_unit(user, district.pk)
    if not key_task.is_active or not key_task.start_year <= period.year <= key_task.end_year:
        raise ValidationError({"key_task": _("This key task does not apply in this period.")})
    serialise(KeyTaskProgress._meta.label, district.pk, period.pk, key_task.pk)
    progress = (
        KeyTaskProgress.objects.select_for_update()
        .filter(district=district, period=period, key_task=key_task)
        .first()
    )
    check_version(progress, version)
    if progress is None:
        progress = KeyTaskProgress(district=district, period=period, key_task=key_task)
    else:
        progress.version += 1
    if fields.get("evidence") in (None, ""):
        fields.pop("evidence", None)  # keep the file already attached
    _save(progress, user=user, fields=fields)
    return progress


@transaction.atomic
def review_save(
    *,
    user,
    district: AdministrativeUnit,
    period: ReportingPeriod,
    version: int | None = None,
    **fields,
) -> InterimReview:
    """Create or edit ``district``'s review of ``period`` while it is a draft or returned."""
    ensure_may_change_unit(user, district.pk)
    ensure_entry_open(
        user=user, kind=ObligationKind.INTERIM_REVIEW, unit_id=district.pk, period=period
    )
    # Two officers saving the first draft at once: the second waits, then finds the first's.
    serialise(InterimReview._meta.label, district.pk, period.pk)
    review = (
        InterimReview.objects.select_for_update().filter(district=district, period=period).first()
    )
    check_version(review, version)
    if review is None:
        review = InterimReview(district=district, period=period)
    else:
        if not review.is_editable:
            raise ConflictError(
                _("This review is “%(status)s” and can no longer be edited.")
                % {"status": review.get_status_display()}
            )
        review.version += 1
    _save(review, user=user, fields=fields)
    return review


def _review_step(*, user, review: InterimReview, action: str, permission: Action, **fields):
    locked = _locked(InterimReview, review.pk, user, permission)
    transition(locked, action=action, table=InterimReview.TRANSITIONS)
    locked.version += 1
    _save(locked, user=user, fields=fields)
    return locked


@transaction.atomic
def review_submit(*, user, review: InterimReview) -> InterimReview:
    ensure_entry_open(
        user=user,
        kind=ObligationKind.INTERIM_REVIEW,
        unit_id=review.district_id,
        period=review.period,
    )
    review = _review_step(user=user, review=review, action="submit", permission=Action.CHANGE)
    notices.review_submitted(review, actor=user)
    return review


@transaction.atomic
def review_acknowledge(*, user, review: InterimReview, comment: str = "") -> InterimReview:
    review = _review_step(
        user=user,
        review=review,
        action="acknowledge",
        permission=Action.REVIEW,
        review_comment=comment,
    )
    notices.review_acknowledged(review, actor=user)
    return review


@transaction.atomic
def review_return(*, user, review: InterimReview, comment: str) -> InterimReview:
    """Send a submitted review back to the district; the comment says what to fix."""
    if not (comment or "").strip():
        raise ValidationError({"review_comment": _("Say what the district should change.")})
    review = _review_step(
        user=user,
        review=review,
        action="return",
        permission=Action.REVIEW,
        review_comment=comment,
    )
    notices.review_returned(review, actor=user)
    return review
