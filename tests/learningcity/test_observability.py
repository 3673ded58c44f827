"""Operations: the readiness probe, request ids on JSON log lines, Prometheus metrics, the shared
Redis cache and sessions, and production's refusal to write beside the code."""

import datetime
import io
import json
import logging
import re
import subprocess
import sys
import uuid
from types import SimpleNamespace
from unittest import mock

import pytest
import redis
from django.core.cache import cache, caches
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django_redis.cache import RedisCache

from learningcity import access_log, logs
from learningcity.celery import app as celery_app
from learningcity.celery import clear_task_request_id, set_task_request_id
from learningcity.views import _check_storage

from .test_celery_worker import REDIS_URL, require_redis
from .test_settings import ROOT, STRONG_KEY, run_manage

HEX_ID = re.compile(r"[0-9a-f]{32}")
PERSONAL = ("an.nguyen@hcm.edu.vn", "0912345678")
CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_cache(location, prefix="learningcity-test"):
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def broker(monkeypatch):
    """Point the Celery app's broker at ``url`` for this test only."""

    def point_at(url):
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
        monkeypatch.setitem(celery_app.conf, "broker_url", url)

    return point_at


@pytest.fixture
def captured_log():
    """The log lines written during the test, through the console handler's filters and the JSON
    formatter, as dicts."""
    console = logging.getLogger().handlers[0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    handler.setFormatter(logs.JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logging.getLogger().removeHandler(handler)


# --- /readyz -------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fresh_storage_probe():
    """Each test's /readyz probes the storage it set up, not the last test's outcome."""
    _check_storage.forget()
    yield
    _check_storage.forget()


def test_readyz_is_ok_without_login_session_or_leftovers(client, db, media):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    assert not any("django_session" in query["sql"] for query in queries.captured_queries)
    assert list(media.iterdir()) == []  # the storage probe deleted its object


def test_readyz_checks_redis_cache_and_broker_when_redis_is_configured(
    client, db, media, settings, broker
):
    require_redis()
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = redis_cache(REDIS_URL, prefix=f"readyz-{uuid.uuid4().hex}")
    broker(REDIS_URL)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["redis"] == "ok"


@pytest.mark.parametrize("down", ["cache", "broker"])
def test_readyz_answers_503_naming_redis_when_it_is_unreachable(
    client, db, media, settings, broker, down
):
    if down == "broker":
        require_redis()
    settings.REDIS_URL = CLOSED_REDIS
    settings.CACHES = redis_cache(CLOSED_REDIS if down == "cache" else REDIS_URL)
    broker(CLOSED_REDIS)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "redis": "failed",
        "storage": "ok",
    }


def test_readyz_answers_503_naming_the_database_without_details(client, db, media):
    error = OperationalError('connection to server at "db" failed: password=s3cret')
    with mock.patch.object(connection, "cursor", side_effect=error):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed"
    assert b"s3cret" not in response.content
    assert b"Traceback" not in response.content


def test_readyz_answers_503_while_a_migration_is_unapplied(client, db, media):
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="learningcity").latest("id")
    latest.delete()  # as if the code were newer than the database; the test's rollback restores
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "failed",
        "storage": "ok",
    }


def test_readyz_answers_503_naming_the_storage_when_it_cannot_write(client, db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failed"


def test_readyz_writes_to_storage_at_most_once_per_interval(
    client, db, media, settings, monkeypatch
):
    writes = []
    save = FileSystemStorage.save

    def counted_save(storage, name, *args, **kwargs):
        writes.append(name)
        return save(storage, name, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", counted_save)
    settings.READYZ_STORAGE_INTERVAL_SECONDS = 3600
    for _ in range(20):
        assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    assert len(writes) == 1
    settings.READYZ_STORAGE_INTERVAL_SECONDS = 0  # the interval is over: it probes again
    assert client.get("/readyz").status_code == 200
    assert len(writes) == 2
    assert list(media.iterdir()) == []


def test_readyz_keeps_reporting_a_storage_failure_until_the_next_probe(
    client, db, settings, tmp_path
):
    settings.READYZ_STORAGE_INTERVAL_SECONDS = 3600
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    assert client.get("/readyz").json()["checks"]["storage"] == "failed"
    settings.MEDIA_ROOT = tmp_path / "media"  # repaired, but not probed again yet
    assert client.get("/readyz").status_code == 503
    settings.READYZ_STORAGE_INTERVAL_SECONDS = 0
    assert client.get("/readyz").status_code == 200


def test_healthz_stays_the_liveness_probe(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- X-Request-ID and logs -----------------------------------------------------------------------
@pytest.mark.parametrize("sane", ["abc-123_XYZ", "a" * 64, "0f8fad5bd9cb469fa16570867728950e"])
def test_a_sane_request_id_is_echoed(client, db, sane):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sane)
    assert response["X-Request-ID"] == sane


@pytest.mark.parametrize(
    "hostile",
    ["a" * 65, "abc\ndef", "abc\r\nSet-Cookie: x=1", "id with spaces", "<script>", "ümlaut", ""],
)
def test_a_hostile_request_id_is_replaced(client, db, hostile):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert HEX_ID.fullmatch(response["X-Request-ID"])
    assert "Set-Cookie" not in response


def test_each_request_gets_its_own_id(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert HEX_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_log_line_of_a_request_carries_its_id_and_no_personal_data(client, db, captured_log):
    url = "/khong-co-trang-nay/{}/{}/".format(*PERSONAL)
    response = client.get(url, HTTP_X_REQUEST_ID="trace-404")
    assert response.status_code == 404
    entries = [entry for entry in captured_log() if entry["logger"] == "django.request"]
    assert entries, captured_log()
    entry = entries[-1]
    assert entry["request_id"] == "trace-404"
    assert entry["level"] == "WARNING"
    assert "[email]" in entry["message"] and "[phone]" in entry["message"]
    assert set(entry) == {"time", "level", "logger", "message", "request_id", "status_code"}
    assert entry["status_code"] == 404
    lines = json.dumps(captured_log())
    assert not any(value in lines for value in PERSONAL)


def test_a_response_logged_after_the_middleware_still_carries_the_id(client, db, captured_log):
    # Django logs a 4xx a view or middleware returned once the middleware chain has finished.
    response = client.get("/districts/?q=%00", HTTP_X_REQUEST_ID="trace-400")
    assert response.status_code == 400
    entries = [entry for entry in captured_log() if entry["logger"] == "django.request"]
    assert [entry["request_id"] for entry in entries] == ["trace-400"]


def test_log_lines_outside_a_request_have_no_id(captured_log):
    logging.getLogger("learningcity.test").warning("between requests")
    (entry,) = captured_log()
    assert entry["request_id"] == "-"


def test_tracebacks_in_logs_are_redacted(captured_log):
    try:
        raise ValueError(f"duplicate key {PERSONAL[0]}")
    except ValueError:
        logging.getLogger("learningcity.test").exception("failed")
    (entry,) = captured_log()
    assert "ValueError: duplicate key [email]" in entry["exc_info"]
    assert PERSONAL[0] not in json.dumps(entry)


def test_celery_tasks_log_with_their_task_id_and_eager_ones_keep_the_request_id(captured_log):
    worker_task = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    set_task_request_id(task_id="task-1", task=worker_task)
    try:
        logging.getLogger("learningcity.test").info("in the worker")
    finally:
        clear_task_request_id(task=worker_task)
    token = logs.request_id.set("web-1")
    eager_task = SimpleNamespace(request=SimpleNamespace(is_eager=True))
    try:
        set_task_request_id(task_id="task-2", task=eager_task)
        logging.getLogger("learningcity.test").warning("eager, in a request")
        clear_task_request_id(task=eager_task)
    finally:
        logs.request_id.reset(token)
    logging.getLogger("learningcity.test").warning("after")
    assert [entry["request_id"] for entry in captured_log()] == ["task-1", "web-1", "-"]
    assert logs.request_id.get() is None


def test_production_logs_json_lines_by_default():
    code = (
        "import django, logging; django.setup(); logging.getLogger('x').warning('hi %s', 'a@b.vn')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "learningcity.settings.production",
            "SECRET_KEY": STRONG_KEY,
            "MEDIA_ROOT": "/data/media",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hi [email]"
    assert entry["logger"] == "x"
    assert entry["request_id"] == "-"


def test_an_access_log_record_names_the_request_without_query_or_personal_data():
    # Gunicorn's access line (learningcity.access_log; tests/integration/test_gunicorn.py runs it).
    response = SimpleNamespace(
        status="404 Not Found", headers=[("X-Request-ID", "trace-access")], sent=179
    )
    path = "/trường/{}/{}/\n2026 forged".format(*PERSONAL)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path.encode().decode("latin-1"),  # WSGI: the bytes, as Latin-1
        "QUERY_STRING": f"email={PERSONAL[0]}",
    }
    record = access_log.access_record(response, environ, datetime.timedelta(milliseconds=12))
    entry = json.loads(logs.JsonFormatter().format(record))
    assert entry["logger"] == "gunicorn.access" and entry["level"] == "INFO"
    assert entry["request_id"] == "trace-access" and entry["status_code"] == 404
    assert entry["http"] == {
        "method": "GET",
        "path": "/trường/[email]/[phone]/\\x0a2026 forged",
        "response_bytes": 179,
        "duration_ms": 12.0,
    }
    assert entry["message"] == "GET /trường/[email]/[phone]/\\x0a2026 forged 404 179 B 12.0 ms"
    assert "email=" not in json.dumps(entry)

    anonymous = SimpleNamespace(status="200 OK", headers=[], sent=None)
    record = access_log.access_record(anonymous, {"REQUEST_METHOD": "GET"}, datetime.timedelta())
    assert record.request_id == "-" and record.getMessage() == "GET / 200 0 B 0.0 ms"


# --- /metrics ------------------------------------------------------------------------------------
def test_metrics_answer_a_loopback_client(client, db):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_total_by_method_total" in response.content


def test_metrics_answer_ipv6_loopback_and_configured_networks(client, db, settings):
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "203.0.113.7"},
        # A proxy on loopback forwarding an outside client does not make it local.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.7"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"},
        # Whatever address the proxy claims, the request came through it.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "127.0.0.1"},
        {"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "::1"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=127.0.0.1"},
    ],
)
def test_metrics_are_not_found_for_outsiders(client, db, headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"django_http" not in response.content


def test_metrics_count_the_client_named_by_the_configured_proxy(client, db, settings):
    """With CLIENT_IP_META_KEY, the client's address is the proxy's header, not the proxy's."""
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    through = {"REMOTE_ADDR": "10.20.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.7", **through).status_code == 404
    assert client.get("/metrics", HTTP_X_REAL_IP="10.20.3.4", **through).status_code == 200
    # A proxy the settings do not name, on an allowed address, vouches for nobody.
    assert (
        client.get("/metrics", REMOTE_ADDR="10.20.0.2", HTTP_FORWARDED="for=x").status_code == 404
    )
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.2").status_code == 200  # a direct probe


def test_metrics_answer_staff_from_anywhere_but_not_other_users(client, admin_user, reviewer):
    client.force_login(reviewer)
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    client.force_login(admin_user)
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 200


# --- Redis cache and sessions --------------------------------------------------------------------
def test_django_redis_is_the_cache_with_a_key_prefix(settings):
    require_redis()
    prefix = f"learningcity-test-{uuid.uuid4().hex}"
    settings.CACHES = redis_cache(REDIS_URL, prefix=prefix)
    assert isinstance(caches["default"], RedisCache)
    cache.set("greeting", "xin chào", timeout=30)
    try:
        assert cache.get("greeting") == "xin chào"
        client = redis.Redis.from_url(REDIS_URL)
        assert client.exists(f"{prefix}:1:greeting")
        client.close()
    finally:
        cache.delete("greeting")


def test_redis_url_selects_django_redis_and_cached_db_sessions():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['KEY_PREFIX'], s.SESSION_ENGINE)"
    )
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "learningcity.settings.base"}
    with_redis = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "REDIS_URL": REDIS_URL},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert with_redis.returncode == 0, with_redis.stderr
    assert with_redis.stdout.split() == [
        "django_redis.cache.RedisCache",
        "learningcity",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_sessions_survive_a_redis_flush(client, reviewer, settings):
    require_redis()
    settings.CACHES = redis_cache(REDIS_URL, prefix=f"sessions-{uuid.uuid4().hex}")
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(reviewer)
    assert client.get("/").status_code == 200
    cache.delete_pattern("*")  # this test's prefix only: other tests share the database
    assert client.get("/").status_code == 200  # still signed in, from the database


# --- Production writes nothing beside the code ---------------------------------------------------
def test_production_refuses_to_store_uploads_beside_the_code():
    missing = run_manage("check", SECRET_KEY=STRONG_KEY, MEDIA_ROOT="")
    inside = run_manage("check", SECRET_KEY=STRONG_KEY, MEDIA_ROOT=str(ROOT / "var" / "media"))
    for result in (missing, inside):
        assert result.returncode != 0
        assert "MEDIA_ROOT" in result.stderr


def test_production_needs_no_media_root_with_object_storage():
    result = run_manage(
        "check",
        SECRET_KEY=STRONG_KEY,
        MEDIA_ROOT="",
        STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="learningcity",
    )
    assert result.returncode == 0, result.stderr
