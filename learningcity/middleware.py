import re
import uuid

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from . import logs


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
            if request.path_info.startswith("/api/"):
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
