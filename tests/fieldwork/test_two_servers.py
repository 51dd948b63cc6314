"""Two `samspil serve` processes on two ports, one PostgreSQL database, one worker and a
shared data folder (docs/deploy.md, "More than one server"; the load run over both is
benchmarks/two_servers.py): respondents saving on either server lose nothing, the same
"send" clicked on both at once sends every e-mail once, a log-in on one server is valid on
the other, and a report made on one is downloaded, PDF included, from the other."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fieldwork.conftest import free_port
from tests.pg import throwaway_database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "to-servere-en-database-42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHOWN = re.compile(r'name="_shown" value="([a-z0-9_]+)"')
RADIOS = re.compile(r'<input type="radio" name="([a-z0-9_]+)" id="[^"]+" value="(\d+)"')
RESPONDENTS = 8
BOUND = 300  # seconds any one step may take on a very busy machine


@pytest.fixture
def database() -> Iterator[str]:
    base = os.environ.get("SAMSPIL_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("needs the PostgreSQL server of the test command (SAMSPIL_TEST_POSTGRES_URL)")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs once, in the SQLite pass (it makes its own PostgreSQL database)")
    with throwaway_database(base, "samspil_two") as url:
        yield url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kw: Any) -> None:
        return None


class Browser:
    """Cookies, CSRF and no automatic redirects, against one server."""

    def __init__(self, port: int, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=BOUND) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read()

    def post(
        self, path: str, fields: dict[str, Any], form_page: str | None = None
    ) -> tuple[int, str]:
        page = self.get(form_page or path)[2].decode()
        token = CSRF.search(page)
        assert token, f"no form on {form_page or path}"
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token[1]}, doseq=True)
        request = urllib.request.Request(self.base + path, data=data.encode())
        request.add_header("Referer", self.base + (form_page or path))
        try:
            with self.opener.open(request, timeout=BOUND) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")


def _wait_serving(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        assert process.poll() is None, f"samspil serve on port {port} ended"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"samspil serve on port {port} did not answer")


def _answer_first_page(browser: Browser, token: str, respondent_id: str) -> dict[str, str]:
    """Open the link, answer the first page's radio questions and save; what was saved."""
    status, _, body = browser.get(f"/s/{token}/")
    match = re.search(rf'href="(/s/{token}/side/[a-z0-9_]+/)"', body.decode())
    assert status == 200 and match, f"no start link for {respondent_id}"
    page = browser.get(match[1])[2].decode()
    answers: dict[str, str] = {}
    for name, value in RADIOS.findall(page):
        answers.setdefault(name, value)
    fields: dict[str, Any] = {**answers, "nav": "next", "_shown": SHOWN.findall(page)}
    status, _ = browser.post(match[1], fields)
    assert status == 302, f"save of {respondent_id} answered {status}"
    return answers


@pytest.mark.postgres
@pytest.mark.slow
def test_two_servers_one_database_one_worker_lose_nothing_and_send_each_email_once(
    tmp_path: Path, database: str, smtp_server: Any
) -> None:
    port_a, port_b = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMSPIL_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DATABASE_URL": database,
            "SAMSPIL_DATA_DIR": str(tmp_path / "data"),  # shared: secret key, reports
            "SAMSPIL_ALLOWED_HOSTS": "127.0.0.1",
            "SAMSPIL_BASE_URL": f"http://127.0.0.1:{port_a}",
            "SAMSPIL_LOG_LEVEL": "error",
            "SAMSPIL_EMAIL_HOST": smtp_server.host,
            "SAMSPIL_EMAIL_PORT": str(smtp_server.port),
        }
    )
    cli = [sys.executable, "-m", "samspil.cli"]

    def run(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [*cli, *args], env=env, cwd=ROOT, input=stdin, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    processes: list[subprocess.Popen[bytes]] = []
    try:
        # Both servers start at the same moment on the EMPTY database, and a command needing
        # it runs meanwhile: the migrations run once, one process after the other.
        for port in (port_a, port_b):
            processes.append(subprocess.Popen(
                [*cli, "serve", "--no-worker", "--port", str(port), "--workers", "1"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
            ))  # fmt: skip
        run("createresearcher", "forsker", "--email", "f@example.org", "--password-file", "-",
            stdin=PASSWORD + "\n")  # fmt: skip
        people = tmp_path / "respondents.csv"
        people.write_text(
            "navn,email,kommune\n"
            + "".join(f"Person {n},p{n}@example.org,Odense\n" for n in range(RESPONDENTS)),
            encoding="utf-8",
        )
        study = run("study", "create", "--instrument", "kd2024", "--name", "To servere",
                    "--respondents", str(people), "--researcher", "forsker",
                    "--controller", "Testuniversitetet", "--privacy-contact", "dpo@example.org",
                    "--signature", "Forskerne", "--open").strip()  # fmt: skip
        links = [
            (row["url"].rstrip("/").rsplit("/", 1)[1], row["respondent_id"])
            for row in csv.DictReader(io.StringIO(run("study", "links", study)))
        ]

        processes.append(subprocess.Popen([*cli, "worker", "--interval", "0.2"], env=env, cwd=ROOT))
        _wait_serving(processes[0], port_a)
        _wait_serving(processes[1], port_b)

        on_a, on_b = Browser(port_a), Browser(port_b)
        for browser in (on_a, on_b):
            status, _ = browser.post("/login/", {"username": "forsker", "password": PASSWORD})
            assert status == 302
        # A log-in on A is one on B: sessions are in the shared database.
        assert Browser(port_b, on_a.jar).get(f"/studier/{study}/")[0] == 200

        # The invitations' "send" clicked on both servers at the same moment.
        detail, send = f"/studier/{study}/", f"/studier/{study}/udsend/"
        forms = [b.get(detail)[2].decode() for b in (on_a, on_b)]
        clicks: list[int] = []
        barrier = threading.Barrier(2)

        def click(browser: Browser, page: str) -> None:
            data = urllib.parse.urlencode(
                {"round": "0", "csrfmiddlewaretoken": CSRF.search(page)[1]}  # type: ignore[index]
            ).encode()
            request = urllib.request.Request(browser.base + send, data=data)
            request.add_header("Referer", browser.base + detail)
            barrier.wait(BOUND)
            try:
                with browser.opener.open(request, timeout=BOUND) as response:
                    clicks.append(response.status)
            except urllib.error.HTTPError as exc:
                clicks.append(exc.code)

        threads = [
            threading.Thread(target=click, args=bf) for bf in zip((on_a, on_b), forms, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(BOUND)
        assert clicks == [302, 302]  # one queues the round, the other is told it is under way

        # Respondents save on alternating servers while the worker sends.
        saved = {
            respondent_id: _answer_first_page(
                Browser(port_a if n % 2 else port_b), token, respondent_id
            )
            for n, (token, respondent_id) in enumerate(links)
        }

        # The report made on B; its PDF, laid out by the worker, downloaded from A.
        assert on_b.post(f"/studier/{study}/rapport/", {})[0] == 302
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            status, _, pdf = on_a.get(f"/studier/{study}/rapport/report.pdf")
            if status == 200:
                break
            time.sleep(0.5)
        assert pdf.startswith(b"%PDF")

        # Every task done (the operations page): a second sending would have happened by now.
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            page = on_a.get("/drift/")[2].decode()
            if 'id="queue-waiting">0<' in page and 'id="queue-running">0<' in page:
                break
            time.sleep(0.5)
        else:
            raise AssertionError("the worker's queue did not empty")
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(60)

    per_recipient = Counter(str(m["To"]) for m in smtp_server.messages)
    assert per_recipient == Counter({f"p{n}@example.org": 1 for n in range(RESPONDENTS)})

    export = tmp_path / "export.csv"
    run("study", "export", study, "--out", str(export))
    stored = {row["respondent_id"]: row for row in csv.DictReader(export.open(encoding="utf-8"))}
    for respondent_id, answers in saved.items():
        assert answers and {k: stored[respondent_id][k] for k in answers} == answers
