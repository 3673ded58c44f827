"""Workflow state machines: a table of allowed transitions per model, enforced in services.

Also the two guards every write path shares: the version a form or an API client read
(``check_version``, which covers the first save of a record too), and the one-time token of a
create form (``create_once``).
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, migrations, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)

NEW = 0
"""The version a form or an API client carries when it read no record: none existed yet."""


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


# SQLSTATE of a unique and of an exclusion constraint's violation (PostgreSQL).
COLLISION_SQLSTATES = {"23505", "23P01"}
COLLISION_MESSAGE = _(
    "Someone else saved the same record at the same moment, so nothing was saved. Read it "
    "again, then send your change again if it is still needed."
)


def is_write_collision(error: IntegrityError) -> bool:
    """Whether ``error`` is two writes of the same record meeting at a unique constraint (a
    conflict to answer with 409), not a broken rule of our own (NOT NULL, a check, a foreign
    key: a defect, to answer with a server error and be looked at)."""
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in COLLISION_SQLSTATES
    return "UNIQUE constraint failed" in str(error)  # SQLite names no SQLSTATE


def check_version(obj: models.Model | None, expected_version: int | None) -> None:
    """Refuse a save made from a form that was loaded before someone else's save.

    ``obj`` is the record as it is now, locked (None: there is none yet); ``expected_version``
    the version the user read: ``NEW`` (0) when the form was opened while no record existed, so
    a first save finding that someone else has meanwhile created the record is refused too
    instead of replacing it. None means the caller works without a form (an import, a
    command): nothing to compare. Pages and the API always send a version.
    """
    if expected_version is None:
        return
    current = NEW if obj is None else obj.version
    if current == expected_version:
        return
    if expected_version == NEW:
        raise ConflictError(
            _(
                "Someone else created this record while you were writing yours, so nothing was "
                "saved: yours would have replaced theirs. Reload the page to see theirs, then "
                "make your changes on it."
            )
        )
    raise ConflictError(
        _(
            "Someone else changed this record after you opened it. Reload the page, then "
            "make your changes again."
        )
    )


def serialise(*key: object) -> None:
    """Make the transactions writing the slot ``key`` wait for each other until they end.

    For a record created on first save (a district's review of a period): ``serialise(
    "districts.InterimReview", district.pk, period.pk)`` before reading it makes a second
    writer wait until the first has committed and then see its record, instead of both seeing
    none and the second failing on the unique constraint. A PostgreSQL advisory lock held
    until the transaction ends; SQLite already runs one writer at a time.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("serialise() needs a transaction.")
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def sent_before(*, user, token: object) -> models.Model | None:
    """What the create form with ``token`` (as sent: any text) created for ``user`` earlier,
    if it has been sent before; checked before the form, whose rules may now refuse a copy (the
    ward that had no centre has one now)."""
    from learningcity.models import SentForm

    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    sent = SentForm.objects.filter(token=token, user=user).first()
    return sent.created if sent else None


def create_once(*, user, token: uuid.UUID | None, create: Callable[[], M]) -> tuple[M, bool]:
    """Run ``create`` once per form token; returns ``(record, created)``.

    The second request with a token (the form sent twice) waits for the first one to finish,
    then gets the record it created and ``created`` False, without creating anything. If the
    first one failed, nothing was recorded and the second one runs ``create`` itself. Without a
    token (a client that sends none) ``create`` simply runs.
    """
    from learningcity.models import SentForm

    if token is None:
        return create(), True
    with transaction.atomic():
        # The insert of a token another request is inserting waits for that request's end.
        sent, fresh = SentForm.objects.get_or_create(token=token, defaults={"user": user})
        if not fresh:
            if sent.user_id != user.pk:
                raise PermissionDenied(_("You do not have permission to do this."))
            earlier = sent.created
            if earlier is None:
                raise ConflictError(
                    _("This form was already sent, and what it created has since been removed.")
                )
            return earlier, False
        obj = create()
        sent.content_type = ContentType.objects.get_for_model(obj)
        sent.object_id = obj.pk
        sent.save(update_fields=["content_type", "object_id"])
        return obj, True


# A form sent again (a double click, a browser resending it) comes within seconds or hours;
# after a week its token only takes room.
SENT_FORMS_KEPT = datetime.timedelta(days=7)


def sent_forms_purge() -> int:
    """Forget the tokens of create forms sent longer than SENT_FORMS_KEPT ago; how many."""
    from learningcity.models import SentForm

    deleted, _ = SentForm.objects.filter(sent_at__lt=timezone.now() - SENT_FORMS_KEPT).delete()
    return deleted


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
