"""Property-based API testing: schemathesis generates requests from /api/schema/ for every
operation, as the Department administrator (who may write) and as the read-only API consumer.

All its phases run: the schema's examples, coverage (boundary and invalid values of every
parameter and body field, methods the operation does not take), fuzzing, and stateful sequences
along the links it infers between operations (an id a POST answered, used by the next GET). Each
answer must be no server error and conform to the schema: a documented status code, that
status's body schema and content type.

A bounded number of examples per operation keeps `make test` within a few minutes;
SCHEMATHESIS_EXAMPLES raises it for a deeper run. A failure names the operation and gives the
request as a curl command to reproduce it against a running portal."""

import io
import os

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.config import SchemathesisConfig

from learningcity.choices import Role
from learningcity.wsgi import application
from tests.factories import UserFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
SETTINGS = {
    "seed": 2030,
    "generation": {"max-examples": EXAMPLES, "mode": "all"},
    "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    "phases": {
        "examples": {"enabled": True, "fill-missing": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": True, "max-steps": 6},
    },
}
# The consumer's writes are all refused before their input is read (test_malformed_requests
# tries each one): generating bodies for them would only try the same 403 again.
READS_ONLY = {
    "operations": [{"include-method": ["POST", "PUT", "PATCH", "DELETE"], "enabled": False}]
}
CONFIGS = {
    Role.DEPARTMENT_ADMIN: SchemathesisConfig.from_dict(SETTINGS),
    Role.API_CONSUMER: SchemathesisConfig.from_dict({**SETTINGS, **READS_ONLY}),
}
SENT = {}


@pytest.fixture
def wsgi_requests():
    # Called straight through WSGI, Django would close the test's database connection at the
    # end of each request; its own test client avoids that the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=[Role.DEPARTMENT_ADMIN, Role.API_CONSUMER], ids=["admin", "consumer"])
def role(request):
    return request.param


@pytest.fixture
def headers(role, hcmc, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None})
    user = UserFactory(role=role)
    out = io.StringIO()
    call_command("create_api_token", user.username, stdout=out)
    return {"Authorization": f"Token {out.getvalue().strip()}"}


@pytest.fixture
def api_schema(role, headers, wsgi_requests, capsys):
    SENT[role] = 0
    yield schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIGS[role])
    with capsys.disabled():
        print(f"\nschemathesis: {SENT[role]} cases as {role.value}", end=" ")


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request):
    # schemathesis names each operation's subtest by rewriting the test's `_nodeid`, which
    # pytest 9 keeps elsewhere: give it one to rewrite.
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, role, headers):
    SENT[role] += 1
    case.call_and_validate(headers=headers)


def test_sequences_of_operations_answer_as_the_schema_says(api_schema, role, headers):
    machine = api_schema.as_state_machine()

    class Machine(machine):
        def get_call_kwargs(self, case):
            SENT[role] += 1
            return {**super().get_call_kwargs(case), "headers": headers}

    Machine.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )
    )
