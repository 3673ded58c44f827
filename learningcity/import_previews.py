"""The file an officer previews, kept between the preview and the confirmation of an import.

Imports are previewed (checked, nothing written), then confirmed; any web process may serve the
confirmation, so the file waits in the default storage (the filesystem or an S3 bucket) with an
``ImportPreview`` row. A confirmation uses the preview once: a second one (a double click, a
replayed form) is told so and writes nothing. Previews never confirmed are deleted with their
files by ``import_previews_purge`` (beat runs it hourly).
"""

import datetime
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ImportPreview, User

logger = logging.getLogger(__name__)
Outcome = TypeVar("Outcome")
# Seconds between the preview and the confirmation: the signed token expires then.
CONFIRM_MAX_AGE = 3600


class PreviewUnavailable(Exception):
    """The preview was already confirmed, or has been deleted; ``message`` says so."""

    message = _(
        "This import was already confirmed, or its preview has expired. Upload the file again."
    )


def import_preview_store(*, user: User, kind: str, upload) -> ImportPreview:
    """Keep ``upload`` (already checked by a dry run) for ``user``'s confirmation."""
    upload.seek(0)
    preview = ImportPreview(kind=kind, user=user)
    preview.file.save("preview.xlsx", upload, save=False)
    try:
        preview.save()
    except Exception:
        preview.file.storage.delete(preview.file.name)
        raise
    return preview


def _discard_file(pk: int, name: str) -> None:
    ImportPreview._meta.get_field("file").storage.delete(name)
    ImportPreview.objects.filter(pk=pk, file=name).update(file="")


def import_preview_confirm(
    *, preview_id: int, user: User, kind: str, run: Callable[..., Outcome]
) -> Outcome:
    """``run(file)`` on the previewed file, once: the preview is locked while it runs, then
    marked confirmed and its file deleted after the commit, whatever the outcome.

    Raises PreviewUnavailable when the preview is not ``user``'s of ``kind``, was already
    confirmed, or is gone (deleted by the purge or from the storage).
    """
    with transaction.atomic():
        preview = (
            ImportPreview.objects.select_for_update()
            .filter(pk=preview_id, kind=kind, user=user, confirmed_at__isnull=True)
            .first()
        )
        if preview is None or not preview.file:
            raise PreviewUnavailable
        try:
            with preview.file.open("rb") as upload:
                outcome = run(upload)
        except FileNotFoundError as exc:
            raise PreviewUnavailable from exc
        preview.confirmed_at = timezone.now()
        preview.save(update_fields=["confirmed_at"])
        name = preview.file.name
        transaction.on_commit(lambda: _discard_file(preview.pk, name), robust=True)
    return outcome


def import_previews_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the previews older than ``IMPORT_PREVIEW_HOURS`` never confirmed, with their files,
    and the files confirmed previews could not delete then. Returns how many were deleted.

    A preview being confirmed at the same moment is left for the next run."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    stale = ImportPreview.objects.filter(created_at__lt=cutoff).filter(
        Q(confirmed_at__isnull=True) | ~Q(file="")
    )
    deleted = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            preview = stale.select_for_update(skip_locked=True).filter(pk=pk).first()
            if preview is None:
                continue
            if preview.file:
                preview.file.storage.delete(preview.file.name)
            if preview.confirmed_at is None:
                preview.delete()
                deleted += 1
            else:
                ImportPreview.objects.filter(pk=pk).update(file="")
    if deleted:
        logger.info("Deleted %s import previews never confirmed.", deleted)
    return deleted


# --- the pages' two steps ------------------------------------------------------------------------


def preview_token(*, user: User, kind: str, upload, scope: dict) -> str:
    """Keep the checked ``upload`` and sign what the confirm button sends back: the preview and
    the ``scope`` (e.g. ``{"committee": 12}``) the import was previewed for."""
    preview = import_preview_store(user=user, kind=kind, upload=upload)
    return signing.dumps({**scope, "preview": preview.pk, "user": user.pk}, salt=kind)


def import_confirm_request(
    request, *, kind: str, scope: dict, run: Callable[..., Outcome], again: str
) -> Outcome | HttpResponse:
    """The confirmation of a previewed import, as a page answers it: what ``run(file)``
    returned, or a redirect to ``again`` with a message when the token has expired or the
    preview was already used. A token of another user or scope is refused."""
    try:
        data = signing.loads(request.POST["token"], salt=kind, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, gettext("The preview has expired. Upload the file again."))
        return redirect(again)
    if data.get("user") != request.user.pk or any(data.get(k) != v for k, v in scope.items()):
        raise PermissionDenied(gettext("You do not have permission to do this."))
    try:
        return import_preview_confirm(
            preview_id=data.get("preview"), user=request.user, kind=kind, run=run
        )
    except PreviewUnavailable as exc:
        messages.error(request, exc.message)
        return redirect(again)
