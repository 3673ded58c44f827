"""Production settings: the base settings, hardened. Refuses to start with development values."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    DEVELOPMENT_SECRET_KEY,
    LOGGING,
    MEDIA_ROOT,
    REPORTS_STALE_AFTER,
    STORAGE,
    STORAGES,
    env,
)

SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

DEMO_DATA_ALLOWED = False
# Uploads are stored where base.py's STORAGE says; only the static files differ here.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# Probes and the metrics scraper call the web processes directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# One JSON object per log line, for the log collector (LOG_FORMAT=text for plain lines).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    **LOGGING,
    "handlers": {"console": {**LOGGING["handlers"]["console"], "formatter": LOG_FORMAT}},
}

# Stateless web processes: nothing is written beside the code. Uploads and reports go to object
# storage (STORAGE=s3) or to a MEDIA_ROOT outside the code folder (a mounted volume).
if STORAGE == "filesystem" and (
    not env("MEDIA_ROOT", default="") or Path(MEDIA_ROOT).resolve().is_relative_to(BASE_DIR)
):
    raise ImproperlyConfigured(
        "Set MEDIA_ROOT to a folder outside the code (a mounted volume), or use STORAGE=s3."
    )

# A job whose worker was lost comes back after the broker's visibility timeout: shorter than the
# longest report, a compile still running would be handed to a second worker as well.
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= REPORTS_STALE_AFTER.total_seconds():
    raise ImproperlyConfigured(
        "Set CELERY_VISIBILITY_TIMEOUT (seconds) above REPORTS_STALE_MINUTES (minutes) * 60."
    )
