"""``samspil backup`` and ``samspil restore`` (docs/deploy.md, "Backups"), on SQLite and, in
the PostgreSQL pass of the test command (DATABASE_URL), on a fresh PostgreSQL database.

The site runs in processes of its own (tests/fieldwork/backup_site.py): a study with answers, a
researcher login, a report file; a saver keeps writing answers to a second study while the
backup is taken. After wiping the installation and restoring, the answers export, the login,
the secret key and the report are the same, and the second study is a consistent snapshot.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.pg import database_for_processes, drop_database, on_server
from tests.processes import process_env

HELPER = str(Path(__file__).with_name("backup_site.py"))
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Site:
    env: dict[str, str]
    tmp: Path
    postgres: tuple[str, str] | None  # (admin URL, database name)

    @property
    def data(self) -> Path:
        return Path(self.env["SAMSPIL_DATA_DIR"])

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, *args], env=self.env, capture_output=True, text=True, cwd=ROOT,
            timeout=300,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def samspil(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "samspil.cli", *args, check=check)

    def export(self, study: str, name: str) -> bytes:
        out = self.tmp / name
        self.samspil("study", "export", study, "--out", str(out), "--identifiers",
                     "--include-not-started")  # fmt: skip
        return out.read_bytes()

    def wipe(self) -> None:
        shutil.rmtree(self.data)
        if self.postgres:
            admin, name = self.postgres
            drop_database(admin, name, create_again=True)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and not shutil.which("pg_dump"):
        pytest.skip("needs pg_dump and pg_restore (Debian: postgresql-client-15)")
    sqlite_file = tmp_path / "data" / "samspil.sqlite3"
    with database_for_processes(sqlite_file, "samspil_backup") as url:
        postgres = on_server(url) if url.startswith("postgres") else None
        env = process_env(
            {
                "DATABASE_URL": url,
                "SAMSPIL_DATA_DIR": str(tmp_path / "data"),
                "DJANGO_SETTINGS_MODULE": "samspil.web.settings",
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1",
            }
        )
        yield Site(env, tmp_path, postgres)


def _rounds(site: Site, study: str) -> list[int]:
    return list(json.loads(site.run(HELPER, "rounds", study).stdout))


@pytest.mark.slow
def test_backup_while_saving_then_wipe_and_restore_gives_the_same_answers_and_login(site):
    study_a, study_b = site.run(HELPER, "create").stdout.split()
    before = site.export(study_a, "before.csv")
    key = (site.data / "secret_key").read_text()
    stop = site.tmp / "stop"
    saver = subprocess.Popen(
        [sys.executable, HELPER, "save", study_b, str(stop)], env=site.env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert saver.stdout is not None
        assert saver.stdout.readline().strip() == "1"  # a whole round saved: saving is on
        archive = site.tmp / "backup.tar.gz"
        site.samspil("backup", "--out", str(archive))
        assert saver.poll() is None, saver.stderr.read() if saver.stderr else ""
    finally:
        stop.touch()
        saver.wait(timeout=120)
    assert saver.returncode == 0
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    site.wipe()
    restored = site.samspil("restore", str(archive))
    assert "restored" in restored.stdout

    assert site.export(study_a, "after.csv") == before
    assert site.run(HELPER, "login", "forsker", "hemmelig-backup-7").stdout.strip() == "ok"
    assert site.run(HELPER, "login", "forsker", "forkert").stdout.strip() == "refused"
    assert (site.data / "secret_key").read_text() == key
    report = site.data / "reports" / f"study-{study_a}" / "index.html"
    assert report.read_text(encoding="utf-8") == "<h1>Rapport</h1>\n"
    # Study B was being saved: the copy is one moment of it, every save whole. The saver
    # rewrites the respondents in row order, so a moment is k rows of round r, then r-1.
    got = _rounds(site, study_b)
    top = got[0]
    assert top >= 1
    assert all(value in (top, top - 1) for value in got), got
    assert got == sorted(got, reverse=True), got


def _backup(site: Site) -> Path:
    site.run(HELPER, "create")
    archive = site.tmp / "backup.tar.gz"
    site.samspil("backup", "--out", str(archive))
    site.wipe()
    return archive


def _rewrite(archive: Path, target: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the archive with ``change(name, data)`` applied (None drops a member)."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as out:
        for member in src:
            handle = src.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.slow
def test_restore_refuses_a_damaged_archive_and_a_used_installation(site):
    archive = _backup(site)
    tmp = site.tmp

    def flip(name: str, data: bytes) -> bytes:
        return data[:-1] + bytes([data[-1] ^ 1]) if name == "secret_key" else data

    damaged = _rewrite(archive, tmp / "damaged.tar.gz", flip)
    done = site.samspil("restore", str(damaged), check=False)
    assert done.returncode == 2
    assert "secret_key: checksum mismatch" in done.stderr
    assert "Traceback" not in done.stderr

    member = "database/samspil.pgdump" if site.postgres else "database/samspil.sqlite3"
    missing = _rewrite(archive, tmp / "missing.tar.gz", lambda n, d: None if n == member else d)
    done = site.samspil("restore", str(missing), check=False)
    assert (done.returncode, done.stderr.strip()) == (
        2, f"error: {missing}: missing from the archive: {member}"
    )  # fmt: skip

    truncated = tmp / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:2000])
    done = site.samspil("restore", str(truncated), check=False)
    assert done.returncode == 2 and "damaged" in done.stderr and "Traceback" not in done.stderr

    assert not (site.data / "samspil.sqlite3").exists()  # nothing was written
    site.samspil("restore", str(archive))
    again = site.samspil("restore", str(archive), check=False)
    assert again.returncode == 2
    assert "restore only into an empty installation" in again.stderr


def test_backup_refuses_a_missing_folder_with_exit_2(site):
    site.run(HELPER, "create")
    done = site.samspil("backup", "--out", str(site.tmp / "no" / "such.tar.gz"), check=False)
    assert done.returncode == 2
    assert "does not exist" in done.stderr


def test_an_archive_with_a_path_outside_its_folder_is_refused_before_writing(tmp_path):
    import hashlib

    from samspil.backup import BackupError, verify_archive

    evil = b"overwritten"
    manifest = {
        "format": 1,
        "database": "sqlite",
        "files": {"../evil": {"sha256": hashlib.sha256(evil).hexdigest(), "size": len(evil)}},
    }
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("../evil", evil)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(BackupError, match=r"\.\./evil: not a plain file inside the archive"):
        verify_archive(archive, into)
    assert not (tmp_path / "evil").exists()
