"""A logging filter that keeps e-mail addresses, personal links, answers and client
addresses out of logs.

Installed on every handler in settings.LOGGING and in `samspil serve`'s gunicorn logging
(:func:`gunicorn_logging`). It rewrites the formatted message, drops the request object
that Django attaches to request errors (it carries POST data, that is answers) and blanks
exception texts that could quote them. Links are recognised however they are written:
`/s/<anything>` up to the next path separator, also with the slashes or the token's
characters percent-encoded (`%2Fs%2F`, `%5F`), and bare tokens, also percent-encoded.
Client addresses (IPv4, IPv6) become `[address]`, except in the access log when
SAMSPIL_ACCESS_LOG_ADDRESSES=1.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_SLASH = r"(?:/|%2[Ff])"
# Personal links: /s/<token>/... with whatever the token is made of, up to the next
# separator (a slash, also encoded, white space, a query, quotes).
LINK = re.compile(rf"({_SLASH}s{_SLASH})(?:(?!%2[Ff])[^/\s?#&\"'<>])+")
# Bare tokens: token_urlsafe(32) is 43 characters; candidates may be percent-encoded.
TOKEN_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9_%-])(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2}){43,}(?![A-Za-z0-9_-])"
)
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]{43}")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# Eight groups, or fewer with "::" among them, so that times of day (21:19:56, and the
# access log's 07/Dec/2026:01:02:03, whose year reads as a hexadecimal group) are left alone.
IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?=[0-9A-Fa-f:]*::)(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:])"
)
# A query's values (the register's search words, a search's municipality): the access log
# keeps the parameter names only.
QUERY_VALUE = re.compile(r"([?&][^=&\s\"#?]*=)[^&\s\"#]*")


def _token(match: re.Match[str]) -> str:
    text = match.group(0)
    return "[token]" if TOKEN_CHARACTERS.fullmatch(unquote(text)) else text


def redact(text: str, *, addresses: bool = True, queries: bool = False) -> str:
    """The text without e-mail addresses, personal links, (``addresses``) client
    addresses and (``queries``) the values in a URL's query."""
    if queries:
        text = QUERY_VALUE.sub(r"\1[value]", text)
    text = EMAIL.sub("[e-mail]", text)
    text = LINK.sub(r"\1[token]", text)
    text = TOKEN_CANDIDATE.sub(_token, text)
    if addresses:
        text = IPV4.sub("[address]", text)
        text = IPV6.sub("[address]", text)
    return text


class RedactFilter(logging.Filter):
    def __init__(self, name: str = "", addresses: bool = True, queries: bool = False) -> None:
        super().__init__(name)
        self.addresses = addresses
        self.queries = queries

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message, addresses=self.addresses, queries=self.queries)
        record.args = None
        if hasattr(record, "request"):
            record.request = None
        return True


class RedactFormatter(logging.Formatter):
    """Redacts the final text, tracebacks included (an IntegrityError can quote a value)."""

    def __init__(
        self, *args: Any, addresses: bool = True, queries: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = addresses
        self.queries = queries

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), addresses=self.addresses, queries=self.queries)


class JsonFormatter(RedactFormatter):
    """One JSON object per line (SAMSPIL_LOG_FORMAT=json): time (UTC, ISO 8601), level,
    logger, process, message and, for errors, the traceback; every text redacted as the
    plain lines are, before it is put into the object."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": redact(record.getMessage(), addresses=self.addresses, queries=self.queries),
        }
        if record.exc_info:
            entry["exception"] = redact(
                self.formatException(record.exc_info), addresses=self.addresses
            )
        return json.dumps(entry, ensure_ascii=False)


def formatter_class(json_lines: bool) -> str:
    return f"samspil.web.logfilter.{'JsonFormatter' if json_lines else 'RedactFormatter'}"


def _json_lines_setting() -> bool:
    from django.conf import settings

    return bool(settings.configured and getattr(settings, "LOG_FORMAT", "plain") == "json")


# gunicorn's access log line: time, request line, status, size, duration. No referrer (it
# holds the page the request came from, a personal link) and no user agent.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def access_log_format(with_addresses: bool) -> str:
    return ("%(h)s " if with_addresses else "") + ACCESS_LOG_FORMAT


def gunicorn_logging(
    *,
    access_log: bool = False,
    access_log_addresses: bool = False,
    json_lines: bool | None = None,
) -> dict[str, Any]:
    """gunicorn's logging configuration for `samspil serve`: every line through the
    redacting filter and formatter; client addresses kept only in the access log and only
    when asked for (SAMSPIL_ACCESS_LOG_ADDRESSES=1), a query's values never. JSON lines when
    ``json_lines`` (by default: when SAMSPIL_LOG_FORMAT=json).

    gunicorn writes an access log whenever it is given a logging configuration, whatever
    its ``accesslog`` setting says; without ``access_log`` (SAMSPIL_ACCESS_LOG=1) its
    access logger therefore writes nowhere."""
    if json_lines is None:
        json_lines = _json_lines_setting()
    fmt = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"

    def handler(filter_name: str, formatter: str) -> dict[str, Any]:
        return {
            "class": "logging.StreamHandler",
            "formatter": formatter,
            "filters": [filter_name],
            "stream": "ext://sys.stderr",
        }

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {
                "level": "INFO",
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            "gunicorn.access": {
                "level": "INFO" if access_log else "CRITICAL",
                "handlers": ["access_console" if access_log else "nowhere"],
                "propagate": False,
                "qualname": "gunicorn.access",
            },
        },
        "handlers": {
            "error_console": handler("redact", "redacted"),
            "access_console": handler("redact_access", "redacted_access"),
            "nowhere": {"class": "logging.NullHandler"},
        },
        "filters": {
            "redact": {"()": "samspil.web.logfilter.RedactFilter"},
            "redact_access": {
                "()": "samspil.web.logfilter.RedactFilter",
                "addresses": not access_log_addresses,
                "queries": True,
            },
        },
        "formatters": {
            "redacted": {"()": formatter_class(json_lines), "format": fmt},
            "redacted_access": {
                "()": formatter_class(json_lines),
                "format": fmt,
                "addresses": not access_log_addresses,
                "queries": True,
            },
        },
    }
