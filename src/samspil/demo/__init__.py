"""Synthetic answers for demos, tests and benchmarks. Clearly not real survey data.

``synthetic_responses`` draws answers for every variable of an instrument: skewed answer
distributions per item (seeded by the variable name, so repeatable), a few special
answers, open answers from a small phrase bank, and respondents who stop part-way (kept
as partial responses, as in the real surveys).
"""

from __future__ import annotations

import csv
import zlib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from samspil.instruments import Instrument, load

BANNER = "SYNTETISKE DEMODATA: tallene er tilfældigt dannet og beskriver ingen rigtige kommuner."
DATA = resources.files("samspil.demo") / "data"

PHRASES = [
    "Mangel på arbejdskraft og rekruttering af medarbejdere",
    "Økonomisk pres på budgettet og stigende udgifter",
    "Den demografiske udvikling med flere ældre",
    "Forventningskløft mellem borgernes ønsker og kommunens muligheder",
    "Udgiftspresset på det specialiserede socialområde",
    "Tydelige roller og aftaler fra starten",
    "Fælles mål og gensidig respekt i samarbejdet",
    "Tid og ressourcer til at opbygge relationer",
    "Åbenhed over for foreningernes måde at arbejde på",
    "Borgmesteren sætter retning og deltager i arrangementer",
    "Kultur og mindset i forvaltningen",
    "Politisk opbakning og ledelsesopbakning",
    "Innovation og nye idéer fra civilsamfundet",
    "Lokal forankring og ejerskab",
]


def _rng_for(name: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def municipalities(count: int = 98) -> list[str]:
    return [f"Demokommune {i:02d}" for i in range(1, count + 1)]


def synthetic_responses(instrument: Instrument, n: int, *, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sections = [s.id for s in instrument.sections]
    # how far each respondent got: most finish, some stop after a section
    finished = rng.random(n) < 0.88
    stop_at = np.where(finished, len(sections), rng.integers(1, len(sections), n))
    columns: dict[str, object] = {"respondent_id": [f"demo{i + 1:06d}" for i in range(n)]}
    areas = [v for v in instrument.variables if v.name.startswith("omr_")]
    area_choice = rng.integers(0, max(1, len(areas)), n)
    second_area = rng.integers(0, max(1, len(areas)), n)
    names = municipalities()
    for var in instrument.variables:
        r = _rng_for(var.name, seed)
        if var.section_id == "sample":
            if var.name == "kommune":
                columns[var.name] = np.array(names, dtype=object)[rng.integers(0, len(names), n)]
            elif var.name.startswith("omr_"):
                k = areas.index(var)
                member = (area_choice == k) | ((second_area == k) & (rng.random(n) < 0.3))
                columns[var.name] = member.astype(float)
            else:
                columns[var.name] = np.full(n, np.nan)
            continue
        reached = stop_at > sections.index(var.section_id)
        if var.kind == "text":
            bank = np.array(PHRASES, dtype=object)
            picks = bank[r.integers(0, len(bank), n)]
            second = bank[r.integers(0, len(bank), n)]
            text = np.where(r.random(n) < 0.35, picks + ". " + second, picks)
            answered = reached & (r.random(n) < 0.93)
            columns[var.name] = pd.Series(text, dtype=object).where(answered, None).to_numpy()
            continue
        if var.kind == "number":
            values = r.poisson(8, n).astype(float)
        elif var.kind == "binary":
            values = (r.random(n) < r.uniform(0.1, 0.7)).astype(float)
        else:
            substantive = var.substantive_codes
            special = list(var.special_codes)
            if len(substantive) > 12:  # pick-a-number such as years
                weights = np.exp(-np.arange(len(substantive)) / 8.0)
            else:
                weights = r.dirichlet(np.ones(len(substantive)) * 1.5)
            weights = weights / weights.sum() * (0.94 if special else 1.0)
            probs = np.concatenate([weights, np.full(len(special), 0.06 / max(1, len(special)))])
            codes = np.array(substantive + special, dtype=float)
            values = r.choice(codes, size=n, p=probs[: len(codes)] / probs[: len(codes)].sum())
        skipped = r.random(n) < 0.02
        columns[var.name] = np.where(reached & ~skipped, values, np.nan)
    return pd.DataFrame(columns)


def synthetic_attributes(seed: int = 2015) -> pd.DataFrame:
    """A municipality attributes file for the demo municipalities (synthetic numbers)."""
    rng = np.random.default_rng(seed)
    names = municipalities()
    return pd.DataFrame(
        {
            "kommune": names,
            "population": rng.lognormal(10.8, 0.6, len(names)).round().astype(int),
            "expenditure_pressure": rng.normal(100, 5, len(names)).round(1),
            "mayor_party": rng.choice(["A", "V", "K", "F", "B", "O"], len(names)),
        }
    )


def synthetic_codes(data: pd.DataFrame, codebook_id: str, *, seed: int = 7) -> pd.DataFrame:
    """Final codes ``respondent_id,variable,code`` for the open answers in ``data``: one or
    two themes per answer, drawn at random (synthetic, for the demo report)."""
    from samspil.coding import load_codebook

    rng = np.random.default_rng(seed)
    frames = []
    for question in load_codebook(codebook_id).questions:
        if question.variable not in data.columns:
            continue
        codes = np.array([t.code for t in question.themes], dtype=object)
        weights = rng.dirichlet(np.ones(len(codes)))
        respondents = data.loc[data[question.variable].notna(), "respondent_id"].to_numpy()
        # Themes drawn without replacement, in proportion to the weights, all answers at
        # once: the largest log-weights plus Gumbel noise (the Gumbel-top-k trick).
        with np.errstate(divide="ignore"):
            keys = np.log(weights) + rng.gumbel(size=(len(respondents), len(codes)))
        drawn = np.argsort(-keys, axis=1)[:, : min(2, len(codes))]
        two = rng.random(len(respondents)) < 0.4  # one or two themes per answer
        mask = np.column_stack([np.ones(len(respondents), bool), two])[:, : drawn.shape[1]]
        frames.append(
            pd.DataFrame(
                {
                    "respondent_id": np.repeat(respondents, mask.sum(axis=1)),
                    "variable": question.variable,
                    "code": codes[drawn[mask]],
                }
            )
        )
    columns = ["respondent_id", "variable", "code"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def demo_facts() -> pd.DataFrame:
    """Region and population of the demo municipalities, as ``samspil.facts`` gives them
    for the real ones: Demokommune NN lies in the region of the NN-th municipality by code
    and has the population of the bundled demo attributes (fc2015_kommuner_demo.csv)."""
    from samspil.facts import municipality_facts

    regions = municipality_facts().sort_values("code")["region"].tolist()
    attributes = pd.read_csv(demo_file("fc2015_kommuner_demo.csv"))
    population = dict(zip(attributes["kommune"], attributes["population"], strict=True))
    names = municipalities(len(regions))
    return pd.DataFrame(
        {
            "kommune": names,
            "region": regions,
            "population": pd.array([population.get(n) for n in names], dtype="Int64"),
        }
    )


def with_real_names(names: pd.Series) -> pd.Series:
    """The demo files' "Demokommune NN" as the NN-th municipality by code (the one whose
    region :func:`demo_facts` gives it; other values unchanged), for ``samspil demo``:
    with real names its kd2024 report sets the respondents against the country's 98
    municipalities (Tabel 10.3), as the web demo's does. The answers stay synthetic."""
    from samspil.facts import municipality_names

    real = dict(zip(municipalities(98), [n for _c, n in municipality_names()], strict=True))
    return names.map(lambda name: real.get(name, name))


def demo_file(name: str) -> Path:
    return Path(str(DATA / name))


def write_bundled(folder: Path | None = None) -> list[Path]:
    """(Re)generate the bundled demo files (run by the maintainers, output committed)."""
    folder = folder or Path(str(DATA))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for instrument_id, n in (("kd2024", 79), ("fc2015", 445), ("fo2016", 480), ("komp2021", 300)):
        data = synthetic_responses(load(instrument_id), n)
        path = folder / f"{instrument_id}_demo.csv"
        data.to_csv(
            path, index=False, encoding="utf-8", float_format="%.15g", quoting=csv.QUOTE_NONNUMERIC
        )
        written.append(path)
    kd2024 = pd.read_csv(folder / "kd2024_demo.csv", dtype={"respondent_id": str})
    path = folder / "kd2024_codes_demo.csv"
    synthetic_codes(kd2024, "kd2024").to_csv(path, index=False, encoding="utf-8")
    written.append(path)
    path = folder / "fc2015_kommuner_demo.csv"
    synthetic_attributes().to_csv(path, index=False, encoding="utf-8", quoting=csv.QUOTE_NONNUMERIC)
    written.append(path)
    return written
