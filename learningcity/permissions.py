"""The one place that decides which rows a user may see or change.

Every view, viewset, export and import narrows its queryset with ``restrict()``; every service
re-checks the object it is about to save with ``ensure_allowed()`` inside its transaction.

A model declares ``unit_scope``: the lookup path from the model to the administrative unit
that owns a row (``"unit"``, ``"committee__district"``). A model with ``unit_scope = None`` is
reference data: every signed-in user reads it and only Department administrators change it.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    REVIEW = "review"


# Which rows each role reaches for each action: "all", "own" (its unit's) or "none".
ACCESS: dict[str, dict[Action, str]] = {
    Role.DEPARTMENT_ADMIN: {Action.VIEW: "all", Action.CHANGE: "all", Action.REVIEW: "all"},
    Role.DEPARTMENT_REVIEWER: {Action.VIEW: "all", Action.CHANGE: "none", Action.REVIEW: "all"},
    Role.DISTRICT_OFFICER: {Action.VIEW: "own", Action.CHANGE: "own", Action.REVIEW: "none"},
    Role.API_CONSUMER: {Action.VIEW: "all", Action.CHANGE: "none", Action.REVIEW: "none"},
}


def reach(user, action: Action) -> str:
    """ "all", "own" or "none": how far ``user`` reaches for ``action`` on unit-owned data."""
    if not (user and user.is_authenticated and user.is_active):
        return "none"
    return ACCESS.get(user.role, {}).get(Action(action), "none")


def restrict(queryset: models.QuerySet, user, action: Action = Action.VIEW) -> models.QuerySet:
    """``queryset`` narrowed to the rows ``user`` may ``action``."""
    scope = reach(user, action)
    path = getattr(queryset.model, "unit_scope", None)
    if path is None:  # reference data
        if scope == "none" or (action != Action.VIEW and user.role != Role.DEPARTMENT_ADMIN):
            return queryset.none()
        return queryset
    if scope == "all":
        return queryset
    if scope == "own" and user.unit_id is not None:
        return queryset.filter(**{path: user.unit_id})
    return queryset.none()


def ensure_allowed(user, obj: models.Model, action: Action = Action.CHANGE) -> None:
    """Raise PermissionDenied unless ``user`` may ``action`` the saved row ``obj``."""
    allowed = restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))


def may_change_unit(user, unit_id: int | None) -> bool:
    """Whether ``user`` may create or change data owned by the unit ``unit_id``."""
    scope = reach(user, Action.CHANGE)
    return scope == "all" or (scope == "own" and unit_id is not None and unit_id == user.unit_id)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: Action = Action.VIEW) -> models.QuerySet:
        return restrict(self, user, action)


def ensure_may_change_unit(user, unit_id: int | None) -> None:
    """Raise PermissionDenied unless ``user`` may create data owned by the unit ``unit_id``."""
    if not may_change_unit(user, unit_id):
        raise PermissionDenied(_("You do not have permission to do this."))
