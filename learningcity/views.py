import ipaddress
import logging
import threading
import time
import uuid

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language
from django_prometheus.exports import ExportToDjangoView
from rest_framework.exceptions import NotFound

from districts.models import AdministrativeUnit
from districts.selectors import in_portal, portal_district_list, programme_summary

from .celery import app as celery_app
from .client_ip import known_client_ip
from .middleware import is_api_request
from .models import User

logger = logging.getLogger(__name__)


def page_not_found(request, exception):
    """A path that names nothing: under /api/ the answer DRF gives a missing row
    ({"detail": ...} in JSON), elsewhere Django's 404 page."""
    if is_api_request(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


# Four cards a row: a city's districts fit one page, a country's 696 do not.
HOME_DISTRICTS_PER_PAGE = 48


def home(request):
    page = Paginator(portal_district_list(), HOME_DISTRICTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    wards = in_portal(AdministrativeUnit.objects.wards(), district="parent")
    return render(
        request,
        "learningcity/home.html",
        {
            "page_obj": page,
            "districts": page.object_list,
            "district_total": page.paginator.count,
            "ward_total": wards.count(),
            "programme": programme_summary(),
        },
    )


class LoginView(auth_views.LoginView):
    """Signing in brings the user's language along: a browser that has no choice of its own
    takes the one the user saved (``User.language``); a choice made on this browser before
    signing in becomes theirs, as the header switch would have made it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            _remember_language(user, chosen)
        else:
            _set_language_cookie(response, user.language)
        return response


def _remember_language(user, language) -> None:
    """Keep ``language`` as the user's (pages at sign-in, notices, e-mails) if it is one of the
    portal's and not theirs already."""
    if language in dict(settings.LANGUAGES) and language != user.language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def _set_language_cookie(response, language: str) -> None:
    """The cookie Django's set_language view sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_not_required
@require_POST
def set_language(request):
    """The header's language switch: Django's (the cookie), and for a signed-in user the choice
    is kept as ``User.language`` too, the language of their notices and e-mails."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        _remember_language(request.user, request.POST.get("language"))
    return response


@login_not_required
@transaction.non_atomic_requests
@require_GET
def healthz(request):
    """Liveness probe for load balancers: the process answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_migrations():
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")


def _check_redis():
    cache.set("readyz", "ok", timeout=10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("the cache did not keep a value")
    with celery_app.connection_for_write() as broker:  # what the web uses to queue tasks
        broker.connect()  # the Redis transport pings on connect


class StorageProbe:
    """Writes and deletes a small object in the default storage, at most once per
    READYZ_STORAGE_INTERVAL_SECONDS in a process; calls in between reuse the last outcome, so an
    unauthenticated /readyz cannot make the portal write to storage on every call."""

    def __init__(self):
        self._lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self._checked_at: float | None = None
        self._failure: str | None = None

    def __call__(self) -> None:
        with self._lock:  # one write at a time, whatever the number of threads asking
            now = time.monotonic()
            interval = settings.READYZ_STORAGE_INTERVAL_SECONDS
            if self._checked_at is None or now - self._checked_at >= interval:
                try:
                    name = default_storage.save(
                        f"readyz-{uuid.uuid4().hex}.txt", ContentFile(b"ok")
                    )
                    default_storage.delete(name)
                except Exception as error:
                    self._failure = f"{type(error).__name__}: {error}"
                else:
                    self._failure = None
                self._checked_at = now
            if self._failure is not None:
                raise RuntimeError(self._failure)


_check_storage = StorageProbe()


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def readyz(request):
    """Readiness probe for load balancers: 200 when every service the portal needs answers.

    503 names the failed checks; the reasons go to the log only.
    """
    checks = {"database": _check_database, "migrations": _check_migrations}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    checks["storage"] = _check_storage
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:
            logger.warning("Readiness check %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


def _is_allowed_network(request) -> bool:
    """Whether the client connects from METRICS_ALLOWED_NETWORKS: its address as
    ``known_client_ip()`` knows it; never a client behind a proxy the settings do not name."""
    try:
        address = ipaddress.ip_address(known_client_ip(request) or "")
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics, for METRICS_ALLOWED_NETWORKS and staff; 404 for everyone else."""
    if not (_is_allowed_network(request) or request.user.is_staff):
        raise Http404
    return ExportToDjangoView(request)
