"""Behind the reverse proxy (docker-compose.yml's nginx), login lockouts and rate limits count per
client, from the X-Real-IP header the proxy sets, not per proxy address."""

import os
import subprocess
import sys
from pathlib import Path

from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from django_ratelimit.core import _get_ip

from learningcity.client_ip import client_ip

ROOT = Path(__file__).resolve().parents[2]
PROXY, CLIENT = "172.18.0.9", "203.0.113.7"


def proxied_request(**headers):
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)


def test_without_the_setting_the_header_is_ignored(settings):
    settings.CLIENT_IP_META_KEY = ""
    assert client_ip(proxied_request(HTTP_X_REAL_IP=CLIENT)) == PROXY


def test_with_the_setting_the_proxy_header_names_the_client(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_ip(proxied_request(HTTP_X_REAL_IP=CLIENT)) == CLIENT
    # A probe calling a web process directly, without the proxy: its own address.
    assert client_ip(proxied_request()) == PROXY


def test_lockouts_and_rate_limits_use_it(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.AXES_CLIENT_IP_CALLABLE = "learningcity.client_ip.client_ip"
    settings.RATELIMIT_IP_META_KEY = "learningcity.client_ip.client_ip"
    request = proxied_request(HTTP_X_REAL_IP=CLIENT)
    assert get_client_ip_address(request) == CLIENT
    assert _get_ip(request) == CLIENT


def test_the_environment_variable_switches_both_on():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CLIENT_IP_META_KEY, s.AXES_CLIENT_IP_CALLABLE, s.RATELIMIT_IP_META_KEY)"
    )
    env = {**os.environ, "CLIENT_IP_META_KEY": "HTTP_X_REAL_IP"}
    env["DJANGO_SETTINGS_MODULE"] = "learningcity.settings.base"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "HTTP_X_REAL_IP",
        "learningcity.client_ip.client_ip",
        "learningcity.client_ip.client_ip",
    ]
