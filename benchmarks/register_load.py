"""Register benchmark: import 100,000 actors, add 20,000 collaborations, then public search
under load from 50 concurrent users, all on PostgreSQL.

    uv run python benchmarks/register_load.py [--actors 100000] [--collaborations 20000]
        [--users 50] [--duration 60] [--think 0.5,2]

Starts a throwaway PostgreSQL server on loopback (scripts/pg-test-server) unless
DATABASE_URL is given. Steps, each timed and printed:

1. a fresh database is migrated (``samspil register export`` on the empty register);
2. ``samspil register import --actors FILE`` with --actors synthetic rows over all 98
   municipalities (half with a valid CVR number), in a fresh process: the import time is
   the command's wall-clock time, migrations already done;
3. --collaborations collaborations with a municipality and an actor each, and ten contact
   points per municipality, bulk-inserted (not timed as an import);
4. gunicorn (3 workers x 4 threads) on 127.0.0.1; Locust first with one visitor searching
   without pauses for 15 s (the time a search takes when nothing queues), then with
   --users simulated visitors searching /register/ by municipality, topic and Danish free
   text (and combinations), pausing --think seconds between searches.

Prints the import time against the target (< 60 s) and the search p50/p95/p99 against the
target (p95 < 100 ms), requests per second and errors, each with the CPU seconds spent
(the import process, gunicorn, PostgreSQL, Locust) and the machine's load average: the
machine is shared, and Locust runs on the same cores as the server it measures, so the
wall-clock figures are upper bounds of what the server alone would do. Nothing is asserted.
"""

from __future__ import annotations

# isort: skip_file
import os
import sys


def seed(collaborations: int) -> None:
    """Run in a subprocess (without gevent): bulk-insert collaborations and contact points,
    and show the plan of a free-text search."""
    import random

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.web.settings")
    django.setup()
    from django.db import connection

    from samspil.municipalities.models import Municipality, Unit
    from samspil.register.models import Collaboration, Contact, Membership, Organization
    from samspil.register.search import filter_text
    from samspil.register.taxonomy import taxonomy

    rng = random.Random(7)
    tax = taxonomy()
    actors = list(Organization.objects.values_list("pk", "municipality_id"))
    municipalities = {m.pk: m for m in Municipality.objects.all()}
    topics = ["Frivillige i ældreplejen", "Åben skole", "Foreningslokaler", "Frivillige mentorer",
              "Natur og grønne områder", "Udsatte borgere", "Idræt og bevægelse",
              "Kultur og fællesskab", "Integration og sprog", "Borgerbudgetter"]  # fmt: skip
    contacts = []
    for municipality in municipalities.values():
        unit, _ = Unit.objects.get_or_create(municipality=municipality, name="Frivillighed")
        for n, topic in enumerate(topics):
            contact = Contact(
                municipality=municipality,
                unit=unit,
                topic=topic,
                areas=[tax.areas[n % len(tax.areas)].code],
                title=f"Konsulent {n + 1}",
                email=f"k{n}@{municipality.code}.example.org",
                personal=False,
            )
            contact.search_text = contact.make_search_text()
            contacts.append(contact)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    made = Collaboration.objects.bulk_create(
        [
            Collaboration(
                title=f"Samarbejde {i + 1} (syntetisk)",
                form=rng.choice(tax.forms).code,
                initiative=rng.choice(tax.initiatives).code,
                organisation=rng.choice(tax.organisation).code,
                character=rng.choice(tax.character).code,
                areas=[rng.choice(tax.areas).code],
            )
            for i in range(collaborations)
        ],
        batch_size=2000,
    )
    memberships = []
    for collaboration in made:
        actor_id, municipality_id = rng.choice(actors)
        memberships.append(
            Membership(collaboration=collaboration, municipality_id=municipality_id, role="lead")
        )
        memberships.append(
            Membership(collaboration=collaboration, organization_id=actor_id, role="partner")
        )
    Membership.objects.bulk_create(memberships, batch_size=4000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, before the load
    query = filter_text(Organization.objects.all(), "boldklub").order_by("name")[:20]
    plan = query.explain()
    uses_index = "register_organization_fts" in plan
    print(f"free-text search uses the danish GIN index: {'yes' if uses_index else 'NO'}")
    print(f"seeded {len(made)} collaborations, {len(memberships)} memberships, "
          f"{len(contacts)} contact points")  # fmt: skip


if __name__ == "__main__" and sys.argv[1:2] == ["_seed"]:
    seed(int(sys.argv[2]))
    sys.exit(0)

# Locust patches the standard library for gevent; it must be imported before the rest.
import locust  # noqa: E402, F401
from locust import FastHttpUser, between, task  # noqa: E402

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import loadrig  # noqa: E402

ROOT = loadrig.ROOT
WORDS = ["frivillig", "boldklub", "ældre", "forening", "lektiecafé", "kor", "natur", "skole",
         "spejder", "unge", "familier", "værested", "mentor", "idræt", "sol", "fjord"]  # fmt: skip
AREAS = ["sundhed", "social", "skole", "kultur", "beskaeftigelse", "teknik", "ledelse"]
CODES: list[int] = []


class Visitor(FastHttpUser):
    wait_time = between(0.5, 2.0)  # replaced from --think in main()

    @task
    def search(self) -> None:
        kind = random.random()
        params: dict[str, str] = {}
        if kind < 0.35:
            params = {"kommune": str(random.choice(CODES)), "omraade": random.choice(AREAS)}
        elif kind < 0.7:
            params = {"q": random.choice(WORDS)}
        else:
            params = {"kommune": str(random.choice(CODES)), "q": random.choice(WORDS)}
        query = urllib.parse.urlencode(params)
        with self.client.get(f"/register/?{query}", name="GET search", catch_response=True) as r:
            if r.status_code != 200 or "Kontaktpunkter i kommunen" not in (r.text or ""):
                r.failure(f"status {r.status_code}")


def measured_load(
    server_pid: int, pg_pid: int | None, base: str, users: int, spawn_rate: float, duration: int
) -> tuple[Any, float, str]:
    """A Locust run with the CPU seconds that gunicorn, PostgreSQL and Locust itself used
    during it, and the load average at its end."""
    before = (loadrig.cpu_seconds(server_pid), loadrig.cpu_seconds(pg_pid), _own_cpu())
    stats, elapsed = loadrig.run_load(Visitor, base, users, spawn_rate, duration)
    server, postgres, own = (
        loadrig.cpu_seconds(server_pid) - before[0],
        loadrig.cpu_seconds(pg_pid) - before[1],
        _own_cpu() - before[2],
    )
    requests = max(stats.get("GET search", "GET").num_requests, 1)
    cpu = (
        f"CPU s: gunicorn {server:.1f} ({1000 * server / requests:.1f} ms a search), "
        f"PostgreSQL {postgres:.1f} ({1000 * postgres / requests:.1f} ms a search), "
        f"Locust {own:.1f}; {loadrig.load_average()}"
    )
    return stats, elapsed, cpu


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], env: dict[str, str]) -> tuple[str, float]:
    started = time.monotonic()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--collaborations", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think", default="0.5,2", help="seconds between searches, min,max")
    args = parser.parse_args()
    low, high = (float(x) for x in args.think.split(","))
    Visitor.wait_time = between(low, high)

    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMSPIL_")}
    pg_dir = loadrig.start_postgres(env)
    port = loadrig.free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = Path(tempfile.mkdtemp(prefix="samspil-register-bench-"))
    env.update(
        {
            "SAMSPIL_DATA_DIR": str(data_dir),
            "SAMSPIL_DEBUG": "0",
            "SAMSPIL_DEMO": "0",
            "SAMSPIL_SECRET_KEY": "benchmark-" + "x" * 40,
            "SAMSPIL_ALLOWED_HOSTS": "127.0.0.1",
            "SAMSPIL_LOG_LEVEL": "warning",
        }
    )
    cli = [sys.executable, "-m", "samspil.cli", "register"]
    server = None
    try:
        from samspil.municipalities.names import MUNICIPALITIES
        from samspil.register.synthetic import synthetic_actors_csv

        CODES.extend(code for code, _ in MUNICIPALITIES)
        actors_file = data_dir / "actors.csv"
        actors_file.write_text(
            synthetic_actors_csv(
                args.actors, seed=1, municipalities=[n for _, n in MUNICIPALITIES]
            ),
            encoding="utf-8",
        )
        _, migrate_s = run(
            [*cli, "export", "--format", "csv", "--out", str(data_dir / "empty")], env
        )
        pg_pid = loadrig.postgres_pid(pg_dir)
        print(f"\nregister benchmark: PostgreSQL on loopback, {os.cpu_count()} cores shared "
              "with every other job on the machine (the load average is printed beside each "
              "wall-clock time)")  # fmt: skip
        print(f"migrate fresh database: {migrate_s:.1f} s")
        load_before = loadrig.load_average()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        pg_before = loadrig.cpu_seconds(pg_pid)
        out, import_s = run([*cli, "import", "--actors", str(actors_file)], env)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        import_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
            cpu_after.ru_stime - cpu_before.ru_stime
        )
        pg_import = loadrig.cpu_seconds(pg_pid) - pg_before
        imported = re.search(r"(\d+) actors imported from \S+ in ([\d.]+) s", out)
        reviews = re.search(r"(\d+) rows to review \((\d+) held back", out)
        counts = (
            imported.group(1) if imported else "?",
            reviews.group(1) if reviews else "0",
            reviews.group(2) if reviews else "0",
        )
        print(
            f"import {args.actors} actors: {import_s:.1f} s wall ({args.actors / import_s:.0f} "
            f"rows/s; {load_before} before, {loadrig.load_average()} after; imported "
            f"{counts[0]}, for review {counts[1]}, held back {counts[2]})"
            f" - target < 60 s: {'met' if import_s < 60 else 'NOT met'}"
        )
        if imported:
            inside = float(imported.group(2))
            print(f"  of which reading, checking and writing the file: {inside:.1f} s "
                  f"({args.actors / inside:.0f} rows/s); the rest is process start-up")  # fmt: skip
        pg_text = f"{pg_import:.1f} s" if pg_pid else "not measured (DATABASE_URL given)"
        print(f"  CPU: {import_cpu:.1f} s in the import process, {pg_text} in PostgreSQL "
              "(to_tsvector, indexes)")  # fmt: skip
        out, seed_s = run([sys.executable, __file__, "_seed", str(args.collaborations)], env)
        print(out.strip() + f" ({seed_s:.1f} s)")

        server = loadrig.start_gunicorn(env, port, args.workers, args.threads)
        print(f"Locust runs in this process on the same {os.cpu_count()} cores as gunicorn "
              f"({args.workers} workers x {args.threads} threads) and PostgreSQL: its own CPU "
              "time is printed, and response times include waiting for a core")  # fmt: skip
        # One visitor without pauses first: the time a search takes when nothing queues.
        Visitor.wait_time = between(0, 0)
        stats, elapsed, cpu = measured_load(server.pid, pg_pid, base, 1, 1, 15)
        single = stats.get("GET search", "GET")
        print(
            f"search, 1 user without pauses, {elapsed:.0f} s: n={single.num_requests} "
            f"p50={single.get_response_time_percentile(0.5):.0f} ms "
            f"p95={single.get_response_time_percentile(0.95):.0f} ms; {cpu}"
        )
        Visitor.wait_time = between(low, high)
        stats, elapsed, cpu = measured_load(
            server.pid, pg_pid, base, args.users, args.spawn_rate, args.duration
        )
        entry = stats.get("GET search", "GET")
        p95 = entry.get_response_time_percentile(0.95)
        print(
            f"search, {args.users} users, think {args.think} s, {elapsed:.0f} s: "
            f"n={entry.num_requests} ({entry.num_requests / elapsed:.1f}/s) "
            f"p50={entry.get_response_time_percentile(0.5):.0f} ms "
            f"p95={p95:.0f} ms p99={entry.get_response_time_percentile(0.99):.0f} ms "
            f"errors={entry.num_failures}; {cpu} - target p95 < 100 ms: "
            f"{'met' if p95 < 100 and not entry.num_failures else 'NOT met'}"
        )
        for error in stats.errors.values():
            print(f"error: {error.method} {error.name}: {error.error} ({error.occurrences}x)")
        return 0
    finally:
        loadrig.stop(server, pg_dir)
        shutil.rmtree(data_dir, ignore_errors=True)  # the actors file and the data folder


if __name__ == "__main__":
    sys.exit(main())
