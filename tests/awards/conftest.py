import pytest
from django.core.cache import cache

from .helpers import make_round


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # the comment form's rate limit counts in the default cache
    yield
    cache.clear()


@pytest.fixture
def round_open(db):
    return make_round()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The accounts these tests create never log in with a password: hashing them slowly is waste.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
