"""Settings from the environment, production hardening, and logs free of personal data."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from samspil.web.env import SettingError, env_bool, env_int, env_list
from samspil.web.logfilter import RedactFilter, RedactFormatter, redact


def test_env_helpers_fail_loudly():
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {}) is True
    with pytest.raises(SettingError, match="X='maybe'"):
        env_bool("X", False, {"X": "maybe"})
    assert env_int("N", 5, {"N": " 7 "}) == 7
    with pytest.raises(SettingError, match="expected a whole number"):
        env_int("N", 5, {"N": "ten"})
    with pytest.raises(SettingError, match="at least 1"):
        env_int("N", 5, {"N": "0"}, minimum=1)
    assert env_list("L", ["a"], {"L": "x.dk, y.dk,"}) == ["x.dk", "y.dk"]


def _settings(
    env: dict[str, str], data_dir: str = "/tmp/samspil-settings-test"
) -> subprocess.CompletedProcess[str]:
    code = (
        "import json; from samspil.web import settings as s; print(json.dumps({k: getattr(s, k) "
        "for k in ['DEBUG', 'DEMO', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'ALLOWED_HOSTS']}))"
    )
    base = {"PATH": "/usr/bin:/bin", "SAMSPIL_DATA_DIR": data_dir}
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    )


def test_production_requires_allowed_hosts_and_turns_on_secure_settings():
    missing = _settings({"SAMSPIL_PRODUCTION": "1"})
    assert missing.returncode != 0 and "SAMSPIL_ALLOWED_HOSTS must be set" in missing.stderr
    short = _settings({"SAMSPIL_SECRET_KEY": "k" * 39})
    assert short.returncode != 0 and "at least 40 characters" in short.stderr
    ok = _settings({"SAMSPIL_PRODUCTION": "1", "SAMSPIL_ALLOWED_HOSTS": "survey.example.dk"})
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == (
        '{"DEBUG": false, "DEMO": false, "SESSION_COOKIE_SECURE": true, "CSRF_COOKIE_SECURE": '
        'true, "SECURE_SSL_REDIRECT": true, "SECURE_HSTS_SECONDS": 31536000, "ALLOWED_HOSTS": '
        '["survey.example.dk"]}'
    )
    demo = _settings(
        {
            "SAMSPIL_PRODUCTION": "1",
            "SAMSPIL_SECRET_KEY": "k" * 50,
            "SAMSPIL_DEMO": "1",
            "SAMSPIL_ALLOWED_HOSTS": "x",
        }
    )
    assert demo.returncode != 0 and "SAMSPIL_DEMO=1 cannot be combined" in demo.stderr
    bad = _settings({"SAMSPIL_MAX_UPLOAD_MB": "lots"})
    assert bad.returncode != 0 and "SAMSPIL_MAX_UPLOAD_MB='lots'" in bad.stderr


def test_redact():
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE"
    assert len(token) == 43
    text = f"GET /s/{token}/side/a/ from anna.b@kommune.dk, token {token}"
    assert redact(text) == "GET /s/[token]/side/a/ from [e-mail], token [token]"


def test_logging_filter_and_formatter():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "sent to %s", ("a@example.org",), None
    )
    record.request = object()  # type: ignore[attr-defined]
    assert RedactFilter().filter(record)
    assert record.getMessage() == "sent to [e-mail]" and record.request is None  # type: ignore[attr-defined]
    try:
        raise ValueError("duplicate key (email)=(b@example.org)")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    assert "b@example.org" not in RedactFormatter().format(record)


@pytest.mark.django_db
def test_no_answers_or_addresses_in_logs(client, respondent, smtp_server):
    """Answers, e-mail addresses and links never reach the configured log output."""
    import io

    from samspil.fieldwork import actions
    from samspil.web import worker

    console = logging.getLogger("django").handlers[0]  # settings.LOGGING's handler
    assert any(isinstance(f, RedactFilter) for f in console.filters)
    stream = io.StringIO()
    old_stream = console.setStream(stream)  # type: ignore[attr-defined]
    root = logging.getLogger()
    levels = (root.level, logging.getLogger("django").level)
    root.setLevel(logging.DEBUG)
    logging.getLogger("django").setLevel(logging.DEBUG)
    try:
        actions.do_send_round(respondent.study, base_url="http://testserver")
        worker.run_queued_tasks()  # the worker logs too
        secret = "Mit hemmelige svar om borgmesteren"
        url = f"/s/{respondent.token}/side/udfordringer/"
        client.post(url, {"_shown": ["udf_vigtigste"], "udf_vigtigste": secret, "nav": "next"})
        client.get("/s/" + "z" * 43 + "/")  # logged as "Not Found" with its path
        client.get(f"/s/{respondent.token}/side/nowhere/")
    finally:
        console.setStream(old_stream)  # type: ignore[attr-defined]
        root.setLevel(levels[0])
        logging.getLogger("django").setLevel(levels[1])
    output = stream.getvalue()
    assert "Not Found: /s/[token]/" in output and "sent" in output  # things were logged
    for value in (secret, "anna@example.org", respondent.token, "z" * 43):
        assert value not in output
