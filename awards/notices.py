"""Notices of the nomination dossiers' workflow (learningcity.notifications).

Called by the services inside their transaction, so nothing is sent if the step is undone.
"""

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext

from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.services import department_staff, district_officers, notify

from .models import Decision, Dossier


def _url(dossier: Dossier) -> str:
    return reverse("awards:dossier", args=[dossier.pk])


def _names(dossier: Dossier) -> dict[str, str]:
    return {
        "code": dossier.code,
        "nominee": dossier.nominee_name,
        "district": dossier.district.name,
    }


def dossier_submitted(dossier: Dossier, *, actor) -> int:
    """To the Department, which receives or returns it."""
    return notify(
        department_staff().exclude(pk=actor.pk),
        kind=NoticeKind.SUBMITTED,
        url=_url(dossier),
        render=lambda: (
            gettext("Dossier submitted: %(code)s, %(nominee)s") % _names(dossier),
            gettext(
                "%(district)s sent the nomination dossier %(code)s (%(nominee)s). Receive it "
                "or return it saying what to add."
            )
            % _names(dossier),
        ),
    )


def dossier_returned(dossier: Dossier, *, actor, reason: str) -> int:
    """To the nominating district's officers, with what to add."""
    return notify(
        district_officers(dossier.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.RETURNED,
        url=_url(dossier),
        render=lambda: (
            gettext("Dossier returned: %(code)s, %(nominee)s") % _names(dossier),
            gettext(
                "The Department returned the nomination dossier %(code)s (%(nominee)s). "
                "What to add: %(reason)s"
            )
            % {**_names(dossier), "reason": reason},
        ),
    )


def dossier_awarded(dossier: Dossier, *, actor, decision: Decision) -> int:
    """To the nominating district's officers."""
    return notify(
        district_officers(dossier.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.DOSSIER_DECIDED,
        url=_url(dossier),
        render=lambda: (
            gettext("Dossier awarded: %(code)s, %(nominee)s") % _names(dossier),
            gettext("The nomination %(code)s (%(nominee)s) is awarded by %(decision)s.")
            % {**_names(dossier), "decision": str(decision)},
        ),
    )


def dossier_rejected(dossier: Dossier, *, actor, reason: str) -> int:
    """To the nominating district's officers, with the reason."""
    return notify(
        district_officers(dossier.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.DOSSIER_DECIDED,
        url=_url(dossier),
        render=lambda: (
            gettext("Dossier not awarded: %(code)s, %(nominee)s") % _names(dossier),
            gettext("The nomination %(code)s (%(nominee)s) is not awarded. Reason: %(reason)s")
            % {**_names(dossier), "reason": reason},
        ),
    )


def dossiers_awarded(dossiers: list[Dossier], *, actor, decision: Decision) -> int:
    prefetch_related_objects(dossiers, "district")
    return sum(dossier_awarded(d, actor=actor, decision=decision) for d in dossiers)


def dossiers_rejected(dossiers: list[Dossier], *, actor, reason: str) -> int:
    prefetch_related_objects(dossiers, "district")
    return sum(dossier_rejected(d, actor=actor, reason=reason) for d in dossiers)
