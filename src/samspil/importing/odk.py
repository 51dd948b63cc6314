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
        self.multis = {
            q.id: q for q in instrument.question_map.values() if isinstance(q, MultipleChoice)
        }
        self.tree = form_tree(instrument)
        self.lookup = _known_headers(instrument)
        self.keep: dict[str, pd.Series] = {}
        self.source: dict[str, str] = {}  # kept column -> the header it came from
        self.summaries: dict[str, str] = {}  # multi question id -> its summary column
        self.dropped: list[str] = []
        self.changed = False
        self.problems: list[Problem] = []

    def problem(self, header: str, message: str) -> None:
        self.problems.append(Problem(self.table.name, self.table.header_row, header, message))

    def resolve(self, header: str) -> str | None:
        """What the form's tree says a header is: a variable, a multiple-choice question
        (its summary column), '' (a field without answers) or None (not in the tree)."""
        found = self.tree.get(header.strip())
        if not found:
            return None
        nearest = min(found)
        targets = sorted(found[nearest])
        if len(targets) > 1:
            shown = " and ".join(repr(t) if t else "a field without answers" for t in targets)
            self.problem(
                header,
                f"this header fits {shown} of {self.instrument.id}; export with the groups "
                "in the headers (full paths) so each column names one field",
            )
        return targets[0]

    def put(self, name: str, header: str, series: pd.Series) -> None:
        if name in self.keep:
            self.problem(header, f"a second column for {name!r} (also {self.source[name]!r})")
            return
        self.keep[name] = series
        self.source[name] = header

    def place(self, header: str, column: object) -> None:
        """Where one column goes: kept, renamed, a summary to expand, or left out."""
        series = self.frame[column]
        key = " ".join(header.split()).casefold()
        name = None if key == ID_COLUMN else self.resolve(header)
        if name == "":
            self.dropped.append(header)
            return
        if name in self.multis:
            self.summaries[name] = header
            return
        if name is None and key in self.lookup:
            name = self.lookup[key].name
        name = name or _other_column(header, self.multis, self.instrument)
        if name is not None:
            converted = _choice_names(series, self.instrument, name)
            self.changed = self.changed or converted is not series or name != header
            self.put(name, header, converted)
        elif key != ID_COLUMN and (_ignored(header) or _empty(series)):
            self.dropped.append(header)
        else:
            self.put(header, header, series)  # the importer checks it (or names it unknown)

    def run(self) -> Table:
        headers = [str(h) for h in self.frame.columns]
        for header, column in zip(headers, self.frame.columns, strict=True):
            self.place(header, column)
        if not any(h.strip().casefold() == ID_COLUMN for h in headers):
            source = next((s for s in ID_SOURCES if s in headers), None)
            if source is not None:
                ids = self.frame[source].astype(str).str.strip().str.removeprefix("uuid:")
                self.keep = {ID_COLUMN: ids, **self.keep}
        problems = self.problems
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
            notes.append(
                f"{len(self.dropped)} columns left out (metadata, and fields that hold no "
                f"answer samspil keeps): {', '.join(self.dropped)}"
            )
        return dataclasses.replace(self.table, frame=pd.DataFrame(self.keep), notes=notes)


def form_tree(instrument: Instrument) -> dict[str, dict[int, set[str]]]:
    """Every header an export may give a field of ``instrument``, by how many leading groups
    it leaves out, to what it fills: ``grp/q`` (Kobo) and ``grp-q`` (Central) with all, some
    or none of the groups; ``grp/q/choice`` for a choice of a multiple-choice question.
    Paths come from the XLSForm (``form_paths``) or, for other instruments, are those
    ``samspil instrument convert --to xlsform`` writes (section / question)."""
    from samspil.questions.types import Grid, MultipleChoice

    paths: dict[tuple[str, ...], str] = {}
    if instrument.form_paths:
        paths = {tuple(p.split("/")): t for p, t in instrument.form_paths.items()}
    else:
        for sample in instrument.sample:
            paths[(sample.name,)] = sample.name
        for section in instrument.sections:
            for q in section.questions:
                if isinstance(q, MultipleChoice):
                    paths[(section.id, q.id)] = q.id
                    names = {f"{q.id}_{o.code}" for o in q.options}
                else:
                    names = set()
                for var in q.variables(section.id):
                    if var.name in names:
                        continue
                    inner = (q.id,) if isinstance(q, Grid) else ()
                    paths[(section.id, *inner, var.name)] = var.name
    tree: dict[str, dict[int, set[str]]] = {}

    def add(header: str, left_out: int, target: str) -> None:
        tree.setdefault(header, {}).setdefault(left_out, set()).add(target)

    for path, target in paths.items():
        question = instrument.question_map.get(target)
        for start in range(len(path)):
            for separator in ("/", "-"):
                header = separator.join(path[start:])
                add(header, start, target)
                if isinstance(question, MultipleChoice):
                    for option in question.options:
                        choice = option.name or str(option.code)
                        add(f"{header}/{choice}", start, f"{target}_{option.code}")
    return tree


def _empty(series: pd.Series) -> bool:
    return bool(series.map(lambda v: str(v).strip() in ("", "nan")).all())


def _known_headers(instrument: Instrument) -> dict[str, Variable]:
    from samspil.importing import header_lookup

    return header_lookup(instrument)


def _ignored(header: str) -> bool:
    text = header.strip()
    last = re.split(r"[/-]", text)[-1].casefold()
    return (
        text.startswith("_")
        or text.casefold().startswith(("meta/", "meta-"))
        or text.casefold() in CENTRAL_COLUMNS
        or last in METADATA_TYPES
    )


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
