"""The register's classifications (actor types, areas, forms, initiatives, roles, measures,
assessment statements), loaded from ``data/taxonomy.yaml`` and validated with pydantic.

Pure: no Django. Every list in the register's models, forms, imports and tables comes from
here, so a label is changed in one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

DATA = Path(__file__).resolve().parent / "data" / "taxonomy.yaml"


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    survey: int | None = None  # the code of the matching answer in the fc2015 questionnaire
    survey_codes: tuple[int, ...] = ()  # several answers that match (organisation)
    field: str = ""  # measures: the value report's field holding the measure


class Taxonomy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    actor_types: tuple[Term, ...]
    areas: tuple[Term, ...]
    forms: tuple[Term, ...]
    initiatives: tuple[Term, ...]
    organisation: tuple[Term, ...]
    character: tuple[Term, ...]
    payment: tuple[Term, ...]
    roles: tuple[Term, ...]
    measures: tuple[Term, ...]
    assessment_statements: tuple[Term, ...]
    agreement_scale: tuple[Term, ...]
    # label or code (case-folded) -> code, per list; filled on first use. Not a cache keyed
    # on the model: hashing a frozen pydantic model hashes every term (profiled: most of
    # an import's time went into hashing the taxonomy on each lookup).
    _indexes: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> Taxonomy:
        for name in type(self).model_fields:
            terms: tuple[Term, ...] = getattr(self, name)
            if not terms:
                raise ValueError(f"{name}: the list is empty")
            for attr in ("code", "label"):
                seen = [getattr(t, attr) for t in terms]
                doubles = sorted({s for s in seen if seen.count(s) > 1})
                if doubles:
                    raise ValueError(f"{name}: repeated {attr} {', '.join(doubles)}")
        return self

    def terms(self, name: str) -> tuple[Term, ...]:
        return tuple(getattr(self, name))

    def choices(self, name: str) -> list[tuple[str, str]]:
        return [(t.code, t.label) for t in self.terms(name)]

    def label(self, name: str, code: str) -> str:
        for term in self.terms(name):
            if term.code == code:
                return term.label
        return code

    def lookup(self, name: str, text: str) -> str | None:
        """The code of a term given by its code or its Danish label (case-insensitive)."""
        return self.index(name).get(" ".join(str(text).split()).casefold())

    def index(self, name: str) -> dict[str, str]:
        """Every label and code of a list, case-folded, mapped to the code."""
        index = self._indexes.get(name)
        if index is None:
            index = {}
            for term in self.terms(name):
                index[term.label.casefold()] = term.code
                index[term.code.casefold()] = term.code
            self._indexes[name] = index
        return index


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    with open(path or DATA, encoding="utf-8") as handle:
        return Taxonomy.model_validate(yaml.safe_load(handle))


@cache
def taxonomy() -> Taxonomy:
    """The bundled taxonomy, validated once per process."""
    return load_taxonomy()
