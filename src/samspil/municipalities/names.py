"""The 98 Danish municipalities with their official codes (kommunekoder).

The one list is the pure core's ``samspil/facts/kommuner.csv``
(:func:`samspil.facts.municipality_names`); a data migration loads it into the
Municipality table (samspil.municipalities.models). Respondent imports match a
municipality by name (with or without "Kommune"), by code, or by a known spelling variant.
"""

from __future__ import annotations

# The names and the name matching live in the pure core (samspil.facts), shared with the
# reports.
from samspil.facts import VARIANTS, municipality_names, normalise

MUNICIPALITIES: tuple[tuple[int, str], ...] = municipality_names()

__all__ = ["MUNICIPALITIES", "VARIANTS", "normalise"]
