"""Fixtures of the integration tests: real processes (Celery workers, gunicorn) on the test
database, the Redis at TEST_REDIS_URL and, where needed, a moto S3 server.

Unlike the worker tests elsewhere (one private queue per run), these use the portal's own queues,
`reports` and `default` (CELERY_TASK_ROUTES), because the processes they start route jobs as in
production. So TEST_REDIS_URL must be a Redis database of this run's own; both queues, and any
job a killed worker left unacknowledged in them, are emptied before and after each test.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NoReturn
from urllib.error import URLError

import kombu.pools
import pytest
import redis
from django.conf import settings

from learningcity.celery import app
from tests.learningcity.test_celery_worker import (
    CELERY_ENV_OVERRIDES,
    REDIS_URL,
    drop_connections,
    require_redis,
)
from tests.object_storage import free_port

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


def missing(message: str) -> NoReturn:
    """Skip for want of a tool or service; fail in CI, where everything must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def gunicorn_command() -> str:
    beside_python = Path(sys.executable).with_name("gunicorn")
    if beside_python.exists():
        return str(beside_python)
    if shutil.which("gunicorn"):
        return "gunicorn"
    missing("gunicorn is not installed: pip install -e .")


class Instance:
    """A gunicorn process serving learningcity.wsgi on a loopback port, started as the image
    starts it: with gunicorn.conf.py (access log, metrics of all workers)."""

    def __init__(self, name: str, environment: dict, log_path: Path, *, workers: int = 1, extra=()):
        self.name, self.log_path = name, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    gunicorn_command(),
                    *("learningcity.wsgi:application", "--config", "gunicorn.conf.py"),
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), *extra),
                ],
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def failure(self, message: str) -> str:
        return f"{message}\n--- instance {self.name} output ---\n{self.output()}"

    def answers(self) -> bool:
        assert self.process.poll() is None, self.failure("gunicorn exited")
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                return answer.status == 200
        except (URLError, OSError):
            return False

    def wait_ready(self, timeout: float = 60):
        wait_until(
            self.answers,
            timeout=timeout,
            what=f"instance {self.name} to answer /healthz",
            explain=self.failure,
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
