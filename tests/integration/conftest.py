"""Fixtures of the integration tests: real processes (Celery workers, gunicorn) on the test
database, the Redis at TEST_REDIS_URL and, where needed, a moto S3 server.

Unlike the worker tests elsewhere (one private queue per run), these use the portal's own queues,
`reports` and `default` (CELERY_TASK_ROUTES), because the processes they start route jobs as in
production. So TEST_REDIS_URL must be a Redis database of this run's own; both queues, and any
job a killed worker left unacknowledged in them, are emptied before and after each test.
"""

import json
import os
import time

import kombu.pools
import pytest
import redis

from learningcity.celery import app
from tests.learningcity.test_celery_worker import (
    CELERY_ENV_OVERRIDES,
    REDIS_URL,
    drop_connections,
    require_redis,
)

PORTAL_QUEUES = ("default", "reports")


def empty_portal_queues() -> None:
    """Drop waiting jobs of the portal's queues, and unacknowledged ones a killed worker left."""
    with app.connection_for_write() as conn:
        for name in PORTAL_QUEUES:
            app.amqp.queues[name](conn.default_channel).purge()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for tag, entry in client.hscan_iter("unacked"):
            _payload, exchange, routing_key = json.loads(entry)
            if exchange in PORTAL_QUEUES or routing_key in PORTAL_QUEUES:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


@pytest.fixture
def portal_broker(monkeypatch):
    """This process's Celery app on Redis with the portal's routing, as a web process has it."""
    require_redis()
    for name in CELERY_ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    test_conf = {"broker_url": REDIS_URL, "result_backend": REDIS_URL, "task_always_eager": False}
    saved_conf = {key: app.conf[key] for key in test_conf}
    kombu.pools.reset()
    drop_connections(app)
    app.conf.update(test_conf)
    try:
        empty_portal_queues()
        yield REDIS_URL
        empty_portal_queues()
    finally:
        drop_connections(app)
        app.conf.update(saved_conf)
        kombu.pools.reset()


@pytest.fixture
def shared_media(monkeypatch, settings, tmp_path):
    """A MEDIA_ROOT that this test and the processes it starts (they inherit the environment)
    share, when files are stored on the filesystem."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    # Overridden settings forget their module; the processes are started with this one.
    settings.SETTINGS_MODULE = os.environ["DJANGO_SETTINGS_MODULE"]
    return media


def wait_until(condition, *, timeout: float, what: str, explain=lambda message: message):
    """Poll ``condition`` until it answers something true; fail with ``explain(...)`` if not."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(explain(f"Timed out after {timeout}s waiting for {what}"))
        time.sleep(0.05)
