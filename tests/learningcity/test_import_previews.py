"""Import previews: a previewed file waits for its confirmation, is used once, and is deleted
with its record when it is never confirmed (beat's ``purge-import-previews``).

The same checks run against a bucket in tests/learningcity/test_object_storage.py."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection
from django.utils import timezone

from learningcity.celery import app
from learningcity.import_previews import (
    PreviewUnavailable,
    import_preview_confirm,
    import_preview_store,
)
from learningcity.models import ImportPreview
from learningcity.tasks import purge_import_previews
from tests.factories import UserFactory
from tests.integration.conftest import missing

KIND = "districts.members"
CONTENT = b"PK\x03\x04 the officer's workbook"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def user(db):
    return UserFactory(username="officer")


def stored(user, *, hours_ago: float = 0) -> ImportPreview:
    preview = import_preview_store(
        user=user, kind=KIND, upload=ContentFile(CONTENT, name="members.xlsx")
    )
    preview.created_at = timezone.now() - timedelta(hours=hours_ago)
    preview.save(update_fields=["created_at"])
    return preview


def confirmed(user, capture, *, hours_ago: float = 0) -> ImportPreview:
    preview = stored(user, hours_ago=hours_ago)
    with capture(execute=True):
        read = import_preview_confirm(
            preview_id=preview.pk, user=user, kind=KIND, run=lambda upload: upload.read()
        )
    assert read == CONTENT
    preview.refresh_from_db()
    return preview


def files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in Path(media).rglob("*") if p.is_file())


def test_a_preview_is_confirmed_once_and_its_file_deleted(
    media, user, django_capture_on_commit_callbacks
):
    preview = confirmed(user, django_capture_on_commit_callbacks)
    assert preview.confirmed_at is not None and not preview.file
    assert files(media) == []
    ran = []
    with pytest.raises(PreviewUnavailable):
        import_preview_confirm(preview_id=preview.pk, user=user, kind=KIND, run=ran.append)
    assert ran == []


def test_a_preview_is_only_its_users_and_of_its_kind(media, user):
    preview = stored(user)
    other = UserFactory(username="colleague")
    ran = []
    for who, kind in ((other, KIND), (user, "clc.centres")):
        with pytest.raises(PreviewUnavailable):
            import_preview_confirm(preview_id=preview.pk, user=who, kind=kind, run=ran.append)
    assert ran == [] and ImportPreview.objects.get().confirmed_at is None


def test_the_purge_deletes_old_unconfirmed_previews_with_their_files(
    media, user, django_capture_on_commit_callbacks
):
    hours = django_settings.IMPORT_PREVIEW_HOURS
    old = stored(user, hours_ago=hours + 1)
    fresh = stored(user, hours_ago=hours - 1)
    done = confirmed(user, django_capture_on_commit_callbacks, hours_ago=hours + 5)
    assert files(media) == sorted([old.file.name, fresh.file.name])

    # apply() runs the task in this process whatever CELERY_TASK_ALWAYS_EAGER says.
    assert purge_import_previews.apply().get() == 1

    assert set(ImportPreview.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
    assert files(media) == [fresh.file.name]
    kept = ImportPreview.objects.get(pk=done.pk)
    assert (kept.confirmed_at, kept.file.name, kept.created_at) == (
        done.confirmed_at,
        "",
        done.created_at,
    )
    assert purge_import_previews.apply().get() == 0  # running again changes nothing


def test_the_purge_deletes_a_file_a_confirmation_left_behind(media, user):
    """The file is deleted after the confirmation commits; if the storage failed then, the
    purge deletes it later and keeps the confirmed record."""
    preview = stored(user, hours_ago=django_settings.IMPORT_PREVIEW_HOURS + 1)
    ImportPreview.objects.filter(pk=preview.pk).update(confirmed_at=timezone.now())
    assert purge_import_previews.apply().get() == 0
    assert files(media) == []
    assert ImportPreview.objects.get().file.name == ""


def test_the_purge_is_in_beats_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-import-previews"]
    assert entry["task"] == "learningcity.tasks.purge_import_previews"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == set(range(24))  # hourly: nothing outlives its day by much


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirmations_at_once_run_the_import_once(media):
    """The first confirmation holds the preview's lock while its import runs; the second waits
    for it, then finds the preview used. Whichever order the threads really run in, the import
    runs once and the other confirmation is told so."""
    if connection.vendor != "postgresql":
        missing("Concurrent confirmations need PostgreSQL: set DATABASE_URL=postgres://…")
    user = UserFactory(username="officer")
    preview = stored(user)
    running, release = threading.Event(), threading.Event()
    runs, refused, errors = [], [], []

    def run(upload):
        runs.append(upload.read())
        running.set()
        release.wait(timeout=30)
        return len(runs)

    def confirm():
        try:
            import_preview_confirm(preview_id=preview.pk, user=user, kind=KIND, run=run)
        except PreviewUnavailable:
            refused.append(True)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            running.set()
            close_old_connections()

    first, second = threading.Thread(target=confirm), threading.Thread(target=confirm)
    first.start()
    running.wait(timeout=30)
    second.start()
    second.join(timeout=0.5)  # the second is waiting for the lock held by the first
    release.set()
    for thread in (first, second):
        thread.join(timeout=60)
    assert errors == []
    assert runs == [CONTENT] and refused == [True]
    assert ImportPreview.objects.get().confirmed_at is not None
