"""End to end: a real Celery worker process, a Redis broker and the test database.

The unit tests run tasks eagerly; this one proves that a task sent from Django reaches a worker
through Redis, that the worker uses the same database, and that the result comes back.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from kombu import Exchange, Queue

from learningcity.celery import app
from learningcity.tasks import purge_expired_sessions

# A transactional test empties every table; restore the rows data migrations seed.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER_READY_TIMEOUT = 60
# Celery reads these from the environment before its own configuration.
CELERY_ENV_OVERRIDES = (
    "CELERY_BROKER_URL",
    "CELERY_BROKER_READ_URL",
    "CELERY_BROKER_WRITE_URL",
    "CELERY_RESULT_BACKEND",
)


def database_url(settings_dict):
    """A DATABASE_URL designating the database this test process is really using."""
    engine, name = settings_dict["ENGINE"], settings_dict["NAME"]
    if engine == "django.db.backends.sqlite3":
        if not name or str(name) == ":memory:" or str(name).startswith("file:"):
            pytest.fail(f"SQLite test database {name!r} is not a file another process can open")
        return f"sqlite:///{Path(name).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = settings_dict.get("HOST") or ""
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(name, safe='')}"
    pytest.fail(f"No DATABASE_URL for database engine {engine}")


def require_redis():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis not reachable at {REDIS_URL} ({error}); start redis-server"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        client.close()


def drop_connections(celery_app):
    """Forget the broker pools and result backend built from the previous configuration."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # producer pool, queues and router
    for backend in (celery_app._backend_cache, getattr(celery_app._local, "backend", None)):
        if backend is not None and hasattr(backend, "result_consumer"):
            backend.result_consumer.stop()
            backend.client.close()
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_celery(monkeypatch):
    """Point this process's Celery app at Redis (on a queue of its own) and restore it after."""
    require_redis()
    for name in CELERY_ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    # A queue per run, so that another run against the same Redis neither steals nor leaves tasks;
    # every task goes to it, report compiles too (no CELERY_TASK_ROUTES).
    queue_name = f"learningcity-test-{uuid.uuid4().hex}"
    test_conf = {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_always_eager": False,
        "task_default_queue": queue_name,
        "task_routes": {},
    }
    saved_conf = {key: app.conf[key] for key in test_conf}
    drop_connections(app)
    app.conf.update(test_conf)
    queue = Queue(queue_name, Exchange(queue_name, type="direct"), routing_key=queue_name)
    try:
        with app.connection_for_write() as conn:
            assert conn.transport.driver_type == "redis", conn.as_uri()
            queue(conn.default_channel).declare()
            queue(conn.default_channel).purge()
        with app.producer_or_acquire() as producer:  # what delay() will publish with
            assert producer.connection.as_uri() == conn.as_uri(), producer.connection.as_uri()
        yield queue_name
        with app.connection_for_write() as conn:
            # kombu deletes only the bindings its connection knows of, hence declare first.
            bound_queue = queue(conn.default_channel)
            bound_queue.declare()
            bound_queue.delete()
    finally:
        drop_connections(app)
        app.conf.update(saved_conf)


class Worker:
    def __init__(self, process, log_path, nodename):
        self.process, self.log_path, self.nodename = process, log_path, nodename

    def output(self):
        return self.log_path.read_text(errors="replace")

    def failure(self, message):
        return f"{message}\n--- worker output ---\n{self.output()}"

    def wait_until_ready(self):
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.failure("The worker exited")
            if app.control.ping(destination=[self.nodename], timeout=1):
                return
        pytest.fail(self.failure(f"The worker did not answer a ping in {WORKER_READY_TIMEOUT}s"))

    def kill(self):
        """SIGKILL: the worker ends at once, acknowledging nothing and restoring nothing."""
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(*, queues: str, log_path: Path, pool: str = "solo", **environ) -> Worker:
    """Start a `celery worker` process on the test database consuming ``queues`` (comma-separated),
    ``environ`` added to its environment; return it once it answers a ping."""
    nodename = f"worker-{uuid.uuid4().hex[:12]}@localhost"
    environment = {
        key: value for key, value in os.environ.items() if key not in CELERY_ENV_OVERRIDES
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE,
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    environment.update(environ)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "learningcity", "worker"),
                *(f"--pool={pool}", "--concurrency=1", "-l", "info"),
                *("--hostname", nodename, "--queues", queues),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, log_path, nodename)
    try:
        worker.wait_until_ready()
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def celery_worker(transactional_db, redis_celery, tmp_path):
    """A `celery worker` process on the test database, consuming the test queue."""
    worker = start_worker(queues=redis_celery, log_path=tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()


def test_worker_purges_expired_sessions_in_the_test_database(celery_worker):
    Session.objects.create(
        session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )

    result = purge_expired_sessions.delay()
    try:
        deleted = result.get(timeout=60)
    except Exception as error:
        pytest.fail(celery_worker.failure(f"The task did not succeed: {error!r}"))
    finally:
        result.forget()

    assert deleted == 1, celery_worker.failure(f"The task returned {deleted!r}")
    assert not Session.objects.exists(), celery_worker.failure("The session is still there")
