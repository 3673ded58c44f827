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


def _reaches_unit(user, unit_id: int | None, action: Action) -> bool:
    scope = reach(user, action)
    return scope == "all" or (scope == "own" and unit_id is not None and unit_id == user.unit_id)


def may_view_unit(user, unit_id: int | None) -> bool:
    """Whether ``user`` may read the data owned by the unit ``unit_id``: its pages, its rows of
    an aggregate (roll-ups, comparisons, boards) and their exports."""
    return _reaches_unit(user, unit_id, Action.VIEW)


def restrict_units(units: models.QuerySet, user) -> models.QuerySet:
    """Administrative units narrowed to those whose data ``user`` may read.

    Units are reference data (``restrict()`` returns them all: anyone may know a district's
    name), but the figures a page, an export or the API shows per unit are the unit's own data
    (its learning centres, indicator values, committee and plan): such an aggregate lists one
    row per unit of ``restrict_units()``, never more. Its total over every unit is a figure of
    the programme that every signed-in user reads. (The award statistics by district are
    published figures, like the public list of awards, and are not narrowed.)
    """
    scope = reach(user, Action.VIEW)
    if scope == "all":
        return units
    if scope == "own" and user.unit_id is not None:
        return units.filter(pk=user.unit_id)
    return units.none()


def restrict_unit_rows(rows, user, unit=lambda row: row[0]) -> list:
    """The rows of an aggregate worked out per unit (``unit(row)`` is the row's unit) that
    ``user`` may read, in their order: ``restrict_units()`` for rows already computed."""
    return [row for row in rows if may_view_unit(user, unit(row).pk)]


def may_read_drafts(user) -> bool:
    """Whether ``user`` reads a district's drafts (reviews, values, centre reports, dossiers)
    in their scope: those who write them, the district's officers and the Department
    administrator. Reviewers and the API consumer see a record from its submission on."""
    return user.role in (Role.DISTRICT_OFFICER, Role.DEPARTMENT_ADMIN)


def may_see_personal_data(user, unit_id: int | None) -> bool:
    """Whether ``user`` may see personal data of people of the unit ``unit_id``: officers'
    names with their e-mail addresses, a learning centre's director, phone and e-mail, an
    award nominee's contact and identity papers.

    The Department (administrators and reviewers) sees everyone's; a district officer sees
    those of their own district only. Nobody else: not the API consumer (which reads the
    programme's figures, not people), not another district's officers.
    """
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role in (Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_REVIEWER):
        return True
    return user.role == Role.DISTRICT_OFFICER and unit_id is not None and user.unit_id == unit_id


def may_change_unit(user, unit_id: int | None) -> bool:
    """Whether ``user`` may create or change data owned by the unit ``unit_id``."""
    return _reaches_unit(user, unit_id, Action.CHANGE)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: Action = Action.VIEW) -> models.QuerySet:
        return restrict(self, user, action)


def ensure_may_change_unit(user, unit_id: int | None) -> None:
    """Raise PermissionDenied unless ``user`` may create data owned by the unit ``unit_id``."""
    if not may_change_unit(user, unit_id):
        raise PermissionDenied(_("You do not have permission to do this."))
