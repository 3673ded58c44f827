import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command

from districts.models import AdministrativeUnit
from learningcity.choices import Role

from .factories import UserFactory
from .object_storage import s3_endpoint  # noqa: F401  (a moto S3 server, per module)


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
