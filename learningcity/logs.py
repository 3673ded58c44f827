"""Logging that keeps personal data out of the logs."""

import logging
import re

# E-mail addresses and Vietnamese phone numbers (10-11 digits, optionally +84).
_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\d)(\+84|0)\d{9,10}(?!\d)"), "[phone]"),
]


class RedactPersonalData(logging.Filter):
    """Masks e-mail addresses and phone numbers in every record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern, mask in _PATTERNS:
            message = pattern.sub(mask, message)
        record.msg, record.args = message, None
        return True
