"""Small helpers that read settings from the environment and fail loudly.

A malformed value (``SAMSPIL_DEBUG=maybe``, ``SAMSPIL_MAX_UPLOAD_MB=ten``) stops the program
with a message naming the variable, instead of silently falling back to a default.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from samspil.errors import DomainError

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class SettingError(DomainError):
    """An environment variable with a value that cannot be used."""


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(name, default).strip()


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if name not in env:
        return default
    value = env[name].strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SettingError(f"{name}={env[name]!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] | None = None,
    *,
    minimum: int | None = None,
) -> int:
    env = os.environ if environ is None else environ
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise SettingError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ).lower()
    if value not in choices:
        raise SettingError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


SECRET_KEY_FILE = "secret_key"


def installation_secret_key(data_dir: Path) -> str:
    """This installation's secret key, from ``<data dir>/secret_key``; made on first use.

    The file is written under a temporary name (owner-only permissions) and linked into
    place, so concurrent first starts agree on one key and nobody reads a half-written file.
    """
    path = data_dir / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingError(f"cannot read the secret key file {path}: {exc}") from None
    if key:
        if len(key) < 40:
            raise SettingError(f"{path}: the secret key is too short; delete the file to make one")
        return key
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            temporary.unlink()
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise SettingError(
            f"cannot create the secret key file {path} ({exc.strerror}); set SAMSPIL_DATA_DIR "
            "to a writable folder or SAMSPIL_SECRET_KEY"
        ) from None


def keep_private(data_dir: Path) -> None:
    """Files samspil writes are readable by their owner only.

    Sets this process's umask to 077, so that what it and the processes it starts (gunicorn
    workers, the e-mail worker) create — the SQLite database with its -wal and -shm files
    (SQLite gives them the database's permissions), reports, exports — is owner-only, and
    takes the group's and others' permissions off what an earlier version left in the data
    folder (the folder itself becomes 700). Symbolic links and other users' files are left
    alone.
    """
    os.umask(0o077)
    if not data_dir.is_dir():
        return
    owner = os.geteuid()
    for folder, _folders, files in os.walk(data_dir):
        for path in (folder, *(os.path.join(folder, name) for name in files)):
            try:
                status = os.lstat(path)
                if stat.S_ISLNK(status.st_mode) or status.st_uid != owner:
                    continue
                if status.st_mode & 0o077:
                    os.chmod(path, stat.S_IMODE(status.st_mode) & 0o700)
            except OSError:  # gone meanwhile, or not ours to change
                continue
