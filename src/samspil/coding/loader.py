"""Loading codebook files: bundled ones by id, others by path."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from samspil import yamltext
from samspil.coding.schema import Codebook
from samspil.errors import DomainError

DATA = resources.files("samspil.coding") / "data"


class CodebookError(DomainError):
    """A codebook file that cannot be read or does not follow the schema.

    The message names the file and the field (``questions[0] (udf_vigtigste).themes[2].code``).
    """


def bundled_codebooks() -> list[str]:
    """Ids of the codebooks shipped with samspil."""
    return sorted(p.name.removesuffix(".yaml") for p in DATA.iterdir() if p.name.endswith(".yaml"))


def load_codebook(id_or_path: str | Path) -> Codebook:
    """A bundled codebook by id (``kd2024``) or a codebook YAML file by path.

    When the codebook's instrument is a bundled instrument, every ``variable`` must be an
    open question of it. Raises :class:`CodebookError` (a ``ValueError``) naming file and
    field.
    """
    text = str(id_or_path)
    if isinstance(id_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text:
        return load_codebook_file(id_or_path)
    return _load_bundled(text)


@cache
def _load_bundled(codebook_id: str) -> Codebook:
    path = DATA / f"{codebook_id}.yaml"
    if not path.is_file():
        known = ", ".join(bundled_codebooks()) or "none"
        raise CodebookError(f"unknown codebook {codebook_id!r}; bundled: {known}")
    return load_codebook_file(Path(str(path)))


def load_codebook_file(path: str | Path) -> Codebook:
    """A codebook from a YAML file; errors name the file and the field."""
    path = Path(path)
    try:
        raw = yamltext.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CodebookError(f"{path}: cannot read codebook: {exc}") from exc
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: a codebook file must be a mapping with id, questions, ...")
    try:
        codebook = Codebook.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {_where(raw, err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise CodebookError("\n".join(lines)) from None
    _check_instrument(codebook, path)
    return codebook


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """``questions[0] (udf_vigtigste).themes[3] (andet).code`` from a pydantic error loc."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            part = f"[{key}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            name = (item.get("variable") or item.get("code")) if isinstance(item, dict) else None
            if name:
                part += f" ({name})"
            if parts:
                parts[-1] += part
            else:
                parts.append(part)
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top)"


def _check_instrument(codebook: Codebook, path: Path) -> None:
    """Every variable must be an open question of the instrument, when that is bundled."""
    from samspil.instruments import bundled_ids, load

    if codebook.instrument not in bundled_ids():
        return
    instrument = load(codebook.instrument)
    open_questions = [
        q.id for s in instrument.sections for q in s.questions if getattr(q, "type", "") == "open"
    ]
    for index, question in enumerate(codebook.questions):
        if question.variable not in open_questions:
            raise CodebookError(
                f"{path}: questions[{index}].variable: {question.variable!r} is not an open "
                f"question of instrument {codebook.instrument} "
                f"(open questions: {', '.join(open_questions)})"
            )
