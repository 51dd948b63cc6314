"""Bundled questionnaires and the loader for instrument files."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from samspil.instruments.schema import Instrument, Section

__all__ = ["Instrument", "InstrumentError", "Section", "bundled_ids", "load", "load_file"]

DATA = resources.files("samspil.instruments") / "data"


class InstrumentError(ValueError):
    """An instrument file that does not follow the schema; the message names file and field."""


def bundled_ids() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in DATA.iterdir() if p.name.endswith(".yaml"))


def load_file(path: Path | str) -> Instrument:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InstrumentError(f"{path}: cannot read instrument: {exc}") from exc
    try:
        return Instrument.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise InstrumentError("\n".join(lines)) from None


@cache
def load(instrument_id: str) -> Instrument:
    """A bundled instrument by id (``kd2024``, ``fc2015``) or a path to a YAML file."""
    if instrument_id.endswith((".yaml", ".yml")):
        return load_file(instrument_id)
    path = DATA / f"{instrument_id}.yaml"
    if not path.is_file():
        known = ", ".join(bundled_ids())
        raise InstrumentError(f"unknown instrument {instrument_id!r}; bundled: {known}")
    return load_file(Path(str(path)))
