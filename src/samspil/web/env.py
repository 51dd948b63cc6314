"""Small helpers that read settings from the environment and fail loudly.

A malformed value (``SAMSPIL_DEBUG=maybe``, ``SAMSPIL_MAX_UPLOAD_MB=ten``) stops the program
with a message naming the variable, instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
