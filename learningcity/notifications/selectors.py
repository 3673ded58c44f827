"""Reads for notices: who receives them, a user's list and unread count, e-mail preferences."""

from django.db.models import QuerySet

from learningcity.choices import Role
from learningcity.models import User

from .choices import KINDS_BY_ROLE, NoticeKind
from .models import EmailPreference, Notification


def district_officers(unit_id: int) -> QuerySet[User]:
    """The active district officers of the unit ``unit_id``."""
    return User.objects.filter(role=Role.DISTRICT_OFFICER, unit_id=unit_id, is_active=True)


def department_staff() -> QuerySet[User]:
    """The Department's active administrators and reviewers."""
    return User.objects.filter(
        role__in=[Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER], is_active=True
    )


def notice_list(*, user, unread: bool = False) -> QuerySet[Notification]:
    """``user``'s own notices, newest first (never anyone else's)."""
    notices = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    return notices.filter(read_at__isnull=True) if unread else notices


def unread_count(*, user) -> int:
    """How many of ``user``'s notices are unread: one query on a partial index."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def kinds_for(user) -> list[NoticeKind]:
    """The kinds of notice ``user``'s role receives, in the order of NoticeKind."""
    kinds = KINDS_BY_ROLE.get(user.role, tuple(NoticeKind))
    return [kind for kind in NoticeKind if kind in kinds]


def email_preferences(*, user) -> dict[str, bool]:
    """Whether ``user`` wants each kind by e-mail (every kind; on unless turned off)."""
    chosen = dict(EmailPreference.objects.filter(user_id=user.pk).values_list("kind", "enabled"))
    return {kind.value: chosen.get(kind.value, True) for kind in NoticeKind}
