"""Each municipality's own report: its answers beside everyone else's.

``samspil report ID --data F --by kommune --out DIR`` writes one report per municipality
that answered into ``DIR/<slug>/`` and ``DIR/index.csv`` (``kommune,folder,respondents``).
Pure core: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from samspil.errors import DomainError
from samspil.instruments import Instrument
from samspil.reports.spec import ReportSpec
from samspil.responses import Responses

__all__ = ["INDEX_COLUMNS", "municipality_slug", "write_municipality_reports"]

INDEX_COLUMNS = ("kommune", "folder", "respondents")
KEY = "kommune"
DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def municipality_slug(name: str) -> str:
    """A folder name for a municipality: lower case ASCII, words joined by '-'
    ("Høje-Taastrup" -> "hoeje-taastrup", "Lyngby-Taarbæk" -> "lyngby-taarbaek")."""
    text = unicodedata.normalize("NFKD", str(name).translate(DANISH))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "kommune"


def _responses(data: Responses | pd.DataFrame, instrument: Instrument | None) -> Responses:
    if isinstance(data, Responses):
        return data
    if instrument is None:
        raise TypeError("answers given as a DataFrame need their instrument")
    return Responses(instrument, data)


def municipalities(responses: Responses) -> pd.Series:
    """Each respondent's municipality (stripped text; <NA> where not given); a clear
    error when the answers carry no ``kommune``."""
    data = responses.data
    where = f"{responses.source}: " if responses.source else ""
    if KEY not in data.columns:
        raise DomainError(
            f"--by kommune: {where}the answers have no column 'kommune' naming each "
            "respondent's municipality"
        )
    names = data[KEY].astype("string").str.strip()
    names = names.mask(names == "")
    if names.isna().all():
        raise DomainError(f"--by kommune: {where}no respondent has a municipality in 'kommune'")
    return names


def write_municipality_reports(
    spec: ReportSpec | str,
    data: Responses | pd.DataFrame,
    instrument: Instrument | None,
    out: Path,
    *,
    min_cell: int = 5,
    kommuner: Sequence[str] | None = None,
    previous: Responses | None = None,
    formats: Collection[str] | None = None,
    **report_options: Any,
) -> pd.DataFrame:
    """One report per municipality that answered (only those in ``kommuner`` when given)
    into ``out/<slug>/``; returns the index (``kommune,folder,respondents``), also written
    to ``out/index.csv``."""
    from samspil.reports import ALL_FORMATS, make_report

    responses = _responses(data, instrument)
    names = municipalities(responses)
    counts = names.value_counts(sort=False)
    chosen = sorted(counts.index) if kommuner is None else list(kommuner)
    unknown = [k for k in chosen if k not in counts.index]
    if unknown:
        raise DomainError(f"--by kommune: no answers from {', '.join(map(str, unknown))}")
    out = Path(out)
    rows = []
    for name in chosen:
        folder = municipality_slug(name)
        others = Responses(
            responses.instrument,
            responses.data[(names != name).fillna(True)].reset_index(drop=True),
            responses.source,
        )
        make_report(
            spec,
            others,
            out / folder,
            min_cell=min_cell,
            formats=formats or ALL_FORMATS,
            previous=previous,
            **report_options,
        )
        rows.append({"kommune": name, "folder": folder, "respondents": int(counts[name])})
    index = pd.DataFrame(rows, columns=list(INDEX_COLUMNS))
    out.mkdir(parents=True, exist_ok=True)
    index.to_csv(out / "index.csv", index=False)
    return index
