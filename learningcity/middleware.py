from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


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
    """Answer 400 to a query string carrying NUL characters.

    PostgreSQL refuses NUL in text, so a filter value with one would otherwise surface as a
    server error deep inside whatever query uses it. Form and API fields refuse them already.
    """

    def middleware(request):
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return HttpResponseBadRequest(
                _("The request contains characters that are not allowed.")
            )
        return get_response(request)

    return middleware
