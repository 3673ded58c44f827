"""Import previews: a previewed file waits for its confirmation, is used once, and is deleted
with its record when it is never confirmed (beat's ``purge-import-previews``).

The same checks run against a bucket in tests/learningcity/test_object_storage.py."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
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
