from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from learningcity.tasks import purge_expired_sessions


def test_purge_expired_sessions_deletes_only_expired_ones(db):
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))

    # apply() runs the task in this process whatever CELERY_TASK_ALWAYS_EAGER says.
    result = purge_expired_sessions.apply()

    assert result.get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
