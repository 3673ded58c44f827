"""Redis away, for real: the cache and the Celery broker pointed at a loopback port where nothing
listens, so every call meets the connection error a stopped Redis gives."""

import contextlib
import socket

import kombu.pools
from django.conf import settings

from learningcity.celery import app
from tests.learningcity.test_celery_worker import drop_connections


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nowhere() -> str:
    """A Redis URL on a loopback port nobody listens on."""
    return f"redis://127.0.0.1:{free_port()}/0"


def redis_cache_away(**options) -> dict:
    """CACHES as production has them (settings.REDIS_CACHE_OPTIONS), Redis unreachable."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": nowhere(),
            "KEY_PREFIX": "learningcity-away",
            "OPTIONS": {**settings.REDIS_CACHE_OPTIONS, **options},
        }
    }


@contextlib.contextmanager
def celery_on(url: str):
    """This process's Celery app sends jobs to the Redis at ``url``, not eagerly, with the
    portal's own routing and publish settings, as a web process or beat with REDIS_URL has it."""
    test_conf = {"broker_url": url, "result_backend": url, "task_always_eager": False}
    saved_conf = {key: app.conf[key] for key in test_conf}
    kombu.pools.reset()
    drop_connections(app)
    app.conf.update(test_conf)
    try:
        yield url
    finally:
        drop_connections(app)
        app.conf.update(saved_conf)
        kombu.pools.reset()


def broker_away():
    """This process's Celery app sends jobs to a broker that cannot be reached (as a web process
    with REDIS_URL set while Redis is down)."""
    return celery_on(nowhere())
