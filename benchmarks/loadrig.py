"""What the load benchmarks share: a throwaway PostgreSQL, gunicorn on loopback, a timed
Locust run. Import this after locust (which patches the standard library for gevent)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_postgres(env: dict[str, str]) -> str | None:
    """Start scripts/pg-test-server unless DATABASE_URL is set (then None); set
    env["DATABASE_URL"] and return the server's folder for stop()."""
    if env.get("DATABASE_URL"):
        return None
    result = subprocess.run(
        ["bash", "scripts/pg-test-server", "start"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        sys.exit(f"pg-test-server failed:\n{result.stderr}")
    values = dict(re.findall(r"export (\w+)=(\S+)", result.stdout))
    env["DATABASE_URL"] = values["SAMSPIL_TEST_POSTGRES_URL"]
    return values["SAMSPIL_PG_TEST_DIR"]


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> Any:
    """gunicorn with the web app on 127.0.0.1:port, once /healthz answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "samspil.web.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--log-level", "warning", "--no-control-socket"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def run_load(
    user_class: Any, base: str, users: int, spawn_rate: float, duration: int
) -> tuple[Any, float]:
    """Run Locust for ``duration`` seconds; returns its stats and the elapsed seconds."""
    environment = Environment(user_classes=[user_class], host=base, events=events)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    started = time.monotonic()
    gevent.spawn_later(duration, runner.quit)
    runner.greenlet.join()
    return environment.stats, time.monotonic() - started


def cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) of a process and of its children, living (read from
    /proc) and ended (the ones it waited for); 0 when it cannot be read."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except OSError:
        return 0.0
    own = sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return own + sum(cpu_seconds(child) for child in children)


def postgres_pid(pg_dir: str | None) -> int | None:
    """The postmaster of a scripts/pg-test-server folder (None without one)."""
    if not pg_dir:
        return None
    try:
        return int((Path(pg_dir) / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def load_average() -> str:
    """The machine's 1-minute load average, for printing beside a wall-clock time."""
    return f"load average {os.getloadavg()[0]:.1f}"


def stop(server: Any, pg_dir: str | None) -> None:
    if server is not None:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if pg_dir:
        subprocess.run(
            ["bash", "scripts/pg-test-server", "stop", pg_dir], cwd=ROOT, capture_output=True
        )
