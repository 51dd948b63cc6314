"""The fc2015 survey's tables 5.1, 5.3, 5.4 and 5.6, computed from register records.

Pure (no Django): :func:`register_tables` takes one row per collaboration (made by
``samspil.register.tables.collaboration_frame``) and computes with the analysis core.
The survey asked department heads what *usually* happens; the register counts
collaborations, so each table gives the share of collaborations:

* 5.1 how the collaboration was initiated (one answer per collaboration);
* 5.3 organised by a written agreement or informally;
* 5.4 occasional / short (< 6 months) / long (>= 6 months) / integrated in daily
  operations (several may apply; duration from the start and end dates);
* 5.6 which measures its value reports document, and "none" when no report documents any.

With a survey report's ``tables/`` folder the survey's own figure goes beside each row:
the share answering "Som regel" (5.1, 5.4), always or often (5.3), or ticking the option
(5.6).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samspil.analysis.distributions import frequency, multiple_response
from samspil.register.taxonomy import taxonomy

CHARACTER_COLUMNS = ("char_lejligheder", "char_kortvarige", "char_langvarige", "char_integreret")
CHARACTER_LABELS = (
    "Foregår ved særlige lejligheder, arrangementer og konkrete opgaver",
    "Kortvarige i tid (mindre end seks måneder)",
    "Langvarige i tid (mere end seks måneder)",
    "En integreret og kontinuerlig del af kommunens daglige drift",
)
SURVEY_CHARACTER = ("q20_lejligheder", "q20_kortvarige", "q20_langvarige", "q20_integreret")
NONE_MEASURE = "Ingen af målene er dokumenteret"
SHORT_DAYS = 183


def measure_column(survey_code: int) -> str:
    return f"q23_{survey_code}"


def register_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Columns of each table: ``label``, ``n``, ``percent`` (of all collaborations)."""
    tax = taxonomy()
    tables: dict[str, pd.DataFrame] = {}

    initiative = frequency(frame["initiative"], [t.survey for t in tax.initiatives if t.survey])
    initiative.insert(0, "label", [t.label for t in tax.initiatives])
    tables["tabel_5_1"] = initiative.drop(columns="answer")

    organisation = frequency(
        frame["organisation"], [t.survey for t in tax.organisation if t.survey]
    )
    organisation.insert(0, "label", [t.label for t in tax.organisation])
    tables["tabel_5_3"] = organisation.drop(columns="answer")

    character = multiple_response(frame, list(CHARACTER_COLUMNS))
    character.insert(0, "label", list(CHARACTER_LABELS))
    tables["tabel_5_4"] = character.drop(columns="option")

    columns = [measure_column(t.survey) for t in tax.measures if t.survey] + [measure_column(9)]
    measures = multiple_response(frame, columns)
    measures.insert(0, "label", [t.label for t in tax.measures if t.survey] + [NONE_MEASURE])
    tables["tabel_5_6"] = measures.drop(columns="option")
    return tables


def _survey_rows(folder: Path, block: str) -> pd.DataFrame | None:
    path = folder / f"{block}.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path)


def add_survey(tables: dict[str, pd.DataFrame], folder: Path) -> dict[str, pd.DataFrame]:
    """Add the column ``survey_percent`` from a survey report's tables folder (made by
    ``samspil report fc2015 ... --formats csv``); rows are matched through the report spec."""
    from samspil.reports import load_spec

    spec = load_spec("fc2015")
    blocks = {b.id: b for chapter in spec.chapters for b in chapter.blocks}
    tax = taxonomy()
    out = {name: table.copy() for name, table in tables.items()}

    def first_column(block_id: str, variables: list[str]) -> list[float]:
        survey = _survey_rows(folder, block_id)
        order = list(blocks[block_id].variables or [])
        if survey is None:
            return [np.nan] * len(variables)
        first = survey.columns[1]  # "Som regel", or n for multiple response
        column = "percent" if "percent" in survey.columns else first
        return [
            float(survey[column].iloc[order.index(v)]) if v in order else np.nan for v in variables
        ]

    out["tabel_5_1"]["survey_percent"] = first_column(
        "tabel_5_1",
        [f"q18_{t.code}" for t in tax.initiatives],
    )
    out["tabel_5_4"]["survey_percent"] = first_column("tabel_5_4", list(SURVEY_CHARACTER))
    out["tabel_5_6"]["survey_percent"] = first_column(
        "tabel_5_6", [measure_column(t.survey) for t in tax.measures if t.survey] + ["q23_9"]
    )
    survey = _survey_rows(folder, "tabel_5_3")
    if survey is not None:
        codes = list(blocks["tabel_5_3"].categories or [])
        shares = [
            sum(float(survey["percent"].iloc[codes.index(c)]) for c in t.survey_codes)
            for t in tax.organisation
        ]
    else:
        shares = [np.nan] * len(tax.organisation)
    out["tabel_5_3"]["survey_percent"] = shares
    return out
