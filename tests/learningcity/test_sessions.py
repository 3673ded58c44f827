"""Sign-ins that end: browser sessions after an idle time and an absolute cap, API tokens after
API_TOKEN_TTL_DAYS; the language cookie's flags."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD

from .test_settings import STRONG_KEY, run_manage

START = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def session_writes(queries) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if "django_session" in query["sql"]
        and query["sql"].lstrip().startswith(("UPDATE", "INSERT"))
    )


# --- Browser sessions ----------------------------------------------------------------------------
def test_a_session_left_idle_past_the_timeout_is_signed_out(client, admin_user, clock):
    client.force_login(admin_user)
    assert client.get("/").status_code == 200
    clock.shift(settings.SESSION_IDLE_TIMEOUT + settings.SESSION_ACTIVITY_UPDATE + MINUTE)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc của bạn đã kết thúc" in page  # why, in the portal's language
    assert client.get("/").status_code == 302  # the session itself is gone


def test_a_session_in_use_stays_signed_in_past_the_timeout(client, admin_user, clock):
    client.force_login(admin_user)
    step = settings.SESSION_IDLE_TIMEOUT - MINUTE
    for _ in range(4):  # four times the idle timeout in all, never idle that long
        clock.shift(step)
        assert client.get("/").status_code == 200


def test_a_page_polling_by_itself_does_not_keep_an_idle_session_alive(client, admin_user, clock):
    """A report page left open polls its progress every few seconds (htmx): that is not the
    user at work, so the idle timeout still ends the session."""
    client.force_login(admin_user)
    assert client.get("/").status_code == 200
    for _ in range(13):  # 65 minutes of polling, every 5 minutes
        clock.shift(5 * MINUTE)
        client.get("/", headers={"HX-Request": "true"})
    assert client.get("/").status_code == 302


def test_a_session_in_use_ends_at_the_absolute_cap(client, admin_user, clock):
    client.force_login(admin_user)
    step = settings.SESSION_IDLE_TIMEOUT / 2
    elapsed = datetime.timedelta()
    while elapsed + step <= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE):
        clock.shift(step)
        elapsed += step
        assert client.get("/").status_code == 200
    clock.shift(step)
    assert client.get("/").status_code == 302


def test_a_session_is_written_at_most_once_per_update_interval(client, admin_user, clock):
    client.force_login(admin_user)
    requests = 30
    step = settings.SESSION_ACTIVITY_UPDATE / (requests + 1)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(requests):  # all within one update interval
            clock.shift(step)
            assert client.get("/").status_code == 200
    assert session_writes(queries) == 0
    clock.shift(settings.SESSION_ACTIVITY_UPDATE)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/").status_code == 200
    assert session_writes(queries) == 1  # the activity, recorded once


def test_idle_timeout_and_cap_are_configurable():
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s;"
        "print(s.SESSION_IDLE_TIMEOUT, s.SESSION_ACTIVITY_UPDATE, s.SESSION_COOKIE_AGE)",
        SECRET_KEY=STRONG_KEY,
        MEDIA_ROOT="/data/media",
        SESSION_IDLE_TIMEOUT_MINUTES="30",
        SESSION_ACTIVITY_UPDATE_SECONDS="120",
        SESSION_MAX_AGE_HOURS="8",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0:30:00", "0:02:00", "28800"]


# --- API tokens ----------------------------------------------------------------------------------
def issue_token(user, *args) -> APIClient:
    out = io.StringIO()
    call_command("create_api_token", user.username, *args, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    return client


def test_a_token_issued_without_days_expires_after_the_default_ttl(api_consumer, clock):
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert ttl is not None
    client = issue_token(api_consumer)
    clock.shift(ttl - MINUTE)
    assert client.get("/api/v1/districts/").status_code == 200
    clock.shift(2 * MINUTE)
    assert client.get("/api/v1/districts/").status_code == 401


def test_days_and_no_expiry_override_the_default_ttl(api_consumer, clock):
    short = issue_token(api_consumer, "--days", "2")
    forever = issue_token(api_consumer, "--no-expiry")
    clock.shift(datetime.timedelta(days=2) + MINUTE)
    assert short.get("/api/v1/districts/").status_code == 401
    clock.shift(datetime.timedelta(days=3650))
    assert forever.get("/api/v1/districts/").status_code == 200


@pytest.mark.parametrize(
    ("value", "printed"),
    [(None, "90 days, 0:00:00"), ("30", "30 days, 0:00:00"), ("0", "None"), ("none", "None")],
)
def test_the_token_ttl_defaults_to_90_days_and_never_expiring_is_explicit(value, printed):
    overrides = {} if value is None else {"API_TOKEN_TTL_DAYS": value}
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; print(s.REST_KNOX['TOKEN_TTL'])",
        SECRET_KEY=STRONG_KEY,
        MEDIA_ROOT="/data/media",
        **overrides,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


def test_a_token_ttl_that_is_not_a_number_is_refused():
    result = run_manage("check", SECRET_KEY=STRONG_KEY, API_TOKEN_TTL_DAYS="ninety")
    assert result.returncode != 0
    assert "API_TOKEN_TTL_DAYS" in result.stderr


# --- The language cookie -------------------------------------------------------------------------
def test_the_language_cookie_is_secure_in_production():
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s;"
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY)",
        SECRET_KEY=STRONG_KEY,
        MEDIA_ROOT="/data/media",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Lax", "True"]


@pytest.mark.parametrize("how", ["switch", "sign-in"])
def test_the_portal_sets_the_language_cookie_with_its_flags(client, admin_user, settings, how):
    settings.LANGUAGE_COOKIE_SECURE = True
    if how == "switch":
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    else:
        admin_user.language = "en"
        admin_user.save()
        client.post(
            "/accounts/login/", {"username": admin_user.username, "password": DEFAULT_PASSWORD}
        )
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
