"""Serving stored files (uploads, compiled reports) once a view has checked who is asking.

Files are never served from MEDIA_URL or from a public bucket. Each download view first checks
the reader's permission, then hands the file to :func:`serve_stored_file`, which answers:

- with object storage that signs URLs (``STORAGE=s3``): a redirect to a signed URL of the object,
  valid a short while (``AWS_QUERYSTRING_EXPIRE``), which tells the store to send it as an
  attachment named ``filename``; the file's bytes never pass through the portal;
- otherwise (the filesystem, the embedded default): the file itself, streamed.

Either way the name survives in Vietnamese (RFC 6266 ``filename*``, with an ASCII stand-in).
"""

import mimetypes
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from storages.backends.s3 import S3Storage

from learningcity.xlsx import content_disposition


def signs_urls(storage) -> bool:
    """Whether ``storage`` hands out signed, expiring URLs to its private objects."""
    return isinstance(storage, S3Storage) and storage.querystring_auth and not storage.custom_domain


def serve_stored_file(field_file: FieldFile, filename: str):
    """The download of ``field_file`` as ``filename``; call it only after the permission check.

    Raises Http404 when no file is stored.
    """
    if not field_file:
        raise Http404
    disposition = content_disposition(filename)
    storage = field_file.storage
    if signs_urls(storage):
        parameters = {"ResponseContentDisposition": disposition}
        content_type, _encoding = mimetypes.guess_type(filename)
        if content_type:
            parameters["ResponseContentType"] = content_type
        response = HttpResponseRedirect(storage.url(field_file.name, parameters=parameters))
    else:
        response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename)
        response["Content-Disposition"] = disposition
    # The permission check answered for this reader only, and a signed URL soon expires.
    add_never_cache_headers(response)
    return response


def stored_basename(field_file: FieldFile) -> str:
    """The last part of a stored file's name: what it is downloaded as, unless told otherwise."""
    return field_file.name.rsplit("/", 1)[-1]


def download_view(view):
    """A download view that API clients open with their token, as the pages do with a session.

    API resources give their files as links to these views (learningcity.api.serializers.
    DownloadField). A signed-in session is used as everywhere; without one, a GET carrying the
    API's ``Authorization: Token <key>`` is signed in for this request only (an invalid or expired
    token answers 401). Anyone else is sent to the login page, as for any other page. The view
    itself still decides, from ``request.user``, whether the file may be read.
    """

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated and request.method in ("GET", "HEAD"):
            try:
                found = TokenAuthentication().authenticate(request)
            except AuthenticationFailed as error:
                refused = HttpResponse(str(error.detail), status=401, content_type="text/plain")
                refused["WWW-Authenticate"] = "Token"
                return refused
            if found:
                request.user = found[0]
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
