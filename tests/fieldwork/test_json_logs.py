"""SAMSPIL_LOG_FORMAT=json (issue 24 item 6): one JSON object per line, redacted like the
plain lines, in Django's logging and in gunicorn's."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from samspil.web.logfilter import JsonFormatter, RedactFilter, gunicorn_logging
from samspil.web.settings import LOGGING

LINK = "/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE/side/a/"


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("duplicate key anna@example.org")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("samspil.test", logging.ERROR, __file__, 1, message, args, exc_info)


def test_json_lines_are_redacted_objects_with_the_traceback():
    record = _record(
        "saving %s for %s from 192.168.1.20 failed", LINK, "anna@example.org", exc=True
    )
    RedactFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "samspil.test"
    assert entry["message"] == "saving /s/[token]/side/a/ for [e-mail] from [address] failed"
    assert "ValueError: duplicate key [e-mail]" in entry["exception"]
    assert "anna@example.org" not in line and "AbCdEf" not in line and "192.168" not in line
    assert entry["time"].endswith("+00:00")


def test_the_json_formatter_redacts_even_without_the_filter():
    entry = json.loads(JsonFormatter().format(_record("to %s", "bo@example.org")))
    assert entry["message"] == "to [e-mail]"


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_settings_choose_the_formatter_from_samspil_log_format(fmt):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMSPIL_LOG")}
    env["SAMSPIL_LOG_FORMAT"] = fmt
    code = (
        "import logging.config, samspil.web.settings as s;"
        "logging.config.dictConfig(s.LOGGING);"
        "logging.getLogger('samspil.x').warning('mail %s', 'anna@example.org')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    line = done.stderr.strip()
    assert "anna@example.org" not in line
    if fmt == "json":
        assert json.loads(line)["message"] == "mail [e-mail]"
    else:
        assert line.endswith("WARNING samspil.x: mail [e-mail]")
    assert LOGGING["handlers"]["console"]["filters"] == ["redact"]


def test_a_bad_log_format_is_refused_with_the_variables_name():
    env = dict(os.environ, SAMSPIL_LOG_FORMAT="xml")
    done = subprocess.run(
        [sys.executable, "-m", "samspil.cli", "study", "status", "1"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert "SAMSPIL_LOG_FORMAT='xml'" in done.stderr and "Traceback" not in done.stderr


def test_gunicorn_writes_json_access_lines_without_links():
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from samspil.web.logfilter import access_log_format

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", access_log_format(False))
    cfg.set("logconfig_dict", gunicorn_logging(access_log=True, json_lines=True))
    logger = Logger(cfg)
    handler = logging.getLogger("gunicorn.access").handlers[0]
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": LINK,
        "PATH_INFO": LINK,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.1.2.3",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], status_code=200)
    request = SimpleNamespace(headers=[])
    import datetime as dt

    logger.access(response, request, environ, dt.timedelta(milliseconds=5))
    entry = json.loads(stream.getvalue().strip())
    assert entry["logger"] == "gunicorn.access"
    assert "/s/[token]/side/a/" in entry["message"] and "10.1.2.3" not in entry["message"]


def test_samspil_serve_gunicorn_logging_follows_the_setting(settings):
    settings.LOG_FORMAT = "json"
    formatters = gunicorn_logging()["formatters"]
    assert {f["()"] for f in formatters.values()} == {"samspil.web.logfilter.JsonFormatter"}
    settings.LOG_FORMAT = "plain"
    formatters = gunicorn_logging()["formatters"]
    assert {f["()"] for f in formatters.values()} == {"samspil.web.logfilter.RedactFormatter"}
