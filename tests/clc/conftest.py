import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
