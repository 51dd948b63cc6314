"""``samspil backup`` and ``samspil restore``: one archive holding a whole installation.

The archive is a gzip-compressed tar file (mode 600) with these members:

- ``manifest.json``: format version, samspil version, time, database engine and the
  SHA-256 checksum and size of every other member;
- ``database/samspil.sqlite3`` (SQLite's online backup API: a consistent copy taken while
  the site keeps running) or ``database/samspil.pgdump`` (``pg_dump --format=custom``);
- ``secret_key``: the installation's secret key (it signs sessions and the links' checks);
- ``reports/...``: the data folder's generated reports.

``restore`` checks every checksum and refuses an archive with a missing, extra, changed or
unsafe member before it writes anything, and restores only into an empty installation (no
database tables, no reports). See docs/deploy.md, "Backups".
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from samspil.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/samspil.sqlite3"
PG_MEMBER = "database/samspil.pgdump"
SECRET_MEMBER = "secret_key"
REPORTS = "reports"
CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup or restore that cannot be done; the command exits with code 2."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _setup_django() -> None:
    """Settings and apps, without touching the database (restore needs it empty)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.web.settings")
    import django

    django.setup()


def _engine() -> str:
    from django.conf import settings

    engine = str(settings.DATABASES["default"]["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def _pg_env() -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore: the password never appears in argv."""
    from django.conf import settings

    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} not found: install PostgreSQL's client programs "
            "(Debian: postgresql-client-15)"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


# -- backup -------------------------------------------------------------------------------


def _dump_database(engine: str, folder: Path) -> tuple[str, Path]:
    from django.conf import settings

    if engine == "sqlite":
        import sqlite3

        source_path = Path(str(settings.DATABASES["default"]["NAME"]))
        if not source_path.is_file():
            raise BackupError(f"no database at {source_path}: nothing to back up")
        target = folder / "samspil.sqlite3"
        # The online backup API: a consistent copy while respondents keep saving (WAL).
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_MEMBER, target
    target = folder / "samspil.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target)], "pg_dump")
    return PG_MEMBER, target


def _report_files(data_dir: Path) -> Iterator[tuple[str, Path]]:
    root = data_dir / REPORTS
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield f"{REPORTS}/{path.relative_to(root).as_posix()}", path


def make_backup(out: Path) -> dict[str, Any]:
    """Write the archive to ``out`` (through a temporary file, mode 600); its manifest."""
    from django.conf import settings

    from samspil import __version__

    if not out.parent.is_dir():
        raise BackupError(f"--out {out}: the folder {out.parent} does not exist")
    engine = _engine()
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="samspil-backup-", dir=out.parent) as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o700)
        members: list[tuple[str, Path]] = [_dump_database(engine, folder)]
        key = folder / "secret_key"
        descriptor = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(settings.SECRET_KEY + "\n")
        members.append((SECRET_MEMBER, key))
        members.extend(_report_files(data_dir))
        manifest = {
            "format": FORMAT,
            "samspil_version": __version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": engine,
            "files": {
                name: {"sha256": sha256(path), "size": path.stat().st_size}
                for name, path in members
            },
        }
        manifest_path = folder / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial = folder / "archive.tar.gz"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(manifest_path, arcname=MANIFEST, filter=_plain)
            for name, path in members:
                tar.add(path, arcname=name, filter=_plain)
        os.replace(partial, out)
    return manifest


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# -- restore ------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_manifest(tar: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError(f"{source}: not a samspil backup (no {MANIFEST})") from None
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(f"{source}: {MANIFEST} is not a file")
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{source}: {MANIFEST} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{source}: {MANIFEST} has no list of files")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def verify_archive(source: Path, into: Path) -> dict[str, Any]:
    """Extract ``source`` into the folder ``into`` and check it against its manifest;
    a damaged archive raises BackupError naming the member."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            manifest = _read_manifest(tar, source)
            expected: dict[str, Any] = manifest["files"]
            seen = set()
            for member in tar:
                name = member.name
                if name == MANIFEST:
                    continue
                if name not in expected:
                    raise BackupError(f"{source}: {name}: not listed in the manifest")
                if not member.isfile() or not _safe_name(name):
                    raise BackupError(f"{source}: {name}: not a plain file inside the archive")
                handle = tar.extractfile(member)
                assert handle is not None
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    for block in iter(lambda h=handle: h.read(CHUNK), b""):  # type: ignore[misc]
                        digest.update(block)
                        out.write(block)
                entry = expected[name]
                if digest.hexdigest() != (entry.get("sha256") if isinstance(entry, dict) else None):
                    raise BackupError(
                        f"{source}: {name}: checksum mismatch (the archive is damaged)"
                    )
                seen.add(name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{source}: the archive is damaged or not a backup: {exc}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{source}: missing from the archive: {', '.join(missing)}")
    return manifest


def _installation_problems(engine: str) -> list[str]:
    """Why this installation is not empty (nothing: it may be restored into)."""
    from django.conf import settings
    from django.db import connection

    problems = []
    if engine == "sqlite":
        path = Path(str(settings.DATABASES["default"]["NAME"]))
        if path.exists() and path.stat().st_size > 0:
            problems.append(f"the database {path} exists")
    else:
        from django.db import DatabaseError

        name = settings.DATABASES["default"]["NAME"]
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                )
                if cursor.fetchone()[0]:
                    problems.append(f"the database {name} has tables")
        except DatabaseError as exc:
            raise BackupError(f"cannot reach the database {name}: {exc}".strip()) from None
        finally:
            connection.close()
    reports = Path(settings.DATA_DIR) / REPORTS
    if reports.is_dir() and any(reports.iterdir()):
        problems.append(f"the reports folder {reports} is not empty")
    return problems


def _restore_database(engine: str, folder: Path) -> None:
    from django.conf import settings

    if engine == "sqlite":
        target = Path(str(settings.DATABASES["default"]["NAME"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(folder / SQLITE_MEMBER, partial)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
        return
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            str(settings.DATABASES["default"]["NAME"]),
            str(folder / PG_MEMBER),
        ],
        "pg_restore",
    )


def restore_backup(source: Path) -> dict[str, Any]:
    from django.conf import settings

    engine = _engine()
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".samspil-restore-", dir=data_dir) as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o700)
        manifest = verify_archive(source, folder)
        if manifest.get("database") != engine:
            raise BackupError(
                f"{source}: a {manifest.get('database')} backup cannot be restored into a "
                f"{engine} installation"
            )
        database_member = SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER
        if database_member not in manifest["files"] or SECRET_MEMBER not in manifest["files"]:
            raise BackupError(f"{source}: the manifest lists no {database_member} or secret key")
        problems = _installation_problems(engine)
        if problems:
            raise BackupError(
                "restore only into an empty installation: " + "; ".join(problems)
                + " (use a new data folder and database)"
            )  # fmt: skip
        _restore_database(engine, folder)
        key = data_dir / "secret_key"
        partial = data_dir / ".secret_key.restoring"
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write((folder / SECRET_MEMBER).read_bytes())
        os.replace(partial, key)
        if (folder / REPORTS).is_dir():
            shutil.copytree(folder / REPORTS, data_dir / REPORTS, dirs_exist_ok=True)
    return manifest


# -- commands -----------------------------------------------------------------------------


def say(text: str, *, error: bool = False) -> None:
    (sys.stderr if error else sys.stdout).write(text + "\n")


def _command(function: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from samspil.web.env import SettingError

        try:
            _setup_django()
            return int(function(args))
        except SettingError as exc:
            say(f"error: setting {exc}", error=True)
        except DomainError as exc:
            say(f"error: {exc}", error=True)
        return 2

    return run


def cmd_backup(args: argparse.Namespace) -> int:
    out = Path(args.out)
    manifest = make_backup(out)
    reports = sum(1 for name in manifest["files"] if name.startswith(f"{REPORTS}/"))
    say(f"{out}: {manifest['database']} database, secret key, {reports} report files")
    if os.environ.get("SAMSPIL_SECRET_KEY"):
        say("note: the secret key comes from SAMSPIL_SECRET_KEY; keep that value too")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    manifest = restore_backup(Path(args.file))
    say(
        f"restored {args.file} (samspil {manifest.get('samspil_version')}, "
        f"made {manifest.get('created')}); start samspil serve to migrate if needed"
    )
    return 0


def register(subparsers: Any) -> None:
    """``backup`` and ``restore``."""
    p = subparsers.add_parser(
        "backup", help="write one archive of the database, the secret key and the reports"
    )
    p.add_argument("--out", required=True, help="the archive to write (.tar.gz, mode 600)")
    p.set_defaults(func=_command(cmd_backup))
    p = subparsers.add_parser("restore", help="restore a backup archive into an empty installation")
    p.add_argument("file", help="an archive made by samspil backup")
    p.set_defaults(func=_command(cmd_restore))
