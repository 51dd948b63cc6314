"""Bundled questionnaires and the loader for instrument files."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from samspil import yamltext
from samspil.errors import DomainError
from samspil.instruments.schema import Instrument, Section

__all__ = [
    "Instrument",
    "InstrumentError",
    "Section",
    "bundled_ids",
    "load",
    "load_bytes",
    "load_file",
    "register_loader",
    "resolve",
]

DATA = resources.files("samspil.instruments") / "data"


class InstrumentError(DomainError):
    """An instrument file that does not follow the schema; the message names file and field."""


BUNDLED_SUFFIXES = (".yaml", ".xlsx")


def bundled_ids() -> list[str]:
    """The bundled questionnaires: ``data/<id>.yaml`` or an XLSForm ``data/<id>.xlsx``."""
    return sorted(
        p.name.rsplit(".", 1)[0] for p in DATA.iterdir() if p.name.endswith(BUNDLED_SUFFIXES)
    )


def load_file(path: Path | str) -> Instrument:
    path = Path(path)
    try:
        raw = yamltext.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InstrumentError(f"{path}: cannot read instrument: {exc}") from exc
    return validated(raw, str(path))


def validated(raw: object, name: str) -> Instrument:
    """``raw`` (parsed YAML, or what a loader built) as an Instrument; InstrumentError
    names ``name`` and the field of every problem."""
    try:
        return Instrument.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"{name}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise InstrumentError("\n".join(lines)) from None


@cache
def load(instrument_id: str) -> Instrument:
    """A bundled instrument by id (``kd2024``, ``fc2015``, ``fo2016``) or a path to an
    instrument file (YAML or XLSForm)."""
    if Path(instrument_id).suffix.lower() in LOADERS:
        return resolve(instrument_id)
    for suffix in BUNDLED_SUFFIXES:
        path = DATA / f"{instrument_id}{suffix}"
        if path.is_file():
            return LOADERS[suffix](Path(str(path)))
    known = ", ".join(bundled_ids())
    raise InstrumentError(f"unknown instrument {instrument_id!r}; bundled: {known}")


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


def load_bytes(data: bytes, name: str) -> Instrument:
    """An uploaded instrument file (``name`` gives its format by suffix and is used in
    messages); InstrumentError lists its problems."""
    import tempfile

    suffix = Path(name).suffix.lower()
    if suffix not in LOADERS:
        known = ", ".join(sorted(LOADERS))
        raise InstrumentError(f"{name}: a questionnaire file ends in {known}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return LOADERS[suffix](path)
        except InstrumentError as exc:
            raise InstrumentError(str(exc).replace(str(path), Path(name).name)) from None


# The XLSForm reader registers ".xlsx" (imported last: it uses the names above).
from samspil.instruments import xlsform as _xlsform  # noqa: E402, F401
