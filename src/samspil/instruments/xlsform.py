"""Questionnaires written as XLSForm (the ``survey``/``choices``/``settings`` workbook that
ODK, KoboToolbox, SurveyCTO and Ona read), in and out.

Reading: pyxform (the reference parser) checks the workbook and turns it into a dict; this
module maps that dict onto samspil's instrument schema (see docs/instruments.md, "Writing a
questionnaire in XLSForm"). What samspil cannot field (repeats, geo, media, a calculation
that feeds a question, ...) is refused with the sheet, row, column and type; every problem
is listed and nothing is loaded then.

Writing: :func:`write_xlsform` writes any instrument as an XLSForm that reads back to the
same codebook (``samspil instrument convert``).

Pure: no Django.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samspil.instruments import Instrument, InstrumentError, register_loader, validated
from samspil.questions.base import IDENT, Condition, Option
from samspil.questions.types import (
    DateQuestion,
    Grid,
    MultipleChoice,
    Number,
    OpenText,
    PickNumber,
    Question,
    SingleChoice,
)
from samspil.spreadsheet import XlsxLimits

__all__ = ["load_xlsform", "read_xlsform", "write_xlsform"]

SUFFIXES = (".xlsx", ".xlsm", ".xls")
# A questionnaire's sheets are small: these bound what a crafted file makes pyxform build.
XLSFORM_LIMITS = XlsxLimits(columns=1_000, rows=100_001, part_mb=64, total_mb=128)
# The extra column samspil reads and writes (other tools ignore it): on a note
# ``intro`` (the next question's intro) or ``definition`` (a definition box of the
# section); on a select_one ``pick`` (a number picked from a list); on a table-list row
# ``item=<id>``; on a number ``unit=<unit>``; on a hidden field the sample variable's kind
# (``text``, ``number``, ``binary``, ``categorical``).
SAMSPIL_COLUMN = "samspil"
PIPE_PLACEHOLDER = "[som du angav tidligere]"
DANISH = "Dansk (da)"

METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "audit",
    "simserial",
    "subscriberid",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
    "xml-external",
    "csv-external",
}
REFUSED = {
    "repeat": "repeats (a group asked several times) are not supported",
    "geopoint": "locations are not supported",
    "geotrace": "locations are not supported",
    "geoshape": "locations are not supported",
    "image": "media answers are not supported",
    "photo": "media answers are not supported",
    "gps": "locations are not supported",
    "loop": "loops (a group asked for each choice) are not supported",
    "audio": "media answers are not supported",
    "video": "media answers are not supported",
    "file": "file answers are not supported",
    "barcode": "barcodes are not supported",
    "acknowledge": "acknowledge questions are not supported",
    "rank": "ranking questions are not supported",
    "time": "time-of-day answers are not supported",
    "dateTime": "date-and-time answers are not supported",
    "trigger": "acknowledge questions are not supported",
}
SUPPORTED = {"select one", "select all that apply", "text", "integer", "decimal", "range", "date"}
DONT_KNOW = {"ved ikke", "don't know", "dont know", "do not know", "dk", "dont_know", "ved_ikke"}
NOT_APPLICABLE = {
    "ikke relevant",
    "not applicable",
    "n/a",
    "na",
    "not_applicable",
    "ikke_relevant",
}


# -- reading ---------------------------------------------------------------------------------


def load_xlsform(path: Path) -> Instrument:
    """The instrument in an XLSForm file; InstrumentError lists every problem."""
    return read_xlsform(Path(path), str(path))


def read_xlsform(source: Path | bytes, name: str) -> Instrument:
    """An XLSForm from a path or the bytes of an upload; ``name`` is used in messages."""
    from pyxform import xls2json, xls2json_backends
    from pyxform.errors import PyXFormError

    from samspil.spreadsheet import SpreadsheetError, check_xlsx

    try:  # measured before pyxform and openpyxl parse anything
        # (an .xls is not a zip; it is not compressed, so its size bounds what it holds)
        if isinstance(source, bytes) or source.suffix.lower() in (".xlsx", ".xlsm"):
            check_xlsx(source, XLSFORM_LIMITS)
    except SpreadsheetError as exc:
        where = f"{name}, row {exc.row}" if exc.row else name
        raise InstrumentError(f"{where}: {exc.message}") from None
    warnings: list[str] = []
    try:
        book = xls2json_backends.get_xlsform(
            str(source) if isinstance(source, Path) else io.BytesIO(source),
            file_type=None if isinstance(source, Path) else ".xlsx",
        )
        _protect_quotes(book)
        form = xls2json.workbook_to_json(
            workbook_dict=book,
            form_name="data",
            fallback_form_name=book.fallback_form_name or Path(name).stem,
            default_language="default",
            warnings=warnings,
        )
    except PyXFormError as exc:
        raise InstrumentError(f"{name}: {_pyxform_message(str(exc))}") from None
    except Exception as exc:  # pyxform and openpyxl raise many types for broken files
        raise InstrumentError(f"{name}: cannot read XLSForm: {exc}") from None
    reader = _Reader(name, form, book.survey, book.settings[0] if book.settings else {})
    return reader.instrument()


# pyxform turns typographic quotes into straight ones; questionnaire texts keep theirs.
QUOTES = {"\u2018": "\ue018", "\u2019": "\ue019", "\u201c": "\ue01c", "\u201d": "\ue01d"}
UNQUOTE = str.maketrans({v: k for k, v in QUOTES.items()})
TEXT_COLUMNS = ("label", "hint", "guidance_hint", "form_title")


def _protect_quotes(book: Any) -> None:
    table = str.maketrans(QUOTES)
    for rows in (book.survey, book.choices, book.settings):
        for row in rows or []:
            for column, value in row.items():
                if isinstance(value, str) and column.startswith(TEXT_COLUMNS):
                    row[column] = value.translate(table)


def _pyxform_message(message: str) -> str:
    message = " ".join(message.split())
    match = re.match(r"\[row : (\d+)\]\s*(.*)", message)
    if match:
        text = match.group(2)
        named = re.search(r"On the '(\w+)' sheet", text)
        if named:
            sheet = named.group(1)
        elif text.lower().startswith("list name not in choices sheet"):
            sheet = "survey"  # the row is the select that names the missing list
        else:
            sheet = "choices" if "choices" in text[:60].lower() else "survey"
        return f"{sheet} row {match.group(1)}: {text}"
    return message


def normalise_name(name: str) -> str:
    """An XLSForm name as a samspil identifier: lower case, ``-`` and ``.`` as ``_``."""
    out = re.sub(r"[^a-z0-9_]", "_", name.strip().lower())
    return out if re.match(r"[a-z]", out) else f"q{out}"


@dataclass
class _Field:
    """A question an expression may refer to (``${name}``)."""

    kind: str  # single, multi, number, text
    variable: str  # samspil id (single/number/text) or question id (multi)
    codes: dict[str, int] = field(default_factory=dict)  # choice name -> code


@dataclass
class _Item:
    """One survey element after nested groups are flattened."""

    node: dict[str, Any]
    key: tuple[str, ...]
    groups: list[tuple[tuple[str, ...], dict[str, Any]]]  # the nested groups it sits in
    intro: list[str]


class _Refused(Exception):
    pass


class _Reader:
    def __init__(self, name: str, form: dict[str, Any], rows: list[dict[str, Any]], settings: dict):
        self.name = name
        self.form = form
        self.settings = settings
        self.rows: dict[tuple[str, ...], tuple[int, dict[str, Any]]] = {}
        stack: list[str] = []
        for index, cased in enumerate(rows):
            row = {str(k).lower(): v for k, v in cased.items()}
            kind = str(row.get("type") or "").strip().lower().replace("_", " ")
            if kind.startswith("end ") and stack:
                stack.pop()
                continue
            row_name = str(row.get("name") or "")
            self.rows.setdefault((*stack, row_name), (index + 2, row))
            if kind.startswith("begin "):
                stack.append(row_name)
        self.problems: list[tuple[int, str]] = []
        self.fields: dict[str, _Field] = {}
        self.used: set[str] = set()
        self.language = self._language()
        self.translations: dict[str, dict[str, str]] = {}
        self.scales: dict[str, list[dict[str, Any]]] = {}
        self.list_use: dict[str, int] = {}
        self.calculates: dict[str, int] = {}
        self.sample: list[dict[str, Any]] = []
        self.paths: dict[str, str] = {}  # field path -> variable / multi question ('' none)
        self.group_conditions: dict[tuple[str, ...], list[dict[str, Any]] | None] = {}

    # -- problems and texts ---------------------------------------------------------------

    def problem(self, key: tuple[str, ...], column: str, message: str) -> _Refused:
        row = self.rows.get(key, (None, {}))[0]
        where = f"survey row {row}, column {column}" if row else f"survey, column {column}"
        self.problems.append((row or 0, f"{self.name}: {where}: {message}"))
        return _Refused(message)

    def _language(self) -> str:
        keys: list[str] = []
        for node in self._walk(self.form.get("children", [])):
            for value in (node.get("label"), node.get("hint")):
                if isinstance(value, dict):
                    keys.extend(k for k in value if k not in keys)
        for danish in keys:
            if "(da)" in danish or danish.lower().startswith(("dansk", "danish")):
                return danish
        default = str(self.form.get("default_language") or "")
        if default in keys:
            return default
        return "default" if "default" in keys or not keys else keys[0]

    def _walk(self, nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for node in nodes:
            yield node
            yield from self._walk(node.get("children") or [])
            yield from node.get("choices") or []

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, dict):
            return _unmarked(str(value)).strip().translate(UNQUOTE)
        shown = value.get(self.language)
        if shown is None:
            shown = value.get("default", next(iter(value.values()), ""))
        shown = _unmarked(str(shown)).strip().translate(UNQUOTE)
        for lang, other in value.items():
            if lang not in (self.language, "default") and other and shown:
                translated = _unmarked(str(other)).strip().translate(UNQUOTE)
                self.translations.setdefault(lang, {})[shown] = translated
        return shown

    # -- the form --------------------------------------------------------------------------

    def instrument(self) -> Instrument:
        children = [c for c in self.form.get("children", []) if not _bodyless(c)]
        self._collect_calculates(children, ())
        self._collect_paths(children, ())
        welcome, closing, body = self._frame(children)
        sections: list[dict[str, Any]] = []
        loose: list[dict[str, Any]] = []
        sample = self.sample
        for node in body:
            if node.get("type") == "group" and not _is_table_list(node):
                if loose:
                    sections.append(self._section_from(loose, len(sections)))
                    loose = []
                sections.append(self._section(node))
            elif node.get("type") == "hidden":
                sample.append(self._sample(node, (str(node["name"]),)))
            else:
                loose.append(node)
        if loose:
            sections.append(self._section_from(loose, len(sections)))
        if any(s.get("id") == "skema" for s in sections) and len(sections) > 1:
            for index, s in enumerate(sections):
                if s["id"] == "skema":
                    s["id"], s["title"] = f"side_{index + 1}", f"Side {index + 1}"
        if self.problems:
            raise InstrumentError("\n".join(m for _r, m in sorted(self.problems)))
        raw: dict[str, Any] = {
            "id": normalise_name(str(self.form.get("id_string") or Path(self.name).stem)),
            "version": _int(self.settings.get("version")),
            "title": self.text(self.form.get("title")) or str(self.form.get("id_string")),
            "language": str(self.settings.get("language") or _code(self.language)),
            "population": str(self.settings.get("population") or ""),
            "source": str(self.settings.get("source") or ""),
            "welcome": welcome,
            "closing": closing,
            "scales": {k: v for k, v in self.scales.items() if self.list_use.get(k, 0) > 1},
            "sections": sections,
            "sample": sample,
            "translations": self.translations,
            "form_paths": self.paths,
        }
        for section in raw["sections"]:
            for question in section["questions"]:
                if question.get("scale") in raw["scales"]:
                    question.pop("options", None)
                else:
                    question.pop("scale", None)
        return validated(raw, self.name)

    def _collect_paths(self, nodes: list[dict[str, Any]], path: tuple[str, ...]) -> None:
        """Every field's path, as holding no answer; questions overwrite theirs."""
        for node in nodes:
            key = (*path, str(node.get("name")))
            if node.get("type") == "group":
                self._collect_paths(node.get("children") or [], key)
            else:
                self.paths["/".join(key)] = ""

    def _path(self, key: tuple[str, ...], target: str) -> None:
        self.paths["/".join(key)] = target

    def _collect_calculates(self, nodes: list[dict[str, Any]], path: tuple[str, ...]) -> None:
        for node in nodes:
            if node.get("type") == "calculate" or (
                node.get("type") != "group" and _calculated(node)
            ):
                self.calculates[str(node["name"])] = 0
            self._collect_calculates(node.get("children") or [], (*path, str(node.get("name"))))
        if path:
            return
        for key, (_row, row) in self.rows.items():
            for column, value in row.items():
                if column in ("type", "name") or not isinstance(value, str):
                    continue
                for ref in re.findall(r"\$\{([^}]+)\}", value):
                    if (
                        ref in self.calculates
                        and row.get("type") != "calculate"
                        and not row.get("calculation")
                    ):
                        self.problem(
                            key,
                            column,
                            f"refers to ${{{ref}}}, a calculation; type 'calculate' that feeds "
                            "a question is not supported",
                        )

    def _frame(
        self, children: list[dict[str, Any]]
    ) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Top-level notes before the first and after the last section group are the
        welcome and closing pages, when the form is made of groups."""
        kinds = [self._kind(c) for c in children]
        groups = [i for i, k in enumerate(kinds) if k == "section"]
        if not groups:
            return [], [], children
        welcome: list[str] = []
        closing: list[str] = []
        body: list[dict[str, Any]] = []
        for index, node in enumerate(children):
            if kinds[index] == "note" and index < groups[0]:
                welcome.append(self._note(node, ()))
            elif kinds[index] == "note" and index > groups[-1]:
                closing.append(self._note(node, ()))
            elif kinds[index] != "skip":
                body.append(node)
        return welcome, closing, body

    def _kind(self, node: dict[str, Any]) -> str:
        kind = node.get("type")
        if kind in METADATA_TYPES or kind == "calculate" or (kind != "group" and _calculated(node)):
            return "skip"
        if kind == "group" and not _is_table_list(node):
            return "section"
        return "note" if kind == "note" else "question"

    def _note(self, node: dict[str, Any], path: tuple[str, ...]) -> str:
        key = (*path, str(node.get("name")))
        if (node.get("bind") or {}).get("relevant"):
            self.problem(
                key,
                "relevant",
                "a note shown on a condition is not supported; put the condition on the "
                "question or group",
            )
        return self.text(node.get("label"))

    def _sample(self, node: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
        name = normalise_name(str(node["name"]))
        self._path(key, name)
        kind, _, list_name = str(node.get(SAMSPIL_COLUMN) or "text").partition(" ")
        out: dict[str, Any] = {"name": name, "label": self.text(node.get("label")) or name}
        out["kind"] = kind if kind in ("text", "number", "binary", "categorical") else "text"
        if list_name:
            choices = (self.form.get("choices") or {}).get(list_name, [])
            out["options"] = self._options(choices, ())
        self.fields[str(node["name"])] = _Field(
            "text" if out["kind"] == "text" else "number" if out["kind"] == "number" else "single",
            name,
            {str(o.get("name", o["code"])): o["code"] for o in out.get("options", [])},
        )
        self.used.add(name)
        return out

    # -- sections ----------------------------------------------------------------------------

    def _section(self, group: dict[str, Any]) -> dict[str, Any]:
        key = (str(group["name"]),)
        section: dict[str, Any] = {
            "id": self._ident(str(group["name"]), key),
            "title": self.text(group.get("label")) or str(group["name"]),
            "intro": [],
            "definitions": [],
            "questions": [],
            "show_if": [],
        }
        with contextlib.suppress(_Refused):  # the problem is listed; nothing is loaded
            section["show_if"] = self._conditions(group, key)
        items = list(self._flatten(group.get("children") or [], key, [], []))
        self._questions(items, section)
        return section

    def _section_from(self, nodes: list[dict[str, Any]], index: int) -> dict[str, Any]:
        section: dict[str, Any] = {
            "id": "skema",
            "title": self.text(self.form.get("title")) or "Skema",
            "intro": [],
            "definitions": [],
            "questions": [],
        }
        items = list(self._flatten(nodes, (), [], []))
        self._questions(items, section)
        return section

    def _flatten(
        self,
        nodes: list[dict[str, Any]],
        path: tuple[str, ...],
        groups: list[tuple[tuple[str, ...], dict[str, Any]]],
        intro: list[str],
    ) -> Iterator[_Item]:
        """The questions of nested groups in order; a group's condition is compiled when
        its first question is read (it may refer to an earlier question of the section)."""
        pending = list(intro)
        for node in nodes:
            key = (*path, str(node.get("name")))
            kind = node.get("type")
            if kind == "group" and not _is_table_list(node):
                inner = [*groups, (key, node)]
                label = self.text(node.get("label"))
                yield from self._flatten(
                    node.get("children") or [], key, inner, pending + ([label] if label else [])
                )
                pending = []
                continue
            yield _Item(node, key, groups, pending)
            pending = []

    def _inherited(self, item: _Item) -> list[dict[str, Any]]:
        """The conditions of the nested groups an item sits in (each compiled once; a
        refused one refuses its questions, and is listed once)."""
        out: list[dict[str, Any]] = []
        for key, node in item.groups:
            if key not in self.group_conditions:
                try:
                    self.group_conditions[key] = self._conditions(node, key)
                except _Refused:
                    self.group_conditions[key] = None
            compiled = self.group_conditions[key]
            if compiled is None:
                raise _Refused("group condition")
            out.extend(compiled)
        return out

    def _questions(self, items: list[_Item], section: dict[str, Any]) -> None:
        intro: list[str] = []
        index = 0
        while index < len(items):
            item = items[index]
            node = item.node
            kind = str(node.get("type"))
            index += 1
            try:
                if kind == "note":
                    text = self._note(node, item.key[:-1])
                    role = str(node.get(SAMSPIL_COLUMN) or "").strip()
                    if role == "definition":
                        section["definitions"].append(text)
                    elif role == "intro" or section["questions"]:
                        intro.append(text)
                    else:
                        section["intro"].append(text)
                    continue
                if kind in METADATA_TYPES or kind == "calculate" or _calculated(node):
                    continue  # no answer to ask: left out of answer files with a note
                if kind == "hidden":
                    self.sample.append(self._sample(node, item.key))
                    continue
                inherited = self._inherited(item)
                run = self._likert_run(items, index - 1)
                if len(run) > 1:
                    question = self._likert_grid(run)
                    index += len(run) - 1
                else:
                    question, skip = self._question(item, items[index:])
                    index += skip
            except _Refused:
                intro = []
                continue
            question["intro"] = item.intro + intro + question.get("intro", [])
            intro = []
            conditions = inherited + question.pop("show_if", [])
            if conditions:
                question["show_if"] = conditions
            section["questions"].append(question)
        if intro:
            section["intro"].extend(intro)

    # -- questions ----------------------------------------------------------------------------

    def _question(self, item: _Item, rest: list[_Item]) -> tuple[dict[str, Any], int]:
        node, key = item.node, item.key
        kind = str(node.get("type"))
        if kind == "string":  # pyxform's other name for text
            kind = "text"
        if kind == "group":
            return self._table_grid(item), 0
        if kind in REFUSED or kind.startswith(("select one external", "select one from")):
            raw_type = self.rows.get(key, (0, {"type": kind}))[1].get("type", kind)
            why = REFUSED.get(kind, "choices from a file are not supported")
            raise self.problem(key, "type", f"type {raw_type!r}: {why}")
        if kind not in SUPPORTED:
            raw_type = self.rows.get(key, (0, {"type": kind}))[1].get("type", kind)
            raise self.problem(key, "type", f"type {raw_type!r} is not supported by samspil")
        name = str(node["name"])
        self._constraint(node, key, kind)
        qid = self._ident(name, key)
        self._path(key, qid)
        question: dict[str, Any] = {"id": qid, "text": self.text(node.get("label"))}
        self._common(node, key, question)
        skip = 0
        if kind in ("select one", "select all that apply"):
            skip = self._choice_question(node, key, kind, question, rest)
        elif kind == "text":
            appearance = str((node.get("control") or {}).get("appearance") or "")
            question.update(type="open", multiline="multiline" in appearance)
            self.fields[name] = _Field("text", qid)
        elif kind == "date":
            question.update(type="date")
            self.fields[name] = _Field("text", qid)
        else:
            question.update(type="number")
            if kind == "integer":
                question["integer"] = True
            low, high = self._range(node, key)
            if low is not None:
                question["min"] = low
            if high is not None:
                question["max"] = high
            role = str(node.get(SAMSPIL_COLUMN) or "")
            if role.startswith("unit="):
                question["unit"] = role.removeprefix("unit=")
            self.fields[name] = _Field("number", qid)
        return question, skip

    def _choice_question(
        self,
        node: dict[str, Any],
        key: tuple[str, ...],
        kind: str,
        question: dict[str, Any],
        rest: list[_Item],
    ) -> int:
        """A select one / select all question (filled in ``question``); returns how many of
        the following rows were its "other, please specify" texts."""
        name, qid = str(node["name"]), question["id"]
        if (node.get("bind") or {}).get("jr:choice_filter") or node.get("choice_filter"):
            raise self.problem(key, "choice_filter", "filtered choice lists are not supported")
        options = self._options(node.get("choices") or [], key)
        list_name = str(node.get("list_name") or node.get("itemset") or qid)
        skip = self._other_texts(name, qid, options, rest)
        role = str(node.get(SAMSPIL_COLUMN) or "").strip()
        if kind == "select one" and role == "pick":
            codes = [o["code"] for o in options]
            question.update(type="pick", min=min(codes), max=max(codes))
            question["labels"] = {
                o["code"]: o["label"] for o in options if o["label"] != str(o["code"])
            }
            self.fields[name] = _Field("single", qid, _names(options))
        elif kind == "select one":
            question.update(type="single", options=options, scale=list_name)
            self.fields[name] = _Field("single", qid, _names(options))
        else:
            question.update(type="multi", options=options, scale=list_name)
            exclusive = self._exclusive(node, options)
            if exclusive:
                question["exclusive"] = exclusive
            self.fields[name] = _Field("multi", qid, _names(options))
        if question.get("scale"):
            self.scales.setdefault(list_name, options)
            self.list_use[list_name] = self.list_use.get(list_name, 0) + 1
        return skip

    def _common(self, node: dict[str, Any], key: tuple[str, ...], question: dict) -> None:
        bind = node.get("bind") or {}
        if str(bind.get("required") or "").strip().lower() in ("yes", "true", "true()"):
            question["required"] = True
        hint = self.text(node.get("hint"))
        if hint:
            question["help"] = hint
        question["show_if"] = self._conditions(node, key)
        text, pipe = self._pipe(question.get("text", ""), key)
        question["text"] = text
        if pipe:
            question["pipe"] = pipe

    def _pipe(self, text: str, key: tuple[str, ...]) -> tuple[str, dict[str, str] | None]:
        refs = re.findall(r"\$\{([^}]+)\}", text)
        if not refs:
            return text, None
        if len(set(refs)) > 1:
            raise self.problem(key, "label", "a label may show one earlier answer, not several")
        field_ = self.fields.get(refs[0])
        if field_ is None:
            raise self.problem(key, "label", f"${{{refs[0]}}} is not an earlier question")
        return text.replace(f"${{{refs[0]}}}", PIPE_PLACEHOLDER), {"from": field_.variable}

    def _options(self, choices: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict]:
        names = [str(c.get("name")) for c in choices]
        specials = [_special(c, self.text(c.get("label"))) for c in choices]
        if all(re.fullmatch(r"-?\d+", n) for n in names):
            codes = [int(n) for n in names]
        else:
            substantive = sum(1 for s in specials if s is None)
            base = 8 if substantive <= 7 else 98 if substantive <= 97 else 998
            codes, next_code, next_special = [], 1, base
            for special in specials:
                if special is None:
                    codes.append(next_code)
                    next_code += 1
                else:
                    codes.append(next_special)
                    next_special += 1
        out = []
        for choice, name, code, special in zip(choices, names, codes, specials, strict=True):
            label = self.text(choice.get("label")) or name
            if name == "other" and label == "Other":
                label = "Andet"
            option: dict[str, Any] = {"code": code, "label": label}
            if special:
                option["special"] = special
            if name != str(code):
                option["name"] = name
            out.append(option)
        return out

    def _other_texts(
        self, name: str, qid: str, options: list[dict[str, Any]], rest: list[_Item]
    ) -> int:
        """Text questions right after a select that hold its "other, specify" answer:
        pyxform's ``<name>_other`` (``or_other``) or samspil's ``<id>_<code>_tekst``."""
        by_name = {o.get("name", str(o["code"])): o for o in options}
        skip = 0
        for item in rest:
            node = item.node
            if node.get("type") != "text":
                break
            text_name = str(node.get("name"))
            if text_name == f"{name}_other" and "other" in by_name:
                by_name["other"]["other_text"] = True
                self._path(item.key, f"{qid}_{by_name['other']['code']}_tekst")
            else:
                match = re.fullmatch(rf"{re.escape(qid)}_(-?\d+)_tekst", text_name)
                codes = {str(o["code"]): o for o in options}
                if not match or match.group(1) not in codes:
                    break
                codes[match.group(1)]["other_text"] = True
                self._path(item.key, text_name)
            skip += 1
        return skip

    def _constraint(self, node: dict[str, Any], key: tuple[str, ...], kind: str) -> None:
        """A constraint samspil enforces (bounds on a number, a choice that excludes the
        others) or a refusal: a constraint is never dropped in silence."""
        constraint = str((node.get("bind") or {}).get("constraint") or "").strip()
        if not constraint:
            return
        rest = constraint
        if kind in ("integer", "decimal", "range"):
            rest = NUMBER_BOUND.sub(" ", rest)
        if kind == "select all that apply":
            rest = EXCLUSIVE.sub(" ", rest)
        if re.sub(r"\band\b", " ", rest).strip():
            allowed = (
                "bounds on a number ('. >= 0 and . <= 100')"
                if kind in ("integer", "decimal", "range")
                else "a choice that excludes the others "
                "(\"not(selected(., 'x') and count-selected(.) > 1)\")"
                if kind == "select all that apply"
                else "none on this type"
            )
            raise self.problem(
                key,
                "constraint",
                f"samspil cannot enforce constraint {constraint!r} (it enforces {allowed}); "
                "remove it, or check the answers after the import",
            )
        if kind == "decimal" and re.search(r"\.\s*[<>](?!=)", constraint):
            raise self.problem(
                key,
                "constraint",
                f"constraint {constraint!r}: write bounds on a decimal with >= and <=",
            )

    def _exclusive(self, node: dict[str, Any], options: list[dict[str, Any]]) -> list[int]:
        constraint = str((node.get("bind") or {}).get("constraint") or "")
        names = re.findall(
            r"not\(\s*selected\(\s*\.\s*,\s*'([^']*)'\s*\)\s*and\s*count-selected\(\s*\.\s*\)"
            r"\s*>\s*1\s*\)",
            constraint,
        )
        codes = _names(options)
        return [codes[n] for n in names if n in codes]

    def _range(self, node: dict[str, Any], key: tuple[str, ...]) -> tuple[float | None, ...]:
        if node.get("type") == "range":
            params = node.get("parameters") or {}
            start, end = params.get("start", 1), params.get("end", 10)
            return float(start), float(end)
        constraint = str((node.get("bind") or {}).get("constraint") or "")
        low = high = None
        for op, number in re.findall(r"\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)", constraint):
            value = float(number)
            if op in (">", "<"):  # strict, on whole numbers (decimals are refused above)
                value = math.floor(value) + 1 if op == ">" else math.ceil(value) - 1
            if op.startswith(">"):
                low = value if low is None else max(low, value)
            else:
                high = value if high is None else min(high, value)
        return low, high

    def _table_grid(self, item: _Item) -> dict[str, Any]:
        group, key = item.node, item.key
        children = [
            c
            for c in group.get("children") or []
            if not str(c.get("name", "")).startswith(
                ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
            )
        ]
        label_notes = [
            c
            for c in group.get("children") or []
            if str(c.get("name", "")).startswith("generated_table_list_label_")
        ]
        lists = {str(c.get("list_name") or c.get("itemset")) for c in children}
        if not children or any(c.get("type") != "select one" for c in children) or len(lists) > 1:
            raise self.problem(
                key,
                "appearance",
                "a table-list group becomes a grid and holds select_one questions on one list",
            )
        gid = self._ident(str(group["name"]), key)
        note = label_notes[0] if label_notes else {}
        label = group.get("label") or note.get("label")
        question: dict[str, Any] = {"id": gid, "type": "grid", "text": self.text(label)}
        self._common({**group, "hint": group.get("hint") or note.get("hint")}, key, question)
        question["options"] = self._options(children[0].get("choices") or [], key)
        codes = _names(question["options"])
        question["items"] = [
            self._grid_item(c, (*key, str(c["name"])), gid, codes) for c in children
        ]
        question["scale"] = lists.pop()
        self.scales.setdefault(question["scale"], question["options"])
        self.list_use[question["scale"]] = self.list_use.get(question["scale"], 0) + 1
        if any(
            str((c.get("bind") or {}).get("required") or "").lower() in ("yes", "true")
            for c in children
        ):
            question["required"] = True
        return question

    def _grid_item(
        self, node: dict[str, Any], key: tuple[str, ...], gid: str, codes: dict[str, int]
    ) -> dict:
        name = str(node["name"])
        variable = self._ident(name, key)
        self._path(key, variable)
        role = str(node.get(SAMSPIL_COLUMN) or "")
        item: dict[str, Any] = {"text": self.text(node.get("label"))}
        if role.startswith("item="):
            item["id"] = role.removeprefix("item=")
            if variable != f"{gid}_{item['id']}":
                item["variable"] = variable
        elif variable.startswith(f"{gid}_"):
            item["id"] = variable.removeprefix(f"{gid}_")
        else:
            item["id"] = variable
            item["variable"] = variable
        item["text"], pipe = self._pipe(item["text"], key)
        if pipe:
            item["pipe"] = pipe
        self.fields[name] = _Field("single", variable, codes)
        return item

    def _likert_run(self, items: list[_Item], start: int) -> list[_Item]:
        """Consecutive select_one questions with appearance ``likert`` on one list."""

        def fits(item: _Item) -> bool:
            node = item.node
            return (
                node.get("type") == "select one"
                and "likert" in str((node.get("control") or {}).get("appearance") or "")
                and not item.intro
            )

        first = items[start]
        if not fits(first):
            return []
        run = [first]
        for item in items[start + 1 :]:
            same = (
                fits(item)
                and item.node.get("list_name") == first.node.get("list_name")
                and (item.node.get("bind") or {}).get("relevant")
                == (first.node.get("bind") or {}).get("relevant")
                and [k for k, _n in item.groups] == [k for k, _n in first.groups]
            )
            if not same:
                break
            run.append(item)
        return run

    def _likert_grid(self, run: list[_Item]) -> dict[str, Any]:
        first = run[0]
        gid = self._ident(f"{normalise_name(str(first.node['name']))}_grid", first.key)
        question: dict[str, Any] = {"id": gid, "type": "grid", "text": ""}
        question["show_if"] = self._conditions(first.node, first.key)
        question["options"] = self._options(first.node.get("choices") or [], first.key)
        codes = _names(question["options"])
        question["items"] = [
            self._grid_item(item.node, item.key, gid, codes)
            | {"variable": normalise_name(item.key[-1])}
            for item in run
        ]
        question["scale"] = str(first.node.get("list_name"))
        self.scales.setdefault(question["scale"], question["options"])
        self.list_use[question["scale"]] = self.list_use.get(question["scale"], 0) + 1
        return question

    def _ident(self, name: str, key: tuple[str, ...]) -> str:
        ident = normalise_name(name)
        if not re.match(IDENT, ident):
            raise self.problem(key, "name", f"{name!r} cannot be a variable name")
        if ident in self.used:
            raise self.problem(key, "name", f"{name!r} gives variable {ident!r} a second time")
        self.used.add(ident)
        return ident

    # -- conditions ----------------------------------------------------------------------------

    def _conditions(self, node: dict[str, Any], key: tuple[str, ...]) -> list[dict[str, Any]]:
        relevant = str((node.get("bind") or {}).get("relevant") or "").strip()
        if not relevant:
            return []
        try:
            tree = _Parser(relevant).parse()
            condition = self._compile(tree, False)
        except ValueError as exc:
            raise self.problem(
                key, "relevant", f"cannot use condition {relevant!r}: {exc}"
            ) from None
        return condition.get("all_of", [condition]) if "all_of" in condition else [condition]

    def _compile(self, tree: tuple, negate: bool) -> dict[str, Any]:
        op = tree[0]
        if op == "not":
            return self._compile(tree[1], not negate)
        if op in ("and", "or"):
            parts = [self._compile(t, negate) for t in tree[1]]
            combined = "all_of" if (op == "and") != negate else "any_of"
            return _merge(combined, parts)
        name = tree[1]
        field_ = self.fields.get(name)
        if field_ is None:
            raise ValueError(f"${{{name}}} is not an earlier question")
        if op == "selected":
            return self._equals(field_, tree[2], negate)
        if op == "length":
            _n, comparison, number = tree[1:]
            answered = _holds(1, comparison, number) and not _holds(0, comparison, number)
            if _holds(1, comparison, number) == _holds(0, comparison, number):
                raise ValueError("string-length is compared with 0 only")
            return self._answered(field_, answered != negate)
        comparison, value = tree[2], tree[3]
        if value == "":
            if comparison not in ("=", "!="):
                raise ValueError("an empty answer is compared with = or != only")
            return self._answered(field_, (comparison == "!=") != negate)
        if comparison in ("=", "!="):
            if field_.kind == "number":
                return self._number(field_, comparison, value, negate)
            return self._equals(field_, str(value), negate != (comparison == "!="))
        if field_.kind == "number":
            return self._number(field_, comparison, value, negate)
        if field_.kind == "single":
            try:
                threshold = float(value)
                chosen = [
                    c for n, c in field_.codes.items() if _holds(float(n), comparison, threshold)
                ]
            except ValueError:
                raise ValueError(f"{comparison} needs numeric choice names") from None
            test = "not_in" if negate else "in"
            return {"variable": field_.variable, test: chosen}
        raise ValueError(f"{comparison} cannot compare a {field_.kind} answer")

    def _equals(self, field_: _Field, value: str, negate: bool) -> dict[str, Any]:
        if field_.kind == "text":
            raise ValueError("open answers can only be tested for being given ('')")
        if field_.kind == "number":
            return self._number(field_, "=", value, negate)
        if value not in field_.codes:
            raise ValueError(f"{value!r} is not a choice of ${{{field_.variable}}}")
        code = field_.codes[value]
        if field_.kind == "multi":
            return {"variable": f"{field_.variable}_{code}", "not_in" if negate else "in": [1]}
        return {"variable": field_.variable, "not_in" if negate else "in": [code]}

    def _number(self, field_: _Field, comparison: str, value: Any, negate: bool) -> dict:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if negate:
            comparison = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}[
                comparison
            ]
        return {"variable": field_.variable, "op": comparison, "value": number}

    def _answered(self, field_: _Field, answered: bool) -> dict[str, Any]:
        variable = field_.variable
        if field_.kind == "multi":
            variable = f"{variable}_{next(iter(field_.codes.values()))}"
        return {"variable": variable, "answered": answered}


def _merge(combined: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """``a = 1 or a = 2`` as ``a in [1, 2]``; ``a != 1 and a != 2`` as ``a not_in [1, 2]``."""
    flat: list[dict[str, Any]] = []
    for part in parts:
        flat.extend(part.get(combined, [part]))
    test = "in" if combined == "any_of" else "not_in"
    merged: list[dict[str, Any]] = []
    for part in flat:
        same = next(
            (m for m in merged if set(m) == {"variable", test} and set(part) == set(m)), None
        )
        if same is not None and same["variable"] == part["variable"]:
            same[test] = same[test] + [c for c in part[test] if c not in same[test]]
        else:
            merged.append(dict(part))
    return merged[0] if len(merged) == 1 else {combined: merged}


def _holds(left: float, op: str, right: float) -> bool:
    return {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
        "=": left == right,
        "!=": left != right,
    }[op]


class _Parser:
    """The usual subset of XLSForm ``relevant`` expressions: ``${q} = 'x'``,
    ``selected(${q}, 'x')``, comparisons, ``string-length(${q}) > 0``, ``and``, ``or``,
    ``not(...)`` and brackets."""

    TOKEN = re.compile(
        r"\s*(?:(?P<ref>\$\{[^}]+\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
        r"|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(),])|(?P<word>[A-Za-z][\w-]*))"
    )

    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = self.TOKEN.match(text, position)
            if not match or match.end() == position:
                raise ValueError(f"cannot read {text[position:]!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0

    def parse(self) -> tuple:
        tree = self._or()
        if self.index != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.index][1]!r}")
        return tree

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("", "")

    def _take(self, value: str | None = None, kind: str | None = None) -> str:
        token = self._peek()
        if (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise ValueError(f"expected {value or kind}, found {token[1] or 'the end'!r}")
        self.index += 1
        return token[1]

    def _or(self) -> tuple:
        parts = [self._and()]
        while self._peek() == ("word", "or"):
            self.index += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def _and(self) -> tuple:
        parts = [self._unary()]
        while self._peek() == ("word", "and"):
            self.index += 1
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def _unary(self) -> tuple:
        kind, value = self._peek()
        if (kind, value) == ("punct", "("):
            self.index += 1
            tree = self._or()
            self._take(")")
            return tree
        if kind == "word" and value == "not":
            self.index += 1
            self._take("(")
            tree = self._or()
            self._take(")")
            return ("not", tree)
        if kind == "word" and value == "selected":
            self.index += 1
            self._take("(")
            ref = self._ref()
            self._take(",")
            choice = self._literal()
            self._take(")")
            return ("selected", ref, choice)
        if kind == "word" and value in ("string-length", "count-selected"):
            self.index += 1
            self._take("(")
            ref = self._ref()
            self._take(")")
            op = self._take(kind="op")
            number = float(self._take(kind="num"))
            return ("length", ref, op, number)
        if kind == "ref":
            ref = self._ref()
            op = self._take(kind="op")
            return ("compare", ref, op, self._literal())
        if kind in ("str", "num"):
            literal = self._literal()
            op = self._take(kind="op")
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            return ("compare", self._ref(), flipped, literal)
        raise ValueError(f"unsupported {value or 'end'!r}")

    def _ref(self) -> str:
        return self._take(kind="ref")[2:-1].strip()

    def _literal(self) -> str:
        kind, value = self._peek()
        if kind == "str":
            self.index += 1
            return value[1:-1]
        if kind == "num":
            self.index += 1
            return value
        raise ValueError(f"expected a value, found {value or 'the end'!r}")


NUMBER_BOUND = re.compile(r"\.\s*(?:>=|<=|>|<)\s*-?\d+(?:\.\d+)?")
EXCLUSIVE = re.compile(
    r"not\(\s*selected\(\s*\.\s*,\s*'[^']*'\s*\)\s*and\s*count-selected\(\s*\.\s*\)"
    r"\s*>\s*1\s*\)"
)
HIDDEN_MARKUP = re.compile(
    r"<(\w+)[^>]*display\s*:\s*none[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
MARKUP = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


def _unmarked(text: str) -> str:
    """A label without the HTML other tools put in labels (``<span style="color:red">``):
    hidden parts (``display:none``) dropped, other tags removed, their text kept."""
    if "<" not in text:
        return text
    return " ".join(MARKUP.sub("", HIDDEN_MARKUP.sub("", text)).split(" ")).replace("  ", " ")


def _calculated(node: dict[str, Any]) -> bool:
    """A field the respondent does not answer: a calculation or a read-only field."""
    bind = node.get("bind") or {}
    readonly = str(bind.get("readonly") or "").strip().lower() in ("yes", "true", "true()")
    return bool(bind.get("calculate")) or readonly


def _bodyless(node: dict[str, Any]) -> bool:
    return bool((node.get("control") or {}).get("bodyless"))


def _is_table_list(node: dict[str, Any]) -> bool:
    return node.get("type") == "group" and any(
        str(c.get("name", "")).startswith(
            ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
        )
        for c in node.get("children") or []
    )


def _special(choice: dict[str, Any], label: str) -> str | None:
    marked = str(choice.get("special") or "").strip().lower()
    if marked in ("not_applicable", "dont_know"):
        return marked
    for text in (str(choice.get("name") or ""), label):
        key = " ".join(text.strip().lower().split()).rstrip(".")
        if key in DONT_KNOW:
            return "dont_know"
        if key in NOT_APPLICABLE:
            return "not_applicable"
    return None


def _names(options: list[dict[str, Any]]) -> dict[str, int]:
    return {str(o.get("name", o["code"])): int(o["code"]) for o in options}


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 1


def _code(language: str) -> str:
    match = re.search(r"\((\w+)\)", language)
    return match.group(1) if match else "da" if language == "default" else language[:2].lower()


# -- writing ---------------------------------------------------------------------------------


def write_xlsform(instrument: Instrument, path: Path | str) -> None:
    """The instrument as an XLSForm workbook that reads back to the same codebook."""
    from openpyxl import Workbook

    writer = _Writer(instrument)
    writer.write()
    book = Workbook()
    sheets = [
        ("survey", writer.survey_columns(), writer.survey),
        ("choices", writer.choice_columns(), writer.choices),
        ("settings", writer.settings_columns(), [writer.settings()]),
    ]
    for index, (title, columns, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") for c in columns])
    book.save(str(path))


class _Writer:
    def __init__(self, instrument: Instrument):
        self.instrument = instrument
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        self.lists: dict[str, list[Option]] = {}
        self.languages = sorted(instrument.translations)

    def label_columns(self, base: str) -> list[str]:
        if not self.languages:
            return [base]
        return [f"{base}::{DANISH}"] + [f"{base}::{lang}" for lang in self.languages]

    def survey_columns(self) -> list[str]:
        return [
            "type",
            "name",
            *self.label_columns("label"),
            *self.label_columns("hint"),
            "required",
            "relevant",
            "constraint",
            "appearance",
            SAMSPIL_COLUMN,
        ]

    def choice_columns(self) -> list[str]:
        return ["list_name", "name", *self.label_columns("label"), "special"]

    def settings_columns(self) -> list[str]:
        columns = ["form_title", "form_id", "version", "language", "population", "source"]
        columns.append("clean_text_values")
        return columns + (["default_language"] if self.languages else [])

    def settings(self) -> dict[str, Any]:
        i = self.instrument
        out = {
            "form_title": i.title,
            "form_id": i.id,
            "version": str(i.version),
            "language": i.language,
            "population": i.population,
            "source": i.source,
            "clean_text_values": "no",
        }
        if self.languages:
            out["default_language"] = DANISH
        return out

    def texts(self, base: str, text: str) -> dict[str, str]:
        if not text:
            return {}
        if not self.languages:
            return {base: text}
        out = {f"{base}::{DANISH}": text}
        for lang in self.languages:
            translated = self.instrument.translations[lang].get(text)
            if translated:
                out[f"{base}::{lang}"] = translated
        return out

    def row(self, kind: str, name: str, label: str = "", **extra: str) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind, "name": name, **self.texts("label", label)}
        hint = extra.pop("hint", "")
        out.update(self.texts("hint", hint))
        out.update({k: v for k, v in extra.items() if v})
        self.survey.append(out)
        return out

    def choice_list(self, preferred: str, options: list[Option]) -> str:
        name = preferred
        while name in self.lists and self.lists[name] != options:
            name = f"{name}_svar"
        if name not in self.lists:
            self.lists[name] = options
            for o in options:
                row: dict[str, Any] = {"list_name": name, "name": o.name or str(o.code)}
                row.update(self.texts("label", o.label))
                if o.special:
                    row["special"] = o.special
                self.choices.append(row)
        return name

    def write(self) -> None:
        i = self.instrument
        for sample in i.sample:
            kind: str = sample.kind
            if sample.options:
                kind = f"{kind} {self.choice_list(sample.name, list(sample.options))}"
            self.row("hidden", sample.name, sample.label, samspil=kind)
        for n, text in enumerate(i.welcome, 1):
            self.row("note", f"welcome_{n}", text)
        for section in i.sections:
            self.row(
                "begin group",
                section.id,
                section.title,
                relevant=self.relevant(section.show_if),
            )
            for n, text in enumerate(section.intro, 1):
                self.row("note", f"{section.id}_intro_{n}", text)
            for n, text in enumerate(section.definitions, 1):
                self.row("note", f"{section.id}_def_{n}", text, samspil="definition")
            for question in section.questions:
                self.question(question)
            self.row("end group", "")
        for n, text in enumerate(i.closing, 1):
            self.row("note", f"closing_{n}", text)

    def question(self, q: Question) -> None:
        for n, text in enumerate(q.intro, 1):
            self.row("note", f"{q.id}_intro_{n}", text, samspil="intro")
        common = {
            "hint": q.help,
            "required": "yes" if q.required else "",
            "relevant": self.relevant(q.show_if),
        }
        label = self.piped(q.text, q.pipe)
        if isinstance(q, Grid):
            list_name = self.choice_list(q.scale or q.id, list(q.options))
            self.row("begin group", q.id, label, appearance="table-list", **common)
            for item in q.items:
                name = q.variable_name(item)
                marker = "" if name == f"{q.id}_{item.id}" else f"item={item.id}"
                self.row(
                    f"select_one {list_name}",
                    name,
                    self.piped(item.text, item.pipe),
                    required=common["required"],
                    samspil=marker,
                )
            self.row("end group", "")
        elif isinstance(q, PickNumber):
            list_name = self.choice_list(q.scale or q.id, q.options)
            self.row(f"select_one {list_name}", q.id, label, appearance="minimal", samspil="pick",
                     **common)  # fmt: skip
        elif isinstance(q, MultipleChoice):
            list_name = self.choice_list(q.scale or q.id, list(q.options))
            constraint = " and ".join(
                f"not(selected(., '{self.name_of(q.options, c)}') and count-selected(.) > 1)"
                for c in q.exclusive
            )
            self.row(f"select_multiple {list_name}", q.id, label, constraint=constraint, **common)
            self.other_texts(q.id, q.options, multi=True)
        elif isinstance(q, DateQuestion):
            self.row("date", q.id, label, **common)
        elif isinstance(q, OpenText):
            appearance = "multiline" if q.multiline else ""
            self.row("text", q.id, label, appearance=appearance, **common)
        elif isinstance(q, Number):
            bounds = [f". >= {q.min:g}" if q.min is not None else ""]
            bounds.append(f". <= {q.max:g}" if q.max is not None else "")
            unit = f"unit={q.unit}" if q.unit else ""
            constraint = " and ".join(b for b in bounds if b)
            kind = "integer" if q.integer else "decimal"
            self.row(kind, q.id, label, constraint=constraint, samspil=unit, **common)
        elif isinstance(q, SingleChoice):
            list_name = self.choice_list(q.scale or q.id, list(q.options))
            self.row(f"select_one {list_name}", q.id, label, **common)
            self.other_texts(q.id, q.options, multi=False)
        else:
            raise InstrumentError(
                f"question {q.id}: type {getattr(q, 'type', '?')!r} cannot be written as XLSForm"
            )

    def other_texts(self, qid: str, options: list[Option], multi: bool) -> None:
        for o in options:
            if not o.other_text:
                continue
            name = o.name or str(o.code)
            test = f"selected(${{{qid}}}, '{name}')" if multi else f"${{{qid}}} = '{name}'"
            self.row("text", f"{qid}_{o.code}_tekst", o.label, relevant=test)

    @staticmethod
    def name_of(options: list[Option], code: int) -> str:
        return next((o.name or str(o.code) for o in options if o.code == code), str(code))

    @staticmethod
    def piped(text: str, pipe: Any) -> str:
        if pipe is None:
            return text
        return text.replace(pipe.placeholder, f"${{{pipe.from_}}}")

    def relevant(self, conditions: list[Condition]) -> str:
        parts = [self.expression(c) for c in conditions]
        if len(parts) > 1:
            parts = [f"({p})" if " or " in p else p for p in parts]
        return " and ".join(parts)

    def expression(self, c: Condition) -> str:
        if c.any_of is not None:
            return " or ".join(_bracket(self.expression(p)) for p in c.any_of)
        if c.all_of is not None:
            return " and ".join(_bracket(self.expression(p)) for p in c.all_of)
        if c.answered is not None:
            return f"${{{c.variable}}} {'!=' if c.answered else '='} ''"
        if c.op is not None:
            return f"${{{c.variable}}} {c.op} {c.value:g}"
        var = self.instrument.variable_map.get(c.variable)
        question = self.instrument.question_map.get(var.question_id) if var else None
        if var is not None and isinstance(question, MultipleChoice) and var.kind == "binary":
            code = int(var.name.rsplit("_", 1)[1])
            test = f"selected(${{{question.id}}}, '{self.name_of(question.options, code)}')"
            chosen = c.in_ if c.in_ is not None else c.not_in or []
            positive = (1 in chosen) == (c.in_ is not None)
            return test if positive else f"not({test})"
        options = list(var.options) if var else []
        if c.in_ is not None:
            tests = [f"${{{c.variable}}} = '{self.name_of(options, code)}'" for code in c.in_]
            return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"
        return " and ".join(
            f"${{{c.variable}}} != '{self.name_of(options, code)}'" for code in c.not_in or []
        )


def _bracket(text: str) -> str:
    return f"({text})" if " or " in text or " and " in text else text


register_loader(SUFFIXES, load_xlsform)
