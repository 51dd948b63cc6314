"""A report definition made from the instrument itself, for questionnaires without one.

A chapter per section; every closed question a table and a figure, chosen by the question
type's ``summary_kind`` (a table kind):

- ``distribution`` (a grid; on an ordered scale of 3+ answers): a summary table like Tabel 4.2
  (``item,obs,share,mean,sd,min,max``; share = the two top answers) with a bar chart of
  means, plus the distribution over the answers;
- ``frequency`` (single choice): ``answer,n,percent``;
- ``multiple_response``: ``option,n,percent`` of those who answered the question;
- ``numeric``: ``obs,mean,sd,min,median,max``;
- open questions (only text variables): listed per chapter with their answer counts.

Tables are named after the question (``tables/<question id>.csv``). ``samspil
report-definition`` writes the definition as YAML so a researcher can retitle, reorder,
regroup and add notes, and pass it back to ``samspil report``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from samspil import yamltext
from samspil.instruments import Instrument, resolve
from samspil.questions.base import Option, plain
from samspil.reports.spec import (
    Block,
    Chapter,
    ReportSpec,
    SpecError,
    load_spec,
    load_spec_file,
    yaml_problem,
)

if TYPE_CHECKING:
    from samspil.reports.kinds import DefaultBlocks

NOTE_SCALE = (
    "Antal besvarelser: {n}. Spørgsmål: *{question}* Svarene er målt på en skala fra {scale}."
)
NOTE_PLAIN = "Antal besvarelser: {n}. Spørgsmål: *{question}*"


class Numbering:
    """'Tabel 2.3' and 'Figur 2.3' counters within a chapter."""

    def __init__(self, chapter: int):
        self.chapter = chapter
        self.tables = 0
        self.figures = 0

    def table(self) -> str:
        self.tables += 1
        return f"Tabel {self.chapter}.{self.tables}"

    def figure(self) -> str:
        self.figures += 1
        return f"Figur {self.chapter}.{self.figures}"


def _substantive(options: list[Option]) -> list[Option]:
    return [o for o in options if not o.special]


def likert_blocks(question: Any, number: Numbering) -> list[Block]:
    scale = _substantive(question.options)
    title = plain(question.text)
    if len(scale) < 3:  # not an ordered scale: the distribution alone says it
        return [_distribution(question, number, title, question.id)]
    top = [o.code for o in scale[-2:]] if len(scale) >= 4 else [scale[-1].code]
    share = "/".join(o.label for o in scale[-len(top) :])
    summary = Block(
        id=question.id,
        label=number.table(),
        title=title,
        kind="summary",
        question=question.id,
        top=top,
        share_label=f"Andel {share}",
        include_dont_know=False,
        figure="bars_mean",
        figure_id=f"{question.id}_figur",
        figure_label=number.figure(),
        note=NOTE_SCALE + " Standardafvigelse er angivet i parentes.",
    )
    return [summary, _distribution(question, number, title, f"{question.id}_fordeling")]


def _distribution(question: Any, number: Numbering, title: str, block_id: str) -> Block:
    return Block(
        id=block_id,
        label=number.figure(),
        title=f"{title} (fordeling)",
        kind="distribution",
        question=question.id,
        include_dont_know=False,
        figure="stacked",
        note=NOTE_PLAIN + " Figuren viser den procentvise svarfordeling.",
    )


def frequency_blocks(question: Any, number: Numbering) -> list[Block]:
    return [
        Block(
            id=question.id,
            label=number.table(),
            title=plain(question.text),
            kind="frequency",
            variables=[question.id],
            include_dont_know=False,
            list_excluded=True,
            figure="bars_percent",
            figure_id=f"{question.id}_figur",
            figure_label=number.figure(),
            note=NOTE_PLAIN,
        )
    ]


def multiple_blocks(question: Any, number: Numbering) -> list[Block]:
    return [
        Block(
            id=question.id,
            label=number.table(),
            title=plain(question.text),
            kind="multiple_response",
            question=question.id,
            figure="bars_percent",
            figure_id=f"{question.id}_figur",
            figure_label=number.figure(),
            note=NOTE_PLAIN + " Procent af dem, der har besvaret spørgsmålet; "
            "der kunne vælges flere svar.",
        )
    ]


def numeric_blocks(question: Any, number: Numbering) -> list[Block]:
    return [
        Block(
            id=question.id,
            label=number.table(),
            title=plain(question.text),
            kind="numeric",
            question=question.id,
            statistics=["min", "median", "max"],
            note=NOTE_PLAIN,
        )
    ]


def _default_blocks(kind: str) -> DefaultBlocks | None:
    """What a default report gives a question whose type's ``summary_kind`` is ``kind``
    (the kind's ``default_blocks``, registered with it; a new question type with such a
    summary kind gets its tables without touching this file)."""
    from samspil.reports.kinds import kind_of

    registered = kind_of(kind)
    return None if registered is None else registered.default_blocks


def default_spec(instrument: Instrument, instrument_ref: str | None = None) -> ReportSpec:
    """The default report definition of ``instrument`` (``instrument_ref`` is what the
    definition names as its instrument: a bundled id or a file path)."""
    chapters: list[Chapter] = []
    for section in instrument.sections:
        number = Numbering(len(chapters) + 1)
        blocks: list[Block] = []
        open_variables: list[str] = []
        for question in section.questions:
            kind = question.summary_kind
            variables = question.variables(section.id)
            if variables and all(v.kind == "text" for v in variables):  # open questions
                open_variables += [v.name for v in variables]
            elif (make := _default_blocks(kind)) is not None:
                blocks += make(question, number)
        if open_variables:
            blocks.append(
                Block(
                    id=f"aabne_{section.id}",
                    label=number.table(),
                    title="Åbne spørgsmål",
                    kind="open_answers",
                    variables=open_variables,
                    note="Tabellen viser, hvor mange der har skrevet et svar.",
                )
            )
        if blocks:
            chapters.append(
                Chapter(id=section.id, title=f"{len(chapters) + 1}. {section.title}", blocks=blocks)
            )
    return ReportSpec(
        id=instrument.id,
        instrument=instrument_ref or instrument.id,
        title=instrument.title,
        numbered=True,  # reordered chapters and blocks are numbered anew
        chapters=chapters,
    )


def spec_yaml(spec: ReportSpec) -> str:
    """The definition as YAML that ``load_spec_file`` reads back to the same definition."""
    raw = spec.model_dump(mode="json", exclude_defaults=True)
    raw.setdefault("instrument", spec.instrument)
    header = (
        "# Report definition made by samspil from the questionnaire. Retitle, reorder,\n"
        "# regroup and add notes, then: samspil report THIS_FILE --data ANSWERS --out DIR\n"
    )
    return header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)


def _is_report_definition(path: Path) -> bool:
    try:
        raw = yamltext.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: cannot read: {yaml_problem(exc, str(path))}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc
    return isinstance(raw, dict) and "chapters" in raw


def has_bundled_spec(report_id: str) -> bool:
    return (resources.files("samspil.reports") / "specs" / f"{report_id}.yaml").is_file()


def resolve_spec(ref: str) -> ReportSpec:
    """The report definition ``samspil report REF`` means: a definition file (YAML with
    ``chapters``), a bundled definition by id, or else the default report of the instrument
    ``REF`` names (bundled id, YAML or XLSForm file)."""
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file() and _is_report_definition(path):
        spec = load_spec_file(path)
        beside = path.parent / spec.instrument
        if (
            Path(spec.instrument).suffix
            and not Path(spec.instrument).is_absolute()
            and beside.is_file()
        ):
            spec = spec.model_copy(update={"instrument": str(beside)})
        return spec
    if has_bundled_spec(ref):
        return load_spec(ref)
    return default_spec(resolve(ref), ref)


def chosen_spec(
    instrument: Instrument,
    *,
    report_id: str = "",
    definition: dict[str, object] | None = None,
    bundled: bool = True,
) -> ReportSpec | str:
    """The report definition of a study's report, by one rule wherever it is made (the
    study page, the coding workbench, ``samspil study report``): ``report_id`` if given,
    else the ``definition`` the researcher uploaded (checked again: one stored before a
    rule was added must meet it too), else the bundled one named after a ``bundled``
    questionnaire, else the default report of the questionnaire itself."""
    if report_id:
        return report_id
    if definition:
        from samspil.reports.spec import spec_from_data

        return spec_from_data(definition, "report definition")
    if bundled and has_bundled_spec(instrument.id):
        return instrument.id
    return default_spec(instrument)
