"""Answer files as ODK Central and KoboToolbox export them, turned into samspil's shape
before the usual checks (see docs/instruments.md, "Answer files from ODK and KoboToolbox").

- Every column is resolved against the form's tree (:func:`form_tree`: group path,
  question, choice), never by a bare name: ``grp/q`` (Kobo), ``grp-q`` (Central), ``q``,
  ``grp/q/choice``. The full path wins over a shorter one; a header that fits two fields
  equally is refused.
- ``select_one`` answers given as choice names become codes (labels and codes are
  accepted by the importer anyway).
- ``select_multiple`` as one column of space-separated choice names becomes one 1/0
  column per choice; the split columns ``q/choice`` (Kobo, Central
  ``splitSelectMultiples``) are used as they are, and when both are present the split ones
  win. ``q_other`` (``or_other``) becomes the option's text variable.
- Kobo's "Labels" export is read through the form's labels (:meth:`_Adapter.read_labels`).
- Metadata (columns starting with ``_``, ``meta/``, ``formhub/``, Central's submission
  columns), notes, generated table-list fields, calculations and columns without answers
  are left out and named in one note. Without a ``respondent_id`` column, Kobo's
  ``_uuid`` or Central's ``KEY`` (``uuid:`` removed) identifies the respondent.

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
        self.labels: dict[str, str] = {}  # header -> target, for an export with labels
        self.label_mode = False

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
        if name is None and header in self.labels:
            name = self.labels[header]
            if name in self.multis:
                self.summaries[name] = header
                return
            series = _labels_as_names(series, self.instrument, name)
        elif name is None and self.label_mode and (_empty(series) or self.quiet(header)):
            name = ""  # a note's label (a grid's text above its rows), a calculation
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

    def quiet(self, header: str) -> bool:
        """A label export heads a field without a label (a calculation) by its name."""
        last = header.strip().rsplit("/", 1)[-1]
        return any(
            not target and path.rsplit("/", 1)[-1] == last
            for path, target in self.instrument.form_paths.items()
        )

    def read_labels(self, headers: list[str]) -> None:
        """Kobo's "Labels" export: headers are the fields' labels (``question/choice`` for a
        split column), with or without the groups' labels before them (``Section/Grid/
        row``). A label several fields share is told apart by the group labels in the
        header, else by form order (the k-th such column is the k-th such field) when the
        file has a column for each; else the column is refused with a pointer to "XML
        values and headers"."""
        if any(self.resolve(h) for h in headers if self.tree.get(h.strip())):
            return  # names and paths of questions: not a label export
        fields = _labelled_fields(self.instrument)
        found: dict[str, tuple[int, list[tuple[str, list[str]]]]] = {}
        for header in headers:
            key = _label_key(header)
            fits = [f for f in fields if key == f[0] or key.endswith("/" + f[0])]
            if fits:
                longest = max(len(f[0]) for f in fits)
                found[header] = (longest, [(t, c) for lb, t, c in fits if len(lb) == longest])
        if not found:
            return
        self.label_mode = True
        seen: dict[str, int] = {}
        same = [_label_key(h) for h in found]
        for header, (length, choices) in found.items():
            key = _label_key(header)
            prefix = key[: len(key) - length]
            scores = [sum(1 for c in context if c and c in prefix) for _t, context in choices]
            best = [t for (t, _c), n in zip(choices, scores, strict=True) if n == max(scores)]
            targets = list(dict.fromkeys(best))
            index = seen.get(key, 0)
            seen[key] = index + 1
            if len(targets) == 1:
                self.labels[header] = targets[0]
            elif same.count(key) == len(choices):
                self.labels[header] = choices[index][0]
            else:
                self.problem(
                    header,
                    f"the label fits {len(targets)} fields of {self.instrument.id} "
                    f'({", ".join(targets)}); export from KoboToolbox with "XML values and '
                    'headers" (or with the groups in the headers) so each column names one '
                    "field",
                )

    def run(self) -> Table:
        headers = [str(h) for h in self.frame.columns]
        self.read_labels(headers)
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


def _label_key(text: str) -> str:
    """A label as matched: emphasis, spacing, case, end punctuation and piped answers
    (``${q}`` in the form, a placeholder in samspil) do not matter."""
    from samspil.importing import normalise
    from samspil.instruments.xlsform import PIPE_PLACEHOLDER

    text = re.sub(r"\$\{[^}]*\}", "${}", text.replace(PIPE_PLACEHOLDER, "${}"))
    return normalise(text).rstrip(":.? ")


def _labelled_fields(instrument: Instrument) -> list[tuple[str, str, list[str]]]:
    """(label key, target, the keys of the labels of the groups it sits in) of every field
    in form order, as a label export heads them."""
    from samspil.questions.types import Grid, MultipleChoice

    out: list[tuple[str, str, list[str]]] = []
    done: set[str] = set()
    titles = {
        q.id: [_label_key(s.title)] + ([_label_key(q.text)] if isinstance(q, Grid) else [])
        for s in instrument.sections
        for q in s.questions
    }
    for var in instrument.variables:
        question = instrument.question_map.get(var.question_id)
        context = titles.get(var.question_id, [])
        if isinstance(question, MultipleChoice) and question.id not in done:
            done.add(question.id)
            out.append((_label_key(question.text), question.id, context))
        if var.kind == "binary" and isinstance(question, MultipleChoice):
            out.append((_label_key(f"{var.question}/{var.item}"), var.name, context))
        elif var.name.endswith("_tekst") and var.item:
            out.append((_label_key(var.item), var.name, context))
            out.append((_label_key("Specify other."), var.name, context))
        elif isinstance(question, Grid):
            out.append((_label_key(var.item), var.name, context))
        else:
            out.append((_label_key(var.question), var.name, context))
    return out


def _labels_as_names(column: pd.Series, instrument: Instrument, variable: str) -> pd.Series:
    """A split column of a label export: 1/0, or the choice's label for chosen."""
    var = instrument.variable_map.get(variable)
    if var is None or var.kind != "binary" or not var.item:
        return column
    label = _label_key(var.item)
    return column.map(lambda v: "1" if _label_key(str(v)) == label else v)


def _empty(series: pd.Series) -> bool:
    """A column with rows and no answer in any (a header-only file proves nothing)."""
    return len(series) > 0 and bool(series.map(lambda v: str(v).strip() in ("", "nan")).all())


def _known_headers(instrument: Instrument) -> dict[str, Variable]:
    from samspil.importing import header_lookup

    return header_lookup(instrument)


def _ignored(header: str) -> bool:
    text = header.strip()
    last = re.split(r"[/-]", text)[-1].casefold()
    return (
        text.startswith("_")
        or text.casefold().startswith(("meta/", "meta-", "formhub/", "formhub-"))
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
    """A column of space-separated choice names (or, from a label export, choice labels)
    as one 1/0 column per option."""
    known: dict[str, int] = {}
    for option in question.options:
        known[option.name or str(option.code)] = option.code
        known[str(option.code)] = option.code
    labels = {_label_key(o.label): o.code for o in question.options}
    chosen: list[set[int]] = []
    for row, value in enumerate(column.tolist()):
        text = "" if value is None or str(value) == "nan" else str(value).strip()
        names = text.split()
        codes = _label_codes(text, labels) if any(n not in known for n in names) else None
        if codes is None:
            unknown = sorted(set(names) - set(known))
            if unknown and len(problems) <= 50:
                allowed = ", ".join(o.name or str(o.code) for o in question.options)
                message = f"{' '.join(unknown)!r} is not a choice of {question.id} ({allowed})"
                if any(" " in label for label in labels):
                    message += (
                        '; from a KoboToolbox "Labels" export whose choice labels hold spaces, '
                        'export with "XML values and headers"'
                    )
                problems.append(Problem(table.name, row + table.first_row, header, message))
            codes = {known[n] for n in names if n in known}
        chosen.append(codes)
    out = {}
    for option in question.options:
        out[f"{question.id}_{option.code}"] = column.__class__(
            ["" if not c else ("1" if option.code in c else "0") for c in chosen],
            index=column.index,
        )
    return out


def _label_codes(text: str, labels: dict[str, int]) -> set[int] | None:
    """The choices a space-separated list of choice labels names, when it can be read one
    way only (labels may hold spaces); None otherwise."""
    words = text.split()
    ways: list[list[set[int]]] = [[] for _ in range(len(words) + 1)]
    ways[0] = [set()]
    for end in range(1, len(words) + 1):
        for start in range(end):
            code = labels.get(_label_key(" ".join(words[start:end])))
            if code is not None:
                ways[end].extend(w | {code} for w in ways[start][:2])
        ways[end] = ways[end][:2]
    return ways[-1][0] if len(ways[-1]) == 1 and words else None
