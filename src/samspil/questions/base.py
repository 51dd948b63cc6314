"""Shared building blocks of the question types.

A questionnaire is data (YAML validated by pydantic). Each question type is a pydantic
model that knows its own variables, how to check a stored answer, which summary fits it
and which template renders it. The types are registered in ``samspil.questions.registry``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENT = r"^[a-z][a-z0-9_]*$"
SpecialKind = Literal["not_applicable", "dont_know"]
VariableKind = Literal["categorical", "binary", "text", "number"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(Strict):
    """One answer category: a numeric code and the Danish label shown to respondents."""

    code: int
    label: str
    special: SpecialKind | None = Field(
        default=None,
        description="Marks 'Ikke relevant' (not_applicable) and 'Ved ikke' (dont_know) answers, "
        "which statistics leave out of means and, where a table says so, of the base.",
    )
    other_text: bool = Field(
        default=False, description="Chosen option opens a text field ('Andet, angiv')."
    )


class Condition(Strict):
    """Show a question or section only when an earlier answer fits.

    ``{variable: q5, in: [1, 2]}``, ``{variable: q5, not_in: [4]}`` or
    ``{variable: q2, answered: true}``. Several conditions in a list must all hold.
    """

    variable: str
    in_: list[int] | None = Field(default=None, alias="in")
    not_in: list[int] | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [self.in_ is not None, self.not_in is not None, self.answered is not None]
        if sum(tests) != 1:
            raise ValueError("a condition needs exactly one of 'in', 'not_in' or 'answered'")
        return self

    def holds(self, answers: dict[str, object]) -> bool:
        value = answers.get(self.variable)
        given = value is not None and value != ""
        if self.answered is not None:
            return given == self.answered
        if not given:
            return False
        try:
            code = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False
        if self.in_ is not None:
            return code in self.in_
        return self.not_in is not None and code not in self.not_in


class Pipe(Strict):
    """Piping: the respondent's earlier answer replaces ``placeholder`` in the shown text."""

    from_: str = Field(alias="from")
    placeholder: str = "[som du angav tidligere]"

    def apply(self, text: str, answers: dict[str, object]) -> str:
        value = answers.get(self.from_)
        if value is None or str(value).strip() == "":
            return text
        return text.replace(self.placeholder, f"«{str(value).strip()}»")

    def segments(self, text: str, answers: dict[str, object]) -> list[tuple[str, bool]]:
        """``apply`` split into (text, is_piped) parts, so a renderer can treat the
        respondent's own words as plain text while formatting the questionnaire text."""
        value = answers.get(self.from_)
        if value is None or str(value).strip() == "" or self.placeholder not in text:
            return [(text, False)]
        out: list[tuple[str, bool]] = []
        parts = text.split(self.placeholder)
        for index, part in enumerate(parts):
            if part:
                out.append((part, False))
            if index < len(parts) - 1:
                out.append((f"«{str(value).strip()}»", True))
        return out


@dataclass(frozen=True)
class Variable:
    """One column of the data set: what the codebook, importer and exports see."""

    name: str
    question_id: str
    question: str
    item: str
    kind: VariableKind
    options: tuple[Option, ...] = field(default=())
    section_id: str = ""

    @property
    def labels(self) -> dict[int, str]:
        return {o.code: o.label for o in self.options}

    @property
    def special_codes(self) -> dict[int, SpecialKind]:
        return {o.code: o.special for o in self.options if o.special}

    @property
    def substantive_codes(self) -> list[int]:
        return [o.code for o in self.options if not o.special]

    def value_error(self, value: float) -> str | None:
        """Why a stored (numeric) value is not valid for this variable, or None."""
        if self.kind not in ("categorical", "binary"):
            return None
        if float(value) != int(value) or int(value) not in self.labels:
            allowed = ", ".join(str(c) for c in self.labels)
            return f"code {value:g} is not on the scale (allowed: {allowed})"
        return None


def plain(text: str) -> str:
    """Question text without the **emphasis** markers, for codebooks and exports."""
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)


def codebook_row(var: Variable) -> dict[str, str]:
    """A variable's codebook row (``samspil.codebook.COLUMNS``)."""
    return {
        "variable": var.name,
        "question": var.question,
        "item": var.item,
        "values": "|".join(f"{o.code}={o.label}" for o in var.options),
        "type": var.kind,
        "section": var.section_id,
        "missing": "|".join(f"{c}={k}" for c, k in var.special_codes.items()),
    }
