"""Load benchmark: simulated respondents completing kd2024 against gunicorn + PostgreSQL.

    uv run python benchmarks/fieldwork_load.py [--users 200] [--duration 60]

Starts a throwaway PostgreSQL server on loopback (scripts/pg-test-server) unless
DATABASE_URL is given, prepares a study through the `samspil study` commands, starts the
application under gunicorn on 127.0.0.1, and runs Locust as a library: every simulated
respondent takes a personal link, opens it and answers page after page (open answers, grid
codes, "Ikke relevant"), pausing between pages. Afterwards the study is exported and every
answer the simulated respondents sent and saw saved (302 after the POST) is compared with
what is stored: the benchmark prints the number of lost answers, which must be 0.

Prints requests per second, p50/p95/p99 latency of a page save (POST) and of a page view,
errors, and the verification. Target on 2 cores: p95 save < 200 ms, 0 errors, 0 lost.
Traffic goes only to 127.0.0.1; the run is bounded by --duration.

What it measures, honestly: Locust runs on the SAME machine and shares its cores with
gunicorn and PostgreSQL (on the 2-core machine the figures are a lower bound of what the
server alone would do), and the benchmark RAISES the bad-link limit
(SAMSPIL_BAD_TOKEN_LIMIT=1000000) for its server, because all simulated respondents come
from one address and would otherwise be blocked as link guessers.
"""

from __future__ import annotations

# isort: skip_file
# Locust patches the standard library for gevent; it must be imported first.
import locust  # noqa: F401
from locust import FastHttpUser, between, task

import argparse
import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import loadrig


ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHOWN = re.compile(r'name="_shown" value="([a-z0-9_]+)"')
RADIOS = re.compile(r'<input type="radio" name="([a-z0-9_]+)" id="[^"]+" value="(\d+)"')
TEXTAREAS = re.compile(r'<textarea id="[^"]+" name="([a-z0-9_]+)"')
SELECTS = re.compile(r'<select id="[^"]+" name="([a-z0-9_]+)"')
PAGE_URL = re.compile(r"/side/([a-z0-9_]+)/")

TOKENS: list[tuple[str, str]] = []  # (token, respondent_id) still unused
SENT: dict[str, dict[str, str]] = {}  # respondent_id -> variable -> value confirmed saved
COMPLETED: list[str] = []


class SimulatedRespondent(FastHttpUser):
    wait_time = between(2.0, 6.0)  # replaced from --think in main()

    @task
    def answer_questionnaire(self) -> None:
        if not TOKENS:
            self.wait()
            return
        token, respondent_id = TOKENS.pop()
        saved: dict[str, str] = {}
        SENT[respondent_id] = saved
        response = self.client.get(f"/s/{token}/", name="GET welcome")
        match = re.search(rf'href="(/s/{re.escape(token)}/side/[a-z0-9_]+/)"', response.text)
        if not match:
            response.failure("no start link on the welcome page")
            return
        url = match.group(1)
        for _ in range(20):
            self.wait()
            with self.client.get(url, name="GET page", catch_response=True) as page:
                html = page.text
                csrf = CSRF.search(html)
                if page.status_code != 200 or not csrf:
                    page.failure(f"page view {page.status_code}")
                    return
            data = self._answers(html, respondent_id)
            data.update({"csrfmiddlewaretoken": csrf.group(1), "nav": "next"})
            data["_shown"] = SHOWN.findall(html)
            body = urlencode(data, doseq=True)
            with self.client.post(
                url,
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                name="POST page (save)",
                allow_redirects=False,
                catch_response=True,
            ) as post:
                if post.status_code != 302:
                    post.failure(f"save answered {post.status_code}")
                    return
                saved.update(
                    {
                        k: v
                        for k, v in data.items()
                        if k not in ("csrfmiddlewaretoken", "nav", "_shown")
                    }
                )
                target = post.headers["Location"]
            if target.endswith("/tak/"):
                COMPLETED.append(respondent_id)
                self.client.get(target, name="GET closing page")
                return
            url = target

    def _answers(self, html: str, respondent_id: str) -> dict[str, object]:
        data: dict[str, object] = {}
        options: dict[str, list[str]] = {}
        for name, value in RADIOS.findall(html):
            options.setdefault(name, []).append(value)
        for name, values in options.items():
            if random.random() < 0.9:  # some items are left unanswered
                data[name] = random.choice(values)
        for name in TEXTAREAS.findall(html):
            data[name] = f"Svar fra {respondent_id} om {name}: æøå «citat» & <b>tekst</b>"
        for name in SELECTS.findall(html):
            data[name] = str(random.randint(0, 34))
        return data


def run(cmd: list[str], env: dict[str, str], **kw: object) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, **kw)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return str(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20, help="new respondents per second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--respondents", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--think",
        default="2,6",
        help="seconds a respondent pauses on each page, min,max (default 2,6; real "
        "respondents take far longer over a page of grid items)",
    )
    args = parser.parse_args()
    think_min, think_max = (float(x) for x in args.think.split(","))
    SimulatedRespondent.wait_time = between(think_min, think_max)

    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMSPIL_")}
    pg_dir = loadrig.start_postgres(env)
    port = loadrig.free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tempfile.mkdtemp(prefix="samspil-bench-")
    env.update(
        {
            "SAMSPIL_DATA_DIR": data_dir,
            "SAMSPIL_DEBUG": "0",
            "SAMSPIL_DEMO": "0",
            "SAMSPIL_SECRET_KEY": "benchmark-" + "x" * 40,
            "SAMSPIL_ALLOWED_HOSTS": "127.0.0.1",
            "SAMSPIL_BASE_URL": base,
            "SAMSPIL_LOG_LEVEL": "warning",
            "SAMSPIL_BAD_TOKEN_LIMIT": "1000000",
        }
    )
    cli = [sys.executable, "-m", "samspil.cli"]
    server = None
    try:
        from samspil.municipalities.names import MUNICIPALITIES

        lines = ["navn,email,kommune"] + [
            f"Syntetisk {n},bench{n}@example.org,{MUNICIPALITIES[n % 98][1]}"
            for n in range(args.respondents)
        ]
        respondents_file = Path(data_dir) / "respondents.csv"
        respondents_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        study_id = run(
            [
                *cli,
                "study",
                "create",
                "--instrument",
                "kd2024",
                "--name",
                f"Benchmark {time.time():.0f}",
                "--respondents",
                str(respondents_file),
                "--controller",
                "Benchmark",
                "--privacy-contact",
                "dpo@example.org",
                "--signature",
                "Forskerne",
                "--open",
            ],
            env,
        ).strip()
        links = csv.DictReader(io.StringIO(run([*cli, "study", "links", study_id], env)))
        for row in links:
            TOKENS.append((row["url"].rstrip("/").rsplit("/", 1)[1], row["respondent_id"]))
        random.shuffle(TOKENS)

        server = loadrig.start_gunicorn(env, port, args.workers, args.threads)
        stats, elapsed = loadrig.run_load(
            SimulatedRespondent, base, args.users, args.spawn_rate, args.duration
        )
        total = stats.total
        save = stats.get("POST page (save)", "POST")
        view = stats.get("GET page", "GET")
        print(f"\nfieldwork load benchmark: {args.users} simulated respondents, {elapsed:.0f} s, "
              f"think time {args.think} s per page, gunicorn {args.workers}x{args.threads} "
              f"threads, PostgreSQL on loopback, {os.cpu_count()} cores shared with Locust, "
              "bad-link limit raised to 1,000,000")  # fmt: skip
        print(f"requests: {total.num_requests} ({total.num_requests / elapsed:.1f}/s), "
              f"errors: {total.num_failures}")  # fmt: skip
        for label, entry in (("page save (POST)", save), ("page view (GET)", view)):
            print(
                f"{label:<17} n={entry.num_requests:<6} "
                f"p50={entry.get_response_time_percentile(0.5):.0f} ms  "
                f"p95={entry.get_response_time_percentile(0.95):.0f} ms  "
                f"p99={entry.get_response_time_percentile(0.99):.0f} ms  "
                f"saves/s={entry.num_requests / elapsed:.1f}"
            )
        for error in stats.errors.values():
            print(f"error: {error.method} {error.name}: {error.error} ({error.occurrences}x)")

        # Verification: everything sent and confirmed saved is stored.
        export_file = Path(data_dir) / "export.csv"
        run(
            [*cli, "study", "export", study_id, "--out", str(export_file), "--include-not-started"],
            env,
        )
        stored = {
            row["respondent_id"]: row for row in csv.DictReader(export_file.open(encoding="utf-8"))
        }
        checked = lost = 0
        for respondent_id, answers in SENT.items():
            row = stored.get(respondent_id, {})
            for variable, value in answers.items():
                checked += 1
                if row.get(variable) != str(value):
                    lost += 1
        print(f"verification: {len(SENT)} respondents ({len(COMPLETED)} completed), "
              f"{checked} answers sent and confirmed, {lost} lost")  # fmt: skip
        target = (
            save.get_response_time_percentile(0.95) < 200 and not total.num_failures and not lost
        )
        print("target (p95 save < 200 ms, 0 errors, 0 lost):", "met" if target else "NOT met")
        return 0 if not lost and not total.num_failures else 1
    finally:
        loadrig.stop(server, pg_dir)


if __name__ == "__main__":
    sys.exit(main())
