"""Writes for the clc app: the registry, yearly reports and their workflow, evaluations.

Every function is keyword-only, validates with ``full_clean()`` inside a transaction, re-checks
the user's scope on the locked row, and names the user in the audit trail. Pages, the API, the
import and the demo data all come through here.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from districts.choices import Level
from districts.models import AdministrativeUnit
from learningcity.bulk import update_many
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.services import ensure_entry_open
from learningcity.permissions import Action, ensure_may_change_unit, restrict
from learningcity.signals import bulk_changed
from learningcity.workflow import ConflictError, check_version, serialise, transition

from . import notices, selectors
from .choices import CentreStatus, LearningTopic
from .models import ActivityReport, Centre, Evaluation, EvaluationScore, ReportTopic

# Fields of a centre that pages, the API and imports may set (status has its own service).
CENTRE_FIELDS = (
    "name",
    "decision_number",
    "decision_date",
    "director",
    "phone",
    "email",
    "address",
    "rooms",
    "has_library_corner",
    "computers",
    "has_internet",
    "model_decision_number",
    "model_year",
    "model_valid_until",
)
REPORT_FIELDS = (
    *ActivityReport.PARTICIPANT_FIELDS.values(),
    "uses_it",
    "it_usage",
    *ActivityReport.FUNDING_FIELDS.values(),
    "highlights",
    "difficulties",
)


def _save(obj, *, user, fields: Mapping | None = None) -> None:
    """Apply ``fields``, validate against model and database rules, save as ``user``."""
    for name, value in (fields or {}).items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = user
    obj.save()


def _locked(model, pk: int, user, action: Action = Action.CHANGE):
    """The row ``pk`` locked for update, or PermissionDenied if ``user`` may not ``action`` it.

    Only the row itself is locked (``of``), not the ward and district rows the scope joins.
    """
    rows = model.objects.select_for_update(of=("self",))
    obj = restrict(rows, user, action).filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    return obj


def _unknown(fields: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")


# --- The registry ---------------------------------------------------------------------------------


def _clean_none(fields: Mapping) -> dict:
    # Forms and the API send None for an empty optional text; the model stores "".
    text = {"decision_number", "director", "phone", "email", "address", "model_decision_number"}
    return {k: ("" if v is None and k in text else v) for k, v in fields.items()}


@transaction.atomic
def centre_create(*, user, ward: AdministrativeUnit, **fields) -> Centre:
    """Register ``ward``'s community learning centre; a ward has one at most."""
    _unknown(fields, (*CENTRE_FIELDS, "status"))
    if ward.level != Level.WARD:
        raise ValidationError({"ward": _("Choose a ward, commune or township.")})
    ensure_may_change_unit(user, ward.parent_id)
    # A second registration of the ward at the same moment waits, then meets the first's.
    serialise(Centre._meta.label, ward.pk)
    centre = Centre(ward=ward)
    _save(centre, user=user, fields=_clean_none(fields))
    return centre


@transaction.atomic
def centres_save_many(
    *,
    user,
    rows: list[tuple[AdministrativeUnit, Centre | None, dict]],
    reason: str = "",
    check_only: bool = False,
) -> dict[int, ValidationError]:
    """Register or update many centres at once (a spreadsheet import of a whole city).

    ``rows`` are (ward, its centre or None, fields). Each row is validated as the form validates
    it; if any is refused, nothing is written and the errors come back by row index. Otherwise
    the rows are written in bulk with their history, and figures computed from centres are
    refreshed once per district instead of once per row. ``check_only`` validates only.
    """
    for district_id in {ward.parent_id for ward, _centre, _fields in rows}:
        ensure_may_change_unit(user, district_id)
    known = [centre.pk for _ward, centre, _fields in rows if centre is not None]
    locked = restrict(Centre.objects.select_for_update(of=("self",)), user, Action.CHANGE)
    current = locked.in_bulk(known)
    if len(current) != len(known):
        raise PermissionDenied(_("You do not have permission to do this."))
    created, updated, errors = [], [], {}
    for index, (ward, centre, fields) in enumerate(rows):
        _unknown(fields, (*CENTRE_FIELDS, "status"))
        obj = Centre(ward=ward) if centre is None else current[centre.pk]
        for name, value in _clean_none(fields).items():
            setattr(obj, name, value)
        try:
            # The ward is checked and one per file by the caller; the database enforces both.
            obj.full_clean(exclude=["ward"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors[index] = error
            continue
        (created if centre is None else updated).append(obj)
    if errors or check_only:
        return errors
    history = {"default_user": user, "default_change_reason": reason, "batch_size": 1000}
    bulk_create_with_history(created, Centre, **history)
    for obj in updated:
        obj.version += 1
        for field in Centre._meta.concrete_fields:  # what save() does: search keys, auto_now
            if not field.primary_key:
                setattr(obj, field.attname, field.pre_save(obj, False))
    update_many(updated, fields=[f.name for f in Centre._meta.concrete_fields if not f.primary_key])
    Centre.history.bulk_history_create(updated, update=True, **history)
    bulk_changed.send(sender=Centre, unit_ids={ward.parent_id for ward, _c, _f in rows})
    return {}


@transaction.atomic
def centre_update(*, user, centre: Centre, version: int | None = None, **fields) -> Centre:
    """Change a centre's registry entry; ``version`` refuses an edit made from a stale form."""
    _unknown(fields, (*CENTRE_FIELDS, "status"))
    locked = _locked(Centre, centre.pk, user)
    check_version(locked, version)
    locked.version += 1
    _save(locked, user=user, fields=_clean_none(fields))
    return locked


@transaction.atomic
def centre_set_status(*, user, centre: Centre, status: str, version: int | None = None) -> Centre:
    """Suspend a centre or bring it back into activity."""
    if status not in CentreStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    locked = _locked(Centre, centre.pk, user)
    check_version(locked, version)
    if locked.status == status:
        raise ConflictError(
            _("The centre is already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    locked.version += 1
    _save(locked, user=user, fields={"status": status})
    return locked


# --- Yearly activity report -----------------------------------------------------------------------


def _save_topics(report: ActivityReport, topics: Mapping, *, user) -> None:
    """Make ``report``'s classes by topic what ``topics`` says: {topic: {classes, sessions}}.
    Topics left out, or with nothing held, have no row."""
    unknown = set(topics) - set(LearningTopic.values)
    if unknown:
        raise ValidationError(
            {"topics": _("Unknown topics: %(topics)s.") % {"topics": ", ".join(sorted(unknown))}}
        )
    existing = {row.topic: row for row in report.topics.all()}
    for topic in LearningTopic.values:
        given = topics.get(topic) or {}
        classes, sessions = given.get("classes") or 0, given.get("sessions") or 0
        row = existing.get(topic)
        if not (classes or sessions):
            if row is not None:
                row._history_user = user
                row.delete()
            continue
        if row is None:
            row = ReportTopic(report=report, topic=topic)
        elif (row.classes, row.sessions) == (classes, sessions):
            continue
        try:
            _save(row, user=user, fields={"classes": classes, "sessions": sessions})
        except ValidationError as error:
            label = LearningTopic(topic).label
            raise ValidationError(
                {"topics": [f"{label}: {message}" for message in error.messages]}
            ) from error


@transaction.atomic
def report_save(
    *,
    user,
    centre: Centre,
    year: int,
    version: int | None = None,
    topics: Mapping | None = None,
    **fields,
) -> ActivityReport:
    """Create or edit ``centre``'s report of ``year`` while it is a draft or returned.

    ``topics`` ({topic: {"classes": n, "sessions": n}}) replaces the classes by topic; None
    keeps them.
    """
    _unknown(fields, REPORT_FIELDS)
    locked_centre = _locked(Centre, centre.pk, user)
    _ensure_open(user, centre=locked_centre, year=year)
    report = (
        ActivityReport.objects.select_for_update().filter(centre=locked_centre, year=year).first()
    )
    check_version(report, version)  # the centre's lock makes a second first save wait
    if report is None:
        report = ActivityReport(centre=locked_centre, year=year)
    else:
        if not report.is_editable:
            raise ConflictError(
                _("This report is “%(status)s” and can no longer be edited.")
                % {"status": report.get_status_display()}
            )
        report.version += 1
    _save(report, user=user, fields=fields)
    if topics is not None:
        _save_topics(report, topics, user=user)
    return report


def _report_step(*, user, report: ActivityReport, action: str, **fields) -> ActivityReport:
    """Move ``report`` along ``action``. The district office of the centre does every step:
    the Department reads reports but does not accept them (its users have no CHANGE scope)."""
    visible = restrict(ActivityReport.objects.filter(pk=report.pk), user, Action.VIEW).exists()
    if not visible:
        raise PermissionDenied(_("You do not have permission to do this."))
    locked = _locked(ActivityReport, report.pk, user, Action.CHANGE)
    transition(locked, action=action, table=ActivityReport.TRANSITIONS)
    locked.version += 1
    _save(locked, user=user, fields=fields)
    return locked


def _ensure_open(user, *, centre: Centre, year: int) -> None:
    ensure_entry_open(
        user=user, kind=ObligationKind.CLC_REPORT, unit_id=centre.ward.parent_id, year=year
    )


@transaction.atomic
def report_submit(*, user, report: ActivityReport) -> ActivityReport:
    _ensure_open(user, centre=report.centre, year=report.year)
    submitted = _report_step(user=user, report=report, action="submit")
    notices.report_submitted(submitted, actor=user)
    return submitted


@transaction.atomic
def report_accept(*, user, report: ActivityReport, comment: str = "") -> ActivityReport:
    accepted = _report_step(user=user, report=report, action="accept", review_comment=comment or "")
    notices.report_accepted(accepted, actor=user)
    return accepted


@transaction.atomic
def report_return(*, user, report: ActivityReport, comment: str) -> ActivityReport:
    """Send a submitted report back; the comment says what to fix."""
    if not (comment or "").strip():
        raise ValidationError({"review_comment": _("Say what should be changed.")})
    returned = _report_step(user=user, report=report, action="return", review_comment=comment)
    notices.report_returned(returned, actor=user)
    return returned


# --- Yearly evaluation ----------------------------------------------------------------------------


@transaction.atomic
def evaluation_save(
    *,
    user,
    centre: Centre,
    year: int,
    points: Mapping[str, int],
    version: int | None = None,
    **fields,
) -> Evaluation:
    """Create or edit the district office's evaluation of ``centre`` for ``year``.

    ``points`` gives the points per criterion code, for every active criterion; the total and
    the rating (from the scale in force) are computed here.
    """
    _unknown(fields, ("evaluated_on", "comments", "proposals"))
    locked_centre = _locked(Centre, centre.pk, user)
    criteria = list(selectors.active_criteria())
    if sum(c.max_points for c in criteria) != 100:
        raise ValidationError(
            _(
                "The evaluation criteria do not add up to 100 points. Ask the Department's "
                "administrator to correct them."
            )
        )
    errors = {}
    for criterion in criteria:
        value = points.get(criterion.code)
        if value is None:
            errors[f"points_{criterion.code}"] = _("Give the points for this criterion.")
        elif not 0 <= value <= criterion.max_points:
            errors[f"points_{criterion.code}"] = _("Give 0 to %(max)s points.") % {
                "max": criterion.max_points
            }
    unknown = set(points) - {c.code for c in criteria}
    if unknown:
        errors["points"] = _("Unknown criteria: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    total = sum(points[c.code] for c in criteria)
    rating = selectors.rating_for(total)
    if rating is None:
        raise ValidationError(
            _("The rating scale has no level for %(total)s points. Ask the administrator.")
            % {"total": total}
        )

    evaluation = (
        Evaluation.objects.select_for_update().filter(centre=locked_centre, year=year).first()
    )
    check_version(evaluation, version)  # the centre's lock makes a second first save wait
    if evaluation is None:
        evaluation = Evaluation(centre=locked_centre, year=year)
    else:
        evaluation.version += 1
    _save(evaluation, user=user, fields={**fields, "total_points": total, "rating": rating})

    existing = {score.criterion_id: score for score in evaluation.scores.all()}
    for criterion in criteria:
        score = existing.pop(criterion.pk, None) or EvaluationScore(
            evaluation=evaluation, criterion=criterion
        )
        if score.pk and (score.points, score.max_points) == (
            points[criterion.code],
            criterion.max_points,
        ):
            continue
        _save(
            score,
            user=user,
            fields={"points": points[criterion.code], "max_points": criterion.max_points},
        )
    for stale in existing.values():  # criteria retired since the sheet was first filled in
        stale._history_user = user
        stale.delete()
    return evaluation
