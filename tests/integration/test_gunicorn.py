"""Gunicorn as the image runs it (gunicorn.conf.py): the access log and the metrics.

- Each access-log line carries the request's id (the X-Request-ID the portal answered), in the
  portal's log format (LOG_FORMAT=json: one object per line), and no query string, client
  address or personal data.
- With several worker processes, /metrics counts the requests of all of them, those of workers
  that have exited included (prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR).

The portal's processes are real gunicorn processes on loopback. Only /healthz, /metrics and an
unknown page are asked for, none of which needs the database: the processes are given one that
does not exist, so that a request reaching for it would fail the test rather than touch another.
"""

import json
import os
import signal
import socket
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import Instance, gunicorn_command, wait_until

pytestmark = [pytest.mark.integration]

PERSONAL = ("an.nguyen@hcm.edu.vn", "0912345678")
RESPONSES_COUNTED = "django_http_responses_total_by_status_view_method"
# Counted by status and view: the start's /healthz probes (one may still be answered late) are not.
UNKNOWN_PAGE, UNKNOWN_VIEW = "/khong-co-trang-nay/", "<unnamed view>"


@pytest.fixture
def environment(tmp_path):
    gunicorn_command()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LOG_FORMAT", "PROMETHEUS_MULTIPROC_DIR", "REDIS_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="learningcity.settings.base",
        DEBUG="false",
        SECRET_KEY="gunicorn-test-" + "k7Qm9vB2pL4rT8wZ1nC6" * 3,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/no-database",  # port 9: nothing listens
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    return environment


@pytest.fixture
def start(tmp_path):
    started = []

    def start(environment: dict, **options) -> Instance:
        instance = Instance("web", environment, tmp_path / f"web-{len(started)}.log", **options)
        started.append(instance)
        instance.wait_ready()
        return instance

    yield start
    for instance in started:
        instance.stop()


def get(url: str, request_id: str | None = None) -> tuple[int, dict, bytes]:
    headers = {"X-Request-ID": request_id} if request_id else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def access_entries(instance: Instance) -> list[dict]:
    return [
        entry for entry in json_lines(instance.output()) if entry["logger"] == "gunicorn.access"
    ]


def responses_counted(metrics: bytes, view: str) -> float:
    """The responses of ``view`` that /metrics reports, all statuses and methods together."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics.decode())
        if family.name == RESPONSES_COUNTED
        for sample in family.samples
        if sample.name == f"{RESPONSES_COUNTED}_total" and sample.labels["view"] == view
    )


# --- the access log ------------------------------------------------------------------------------


def test_access_log_lines_carry_the_request_id_as_json_without_personal_data(environment, start):
    web = start({**environment, "LOG_FORMAT": "json"})

    status, headers, _body = get(f"{web.url}/healthz", "access-log-1")
    assert status == 200 and headers["X-Request-ID"] == "access-log-1"
    path = "/khong-co-trang-nay/{}/{}/".format(*PERSONAL)
    status, _headers, _body = get(f"{web.url}{path}?email={PERSONAL[0]}", "access-log-2")
    assert status == 404
    status, headers, _body = get(f"{web.url}/healthz", "not a sane id")
    generated = headers["X-Request-ID"]
    assert status == 200 and generated != "not a sane id"

    def logged():
        by_id = {entry["request_id"]: entry for entry in access_entries(web)}
        return {"access-log-1", "access-log-2", generated} <= set(by_id) and by_id

    by_id = wait_until(logged, timeout=10, what="the access log lines", explain=web.failure)
    first = by_id["access-log-1"]
    assert set(first) == {"time", "level", "logger", "message", "request_id", "status_code", "http"}
    assert first["level"] == "INFO" and first["status_code"] == 200
    assert first["http"]["method"] == "GET" and first["http"]["path"] == "/healthz"
    assert first["http"]["response_bytes"] > 0 and first["http"]["duration_ms"] >= 0
    assert first["message"].startswith("GET /healthz 200 ")
    unknown = by_id["access-log-2"]
    assert unknown["status_code"] == 404
    assert unknown["http"]["path"] == "/khong-co-trang-nay/[email]/[phone]/"

    # The application's own line about the 404 carries the same id: the two can be joined.
    application = [
        entry for entry in json_lines(web.output()) if entry["logger"] != "gunicorn.access"
    ]
    assert any(
        entry["logger"] == "django.request" and entry["request_id"] == "access-log-2"
        for entry in application
    ), web.output()
    output = web.output()
    assert not any(value in output for value in PERSONAL)
    assert "email=" not in output  # no query string
    assert "127.0.0.1 " not in output and "Python-urllib" not in output  # no address, no agent


def test_access_log_lines_are_text_lines_with_the_request_id_by_default(environment, start):
    web = start(environment)
    get(f"{web.url}/healthz", "access-text-1")
    wait_until(
        lambda: " INFO gunicorn.access [access-text-1] GET /healthz 200 " in web.output(),
        timeout=10,
        what="the access log line",
        explain=web.failure,
    )


# --- metrics of several workers ------------------------------------------------------------------


def test_metrics_add_up_the_requests_of_every_worker_process(environment, start, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by an earlier run")  # emptied at start
    web = start({**environment, "PROMETHEUS_MULTIPROC_DIR": str(folder)}, workers=2)
    assert not (folder / "counter_1.db").exists()

    # A request whose headers are still coming holds one worker (a sync worker serves one
    # connection at a time), so the next three are served by the other: 1 + 3 in two processes.
    with socket.create_connection(("127.0.0.1", web.port), timeout=10) as held:
        held.sendall(f"GET {UNKNOWN_PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        for _ in range(3):
            assert get(f"{web.url}{UNKNOWN_PAGE}")[0] == 404
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.makefile("rb").readline().startswith(b"HTTP/1.1 404"), web.failure("held")

    status, _headers, metrics = get(f"{web.url}/metrics")
    assert status == 200, web.failure("/metrics")
    assert responses_counted(metrics, UNKNOWN_VIEW) == 4

    # A worker that exits (restarted, killed) leaves its counts behind: they still add up.
    workers = sorted(int(path.stem.rsplit("_", 1)[-1]) for path in folder.glob("counter_*.db"))
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGTERM)
    wait_until(lambda: not Path(f"/proc/{workers[0]}").exists(), timeout=20, what="the exit")
    status, _headers, metrics = get(f"{web.url}/metrics")
    assert status == 200, web.failure("/metrics after a worker exited")
    assert responses_counted(metrics, UNKNOWN_VIEW) == 4


def test_metrics_are_shared_without_a_configured_folder(environment, start):
    web = start(environment)  # PROMETHEUS_MULTIPROC_DIR unset: gunicorn.conf.py makes one
    get(f"{web.url}/healthz")
    status, _headers, metrics = get(f"{web.url}/metrics")
    assert status == 200
    assert responses_counted(metrics, "healthz") >= 1
    # Multiprocess mode: only the metrics written to the folder, not this process's own.
    assert b"python_info" not in metrics and b"process_cpu_seconds_total" not in metrics
