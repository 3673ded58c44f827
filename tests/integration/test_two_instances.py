"""Two portal instances behind no load balancer: interchangeable web processes.

Two gunicorn processes (A and B, one worker each) and a Celery worker (`-Q reports`) share the
test PostgreSQL database, the Redis at TEST_REDIS_URL (sessions, cache, broker) and a bucket on a
moto S3 server (STORAGE=s3), as processes on different hosts would. A client with one cookie jar
moves between them: logged in through A it is logged in through B, a file uploaded through A
downloads through B, a report requested through B is compiled by the worker and downloads through
A. Another district's officer is refused everywhere.
"""

import json
import os
import re
import urllib.request
import uuid
from http.cookiejar import CookieJar
from urllib.parse import urlencode, urlsplit

import pytest
import redis
from django.db import connection

from districts.models import SteeringCommittee
from learningcity.models import ReportingPeriod
from learningcity.reports.models import Report
from tests.factories import DEFAULT_PASSWORD
from tests.integration.conftest import Instance, gunicorn_command, missing, wait_until
from tests.learningcity.test_celery_worker import (
    CELERY_ENV_OVERRIDES,
    REDIS_URL,
    database_url,
    start_worker,
)
from tests.object_storage import ACCESS_KEY, REGION, SECRET_KEY, s3_client

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
READY_TIMEOUT = 60
COMPILE_TIMEOUT = 60


@pytest.fixture
def requirements():
    if connection.vendor != "postgresql":
        missing("Two portal instances share a PostgreSQL database: set DATABASE_URL=postgres://…")
    gunicorn_command()


@pytest.fixture
def bucket(s3_endpoint):
    name = f"lc-int-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def environment(requirements, portal_broker, s3_endpoint, bucket, tmp_path):
    """What every process of the deployment is started with: the same database, Redis, bucket."""
    cache_prefix = f"lc-int-{uuid.uuid4().hex[:12]}"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in CELERY_ENV_OVERRIDES and not key.startswith("AWS_")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="learningcity.settings.base",
        DEBUG="false",
        SECRET_KEY="two-instances-" + "k7Qm9vB2pL4rT8wZ1nC6" * 3,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=cache_prefix,
        STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        MEDIA_ROOT=str(tmp_path / "media-unused"),
        PYTHONUNBUFFERED="1",
    )
    yield environment
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(f"{cache_prefix}:*"):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
def instances(environment, tmp_path):
    started = {name: Instance(name, environment, tmp_path / f"{name}.log") for name in "AB"}
    try:
        for instance in started.values():
            instance.wait_ready(READY_TIMEOUT)
        yield started["A"], started["B"]
    finally:
        for instance in started.values():
            instance.stop()


@pytest.fixture
def report_worker(environment, tmp_path):
    worker = start_worker(queues="reports", log_path=tmp_path / "worker.log", **environment)
    yield worker
    worker.stop()


# --- a browser without a browser -----------------------------------------------------------------


class Answers(urllib.request.HTTPErrorProcessor):
    """Hand every answer back as it is: redirects are not followed, errors are not raised."""

    def http_response(self, request, response):
        return response

    https_response = http_response


class Browser:
    """One cookie jar, whichever instance it talks to (cookies do not depend on the port)."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), Answers
        )

    def request(self, method: str, url: str, body: bytes | None = None, headers=None):
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        with self.opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()

    def get(self, url: str):
        return self.request("GET", url)

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def form_token(self, url: str) -> str:
        """The CSRF token of the form at ``url`` (the page sets the cookie too)."""
        status, _headers, body = self.get(url)
        assert status == 200, (url, status)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert match, f"no CSRF token in the form at {url}"
        return match.group(1).decode()

    def post_form(self, url: str, fields: dict, files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self.form_token(url), **fields}
        if files is None:
            body = urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = multipart(fields, files)
        return self.request("POST", url, body, {"Content-Type": content_type})

    def post_json(self, url: str, data: dict):
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf_token()}
        return self.request("POST", url, json.dumps(data).encode(), headers)

    def log_in(self, instance: Instance, username: str):
        status, headers, _body = self.post_form(
            f"{instance.url}/accounts/login/",
            {"username": username, "password": DEFAULT_PASSWORD},
        )
        assert status == 302 and headers["Location"] == "/", instance.failure(f"login: {status}")


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body: ``files`` maps a field to (file name, bytes, content type)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = "".join(parts).encode()
    for name, (filename, data, content_type) in files.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def signed_download(browser: Browser, url: str, endpoint: str, bucket: str, key: str) -> bytes:
    """Follow a download answered with a redirect to a signed URL of the bucket; the bytes."""
    status, headers, _body = browser.get(url)
    assert status == 302, (url, status)
    location = headers["Location"]
    assert location.startswith(f"{endpoint}/{bucket}/{key}?"), location
    assert "X-Amz-Signature=" in urlsplit(location).query
    with urllib.request.urlopen(location, timeout=10) as answer:  # no cookies: the URL suffices
        assert answer.status == 200
        return answer.read()


# --- the test ------------------------------------------------------------------------------------


def test_two_instances_share_sessions_files_and_reports(
    hcmc, officer_1, officer_3, instances, report_worker, s3_endpoint, bucket
):
    a, b = instances
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2025, number=0)
    storage = s3_client(s3_endpoint)

    # Logged in through A, logged in through B.
    officer = Browser()
    officer.log_in(a, officer_1.username)
    status, headers, _body = officer.request(
        "GET", f"{b.url}/districts/760/", headers={"X-Request-ID": "two-instances-b"}
    )
    assert status == 200, b.failure(f"B answered {status} {headers.get('Location')}")
    # B's access log line of that request carries the id the proxy would have sent.
    assert headers["X-Request-ID"] == "two-instances-b"
    wait_until(
        lambda: "[two-instances-b] GET /districts/760/ 200 " in b.output(),
        timeout=10,
        what="B's access log line of the request",
        explain=b.failure,
    )

    # Uploaded through A with the real form, downloaded through B from the bucket.
    status, headers, body = officer.post_form(
        f"{a.url}/districts/760/committee/establish/",
        {"number": "1234/QĐ-UBND", "issued_on": "2024-03-15", "signer": "Chủ tịch UBND Quận 1"},
        files={"file": ("quyet-dinh.pdf", PDF, "application/pdf")},
    )
    assert status == 302, a.failure(f"upload answered {status}: {body.decode()[-2000:]}")
    committee = SteeringCommittee.objects.get(district__code="760", superseded_at=None)
    key = committee.file.name
    assert storage.get_object(Bucket=bucket, Key=key)["Body"].read() == PDF
    file_path = f"/districts/files/committee/{committee.pk}/"
    assert signed_download(officer, f"{b.url}{file_path}", s3_endpoint, bucket, key) == PDF

    # Another district's officer finds nothing there, through either instance.
    other = Browser()
    other.log_in(b, officer_3.username)
    for instance in (a, b):
        status, headers, _body = other.get(f"{instance.url}{file_path}")
        assert status == 404 and "Location" not in headers, (instance.name, status)

    # A report requested through B, compiled by the worker, downloaded through A.
    status, _headers, body = officer.post_json(
        f"{b.url}/api/v1/reports/", {"kind": "yearly", "period": "2025"}
    )
    assert status == 202, b.failure(f"report request answered {status}: {body[:2000]!r}")
    report_id = json.loads(body)["id"]

    def compiled():
        status, _headers, body = officer.get(f"{a.url}/api/v1/reports/{report_id}/")
        assert status == 200, a.failure(f"report status answered {status}")
        report = json.loads(body)
        return report if report["status"] in ("done", "failed") else None

    report = wait_until(
        compiled, timeout=COMPILE_TIMEOUT, what="the report", explain=report_worker.failure
    )
    assert report["status"] == "done", report_worker.failure(report["error"])
    assert "compile_report[" in report_worker.output(), "compiled elsewhere than by the worker"
    assert report["district"]["code"] == "760"
    stored = Report.objects.get(pk=report_id)
    for fmt in ("xlsx", "docx"):
        url = report[f"{fmt}_url"]
        assert url.startswith(f"{a.url}/"), url  # links point at the instance asked
        key = getattr(stored, fmt).name
        body = signed_download(officer, url, s3_endpoint, bucket, key)
        assert body.startswith(b"PK")  # an Office file: a zip archive
        assert body == storage.get_object(Bucket=bucket, Key=key)["Body"].read()
        status, headers, _body = other.get(url.replace(a.url, b.url))
        assert status == 404 and "Location" not in headers, (fmt, status)

    # Logged out through B, logged out through A.
    status, _headers, _body = officer.request(
        "POST",
        f"{b.url}/accounts/logout/",
        urlencode({"csrfmiddlewaretoken": officer.csrf_token()}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, status
    status, headers, _body = officer.get(f"{a.url}/districts/760/")
    assert status == 302 and headers["Location"].startswith("/accounts/login/"), status

    assert not any((a.log_path.parent / "media-unused").rglob("*")), "a file was not in S3"
