"""Redis goes away and comes back: nothing breaks, nothing is lost.

The portal runs as in production: gunicorn with REDIS_URL pointing at a Redis of this test's own
(a redis-server on a free loopback port, nothing saved to disk), which is its cache, its session
cache and its Celery broker, and EMAIL_URL pointing at a real SMTP server on loopback (aiosmtpd).
An officer signs in; then Redis and the mail server stop. The officer browses pages and the API
(no 500), saves a form (in the database) and requests a report (told it is compiled when the
service is back). Redis and, later, the mail server start again, empty; the beat's jobs are sent
as beat sends them, and a real worker compiles the report and e-mails the officer that it is
ready: the e-mail, refused while the mail server was away, goes out without an administrator.
"""

import html
import json
import os
import subprocess
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from districts.models import SteeringCommittee
from learningcity.models import ReportingPeriod
from learningcity.notifications.choices import EmailStatus, NoticeKind
from learningcity.notifications.models import Notification
from learningcity.notifications.tasks import resend_notice_emails
from learningcity.reports.choices import ReportStatus
from learningcity.reports.models import Report
from learningcity.reports.tasks import requeue_reports
from tests.integration.conftest import Instance, gunicorn_command, missing, wait_until
from tests.integration.test_two_instances import PDF, Browser
from tests.learningcity.test_celery_worker import (
    CELERY_ENV_OVERRIDES,
    database_url,
    start_worker,
)
from tests.notifications.conftest import Mailbox
from tests.outage import celery_on, free_port

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_SERVER = "/usr/bin/redis-server"
READY_TIMEOUT = 60
COMPILE_TIMEOUT = 120
PAGES = ("/", "/districts/760/", "/clc/", "/reports/", "/notifications/")
IGNORED = "learningcity_cache_errors_ignored_total"


class RedisServer:
    """A redis-server of this test's own on a fixed loopback port, stopped and started again."""

    def __init__(self, log_path: Path):
        self.port, self.log_path = free_port(), log_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    *("--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self.answers, timeout=READY_TIMEOUT, what="redis-server to answer a ping")

    def answers(self) -> bool:
        assert self.process.poll() is None, self.log_path.read_text(errors="replace")
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return client.ping()
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class MailServer:
    """aiosmtpd on a fixed loopback port: stopped, a send meets "connection refused"."""

    def __init__(self):
        self.port, self.mailbox, self.controller = free_port(), Mailbox(), None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def own_redis(tmp_path):
    if not Path(REDIS_SERVER).exists():
        missing(f"{REDIS_SERVER} is not installed: apt-get install redis-server")
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def environment(own_redis, mail_server, monkeypatch, tmp_path):
    """What the web process and the worker are started with: this test's Redis and mail server."""
    if connection.vendor != "postgresql":
        missing("The portal's processes share a PostgreSQL database: set DATABASE_URL=postgres://…")
    gunicorn_command()
    for name in CELERY_ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in CELERY_ENV_OVERRIDES and not key.startswith(("AWS_", "EMAIL_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="learningcity.settings.base",
        DEBUG="false",
        SECRET_KEY="redis-outage-" + "k7Qm9vB2pL4rT8wZ1nC6" * 3,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=own_redis.url,
        STORAGE="filesystem",
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_URL=f"smtp://127.0.0.1:{mail_server.port}",
        EMAIL_TIMEOUT="5",
        EMAIL_RETRY_SECONDS="1",  # the first backoff; the default is a minute
        PORTAL_BASE_URL="https://hoctap.hcm.example",
        PYTHONUNBUFFERED="1",
    )
    return environment


def metric(body: bytes, name: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == name
    )


def test_the_portal_keeps_serving_without_redis_and_catches_up_when_it_is_back(
    hcmc, officer_1, own_redis, mail_server, environment, tmp_path
):
    ReportingPeriod.objects.get_or_create_for(kind="year", year=2025, number=0)
    officer_1.email = "can.bo.quan1@example.vn"
    officer_1.save(update_fields=["email"])
    web = Instance("web", environment, tmp_path / "web.log")
    worker = None
    try:
        web.wait_ready(READY_TIMEOUT)
        officer = Browser()
        officer.log_in(web, officer_1.username)
        status, _headers, _body = officer.get(f"{web.url}/")
        assert status == 200, web.failure(f"home answered {status}")

        # --- Redis and the mail server go away ---------------------------------------------
        own_redis.stop()
        mail_server.stop()

        for path in PAGES:
            status, headers, _body = officer.get(f"{web.url}{path}")
            assert status == 200, web.failure(f"{path} answered {status} {headers.get('Location')}")
        status, _headers, body = officer.get(f"{web.url}/api/v1/districts/")
        assert status == 200, web.failure(f"the API answered {status}: {body[:500]!r}")
        assert json.loads(body)["count"] >= 1

        # A form is saved: what the officer typed is in the database.
        status, _headers, body = officer.post_form(
            f"{web.url}/districts/760/committee/establish/",
            {"number": "2468/QĐ-UBND", "issued_on": "2024-03-15", "signer": "Chủ tịch UBND"},
            files={"file": ("quyet-dinh.pdf", PDF, "application/pdf")},
        )
        assert status == 302, web.failure(f"the form answered {status}: {body[-2000:]!r}")
        committee = SteeringCommittee.objects.get(district__code="760", superseded_at=None)
        assert (committee.number, committee.signer) == ("2468/QĐ-UBND", "Chủ tịch UBND")

        # A report is requested: queued, and the officer is told it is compiled later.
        status, headers, body = officer.post_form(
            f"{web.url}/reports/request/", {"kind": "yearly", "period": "2025"}
        )
        assert status == 302, web.failure(f"the request answered {status}: {body[-2000:]!r}")
        report = Report.objects.get(kind="yearly", period__code="2025", district__code="760")
        assert report.status == ReportStatus.QUEUED and report.job_sent_at is None
        assert report.error, "the report's page says why it waits"
        status, _headers, body = officer.get(f"{web.url}{headers['Location']}")
        assert status == 200, web.failure(f"the report's page answered {status}")
        page = body.decode()
        assert page.count(html.escape(report.error, quote=False)) == 2, page  # message and note
        # The API, asked for the same report, answers it is queued (the same row).
        status, _headers, body = officer.post_json(
            f"{web.url}/api/v1/reports/", {"kind": "yearly", "period": "2025"}
        )
        assert status == 202, web.failure(f"the API request answered {status}: {body[:500]!r}")
        answer = json.loads(body)
        assert (answer["id"], answer["status"]) == (report.pk, "queued")
        assert answer["error"] == report.error

        # Every cache call that met no Redis was counted, across the web workers.
        status, _headers, body = officer.get(f"{web.url}/metrics")
        assert status == 200 and metric(body, IGNORED) > 0, web.failure("no ignored errors")
        assert "Cache unavailable, served without it" in web.output()
        assert " 500 " not in web.output(), web.failure("a request answered 500")

        # --- Redis is back (empty); the mail server is still away ------------------------------
        own_redis.start()
        status, _headers, _body = officer.get(f"{web.url}/reports/")
        assert status == 200, web.failure("signed in still, the session is in the database")
        with celery_on(own_redis.url):
            worker = start_worker(
                queues="reports,default", log_path=tmp_path / "worker.log", **environment
            )
            requeue_reports.delay()  # as beat sends it

            def compiled():
                report.refresh_from_db()
                return report.status == ReportStatus.DONE and report

            wait_until(compiled, timeout=COMPILE_TIMEOUT, what="the report", explain=worker.failure)
            assert report.xlsx and report.docx and report.error == ""

            # The officer's "report compiled" e-mail met the mail server away: it waits.
            notice = Notification.objects.get(recipient=officer_1, kind=NoticeKind.REPORT_READY)

            def tried():
                notice.refresh_from_db()
                return notice.email_attempts >= 1 and notice

            wait_until(tried, timeout=COMPILE_TIMEOUT, what="an e-mail try", explain=worker.failure)
            assert notice.email_status == EmailStatus.PENDING, notice.email_error
            assert "ConnectionRefusedError" in notice.email_error
            assert mail_server.mailbox.messages == []

            # --- the mail server is back; beat's emails-resend, no administrator -------------
            mail_server.start()
            wait_until(
                lambda: timezone.now() >= notice.email_retry_at,
                timeout=COMPILE_TIMEOUT,
                what="the e-mail's backoff to pass",
            )
            resend_notice_emails.delay()  # as beat sends it

            def sent():
                notice.refresh_from_db()
                return notice.email_status == EmailStatus.SENT

            wait_until(sent, timeout=COMPILE_TIMEOUT, what="the e-mail", explain=worker.failure)
        message = mail_server.mailbox.only()
        assert message["To"] == officer_1.email
        text = message.get_body(("plain",)).get_content()
        assert f"https://hoctap.hcm.example/reports/{report.pk}/" in text
        assert " 500 " not in web.output(), web.failure("a request answered 500")
    finally:
        if worker is not None:
            worker.stop()
        web.stop()
