"""The cache without Redis: errors that django-redis ignored, logged and counted.

With ``IGNORE_EXCEPTIONS`` (settings.REDIS_CACHE_OPTIONS) a cache call that cannot reach Redis
answers a miss or does nothing, and django-redis logs the error on ``DJANGO_REDIS_LOGGER``
("learningcity.cache"). This filter, on that logger, counts each one in
``learningcity_cache_errors_ignored_total`` (/metrics) and makes the line a one-line warning:
while Redis is away every request meets several, and a traceback each would drown the log.
"""

import logging

from prometheus_client import Counter

CACHE_ERRORS_IGNORED = Counter(
    "learningcity_cache_errors_ignored",
    "Cache calls that could not reach Redis and were answered without the cache.",
)


class CountIgnoredCacheErrors(logging.Filter):
    """Counts every record of an ignored cache error; keeps it as one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "cache_error_counted", False):
            # Logging configured again (dictConfig adds a logger's filters, never replaces
            # them) puts this filter on the logger twice: a record still counts once.
            return True
        record.cache_error_counted = True
        CACHE_ERRORS_IGNORED.inc()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            record.msg, record.args = "Cache unavailable, served without it: %s", (error,)
            record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
