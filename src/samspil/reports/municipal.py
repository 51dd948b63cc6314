"""Each municipality's own report: its answers beside everyone else's.

``samspil report ID --data F --by kommune --out DIR`` writes one report per municipality
that answered into ``DIR/<slug>/`` and ``DIR/index.csv`` (``kommune,folder,respondents``).
Pure core: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from samspil.errors import DomainError
from samspil.instruments import Instrument
from samspil.questions.base import Variable
from samspil.reports.build import Column, Inputs, Result, build
from samspil.reports.document import Chapter, Meta, Publication
from samspil.reports.errors import Skip
from samspil.reports.kinds import Municipal, kind_of
from samspil.reports.notes import note_of
from samspil.reports.publish import Job
from samspil.reports.spec import Block, ReportSpec
from samspil.responses import Responses, StudyInfo

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


# -- who is compared with whom ---------------------------------------------------------


def municipal_of(kind: str) -> Municipal | None:
    """What a municipality's report does with tables of ``kind`` (a "question" block: its
    question's kind), as the kind registered (None: it leaves them out; breakdowns, gaps,
    open answers and themes stay in the national report only)."""
    registered = kind_of(kind)
    return None if registered is None else registered.municipal


def carried(kind: str) -> bool:
    """Whether a municipality's report carries tables of ``kind``."""
    return municipal_of(kind) is not None


OWN = "Egen kommune"
# the formats of a municipality's folder (figures are in its PDF, HTML and Word file)
FORMATS = ("csv", "xlsx", "html", "pdf", "docx")
OPTIONS = frozenset(
    {"facts", "attributes", "meta", "banner", "study", "previous_label", "match", "workers"}
    | {"codes", "quotes"}
)


@dataclass(frozen=True)
class Comparison:
    """A comparison group: other municipalities' respondents (never the own)."""

    key: str  # "others", "region" or "band"
    label: str  # in tables: "Alle andre kommuner", "Andre kommuner i Region Sjælland", ...
    short: str  # in figures
    mask: pd.Series


@dataclass
class Place:
    """One municipality: its rows of the answers and what it is compared with."""

    name: str
    own: pd.Series
    comparisons: list[Comparison]
    notes: list[str] = field(default_factory=list)

    @property
    def respondents(self) -> int:
        return int(self.own.sum())


def facts_frame(facts: pd.DataFrame | None, attributes: pd.DataFrame | None) -> pd.DataFrame:
    """Region and size band by municipality (``key``: its name in lower case). ``facts``
    (columns ``kommune`` or ``name``, ``region``, ``population``) defaults to the bundled
    municipality facts; an ``attributes`` file's population (--attributes) takes precedence,
    so the size bands are those of the national report's breakdowns."""
    from samspil.facts import municipality_facts, size_band

    frame = municipality_facts() if facts is None else facts.copy()
    if "kommune" not in frame.columns and "name" in frame.columns:
        frame = frame.rename(columns={"name": "kommune"})
    for column in ("region", "population"):
        if column not in frame.columns:
            frame[column] = pd.NA
    frame["key"] = frame["kommune"].astype(str).str.strip().str.casefold()
    if attributes is not None and "population" in attributes.columns:
        given = pd.to_numeric(attributes["population"], errors="coerce")
        keys = attributes["kommune"].astype(str).str.strip().str.casefold()
        population = dict(zip(keys, given, strict=True))
        extra = [k for k in population if k not in set(frame["key"])]
        frame = pd.concat(
            [frame, pd.DataFrame({"key": extra, "kommune": extra})], ignore_index=True
        )
        frame["population"] = [
            population.get(k, p) for k, p in zip(frame["key"], frame["population"], strict=True)
        ]
    frame["band"] = [size_band(p) for p in pd.to_numeric(frame["population"], errors="coerce")]
    if "code" in frame.columns:  # answers may name the municipality by its code (101, ...)
        codes = pd.to_numeric(frame["code"], errors="coerce")
        by_code = frame[codes.notna()].assign(key=codes[codes.notna()].astype("int64").astype(str))
        frame = pd.concat([frame, by_code], ignore_index=True)
    return frame.drop_duplicates("key").set_index("key")[["region", "band"]]


def place(
    name: str, names: pd.Series, facts: pd.DataFrame, hidden_bands: Collection[str] = ()
) -> Place:
    """The municipality ``name`` with its comparison groups: all others, the others in its
    region and the others in its size band (each where the facts know it; else a note)."""
    own = (names == name).fillna(False).astype(bool)
    others = ~own
    keys = names.str.casefold()
    region_of = keys.map(facts["region"]).astype("string")
    band_of = keys.map(facts["band"]).astype("string")
    here = name.casefold()
    region = facts["region"].get(here) if here in facts.index else None
    band = facts["band"].get(here) if here in facts.index else None
    comparisons = [Comparison("others", "Alle andre kommuner", "alle andre", others)]
    notes = []
    if isinstance(region, str) and region:
        mask = (region_of == region).fillna(False).astype(bool) & others
        label = f"Andre kommuner i {region}"
        comparisons.append(Comparison("region", label, "andre i regionen", mask))
    else:
        notes.append("Kommunens region kendes ikke, så der er ingen sammenligning med regionen.")
    if isinstance(band, str) and band and band not in hidden_bands:
        mask = (band_of == band).fillna(False).astype(bool) & others
        label = f"Andre kommuner med {band.lower()} indbyggere"
        comparisons.append(Comparison("band", label, "andre af samme størrelse", mask))
    elif isinstance(band, str) and band:
        notes.append(
            "Kommunens størrelsesgruppe er skjult i landsrapportens tabeller, så den vises "
            "heller ikke her."
        )
    else:
        notes.append(
            "Kommunens indbyggertal kendes ikke, så der er ingen sammenligning med kommuner "
            "af samme størrelse."
        )
    return Place(name, own, comparisons, notes)


# -- disclosure control --------------------------------------------------------------------


def answer_sets(
    kind: str, block: Block, variables: list[Variable], data: pd.DataFrame
) -> list[pd.Series]:
    """The respondents each figure of the block counts, as its kind says
    (:attr:`Municipal.answer_sets`; by default per variable those who answered it). A
    reader can difference any group's counts of any of them, so each must be safe."""
    municipal = municipal_of(kind)
    if municipal is not None and municipal.answer_sets is not None:
        return municipal.answer_sets(block, variables, data)
    return answered(block, variables, data)


def answered(block: Block, variables: list[Variable], data: pd.DataFrame) -> list[pd.Series]:
    """Per variable the respondents who answered it."""
    return [data[var.name].notna() for var in variables]


def answered_and_shown(
    block: Block, variables: list[Variable], data: pd.DataFrame
) -> list[pd.Series]:
    """Per variable those who answered it and those in the table's base (the categories
    shown): a distribution's, a frequency's."""
    from samspil.reports.build import _categories

    sets = []
    for var in variables:
        values = data[var.name]
        sets += [values.notna(), values.isin(_categories(block, var))]
    return sets


def answered_and_on_scale(
    block: Block, variables: list[Variable], data: pd.DataFrame
) -> list[pd.Series]:
    """Per variable those who answered it and those who answered on its scale (a
    summary's base)."""
    sets = []
    for var in variables:
        values = data[var.name]
        sets += [values.notna(), values.isin(var.substantive_codes)]
    return sets


def chose_any(block: Block, variables: list[Variable], data: pd.DataFrame) -> list[pd.Series]:
    """Those who answered any of the options (a multiple response's base)."""
    sets = answered(block, variables, data)
    return [pd.concat(sets, axis=1).any(axis=1)] if sets else []


def _atoms_safe(sets: list[np.ndarray], base: np.ndarray, groups: list[np.ndarray], k: int) -> bool:
    """Every non-empty cell of the partition the groups make of ``base`` (within each
    set) has at least ``k`` respondents: no difference of shown counts isolates fewer."""
    signature = np.zeros(len(base), dtype=np.int64)
    for i, group in enumerate(groups):
        signature += group.astype(np.int64) << i
    for answered in sets:
        counts = np.bincount(signature[answered & base])
        if (counts[counts > 0] < k).any():
            return False
    return True


def shown_comparisons(
    sets: Sequence[pd.Series | np.ndarray], municipality: Place, k: int
) -> list[Comparison]:
    """The comparison groups a table may show (docs/reports.md, "Each municipality's own
    report"): none when fewer than ``k`` others answered; a region or size band only with at
    least ``k`` others answering, and only where every cell of the partition the shown groups
    make of the others has ``k`` or more (else the size band, then the region, is left out)."""
    others, *extra = municipality.comparisons
    arrays = [np.asarray(s, dtype=bool) for s in sets]
    mask = {c.key: c.mask.to_numpy(dtype=bool) for c in municipality.comparisons}
    if not arrays or any(int((s & mask["others"]).sum()) < k for s in arrays):
        return []
    big = [c for c in extra if all(int((s & mask[c.key]).sum()) >= k for s in arrays)]
    for choice in (big, big[:1], big[1:], []):
        if _atoms_safe(arrays, mask["others"], [mask[c.key] for c in choice], k):
            return [others, *choice]
    return [others]


# -- the tables ----------------------------------------------------------------------------


def effective_kind(block: Block, instrument: Instrument) -> str:
    if block.kind == "question" and block.question:
        return instrument.question(block.question).summary_kind
    return block.kind


def municipal_spec(spec: ReportSpec, instrument: Instrument) -> ReportSpec:
    """The national definition with only the tables a municipality's report carries."""
    chapters = []
    for chapter in spec.chapters:
        blocks = [b for b in chapter.blocks if carried(effective_kind(b, instrument))]
        if blocks:
            chapters.append(chapter.model_copy(update={"blocks": blocks}))
    return spec.model_copy(update={"chapters": chapters})


def _subset(data: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    return data[mask.to_numpy()].reset_index(drop=True)


def block_variables(block: Block, instrument: Instrument, data: pd.DataFrame) -> list[Variable]:
    from samspil.reports.build import _variables

    if block.variable and not block.variables and not block.question:  # bins
        var = instrument.variable_map.get(block.variable)
        return [var] if var is not None and var.name in data.columns else []
    try:
        return _variables(block, Inputs(instrument, data))
    except (Skip, ValueError):
        return []


@dataclass(frozen=True)
class BlockFacts:
    """What a table's disclosure control needs that is the same for every municipality:
    its kind, its variables and the sets of respondents its figures count."""

    kind: str
    variables: list[Variable]
    sets: list[np.ndarray]


@dataclass
class Parts:
    """What one municipality's report is computed from (the same for every municipality)."""

    spec: ReportSpec  # municipal_spec of the national definition
    instrument: Instrument
    data: pd.DataFrame
    min_cell: int
    previous: pd.DataFrame | None = None  # the previous wave's answers, with ``kommune``
    previous_label: str = "forrige runde"
    # per block id, worked out once per process for all municipalities (see block_facts)
    _facts: dict[str, BlockFacts] = field(default_factory=dict, init=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:  # a worker works its own out
        return {**self.__dict__, "_facts": {}}

    def block_facts(self, block: Block) -> BlockFacts:
        """The block's :class:`BlockFacts`, computed on the first municipality's report
        and reused by every later one in this process."""
        known = self._facts.get(block.id)
        if known is None:
            kind = effective_kind(block, self.instrument)
            variables = block_variables(block, self.instrument, self.data)
            sets = [s.to_numpy(dtype=bool) for s in answer_sets(kind, block, variables, self.data)]
            known = self._facts[block.id] = BlockFacts(kind, variables, sets)
        return known


def _build(
    parts: Parts, data: pd.DataFrame, min_cell: int = 1, blocks: Collection[str] | None = None
) -> dict[str, Result]:
    """Every table of the municipal definition over ``data`` (only the ``blocks`` named,
    when given)."""
    spec = parts.spec
    if blocks is not None and len(blocks) < len(spec.blocks):
        chapters = [
            c.model_copy(update={"blocks": [b for b in c.blocks if b.id in blocks]})
            for c in spec.chapters
        ]
        spec = spec.model_copy(update={"chapters": [c for c in chapters if c.blocks]})
    inputs = Inputs(parts.instrument, data, min_cell=min_cell)
    return {r.block.id: r for r in build(spec, inputs)}


def _label_column(result: Result) -> str:
    return result.columns[0].name


# -- the built-in kinds' own columns and key figures (registered in builtin_kinds) -------


def own_answer_shares(own: Result, rows: pd.DataFrame, variables: list[Variable]) -> list[object]:
    """Rows of answers (frequency, bins): the own share of each answer; with one
    respondent the label of its answer on every row."""
    shares = own.data["percent"].tolist()
    if len(rows) != 1:
        return shares
    chosen = [str(a) for a, s in zip(own.data["answer"], shares, strict=True) if s == s and s]
    return [chosen[0] if chosen else "Ikke besvaret"] * len(own.data)


def own_option_shares(own: Result, rows: pd.DataFrame, variables: list[Variable]) -> list[object]:
    """Rows of options: the own share choosing each; with one respondent its choice."""
    if len(rows) != 1:
        return own.data["percent"].tolist()
    values = [rows[v.name].iloc[0] for v in variables]
    return ["" if v != v else ("Valgt" if v == 1 else "Ikke valgt") for v in values]


def own_scale_means(own: Result, rows: pd.DataFrame, variables: list[Variable]) -> list[object]:
    """Rows of items on a scale: the own mean on the scale; with one respondent the label
    of its answer."""
    if len(rows) != 1:
        return [_mean_on_scale(rows[v.name], v) for v in variables]
    values = [rows[v.name].iloc[0] for v in variables]
    return [
        "Ikke besvaret" if v != v else v_.labels.get(int(v), str(v))
        for v, v_ in zip(values, variables, strict=True)
    ]


def table_means(result: Result, rows: pd.DataFrame, variables: list[Variable]) -> list[object]:
    """The table's own means (numbers; a summary's means)."""
    return list(result.data["mean"].tolist())


def table_shares(result: Result, rows: pd.DataFrame, variables: list[Variable]) -> list[object]:
    """The table's shares in percent."""
    return list(result.data["percent"].tolist())


def scale_means(result: Result, rows: pd.DataFrame, variables: list[Variable]) -> list[object]:
    """Each item's mean on its scale over the respondents ``rows`` (a distribution's)."""
    return [_mean_on_scale(rows[v.name], v) for v in variables if v.name in rows.columns]


def municipal_result(
    block: Block,
    parts: Parts,
    municipality: Place,
    results: dict[str, dict[str, Result]],
    shown: list[Comparison],
    rows: pd.DataFrame,
) -> Result:
    """One table of the municipality's report: the comparison groups' rows (computed over
    the others only), the ``own`` column beside, and a figure marking the own position.
    ``shown``: the groups :func:`shown_comparisons` allows; ``rows``: the own respondents'
    answers."""
    facts = parts.block_facts(block)
    kind, variables = facts.kind, facts.variables
    municipal = municipal_of(kind)
    assert municipal is not None  # municipal_spec keeps only the kinds carried
    own = results["own"][block.id]
    first = results["others"][block.id]
    if own.skipped or first.skipped:
        return Result(block=block, skipped=own.skipped or first.skipped)
    single = municipality.respondents == 1
    own_values = municipal.own(own, rows, [v for v in variables if v.name in rows])
    label_col = _label_column(own)
    own_by_label = dict(zip(own.data[label_col].astype(str), own_values, strict=True))
    columns = list(first.columns)
    columns.insert(1, Column("group", "Sammenlignet med", "text"))
    own_fmt = "text" if single else ("pct" if municipal.shares else "num")
    columns.append(Column("own", OWN, own_fmt))  # type: ignore[arg-type]
    note = _note(first.note, shown, municipality, parts.min_cell, single)
    if not shown:
        data = pd.DataFrame(columns=[c.name for c in columns])
        return Result(block, data, columns, note)
    frames = [results[c.key][block.id].data for c in shown]
    lengths = [len(f) for f in frames]
    data = pd.concat(frames, ignore_index=True)
    data.insert(1, "group", np.repeat(np.array([c.label for c in shown], dtype=object), lengths))
    data["own"] = pd.Series(
        [own_by_label.get(str(v), "") for v in data[label_col]], index=data.index, dtype=object
    )
    group = np.repeat(np.arange(len(frames)), lengths)
    row = np.concatenate([np.arange(n) for n in lengths])
    # answers (and bins) group by comparison; items interleave the groups row by row
    order = np.lexsort((row, group) if municipal.by_answer else (group, row))
    data = data.drop(columns=[c for c in ("suppressed", "secondary") if c in data.columns])
    figure = _figure_data(first, own, shown, results, label_col)
    return Result(
        block,
        data.take(order).reset_index(drop=True),
        columns,
        note,
        figure_data=figure,
        scale=first.scale,
    )


def _mean_on_scale(values: pd.Series, var: Variable) -> float:
    on_scale = values[values.isin(var.substantive_codes)]
    if on_scale.empty:
        answered = values.dropna()
        return float(answered.iloc[0]) if len(answered) == 1 else float("nan")
    return float(on_scale.mean())


def _figure_data(
    first: Result,
    own: Result,
    shown: list[Comparison],
    results: dict[str, dict[str, Result]],
    label_col: str,
) -> pd.DataFrame | None:
    """The figure's rows: for each item (or answer) the own municipality's bar first,
    then each comparison group's, named in brackets: the own position is marked."""
    if first.figure_data is None or not shown:
        return None
    sources = [(OWN.lower(), own.data)] + [
        (c.short, results[c.key][first.block.id].data) for c in shown
    ]
    lengths = [len(frame) for _, frame in sources]
    rows = pd.concat([frame for _, frame in sources], ignore_index=True)
    names = np.repeat(np.array([name for name, _ in sources], dtype=object), lengths)
    labels = rows[label_col].astype(str)
    rows[label_col] = labels + " (" + names + ")"
    rows["_label"], rows["_series"] = labels, names
    source = np.repeat(np.arange(len(sources)), lengths)
    row = np.concatenate([np.arange(n) for n in lengths])
    return rows.take(np.lexsort((source, row))).reset_index(drop=True)


def own_chart(result: Result):  # type: ignore[no-untyped-def]
    """A bar figure with the own municipality as a series of its own colour beside the
    comparison groups (legend), or None where the national figure kind is kept (stacked
    distributions show the own row first, named in brackets)."""
    from samspil.reports import figures

    data = result.figure_data
    column = {"bars_mean": "mean", "bars_percent": "percent"}.get(result.block.figure)
    if data is None or column is None or "_series" not in data:
        return None
    colours = [figures.COLOURS[2], figures.COLOURS[0], figures.COLOURS[1], figures.COLOURS[6]]
    series_of = data["_series"].tolist()
    names = list(dict.fromkeys(series_of))
    if column in data.columns:
        label_of = data["_label"].tolist()
        labels = list(dict.fromkeys(label_of))
        found = dict(zip(zip(series_of, label_of, strict=True), data[column], strict=True))
        values = [
            np.array([float(found.get((name, label), np.nan)) for label in labels])
            for name in names
        ]
    elif column == "percent" and data["_label"].nunique() == 1:  # one item: its answers
        labels = [c.name for c in result.columns if c.fmt == "pct" and c.name in data.columns]
        table = data[labels].to_numpy(dtype=float)
        first = {name: series_of.index(name) for name in names}  # each series' first row
        values = [table[first[name]] for name in names]
    else:
        return None
    series = [
        figures.Series(name[0].upper() + name[1:], v, colours[i % 4])
        for i, (name, v) in enumerate(zip(names, values, strict=True))
    ]
    shown = np.concatenate([s.values for s in series])
    if column == "mean":
        chart = figures.Chart(labels, series, (0, 1), figures.number, legend=True)
        chart.xlim, chart.xlabel = figures._mean_range(result, shown), "Gennemsnit"
        return chart
    top = float(np.nanmax(shown)) if np.isfinite(shown).any() else 0.0
    chart = figures.Chart(
        labels,
        series,
        (0, max(100.0, top + 10)),
        legend=True,
        value=lambda v: figures.percent(v, 0),
    )
    chart.xlabel = "Procent"
    return chart


def _note(national: str, shown: list[Comparison], municipality: Place, k: int, one: bool) -> str:
    own = (
        "Kolonnen ”Egen kommune” viser kommunens eget svar"
        if one
        else (
            f"Kolonnen ”Egen kommune” viser kommunens egne {municipality.respondents} "
            "besvarelser (gennemsnit eller andel)"
        )
    )
    if not shown:
        return f"{own}. Færre end {k} andre kommuner har svaret, så der vises ingen sammenligning."
    left_out = [c for c in municipality.comparisons if c not in shown]
    text = (  # the national note's parts kept (a figure's caption leaves some out)
        note_of(
            f"{own}; de øvrige tal er beregnet over de andre kommuners besvarelser alene, "
            "uden kommunens egne. "
        )
        + national
    )
    if left_out:
        names = " og ".join(c.label[0].lower() + c.label[1:] for c in left_out)
        text += (
            f" Sammenligningen med {names} vises ikke: gruppen har færre end {k} besvarelser, "
            "eller de viste tal ville tilsammen afsløre færre end {k} kommuners svar."
        ).replace("{k}", str(k))
    return text.strip()


# -- one municipality's report -------------------------------------------------------------


def municipality_results(parts: Parts, municipality: Place) -> list[Result]:
    """Every table of the municipality's report. Each comparison group is built once, and
    a region or size band only for the tables that show it (all others: every table)."""
    blocks = parts.spec.blocks
    shown = {
        b.id: shown_comparisons(parts.block_facts(b).sets, municipality, parts.min_cell)
        for b in blocks
    }
    own_rows = _subset(parts.data, municipality.own)
    results = {"own": _build(parts, own_rows)}
    for comparison in municipality.comparisons:
        if comparison.key == "others":
            results["others"] = _build(parts, _subset(parts.data, comparison.mask))
            continue
        needed = {
            key for key, groups in shown.items() if any(c.key == comparison.key for c in groups)
        }
        if needed:
            data = _subset(parts.data, comparison.mask)
            results[comparison.key] = _build(parts, data, blocks=needed)
    made = [
        municipal_result(b, parts, municipality, results, shown[b.id], own_rows) for b in blocks
    ]
    if parts.previous is not None:
        add_changes(made, parts, municipality, results)
    return made


# -- the previous wave: the own change beside the others' ----------------------------------


def key_figures(
    kind: str, result: Result, rows: pd.DataFrame, variables: list[Variable]
) -> dict[str, object]:
    """Each row's figure whose change is shown, by the row's label, as the kind says
    (:attr:`Municipal.key_figures`: a mean or a share in percent)."""
    municipal = municipal_of(kind)
    if municipal is None or result.skipped or result.data.empty:
        return {}
    labels = result.data[_label_column(result)].astype(str)
    values = municipal.key_figures(result, rows, variables)
    return dict(zip(labels, values, strict=False))


def add_changes(
    made: list[Result], parts: Parts, municipality: Place, now: dict[str, dict[str, Result]]
) -> None:
    """With a previous wave: the column ``own_change`` (the own municipality's change) and,
    on the rows of all others, ``change`` (theirs): the mean in points of the scale, a
    share in percentage points. Municipalities are matched by name; the others' change is
    left out (with a note) where fewer than ``--min-cell`` others answered either wave."""
    assert parts.previous is not None
    before = parts.previous
    names = before["kommune"].astype("string").str.strip() if "kommune" in before else None
    own_then = (
        (names == municipality.name).fillna(False).to_numpy(bool)
        if names is not None
        else np.zeros(len(before), bool)
    )
    own_rows = _subset(parts.data, municipality.own)
    then_rows = before[own_then].reset_index(drop=True)
    others_rows = before[~own_then].reset_index(drop=True)
    then = {"own": _build(parts, then_rows), "others": _build(parts, others_rows)}
    others_now_rows = _subset(parts.data, ~municipality.own)
    label = parts.previous_label
    for result in made:
        if result.skipped or result.data.empty:
            continue
        block = result.block
        facts = parts.block_facts(block)
        kind, variables = facts.kind, facts.variables
        own_now = key_figures(kind, now["own"][block.id], own_rows, variables)
        own_before = key_figures(kind, then["own"][block.id], then_rows, variables)
        others_now = key_figures(kind, now["others"][block.id], others_now_rows, variables)
        others_before = key_figures(kind, then["others"][block.id], others_rows, variables)
        sets = [
            s for s in answer_sets(kind, block, [v for v in variables if v.name in before], before)
        ]
        enough = bool(sets) and all(
            int((s.to_numpy(bool) & ~own_then).sum()) >= parts.min_cell for s in sets
        )
        keys = result.data[_label_column(result)].astype(str)
        data = result.data
        data["own_change"] = [_difference(own_now.get(k), own_before.get(k)) for k in keys]
        others = data["group"] == "Alle andre kommuner"
        data["change"] = [
            _difference(others_now.get(k), others_before.get(k)) if o and enough else np.nan
            for k, o in zip(keys, others, strict=True)
        ]
        municipal = municipal_of(kind)
        unit = "procentpoint" if municipal is None or municipal.shares else "point"
        result.columns += [
            Column("change", f"Ændring siden {label}", "num", missing=""),
            Column("own_change", f"Egen ændring siden {label}", "num", missing=""),
        ]
        result.note += (
            f" Ændringerne er fra {label} til denne runde i {unit} for de andre kommuner "
            "samlet og for kommunen selv (matchet på kommunens navn)."
        )
        if not enough:
            result.note += (
                f" Færre end {parts.min_cell} andre kommuner svarede i {label}, så deres "
                "ændring vises ikke."
            )


def _difference(now: object, then: object) -> float:
    try:
        return float(now) - float(then)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def intro(municipality: Place, parts: Parts) -> list[str]:
    """What the report compares with what, in plain Danish."""
    k = parts.min_cell
    n = municipality.respondents
    answers = "kommunens svar" if n == 1 else f"kommunens {n} besvarelser"
    groups = [c.label[0].lower() + c.label[1:] for c in municipality.comparisons]
    listed = ", ".join(groups[:-1]) + (f" og {groups[-1]}" if len(groups) > 1 else groups[0])
    return [
        f"Denne rapport viser {answers} fra {municipality.name} ved siden af svarene fra de "
        f"andre kommuner: {listed}. Kommunens egne svar står i kolonnen ”{OWN}”; alle "
        "andre tal er beregnet over de andre kommuners besvarelser alene, uden kommunens "
        "egne, og N tæller de andre kommuners besvarelser.",
        f"For at ingen kommune skal kunne regne en anden kommunes svar ud, vises en "
        f"sammenligningsgruppe kun, når mindst {k} andre har svaret, og en region eller "
        "størrelsesgruppe udelades, hvis den sammen med de andre viste tal ville afsløre "
        f"færre end {k} kommuners svar. Hvor det er sket, står det under tabellen.",
        *municipality.notes,
    ]


PNG_DPI = 150


@dataclass
class MunicipalJob(Job):
    """A :class:`~samspil.reports.publish.Job` whose publication is one municipality's."""

    kommune: str = ""
    intro: list[str] = field(default_factory=list)

    @cached_property
    def charts(self) -> dict[str, Any]:
        """Each figure's :func:`own_chart` (None: the national kind), worked out once for
        both widths."""
        from samspil.reports import figures

        return {r.block.id: own_chart(r) for r in self.made if figures.has_figure(r)}

    def _scenes(self, width: float, keys: Collection[str] | None = None) -> dict[str, Any]:
        from samspil.reports import figures

        made = {}
        for result in self.made:
            key = result.block.id
            if key not in self.charts or (keys is not None and key not in keys):
                continue
            chart = self.charts[key]
            made[key] = (
                figures.scene(result, width)
                if chart is None
                else figures.draw(chart, result.block.title, width)
            )
        return made

    @cached_property
    def scenes(self) -> dict[str, Any]:
        """Every figure laid out once, bar figures with the own municipality in a colour
        of its own (:func:`own_chart`)."""
        from samspil.reports.figures import WIDTH

        return self._scenes(WIDTH)

    @cached_property
    def phone_scenes(self) -> dict[str, Any]:
        from samspil.reports.figures import PHONE_WIDTH

        return self._scenes(PHONE_WIDTH, set(self.scenes))

    def images(self, kind: str) -> dict[str, bytes]:
        """As the national report's, the Word file's PNG at 150 dpi (a quarter of the
        pixels of 300 dpi; each municipality's report is read on a screen or printed A4)."""
        if kind == "png" and kind not in self._images:
            self._images[kind] = {key: s.png(PNG_DPI) for key, s in self.scenes.items()}
        return super().images(kind)

    @cached_property
    def publication(self) -> Publication:
        """The national report's publication of these tables, made the municipality's."""
        made = super().publication
        made.subtitle = f"{self.kommune} sammenlignet med de andre kommuner"
        # the questionnaire and code list are the national report's appendices
        made.chapters = [c for c in made.chapters if not c.appendix]
        made.chapters.insert(
            0, Chapter("kap-kommune", f"Om rapporten for {self.kommune}", self.intro)
        )
        return made


def write_one(
    parts: Parts,
    municipality: Place,
    out: Path,
    formats: Collection[str],
    meta: Any = None,
    study: StudyInfo | None = None,
) -> list[Path]:
    """Compute and write one municipality's report into ``out``."""
    from samspil.reports.publish import publish

    job = MunicipalJob(
        parts.spec,
        municipality_results(parts, municipality),
        out,
        parts.instrument,
        parts.data,
        study=study,
        meta=meta or Meta(),
        kommune=municipality.name,
        intro=intro(municipality, parts),
    )
    return publish(job, formats)


def hidden_bands(spec: ReportSpec, responses: Responses, attributes: Any, k: int) -> set[str]:
    """Size bands any national breakdown by size hides: never shown as a comparison."""
    blocks = [b for b in spec.blocks if b.kind == "crosstab" and b.group_by == "size_band"]
    if not blocks or attributes is None:
        return set()
    inputs = Inputs(responses.instrument, responses.data, attributes=attributes, min_cell=k)
    hidden: set[str] = set()
    for result in build(spec, inputs, kinds={"crosstab"}):
        if not result.skipped and result.block.group_by == "size_band":
            data = result.data
            named = {shown: band for band, shown in result.block.group_labels.items()}
            hidden |= {named.get(str(g), str(g)) for g in data.loc[data["suppressed"], "group"]}
    return hidden


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
    to ``out/index.csv``.

    ``report_options``: ``facts`` (region and population by municipality, default the
    bundled facts), ``attributes`` (--attributes: its population gives the size bands),
    ``meta`` (cover facts), ``banner``, ``study`` (the fieldwork behind the answers, for
    the method chapter; default the answers'), ``previous_label``, ``workers`` (processes,
    default 1); ``codes``, ``quotes`` and ``match`` are accepted and not used (open answers
    are in the national report only; waves are matched by municipality)."""
    from samspil.reports import checked_spec

    formats = FORMATS if formats is None else formats
    _check(report_options, formats, min_cell)
    responses = _responses(data, instrument)
    national = checked_spec(spec, responses)
    names = municipalities(responses)
    counts = names.value_counts(sort=False)
    chosen = sorted(counts.index) if kommuner is None else list(kommuner)
    unknown = [k for k in chosen if k not in counts.index]
    if unknown:
        raise DomainError(f"--by kommune: no answers from {', '.join(map(str, unknown))}")
    attributes = report_options.get("attributes")
    facts = facts_frame(report_options.get("facts"), attributes)
    hidden = hidden_bands(national, responses, attributes, min_cell)
    parts = Parts(
        municipal_spec(national, responses.instrument),
        responses.instrument,
        responses.data.assign(kommune=names),
        min_cell,
        previous=None if previous is None else _with_names(previous.data),
        previous_label=report_options.get("previous_label") or "forrige runde",
    )
    out = Path(out)
    folders = _folders(chosen)
    tasks = [(place(n, names, facts, hidden), out / folders[n]) for n in chosen]
    meta = report_options.get("meta") or Meta()
    if report_options.get("banner") and not meta.banner:
        meta.banner = report_options["banner"]
    study = report_options.get("study") or responses.study
    _run(parts, tasks, formats, (meta, study), int(report_options.get("workers") or 1))
    rows = [{"kommune": n, "folder": folders[n], "respondents": int(counts[n])} for n in chosen]
    index = pd.DataFrame(rows, columns=list(INDEX_COLUMNS))
    out.mkdir(parents=True, exist_ok=True)
    index.to_csv(out / "index.csv", index=False)
    return index


def _check(options: dict[str, Any], formats: Collection[str], min_cell: int) -> None:
    from samspil.reports.publish import check_formats

    unknown = set(options) - OPTIONS
    if unknown:
        raise TypeError(f"unknown report options: {', '.join(sorted(unknown))}")
    check_formats(formats)
    if min_cell < 1:
        raise DomainError(f"--min-cell {min_cell}: must be 1 or more")


def _with_names(data: pd.DataFrame) -> pd.DataFrame:
    if "kommune" not in data.columns:
        raise DomainError(
            "--previous with --by kommune: the previous wave's answers have no "
            "column 'kommune' to match the municipalities on"
        )
    return data.assign(kommune=data["kommune"].astype("string").str.strip())


def _folders(names: list[str]) -> dict[str, str]:
    """A distinct folder per municipality (a clash of slugs gets -2, -3, ...)."""
    seen: dict[str, int] = {}
    folders = {}
    for name in names:
        slug = municipality_slug(name)
        seen[slug] = seen.get(slug, 0) + 1
        folders[name] = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
    return folders


_SHARED: dict[str, Any] = {}


def _share(parts: Parts, tasks: list, formats: Collection[str], meta: Any) -> None:  # type: ignore[type-arg]
    _SHARED.update(parts=parts, tasks=tasks, formats=formats, meta=meta)


def _work(i: int) -> None:
    parts, tasks, formats, meta = (_SHARED[k] for k in ("parts", "tasks", "formats", "meta"))
    municipality, folder = tasks[i]
    write_one(parts, municipality, folder, formats, *meta)


def _run(parts: Parts, tasks: list, formats: Collection[str], meta: Any, workers: int) -> None:  # type: ignore[type-arg]
    """Write every municipality's report, in ``workers`` processes when more than one
    (started afresh, not forked: a fork of a process whose libraries run threads can
    hang; each gets the answers once)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    shared = (parts, tasks, formats, meta)
    try:
        if workers <= 1 or len(tasks) <= 1:
            _share(*shared)
            for i in range(len(tasks)):
                _work(i)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            min(workers, len(tasks)), mp_context=context, initializer=_share, initargs=shared
        ) as pool:
            list(pool.map(_work, range(len(tasks))))
    finally:
        _SHARED.clear()


# the national report's weighting options, which --by kommune refuses: (option, argument)
WEIGHTING = (("--weights", "weights"), ("--rake", "rake"), ("--population", "population"))


def report_by_kommune(  # type: ignore[no-untyped-def]
    spec: ReportSpec, responses: Responses, previous: Responses | None, args, formats, meta
) -> pd.DataFrame:
    """``samspil report ... --by kommune``: the command line's side (the index)."""
    from samspil.cli import _read_columns
    from samspil.reports.groups import ATTRIBUTE_COLUMNS

    weighting = [o for o, given in WEIGHTING if getattr(args, given, None)]
    if weighting:
        raise DomainError(
            f"{' and '.join(weighting)} with --by kommune: the municipalities' reports are "
            "not weighted and compare each municipality with the others, not with a "
            "population; leave it out"
        )
    if args.banner and not meta.banner:
        meta.banner = args.banner
    chosen = formats if args.formats else FORMATS
    index = write_municipality_reports(
        spec,
        responses,
        None,
        Path(args.out),
        min_cell=5 if args.min_cell is None else args.min_cell,
        previous=previous,
        formats=chosen,
        attributes=_read_columns(args.attributes, ATTRIBUTE_COLUMNS),
        previous_label=args.previous_label or "",
        match=args.match,
        meta=meta,
    )
    return index
