"""The question types. Each one owns its variables, how the web form posts it back
(``parse_form``/``form_values``), what its respondent template gets (``template_name``,
``fill_view``), which table summarises it (``summary_kind``, a report table kind) and its
codebook rows. Each registers itself with ``register_question_type``; an added type does
the same (docs/extending.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar, Literal, Protocol

from pydantic import Field, model_validator

from samspil.numerals import parse_number
from samspil.questions.base import (
    IDENT,
    Condition,
    Option,
    Pipe,
    Strict,
    Variable,
    codebook_row,
    plain,
)
from samspil.questions.registry import QUESTION_TYPES, register_question_type

Answers = dict[str, object]
FormData = Mapping[str, Sequence[str]]
Segments = list[tuple[str, bool]]


class FormUI(Protocol):
    """What the web app gives ``fill_view`` to build its parts (samspil.fieldwork)."""

    def options(
        self,
        question_id: str,
        name: str,
        options: Sequence[Option],
        chosen: set[str],
        data: FormData,
    ) -> list[Any]: ...

    def row(self, name: str, segments: Segments, options: list[Any]) -> Any: ...


class QuestionBase(Strict):
    id: str = Field(pattern=IDENT)
    text: str
    intro: list[str] = Field(default_factory=list, description="Paragraphs shown before it.")
    help: str = ""
    show_if: list[Condition] = Field(default_factory=list)
    pipe: Pipe | None = None
    required: bool = False
    scale: str | None = Field(default=None, description="Name of a shared scale.")

    # The respondent page's template for this type (Django template path).
    template_name: ClassVar[str] = ""
    # The report table kind a block ``kind: question`` uses for it ("" = no table).
    summary_kind: ClassVar[str] = ""

    def variables(self, section_id: str = "") -> list[Variable]:
        raise NotImplementedError

    def pipes(self) -> list[Pipe]:
        """The question's piped texts (checked to refer to earlier variables)."""
        return [self.pipe] if self.pipe else []

    def codebook_rows(self, section_id: str = "") -> list[dict[str, str]]:
        """The codebook's rows for this question (one per variable by default)."""
        return [codebook_row(v) for v in self.variables(section_id)]

    def form_values(self, answers: Answers) -> dict[str, list[str]]:
        """Stored answers as the form data that would post them back (inverse of
        ``parse_form``)."""
        out: dict[str, list[str]] = {}
        for var in self.variables():
            value = answers.get(var.name)
            if value is None or value == "":
                continue
            if isinstance(value, float) and value.is_integer():
                out[var.name] = [str(int(value))]
            elif isinstance(value, float):
                out[var.name] = [f"{value:g}".replace(".", ",")]
            else:
                out[var.name] = [str(value)]
        return out

    def fill_view(self, view: Any, answers: Answers, data: FormData, ui: FormUI) -> None:
        """Set what the template reads on ``view`` (fieldwork's QuestionView; ``data`` is
        the posted form after an error, else ``form_values``): by default one input named
        by the question id holding that value."""
        view.name = self.id
        view.value = (data.get(self.id) or [""])[0]
        view.first_input_id = f"id_{self.id}"

    def _fill_options(
        self, view: Any, data: FormData, ui: FormUI, options: Sequence[Option]
    ) -> None:
        view.name = self.id
        chosen = set(data.get(self.id, []))
        view.options = ui.options(self.id, self.id, options, chosen, data)

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


TEXT_LIMIT = 10000


def clean_text(raw: str) -> str | None:
    """A typed answer as stored: at most TEXT_LIMIT characters, without NUL characters
    and unpaired surrogates (PostgreSQL and UTF-8 cannot store them); None when empty."""
    text = raw.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:TEXT_LIMIT] or None


def _coerce(var: Variable, raw: str) -> tuple[object, str | None]:
    if var.kind == "text":
        return clean_text(raw), None
    number, problem = parse_number(raw, ",")
    if problem and problem.startswith("is ambiguous"):
        return None, "Skriv decimaltal med komma, fx 2,5 (punktum skiller tusinder: 2.185 er 2185)."
    if problem or not math.isfinite(number):
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


@register_question_type
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

    def fill_view(self, view: Any, answers: Answers, data: FormData, ui: FormUI) -> None:
        self._fill_options(view, data, ui, self.options)
        view.first_input_id = view.options[0].input_id if view.options else ""


@register_question_type
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
        posted = {v for v in data.get(self.id, []) if v != ""}
        codes = {str(o.code) for o in self.options}
        ticked = posted & codes
        touched = bool(ticked) or bool(data.get(f"{self.id}__shown"))
        answers: Answers = {}
        for var in self.variables():
            if var.kind == "text":
                answers[var.name] = clean_text((data.get(var.name) or [""])[0])
            else:
                code = var.name.rsplit("_", 1)[1]
                answers[var.name] = (1.0 if code in ticked else 0.0) if ticked else None
        errors: list[str] = []
        if posted - codes:
            errors.append("Vælg blandt svarene.")
        if self.exclusive and len(ticked) > 1 and ticked & {str(c) for c in self.exclusive}:
            errors.append("Dette svar kan ikke kombineres med andre svar.")
        if self.required and not ticked and touched:
            errors.append("Besvar venligst spørgsmålet.")
        return answers, errors

    def form_values(self, answers: Answers) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        ticked = []
        for o in self.options:
            if answers.get(f"{self.id}_{o.code}") in (1, 1.0, True):
                ticked.append(str(o.code))
            text = answers.get(f"{self.id}_{o.code}_tekst")
            if text:
                out[f"{self.id}_{o.code}_tekst"] = [str(text)]
        out[self.id] = ticked
        return out

    def fill_view(self, view: Any, answers: Answers, data: FormData, ui: FormUI) -> None:
        self._fill_options(view, data, ui, self.options)
        view.first_input_id = view.options[0].input_id if view.options else ""


class GridItem(Strict):
    id: str = Field(pattern=IDENT)
    text: str
    variable: str | None = Field(default=None, pattern=IDENT, description="Overrides <q>_<id>.")
    pipe: Pipe | None = None

    def display_text(self, answers: Answers) -> str:
        return self.pipe.apply(self.text, answers) if self.pipe else self.text

    def display_segments(self, answers: Answers) -> list[tuple[str, bool]]:
        return self.pipe.segments(self.text, answers) if self.pipe else [(self.text, False)]


@register_question_type
class Grid(QuestionBase, ChoiceMixin):
    """Rows sharing one scale; one variable per row, named ``<id>_<row id>``."""

    type: Literal["grid"]
    items: list[GridItem]
    template_name: ClassVar[str] = "samspil/questions/grid.html"
    summary_kind: ClassVar[str] = "distribution"

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

    def pipes(self) -> list[Pipe]:
        return super().pipes() + [i.pipe for i in self.items if i.pipe]

    def fill_view(self, view: Any, answers: Answers, data: FormData, ui: FormUI) -> None:
        view.header = ui.options(self.id, "head", self.options, set(), {})
        for item in self.items:
            name = self.variable_name(item)
            options = ui.options(self.id, name, self.options, set(data.get(name, [])), data)
            view.rows.append(ui.row(name, item.display_segments(answers), options))
        view.first_input_id = view.rows[0].options[0].input_id if view.rows else ""


@register_question_type
class OpenText(QuestionBase):
    """A free-text answer; coded later with a codebook (samspil.coding)."""

    type: Literal["open"]
    multiline: bool = True
    template_name: ClassVar[str] = "samspil/questions/open.html"
    summary_kind: ClassVar[str] = ""

    def variables(self, section_id: str = "") -> list[Variable]:
        return [Variable(self.id, self.id, plain(self.text), "", "text", (), section_id)]


@register_question_type
class Number(QuestionBase):
    """A number typed by the respondent (e.g. number of ongoing projects)."""

    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = Field(default=False, description="Whole numbers only (XLSForm integer).")
    unit: str = ""
    template_name: ClassVar[str] = "samspil/questions/number.html"
    summary_kind: ClassVar[str] = "numeric"

    def variables(self, section_id: str = "") -> list[Variable]:
        return [Variable(self.id, self.id, plain(self.text), "", "number", (), section_id)]

    def parse_form(self, data: FormData) -> tuple[Answers, list[str]]:
        answers, errors = super().parse_form(data)
        value = answers.get(self.id)
        if isinstance(value, float) and (
            (self.min is not None and value < self.min)
            or (self.max is not None and value > self.max)
        ):
            errors.append(self.range_message())
            answers[self.id] = None
        elif isinstance(value, float) and self.integer and not value.is_integer():
            errors.append("Angiv et helt tal.")
            answers[self.id] = None
        return answers, errors

    def range_message(self) -> str:
        def number(value: float) -> str:
            return f"{value:g}".replace(".", ",")

        if self.min is not None and self.max is not None:
            return f"Angiv et tal mellem {number(self.min)} og {number(self.max)}."
        if self.min is not None:
            return f"Angiv et tal på mindst {number(self.min)}."
        return f"Angiv et tal på højst {number(self.max or 0)}."


@register_question_type
class PickNumber(QuestionBase):
    """Pick a whole number from a list (e.g. years 'Under 1 år', 1, 2 ... 34).

    The code is the number itself, so means and bins are computed on it directly.
    """

    type: Literal["pick"]
    min: int
    max: int
    labels: dict[int, str] = Field(default_factory=dict, description="Labels for some numbers.")
    template_name: ClassVar[str] = "samspil/questions/pick.html"
    summary_kind: ClassVar[str] = "numeric"

    @property
    def options(self) -> list[Option]:
        return [
            Option(code=n, label=self.labels.get(n, str(n))) for n in range(self.min, self.max + 1)
        ]

    def variables(self, section_id: str = "") -> list[Variable]:
        return [self.coded_variable(section_id, self.options)]

    def fill_view(self, view: Any, answers: Answers, data: FormData, ui: FormUI) -> None:
        self._fill_options(view, data, ui, self.options)
        view.first_input_id = f"id_{self.id}"


@register_question_type
class DateQuestion(QuestionBase):
    """A date (XLSForm ``date``), stored as text ``YYYY-MM-DD``."""

    type: Literal["date"]
    template_name: ClassVar[str] = "samspil/questions/date.html"
    summary_kind: ClassVar[str] = ""

    def variables(self, section_id: str = "") -> list[Variable]:
        return [Variable(self.id, self.id, plain(self.text), "", "text", (), section_id)]

    def parse_form(self, data: FormData) -> tuple[Answers, list[str]]:
        answers, errors = super().parse_form(data)
        value = answers.get(self.id)
        if isinstance(value, str):
            try:
                answers[self.id] = date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                errors.append("Angiv en dato som åååå-mm-dd.")
                answers[self.id] = None
        return answers, errors


# Any question (the registry decides which types exist; see samspil.questions.registry).
Question = QuestionBase
REGISTRY = QUESTION_TYPES  # the old name
