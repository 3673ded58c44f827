"""Workflow state machines: a table of allowed transitions per model, enforced in services."""

from django.core.exceptions import ValidationError
from django.db import migrations, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConflictError(ValidationError):
    """The row changed since the user loaded it (another reviewer acted first, a stale form)."""


def first_submitted_field() -> models.DateTimeField:
    """When a record was first sent for review; ``transition()`` sets it on the first "submit"."""
    return models.DateTimeField(
        _("first submitted at"),
        null=True,
        editable=False,
        help_text=_("When it was first sent for review; timeliness is judged on this."),
    )


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
    if action == "submit" and getattr(obj, "first_submitted_at", False) is None:
        # Timeliness is judged on the first submission: a return and resubmission after the
        # deadline does not make an on-time submission late.
        obj.first_submitted_at = obj.status_changed_at
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


def backfill_first_submission(app_label: str, model_name: str):
    """A migration step that dates each record's first submission from its audit trail.

    Only records without a date get one: run again (the migration rolled back and re-applied),
    it never changes a date already kept, so no record's timeliness changes.
    """

    def backfill(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(app_label, f"Historical{model_name}")
        first = (
            history.objects.filter(id=models.OuterRef("pk"), status="submitted")
            .order_by("history_date")
            .values("history_date")[:1]
        )
        model.objects.filter(first_submitted_at__isnull=True).exclude(status="draft").update(
            first_submitted_at=models.Subquery(first)
        )

    return backfill


class AddFieldKeptOnRollback(migrations.AddField):
    """``AddField`` whose rollback keeps the column and its values in the database.

    Rolled back, the field leaves the migration state but its (nullable) column stays, unseen by
    the older code; re-applied, the column is found and adopted as it is. Dates that cannot be
    derived again (``first_submitted_at``) thus survive a rollback and re-apply of the code.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.name).column
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, model._meta.db_table)
        if column not in {info.name for info in columns}:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"{super().describe()} (kept on rollback)"
