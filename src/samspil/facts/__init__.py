"""Facts about Denmark's 98 municipalities, shipped as package data (``kommuner.csv``).

Columns: ``code`` (kommunekode), ``name``, ``region`` and ``population`` (inhabitants at
1 January of :data:`POPULATION_YEAR`; empty where no sourced figure is bundled). The
region of each municipality is fixed by law (lov om regioner og om nedlæggelse af
amtskommunerne, 2005). The sources are named in ``kommuner.md`` beside the data.

Pure core: no Django. Use :func:`municipality_facts` for a DataFrame and
:func:`size_band` for the seed reports' size bands (fc2015, Tabel 5.7).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

POPULATION_YEAR: int | None = None
SOURCE = "Regioner: lov om regioner (2005). Befolkning: ikke medleveret."

REGIONS = (
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Nordjylland",
)


@cache
def _facts() -> pd.DataFrame:
    with resources.files(__package__).joinpath("kommuner.csv").open("rb") as handle:
        frame = pd.read_csv(handle, dtype={"code": "int64", "name": "string", "region": "string"})
    frame["population"] = frame["population"].astype("Int64")
    return frame


def municipality_facts() -> pd.DataFrame:
    """One row per municipality: code, name, region, population (Int64, may be <NA>)."""
    return _facts().copy()


def size_band(population: float | None) -> str | None:
    """The seed reports' size band for a population ("Under 35.000", ...), or None."""
    from samspil.reports.groups import SIZE_BANDS

    if population is None or pd.isna(population):
        return None
    for low, high, label in SIZE_BANDS:
        if low <= population < high:
            return label
    return None
