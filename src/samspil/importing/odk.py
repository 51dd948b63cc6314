"""Answer files as ODK Central and KoboToolbox export them, turned into samspil's shape
before the usual checks (see docs/instruments.md, "Answer files from ODK and KoboToolbox").

- Columns named by the question ``name`` or its group path (``grp/q`` as Kobo writes it
  with ``hierarchy_in_labels``, ``grp-q`` as ODK Central writes it) become the variable.
- ``select_one`` answers given as choice names become codes (labels and codes are
  accepted by the importer anyway).
- ``select_multiple`` as one column of space-separated choice names becomes one 1/0
  column per choice; the split columns ``q/choice`` (Kobo, Central
  ``splitSelectMultiples``) are used as they are, and when both are present the split ones
  win. ``q_other`` (``or_other``) becomes the option's text variable.
- Columns starting with ``_`` or ``meta/``, ODK Central's submission columns and the
  metadata fields (``start``, ``end``, ``today``, ``deviceid``, ...) are left out. Without a
  ``respondent_id`` column, Kobo's ``_uuid`` or Central's ``KEY`` (``uuid:`` removed)
  identifies the respondent.

Pure: no Django. Problems are collected with file, row and column (all or nothing).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from samspil.importing.table import DataImportError, Problem, Table
from samspil.instruments.xlsform import METADATA_TYPES, normalise_name

if TYPE_CHECKING:
    import pandas as pd

    from samspil.instruments import Instrument
    from samspil.questions.base import Variable
    from samspil.questions.types import MultipleChoice

ID_COLUMN = "respondent_id"
CENTRAL_COLUMNS = {
    "submissiondate",
    "key",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "deviceid",
    "edits",
    "formversion",
    "instanceid",
    "instancename",
}
ID_SOURCES = ("_uuid", "KEY", "meta/instanceID", "meta-instanceID", "instanceID")


def adapt(table: Table, instrument: Instrument) -> Table:
    """``table`` in samspil's shape (the same table when nothing is to change)."""
    if table.sav is not None:
        return table
    return _Adapter(table, instrument).run()


class _Adapter:
    def __init__(self, table: Table, instrument: Instrument):
        from samspil.questions.types import MultipleChoice

        self.table = table
        self.instrument = instrument
        self.frame = table.frame
        self.variables = {v.name for v in instrument.variables}
        self.multis = {
            q.id: q for q in instrument.question_map.values() if isinstance(q, MultipleChoice)
        }
        self.lookup = _known_headers(instrument)
        self.keep: dict[str, pd.Series] = {}
        self.summaries: dict[str, str] = {}  # multi question id -> its summary column
        self.dropped: list[str] = []
        self.changed = False

    def target(self, header: str) -> str | None:
        """The variable (or multi question id) a header names by name or group path."""
        for candidate in _path_candidates(header):
            name = normalise_name(candidate)
            if name in self.variables or name in self.multis:
                return name
        return None

    def place(self, header: str, column: object) -> None:
        """Where one column goes: kept, renamed, a summary to expand, or left out."""
        series = self.frame[column]
        key = " ".join(header.split()).casefold()
        if key in self.lookup:
            self.keep[header] = _choice_names(series, self.instrument, self.lookup[key].name)
            self.changed = self.changed or self.keep[header] is not series
            return
        name = None if key == ID_COLUMN else self.target(header)
        if name in self.multis:
            self.summaries[name] = header
            return
        renamed = (
            name
            or _split_column(header, self.multis)
            or _other_column(header, self.multis, self.instrument)
        )
        if renamed is not None:
            self.keep[renamed] = _choice_names(series, self.instrument, renamed)
        elif key != ID_COLUMN and _ignored(header):
            self.dropped.append(header)
        else:
            self.keep[header] = series  # the importer checks it (or names it unknown)

    def run(self) -> Table:
        headers = [str(h) for h in self.frame.columns]
        for header, column in zip(headers, self.frame.columns, strict=True):
            self.place(header, column)
        if not any(h.strip().casefold() == ID_COLUMN for h in headers):
            source = next((s for s in ID_SOURCES if s in headers), None)
            if source is not None:
                ids = self.frame[source].astype(str).str.strip().str.removeprefix("uuid:")
                self.keep = {ID_COLUMN: ids, **self.keep}
        problems: list[Problem] = []
        for qid, header in self.summaries.items():
            question = self.multis[qid]
            if any(f"{qid}_{o.code}" in self.keep for o in question.options):
                continue  # the split columns are there: they win
            self.keep.update(_expand(self.frame[header], question, header, self.table, problems))
        if problems:
            raise DataImportError(problems)
        if not (self.summaries or self.dropped or self.changed) and list(self.keep) == headers:
            return self.table
        import pandas as pd

        notes = list(self.table.notes)
        if self.dropped:
            shown = ", ".join(self.dropped[:5])
            notes.append(f"{len(self.dropped)} metadata columns left out ({shown}...)")
        return dataclasses.replace(self.table, frame=pd.DataFrame(self.keep), notes=notes)


def _known_headers(instrument: Instrument) -> dict[str, Variable]:
    from samspil.importing import header_lookup

    return header_lookup(instrument)


def _path_candidates(header: str) -> list[str]:
    text = header.strip()
    out = [text]
    for separator in ("/", "-"):
        if separator in text:
            out.append(text.rsplit(separator, 1)[1])
    return out


def _ignored(header: str) -> bool:
    text = header.strip()
    last = re.split(r"[/-]", text)[-1].casefold()
    return (
        text.startswith("_")
        or text.casefold().startswith(("meta/", "meta-"))
        or text.casefold() in CENTRAL_COLUMNS
        or last in METADATA_TYPES
    )


def _split_column(header: str, multis: dict[str, MultipleChoice]) -> str | None:
    """``q/choice`` or ``grp/q/choice`` -> ``q_<code>``."""
    parts = header.strip().split("/")
    if len(parts) < 2:
        return None
    qid = normalise_name(parts[-2])
    question = multis.get(qid)
    if question is None:
        return None
    for option in question.options:
        if parts[-1] in (option.name, str(option.code)):
            return f"{qid}_{option.code}"
    return None


def _other_column(
    header: str, multis: dict[str, MultipleChoice], instrument: Instrument
) -> str | None:
    """``q_other`` (pyxform's or_other text) -> ``q_<code>_tekst``."""
    last = re.split(r"[/-]", header.strip())[-1]
    if not last.endswith("_other"):
        return None
    qid = normalise_name(last.removesuffix("_other"))
    question = multis.get(qid) or instrument.question_map.get(qid)
    for option in getattr(question, "options", []):
        if option.name == "other" and option.other_text:
            return f"{qid}_{option.code}_tekst"
    return None


def _choice_names(column: pd.Series, instrument: Instrument, variable: str) -> pd.Series:
    """Choice names (``ja``) as codes; other values are left for the importer to check."""
    var = instrument.variable_map.get(variable)
    if var is None:
        return column
    names = {o.name: str(o.code) for o in var.options if o.name}
    if not names or column.dtype.kind in "fi":
        return column
    return column.map(lambda v: names.get(str(v).strip(), v))


def _expand(
    column: pd.Series,
    question: MultipleChoice,
    header: str,
    table: Table,
    problems: list[Problem],
) -> dict[str, pd.Series]:
    """A column of space-separated choice names as one 1/0 column per option."""
    known = {}
    for option in question.options:
        known[option.name or str(option.code)] = option.code
        known[str(option.code)] = option.code
    chosen = column.map(lambda v: set(str(v).split()))
    for row, names in enumerate(chosen):
        unknown = sorted(names - set(known))
        if unknown:
            allowed = ", ".join(o.name or str(o.code) for o in question.options)
            message = f"{' '.join(unknown)!r} is not a choice of {question.id} ({allowed})"
            problems.append(Problem(table.name, row + table.first_row, header, message))
            if len(problems) > 50:
                break
    out = {}
    for option in question.options:
        names = {n for n, c in known.items() if c == option.code}
        out[f"{question.id}_{option.code}"] = chosen.map(
            lambda s, names=names: "" if not s else ("1" if s & names else "0")
        )
    return out
