"""The portal's Celery queues (README.md, Celery workers): report compiles on `reports`, every
other task, the beat schedule's included, on `default`; a lost job comes back."""

from datetime import timedelta

from django.conf import settings

from learningcity.celery import app
from tests.learningcity.test_settings import STRONG_KEY, run_manage


def queue_of(task_name: str, **options) -> str:
    """The queue a task is sent to, as delay() and the beat scheduler route it."""
    return app.amqp.router.route(options, task_name)["queue"].name


def test_report_compiles_go_to_the_reports_queue_and_everything_else_to_default():
    assert queue_of("learningcity.reports.tasks.compile_report") == "reports"
    assert queue_of("learningcity.tasks.purge_expired_sessions") == "default"
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert queue_of(entry["task"], **entry.get("options", {})) == "default", name
    # What a worker started without -Q consumes.
    assert set(app.amqp.queues) == {"default", "reports"}


def test_a_job_is_acknowledged_when_done_and_comes_back_after_the_longest_report():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    visibility_timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timedelta(seconds=visibility_timeout) > settings.REPORTS_STALE_AFTER


def test_production_refuses_a_visibility_timeout_shorter_than_the_longest_report():
    result = run_manage(
        "check",
        SECRET_KEY=STRONG_KEY,
        MEDIA_ROOT="/srv/media",
        CELERY_VISIBILITY_TIMEOUT="600",
        REPORTS_STALE_MINUTES="30",
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT" in result.stderr
