"""Hostile input: what a careless or malicious user can send, and what must never happen.

Every write answers a clear 4xx or a form error, writes nothing partial and never a 5xx.
"""

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
SCRIPT = '<script>alert("xss")</script>'
SQL = "'; DROP TABLE districts_interimreview; --"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"
ZERO_WIDTH_NFD = "Nguye\u0302\u0303n\u200b Va\u0306n\u200d An"  # "Nguyễn Văn An" decomposed


def fake_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("quyet-dinh.pdf", EXECUTABLE, content_type="application/pdf")


def oversized_pdf(settings) -> SimpleUploadedFile:
    settings.UPLOAD_MAX_BYTES = 1024
    return SimpleUploadedFile(
        "lon.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf"
    )


def zip_bomb_xlsx(settings) -> SimpleUploadedFile:
    """A small .xlsx whose declared contents unpack far beyond the limit."""
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (4 * 1024 * 1024))
    return SimpleUploadedFile("bom.xlsx", buffer.getvalue())


def garbage_xlsx() -> SimpleUploadedFile:
    return SimpleUploadedFile("hong.xlsx", b"PK\x03\x04 this is not a workbook")


@pytest.fixture
def table_counts():
    """Row counts of every table, to prove a refused write left nothing behind."""

    def count() -> dict[str, int]:
        with connection.cursor() as cursor:
            tables = [
                t
                for t in connection.introspection.table_names(cursor)
                if not t.startswith(("django_session", "axes_"))
            ]
            result = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                result[table] = cursor.fetchone()[0]
            return result

    return count


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def assert_unchanged(before: dict, after: dict) -> None:
    """Equal row counts, or the tables that changed named in the failure."""
    changed = {
        t: (before.get(t), after.get(t)) for t in before | after if before.get(t) != after.get(t)
    }
    assert not changed, f"rows written or removed: {changed}"


@pytest.fixture
def english(client, settings):
    """Pages, messages and API errors in English, so that tests read the source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Uploads and report files go to the test's own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_cache():
    """Rate limits count in the default cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()
