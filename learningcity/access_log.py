"""Gunicorn's access log in the portal's log format (gunicorn.conf.py sets ``logger_class``).

One line per request, written by the gunicorn worker once the response is sent, formatted as the
portal's other log lines (``LOG_FORMAT``: text, or one JSON object per line) and carrying the
``request_id`` the portal answered in ``X-Request-ID`` (learningcity.middleware), so that the
access line and the application's lines of one request can be joined. ``-`` when the request
never reached the portal (a static file is served by it too, so that is rare).

The line says what was asked and answered: method, path, status, bytes, duration. Nothing else
(no query string, no client address, referrer or user agent: they may carry personal data), and
the path is redacted like every other log line (learningcity.logs).
"""

import functools
import logging
import traceback

from gunicorn.glogging import Logger

from learningcity import logs

_redact = logs.RedactPersonalData()


def _readable(text: str) -> str:
    """Control characters escaped: a path cannot start a forged log line."""
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def _path(environ: dict) -> str:
    """The request's path, decoded (WSGI hands it over as Latin-1), without the query string."""
    raw = environ.get("PATH_INFO") or "/"
    decoded = raw.encode("latin-1", errors="replace").decode("utf-8", errors="replace")
    return _readable(logs.redact(decoded))


def _header(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def access_record(resp, environ: dict, request_time) -> logging.LogRecord:
    """The log record of one answered request, ``request_id`` and ``status_code`` included."""
    status = resp.status
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    status_code = int(status)
    method = _readable(environ.get("REQUEST_METHOD", "-"))
    path = _path(environ)
    sent = getattr(resp, "sent", None) or 0
    duration_ms = round(request_time.total_seconds() * 1000, 1)
    record = logging.LogRecord(
        name="gunicorn.access",
        level=logging.INFO,
        pathname=__file__,
        lineno=0,
        msg="%s %s %s %s B %s ms",
        args=(method, path, status_code, sent, duration_ms),
        exc_info=None,
    )
    record.request_id = _header(resp.headers, "x-request-id") or "-"
    record.status_code = status_code
    record.http = {
        "method": method,
        "path": path,
        "response_bytes": sent,
        "duration_ms": duration_ms,
    }
    _redact.filter(record)
    return record


@functools.cache
def _formatter() -> logging.Formatter:
    """The formatter the portal's own log lines use (settings.LOG_FORMAT)."""
    from django.conf import settings

    if not settings.configured:  # the application did not load: plain lines
        return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    if settings.LOG_FORMAT == "json":
        return logs.JsonFormatter()
    return logging.Formatter(settings.LOGGING["formatters"]["text"]["format"])


class AccessLogger(Logger):
    """Gunicorn's logger, with the access line of :func:`access_record` in the portal's format.

    ``access_log_format`` is not used; ``accesslog`` still says where the lines go.
    """

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            line = _formatter().format(access_record(resp, environ, request_time))
            self.access_log.info("%s", line)
        except Exception:
            self.error(traceback.format_exc())
