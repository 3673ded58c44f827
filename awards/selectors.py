"""Reads for the awards app: the querysets pages, the API and exports share."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from districts.selectors import portal_district_list
from learningcity.permissions import (
    Action,
    may_change_unit,
    may_read_drafts,
    may_see_personal_data,
    reach,
    restrict,
)
from learningcity.text import search_key

from .choices import (
    POSTED_STATUSES,
    QUEUE_STATUSES,
    RECEIVED_STATUSES,
    CommentStatus,
    DossierAction,
    DossierStatus,
    NomineeKind,
)
from .models import (
    Attachment,
    CommendationForm,
    Decision,
    Dossier,
    DossierEvent,
    FieldOfActivity,
    PublicComment,
    ReviewOpinion,
    Round,
)


def sees_personal_data(user, district_id: int | None) -> bool:
    """Whether ``user`` may see the personal data of a nominee of ``district_id``: the
    nominating district's personal data (``may_see_personal_data()``)."""
    return may_see_personal_data(user, district_id)


def is_department(user) -> bool:
    return reach(user, Action.REVIEW) == "all"


def may_nominate(user) -> bool:
    """District officers (for their district) and the Department administrator."""
    return reach(user, Action.CHANGE) != "none"


def dossier_search(queryset: QuerySet, query: str) -> QuerySet:
    """Dossiers whose code or nominee contains ``query``, ignoring case and diacritics."""
    key = search_key(query or "")
    if not key:
        return queryset
    return queryset.filter(Q(nominee_search__contains=key) | Q(code__icontains=query.strip()))


def visible_dossiers(*, user) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see; a draft is seen only by those who write dossiers."""
    dossiers = restrict(Dossier.objects.all(), user)
    if not may_read_drafts(user):
        dossiers = dossiers.exclude(status=DossierStatus.DRAFT)
    return dossiers


def dossier_list(*, user) -> QuerySet[Dossier]:
    """Rows of the dossier list (page, export, API), with what each row shows joined in."""
    return visible_dossiers(user=user).select_related(
        "round", "district", "ward", "field", "proposed_form", "decision"
    )


def dossier_detail(*, user) -> QuerySet[Dossier]:
    """One dossier with its timeline, files, opinions and vote, in a fixed number of queries."""
    return dossier_list(user=user).prefetch_related(
        Prefetch("events", queryset=DossierEvent.objects.select_related("actor")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "uploaded_at")),
        Prefetch("opinions", queryset=ReviewOpinion.objects.select_related("reviewer")),
        "vote",
    )


def last_return_reason(dossier: Dossier) -> str:
    """Why the dossier was last returned for supplement (from its prefetched timeline)."""
    returns = [e for e in dossier.events.all() if e.action == DossierAction.RETURN]
    return returns[-1].reason if returns else ""


def available_actions(*, user, dossier: Dossier) -> list[str]:
    """The workflow steps ``user`` may take on ``dossier`` now, in the table's order.

    The council's recommendation comes with its vote and the award with a decision, so those
    appear as "vote" and "decide".
    """
    actions = []
    department = is_department(user)
    for (status, action), _target in Dossier.TRANSITIONS.items():
        if status != dossier.status:
            continue
        permission = Dossier.PERMISSIONS[action]
        if permission == Action.CHANGE and may_change_unit(user, dossier.district_id):
            actions.append(action)
        elif permission == Action.REVIEW and department:
            if action in (DossierAction.RECOMMEND, DossierAction.NOT_RECOMMEND):
                action = "vote"
            elif action == DossierAction.AWARD:
                action = "decide"
            if action not in actions:
                actions.append(action)
    return actions


def review_queue(*, user) -> QuerySet[Dossier]:
    """What the Department still has to act on, oldest step first."""
    return (
        restrict(Dossier.objects.all(), user, Action.REVIEW)
        .filter(status__in=QUEUE_STATUSES)
        .select_related("round", "district", "field", "proposed_form")
        .order_by("status_changed_at", "pk")
    )


def queue_counts(queue: QuerySet[Dossier]) -> dict[str, int]:
    """How many dossiers of the queue wait in each state, in one aggregate query."""
    return queue.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in QUEUE_STATUSES}
    )


def rounds() -> QuerySet[Round]:
    return Round.objects.select_related("movement").order_by("-year")


def latest_round() -> Round | None:
    return rounds().first()


def round_by_id_or_year(value: str | int) -> Round | None:
    """The round named by ``value``: a year (2024) if a round has it, otherwise an id."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return rounds().filter(year=number).first() or rounds().filter(pk=number).first()


def forms_for(round: Round) -> QuerySet[CommendationForm]:
    return CommendationForm.objects.valid_for(round).order_by("order", "code")


def recommended_in(*, round: Round, user) -> QuerySet[Dossier]:
    """Dossiers of ``round`` that a decision may grant."""
    return (
        restrict(Dossier.objects.all(), user, Action.REVIEW)
        .filter(round=round, status=DossierStatus.RECOMMENDED)
        .select_related("district", "proposed_form")
        .order_by("number")
    )


def decisions_of(*, round: Round) -> QuerySet[Decision]:
    return round.decisions.annotate(granted=Count("dossiers")).order_by("signed_on", "pk")


# --- The public page ------------------------------------------------------------------------------
# Only these columns ever leave the database for the public: no personal data, no files.

PUBLIC_FIELDS = (
    "pk",
    "code",
    "nominee_name",
    "nominee_kind",
    "organisation",
    "district__name",
    "proposed_form__name",
    "summary",
)


def _public_rows(queryset: QuerySet[Dossier], *extra: str) -> list[dict]:
    labels = dict(NomineeKind.choices)
    rows = list(queryset.values(*PUBLIC_FIELDS, *extra))
    for row in rows:
        row["kind_label"] = labels[row["nominee_kind"]]
    return rows


def public_rounds() -> QuerySet[Round]:
    return Round.objects.order_by("-year")


def posted_dossiers(*, round: Round, today=None) -> QuerySet[Dossier]:
    """The nominees of ``round`` under public comment: received and not turned down, while the
    round's comment window is open (none outside it)."""
    if not round.is_open_for_comment(today):
        return Dossier.objects.none()
    return Dossier.objects.filter(round=round, status__in=POSTED_STATUSES).order_by(
        "district__code", "number"
    )


def public_nominees(*, round: Round, today=None) -> list[dict]:
    return _public_rows(posted_dossiers(round=round, today=today))


@dataclass
class PublicDecision:
    number: str
    signed_on: object
    signer: str
    dossiers: list[dict] = field(default_factory=list)


def public_awarded(*, round: Round) -> list[PublicDecision]:
    """Each decision of ``round`` with the nominees it awarded (two queries)."""
    decisions = {
        d.pk: PublicDecision(d.number, d.signed_on, d.signer)
        for d in Decision.objects.filter(round=round).order_by("signed_on", "pk")
    }
    awarded = (
        received_dossiers()
        .filter(AWARDED, round=round)
        .order_by("decision", "district__code", "number")
    )
    for row in _public_rows(awarded, "decision_id"):
        decisions[row["decision_id"]].dossiers.append(row)
    return list(decisions.values())


def public_comments(*, round: Round) -> list[dict]:
    """Approved comments of ``round``: who and what, never the commenter's contact."""
    return list(
        PublicComment.objects.filter(dossier__round=round, status=CommentStatus.APPROVED)
        .order_by("-submitted_at", "-pk")
        .values("author_name", "text", "submitted_at", "dossier__code", "dossier__nominee_name")
    )


def moderation_queue(*, user) -> QuerySet[PublicComment]:
    return (
        restrict(PublicComment.objects.all(), user, Action.REVIEW)
        .select_related("dossier", "dossier__round", "moderated_by")
        .order_by("status", "-submitted_at", "-pk")
    )


# --- Statistics -----------------------------------------------------------------------------------
# One definition of each fact, which every page, API answer, export, report and computed indicator
# counts: "received" is received_dossiers(), "awarded" is those of them matching AWARDED.

AWARDED = Q(status=DossierStatus.AWARDED)


def received_dossiers() -> QuerySet[Dossier]:
    """Every dossier the Department received: status received or any later one (under review,
    recommended, not recommended, awarded, rejected). Drafts and dossiers still submitted or
    returned for supplement are not received."""
    return Dossier.objects.filter(status__in=RECEIVED_STATUSES)


def _received_and_awarded(queryset: QuerySet[Dossier], key: str) -> dict:
    """{``key`` value: (received, awarded)} over ``queryset`` of received dossiers, one query."""
    return {
        row[key]: (row["received"], row["awarded"])
        for row in queryset.values(key)
        .annotate(received=Count("pk"), awarded=Count("pk", filter=AWARDED))
        .order_by()
    }


@dataclass
class StatRow:
    key: str
    label: str
    received: int = 0
    awarded: int = 0


@dataclass
class RoundStats:
    round: Round
    received: int
    awarded: int
    by_kind: list[StatRow]
    by_district: list[StatRow]
    by_field: list[StatRow]


def counts_by_kind(*, round: Round) -> list[StatRow]:
    """Dossiers of ``round`` received and awarded, by nominee kind in the choices' order."""
    kinds = _received_and_awarded(received_dossiers().filter(round=round), "nominee_kind")
    return [
        StatRow(value, str(label), *kinds.get(value, (0, 0)))
        for value, label in NomineeKind.choices
    ]


def round_stats(*, round: Round) -> RoundStats:
    """Received vs awarded in ``round``, by nominee kind, district and field (5 queries).

    The totals are the sums by kind: every dossier has exactly one kind.
    """
    received = received_dossiers().filter(round=round)
    by_kind = counts_by_kind(round=round)
    districts = _received_and_awarded(received, "district_id")
    by_district = [
        StatRow(unit.code, unit.name, *districts.get(unit.pk, (0, 0)))
        for unit in portal_district_list()
    ]
    fields = _received_and_awarded(received, "field_id")
    by_field = [
        StatRow(f.code, f.display_name, *fields.get(f.pk, (0, 0)))
        for f in FieldOfActivity.objects.order_by("order", "code")
    ]
    return RoundStats(
        round=round,
        received=sum(row.received for row in by_kind),
        awarded=sum(row.awarded for row in by_kind),
        by_kind=by_kind,
        by_district=by_district,
        by_field=by_field,
    )


def dossier_counts(*, district_ids, year: int) -> dict[int, tuple[int, int]]:
    """{district id: (dossiers received, dossiers awarded)} in the round of ``year``, one query;
    the figures the indicators app computes from."""
    ids = list(district_ids)
    rows = _received_and_awarded(
        received_dossiers().filter(round__year=year, district__in=ids), "district_id"
    )
    return {pk: rows.get(pk, (0, 0)) for pk in ids}
