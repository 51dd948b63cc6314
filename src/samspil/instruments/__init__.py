"""Bundled questionnaires and the loader for instrument files."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from samspil.errors import DomainError
from samspil.instruments.schema import Instrument, Section

__all__ = [
    "Instrument",
    "InstrumentError",
    "Section",
    "bundled_ids",
    "load",
    "load_file",
    "register_loader",
    "resolve",
]

DATA = resources.files("samspil.instruments") / "data"


class InstrumentError(DomainError):
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


# -- one way in: bundled id, YAML file, or any registered file format ---------------------

Loader = Callable[[Path], Instrument]
# File suffix (lower case, with the dot) -> loader. YAML is built in; the XLSForm reader
# registers ".xlsx" (see samspil.instruments.xlsform). Each loader raises InstrumentError
# naming file, sheet/row/column or field.
LOADERS: dict[str, Loader] = {".yaml": load_file, ".yml": load_file}


def register_loader(suffixes: tuple[str, ...], loader: Loader) -> None:
    for suffix in suffixes:
        LOADERS[suffix.lower()] = loader


def resolve(ref: str | Path) -> Instrument:
    """The instrument named by ``ref``: a bundled id (``kd2024``) or a file whose suffix has
    a registered loader (``.yaml``, ``.yml``, ``.xlsx``)."""
    text = str(ref)
    suffix = Path(text).suffix.lower()
    if suffix in LOADERS:
        path = Path(text)
        if not path.is_file():
            raise InstrumentError(f"{path}: instrument file not found")
        return LOADERS[suffix](path)
    return load(text)
