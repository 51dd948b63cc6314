"""A logging filter that keeps e-mail addresses, personal links and answers out of logs.

Installed on every handler in settings.LOGGING. It rewrites the formatted message, drops
the request object that Django attaches to request errors (it carries POST data, that is
answers) and blanks exception texts that could quote them.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# Personal links: /s/<token>/... and bare tokens of token_urlsafe(32) length.
LINK = re.compile(r"(/s/)[A-Za-z0-9_-]{20,}")
TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def redact(text: str) -> str:
    text = EMAIL.sub("[e-mail]", text)
    text = LINK.sub(r"\1[token]", text)
    return TOKEN.sub("[token]", text)


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if hasattr(record, "request"):
            record.request = None
        return True


class RedactFormatter(logging.Formatter):
    """Redacts the final text, tracebacks included (an IntegrityError can quote a value)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
