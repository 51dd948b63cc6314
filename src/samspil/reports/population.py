"""The population a report's respondents are set against (``--population kommuner``): the
98 municipalities from :mod:`samspil.facts`, with their region and size band, and the
characteristics of a municipality attributes file (``--attributes``).

Respondents are matched to their municipality by the data's ``kommune`` column: to the
bundled facts by name, code or known spelling (:func:`samspil.facts.municipality_code`),
to the attributes file by its ``kommune`` name. The unit of the population is the
municipality, so a margin is a number of municipalities per category.

Pure (no Django).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial
from typing import Any

import numpy as np
import pandas as pd

from samspil.analysis import weights as weighted
from samspil.errors import DomainError
from samspil.facts import REGIONS, municipality_code, municipality_facts, normalise
from samspil.reports import groups as grouping
from samspil.reports.build import Column, Inputs, Result, _header
from samspil.reports.errors import Skip
from samspil.reports.formatting import number
from samspil.reports.kinds import register_table_kind
from samspil.reports.notes import from_text
from samspil.reports.spec import Block, Chapter, ReportSpec
from samspil.responses import Responses

POPULATIONS = ("kommuner",)
RAKE_COLUMN = "rakingvaegt"
# --rake names -> the characteristic they mean
RAKE_NAMES = {"region": "region", "size": "size_band", "size_band": "size_band"}
TITLES = {"region": "Region", **grouping.TITLES}
ATTRIBUTE_TYPES = ("pressure_band", "mayor_bloc")  # besides size_band


class PopulationError(DomainError):
    pass


@dataclass
class Characteristic:
    """One characteristic: each respondent's category (NaN where unknown), each unit's of
    the population, and the categories in order."""

    name: str
    title: str
    respondents: pd.Series
    population: pd.Series
    order: list[str]


def _size_labels() -> list[str]:
    return [b[2] for b in grouping.SIZE_BANDS]


def _facts_size(facts: pd.DataFrame) -> pd.Series | None:
    """Each municipality's size band from the bundled populations (None unless all 98
    have one)."""
    if facts["population"].isna().any():
        return None
    bands = pd.cut(
        facts["population"].astype(float),
        [b[0] for b in grouping.SIZE_BANDS] + [np.inf],
        right=False,
        labels=_size_labels(),
    )
    return pd.Series(bands.astype(str).to_numpy(), index=facts.index)


def _each_distinct(values: pd.Series, how: Callable[[Any], Any]) -> pd.Series:
    """``values.map(how)``, with ``how`` called once per distinct value (a municipality's
    name repeats for each of its respondents)."""
    positions, distinct = pd.factorize(values, use_na_sentinel=True)
    done = [how(v) for v in distinct] + [how(np.nan)]  # the last: a missing cell (-1)
    return pd.Series(pd.array(done, dtype=object)[positions], index=values.index).infer_objects()


def _attribute(keyed: pd.DataFrame, kind: str, key: object) -> object:
    return keyed.at[key, kind] if key in keyed.index else np.nan


def characteristics(
    data: pd.DataFrame, attributes: pd.DataFrame | None = None
) -> tuple[list[Characteristic], int]:
    """The characteristics the respondents can be set against the population by: region
    and size band from the bundled facts (those the data's ``kommune`` names), size band and
    the other municipality types from ``attributes``; and how many respondents matched no
    municipality of the facts (nor of the attributes)."""
    if "kommune" not in data.columns:
        return [], len(data)
    names = data["kommune"]
    facts = municipality_facts()
    codes = _each_distinct(names, municipality_code)
    by_code = facts.set_index("code")
    found: list[Characteristic] = []
    matched = codes.notna()
    if matched.any():
        region = _each_distinct(
            codes, lambda c: by_code.at[c, "region"] if c == c and c else np.nan
        )
        found.append(
            Characteristic("region", "Region", region, facts["region"].astype(str), list(REGIONS))
        )
        size = _facts_size(facts)
        if size is not None:
            size_by_code = dict(zip(facts["code"], size, strict=True))
            found.append(
                Characteristic(
                    "size_band",
                    TITLES["size_band"],
                    _each_distinct(codes, lambda c: size_by_code.get(c, np.nan)),
                    size,
                    _size_labels(),
                )
            )
    if attributes is not None:
        types = grouping.municipality_types(attributes)
        types["key"] = types["kommune"].map(lambda n: normalise(str(n)))
        keyed = types.drop_duplicates("key").set_index("key")
        keys = _each_distinct(
            names, lambda n: normalise(str(n)) if n == n and n is not None else None
        )
        in_attributes = keys.isin(keyed.index)
        matched = matched | in_attributes
        have = {c.name for c in found}
        for kind in ("size_band", *ATTRIBUTE_TYPES):
            if kind in have:
                continue
            order = list(grouping.ORDER.get(kind, sorted(types[kind].unique())))
            found.append(
                Characteristic(
                    kind,
                    TITLES.get(kind, kind),
                    _each_distinct(keys, partial(_attribute, keyed, kind)),
                    types[kind].astype(str),
                    [o for o in order if o in set(types[kind])],
                )
            )
    return found, int((~matched).sum())


def raking_weights(
    data: pd.DataFrame, margins: Sequence[str], attributes: pd.DataFrame | None = None
) -> pd.Series:
    """``--rake region,size``: a weight per respondent (mean 1) raked to the number of
    municipalities per category of each margin. Every respondent must have a category of
    each margin (a clear error names them otherwise)."""
    from samspil.analysis.representativeness import rake

    known = {c.name: c for c in characteristics(data, attributes)[0]}
    chosen: dict[str, Characteristic] = {}
    for margin in margins:
        name = RAKE_NAMES.get(margin, margin)
        if name not in known:
            why = (
                "the bundled facts have no populations and no --attributes file gives them"
                if name == "size_band"
                else "no municipality of the data is found in the population"
                if name == "region"
                else f"known: {', '.join(['region', 'size', *ATTRIBUTE_TYPES])}"
            )
            raise PopulationError(f"--rake {margin}: cannot rake to this margin ({why})")
        chosen[name] = known[name]
    frame = pd.DataFrame({name: c.respondents for name, c in chosen.items()})
    unknown = frame.isna().any(axis=1)
    if unknown.any():
        rows = data.loc[unknown, "respondent_id"].tolist() if "respondent_id" in data else []
        shown = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise PopulationError(
            f"--rake: {int(unknown.sum())} respondents' kommune matches no municipality of the "
            f"population (respondent_id {shown})"
        )
    margin_counts: dict[str, dict[str, float]] = {}
    for name, c in chosen.items():
        counts = c.population.value_counts()
        margin_counts[name] = {k: float(counts[k]) for k in c.order if counts.get(k, 0)}
    try:
        return rake(frame, margin_counts).rename(RAKE_COLUMN)
    except ValueError as exc:
        raise PopulationError(f"--rake: {exc}") from exc


def rake_titles(margins: Sequence[str]) -> list[str]:
    """The margins as the method chapter names them (lower case)."""
    return [TITLES.get(RAKE_NAMES.get(m, m), m).lower() for m in margins]


# -- the table kind -------------------------------------------------------------------------


def _weighted_pct(respondents: pd.Series, weights: pd.Series, order: list[str]) -> list[float]:
    known = respondents.notna()
    total = float(weights[known].sum())
    return [
        float(weights[respondents == category].sum()) / total * 100 if total else np.nan
        for category in order
    ]


@register_table_kind("representativeness")
def representativeness_table(block: Block, inputs: Inputs) -> Result:
    """Respondents against the population (the 98 municipalities; the attributes file's),
    per characteristic, with a chi-square goodness-of-fit test of each; with weights, the
    weighted percentages beside."""
    found, unmatched = characteristics(inputs.data, inputs.attributes)
    if not found:
        where = (
            " eller i filen med kommunernes karakteristika" if inputs.attributes is not None else ""
        )
        raise Skip(
            "Ingen af besvarelsernes kommuner (kolonnen kommune) findes blandt landets "
            f"98 kommuner{where}."
        )
    weights = inputs.weight_values
    data, tests, small = _characteristic_tables(found, weights)
    note = _representativeness_note(
        found, tests, small, answered=int(len(inputs.data) - unmatched), unmatched=unmatched
    )
    if weights is not None:
        note += " Vægtet pct.: besvarelsernes andel med vægtene."
    columns = [
        Column("group", _header(block, "Kendetegn"), "text"),
        Column("category", "", "text"),
        Column("population", "Kommuner", "int"),
        Column("population_pct", "Pct. af kommunerne", "pct"),
        Column("respondents", "Besvarelser", "int"),
        Column("respondents_pct", "Pct. af besvarelserne", "pct"),
    ]
    if weights is not None:
        columns.append(Column("weighted_pct", "Vægtet pct.", "pct"))
    note = from_text(block.note).then(note) if block.note else note
    return Result(block, data, columns, note, weighted=weights is not None)


def _characteristic_tables(
    found: list[Characteristic], weights: pd.Series | None
) -> tuple[pd.DataFrame, list[str], bool]:
    """One table of every characteristic, stacked; each test's words for the note; and
    whether some category expects fewer than 5 answers."""
    from samspil.analysis.representativeness import representativeness

    frames, tests, small = [], [], False
    for c in found:
        table = representativeness(c.respondents, c.population, c.order)
        table.insert(0, "characteristic", c.title)
        table.insert(1, "group", [c.title] + [""] * (len(table) - 1))
        table["expected"] = table.attrs["expected"]
        table["chi2"], table["df"], table["p"] = (
            table.attrs["chi2"],
            table.attrs["df"],
            table.attrs["p"],
        )
        if weights is not None:
            table["weighted_pct"] = _weighted_pct(c.respondents, weights, c.order)
        small = small or bool((table.loc[table["population"] > 0, "expected"] < 5).any())
        p = table.attrs["p"]
        title = c.title[:1].lower() + c.title[1:]
        tests.append(
            f"{title}: χ² = {number(table.attrs['chi2'], 2)} "
            f"(df = {table.attrs['df']}), p = {number(p, 3)}"
            if p == p
            else f"{title}: ingen test"
        )
        frames.append(table)
    data = pd.concat(frames, ignore_index=True)
    if weights is not None:
        data.attrs["n_eff"] = weighted.effective_n(weights.to_numpy(dtype=float))
    return data, tests, small


def _representativeness_note(
    found: list[Characteristic], tests: list[str], small: bool, *, answered: int, unmatched: int
) -> str:
    names = {c.name for c in found}
    whom = (
        "landets kommuner" if "region" in names else "kommunerne i filen med deres karakteristika"
    )
    note = (
        f"Besvarelserne ({answered}) sammenholdt med {whom}: antal og andel af kommunerne "
        "og af besvarelserne i hver kategori."
    )
    if "region" in names:
        note += f" Regioner: {SOURCE_REGIONS}."
    if "size_band" in names:
        note += (
            f" Kommunestørrelse: {SOURCE_POPULATION}."
            if _facts_have_population()
            else " Kommunestørrelse efter indbyggertallet i filen med kommunernes karakteristika."
        )
    note += (
        " Chi-i-anden-test af, om besvarelserne fordeler sig som kommunerne "
        f"(goodness of fit): {'; '.join(tests)}."
    )
    if small:
        note += " Nogle kategorier ville forvente færre end 5 besvarelser; testen er vejledende."
    if unmatched:
        note += (
            f" {unmatched} {'besvarelse' if unmatched == 1 else 'besvarelser'} kunne ikke "
            "knyttes til en kommune og indgår ikke."
        )
    return note


SOURCE_REGIONS = "lov om regioner (2005)"
SOURCE_POPULATION = "folketal 1. januar efter Danmarks Statistik (se samspil.facts)"


def _facts_have_population() -> bool:
    return not municipality_facts()["population"].isna().any()


# -- raking a report's answers ----------------------------------------------------------------


def with_raking(
    responses: Responses, margins: Sequence[str], attributes: pd.DataFrame | None = None
) -> Responses:
    """The answers with the raking weights as a number variable ``rakingvaegt`` of the
    questionnaire (under ``sample:``), so the weighted tables use it and the exports carry
    it (.sav, .dta, CSV)."""
    from samspil.instruments import Instrument
    from samspil.instruments.schema import SampleVariable

    if not margins:
        raise PopulationError("--rake: name at least one margin, e.g. --rake region,size")
    instrument = responses.instrument
    if RAKE_COLUMN in instrument.variable_map:
        raise PopulationError(f"--rake: the questionnaire already has a variable {RAKE_COLUMN}")
    weights = raking_weights(responses.data, margins, attributes)
    titles = ", ".join(rake_titles(margins))
    label = f"Rakingvægt ({titles})"
    sample = [*instrument.sample, SampleVariable(name=RAKE_COLUMN, label=label, kind="number")]
    extended = instrument.model_copy(update={"sample": sample})
    for name, member in vars(Instrument).items():  # views derived from the old sample
        if isinstance(member, cached_property):
            extended.__dict__.pop(name, None)
    data = responses.data.copy()
    data[RAKE_COLUMN] = weights.to_numpy()
    data.attrs["raked_to"] = titles
    data.attrs["raked_margins"] = [RAKE_NAMES.get(m, m) for m in margins]
    return replace(responses, instrument=extended, data=data)


def with_population_block(spec: ReportSpec, *, raking: bool = False) -> ReportSpec:
    """``--population kommuner``: the definition with a representativeness table, in an
    appendix chapter of its own, unless it has one; with ``raking`` (``--rake``) also the
    table of the raking weights, right after it."""
    if not any(b.kind == "representativeness" for b in spec.blocks):
        block = Block(
            id="repraesentativitet",
            label="Bilagstabel R.1",
            title="Besvarelserne sammenholdt med landets kommuner",
            kind="representativeness",
        )
        chapter = Chapter(id="repraesentativitet", title="Hvem har svaret", blocks=[block])
        spec = spec.model_copy(update={"chapters": [*spec.chapters, chapter]})
    if raking and not any(b.kind == "raking_weights" for b in spec.blocks):
        spec = _with_weights_block(spec)
    return spec


def _with_weights_block(spec: ReportSpec) -> ReportSpec:
    """The raking weights' table after the (first) representativeness table, labelled as
    the next table of its chapter when the definition is numbered (else "<its label>a")."""
    from samspil.reports.spec import numbered_chapters

    chapters = []
    placed = False
    for chapter in spec.chapters:
        blocks = []
        for b in chapter.blocks:
            blocks.append(b)
            if b.kind == "representativeness" and not placed:
                placed = True
                label = "Bilagstabel R.2" if b.label == "Bilagstabel R.1" else f"{b.label}a"
                if spec.numbered and b.label.startswith("Tabel "):
                    label = "Tabel 0.0"  # numbered below
                blocks.append(
                    Block(
                        id=_free_id(spec, "rakingvaegte"),
                        label=label,
                        title="Rakingvægtene",
                        kind="raking_weights",
                    )
                )
        chapters.append(chapter.model_copy(update={"blocks": blocks}))
    if spec.numbered:
        chapters = numbered_chapters(chapters)
    return spec.model_copy(update={"chapters": chapters})


def _free_id(spec: ReportSpec, wanted: str) -> str:
    taken = {n for b in spec.blocks for n in (b.id, b.figure_id)}
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}_{n}"
    return name


@register_table_kind("raking_weights", weights_note=False)
def raking_weights_table(block: Block, inputs: Inputs) -> Result:
    """The raking weights (``--rake``) per category of each margin: the share of the
    population's municipalities, the share of the respondents, and the respondents' mean
    weight (with one margin every respondent of a category has this weight: the
    population's share over the respondents' share, as post-stratification gives)."""
    margins = inputs.data.attrs.get("raked_margins")
    if inputs.weights != RAKE_COLUMN or not margins:
        raise Skip("Tallene er ikke vægtet med rakingvægte (--rake).")
    weights = inputs.data[RAKE_COLUMN].astype(float)
    found = {c.name: c for c in characteristics(inputs.data, inputs.attributes)[0]}
    rows, left_out = [], False
    for name in margins:
        c = found[name]
        population = c.population.value_counts()
        present = [k for k in c.order if (c.respondents == k).any() and population.get(k, 0)]
        total = sum(int(population.get(k, 0)) for k in c.order)
        left_out = left_out or len(present) < sum(1 for k in c.order if population.get(k, 0))
        for i, category in enumerate(present):
            chosen = c.respondents == category
            rows.append(
                {
                    "characteristic": c.title,
                    "group": c.title if i == 0 else "",
                    "category": category,
                    "population_pct": int(population[category]) / total * 100,
                    "respondents": int(chosen.sum()),
                    "respondents_pct": float(chosen.mean()) * 100,
                    "weight": float(weights[chosen].mean()),
                }
            )
    data = pd.DataFrame(rows)
    columns = [
        Column("group", _header(block, "Kendetegn"), "text"),
        Column("category", "", "text"),
        Column("population_pct", "Pct. af kommunerne", "pct"),
        Column("respondents", "Besvarelser", "int"),
        Column("respondents_pct", "Pct. af besvarelserne", "pct"),
        Column("weight", "Vægt" if len(margins) == 1 else "Gns. vægt", "p"),  # 2 decimals
    ]
    note = (
        "Rakingvægtene giver besvarelserne samme fordeling som landets kommuner på "
        f"{inputs.data.attrs.get('raked_to', '')}. "
        + (
            "Med én fordeling er vægten kommunernes andel delt med besvarelsernes andel "
            "(poststratificering), så vægtene i gennemsnit er 1."
            if len(margins) == 1
            else "Vægten er besvarelsernes gennemsnitlige vægt i kategorien; vægtene er i "
            "gennemsnit 1."
        )
    )
    if left_out:
        note += (
            " Kategorier uden besvarelser er udeladt; de øvrige kategoriers andele er "
            "forholdsmæssigt forhøjet."
        )
    note = from_text(block.note).then(note) if block.note else note
    return Result(block, data, columns, note)
