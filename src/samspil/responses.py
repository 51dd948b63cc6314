"""The one value between every source of answers and every output.

A :class:`Responses` is the (frozen) instrument plus the answers validated against it, and
the study's metadata when the answers come from fieldwork. Files (CSV/XLSX/SAV, a path or
bytes), a fieldwork study and coding uploads each produce one; reports, exports, codebooks
and coding take one. The analysis core never learns where the answers came from.

Pure: imports nothing from Django (a fieldwork study is turned into a ``Responses`` by
``samspil.fieldwork.export.study_responses``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from samspil.instruments import Instrument

__all__ = ["Responses", "StudyInfo"]


@dataclass(frozen=True)
class StudyInfo:
    """What a report's method chapter says about the fieldwork behind the answers."""

    name: str
    population: str = ""  # plural noun, e.g. "kommunaldirektører"
    opened: date | None = None
    closed: date | None = None
    rounds_sent: int = 0  # invitation plus reminders
    # One row per municipality (or group): columns ``group,invited,opened,started,completed``
    # (counts); the method chapter's response table (Bilagstabel 1.1) is made from it.
    response: pd.DataFrame | None = None
    withdrawn: int = 0  # respondents erased on request (art. 17) before this was made
    # The response curve (samspil.analysis.response_curve): questionnaires completed per
    # day (columns ``date,responses``), and the mailings as (round, first day sent), round
    # 0 the invitation and 1-3 the reminders.
    daily: pd.DataFrame | None = None
    mailings: tuple[tuple[int, date], ...] = ()


@dataclass
class Responses:
    """Answers validated against an instrument.

    ``data`` has a ``respondent_id`` column, then one column per instrument variable present
    (codes as floats, open answers as text, NaN/None where not answered). ``missing`` names
    the instrument variables the source did not carry; ``notes`` are remarks for the user
    (e.g. an encoding or separator that was guessed).
    """

    instrument: Instrument
    data: pd.DataFrame
    source: str = ""
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    study: StudyInfo | None = None

    @classmethod
    def from_file(
        cls, source: Path | str | bytes, instrument: Instrument, *, name: str | None = None
    ) -> Responses:
        """Read and validate an answers file, a path or bytes named ``name`` (all or
        nothing; ``DataImportError`` names file, row and column)."""
        from samspil.importing import read_responses

        return read_responses(source, instrument, name=name)

    @property
    def withdrawn(self) -> int:
        return self.study.withdrawn if self.study else 0
