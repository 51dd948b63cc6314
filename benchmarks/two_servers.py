"""Two servers, one database, one worker: the load benchmark spread over both.

    uv run python benchmarks/two_servers.py [--users 200] [--duration 60] [--respondents 600]

Starts a throwaway PostgreSQL server (scripts/pg-test-server) unless DATABASE_URL is given,
a loopback SMTP server (aiosmtpd, writing every message into a Maildir), TWO `samspil serve
--no-worker` processes on two ports and ONE `samspil worker`, all sharing the database and
the data folder. Then:

- half the simulated respondents (benchmarks/fieldwork_load.py's Locust user) answer kd2024
  through server A, half through server B;
- meanwhile a researcher logged in on both servers clicks "send" for the invitations on A
  and on B at the same moment, later the same for the reminders (each click names the round
  its button sends, so one of the two is refused);
- the report is made on A while the respondents answer and on B after the load; the worker
  lays out each PDF, and each is downloaded from the OTHER server (shared data folder).

Afterwards: every answer a respondent saw saved is looked up in the export (lost = not
stored), every message the SMTP server received is counted per recipient and subject
(duplicates = a recipient with the same message more than once; missing = a respondent
without an invitation), and the p95 of a page save is printed per server.
Traffic goes only to 127.0.0.1. Locust shares the machine's cores with both servers,
PostgreSQL, the worker and the SMTP server; the bad-link limit is raised as in
fieldwork_load.py (all simulated respondents come from one address).
"""

from __future__ import annotations

# isort: skip_file
# Locust patches the standard library for gevent; it must be imported first.
import locust  # noqa: F401
from locust import between, events
from locust.env import Environment

import argparse
import csv
import email
import email.policy
import http.cookiejar
import io
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import gevent

import fieldwork_load
import loadrig

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "to-servere-en-database-42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAVES: dict[str, list[float]] = {"A": [], "B": []}
FAILED_AT: list[float] = []
CAUSES: Counter[str] = (
    Counter()
)  # why requests failed (the connection's error)  # when each failed request ended
QUIT_AT: list[float] = []  # when the load was stopped (requests under way are cut off)


class OnA(fieldwork_load.SimulatedRespondent):
    abstract = True
    server = "A"

    def context(self) -> dict[str, str]:
        return {"server": self.server}


def respondent_class(label: str, base: str) -> type:
    return type(f"On{label}", (OnA,), {"host": base, "server": label, "abstract": False})


@events.request.add_listener
def _saved(request_type: str, name: str, response_time: float, context: Any = None,
           exception: Any = None, **kw: Any) -> None:  # fmt: skip
    if exception is not None:
        FAILED_AT.append(time.monotonic())
        response = kw.get("response")
        cause = getattr(response, "error", None) or exception
        CAUSES[f"{name}: {type(cause).__name__}: {cause}"[:160]] += 1
    elif name == "POST page (save)" and context:
        SAVES[context["server"]].append(response_time)


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


class Researcher:
    """A logged-in browser session on one server (urllib, cookies, CSRF)."""

    def __init__(self, base: str, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.base = base
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def post(self, path: str, fields: dict[str, str], form_page: str) -> tuple[int, str]:
        status, page = self.get(form_page)
        token = CSRF.search(page.decode())
        assert token, f"no CSRF token on {form_page} ({status})"
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token[1]}).encode()
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("Referer", self.base + form_page)
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    def login(self, username: str) -> None:
        status, _ = self.post("/login/", {"username": username, "password": PASSWORD}, "/login/")
        assert status == 302, f"log-in on {self.base} answered {status}"

    def messages(self, path: str) -> list[str]:
        """The status messages a page shows (after a redirect: the outcome of a click)."""
        _, page = self.get(path)
        return re.findall(r'<p class="message [^"]*"[^>]*>(.*?)</p>', page.decode(), re.S)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kw: Any) -> None:
        return None


def start_serve(env: dict[str, str], port: int, workers: int, threads: int) -> Any:
    return subprocess.Popen(
        [sys.executable, "-m", "samspil.cli", "serve", "--no-worker", "--port", str(port),
         "--workers", str(workers), "--threads", str(threads)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def wait_until_serving(process: Any, port: int) -> None:
    for _ in range(1500):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                sys.exit(f"samspil serve on port {port} ended ({process.returncode})")
            time.sleep(0.2)
    sys.exit(f"samspil serve on port {port} did not answer")


def run(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, input=stdin)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def click_both(
    a: Researcher, b: Researcher, path: str, fields: dict[str, str], page: str
) -> list[str]:
    """The same button clicked on both servers at the same moment; each click's message."""
    jobs = [gevent.spawn(r.post, path, fields, page) for r in (a, b)]
    gevent.joinall(jobs)
    return [" ".join(r.messages(page)) or "(no message)" for r in (a, b)]


def mail_counts(maildir: Path) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for file in (maildir / "new").iterdir():
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        counts[(str(message["To"]), str(message["Subject"]))] += 1
    return counts


def wait_for_queue(r: Researcher, bound: float) -> float:
    """Poll the operations page until no task waits or runs; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < bound:
        _, page = r.get("/drift/")
        text = page.decode()
        waiting = re.search(r'id="queue-waiting">(\d+)<', text)
        running = re.search(r'id="queue-running">(\d+)<', text)
        if waiting and running and waiting[1] == "0" and running[1] == "0":
            return time.monotonic() - started
        time.sleep(2)
    return float("inf")


def wait_for_pdf(r: Researcher, study_id: str, bound: float) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < bound:
        status, body = r.get(f"/studier/{study_id}/rapport/report.pdf")
        if status == 200 and body.startswith(b"%PDF"):
            _, page = r.get(f"/studier/{study_id}/rapport/")
            if b'role="status" class="notice"' not in page:  # the newest report's PDF is there
                return True
        time.sleep(2)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20, help="new respondents per second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--respondents", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--think", default="2,6", help="seconds per page, min,max (default 2,6)")
    args = parser.parse_args()
    think_min, think_max = (float(x) for x in args.think.split(","))
    fieldwork_load.SimulatedRespondent.wait_time = between(think_min, think_max)

    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMSPIL_")}
    pg_dir = loadrig.start_postgres(env)
    data_dir = Path(tempfile.mkdtemp(prefix="samspil-two-servers-"))
    maildir = data_dir / "maildir"
    smtp_port, port_a, port_b = (loadrig.free_port() for _ in range(3))
    base_a, base_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    env.update(
        {
            "SAMSPIL_DATA_DIR": str(data_dir / "data"),
            "SAMSPIL_DEBUG": "0",
            "SAMSPIL_DEMO": "0",
            "SAMSPIL_SECRET_KEY": "benchmark-" + "x" * 40,
            "SAMSPIL_ALLOWED_HOSTS": "127.0.0.1",
            "SAMSPIL_BASE_URL": base_a,  # the links in the e-mails (behind Caddy: one name)
            "SAMSPIL_LOG_LEVEL": "warning",
            "SAMSPIL_BAD_TOKEN_LIMIT": "1000000",
            "SAMSPIL_EMAIL_HOST": "127.0.0.1",
            "SAMSPIL_EMAIL_PORT": str(smtp_port),
        }
    )
    cli = [sys.executable, "-m", "samspil.cli"]
    processes: list[Any] = []
    try:
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        run([*cli, "createresearcher", "forsker", "--email", "forsker@example.org",
             "--password-file", "-"], env, stdin=PASSWORD + "\n")  # fmt: skip
        from samspil.municipalities.names import MUNICIPALITIES

        lines = ["navn,email,kommune"] + [
            f"Syntetisk {n},bench{n}@example.org,{MUNICIPALITIES[n % 98][1]}"
            for n in range(args.respondents)
        ]
        respondents_file = data_dir / "respondents.csv"
        respondents_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        study_id = run(
            [*cli, "study", "create", "--instrument", "kd2024", "--name", "To servere",
             "--respondents", str(respondents_file), "--researcher", "forsker",
             "--controller", "Benchmark", "--privacy-contact", "dpo@example.org",
             "--signature", "Forskerne", "--open"],
            env,
        ).strip()  # fmt: skip
        links = csv.DictReader(io.StringIO(run([*cli, "study", "links", study_id], env)))
        for row in links:
            token = row["url"].rstrip("/").rsplit("/", 1)[1]
            fieldwork_load.TOKENS.append((token, row["respondent_id"]))
        random.shuffle(fieldwork_load.TOKENS)

        server_a = start_serve(env, port_a, args.workers, args.threads)  # both start at once
        server_b = start_serve(env, port_b, args.workers, args.threads)
        processes += [server_a, server_b]
        wait_until_serving(server_a, port_a)
        wait_until_serving(server_b, port_b)
        processes.append(subprocess.Popen([*cli, "worker"], env=env, cwd=ROOT))
        on_a, on_b = Researcher(base_a), Researcher(base_b)
        on_a.login("forsker")
        on_b.login("forsker")
        # Sessions are in the database: a log-in on A is one on B (as behind a balancer).
        borrowed = Researcher(base_b, on_a.jar)
        session_shared = borrowed.get(f"/studier/{study_id}/")[0] == 200
        detail = f"/studier/{study_id}/"
        send = f"/studier/{study_id}/udsend/"
        report = f"/studier/{study_id}/rapport/"
        outcome: dict[str, Any] = {}

        def researcher_work() -> None:
            gevent.sleep(5)
            outcome["invitations"] = click_both(on_a, on_b, send, {"round": "0"}, detail)
            gevent.sleep(max(1, args.duration * 0.25))
            outcome["report_a"] = on_a.post(report, {}, report)[0]
            gevent.sleep(max(1, args.duration * 0.25))
            outcome["reminders"] = click_both(on_a, on_b, send, {"round": "1"}, detail)

        environment = Environment(
            user_classes=[respondent_class("A", base_a), respondent_class("B", base_b)],
            events=events,
        )
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.spawn_rate)
        started = time.monotonic()
        helper = gevent.spawn(researcher_work)
        gevent.spawn_later(args.duration, lambda: (QUIT_AT.append(time.monotonic()), runner.quit()))
        runner.greenlet.join()
        elapsed = time.monotonic() - started
        helper.join()
        stats = environment.stats

        pdf_from_b = wait_for_pdf(on_b, study_id, 600)  # made on A, fetched from B
        outcome["report_b"] = on_b.post(report, {}, report)[0]
        pdf_from_a = wait_for_pdf(on_a, study_id, 600)  # made on B, fetched from A
        drained = wait_for_queue(on_a, 900)

        export_file = data_dir / "export.csv"
        run([*cli, "study", "export", study_id, "--out", str(export_file),
             "--include-not-started"], env)  # fmt: skip
        stored = {
            row["respondent_id"]: row for row in csv.DictReader(export_file.open(encoding="utf-8"))
        }
        checked = lost = 0
        for respondent_id, answers in fieldwork_load.SENT.items():
            row = stored.get(respondent_id, {})
            for variable, value in answers.items():
                checked += 1
                lost += row.get(variable) != str(value)

        counts = mail_counts(maildir)
        recipients = {to for to, _ in counts}
        invitations = {to for to, subject in counts if not subject.startswith("Påmindelse")}
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        missing = args.respondents - len(invitations)
        total = stats.total
        save = stats.get("POST page (save)", "POST")

        print(f"\ntwo servers, one PostgreSQL, one worker: {args.users} simulated respondents "
              f"for {elapsed:.0f} s (think {args.think} s), gunicorn {args.workers}x"
              f"{args.threads} per server, {os.cpu_count()} cores shared with Locust, "
              f"{loadrig.load_average()}")  # fmt: skip
        cut_off = sum(1 for t in FAILED_AT if QUIT_AT and t >= QUIT_AT[0])
        errors = total.num_failures - cut_off
        print(f"requests: {total.num_requests} ({total.num_requests / elapsed:.1f}/s), "
              f"errors: {errors} (and {cut_off} under way when the load stopped, "
              "cut off by Locust: not counted as sent)")  # fmt: skip
        for cause, count in CAUSES.most_common():
            print(f"error: {cause} ({count}x)")
        print(f"page saves: A n={len(SAVES['A'])} p95={p95(SAVES['A']):.0f} ms, "
              f"B n={len(SAVES['B'])} p95={p95(SAVES['B']):.0f} ms, "
              f"both p95={save.get_response_time_percentile(0.95):.0f} ms")  # fmt: skip
        print(f"answers: {len(fieldwork_load.SENT)} respondents "
              f"({len(fieldwork_load.COMPLETED)} completed), {checked} answers sent and "
              f"confirmed saved, {lost} lost")  # fmt: skip
        print(f"invitations clicked on both: A: {outcome['invitations'][0]!r}; "
              f"B: {outcome['invitations'][1]!r}")  # fmt: skip
        print(f"reminders clicked on both: A: {outcome['reminders'][0]!r}; "
              f"B: {outcome['reminders'][1]!r}")  # fmt: skip
        print(f"e-mail: {sum(counts.values())} messages to {len(recipients)} recipients, "
              f"{duplicates} duplicates, {missing} respondents without an invitation; "
              f"queue empty {drained:.0f} s after the load")  # fmt: skip
        print(f"reports: made on A (answer {outcome['report_a']}), PDF fetched from B: "
              f"{'yes' if pdf_from_b else 'NO'}; made on B (answer {outcome['report_b']}), "
              f"PDF fetched from A: {'yes' if pdf_from_a else 'NO'}")  # fmt: skip
        print(
            f"session: logged in on A, researcher pages on B: {'yes' if session_shared else 'NO'}"
        )
        ok = (session_shared and not lost and not duplicates and not missing
              and not errors and pdf_from_a and pdf_from_b)  # fmt: skip
        print("result:", "nothing lost, no e-mail twice, reports on both" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        loadrig.stop(None, pg_dir)


if __name__ == "__main__":
    sys.exit(main())
