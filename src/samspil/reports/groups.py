"""Groups for breakdowns: administrative areas (overlapping memberships coded in the data)
and municipality types from a municipality attributes file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from samspil.errors import DomainError
from samspil.instruments import Instrument
from samspil.reports.errors import Skip

ATTRIBUTE_COLUMNS = ("kommune", "population", "expenditure_pressure", "mayor_party")

TITLES = {
    "areas": "Fag- og forvaltningsområde",
    "size_band": "Kommunestørrelse (indbyggere)",
    "pressure_half": "Udgiftspres",
    "pressure_quintile": "Udgiftspres (kvintiler)",
    "pressure_band": "Udgiftspres",
    "mayor_bloc": "Borgmesterens parti",
}

SIZE_BANDS = [
    (0, 35_000, "Under 35.000"),
    (35_000, 50_000, "35.000-49.999"),
    (50_000, 75_000, "50.000-74.999"),
    (75_000, np.inf, "75.000 og derover"),
]
PRESSURE_BANDS = [
    (0, 95, "85-95"),
    (95, 100, "95-100"),
    (100, 105, "100-105"),
    (105, np.inf, ">105"),
]
BLUE = {"V", "K", "O", "I", "LA", "C", "DF"}
RED = {"A", "B", "F", "Ø", "R", "S", "SF"}


class GroupError(DomainError):
    pass


def groups(
    kind: str, instrument: Instrument, data: pd.DataFrame, attributes: pd.DataFrame | None
) -> dict[str, pd.Series]:
    if kind == "areas":
        return area_groups(instrument, data)
    if attributes is None:
        raise Skip("Ingen fil med kommunernes karakteristika er angivet (--attributes).")
    return attribute_groups(kind, data, attributes)


def area_groups(instrument: Instrument, data: pd.DataFrame) -> dict[str, pd.Series]:
    areas = [v for v in instrument.variables if v.name.startswith("omr_") and v.kind == "binary"]
    present = [v for v in areas if v.name in data.columns]
    if not present:
        raise Skip("Data har ingen variable for fag- og forvaltningsområder (omr_1 ... omr_8).")
    return {v.question: data[v.name] == 1 for v in present}


def municipality_types(attributes: pd.DataFrame) -> pd.DataFrame:
    """Per kommune: size band, pressure half/quintile/band and mayor's bloc."""
    frame = attributes.copy()
    frame["kommune"] = frame["kommune"].astype(str).str.strip()
    population = pd.to_numeric(frame["population"], errors="coerce")
    pressure = pd.to_numeric(
        frame["expenditure_pressure"].astype(str).str.replace(",", ".", regex=False),
        errors="coerce",
    )
    if population.isna().any() or pressure.isna().any():
        rows = ", ".join(str(r + 2) for r in frame.index[population.isna() | pressure.isna()][:10])
        raise GroupError(f"population and expenditure_pressure must be numbers (rows {rows})")
    out = pd.DataFrame({"kommune": frame["kommune"]})
    out["size_band"] = pd.cut(
        population,
        [b[0] for b in SIZE_BANDS] + [np.inf],
        right=False,
        labels=[b[2] for b in SIZE_BANDS],
    ).astype(str)
    median = pressure.median()
    out["pressure_half"] = np.where(pressure > median, "Højt udgiftspres", "Lavt udgiftspres")
    ranks = pressure.rank(method="first")
    out["pressure_quintile"] = pd.qcut(
        ranks,
        5,
        labels=[
            "Laveste udgiftspres",
            "2. kvintil",
            "3. kvintil",
            "4. kvintil",
            "Højeste udgiftspres",
        ],
    ).astype(str)
    out["pressure_band"] = pd.cut(
        pressure,
        [b[0] for b in PRESSURE_BANDS] + [np.inf],
        right=False,
        labels=[b[2] for b in PRESSURE_BANDS],
    ).astype(str)
    party = frame["mayor_party"].astype(str).str.strip().str.upper()
    out["mayor_bloc"] = np.select([party.isin(BLUE), party.isin(RED)], ["Blå", "Rød"], "Andet")
    return out


ORDER = {
    "size_band": [b[2] for b in SIZE_BANDS],
    "pressure_half": ["Lavt udgiftspres", "Højt udgiftspres"],
    "pressure_quintile": [
        "Laveste udgiftspres",
        "2. kvintil",
        "3. kvintil",
        "4. kvintil",
        "Højeste udgiftspres",
    ],
    "pressure_band": [b[2] for b in PRESSURE_BANDS],
    "mayor_bloc": ["Blå", "Rød", "Andet"],
}


def attribute_groups(
    kind: str, data: pd.DataFrame, attributes: pd.DataFrame
) -> dict[str, pd.Series]:
    if "kommune" not in data.columns:
        raise Skip("Data har ingen kolonne 'kommune' at koble kommunernes karakteristika på.")
    types = municipality_types(attributes).set_index("kommune")[kind]
    group = data["kommune"].astype(str).str.strip().map(types)
    if group.isna().all():
        raise Skip("Ingen af kommunerne i data findes i filen med kommunernes karakteristika.")
    return {label: group == label for label in ORDER[kind]}
