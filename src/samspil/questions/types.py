"""The question types. Each one states its variables, how the web form posts it back,
which template renders it and which summary suits it. Register new ones in REGISTRY."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from samspil.questions.base import IDENT, Condition, Option, Pipe, Strict, Variable, plain

Answers = dict[str, object]
FormData = Mapping[str, Sequence[str]]


class QuestionBase(Strict):
    id: str = Field(pattern=IDENT)
    text: str
    intro: list[str] = Field(default_factory=list, description="Paragraphs shown before it.")
    help: str = ""
    show_if: list[Condition] = Field(default_factory=list)
    pipe: Pipe | None = None
    required: bool = False
    scale: str | None = Field(default=None, description="Name of a shared scale.")

    template_name: ClassVar[str] = ""
    summary_kind: ClassVar[str] = ""

    def variables(self, section_id: str = "") -> list[Variable]:
        raise NotImplementedError

    def coded_variable(self, section_id: str, options: Sequence[Option]) -> Variable:
        """The question's own variable, holding one code of ``options``."""
        return Variable(
            self.id, self.id, plain(self.text), "", "categorical", tuple(options), section_id
        )

    def shown(self, answers: Answers) -> bool:
        return all(c.holds(answers) for c in self.show_if)

    def display_text(self, answers: Answers) -> str:
        return self.pipe.apply(self.text, answers) if self.pipe else self.text

    def display_segments(self, answers: Answers) -> list[tuple[str, bool]]:
        """``display_text`` as (text, is_piped) parts; see ``Pipe.segments``."""
        return self.pipe.segments(self.text, answers) if self.pipe else [(self.text, False)]

    def parse_form(self, data: FormData) -> tuple[Answers, list[str]]:
        """Answers posted for this question, and messages for what is wrong (in Danish)."""
        answers: Answers = {}
        errors: list[str] = []
        for var in self.variables():
            raw = [v for v in data.get(var.name, []) if v != ""]
            if not raw:
                answers[var.name] = None
                continue
            value, error = _coerce(var, raw[0])
            if error:
                errors.append(error)
            answers[var.name] = value
        if self.required and all(v is None for v in answers.values()):
            errors.append("Besvar venligst spørgsmålet.")
        return answers, errors


def _coerce(var: Variable, raw: str) -> tuple[object, str | None]:
    if var.kind == "text":
        return raw[:10000], None
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return None, "Angiv et tal."
    problem = var.value_error(number)
    return (None, "Vælg et af svarene.") if problem else (number, None)


class ChoiceMixin(Strict):
    options: list[Option] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_unique(self):  # type: ignore[no-untyped-def]
        codes = [o.code for o in self.options]
        if len(codes) != len(set(codes)):
            raise ValueError(f"answer codes repeat: {codes}")
        if not codes:
            raise ValueError("a choice question needs options or a scale")
        return self


class SingleChoice(QuestionBase, ChoiceMixin):
    """Choose one answer; one variable holding the chosen code."""

    type: Literal["single"]
    template_name: ClassVar[str] = "samspil/questions/single.html"
    summary_kind: ClassVar[str] = "frequency"

    def variables(self, section_id: str = "") -> list[Variable]:
        out = [self.coded_variable(section_id, self.options)]
        out += [
            Variable(
                f"{self.id}_{o.code}_tekst",
                self.id,
                plain(self.text),
                o.label,
                "text",
                (),
                section_id,
            )
            for o in self.options
            if o.other_text
        ]
        return out


class MultipleChoice(QuestionBase, ChoiceMixin):
    """Tick any number of options; one 1/0 variable per option, named ``<id>_<code>``."""

    type: Literal["multi"]
    exclusive: list[int] = Field(
        default_factory=list, description="Codes that cannot be ticked with any other."
    )
    template_name: ClassVar[str] = "samspil/questions/multi.html"
    summary_kind: ClassVar[str] = "multiple_response"
    CHOSEN: ClassVar[tuple[Option, ...]] = (
        Option(code=1, label="Valgt"),
        Option(code=0, label="Ikke valgt"),
    )

    def variables(self, section_id: str = "") -> list[Variable]:
        out: list[Variable] = []
        for o in self.options:
            out.append(
                Variable(
                    f"{self.id}_{o.code}",
                    self.id,
                    plain(self.text),
                    o.label,
                    "binary",
                    self.CHOSEN,
                    section_id,
                )
            )
            if o.other_text:
                out.append(
                    Variable(
                        f"{self.id}_{o.code}_tekst",
                        self.id,
                        plain(self.text),
                        o.label,
                        "text",
                        (),
                        section_id,
                    )
                )
        return out

    def parse_form(self, data: FormData) -> tuple[Answers, list[str]]:
        ticked = {v for v in data.get(self.id, []) if v != ""}
        touched = bool(ticked) or bool(data.get(f"{self.id}__shown"))
        answers: Answers = {}
        for var in self.variables():
            if var.kind == "text":
                answers[var.name] = (data.get(var.name) or [""])[0][:10000] or None
            else:
                code = var.name.rsplit("_", 1)[1]
                answers[var.name] = (1.0 if code in ticked else 0.0) if ticked else None
        errors: list[str] = []
        if self.exclusive and len(ticked) > 1 and ticked & {str(c) for c in self.exclusive}:
            errors.append("Dette svar kan ikke kombineres med andre svar.")
        if self.required and not ticked and touched:
            errors.append("Besvar venligst spørgsmålet.")
        return answers, errors


class GridItem(Strict):
    id: str = Field(pattern=IDENT)
    text: str
    variable: str | None = Field(default=None, pattern=IDENT, description="Overrides <q>_<id>.")
    pipe: Pipe | None = None

    def display_text(self, answers: Answers) -> str:
        return self.pipe.apply(self.text, answers) if self.pipe else self.text

    def display_segments(self, answers: Answers) -> list[tuple[str, bool]]:
        return self.pipe.segments(self.text, answers) if self.pipe else [(self.text, False)]


class Grid(QuestionBase, ChoiceMixin):
    """Rows sharing one scale; one variable per row, named ``<id>_<row id>``."""

    type: Literal["grid"]
    items: list[GridItem]
    template_name: ClassVar[str] = "samspil/questions/grid.html"
    summary_kind: ClassVar[str] = "likert"

    def variable_name(self, item: GridItem) -> str:
        return item.variable or f"{self.id}_{item.id}"

    def variables(self, section_id: str = "") -> list[Variable]:
        return [
            Variable(
                self.variable_name(i),
                self.id,
                plain(self.text),
                plain(i.text),
                "categorical",
                tuple(self.options),
                section_id,
            )
            for i in self.items
        ]


class OpenText(QuestionBase):
    """A free-text answer; coded later with a codebook (samspil.coding)."""

    type: Literal["open"]
    multiline: bool = True
    template_name: ClassVar[str] = "samspil/questions/open.html"
    summary_kind: ClassVar[str] = "text"

    def variables(self, section_id: str = "") -> list[Variable]:
        return [Variable(self.id, self.id, plain(self.text), "", "text", (), section_id)]


class Number(QuestionBase):
    """A number typed by the respondent (e.g. number of ongoing projects)."""

    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    unit: str = ""
    template_name: ClassVar[str] = "samspil/questions/number.html"
    summary_kind: ClassVar[str] = "number"

    def variables(self, section_id: str = "") -> list[Variable]:
        return [Variable(self.id, self.id, plain(self.text), "", "number", (), section_id)]

    def parse_form(self, data: FormData) -> tuple[Answers, list[str]]:
        answers, errors = super().parse_form(data)
        value = answers.get(self.id)
        if isinstance(value, float) and (
            (self.min is not None and value < self.min)
            or (self.max is not None and value > self.max)
        ):
            errors.append(f"Angiv et tal mellem {self.min:g} og {self.max:g}.")
            answers[self.id] = None
        return answers, errors


class PickNumber(QuestionBase):
    """Pick a whole number from a list (e.g. years 'Under 1 år', 1, 2 ... 34).

    The code is the number itself, so means and bins are computed on it directly.
    """

    type: Literal["pick"]
    min: int
    max: int
    labels: dict[int, str] = Field(default_factory=dict, description="Labels for some numbers.")
    template_name: ClassVar[str] = "samspil/questions/pick.html"
    summary_kind: ClassVar[str] = "number"

    @property
    def options(self) -> list[Option]:
        return [
            Option(code=n, label=self.labels.get(n, str(n))) for n in range(self.min, self.max + 1)
        ]

    def variables(self, section_id: str = "") -> list[Variable]:
        return [self.coded_variable(section_id, self.options)]


Question = SingleChoice | MultipleChoice | Grid | OpenText | Number | PickNumber

REGISTRY: dict[str, type[QuestionBase]] = {
    "single": SingleChoice,
    "multi": MultipleChoice,
    "grid": Grid,
    "open": OpenText,
    "number": Number,
    "pick": PickNumber,
}
