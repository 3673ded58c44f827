import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib import auth, messages
from django.db import IntegrityError
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import logs
from .workflow import COLLISION_MESSAGE, is_write_collision

logger = logging.getLogger(__name__)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switch in the header.

    The browser's Accept-Language is ignored on purpose: many officers' computers are set to
    English, and the portal's working language is Vietnamese.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def is_api_request(request) -> bool:
    """Whether the portal answers ``request`` as its API does: in JSON, {"detail": "..."}."""
    return request.path_info.startswith("/api/")


def reject_null_characters(get_response):
    """Answer 400 to a path or a query string carrying NUL characters.

    PostgreSQL refuses NUL in text, so a filter value or a code in the path ("/indicators/
    districts/760/2025%00/") would otherwise surface as a server error deep inside whatever
    query uses it. Form and API fields refuse them already. The API answers in JSON, as DRF
    answers any refused request ({"detail": "..."}).
    """

    def middleware(request):
        if "\x00" in request.path_info or any(
            "\x00" in key or "\x00" in value for key, value in request.GET.items()
        ):
            message = _("The request contains characters that are not allowed.")
            if is_api_request(request):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return get_response(request)

    return middleware


_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def request_id_middleware(get_response):
    """Give each request an id: the proxy's X-Request-ID if sane, else a new one.

    The id goes on every log line written while the request is handled (learningcity.logs) and
    back to the client in the X-Request-ID response header.
    """

    def middleware(request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = logs.request_id.set(rid)
        try:
            response = get_response(request)
        finally:
            logs.request_id.reset(token)
        response["X-Request-ID"] = rid
        return response

    return middleware


# Session keys: when the user signed in, and when the portal last recorded their activity (Unix
# seconds).
SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN = "portal_last_seen"


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    """On sign-in (the ``user_logged_in`` signal): the session's idle and absolute clocks start."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def session_idle_timeout(get_response):
    """Sign out a session unused for SESSION_IDLE_TIMEOUT, or older than SESSION_COOKIE_AGE.

    Activity is recorded in the session at most once per SESSION_ACTIVITY_UPDATE, so that a
    session is not written on every request. The sign-in page then says why.
    """

    def middleware(request):
        session = request.session
        if auth.SESSION_KEY in session:
            now = int(time.time())
            signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
            if signed_in_at is None or last_seen is None:  # signed in before the stamps
                session[SIGNED_IN_AT] = session[LAST_SEEN] = now
            elif (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
                or now - signed_in_at > settings.SESSION_COOKIE_AGE
            ):
                auth.logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
            elif (
                now - last_seen >= settings.SESSION_ACTIVITY_UPDATE.total_seconds()
                # A page polling by itself (htmx: a report's progress) is not the user at work.
                and request.headers.get("HX-Request") != "true"
            ):
                session[LAST_SEEN] = now
        return get_response(request)

    return middleware


class IntegrityConflictMiddleware:
    """Answer a page whose write collided with another one at the database (two people creating
    the same record at the same moment) with a clear 409 page instead of a server error.

    Services check the rules first and serialise the writers they know race; this catches what
    only the database's constraints saw. The API has its own answer (learningcity.api.exceptions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, IntegrityError) and is_write_collision(exception)):
            return None
        logger.warning("Write conflict on %s: %s", request.path, exception)
        if is_api_request(request):
            # A constraint checked at the commit fails after DRF has answered: say it in JSON.
            return JsonResponse({"detail": str(COLLISION_MESSAGE)}, status=409)
        referer = request.headers.get("Referer", "")
        same_site = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return render(
            request,
            "conflict.html",
            # The page the form was on; the URL posted to may take POST only.
            {"back": referer if referer and same_site else "/"},
            status=409,
        )
