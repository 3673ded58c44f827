"""Security hardening: lockout, CSP without inline script, CSRF, uploads behind a permission
check, secure cookies and HSTS in production, no personal data in logs."""

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from learningcity.logs import RedactPersonalData
from tests.factories import DEFAULT_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_is_locked_after_repeated_failures(client, officer_1):
    statuses = [
        login(client, officer_1.username, "sai-mat-khau").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = login(client, officer_1.username, DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_account_from_the_same_computer_is_not_locked(client, officer_1, officer_3):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, officer_1.username, "sai-mat-khau")
    assert login(client, officer_3.username, DEFAULT_PASSWORD).status_code == 302


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/districts/760/", "/api/docs/"])
def test_csp_forbids_inline_script_and_pages_have_none(client, officer_1, hcmc, url):
    client.force_login(officer_1)
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src.split() == ["'self'"]
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_csrf_is_enforced_on_forms(officer_1, hcmc):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_1)
    response = client.post("/districts/760/committee/establish/", {"number": "1/QĐ"})
    assert response.status_code == 403


def test_uploads_are_not_served_from_media_url(client, officer_1):
    client.force_login(officer_1)
    assert client.get(f"/{settings.MEDIA_URL}districts/1/x.pdf").status_code == 404
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not media.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert all(not media.is_relative_to(Path(d).resolve()) for d in settings.STATICFILES_DIRS)


def test_production_cookies_are_secure_and_hsts_is_on():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "learningcity.settings.production",
            "SECRET_KEY": "k" * 60,
            "MEDIA_ROOT": "/data/media",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "31536000", "True", "True"]


def test_logs_carry_no_personal_data():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: /x?email=%s&phone=%s",
        ("an.nguyen@hcm.edu.vn", "0912345678"),
        None,
    )
    assert RedactPersonalData().filter(record)
    assert record.getMessage() == "Not Found: /x?email=[email]&phone=[phone]"


def test_failed_logins_do_not_log_the_account(client, officer_1, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        login(client, officer_1.username, "sai-mat-khau")
    messages = [record.getMessage() for record in caplog.records]
    assert messages  # the failures are logged...
    assert all(officer_1.username not in message for message in messages)  # ...anonymously


def test_the_console_log_handler_redacts():
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, RedactPersonalData) for f in handler.filters)


@pytest.mark.parametrize("url", ["/api/v1/districts/?q=a%00b", "/districts/?q=%00"])
def test_null_characters_in_the_query_string_are_refused(client, officer_1, hcmc, url):
    client.force_login(officer_1)
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/clc-evaluations/?centre=-1.2262192577111553e%2B59",
        "/api/v1/committee-members/?committee=99999999999999999999",
        "/api/v1/reports/?year=1.5",
    ],
)
def test_numbers_out_of_range_in_filters_are_a_client_error(client, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 400
