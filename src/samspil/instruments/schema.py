"""The instrument (questionnaire) file format, validated with pydantic.

See docs/instruments.md for the format. An instrument is a list of sections (one web page
each); a section has intro and definition texts and questions of the types in
``samspil.questions``. ``sample`` lists variables that are not asked but known from the
sample (municipality, coded area membership) so imports, reports and exports know them.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, SerializeAsAny, model_validator

from samspil.questions import registry
from samspil.questions.base import IDENT, Condition, Option, Strict, Variable
from samspil.questions.types import MultipleChoice, Question, QuestionBase


def question_union() -> Any:
    """The registered question types as one discriminated union (by ``type``)."""
    types = tuple(registry.QUESTION_TYPES.values())
    return Annotated[Union[types], Field(discriminator="type")]  # noqa: UP007


# The types registered so far (the built-in ones); rebuilt when a type is added later.
if TYPE_CHECKING:
    AnyQuestion = QuestionBase
else:
    AnyQuestion = question_union()


class Section(Strict):
    id: str = Field(pattern=IDENT)
    title: str = Field(description="Short name for researcher pages; not shown as question text.")
    intro: list[str] = Field(default_factory=list)
    definitions: list[str] = Field(default_factory=list, description="Definition boxes.")
    questions: list[SerializeAsAny[AnyQuestion]] = Field(default_factory=list)
    show_if: list[Condition] = Field(default_factory=list)

    def shown(self, answers: dict[str, object]) -> bool:
        return all(c.holds(answers) for c in self.show_if)


class SampleVariable(Strict):
    """A variable known from the sample or coded afterwards, not asked in the form."""

    name: str = Field(pattern=IDENT)
    label: str
    kind: Literal["categorical", "binary", "text", "number"] = "text"
    options: list[Option] = Field(default_factory=list)

    def variable(self) -> Variable:
        options = tuple(self.options)
        if self.kind == "binary" and not options:
            options = MultipleChoice.CHOSEN
        return Variable(self.name, self.name, self.label, "", self.kind, options, "sample")


class Instrument(Strict):
    id: str = Field(pattern=IDENT)
    version: int = 1
    title: str
    language: str = "da"
    population: str = ""
    source: str = Field(default="", description="Where the question texts come from.")
    welcome: list[str] = Field(default_factory=list)
    closing: list[str] = Field(default_factory=list)
    scales: dict[str, list[Option]] = Field(default_factory=dict)
    sections: list[Section]
    sample: list[SampleVariable] = Field(default_factory=list)
    translations: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Other languages kept from an XLSForm: language (e.g. 'English (en)') -> "
        "shown (Danish) text -> its translation. Only the Danish texts are shown.",
    )
    form_paths: dict[str, str] = Field(
        default_factory=dict,
        description="Kept from an XLSForm: the path of every field ('group/sub/name') -> the "
        "variable or multiple-choice question it fills, '' for a field that holds no answer "
        "samspil keeps (a note, a calculation, metadata). Answer files exported by ODK "
        "Central or KoboToolbox are matched by these paths.",
    )

    @model_validator(mode="before")
    @classmethod
    def _resolve_scales(cls, data: Any) -> Any:
        """Replace ``scale: name`` on questions by the named scale's options."""
        if not isinstance(data, dict):
            return data
        scales = data.get("scales") or {}
        for s_index, section in enumerate(data.get("sections") or []):
            for q_index, q in enumerate((section or {}).get("questions") or []):
                name = q.get("scale") if isinstance(q, dict) else None
                if name is None:
                    continue
                if name not in scales:
                    raise ValueError(
                        f"sections[{s_index}].questions[{q_index}] ({q.get('id')}): "
                        f"unknown scale {name!r}; known: {', '.join(scales) or 'none'}"
                    )
                if q.get("options"):
                    raise ValueError(f"question {q.get('id')}: give either scale or options")
                q["options"] = scales[name]
        return data

    @model_validator(mode="after")
    def _check_references(self) -> Instrument:
        seen: set[str] = {v.name for v in (s.variable() for s in self.sample)}
        ids: set[str] = set()
        for section in self.sections:
            if section.id in ids:
                raise ValueError(f"section id {section.id!r} repeats")
            ids.add(section.id)
            for name in (n for c in section.show_if for n in c.references()):
                _must_precede(name, seen, f"section {section.id}")
            for q in section.questions:
                if q.id in ids:
                    raise ValueError(f"question id {q.id!r} repeats")
                ids.add(q.id)
                for name in (n for c in q.show_if for n in c.references()):
                    _must_precede(name, seen, f"question {q.id}")
                for pipe in q.pipes():
                    _must_precede(pipe.from_, seen, f"piping in question {q.id}")
                for var in q.variables(section.id):
                    if var.name in seen:
                        raise ValueError(f"variable {var.name!r} (question {q.id}) repeats")
                    seen.add(var.name)
        return self

    # -- derived views ---------------------------------------------------------------

    @cached_property
    def variables(self) -> list[Variable]:
        out = [s.variable() for s in self.sample]
        for section in self.sections:
            for q in section.questions:
                out.extend(q.variables(section.id))
        return out

    @cached_property
    def variable_map(self) -> dict[str, Variable]:
        return {v.name: v for v in self.variables}

    @cached_property
    def question_map(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    def question(self, question_id: str) -> Question:
        try:
            return self.question_map[question_id]
        except KeyError:
            raise KeyError(f"instrument {self.id} has no question {question_id!r}") from None

    def question_variables(self, question_id: str) -> list[Variable]:
        return [v for v in self.variables if v.question_id == question_id and v.kind != "text"]


def _must_precede(name: str, seen: set[str], where: str) -> None:
    if name not in seen:
        raise ValueError(f"{where} refers to {name!r}, which is not an earlier variable")


def _rebuild() -> None:
    """Make ``Section.questions`` accept exactly the registered question types."""
    if not registry.QUESTION_TYPES:
        return
    Section.model_fields["questions"].annotation = list[question_union()]  # type: ignore[assignment,misc]
    Section.model_rebuild(force=True)
    Instrument.model_rebuild(force=True)


registry.on_change(_rebuild, now=False)
