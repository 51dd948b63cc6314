"""Safe by default (issue 9, item 3): no debug page unless asked for, a secret key per
installation, log-ins throttled, bad links counted atomically, access logs without links
or addresses, only researchers create studies."""

from __future__ import annotations

import io
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from samspil.web.logfilter import RedactFilter, access_log_format, gunicorn_logging, redact

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE"


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- debug and the secret key -----------------------------------------------------------


def test_debug_is_off_without_any_environment(tmp_path):
    result = _python(
        "from samspil.web import settings as s; print(s.DEBUG, s.DEMO)",
        {"SAMSPIL_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_serve_turns_debug_on_only_with_the_debug_option(tmp_path):
    code = (
        "import sys; import samspil.web.cli as c\n"
        "def fake(*a, **k):\n"
        "    from django.conf import settings; print('DEBUG', settings.DEBUG)\n"
        "    k['on_ready']()\n"
        "c.run_gunicorn = fake\n"
        "sys.exit(c.main(sys.argv[1:]))\n"
    )
    env = {"SAMSPIL_DATA_DIR": str(tmp_path)}
    on = subprocess.run(
        [sys.executable, "-c", code, "serve", "--debug", "--port", "8123"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert on.returncode == 0, on.stderr
    assert "DEBUG True" in on.stdout and "DEBUG is on" in on.stdout


def test_secret_key_is_made_per_installation_and_kept(tmp_path):
    code = "from samspil.web import settings as s; print(s.SECRET_KEY)"
    first, second = tmp_path / "a", tmp_path / "b"
    key_a = _python(code, {"SAMSPIL_DATA_DIR": str(first)})
    key_a_again = _python(code, {"SAMSPIL_DATA_DIR": str(first)})
    key_b = _python(code, {"SAMSPIL_DATA_DIR": str(second)})
    assert key_a.returncode == 0, key_a.stderr
    assert key_a.stdout == key_a_again.stdout  # kept: sessions survive a restart
    assert key_a.stdout != key_b.stdout  # not a constant shared by every installation
    assert len(key_a.stdout.strip()) >= 60
    key_file = first / "secret_key"
    assert key_file.read_text().strip() == key_a.stdout.strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    override = _python(
        code, {"SAMSPIL_DATA_DIR": str(first), "SAMSPIL_SECRET_KEY": "x" * 40 + "override"}
    )
    assert override.stdout.strip() == "x" * 40 + "override"


def test_concurrent_first_starts_agree_on_one_key(tmp_path):
    code = "from samspil.web import settings as s; print(s.SECRET_KEY)"
    env = {**os.environ, "SAMSPIL_DATA_DIR": str(tmp_path)}
    env.pop("SAMSPIL_SECRET_KEY", None)
    processes = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {p.communicate(timeout=120)[0].strip() for p in processes}
    assert len(keys) == 1 and keys == {(tmp_path / "secret_key").read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left


# -- the data folder is its owner's ------------------------------------------------------

_WRITE_DATA_FOLDER = """
import json, os, stat
from samspil.web.cli import setup_django
setup_django()
from django.conf import settings
from samspil.fieldwork import actions, export
from samspil.fieldwork.export import report_dir
study = actions.do_create_study("Tilladelser", "kd2024")
export.make_study_report(study, report_dir(study), formats=["xlsx"])
modes = {}
for folder, _folders, files in os.walk(settings.DATA_DIR):  # the database is still open
    for path in [folder, *(os.path.join(folder, name) for name in files)]:
        modes[os.path.relpath(path, settings.DATA_DIR)] = stat.S_IMODE(os.lstat(path).st_mode)
print(json.dumps(modes))
"""


def _data_folder_modes(data_dir: Path) -> dict[str, int]:
    import json

    env = {"SAMSPIL_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-c", _WRITE_DATA_FOLDER],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    modes: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return modes


def test_files_in_the_data_folder_are_readable_by_their_owner_only(tmp_path):
    data = tmp_path / "data"
    modes = _data_folder_modes(data)
    for name in ("samspil.sqlite3", "samspil.sqlite3-wal", "samspil.sqlite3-shm", "secret_key"):
        assert modes[name] == 0o600, (name, oct(modes[name]))
    assert modes["reports/study-1/tables.xlsx"] == 0o600
    for folder in (".", "reports", "reports/study-1"):
        assert modes[folder] == 0o700, (folder, oct(modes[folder]))
    assert not any(mode & 0o077 for mode in modes.values()), modes


def test_an_older_data_folder_readable_by_others_is_made_owner_only(tmp_path):
    data = tmp_path / "data"
    _data_folder_modes(data)
    for path in [data, *data.rglob("*")]:  # as an earlier version left it (umask 022)
        path.chmod(0o755 if path.is_dir() else 0o644)
    modes = _data_folder_modes(data)
    assert modes["samspil.sqlite3"] == 0o600 and modes["reports/study-1/tables.xlsx"] == 0o600
    assert modes["."] == 0o700 and modes["reports/study-1"] == 0o700
    assert not any(mode & 0o077 for mode in modes.values()), modes


# -- the debug page stays closed ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc/passwd",
        "/static//etc/passwd",
    ],
)
def test_path_traversal_gets_the_plain_404_even_in_debug_mode(client, settings, path):
    settings.DEBUG = True  # the worst case: the request in debug mode
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Siden findes ikke" in body or "findes ikke" in body
    for leak in ("root:", "SECRET_KEY", "DATABASE", "Traceback", "settings", "urlpatterns"):
        assert leak not in body


@pytest.mark.django_db
def test_static_files_are_still_served(client):
    response = client.get("/static/samspil/samspil.css")
    assert response.status_code == 200


# -- log-in throttle ------------------------------------------------------------------------


@pytest.fixture
def _fast_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    settings.LOGIN_FAILURE_WINDOW = 900


def _log_in(client, username: str, password: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_hashing")
def test_log_in_is_throttled_per_account_with_a_danish_message(client, django_user_model):
    django_user_model.objects.create_user("forsker", password="rigtig-kode-1", is_staff=True)
    for attempt in range(4):
        response = _log_in(client, "forsker", f"forkert-{attempt}", f"10.0.0.{attempt}")
        assert response.status_code == 200
        assert "Brugernavn og adgangskode passer ikke sammen" in response.content.decode()
    fifth = _log_in(client, "Forsker", "forkert-5", "10.0.1.1")  # any case, any address
    assert fifth.status_code == 429
    blocked = _log_in(client, "forsker", "rigtig-kode-1", "10.0.2.2")  # even the right one
    assert blocked.status_code == 429
    text = blocked.content.decode()
    assert "For mange mislykkede loginforsøg. Prøv igen om 15 minutter." in text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_hashing")
def test_log_in_is_throttled_per_address(client, django_user_model, settings):
    django_user_model.objects.create_user("forsker", password="rigtig-kode-1", is_staff=True)
    for attempt in range(20):  # a different account each time: the address is counted
        _log_in(client, f"bruger{attempt}", "forkert", "10.7.7.7")
    assert _log_in(client, "forsker", "rigtig-kode-1", "10.7.7.7").status_code == 429
    elsewhere = _log_in(client, "forsker", "rigtig-kode-1", "10.8.8.8")
    assert elsewhere.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_hashing")
def test_a_successful_log_in_forgets_the_accounts_failures(client, django_user_model):
    django_user_model.objects.create_user("forsker", password="rigtig-kode-1", is_staff=True)
    for _ in range(4):
        _log_in(client, "forsker", "forkert")
    assert _log_in(client, "forsker", "rigtig-kode-1").status_code == 302
    client.logout()
    for _ in range(4):
        assert _log_in(client, "forsker", "forkert").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_hashing")
def test_the_admin_log_in_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser("chef", password="rigtig-kode-2")
    for _ in range(5):
        client.post("/admin/login/", {"username": "chef", "password": "forkert"})
    response = client.post("/admin/login/", {"username": "chef", "password": "rigtig-kode-2"})
    assert "For mange mislykkede loginforsøg" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_hashing")
def test_no_user_name_or_address_is_stored_by_the_throttle(client):
    _log_in(client, "hemmelig.bruger", "forkert", "10.9.8.7")
    client.get("/s/" + "x" * 43 + "/", REMOTE_ADDR="10.9.8.7")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM samspil_cache")
        rows = cursor.fetchall()
    assert len(rows) == 3  # account, address, bad link
    stored = " ".join(f"{key} {value}" for key, value in rows)
    assert "hemmelig" not in stored and "10.9.8.7" not in stored


# -- the bad-link window --------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_link_window_is_the_documented_600_seconds_from_the_first_failure(client, settings):
    import datetime as dt

    from django.utils import timezone

    assert settings.BAD_TOKEN_WINDOW == 600
    for _ in range(5):  # Django's incr() used to reset the expiry to its 300 s default
        assert client.get("/s/" + "x" * 43 + "/").status_code == 404
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM samspil_cache WHERE cache_key LIKE '%badlink%'")
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):
        expires = dt.datetime.fromisoformat(expires)
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=dt.UTC)
    seconds = (expires - timezone.now()).total_seconds()
    assert 590 <= seconds <= 601


def test_bad_link_window_is_documented_as_in_the_code():
    from django.conf import settings

    docs = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text()
    assert f"| `SAMSPIL_BAD_TOKEN_WINDOW` | `{settings.BAD_TOKEN_WINDOW}` |" in docs
    assert f"| `SAMSPIL_BAD_TOKEN_LIMIT` | `{settings.BAD_TOKEN_LIMIT}` |" in docs


# -- logs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        f"GET /s/{TOKEN}/side/a/ HTTP/1.1",
        "GET /s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789%5F-AbCdE/side/a/ HTTP/1.1",
        "GET /s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789%5f%2DAbCdE/ HTTP/1.1",
        "GET %2Fs%2FAbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE%2Fside HTTP/1.1",
        "GET /s/kort%5Fgæt/ HTTP/1.1",
    ],
)
def test_links_are_redacted_however_they_are_encoded(line):
    redacted = redact(line)
    assert "[token]" in redacted
    for piece in ("AbCdEfGh", "kort", "%5F", "%5f"):
        assert piece not in redacted


def test_bare_tokens_are_redacted_also_percent_encoded():
    encoded = TOKEN.replace("_", "%5F").replace("-", "%2D")
    assert redact(f"token={TOKEN} and {encoded}.") == "token=[token] and [token]."
    assert redact("a" * 50) == "a" * 50  # not a token: left as it is


def test_client_addresses_are_redacted_and_times_kept():
    text = "2026-12-01 21:19:56,120 from 192.168.10.20 and 2001:db8:85a3::8a2e:370:7334"
    assert redact(text) == "2026-12-01 21:19:56,120 from [address] and [address]"


def test_the_access_logs_time_is_kept_and_query_values_dropped():
    line = '[07/Dec/2026:01:02:03 +0100] "GET /register/?q=Hansen&kommune=101 HTTP/1.1" 200'
    assert redact(line, queries=True) == (
        '[07/Dec/2026:01:02:03 +0100] "GET /register/?q=[value]&kommune=[value] HTTP/1.1" 200'
    )
    assert redact("fe80::1 and 2001:0db8:0000:0000:0000:8a2e:0370:7334") == (
        "[address] and [address]"
    )


def _access_lines(with_addresses: bool) -> str:
    """One request through gunicorn's own access logger, configured as `samspil serve` does."""
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", access_log_format(with_addresses))
    cfg.set(
        "logconfig_dict",
        gunicorn_logging(access_log=True, access_log_addresses=with_addresses),
    )
    logger = Logger(cfg)
    handler = logging.getLogger("gunicorn.access").handlers[0]
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    raw = "/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789%5F-AbCdE/side/a/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw,
        "PATH_INFO": raw,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://survey.example.dk/s/{TOKEN}/",
    }
    request = SimpleNamespace(headers=[], method="GET", path=raw, query="", version=(1, 1))
    response = SimpleNamespace(status="200 OK", headers=[], response_length=100, sent=100)
    logger.access(response, request, environ, dt.timedelta(milliseconds=12))
    return stream.getvalue()


def test_access_log_has_no_links_and_no_addresses_unless_configured():
    line = _access_lines(with_addresses=False)
    assert "GET /s/[token]/side/a/ HTTP/1.1" in line and " 200 " in line
    assert "AbCdEf" not in line and "%5F" not in line and "203.0.113.9" not in line
    with_addresses = _access_lines(with_addresses=True)
    assert "gunicorn.access: 203.0.113.9 " in with_addresses and "AbCdEf" not in with_addresses


def _serve_and_log(tmp_path: Path, **env: str) -> str:
    """Standard error of a real `samspil serve` on a loopback port that answered a health
    check, a register search for SEARCH_WORD and a personal link."""
    import http.client
    import time

    from tests.fieldwork.conftest import free_port

    def get(port: int, path: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", path)
            return connection.getresponse().status
        finally:
            connection.close()

    port = free_port()
    environment = {**os.environ, "SAMSPIL_DATA_DIR": str(tmp_path), **env}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SAMSPIL_SECRET_KEY"):
        environment.pop(name, None)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "samspil.cli", "serve", "--port", str(port), "--no-worker"],
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if get(port, "/healthz") == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text())
                time.sleep(0.2)
            assert get(port, f"/register/?q={SEARCH_WORD}&kommune=101") == 200
            assert get(port, f"/s/{TOKEN}/") in (404, 429)
        finally:
            process.terminate()
            process.wait(60)
    return log.read_text()


SEARCH_WORD = "Kragefjerhaven"


@pytest.mark.slow
def test_access_log_is_off_by_default_in_the_running_server(tmp_path):
    output = _serve_and_log(tmp_path)
    assert "samspil: serving on" in output  # the server did write its own lines
    assert "GET /" not in output and SEARCH_WORD not in output and TOKEN not in output


@pytest.mark.slow
def test_access_log_when_on_keeps_the_time_and_drops_search_words_and_links(tmp_path):
    import re

    output = _serve_and_log(tmp_path, SAMSPIL_ACCESS_LOG="1")
    assert SEARCH_WORD not in output and TOKEN not in output and "127.0.0.1 " not in output
    time_ = r"\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]"
    assert re.search(
        time_ + r' "GET /register/\?q=\[value\]&kommune=\[value\] HTTP/1.1" 200 ', output
    ), output
    assert re.search(time_ + r' "GET /s/\[token\]/ HTTP/1.1" 4\d\d ', output), output


def test_redact_filter_keeps_addresses_only_when_told():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "from 10.1.2.3", None, None)
    assert RedactFilter(addresses=False).filter(record) and record.getMessage() == "from 10.1.2.3"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "from 10.1.2.3", None, None)
    assert RedactFilter().filter(record) and record.getMessage() == "from [address]"


# -- who creates studies ------------------------------------------------------------------


@pytest.mark.django_db
def test_only_researchers_create_studies(client, django_user_model):
    from samspil.fieldwork.models import Study

    coder = django_user_model.objects.create_user("koder", password="x")
    client.force_login(coder)
    page = client.get("/studier/")
    assert page.status_code == 200 and 'name="instrument"' not in page.content.decode()
    refused = client.post("/studier/", {"name": "Koderens", "instrument": "kd2024"})
    assert refused.status_code == 403 and not Study.objects.exists()


@pytest.mark.django_db
def test_researchers_create_studies(researcher_client):
    from samspil.fieldwork.models import Study

    page = researcher_client.get("/studier/")
    assert 'name="instrument"' in page.content.decode()
    created = researcher_client.post("/studier/", {"name": "Forskerens", "instrument": "kd2024"})
    assert created.status_code == 302 and Study.objects.filter(name="Forskerens").exists()


# -- docs/security.md names real tests --------------------------------------------------------


def test_every_test_named_in_security_md_exists():
    import re

    root = Path(__file__).resolve().parents[2]
    named: list[tuple[str, str]] = []
    for line in (root / "docs" / "security.md").read_text(encoding="utf-8").splitlines():
        current = ""
        for match in re.finditer(r"`(tests/[\w/]+\.py)?::(\w+)`", line):
            current = match.group(1) or current
            assert current, line
            named.append((current, match.group(2)))
    assert len(named) > 30
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^def {name}\(", (root / path).read_text(encoding="utf-8"), re.M)
    ]
    assert not missing
