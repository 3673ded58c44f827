"""Workflow state machines: a table of allowed transitions per model, enforced in services."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConflictError(ValidationError):
    """The row changed since the user loaded it (another reviewer acted first, a stale form)."""


def transition(obj: models.Model, *, action: str, table: dict[tuple[str, str], str]) -> str:
    """Move ``obj`` (locked, freshly read) along ``action``; returns the new status.

    Call inside a transaction with ``obj`` fetched by ``select_for_update()``, so two people
    acting at once are serialised and the second one sees the first one's result.
    """
    target = table.get((obj.status, action))
    if target is None:
        raise ConflictError(
            _("This cannot be done now: the record is “%(status)s”. Reload the page to see it.")
            % {"status": obj.get_status_display()}
        )
    obj.status = target
    obj.status_changed_at = timezone.now()
    return target


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """Refuse a save made from a form that was loaded before someone else's save."""
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this record after you opened it. Reload the page, then "
                "make your changes again."
            )
        )
