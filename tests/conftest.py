import io
import sys

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from districts.models import AdministrativeUnit
from learningcity.choices import Role

from .factories import UserFactory
from .object_storage import s3_endpoint  # noqa: F401  (a moto S3 server, per module)


@pytest.fixture(scope="session", autouse=True)
def no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """The run ends by dropping the test database, which PostgreSQL refuses while another
    session holds it: a worker or server process the tests started and stopped may still be
    closing its connection. Each such session is named on stderr, then ended, so the run
    reports the tests' outcome rather than a failed drop."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, left(query, 160) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for pid, application, state, started, query in cursor.fetchall():
            print(
                f"\nA session was left on the test database: pid {pid} {application!r} "
                f"{state} since {started:%H:%M:%S}, last query {query!r}; ending it.",
                file=sys.stderr,
            )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts from an empty cache: the local-memory cache outlives the database
    rollback between tests, and cached roll-ups and rate-limit counts belong to one test; so
    does Django's in-process cache of content types, whose ids a transactional test's flush
    changes (a form's one-time token names what it created by its content type)."""
    cache.clear()
    ContentType.objects.clear_cache()
    yield
    cache.clear()


@pytest.fixture
def hcmc(db):
    """Ho Chi Minh City's 22 districts and 273 wards, loaded as `make run` loads them."""
    call_command("load_admin_units", "--province", "79", stdout=io.StringIO())
    return AdministrativeUnit.objects.get(level="province", code="79")


@pytest.fixture
def district_1(hcmc):
    return AdministrativeUnit.objects.get(level="district", code="760")


@pytest.fixture
def district_3(hcmc):
    return AdministrativeUnit.objects.get(level="district", code="770")


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.DEPARTMENT_ADMIN, username="admin")


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.DEPARTMENT_REVIEWER, username="reviewer")


@pytest.fixture
def officer_1(district_1):
    return UserFactory(role=Role.DISTRICT_OFFICER, unit=district_1, username="officer_q1")


@pytest.fixture
def officer_3(district_3):
    return UserFactory(role=Role.DISTRICT_OFFICER, unit=district_3, username="officer_q3")


@pytest.fixture
def api_consumer(db):
    return UserFactory(role=Role.API_CONSUMER, username="consumer")
