"""Facts about Denmark's 98 municipalities, shipped as package data (``kommuner.csv``).

Columns: ``code`` (kommunekode), ``name``, ``region`` and ``population`` (inhabitants at
1 January of :data:`POPULATION_YEAR`; empty where no sourced figure is bundled). The
region of each municipality is fixed by law (lov om regioner og om nedlæggelse af
amtskommunerne, 2005). The sources are named in ``kommuner.md`` beside the data.

Pure core: no Django. Use :func:`municipality_facts` for a DataFrame,
:func:`size_band` for the seed reports' size bands (fc2015, Tabel 5.7) and
:func:`municipality_code` to match a name as written in a list or a data file, and
:func:`municipality_names` for the (code, name) pairs the web's Municipality table holds.
"""

from __future__ import annotations

import csv
import io
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


@cache
def municipality_names() -> tuple[tuple[int, str], ...]:
    """(code, name) of the 98 municipalities in code order, read from ``kommuner.csv`` (the
    one list: the Municipality table's data migration loads it too). Without pandas, so a
    migration or a command reading the names does not import it for this."""
    text = resources.files(__package__).joinpath("kommuner.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return tuple(sorted((int(row["code"]), row["name"]) for row in rows))


# Spellings seen in lists and reports, normalised (lower case, no "kommune").
VARIANTS: dict[str, str] = {
    "københavns": "København",
    "kobenhavn": "København",
    "lyngby": "Lyngby-Taarbæk",
    "høje taastrup": "Høje-Taastrup",
    "faaborg midtfyn": "Faaborg-Midtfyn",
    "ikast brande": "Ikast-Brande",
    "ringkøbing skjern": "Ringkøbing-Skjern",
    "nordfyn": "Nordfyns",
    "vesthimmerland": "Vesthimmerlands",
    "århus": "Aarhus",
    "ålborg": "Aalborg",
    "åbenrå": "Aabenraa",
    "bornholms regionskommune": "Bornholm",
    "bornholms": "Bornholm",
}


def normalise(name: str) -> str:
    """A municipality's name as matched: lower case, single spaces, without "Kommune"."""
    text = " ".join(name.replace("\u00a0", " ").split()).lower()
    if text.endswith(" kommune"):
        text = text[: -len(" kommune")]
    return text


@cache
def _codes() -> dict[str, int]:
    frame = _facts()
    lookup: dict[str, int] = {}
    for code, name in zip(frame["code"], frame["name"], strict=True):
        lookup[normalise(str(name))] = int(code)
        lookup[str(code)] = int(code)
        lookup[f"{code:03d}"] = int(code)
        lookup[f"{code:04d}"] = int(code)  # as DAWA and DST write it ("0101")
    by_name = {normalise(str(n)): int(c) for c, n in zip(frame["code"], frame["name"], strict=True)}
    for variant, canonical in VARIANTS.items():
        lookup[variant] = by_name[normalise(canonical)]
    return lookup


def municipality_code(name: object) -> int | None:
    """The municipality code a cell names (name with or without "Kommune", code, or a
    known spelling variant), or None."""
    if name is None or (isinstance(name, float) and name != name):
        return None
    text = str(name).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a code read as a number
        text = text[:-2]
    return _codes().get(normalise(text))


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
