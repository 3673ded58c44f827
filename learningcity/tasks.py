"""Celery tasks of the portal itself; the beat schedule is in settings (CELERY_BEAT_SCHEDULE)."""

from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .import_previews import import_previews_purge
from .workflow import sent_forms_purge


@shared_task
def purge_expired_sessions() -> int:
    """Delete expired sessions and return how many there were.

    Django never deletes expired sessions by itself (that is `manage.py clearsessions`), so the
    session table would grow with every login; beat runs this nightly instead of a cron job.
    """
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        expired = session_store.get_model_class().objects.filter(expire_date__lt=timezone.now())
        count = expired.count()
        session_store.clear_expired()
    return count


@shared_task
def purge_import_previews() -> int:
    """Delete import previews never confirmed, and their uploaded files, after a day."""
    return import_previews_purge()


@shared_task
def purge_sent_forms() -> int:
    """Forget the tokens of create forms sent more than a week ago; returns how many."""
    return sent_forms_purge()
