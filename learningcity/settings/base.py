"""Settings for every environment, read from environment variables.

The defaults are the embedded development set-up: a SQLite file under ``var/``, Celery tasks run
eagerly inside the web process, local-memory cache. ``production.py`` tightens these and refuses
to start with development values.
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "learningcity",
    # In-app notices and e-mails: the bottom layer, so every app's services may notify.
    "learningcity.notifications",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_prometheus",
    # In layer order, lowest first: demo data loads in this order too.
    "districts",
    "awards",
    "clc",
    "indicators",
    "learningcity.reports",
    "learningcity.deadlines",
]

MIDDLEWARE = [
    # Prometheus metrics (/metrics): first and (before django-axes) last, to time everything.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # X-Request-ID in and out, and on every log line of the request (learningcity.logs).
    "learningcity.middleware.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "learningcity.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "learningcity.middleware.reject_null_characters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a session left unused for SESSION_IDLE_TIMEOUT (after messages: it leaves one).
    "learningcity.middleware.session_idle_timeout",
    # A write that collided with another at the database answers a 409 page, not a 500.
    "learningcity.middleware.IntegrityConflictMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "learningcity.urls"
WSGI_APPLICATION = "learningcity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

FORM_RENDERER = "learningcity.forms.PortalFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)  # the embedded database lives here; git ignores the folder
    # A file, not memory, so that a Celery worker started by a test can read the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "learningcity.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # Refuses logins for a while after repeated failures (django-axes), then the usual check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Lock the pair (account, address): one person's typos never lock out a whole office behind NAT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines would name the account
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# Behind a reverse proxy: the request.META key holding the client's address, which the proxy sets
# (docker-compose.yml's nginx: HTTP_X_REAL_IP); empty: REMOTE_ADDR. See learningcity/client_ip.py.
CLIENT_IP_META_KEY = env("CLIENT_IP_META_KEY", default="")
if CLIENT_IP_META_KEY:
    AXES_CLIENT_IP_CALLABLE = "learningcity.client_ip.client_ip"
    RATELIMIT_IP_META_KEY = "learningcity.client_ip.client_ip"

# No inline script: pages load code only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Swagger UI and htmx add style elements at run time; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions (learningcity.middleware.session_idle_timeout) --------------------------------------
# A browser session unused for SESSION_IDLE_TIMEOUT_MINUTES needs a new sign-in; using the portal
# extends it, though the session is written at most once per SESSION_ACTIVITY_UPDATE_SECONDS (so
# the idle time allowed may exceed the timeout by up to that much). Whatever the activity, a
# sign-in lasts at most SESSION_MAX_AGE_HOURS.
SESSION_IDLE_TIMEOUT = datetime.timedelta(
    minutes=env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=60)
)
SESSION_ACTIVITY_UPDATE = datetime.timedelta(
    seconds=env.int("SESSION_ACTIVITY_UPDATE_SECONDS", default=300)
)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_AGE_HOURS", default=12) * 60 * 60
if SESSION_IDLE_TIMEOUT <= SESSION_ACTIVITY_UPDATE:
    raise ImproperlyConfigured(
        "SESSION_IDLE_TIMEOUT_MINUTES must be longer than SESSION_ACTIVITY_UPDATE_SECONDS."
    )
# The language switch's cookie: sent over HTTPS only in production (production.py), like the
# session and CSRF cookies.
LANGUAGE_COOKIE_SECURE = env.bool("LANGUAGE_COOKIE_SECURE", default=False)
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Language, time, numbers ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy dates and 1.234,5 numbers in Vietnamese (see learningcity/formats/vi).
FORMAT_MODULE_PATH = ["learningcity.formats"]

# --- Static files and uploads --------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# In development whitenoise serves straight from the source folders; production collects first.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
# Where uploads and compiled reports are stored: the one place that chooses (production.py only
# changes the staticfiles backend).
#   STORAGE=filesystem (the embedded default): files under MEDIA_ROOT; downloads are streamed by
#     the portal's own views after their permission check.
#   STORAGE=s3: an S3-compatible bucket (Amazon S3, MinIO, ...). Downloads still pass the same
#     permission check, then answer a redirect to a signed URL valid AWS_QUERYSTRING_EXPIRE
#     seconds (see learningcity/storage.py). The bucket stays private: no ACL is set on objects,
#     and an object is never overwritten (a new name is chosen instead).
#     AWS_STORAGE_BUCKET_NAME (required), AWS_S3_ENDPOINT_URL (empty: Amazon S3; e.g.
#     http://minio:9000), AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (empty:
#     boto3's own credential chain, e.g. an instance role), AWS_QUERYSTRING_EXPIRE (60),
#     AWS_S3_ADDRESSING_STYLE ("path", which MinIO needs; "virtual" for Amazon S3 if preferred).
STORAGE = env("STORAGE", default="filesystem")
if STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            "signature_version": "s3v4",
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
elif STORAGE == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"STORAGE must be 'filesystem' or 's3', not {STORAGE!r}.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Cache, Celery -------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Seconds to wait for Redis (cache, broker, results) before treating it as away: short, so that a
# Redis that is down or unreachable costs a request a moment, not seconds per cache call.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
# The cache degrades rather than fails: with Redis away every cache call is a miss (a read) or
# does nothing (a write), so pages, sessions (read from the database), API throttles and cached
# roll-ups go on without it. Each ignored error is logged on "learningcity.cache" and counted in
# learningcity_cache_errors_ignored_total (learningcity/cache.py).
REDIS_CACHE_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
    "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
    "IGNORE_EXCEPTIONS": True,
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "learningcity.cache"
if REDIS_URL:
    # Shared by every web process: rate limits, cached sessions.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="learningcity"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    # Sessions read from Redis, written to the database too: a Redis flush logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run inside the calling process so the embedded set-up needs nothing.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Two queues, so that long report compiles never hold up the short jobs (README.md, Celery
# workers): "reports" for compile_report, "default" for every other task, the beat's included.
# A worker started without -Q consumes both; `-Q reports` or `-Q default` one of them.
CELERY_TASK_QUEUES = (Queue("default"), Queue("reports"))
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"learningcity.reports.tasks.compile_report": {"queue": "reports"}}
# A job is acknowledged once it has finished, so a worker killed mid-job (or its pool process
# lost) leaves it to another worker: at once for a lost pool process, after the visibility
# timeout for a worker gone altogether. Redis hands an unacknowledged job to another worker after
# CELERY_VISIBILITY_TIMEOUT seconds, so it must exceed the longest job (REPORTS_STALE_AFTER).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
}
# Queueing a job while the broker is away fails within a moment instead of holding the request:
# one quick retry, then the caller records that the job waits (the report stays queued, the e-mail
# pending) and a periodic job sends it once the broker is back (beat: reports-requeue,
# emails-resend).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_BEAT_SCHEDULE = {
    # Deadline reminders (7 and 1 day ahead), overdue notices and the Department's digest,
    # each sent once however often the job runs (learningcity.deadlines.services).
    "deadline-reminders": {
        "task": "learningcity.deadlines.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Import previews never confirmed, with their uploaded files (learningcity.import_previews).
    "purge-import-previews": {
        "task": "learningcity.tasks.purge_import_previews",
        "schedule": crontab(minute=30),  # hourly
    },
    # Jobs that could not be queued while the broker was away, or were lost with it: report
    # compiles still queued (learningcity.reports.services.reports_requeue) and e-mails waiting
    # for their next try, with backoff after a failure (learningcity.notifications.services).
    "reports-requeue": {
        "task": "learningcity.reports.tasks.requeue_reports",
        "schedule": datetime.timedelta(minutes=1),
    },
    "emails-resend": {
        "task": "learningcity.notifications.tasks.resend_notice_emails",
        "schedule": datetime.timedelta(minutes=1),
    },
    "purge-expired-sessions": {
        "task": "learningcity.tasks.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=0),
    },
    # The one-time tokens of create forms (learningcity.models.SentForm), after a week.
    "purge-sent-forms": {
        "task": "learningcity.tasks.purge_sent_forms",
        "schedule": crontab(hour=3, minute=10),
    },
    # Periodic reports of the city, at 06:00 (CELERY_TIMEZONE) on the first day after their span:
    # each entry requests the report of the period that has just ended (see README.md).
    "reports-monthly": {
        "task": "learningcity.reports.tasks.request_periodic_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
        "kwargs": {"kind": "monthly"},
    },
    "reports-quarterly": {
        "task": "learningcity.reports.tasks.request_periodic_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
        "kwargs": {"kind": "quarterly"},
    },
    "reports-half-yearly": {
        "task": "learningcity.reports.tasks.request_periodic_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,7"),
        "kwargs": {"kind": "half_yearly"},
    },
    "reports-yearly": {
        "task": "learningcity.reports.tasks.request_periodic_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year=1),
        "kwargs": {"kind": "yearly"},
    },
}

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call answers 401 with "WWW-Authenticate: Token".
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["learningcity.api.permissions.RoleScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "learningcity.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": "learningcity.api.metadata.PortalMetadata",
    "EXCEPTION_HANDLER": "learningcity.api.exceptions.portal_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
}
# API tokens expire after API_TOKEN_TTL_DAYS days (90) unless `create_api_token --days N` says
# otherwise; "0" or "none" issues tokens that never expire, and must be chosen explicitly.
_token_ttl = env("API_TOKEN_TTL_DAYS", default="90").strip().lower()
if _token_ttl in ("0", "none"):
    API_TOKEN_TTL = None
elif _token_ttl.isdigit():
    API_TOKEN_TTL = datetime.timedelta(days=int(_token_ttl))
else:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be a number of days, 0 or 'none'.")
REST_KNOX = {
    # Clients send "Authorization: Token <key>"; only a hash of the key is stored.
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": API_TOKEN_TTL,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Learning-city portal API",
    "DESCRIPTION": (
        "Ho Chi Minh City Department of Education and Training: UNESCO Global Learning City "
        "2024-2030 programme. Authenticate with a browser session or a token "
        "(`Authorization: Token <key>`) issued by the Department."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Uploads appear as binary in multipart request bodies, not as URLs.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the errors DRF may answer to it (400, 401, 403, 404, 409, 429),
    # and a version is required in PATCH bodies too (learningcity.api.serializers.VersionField).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "learningcity.api.schema.document_error_responses",
        "learningcity.api.schema.versions_required_on_patch",
    ],
    # Several resources have a "status" field with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "districts.choices.TaskStatus",
        "ReviewStatusEnum": "districts.choices.ReviewStatus",
        "UnitKindEnum": "districts.choices.Kind",
        "DossierStatusEnum": "awards.choices.DossierStatus",
        "AttachmentKindEnum": "awards.choices.AttachmentKind",
        "NoticeKindEnum": "learningcity.notifications.choices.NoticeKind",
        "ObligationKindEnum": "learningcity.deadlines.choices.ObligationKind",
    },
}

# --- Portal --------------------------------------------------------------------------------------
# The province whose districts the portal serves (GSO code); 79 is Ho Chi Minh City.
PORTAL_PROVINCE_CODE = env("PORTAL_PROVINCE_CODE", default="79")
# Demo accounts with published passwords may only be created where this is on.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=DEBUG)
# Where users reach the portal: links in e-mails are made absolute with it (no trailing slash).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- E-mail (learningcity.notifications) ----------------------------------------------------------
# EMAIL_URL picks the backend and server: smtp://user:password@host:25, smtp+tls://...:587
# (STARTTLS), smtp+ssl://...:465; consolemail:// (the embedded default) prints each e-mail on
# the console of the process that sends it (the worker, or the web when tasks run eagerly).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds; then the task tries again later
# An e-mail the mail server could not take for now (unreachable, timed out, "try again later") is
# tried again by the beat's emails-resend after EMAIL_RETRY_SECONDS, doubling after each failure
# up to EMAIL_RETRY_MAX_SECONDS, EMAIL_MAX_ATTEMPTS times in all; then, or at once when the server
# refuses it for good (unknown recipient), it is marked failed for the administrator.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=10)
EMAIL_RETRY_SECONDS = env.float("EMAIL_RETRY_SECONDS", default=60)
EMAIL_RETRY_MAX_SECONDS = env.float("EMAIL_RETRY_MAX_SECONDS", default=3600)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Cổng Thành phố học tập <no-reply@localhost>"
)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# LOG_FORMAT: "text" (development) or "json" (one object per line; production's default). Every
# line carries request_id: the request's X-Request-ID, or the Celery task's id.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "learningcity.logs.RequestIdFilter"},
        "redact": {"()": "learningcity.logs.RedactPersonalData"},
        "cache_errors": {"()": "learningcity.cache.CountIgnoredCacheErrors"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "learningcity.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact", "request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "loggers": {
        # django-redis's ignored errors (Redis away): counted, one line each, no traceback.
        "learningcity.cache": {"filters": ["cache_errors"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
if LOG_FORMAT not in LOGGING["formatters"]:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")

# --- Health and metrics (learningcity/views.py) --------------------------------------------------
# /metrics answers staff users and clients connecting straight (not through a proxy) from these
# networks; everyone else gets 404. Comma-separated CIDRs.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_error}") from None

# /readyz writes and deletes a small object in the storage at most this often per web process
# (seconds); calls in between answer with the last outcome.
READYZ_STORAGE_INTERVAL_SECONDS = env.int("READYZ_STORAGE_INTERVAL_SECONDS", default=60)

# --- Uploads -------------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Office files are zip archives: refuse one that unpacks to more than this.
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
# Seconds an import may spend reading and checking one spreadsheet before it is refused with a
# clear message (learningcity.spreadsheets.ReadBudget); well under the web workers' timeout.
SPREADSHEET_READ_SECONDS = env.float("SPREADSHEET_READ_SECONDS", default=15)
# An import's preview that was never confirmed is deleted, with its stored file, after this long.
IMPORT_PREVIEW_HOURS = env.int("IMPORT_PREVIEW_HOURS", default=24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Awards --------------------------------------------------------------------------------------
# The council recommends a dossier when its "for" votes are MORE than this share of the votes cast
# (for + against + abstentions): 0.5 is a strict majority; for two thirds set 0.6667.
AWARDS_RECOMMEND_THRESHOLD = env.float("AWARDS_RECOMMEND_THRESHOLD", default=0.5)
# Public comments on posted nominees, per visitor address (django-ratelimit's syntax).
AWARDS_COMMENT_RATE = env("AWARDS_COMMENT_RATE", default="5/h")

# --- Periodic reports (learningcity.reports) ------------------------------------------------------
# The language reports are written in (their letterhead is Vietnamese whatever this says).
REPORTS_LANGUAGE = env("REPORTS_LANGUAGE", default=LANGUAGE_CODE)
# A report queued or compiling for longer than this lost its job: a new request queues it again.
REPORTS_STALE_AFTER = datetime.timedelta(minutes=env.int("REPORTS_STALE_MINUTES", default=30))
# For tests and drills only: seconds to pause after each section, so that a compile lasts long
# enough to be interrupted (a worker killed mid-way). Leave it at 0.
REPORTS_SECTION_DELAY_SECONDS = env.float("REPORTS_SECTION_DELAY_SECONDS", default=0)
# The issuer's texts in the DOCX (Decree 30/2020/NĐ-CP layout). "{district}" is the district's
# name, "{district_upper}" the same in capitals.
REPORTS_LETTERHEAD = {
    "city": {
        "superior": ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"],
        "issuer": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "number": "Số: …/BC-SGDĐT",
        "place": "Thành phố Hồ Chí Minh",
        "signer": "GIÁM ĐỐC",
        "signer_note": "(Ký, ghi rõ họ tên)",
        "recipients": [
            "Bộ Giáo dục và Đào tạo (để báo cáo)",
            "Ủy ban nhân dân Thành phố (để báo cáo)",
            "Ban Giám đốc Sở",
            "Phòng Giáo dục và Đào tạo các quận, huyện, thành phố Thủ Đức",
            "Lưu: VT",
        ],
    },
    "district": {
        "superior": ["ỦY BAN NHÂN DÂN", "{district_upper}"],
        "issuer": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "number": "Số: …/BC-PGDĐT",
        "place": "{district}",
        "signer": "TRƯỞNG PHÒNG",
        "signer_note": "(Ký, ghi rõ họ tên)",
        "recipients": [
            "Sở Giáo dục và Đào tạo (để báo cáo)",
            "Ủy ban nhân dân {district} (để báo cáo)",
            "Lưu: VT",
        ],
    },
}
