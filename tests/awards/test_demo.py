"""The awards demo: the 2024 round exactly as the city reported it, every dossier looking as if it
had gone through the workflow; a 2025 round in progress; loading twice changes nothing."""

import time
from collections import Counter

from awards import selectors
from awards.choices import AttachmentKind, CommentStatus, DossierAction, DossierStatus
from awards.models import Decision, Dossier, DossierEvent, PublicComment, Round

from .helpers import load_demo


def test_the_2024_round_is_the_reported_one(hcmc):
    started = time.monotonic()
    load_demo()
    assert time.monotonic() - started < 15
    round = Round.objects.get(year=2024)
    stats = selectors.round_stats(round=round)
    assert (stats.received, stats.awarded) == (103, 65)
    kinds = {row.key: (row.received, row.awarded) for row in stats.by_kind}
    assert kinds == {"individual": (30, 16), "household": (5, 1), "collective": (68, 48)}
    assert sum(1 for row in stats.by_district if row.received) == 22
    assert sum(1 for row in stats.by_field if row.received) == 5

    decision = Decision.objects.get(round=round)
    assert decision.dossiers.count() == 65
    dossiers = list(round.dossiers.prefetch_related("events", "attachments"))
    assert Counter(d.status for d in dossiers) == {"awarded": 65, "rejected": 38}
    assert sorted(d.code for d in dossiers)[0] == "KT-2024-0001"
    assert round.last_number == 103
    for dossier in dossiers:
        dossier.full_clean()
        timeline = sorted(dossier.events.all(), key=lambda e: (e.at, e.pk))
        assert timeline[0].action == DossierAction.CREATE
        status = DossierStatus.DRAFT
        for event in timeline[1:]:
            assert Dossier.TRANSITIONS[(status, event.action)] == event.to_status
            assert event.from_status == status and event.actor is not None
            status = event.to_status
        assert status == dossier.status and dossier.version == len(timeline)
        rows = dossier.history.order_by("history_date", "history_id")
        assert [h.status for h in rows] == [e.to_status for e in timeline]
        assert [h.history_user_id for h in rows] == [e.actor_id for e in timeline]
        kinds = {a.kind for a in dossier.attachments.all()}
        assert AttachmentKind.ACHIEVEMENT_REPORT in kinds
        assert dossier.vote.recommends() == (
            DossierAction.RECOMMEND in [e.action for e in timeline]
        )
    returned = DossierEvent.objects.filter(dossier__round=round, action="return")
    assert returned.exists() and all(e.reason for e in returned)


def test_the_2025_round_is_in_progress_and_loading_twice_changes_nothing(hcmc):
    load_demo()
    round = Round.objects.get(year=2025)
    states = Counter(round.dossiers.values_list("status", flat=True))
    assert len(states) >= 7 and "awarded" not in states
    assert round.is_open_for_comment() and round.is_open_for_intake()
    assert selectors.public_nominees(round=round)
    comments = Counter(PublicComment.objects.values_list("status", flat=True))
    assert comments[CommentStatus.APPROVED] and comments[CommentStatus.PENDING]
    own = round.dossiers.filter(district__code="760").values_list("status", flat=True)
    assert len(set(own)) >= 3  # the demo officer of Quận 1 has work in several states
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), Dossier.history.count())
    load_demo()
    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Dossier.history.count(),
    ) == counts
