"""Logging that keeps personal data out of the logs and ties each line to its request.

Every record gets ``request_id``: the id of the web request (see ``RequestIdMiddleware``) or of
the Celery task (see ``learningcity.celery``) it was written under, else ``-``. ``LOG_FORMAT=json``
writes one JSON object per line (``JsonFormatter``).
"""

import contextvars
import datetime
import json
import logging
import re

# E-mail addresses and Vietnamese phone numbers (10-11 digits, optionally +84).
_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\d)(\+84|0)\d{9,10}(?!\d)"), "[phone]"),
]

# The id of the request or task being handled in this thread or task, if any.
request_id = contextvars.ContextVar("request_id", default=None)


def redact(text: str) -> str:
    for pattern, mask in _PATTERNS:
        text = pattern.sub(mask, text)
    return text


class RedactPersonalData(logging.Filter):
    """Masks e-mail addresses and phone numbers in every record before it is written."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        # A traceback quotes exception messages (a database error may name the value): formatters
        # use exc_text when it is set, so set it, redacted.
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx response after the middleware has returned: use its request.
        current = request_id.get() or getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = current or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with a fixed set of fields.

    Only these fields: extra attributes (Django's ``request`` object, for one) could carry
    personal data past the redaction filter.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if isinstance(getattr(record, "status_code", None), int):
            entry["status_code"] = record.status_code
        # Gunicorn's access lines (learningcity.access_log): method, path, bytes, duration.
        if record.name == "gunicorn.access" and isinstance(getattr(record, "http", None), dict):
            entry["http"] = record.http
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
