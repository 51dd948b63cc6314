"""E-mail rounds: the "send" click's latency and the time to send 10,000 invitations.

    uv run python benchmarks/mail_rounds.py [--respondents 10000] [--database-url URL]

Makes a throwaway database (SQLite in a temporary folder unless --database-url names an
empty PostgreSQL database), a study with N synthetic respondents (example.org) and a real
SMTP server on loopback (aiosmtpd, in this process). Prints the latency of the researcher's
"send" click (a logged-in POST through Django's full middleware stack; it only queues the
round), then runs the worker's queue in this process with no throttle
(SAMSPIL_MAIL_PER_MINUTE=0) and prints the time until every invitation was received,
messages per second, and the largest number of messages any one recipient got (must be 1).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.to: collections.Counter[str] = collections.Counter()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            for address in envelope.rcpt_tos:
                self.to[address] += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.to.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--clicks", type=int, default=5, help="timed clicks (fresh studies)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    box = Counter()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    folder = Path(tempfile.mkdtemp(prefix="samspil-mail-bench-"))
    os.environ.update(
        {
            "SAMSPIL_DATA_DIR": str(folder),
            "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
            "SAMSPIL_EMAIL_HOST": "127.0.0.1",
            "SAMSPIL_EMAIL_PORT": str(port),
            "SAMSPIL_MAIL_PER_MINUTE": "0",
            "SAMSPIL_LOG_LEVEL": "warning",
            "SAMSPIL_BASE_URL": "http://survey.test",
        }
    )
    from samspil.web.cli import setup_django

    setup_django()
    from django.contrib.auth.models import User
    from django.test import Client

    from samspil.fieldwork import actions, rounds
    from samspil.fieldwork.models import MailRound, Respondent
    from samspil.municipalities.models import Municipality, ensure_municipalities
    from samspil.web import worker

    ensure_municipalities()
    user = User.objects.create_user("bench", password="bench-bench-123", is_staff=True)
    municipalities = list(Municipality.objects.all())

    def make_study(n: int):  # type: ignore[no-untyped-def]
        study = actions.do_create_study("Benchmark", "kd2024", researchers=[user])
        Respondent.objects.bulk_create(
            [
                Respondent(
                    study=study,
                    name=f"Syntetisk Respondent {i:05d}",
                    email=f"s{study.pk}r{i:05d}@example.org",
                    municipality=municipalities[i % len(municipalities)],
                    row_number=i + 2,
                )
                for i in range(n)
            ],
            batch_size=1000,
        )
        return actions.do_open_study(study)

    client = Client()
    client.force_login(user)
    latencies = []
    study = None
    for _ in range(max(1, args.clicks)):
        study = make_study(args.respondents)
        client.get(f"/studier/{study.pk}/")  # the page the researcher clicks on
        started = time.perf_counter()
        response = client.post(f"/studier/{study.pk}/udsend/", {"round": "0"})
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    assert study is not None
    # Only the last study is sent; the others' rounds are taken back out of the queue.
    from django_tasks_db.models import DBTaskResult

    keep = MailRound.objects.get(study=study).pk
    for result in DBTaskResult.objects.all():
        if result.args_kwargs["args"] != [keep]:
            result.delete()
    print(
        f"click (queue the invitation to {args.respondents:,} respondents): "
        f"median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} clicks"
    )

    started = time.perf_counter()
    worker.run_queued_tasks()
    while box.total() < args.respondents and time.perf_counter() - started < 3600:
        worker.run_queued_tasks()  # the round gives the queue back every SLICE_SECONDS
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    progress = rounds.round_progress(MailRound.objects.get(pk=keep))
    controller.stop()
    print(
        f"send {args.respondents:,} invitations to a loopback SMTP server: {elapsed:.1f} s "
        f"({args.respondents / elapsed:.0f} messages/s); received {box.total():,}, "
        f"sent {progress.sent:,}, failed {progress.failed:,}; "
        f"most messages to one recipient: {max(box.to.values()) if box.to else 0}"
    )
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
