"""Report definitions: which table or figure shows what, with the seed's titles and
footnote templates. Validated with pydantic; bundled specs live in ``specs/``.

Footnote placeholders, filled from the instrument and the data when the report is made:
``{n}`` (N, or a range "72-73" over the rows), ``{question}`` (the question text),
``{scale}`` (e.g. 1 "Slet ikke" til 5 "I meget høj grad"), ``{excluded}`` (how many
special answers were left out, per item, in the seed's compact form "1 ved positiv by- og
erhvervsudvikling", or "0"), ``{base}`` (that "Ved ikke" is left out of the base, where a
table does so), ``{mean}`` (mean of a single-item distribution).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from samspil import yamltext
from samspil.errors import DomainError
from samspil.questions.base import IDENT, Strict

# Every id a definition gives (chapters, blocks, figures, codebooks) is a plain name: it
# becomes an HTML anchor, a file name and a lookup key, never markup or a path.
ID = r"^[a-z0-9_]+$"

if TYPE_CHECKING:
    from samspil.instruments import Instrument

GroupBy = Literal[
    "areas", "size_band", "pressure_half", "pressure_quintile", "pressure_band", "mayor_bloc"
]


class QuestionCode(Strict):
    question: str
    code: int


class Bin(Strict):
    low: float
    high: float | None = None
    label: str


class Series(Strict):
    label: str
    variables: list[str | None]


class Block(Strict):
    id: str = Field(pattern=IDENT, description="File name: tables/<id>.csv, figures/<id>.svg")
    label: str = Field(description="Label as printed, e.g. 'Tabel 4.2'")
    title: str
    kind: str = Field(description="A registered table kind (samspil.reports.kinds).")
    question: str | None = None
    variables: list[str] | None = None
    item_labels: dict[str, str] = Field(default_factory=dict)
    note_labels: dict[str, str] = Field(
        default_factory=dict,
        description="Short names of the items in the note's {excluded} counts, by variable "
        "(default: the item label without asides in brackets).",
    )
    category_labels: dict[int, str] = Field(default_factory=dict)
    categories: list[int] | None = None
    include_dont_know: bool = True
    include_not_applicable: bool = False
    list_excluded: bool = Field(
        default=False,
        description="frequency: show special answers left out of the base as rows with "
        "their count and no percentage.",
    )
    top: list[int] = Field(default_factory=list)
    share_label: str = "Andel"
    header: str = Field(
        default="",
        description="Heading of the first column: the items' (a breakdown's: the groups'). "
        "Given as an empty string, the heading is blank, as in the seed's table.",
    )
    column_headers: dict[str, str] = Field(
        default_factory=dict,
        description="Column headings as the seed's table prints them, by column name "
        "(e.g. n: 'N (= 100 %)', percent: Procent).",
    )
    figure: str = Field(
        default="none",
        description="none, a figure style (bars_mean, stacked, bars_percent: "
        "samspil.reports.figures.STYLES), or the block's kind's own figure (its name, "
        "e.g. grouped_means).",
    )
    figure_id: str | None = Field(
        default=None, pattern=ID, description="File name of the figure: figures/<id>.svg"
    )
    figure_label: str | None = None
    note: str = ""
    paired_test: Literal["t", "wilcoxon"] = Field(
        default="t",
        description="With a previous wave of the same units (a panel): the test of a mean's "
        "change, the paired t-test or the Wilcoxon signed-rank test.",
    )
    # crosstab
    group_by: GroupBy | None = None
    row_codes: list[int] | None = None
    groups: list[str] | None = Field(
        default=None, description="Show only these groups, in this order (samspil's labels)."
    )
    group_labels: dict[str, str] = Field(
        default_factory=dict, description="Group labels as the report prints them."
    )
    controls: list[GroupBy] = Field(
        default_factory=list,
        description="Check the group difference in a logistic regression with these controls.",
    )
    significance: Literal["stars", "p"] = Field(
        default="stars", description="Show the group difference as stars or as the p-value."
    )
    control_codes: list[int] | None = Field(
        default=None,
        description="Answer codes counted as 1 in that regression (default row_codes).",
    )
    # numeric: statistics shown beside obs, mean and SD (the CSV always has them all)
    statistics: list[Literal["min", "median", "max"]] = Field(default_factory=list)
    # gap
    expectation: QuestionCode | None = None
    experience: QuestionCode | None = None
    pairs: dict[str, str] = Field(default_factory=dict)
    # bins
    variable: str | None = None
    bins: list[Bin] = Field(default_factory=list)
    # grouped means
    rows: list[str] = Field(default_factory=list, description="Row labels for grouped_means.")
    series: list[Series] = Field(default_factory=list)
    # themes (coded open answers)
    codebook: str | None = Field(
        default=None,
        pattern=ID,
        description="A bundled codebook by id (default: the instrument's).",
    )
    theme_order: list[str] = Field(
        default_factory=list,
        description="Theme codes in the order the seed's figure shows them (others follow).",
    )

    options: dict[str, Any] = Field(
        default_factory=dict,
        description="The options of the block's kind, as the kind's options model reads them.",
    )

    @model_validator(mode="after")
    def _fits_kind(self) -> Block:
        from samspil.reports.kinds import table_kinds

        kinds = table_kinds()
        if self.kind not in kinds:
            known = ", ".join(sorted(kinds))
            raise ValueError(f"block {self.id}: unknown kind {self.kind!r}; known: {known}")
        kind = kinds[self.kind]
        for attr in kind.needs:
            if not getattr(self, attr):
                raise ValueError(f"block {self.id}: kind {self.kind} needs {attr!r}")
        if kind.variables and not (self.question or self.variables):
            raise ValueError(f"block {self.id}: give 'question' or 'variables'")
        self._check_figure(kind.figure is not None)
        self._check_options(kind.options)
        if self.controls and not (self.control_codes or self.row_codes):
            raise ValueError(f"block {self.id}: controls need control_codes or row_codes")
        for s in self.series:
            if len(s.variables) != len(self.rows):
                raise ValueError(f"block {self.id}: series {s.label!r} needs one variable per row")
        return self

    def _check_figure(self, own: bool) -> None:
        from samspil.reports.figures import STYLES

        if self.figure == "none" or self.figure in STYLES or (own and self.figure == self.kind):
            return
        known = ", ".join(["none", *STYLES, *([self.kind] if own else [])])
        raise ValueError(f"block {self.id}: unknown figure {self.figure!r}; known: {known}")

    def _check_options(self, model: type[BaseModel] | None) -> None:
        if model is None:
            if self.options:
                raise ValueError(f"block {self.id}: kind {self.kind} takes no options")
            return
        try:
            model.model_validate(self.options)
        except ValidationError as exc:
            problems = "; ".join(
                f"options.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(f"block {self.id}: {problems}") from None


class Chapter(Strict):
    id: str = Field(pattern=ID, description="Anchor of the chapter: letters a-z, digits, _.")
    title: str
    intro: str = ""
    blocks: list[Block]


class TableStyle(Strict):
    """How the seed prints its tables' words and percentages."""

    total_label: str = "I alt"
    percent_header: str = Field(default="Pct.", description="Heading of a percent column.")
    percent_sign: bool = Field(default=True, description="False: bare numbers, as fc2015.")


class Colophon(Strict):
    """What the colophon says beside the title, authors and institution (all optional)."""

    year: int | None = Field(
        default=None, ge=1900, le=2200, description="Year of publication (default: this year)."
    )
    publisher: str = Field(default="", description="Publisher, if not the institution.")
    isbn: str = Field(default="", description="ISBN, e.g. 978-87-93119-41-5 (checked).")
    url: str = Field(default="", pattern=r"^(https?://\S+)?$", description="Where it is published.")
    licence: str = Field(default="", description="A licence line, e.g. CC BY 4.0.")
    citation: str = Field(
        default="", description="The citation suggestion (default: made from the fields)."
    )

    @model_validator(mode="after")
    def _isbn(self) -> Colophon:
        if self.isbn and not isbn_valid(self.isbn):
            raise ValueError(f"isbn {self.isbn!r} is not a valid ISBN-10 or ISBN-13")
        return self


def isbn_valid(text: str) -> bool:
    """An ISBN-10 or ISBN-13 with a right check digit (hyphens and spaces ignored)."""
    digits = re.sub(r"[- ]", "", text.upper())
    if re.fullmatch(r"\d{9}[\dX]", digits):
        values = [10 if d == "X" else int(d) for d in digits]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        return sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(digits)) % 10 == 0
    return False


class ReportSpec(Strict):
    id: str = Field(pattern=IDENT)
    instrument: str = Field(
        description="A bundled questionnaire's id, or its file (read on the command line "
        "only: a study's report always uses the study's own questionnaire)."
    )
    title: str
    subtitle: str = "Datarapport"
    authors: list[str] = Field(default_factory=list, description="Cover (else --authors).")
    institution: str = Field(default="", description="Cover and colophon (else --institution).")
    colophon: Colophon = Field(default_factory=Colophon)
    min_cell: int = Field(default=5, ge=1)
    table_style: TableStyle = Field(default_factory=TableStyle)
    numbered: bool = Field(
        default=False,
        description="Number chapters ('2. ') and tables and figures ('Tabel 2.3', 'Figur "
        "2.1') by their order, whatever the numbers written in the titles and labels say "
        "(labels of another form are kept).",
    )
    chapters: list[Chapter]

    @model_validator(mode="after")
    def _number(self) -> ReportSpec:
        if self.numbered:  # frozen: the computed numbers replace the written ones once
            object.__setattr__(self, "chapters", numbered_chapters(self.chapters))
        return self

    @property
    def blocks(self) -> list[Block]:
        return [b for c in self.chapters for b in c.blocks]

    @model_validator(mode="after")
    def _unique_ids(self) -> ReportSpec:
        names = [n for b in self.blocks for n in {b.id, b.figure_id or b.id}]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"output names repeat: {', '.join(repeated)}")
        return self


CHAPTER_NUMBER = re.compile(r"^\d+\.\s+")
LABEL_NUMBER = re.compile(r"^(Tabel|Figur) \d+\.\d+$")


def numbered_chapters(chapters: list[Chapter]) -> list[Chapter]:
    """The chapters numbered by their order: "N. title", and in chapter N the labels
    "Tabel N.k" and "Figur N.k" counted in the order of the blocks (a block's own label
    first, then its figure's); a label of another form is left as written."""
    out = []
    for number, chapter in enumerate(chapters, start=1):
        counts = {"Tabel": 0, "Figur": 0}
        blocks = []
        for b in chapter.blocks:
            label = _renumbered(b.label, number, counts)
            figure_label = _renumbered(b.figure_label, number, counts)
            blocks.append(b.model_copy(update={"label": label, "figure_label": figure_label}))
        title = f"{number}. {CHAPTER_NUMBER.sub('', chapter.title)}"
        out.append(chapter.model_copy(update={"title": title, "blocks": blocks}))
    return out


def _renumbered(label: str | None, chapter: int, counts: dict[str, int]) -> str | None:
    """'Tabel x.y' as the next table (or figure) of ``chapter``; other labels as they are."""
    found = LABEL_NUMBER.match(label or "")
    if not found:
        return label
    kind = found.group(1)
    counts[kind] += 1
    return f"{kind} {chapter}.{counts[kind]}"


class SpecError(DomainError):
    """A report definition that does not follow the schema."""


def load_spec_file(path: Path) -> ReportSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read report definition: {exc}") from exc
    return parse_spec(text, str(path))


def parse_spec(text: str, name: str) -> ReportSpec:
    """A report definition from YAML text; errors name ``name`` and the field."""
    try:
        raw = yamltext.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(
            f"{name}: cannot read report definition: {yaml_problem(exc, name)}"
        ) from None
    return spec_from_data(raw, name)


def yaml_problem(error: yaml.YAMLError, name: str) -> str:
    """The YAML parser's message with the file's name (not "<unicode string>"), and the
    usual cause of "mapping values are not allowed here" said plainly."""
    text = str(error).replace('"<unicode string>"', name).replace("<unicode string>", name)
    if "mapping values are not allowed" in text:
        text += (
            "\n(a text containing a colon and a space must be quoted, e.g. "
            'title: "Tabel 2: Svar fordelt på regioner")'
        )
    return text


def spec_from_data(raw: object, name: str) -> ReportSpec:
    """A report definition from parsed data (a file's YAML, a study's stored copy);
    errors name ``name`` and the field."""
    try:
        return ReportSpec.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"{name}: {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors()
        ]
        raise SpecError("\n".join(lines)) from None


def unknown_references(spec: ReportSpec, instrument: Instrument) -> list[str]:
    """The blocks' questions and variables the instrument does not have, as messages."""
    problems = []
    for block in spec.blocks:
        names = [*(block.variables or []), *([block.variable] if block.variable else [])]
        names += [n for pair in block.pairs.items() for n in pair]
        names += [n for s in block.series for n in s.variables if n is not None]
        for name in dict.fromkeys(names):
            if name not in instrument.variable_map:
                problems.append(f"block {block.id}: unknown variable {name!r}")
        questions = [block.question] if block.question else []
        questions += [c.question for c in (block.expectation, block.experience) if c]
        for question in questions:
            if question not in instrument.question_map:
                problems.append(f"block {block.id}: unknown question {question!r}")
    return problems


@cache
def load_spec(report_id: str) -> ReportSpec:
    """A bundled report definition by id, or a path to a YAML file."""
    if report_id.endswith((".yaml", ".yml")):
        return load_spec_file(Path(report_id))
    path = resources.files("samspil.reports") / "specs" / f"{report_id}.yaml"
    if not path.is_file():
        raise SpecError(f"no report definition for {report_id!r}")
    return load_spec_file(Path(str(path)))
