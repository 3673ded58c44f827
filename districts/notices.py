"""Notices of the interim reviews' workflow (learningcity.notifications): who is told what.

Called by the services inside their transaction, so nothing is sent if the step is undone.
"""

from django.urls import reverse
from django.utils.translation import gettext

from learningcity.notifications.choices import NoticeKind
from learningcity.notifications.services import department_staff, district_officers, notify

from .models import InterimReview


def _url(review: InterimReview) -> str:
    return reverse("districts:review", args=[review.pk])


def _names(review: InterimReview) -> dict[str, str]:
    return {"district": review.district.name, "period": str(review.period)}


def review_submitted(review: InterimReview, *, actor) -> int:
    """To the Department, which acknowledges or returns it."""
    return notify(
        department_staff().exclude(pk=actor.pk),
        kind=NoticeKind.SUBMITTED,
        url=_url(review),
        render=lambda: (
            gettext("Interim review submitted: %(district)s, %(period)s") % _names(review),
            gettext(
                "%(district)s sent its interim review of %(period)s. Acknowledge it or return "
                "it with a comment."
            )
            % _names(review),
        ),
    )


def review_returned(review: InterimReview, *, actor) -> int:
    """To the district's officers, with what to change."""
    return notify(
        district_officers(review.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.RETURNED,
        url=_url(review),
        render=lambda: (
            gettext("Interim review returned: %(period)s") % _names(review),
            gettext(
                "The Department returned your district's interim review of %(period)s. "
                "Its comment: %(comment)s"
            )
            % {**_names(review), "comment": review.review_comment},
        ),
    )


def review_acknowledged(review: InterimReview, *, actor) -> int:
    """To the district's officers."""

    def render():
        body = gettext(
            "The Department acknowledged your district's interim review of %(period)s."
        ) % _names(review)
        if review.review_comment:
            body += "\n" + gettext("Its comment: %(comment)s") % {"comment": review.review_comment}
        return gettext("Interim review acknowledged: %(period)s") % _names(review), body

    return notify(
        district_officers(review.district_id).exclude(pk=actor.pk),
        kind=NoticeKind.APPROVED,
        url=_url(review),
        render=render,
    )
