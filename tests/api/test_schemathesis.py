"""Property-based API testing: schemathesis generates requests from /api/schema/ for every
operation, and every answer must be anything but a server error. A bounded number of examples
per operation keeps `make test` fast; SCHEMATHESIS_EXAMPLES raises it for a deeper run."""

import io
import os

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error

from learningcity.choices import Role
from learningcity.wsgi import application
from tests.factories import UserFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def wsgi_requests():
    # Called straight through WSGI, Django would close the test's database connection at the
    # end of each request; its own test client avoids that the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(hcmc, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})
    admin = UserFactory(role=Role.DEPARTMENT_ADMIN)
    out = io.StringIO()
    call_command("create_api_token", admin.username, stdout=out)
    return out.getvalue().strip()


def test_the_api_never_answers_with_a_server_error(hcmc, token, wsgi_requests):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Token {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            check()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)
