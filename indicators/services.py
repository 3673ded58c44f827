"""Writes for indicators: submissions, their values and their review workflow."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.services import ensure_entry_open
from learningcity.models import ReportingPeriod
from learningcity.permissions import Action, ensure_allowed, ensure_may_change_unit, restrict
from learningcity.workflow import ConflictError, check_version, serialise, transition

from . import notices
from .choices import SubmissionStatus, Unit
from .computed import SOURCES
from .models import (
    Area,
    CityFigure,
    Framework,
    Indicator,
    IndicatorGroup,
    Submission,
    Target,
    Value,
)

# Upper bound per unit; None means no bound beyond the database column.
UNIT_LIMITS = {
    Unit.PERCENT: Decimal(100),
    Unit.SCORE: Decimal(100),
    Unit.YES_NO: Decimal(1),
    Unit.COUNT: None,
    Unit.VND: None,
}
WHOLE_NUMBER_UNITS = (Unit.COUNT, Unit.VND, Unit.YES_NO)
FOUR_PLACES = Decimal("0.0001")


@dataclass
class Entry:
    """What a district gives for one indicator, before checks."""

    value: object = None
    numerator: object = None
    denominator: object = None
    note: str = ""
    evidence: object = None


def _number(raw, label) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        number = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError(_("%(label)s must be a number.") % {"label": label}) from exc
    if not number.is_finite():
        raise ValidationError(_("%(label)s must be a number.") % {"label": label})
    return number


def clean_entry(indicator: Indicator, entry: Entry) -> dict:
    """The value fields for ``indicator`` from ``entry``, checked against its unit.

    A ratio indicator takes a numerator and a denominator and stores their quotient in percent.
    """
    numerator = _number(entry.numerator, _("The numerator"))
    denominator = _number(entry.denominator, _("The denominator"))
    value = _number(entry.value, _("The value"))
    if indicator.is_ratio:
        if value is not None and numerator is None and denominator is None:
            raise ValidationError(
                _("Give the numerator and the denominator: the value is computed from them.")
            )
        if (numerator is None) != (denominator is None):
            raise ValidationError(_("Give both the numerator and the denominator."))
        if numerator is not None:
            if numerator < 0 or denominator <= 0:
                raise ValidationError(
                    _("The numerator cannot be negative and the denominator must be above zero.")
                )
            if numerator > denominator:
                raise ValidationError(_("The numerator cannot exceed the denominator."))
            value = (numerator * 100 / denominator).quantize(FOUR_PLACES, ROUND_HALF_UP)
        else:
            value = None
    elif value is not None:
        if value < 0:
            raise ValidationError(_("The value cannot be negative."))
        limit = UNIT_LIMITS[indicator.unit]
        if limit is not None and value > limit:
            raise ValidationError(_("The value cannot exceed %(limit)s.") % {"limit": limit})
        if indicator.unit in WHOLE_NUMBER_UNITS and value != value.to_integral_value():
            raise ValidationError(_("The value must be a whole number."))
    return {"value": value, "numerator": numerator, "denominator": denominator}


def _locked(pk: int, user, action: Action) -> Submission:
    submission = (
        restrict(Submission.objects.select_for_update(), user, action).filter(pk=pk).first()
    )
    if submission is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    return submission


def _save(obj, *, user) -> None:
    obj.full_clean()
    obj._history_user = user
    obj.save()


def computed_refresh(*, submission: Submission) -> int:
    """Recompute the portal-computed values of an open submission; returns how many changed."""
    if submission.status not in Submission.EDITABLE:
        return 0
    values = list(submission.values.select_related("indicator").exclude(indicator__computed=""))
    changed = []
    for value in values:
        source = SOURCES.get(value.indicator.computed)
        if source is None:
            continue
        result = source([submission.district_id], submission.period)[submission.district_id]
        if isinstance(result, tuple) and not result[1]:  # a ratio over nothing: no value
            fields = {"value": None, "numerator": None, "denominator": None}
        elif isinstance(result, tuple):  # a ratio: (numerator, denominator)
            fields = clean_entry(value.indicator, Entry(numerator=result[0], denominator=result[1]))
        else:
            fields = {"value": result}
        if any(getattr(value, name) != new for name, new in fields.items()):
            for name, new in fields.items():
                setattr(value, name, new)
            changed.append(value)
    Value.objects.bulk_update(changed, ["value", "numerator", "denominator"])
    return len(changed)


def _ensure_open(user, *, district_id: int, period: ReportingPeriod) -> None:
    ensure_entry_open(
        user=user,
        kind=ObligationKind.INDICATOR_SUBMISSION,
        unit_id=district_id,
        period=period,
    )


def submission_open(*, user, district, period: ReportingPeriod) -> Submission:
    """The district's submission for ``period`` that is still being worked on, created on first
    use with one empty value per indicator of the current framework."""
    return submission_get_or_open(user=user, district=district, period=period)[0]


@transaction.atomic
def submission_get_or_open(*, user, district, period: ReportingPeriod) -> tuple[Submission, bool]:
    """``submission_open``, and whether this call created the submission."""
    ensure_may_change_unit(user, district.pk)
    _ensure_open(user, district_id=district.pk, period=period)
    # "Start" pressed many times at once: the others wait, then answer the one created first.
    serialise(Submission._meta.label, district.pk, period.pk)
    existing = (
        Submission.objects.filter(district=district, period=period, status__in=Submission.OPEN)
        .order_by("-revision")
        .first()
    )
    if existing is not None:
        computed_refresh(submission=existing)
        return existing, False
    if Submission.objects.filter(district=district, period=period).exists():
        raise ConflictError(
            _("The values of this period are approved. Start a revision to correct them.")
        )
    framework = Framework.objects.get(is_current=True)
    submission = Submission(district=district, period=period, framework=framework)
    _save(submission, user=user)
    Value.objects.bulk_create(
        Value(submission=submission, indicator=indicator)
        for indicator in Indicator.objects.filter(area__group__framework=framework)
    )
    computed_refresh(submission=submission)
    return submission, True


@transaction.atomic
def submission_revise(*, user, submission: Submission) -> Submission:
    """Start a correction of approved values: a new draft revision that copies them."""
    approved = _locked(submission.pk, user, Action.CHANGE)
    _ensure_open(user, district_id=approved.district_id, period=approved.period)
    if approved.status != SubmissionStatus.APPROVED:
        raise ConflictError(_("Only approved values are corrected through a revision."))
    if Submission.objects.filter(
        district_id=approved.district_id, period_id=approved.period_id, status__in=Submission.OPEN
    ).exists():
        raise ConflictError(_("A revision of this period is already open."))
    revision = Submission(
        district_id=approved.district_id,
        period_id=approved.period_id,
        framework_id=approved.framework_id,
        revision=approved.revision + 1,
    )
    _save(revision, user=user)
    Value.objects.bulk_create(
        Value(
            submission=revision,
            indicator_id=old.indicator_id,
            value=old.value,
            numerator=old.numerator,
            denominator=old.denominator,
            note=old.note,
            evidence=old.evidence,
        )
        for old in approved.values.all()
    )
    computed_refresh(submission=revision)
    return revision


@transaction.atomic
def values_save(
    *, user, submission: Submission, entries: dict[str, Entry], version: int | None = None
) -> Submission:
    """Save a draft's values, keyed by indicator code. Nothing is saved if any entry is wrong:
    the ValidationError then carries one message per indicator code."""
    locked = _locked(submission.pk, user, Action.CHANGE)
    _ensure_open(user, district_id=locked.district_id, period=locked.period)
    check_version(locked, version)
    if not locked.is_editable:
        raise ConflictError(
            _("These values are “%(status)s” and can no longer be edited.")
            % {"status": locked.get_status_display()}
        )
    values = {v.indicator.code: v for v in locked.values.select_related("indicator")}
    errors, changed = {}, []
    for code, entry in entries.items():
        value = values.get(code)
        if value is None:
            errors[code] = [_("Unknown indicator code.")]
            continue
        if value.indicator.computed:
            continue  # the portal fills these; anything sent is ignored
        try:
            fields = clean_entry(value.indicator, entry)
        except ValidationError as error:
            errors[code] = error.messages
            continue
        for name, new in {**fields, "note": entry.note or ""}.items():
            setattr(value, name, new)
        if entry.evidence:
            value.evidence = entry.evidence
        changed.append(value)
    if errors:
        raise ValidationError(errors)
    for value in changed:
        _save(value, user=user)
    locked.version += 1
    _save(locked, user=user)
    return locked


def _step(*, user, submission, action: str, permission: Action, comment: str = "") -> Submission:
    locked = _locked(submission.pk, user, permission)
    transition(locked, action=action, table=Submission.TRANSITIONS)
    locked.version += 1
    locked.review_comment = comment
    _save(locked, user=user)
    return locked


@transaction.atomic
def submission_submit(*, user, submission: Submission) -> Submission:
    """Send the values to the Department; every indicator must have a value."""
    _ensure_open(user, district_id=submission.district_id, period=submission.period)
    computed_refresh(submission=submission)
    missing = list(
        # Computed values may be empty (a ratio over no centres); districts cannot fill them.
        submission.values.filter(value__isnull=True, indicator__computed="")
        .order_by("indicator__area__group__order", "indicator__area__order", "indicator__order")
        .values_list("indicator__code", flat=True)
    )
    if missing:
        raise ValidationError(
            _("Enter a value for every indicator before submitting. Missing: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    submitted = _step(user=user, submission=submission, action="submit", permission=Action.CHANGE)
    notices.submission_submitted(submitted, actor=user)
    return submitted


@transaction.atomic
def submission_approve(*, user, submission: Submission, comment: str = "") -> Submission:
    """Approve the values; an earlier approved revision of the period becomes superseded."""
    locked = _locked(submission.pk, user, Action.REVIEW)
    Submission.objects.filter(
        district_id=locked.district_id,
        period_id=locked.period_id,
        status=SubmissionStatus.APPROVED,
    ).update(status=SubmissionStatus.SUPERSEDED)
    Value.objects.filter(submission=locked).update(review_comment="")
    approved = _step(
        user=user, submission=locked, action="approve", permission=Action.REVIEW, comment=comment
    )
    city_figures_refresh(periods=[locked.period_id])
    notices.submission_approved(approved, actor=user)
    return approved


@transaction.atomic
def city_figures_refresh(*, periods) -> None:
    """Recompute the stored city figures of ``periods`` (ids) from their approved values, for the
    entered indicators: computed ones are read from the registers (``selectors.city_series``).

    The periods' rows are locked first, so that two approvals of one period at once take turns:
    the second adds up after the first has committed, and neither figure is lost."""
    periods = list(
        ReportingPeriod.objects.select_for_update()
        .filter(pk__in=periods)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = (
        Value.objects.filter(
            submission__period__in=periods,
            submission__status=SubmissionStatus.APPROVED,
        )
        .exclude(indicator__computed__in=SOURCES)
        .values("submission__period", "indicator")
        .annotate(
            total=Sum("value"),
            numerators=Sum("numerator"),
            denominators=Sum("denominator"),
            yes=Count("pk", filter=Q(value=1)),
            answered=Count("value"),
            updated=Max("submission__status_changed_at"),
        )
        .order_by()
    )
    CityFigure.objects.filter(period__in=periods).delete()
    CityFigure.objects.bulk_create(
        CityFigure(
            period_id=row.pop("submission__period"), indicator_id=row.pop("indicator"), **row
        )
        for row in rows
    )


@transaction.atomic
def submission_return(
    *, user, submission: Submission, comment: str = "", value_comments: dict[str, str] | None = None
) -> Submission:
    """Send the values back to the district with a comment, on the whole or on some values."""
    value_comments = {code: text.strip() for code, text in (value_comments or {}).items()}
    value_comments = {code: text for code, text in value_comments.items() if text}
    if not (comment or "").strip() and not value_comments:
        raise ValidationError(
            {
                "review_comment": _(
                    "Say what the district should change, on the whole or on a value."
                )
            }
        )
    locked = _locked(submission.pk, user, Action.REVIEW)
    values = {v.indicator.code: v for v in locked.values.select_related("indicator")}
    unknown = set(value_comments) - set(values)
    if unknown:
        raise ValidationError(
            _("Unknown indicator codes: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    for value in values.values():
        value.review_comment = value_comments.get(value.indicator.code, "")
        value._history_user = user
    Value.objects.bulk_update(list(values.values()), ["review_comment"])
    returned = _step(
        user=user, submission=locked, action="return", permission=Action.REVIEW, comment=comment
    )
    notices.submission_returned(returned, actor=user, value_comments=len(value_comments))
    return returned


@transaction.atomic
def framework_new_version(*, user, framework: Framework, version: str) -> Framework:
    """A copy of ``framework`` (groups, areas, indicators, targets) as version ``version``, made
    the current one. The old version stays, with the submissions that use it."""
    ensure_allowed(user, framework, Action.CHANGE)
    version = (version or "").strip()
    if Framework.objects.filter(name=framework.name, version=version).exists():
        raise ValidationError(
            {
                "version": _("Version %(version)s of this framework already exists.")
                % {"version": version}
            }
        )
    for current in Framework.objects.select_for_update().filter(is_current=True):
        current.is_current = False
        _save(current, user=user)
    new = Framework(
        name=framework.name,
        version=version,
        is_current=True,
        min_coverage=framework.min_coverage,
    )
    _save(new, user=user)

    groups = list(framework.groups.order_by("order", "code"))
    new_groups = IndicatorGroup.objects.bulk_create(
        IndicatorGroup(framework=new, code=g.code, name=g.name, name_en=g.name_en, order=g.order)
        for g in groups
    )
    group_of = {old.pk: copy for old, copy in zip(groups, new_groups, strict=True)}
    areas = list(Area.objects.filter(group__framework=framework).order_by("pk"))
    new_areas = Area.objects.bulk_create(
        Area(group=group_of[a.group_id], code=a.code, name=a.name, name_en=a.name_en, order=a.order)
        for a in areas
    )
    area_of = {old.pk: copy for old, copy in zip(areas, new_areas, strict=True)}
    indicators = list(Indicator.objects.filter(area__group__framework=framework).order_by("pk"))
    fields = Indicator._meta.concrete_fields
    copied = [f.attname for f in fields if f.attname not in ("id", "area_id")]
    new_indicators = bulk_create_with_history(
        [
            Indicator(area=area_of[i.area_id], **{name: getattr(i, name) for name in copied})
            for i in indicators
        ],
        Indicator,
        default_user=user,
        default_change_reason=f"copied from version {framework.version}",
    )
    indicator_of = {old.pk: copy for old, copy in zip(indicators, new_indicators, strict=True)}
    Target.objects.bulk_create(
        Target(indicator=indicator_of[t.indicator_id], year=t.year, value=t.value)
        for t in Target.objects.filter(indicator__in=indicators)
    )
    return new
