"""Redis away: the portal keeps serving with the cache settings production has.

The cache is a real django-redis cache (settings.REDIS_CACHE_OPTIONS) pointed at a loopback
port where nothing listens, so each call meets the connection error a stopped Redis gives.
Sessions are cached_db as with REDIS_URL set; API throttles use the same cache.
"""

import logging
import logging.config

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from prometheus_client import REGISTRY

from districts.models import SteeringCommittee
from tests.factories import DEFAULT_PASSWORD
from tests.outage import redis_cache_away

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
IGNORED = "learningcity_cache_errors_ignored_total"


def ignored_errors() -> float:
    return REGISTRY.get_sample_value(IGNORED) or 0.0


@pytest.fixture
def redis_away(settings):
    settings.CACHES = redis_cache_away()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_cache_calls_without_redis_are_misses_logged_and_counted(redis_away, caplog):
    before = ignored_errors()
    with caplog.at_level(logging.WARNING, logger="learningcity.cache"):
        cache.set("greeting", "xin chào", timeout=30)
        assert cache.get("greeting") is None
        assert cache.get("greeting", "mặc định") == "mặc định"
        assert "greeting" not in cache
        assert cache.get_many(["greeting"]) == {}
    assert ignored_errors() == before + 5
    lines = [record for record in caplog.records if record.name == "learningcity.cache"]
    assert len(lines) == 5
    assert all(record.levelname == "WARNING" and not record.exc_info for record in lines)
    assert "Connection refused" in lines[0].getMessage()


def test_an_error_counts_once_when_logging_was_configured_twice(redis_away):
    """A Celery worker configures logging again after Django (learningcity.celery), which puts
    the counting filter on the cache logger twice."""
    logging.config.dictConfig(django_settings.LOGGING)
    logging.config.dictConfig(django_settings.LOGGING)
    before = ignored_errors()
    cache.get("greeting")
    assert ignored_errors() == before + 1


def test_without_the_switch_the_same_cache_raises(settings):
    """What IGNORE_EXCEPTIONS changes (and so what these tests would meet without it)."""
    settings.CACHES = redis_cache_away(IGNORE_EXCEPTIONS=False)
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get("greeting")


def test_sign_in_pages_api_and_forms_work_without_redis(
    redis_away, client, officer_1, hcmc, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = ignored_errors()
    response = client.post(
        "/accounts/login/", {"username": officer_1.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    for path in ("/", "/districts/760/", "/clc/", "/reports/", "/notifications/"):
        response = client.get(path)
        assert response.status_code == 200, path
    response = client.get("/api/v1/districts/")  # throttled through the cache
    assert response.status_code == 200 and response.json()["count"] >= 1
    response = client.post(
        "/districts/760/committee/establish/",
        {
            "number": "1234/QĐ-UBND",
            "issued_on": "2024-03-15",
            "signer": "Chủ tịch UBND Quận 1",
            "file": SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    committee = SteeringCommittee.objects.get(district__code="760", superseded_at=None)
    assert committee.number == "1234/QĐ-UBND"
    # Still signed in (the session is read from the database), and each miss was counted.
    assert client.get("/districts/760/").status_code == 200
    assert ignored_errors() > before


def test_readyz_still_reports_redis_away(redis_away, client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDIS_URL = settings.CACHES["default"]["LOCATION"]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "failed"
