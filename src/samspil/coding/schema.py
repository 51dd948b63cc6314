"""The codebook file format for coding open answers, validated with pydantic.

A codebook belongs to one instrument and lists, for each open question (``variable``), the
themes a coder can apply to an answer. A theme has a stable ascii ``code``, a Danish
``label`` (shown in figures) and a ``description`` (the coding rule). A theme may have
subthemes with the same fields; the codes a coder applies are then the subthemes, and the
theme is their union ("any subtheme of this theme"). A theme without subthemes is itself a
code. See docs/coding.md.

In the 2024 kommunaldirektør code list (Bilag 2: Slutkodeliste) each *Tema* row names one
open question; it is the question's ``label`` here, and its *Undertema* rows are the
question's themes (one level, no subthemes).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator

CODE = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Subtheme(_Strict):
    """A code under a theme."""

    code: str = Field(pattern=CODE, description="Stable ascii id, unique within the question.")
    label: str = Field(min_length=1, description="Danish label, verbatim from the code list.")
    description: str = Field(default="", description="The coding rule, verbatim.")


class Theme(_Strict):
    """A theme; a code by itself when it has no subthemes."""

    code: str = Field(pattern=CODE, description="Stable ascii id, unique within the question.")
    label: str = Field(min_length=1, description="Danish label, verbatim from the code list.")
    description: str = Field(default="", description="The coding rule, verbatim.")
    subthemes: list[Subtheme] = Field(default_factory=list)


class CodedQuestion(_Strict):
    """The themes of one open question."""

    variable: str = Field(pattern=CODE, description="The open question's variable name.")
    label: str = Field(
        min_length=1, description="Heading of the question's themes (the code list's 'Tema')."
    )
    figure: str = Field(default="", description="The report figure that shows the themes.")
    multiple: bool = Field(default=True, description="Several codes per answer allowed.")
    themes: list[Theme] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> CodedQuestion:
        seen: set[str] = set()
        for theme in self.themes:
            for code in [theme.code, *(s.code for s in theme.subthemes)]:
                if code in seen:
                    raise ValueError(f"code {code!r} repeats in question {self.variable}")
                seen.add(code)
        return self

    @property
    def two_level(self) -> bool:
        """True when some theme has subthemes."""
        return any(t.subthemes for t in self.themes)

    def leaves(self) -> Iterator[Subtheme | Theme]:
        """The codes a coder applies, in codebook order: subthemes, or the theme itself."""
        for theme in self.themes:
            if theme.subthemes:
                yield from theme.subthemes
            else:
                yield theme

    @cached_property
    def codes(self) -> list[str]:
        """Ids of the codes a coder applies, in codebook order."""
        return [c.code for c in self.leaves()]

    @cached_property
    def labels(self) -> dict[str, str]:
        """Label of every theme and subtheme id."""
        out: dict[str, str] = {}
        for theme in self.themes:
            out[theme.code] = theme.label
            for sub in theme.subthemes:
                out[sub.code] = sub.label
        return out

    @cached_property
    def parent(self) -> dict[str, str]:
        """Theme id of every code id (a theme without subthemes is its own parent)."""
        out: dict[str, str] = {}
        for theme in self.themes:
            out[theme.code] = theme.code
            for sub in theme.subthemes:
                out[sub.code] = theme.code
        return out

    def theme_members(self) -> dict[str, list[str]]:
        """For each theme id, the code ids that count as 'this theme' (in order)."""
        return {t.code: [s.code for s in t.subthemes] or [t.code] for t in self.themes}


class Codebook(_Strict):
    """A code list for the open questions of one instrument."""

    id: str = Field(pattern=CODE)
    version: int = 1
    instrument: str = Field(min_length=1, description="Id of the instrument it codes.")
    title: str = ""
    source: str = Field(default="", description="Where the themes and descriptions come from.")
    questions: list[CodedQuestion] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_variables(self) -> Codebook:
        seen: set[str] = set()
        for q in self.questions:
            if q.variable in seen:
                raise ValueError(f"variable {q.variable!r} repeats")
            seen.add(q.variable)
        return self

    @property
    def variables(self) -> list[str]:
        return [q.variable for q in self.questions]

    def question(self, variable: str) -> CodedQuestion:
        for q in self.questions:
            if q.variable == variable:
                return q
        known = ", ".join(self.variables)
        raise ValueError(f"codebook {self.id} has no variable {variable!r}; known: {known}")
