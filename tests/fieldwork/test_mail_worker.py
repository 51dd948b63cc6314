"""The e-mail worker as a separate process against a real SMTP server on loopback: killed
with kill -9 in the middle of a round and restarted, and several processes clicking and
sending at the same moment. Every recipient gets at most one message per round.

Each test has its own database: a SQLite file, or, in the PostgreSQL pass of the test
command (DATABASE_URL), a fresh database on that server, dropped afterwards.
"""

from __future__ import annotations

import collections
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.pg import database_for_processes
from tests.processes import process_env

RECIPIENTS = 30
RACE = Path(__file__).with_name("mail_race.py")


@dataclass
class Site:
    env: dict[str, str]
    database_url: str
    tmp: Path

    def run(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "samspil.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, *args: str, log: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=(self.tmp / log).open("w"),
            text=True,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database_url.startswith("sqlite"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as con:
                return list(con.execute(sql))
        import psycopg

        with psycopg.connect(self.database_url) as con:
            return list(con.execute(sql).fetchall())

    def delivery_counts(self) -> dict[str, int]:
        return dict(self.query("SELECT status, COUNT(*) FROM fieldwork_delivery GROUP BY status"))

    def create_study(self) -> int:
        rows = "".join(
            f"Syntetisk Respondent {i:02d},r{i:02d}@example.org,Aarhus\n"
            for i in range(1, RECIPIENTS + 1)
        )
        (self.tmp / "liste.csv").write_text("navn,email,kommune\n" + rows, encoding="utf-8")
        out = self.run(
            "study", "create", "--instrument", "kd2024", "--name", "Kill -9",
            "--controller", "Testuniversitetet", "--privacy-contact", "dpo@example.org",
            "--signature", "Forskerne",
            "--respondents", str(self.tmp / "liste.csv"), "--open",
        )  # fmt: skip
        return int(out.strip())


@pytest.fixture
def site(tmp_path: Path, smtp_server) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with database_for_processes(tmp_path / "samspil.sqlite3", "samspil_worker") as url:
        env = process_env(
            {
                "DATABASE_URL": url,
                "SAMSPIL_DATA_DIR": str(tmp_path / "data"),
                "SAMSPIL_EMAIL_HOST": smtp_server.host,
                "SAMSPIL_EMAIL_PORT": str(smtp_server.port),
                "SAMSPIL_MAIL_PER_MINUTE": "600",  # a message every 0.1 s: a round takes seconds
                "SAMSPIL_BASE_URL": "http://survey.test",
                "PYTHONUNBUFFERED": "1",
            }
        )
        yield Site(env, url, tmp_path)


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _per_recipient(smtp_server) -> collections.Counter[str]:  # type: ignore[no-untyped-def]
    with smtp_server.lock:
        return collections.Counter(str(m["To"]) for m in smtp_server.messages)


def test_a_worker_killed_mid_round_is_resumed_without_duplicates(site, smtp_server):
    study = site.create_study()
    site.run("study", "remind", str(study))  # queued: nothing is sent by the command
    assert smtp_server.messages == []
    worker_args = ("-m", "samspil.cli", "worker", "--interval", "0.2")
    smtp_server.hold_from = 6  # the sixth message waits for its answer: the worker with it
    first = site.start(*worker_args, log="worker1.log")
    try:
        _wait(lambda: len(smtp_server.messages) >= 6, 240, "the first messages")
    finally:
        first.send_signal(signal.SIGKILL)  # kill -9, mid-round
        first.wait()
    smtp_server.release()
    at_kill = len(smtp_server.messages)
    assert at_kill == 6
    counts = site.delivery_counts()
    assert counts.get("pending", 0) > 0

    second = site.start(*worker_args, log="worker2.log")
    try:
        _wait(
            lambda: site.query("SELECT status FROM fieldwork_mailround") == [("done",)],
            240,
            "the resumed round to finish",
        )
    finally:
        second.terminate()
        second.wait(timeout=30)
    received = _per_recipient(smtp_server)
    counts = site.delivery_counts()
    assert max(received.values()) == 1  # nobody got the invitation twice
    # At most the one message in flight at the kill is of unknown fate; all others went out.
    assert counts.get("unknown", 0) <= 1
    assert counts.get("sent", 0) + counts.get("unknown", 0) == RECIPIENTS
    assert counts.get("sent", 0) <= len(received) <= RECIPIENTS
    assert len(received) >= RECIPIENTS - counts.get("unknown", 0)
    logs = (site.tmp / "worker1.log").read_text() + (site.tmp / "worker2.log").read_text()
    assert "@example.org" not in logs  # no addresses in the workers' logs


def test_simultaneous_clicks_and_senders_send_each_respondent_one_invitation(site, smtp_server):
    study = site.create_study()
    (site.tmp / "barrier").mkdir()
    racers = [
        site.start(str(RACE), str(study), str(site.tmp / "barrier"), "2", log=f"race{i}.log")
        for i in range(2)
    ]
    outputs = [r.communicate(timeout=300)[0].split() for r in racers]
    # Both clicked at once: one queued the invitation, the other was refused (not reminder 1).
    assert sorted(o[0] for o in outputs) == ["queued", "refused"]
    assert site.query("SELECT number FROM fieldwork_mailround") == [(0,)]
    # Then both sent the same round at once: each respondent got exactly one message.
    assert all(o[1:] == ["sent"] for o in outputs), outputs
    received = _per_recipient(smtp_server)
    assert len(received) == RECIPIENTS and set(received.values()) == {1}
    assert site.delivery_counts() == {"sent": RECIPIENTS}
