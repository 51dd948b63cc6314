"""Compute every block of a report definition from data: tidy, unrounded results.

The renderers (HTML/PDF, XLSX, CSV, figures) only format what is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from samspil import analysis
from samspil.analysis import weights as weighted
from samspil.analysis.likert import answered
from samspil.instruments import Instrument
from samspil.questions.base import Variable
from samspil.reports import groups as grouping
from samspil.reports.errors import Skip
from samspil.reports.forked import InChild, can_fork
from samspil.reports.formatting import n_range, number, quotes
from samspil.reports.kinds import Specials, kind_of, table_kinds
from samspil.reports.notes import BASE, Note, from_template, from_text, note_of
from samspil.reports.spec import Block, ReportSpec

# as_given: with the decimals the value has (a number question's minimum and maximum)
Format = Literal["text", "int", "pct", "num", "num0", "mean_sd", "stars", "p", "as_given"]


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    fmt: Format
    missing: str = ""  # shown for a missing value (e.g. "–" for an item absent in a wave)


@dataclass
class Result:
    """One table or figure: its machine-format data and how to show it."""

    block: Block
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    columns: list[Column] = field(default_factory=list)
    note: str = ""
    skipped: str | None = None
    figure_data: pd.DataFrame | None = None
    scale: tuple[float, float] | None = None
    quotes: list[str] = field(default_factory=list)
    # With a previous wave beside (samspil.reports.waves): (this wave's, the previous one's
    # name); figures then show both waves.
    waves: tuple[str, str] | None = None
    weighted: bool = False  # percentages, shares and means weighted (Inputs.weights)


@dataclass
class Inputs:
    instrument: Instrument
    data: pd.DataFrame
    codes: pd.DataFrame | None = None
    attributes: pd.DataFrame | None = None
    min_cell: int = 5
    quotes: pd.DataFrame | None = None
    weights: str | None = None  # the data's column of weights (--weights), checked before
    _codes_by_variable: dict[str, tuple[pd.DataFrame, np.ndarray]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def weight_values(self) -> pd.Series | None:
        return None if self.weights is None else self.data[self.weights].astype(float)

    def codes_of(self, variable: str) -> tuple[pd.DataFrame, np.ndarray]:
        """The final codes' rows of one open question and their row numbers in the whole
        table (split once per report)."""
        assert self.codes is not None
        if self._codes_by_variable is None:
            from samspil.coding.records import split_by_variable

            self._codes_by_variable = split_by_variable(self.codes)
        empty = (self.codes.iloc[:0], np.zeros(0, dtype=int))
        return self._codes_by_variable.get(variable, empty)


# With ``fork``, a child computes every second costly block when the answers are this many
# or more (below, forking costs more than it saves).
FORK_ROWS = 20_000


def build(
    spec: ReportSpec, inputs: Inputs, *, kinds: Collection[str] | None = None, fork: bool = False
) -> list[Result]:
    """Every block of the definition (only those of ``kinds`` when given), in order. With
    ``fork`` (a command-line process, no other thread running) and many answers, a forked
    child computes every second block of a costly kind (:attr:`TableKind.costly`: the
    coded open answers) meanwhile; an error in this process is raised before one in the
    child, and the child is always waited for."""
    registered = table_kinds()
    blocks = [b for b in spec.blocks if kinds is None or b.kind in kinds]
    costly = [b.id for b in blocks if registered[b.kind].costly]
    forking = fork and can_fork() and len(inputs.data) >= FORK_ROWS and len(costly) > 1
    elsewhere = set(costly[::2]) if forking else set()
    theirs = [b for b in blocks if b.id in elsewhere]
    child = None
    if theirs:
        if inputs.codes is not None:
            inputs.codes_of("")  # the codes split once, before the fork, for both processes
        child = InChild(lambda: [_built(b, inputs) for b in theirs], "computing the tables")
    try:
        made = {b.id: _built(b, inputs) for b in blocks if b.id not in elsewhere}
    except BaseException:
        if child is not None:
            child.discard()
        raise
    sent = child.result() if child is not None else []
    for block, result in zip(theirs, sent, strict=True):
        result.block = block  # this process's block, not the copy that travelled
        made[block.id] = result
    return [made[b.id] for b in blocks]


def _built(block: Block, inputs: Inputs) -> Result:
    """One block's result (a skipped one says why), its note completed."""
    kind = table_kinds()[block.kind]
    try:
        result = kind.build(block, inputs)
    except Skip as why:
        return Result(block=block, skipped=str(why))
    absent = _absent(block, inputs)
    note = note_of(result.note)
    if absent:  # a partial file makes a partial table, and says so
        note = note.then(f"Ikke i data og derfor udeladt: {', '.join(absent)}.")
    if inputs.weights and kind.weights_note:
        note = note.then(_weight_note(result, inputs.weights))
    result.note = note.map(quotes)
    result.columns = [
        replace(c, header=block.column_headers.get(c.name, c.header)) for c in result.columns
    ]
    return result


def _weight_note(result: Result, column: str) -> str:
    """What a weighted report's note says of each table: weighted, with the effective
    number of answers, or not weighted."""
    if not result.weighted:
        return "Tabellen er ikke vægtet."
    data = result.data
    n_eff = data["n_eff"].tolist() if "n_eff" in data.columns else [data.attrs.get("n_eff")]
    n_eff = [v for v in n_eff if v is not None and v == v]
    shown = "-".join(dict.fromkeys(number(v, 0) for v in (min(n_eff), max(n_eff)))) if n_eff else ""
    effective = f"; effektivt antal besvarelser (Kish): {shown}" if shown else ""
    return f"Procenter, andele og gennemsnit er vægtet med {column}{effective}."


def _absent(block: Block, inputs: Inputs) -> list[str]:
    """The block's listed variables that the data do not have."""
    if block.variables:
        names = list(block.variables)
    elif block.pairs:
        names = [v for pair in block.pairs.items() for v in pair]
    elif block.series:
        names = [v for s in block.series for v in s.variables if v is not None]
    elif block.question and block.kind != "question":
        names = [v.name for v in inputs.instrument.question_variables(block.question)]
    else:
        return []
    return [n for n in names if n not in inputs.data.columns]


# -- helpers ------------------------------------------------------------------------------


def _variables(block: Block, inputs: Inputs) -> list[Variable]:
    instrument = inputs.instrument
    if block.variables:
        unknown = [v for v in block.variables if v not in instrument.variable_map]
        if unknown:
            raise ValueError(f"block {block.id}: unknown variables {unknown}")
        variables = [instrument.variable_map[v] for v in block.variables]
    elif block.question:
        variables = instrument.question_variables(block.question)
    else:
        raise ValueError(f"block {block.id}: no variables")
    present = [v for v in variables if v.name in inputs.data.columns]
    if not present:  # some present: the table is made from those (see build)
        names = ", ".join(v.name for v in variables)
        raise Skip(f"Variablerne {names} findes ikke i data.")
    return present


def _label(block: Block, var: Variable) -> str:
    return block.item_labels.get(var.name) or var.item or var.question


def _header(block: Block, default: str) -> str:
    """The heading of the first column: the definition's ``header`` where it gives one (also
    an empty one, as a seed table with a blank heading), else ``default``."""
    return block.header if "header" in block.model_fields_set else default


def _in_sentence(label: str) -> str:
    """An item label inside a note's sentence: '... at sikre en ...' -> 'at sikre en ...',
    'At sikre' -> 'at sikre' (an acronym such as 'EU' keeps its capitals)."""
    label = label.removeprefix("... ").removeprefix("… ")
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


ASIDE = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\])")


def _note_label(block: Block, var: Variable) -> str:
    """The item as a note names it: the definition's ``note_labels``, else its label in
    the sentence without asides in brackets."""
    if var.name in block.note_labels:
        return block.note_labels[var.name]
    return _in_sentence(ASIDE.sub("", _label(block, var)).strip())


def counts_text(counts: list[tuple[int, str]]) -> str:
    """Answers left out, per item, in the seed's compact form (Tabel 4.4, 4.5): one item
    '1 ved positiv by- og erhvervsudvikling', several '1 for vigtigste udfordring og 1 for
    by- og erhvervsudvikling'; items without any are not named; none at all: '0'."""
    named = [(n, label) for n, label in counts if n]
    if not named:
        return "0"
    if len(named) == 1:
        return f"{named[0][0]} ved {named[0][1]}"
    parts = [f"{n} for {label}" for n, label in named]
    separator = "; " if any("," in label for _, label in named) else ", "
    return f"{separator.join(parts[:-1])} og {parts[-1]}"


def _categories(block: Block, var: Variable) -> list[int]:
    if block.categories:
        return block.categories
    special = var.special_codes
    return [
        o.code
        for o in var.options
        if not (
            (special.get(o.code) == "dont_know" and not block.include_dont_know)
            or (special.get(o.code) == "not_applicable" and not block.include_not_applicable)
        )
    ]


def _cat_label(block: Block, var: Variable, code: int) -> str:
    return block.category_labels.get(code) or var.labels.get(code, str(code))


def _scale_text(var: Variable) -> str:
    opts = [o for o in var.options if not o.special]
    if not opts:
        return ""
    return f"{opts[0].code} “{opts[0].label}” til {opts[-1].code} “{opts[-1].label}”"


def _base_sentence(block: Block, var: Variable) -> str:
    """Said only where a table departs from the rule the method chapter states once
    (:func:`base_rule`) without showing it: "Ved ikke" left out of the base. "Ikke
    relevant" in the base is never said: such a table shows it as a column of its own."""
    base = _categories(block, var)
    if any(k == "dont_know" and code not in base for code, k in var.special_codes.items()):
        return "“Ved ikke” indgår ikke i basen."
    return ""


def _spread(kind: str) -> bool:
    """A distribution over the answers (its kind registered ``spread``): the method
    chapter states its rule for "Ved ikke" once and its note says where it departs."""
    registered = kind_of(kind)
    return registered is not None and registered.spread


# the distributions' rule for "Ved ikke", by whether their blocks include it in the base
DONT_KNOW_RULE = {
    frozenset({True}): "I svarfordelingerne indgår “Ved ikke” i basen som en kategori for sig.",
    frozenset({False}): "I svarfordelingerne indgår “Ved ikke” ikke i basen: procenterne er "
    "af dem, der har svaret på selve skalaen.",
    frozenset({True, False}): "I svarfordelingerne indgår “Ved ikke” i basen, hvor intet "
    "andet er nævnt under tabellen.",
}


def base_rule(spec: ReportSpec, instrument: Instrument) -> str:
    """The rule each kind of table of the definition follows for special answers and its
    base, said once in the method chapter (only for the kinds and special answers the
    report has; "" when there is nothing to say). A table that departs from the rule
    without showing it says so in its note (:func:`_base_sentence`)."""
    variables = instrument.variable_map

    def specials(block: Block) -> set[str]:
        names = list(block.variables or [])
        if block.question and block.question in instrument.question_map:
            names += [v.name for v in instrument.question_variables(block.question)]
        return {k for n in names if n in variables for k in variables[n].special_codes.values()}

    spread = [b for b in spec.blocks if _spread(b.kind)]
    dont_know = {b.include_dont_know for b in spread if "dont_know" in specials(b)}
    parts = [DONT_KNOW_RULE[frozenset(dont_know)]] if dont_know else []
    if any("not_applicable" in specials(b) for b in spread):
        parts.append(
            "“Ikke relevant” indgår ikke i basen, medmindre tabellen eller figuren viser det "
            "som en særskilt kategori."
        )
    for kind in table_kinds().values():  # each kind's own rule, as it registered it
        blocks = [b for b in spec.blocks if b.kind == kind.name]
        if blocks and kind.method_rule is not None and (text := kind.method_rule(blocks, specials)):
            parts.append(text)
    return " ".join(parts)


# -- the kinds' own rules for the method chapter (registered with each kind) -------------


def frequency_rule(blocks: list[Block], specials: Specials) -> str:
    if any(b.list_excluded for b in blocks):
        return (
            "Hvor svar uden for basen står på egne linjer uden procent, er “I alt” basen, "
            "som procenterne er beregnet af."
        )
    return ""


def summary_rule(blocks: list[Block], specials: Specials) -> str:
    found = set().union(*(specials(b) for b in blocks))
    if not found:
        return ""
    named = " og ".join(
        f"“{SPECIAL_NAMES[k]}”" for k in ("dont_know", "not_applicable") if k in found
    )
    return (
        "Gennemsnit og andele i tabellerne med gennemsnit er beregnet af svarene på "
        f"skalaen; {named} indgår ikke."
    )


def multiple_response_rule(blocks: list[Block], specials: Specials) -> str:
    return (
        "Ved spørgsmål med flere svarmuligheder er procenterne af dem, der har besvaret "
        "spørgsmålet (valgt mindst én mulighed)."
    )


def numeric_rule(blocks: list[Block], specials: Specials) -> str:
    return (
        "Ved talspørgsmål er gennemsnit, spredning, mindste og største værdi beregnet af "
        "de angivne tal; mindste og største værdi vises med de decimaler, de er angivet med."
    )


SPECIAL_NAMES = {"dont_know": "Ved ikke", "not_applicable": "Ikke relevant"}
MUNICIPALITIES = 98  # Denmark's municipalities since 2007


def weights_text(data: pd.DataFrame, column: str) -> str:
    """The method chapter's note on the weighting (``--weights``)."""
    w = data[column].astype(float).to_numpy()
    n_eff = weighted.effective_n(w)
    source = f"variablen {column} fra datasættet"
    if column == "rakingvaegt":  # --rake (samspil.reports.population)
        margins = data.attrs.get("raked_to") or "populationens fordelinger"
        source = (
            f"rakingvægte ({column}): vægte, der ved iterativ tilpasning (raking) giver "
            f"besvarelserne samme fordeling på {margins} som landets kommuner"
        )
    return (
        f"Tallene er vægtet med {source} (vægte fra "
        f"{number(w.min(), 2)} til {number(w.max(), 2)}). Procenter, andele, gennemsnit og "
        "standardafvigelser i fordelinger, tabeller med gennemsnit, spørgsmål med flere "
        "svarmuligheder og talspørgsmål er vægtede; antallet af besvarelser er det faktiske. "
        f"Det effektive antal besvarelser (Kish) er {number(n_eff, 0)} af "
        f"{len(w)}: så meget usikkerhed giver de vægtede tal. Krydstabeller, "
        "forskelstabeller og andre tabeller er ikke vægtet; det står under dem."
    )


def census_text(data: pd.DataFrame, invited_groups: int | None = None) -> str:
    """The method chapter's word on a census: when all 98 municipalities were invited
    (``invited_groups``, from fieldwork) or answered (distinct ``kommune`` in the data),
    say so, and why the tests use no finite population correction ("" otherwise)."""
    answered = int(data["kommune"].dropna().nunique()) if "kommune" in data.columns else 0
    if invited_groups == MUNICIPALITIES:
        fact = f"Alle landets {MUNICIPALITIES} kommuner blev inviteret"
    elif answered == MUNICIPALITIES:
        fact = f"Alle landets {MUNICIPALITIES} kommuner har svaret"
    else:
        return ""
    return (
        f"{fact}, så undersøgelsen er en totalundersøgelse og ikke en stikprøve. "
        "Signifikanstestene behandler alligevel svarene som udfald, der kunne være faldet "
        "anderledes ud: en forskel mellem grupper eller runder regnes kun for signifikant, "
        "hvis den er større end den tilfældige variation i svarene. Derfor er der ikke brugt "
        "endelighedskorrektion, som ville regne de svarende kommuners tal for kendte uden "
        "usikkerhed og gøre standardfejlene mindre, jo flere kommuner der har svaret."
    )


def _note(block: Block, var: Variable | None, **values: str) -> Note:
    fields = {
        "question": var.question if var else "",
        "scale": _scale_text(var) if var else "",
        "base": _base_sentence(block, var) if var else "",
        "n": "",
        "excluded": "",
        "mean": "",
    }
    fields.update(values)
    note = from_template(block.note, fields)
    if var is not None and "{base}" not in block.note and _spread(block.kind):
        note = note.then(fields["base"], BASE)
    return note


# -- builders per kind ---------------------------------------------------------------------


def summary(block: Block, inputs: Inputs) -> Result:
    variables = _variables(block, inputs)
    exclude = sorted({c for v in variables for c in v.special_codes})
    names = [v.name for v in variables]
    weights = inputs.weight_values
    if weights is None:
        table = analysis.likert_summary(inputs.data, names, top=block.top, exclude=exclude)
    else:
        table = weighted.weighted_likert_summary(
            inputs.data, names, weights, top=block.top, exclude=exclude
        )
    labels = {v.name: _label(block, v) for v in variables}
    by_name = {v.name: v for v in variables}
    excluded = [
        (int(count), _note_label(block, by_name[item]))
        for item, count in zip(table["item"], table["excluded"], strict=True)
    ]
    note = _note(
        block, variables[0], n=n_range(table["obs"].tolist()), excluded=counts_text(excluded)
    )
    table["item"] = table["item"].map(labels)
    data = table[["item", "obs", "share", "mean", "sd", "min", "max"]]
    if weights is not None:
        data = table[[*data.columns, "n_eff"]]
    columns = [
        Column("item", _header(block, variables[0].question), "text"),
        Column("obs", "Obs.", "int"),
        Column("share", block.share_label, "pct"),
        Column("mean", "Gennemsnit", "mean_sd"),
        Column("min", "Min.", "num0"),
        Column("max", "Maks.", "num0"),
    ]
    codes = [o.code for o in variables[0].options if not o.special]
    scale = (min(codes), max(codes))
    return Result(
        block, data, columns, note, figure_data=data, scale=scale, weighted=weights is not None
    )


def distribution(block: Block, inputs: Inputs) -> Result:
    variables = _variables(block, inputs)
    first = variables[0]
    cats = _categories(block, first)
    weights = inputs.weight_values
    if weights is None:
        table = analysis.distribution(inputs.data, [v.name for v in variables], cats)
    else:
        table = weighted.weighted_distribution(
            inputs.data, [v.name for v in variables], cats, weights
        )
    names = {c: _cat_label(block, first, c) for c in cats}
    table = table.rename(columns=names)
    table["item"] = [_label(block, v) for v in variables]
    mean = ""
    if len(variables) == 1:
        substantive = [c for c in first.substantive_codes]
        values = inputs.data[first.name].astype(float)
        on_scale = values.isin(substantive)
        if weights is None:
            mean = number(values[on_scale].mean())
        elif on_scale.any():
            mean = number(np.average(values[on_scale], weights=weights[on_scale]))
    excluded_codes = [c for c in first.labels if c not in cats]
    excluded = [
        (int(inputs.data[var.name].isin(excluded_codes).sum()), _note_label(block, var))
        for var in variables
    ]
    note = _note(
        block, first, n=n_range(table["n"].tolist()), mean=mean, excluded=counts_text(excluded)
    )
    columns = [Column("item", block.header, "text")]
    columns += [Column(names[c], names[c], "pct") for c in cats]
    columns.append(Column("n", "N", "int"))
    return Result(block, table, columns, note, figure_data=table, weighted=weights is not None)


def frequency(block: Block, inputs: Inputs) -> Result:
    var = _variables(block, inputs)[0]
    cats = _categories(block, var)
    weights = inputs.weight_values
    if weights is None:
        table = analysis.frequency(inputs.data[var.name], cats)
    else:
        table = weighted.weighted_frequency(inputs.data[var.name], cats, weights)
    table["answer"] = [_cat_label(block, var, c) for c in cats]
    note = _note(block, var, n=str(int(table["n"].sum())))
    if block.list_excluded:
        values = inputs.data[var.name]
        left_out = [
            {"answer": _cat_label(block, var, code), "n": int((values == code).sum())}
            for code in var.special_codes
            if code not in cats
        ]
        attrs = table.attrs
        table = pd.concat([table, pd.DataFrame(left_out)], ignore_index=True)
        table.attrs = attrs
    columns = [
        Column("answer", block.header, "text"),
        Column("n", "N", "int"),
        Column("percent", "Pct.", "pct"),
    ]
    return Result(block, table, columns, note, figure_data=table, weighted=weights is not None)


def multiple_response(block: Block, inputs: Inputs) -> Result:
    variables = [v for v in _variables(block, inputs) if v.kind == "binary"]
    weights = inputs.weight_values
    if weights is None:
        table = analysis.multiple_response(inputs.data, [v.name for v in variables])
    else:
        table = weighted.weighted_multiple_response(
            inputs.data, [v.name for v in variables], weights
        )
    base = table.attrs["base"]
    table["option"] = [_label(block, v) for v in variables]
    note = _note(block, variables[0], n=str(base))
    columns = [
        Column("option", block.header, "text"),
        Column("n", "N", "int"),
        Column("percent", "Pct.", "pct"),
    ]
    return Result(block, table, columns, note, figure_data=table, weighted=weights is not None)


def gap(block: Block, inputs: Inputs) -> Result:
    assert block.expectation  # guaranteed by the spec validator
    assert block.experience
    instrument = inputs.instrument
    present = inputs.data.columns
    pairs = [(a, b) for a, b in block.pairs.items() if a in present and b in present]
    if not pairs:
        raise Skip(f"Variablerne {', '.join(block.pairs)} findes ikke i data.")
    needed = [v for pair in pairs for v in pair]

    def base(var_name: str) -> list[int] | None:
        var = instrument.variable_map[var_name]
        return None if block.include_dont_know else var.substantive_codes

    table = analysis.importance_gap(
        inputs.data,
        pairs,
        expectation_codes=[block.expectation.code],
        experience_codes=[block.experience.code],
        expectation_base=base(pairs[0][0]),
        experience_base=base(pairs[0][1]),
    )
    first = instrument.variable_map[pairs[0][0]]
    table["item"] = [_label(block, instrument.variable_map[a]) for a, _ in pairs]
    data = table[["item", "a", "b", "difference", "relative_gap"]]
    exp_var = instrument.variable_map[pairs[0][0]]
    expr_var = instrument.variable_map[pairs[0][1]]
    columns = [
        Column("item", block.header, "text"),
        Column("a", f"Forventning ({exp_var.labels[block.expectation.code]}) a", "pct"),
        Column("b", f"Erfaring ({expr_var.labels[block.experience.code]}) b", "pct"),
        Column("difference", "Forskel (a-b)", "num"),
        Column("relative_gap", "Relativ forskel ((a-b)×100/a)", "num0"),
    ]
    counts = [int(inputs.data[v].notna().sum()) for v in needed]
    return Result(block, data, columns, _note(block, first, n=n_range(counts)), figure_data=data)


def crosstab(block: Block, inputs: Inputs) -> Result:
    assert block.group_by
    variables = _variables(block, inputs)
    groups = grouping.groups(block.group_by, inputs.instrument, inputs.data, inputs.attributes)
    if block.groups:
        unknown = [g for g in block.groups if g not in groups]
        if unknown:
            raise ValueError(f"block {block.id}: unknown groups {unknown}; known: {list(groups)}")
        groups = {g: groups[g] for g in block.groups}
    groups = {block.group_labels.get(label, label): mask for label, mask in groups.items()}
    frames = []
    for var in variables:
        cats = _categories(block, var)
        table = analysis.crosstab(
            inputs.data,
            var.name,
            groups,
            cats,
            overlapping=block.group_by == "areas",
            min_cell=inputs.min_cell,
            combine=block.row_codes,
            total=block.group_labels.get("Alle", "Alle"),
        )
        table = table.rename(columns={c: _cat_label(block, var, c) for c in cats})
        table.insert(0, "item", _label(block, var))
        frames.append(table)
    data = pd.concat(frames, ignore_index=True)
    first = variables[0]
    columns = _crosstab_columns(block, variables)
    note = _note(block, first, n=n_range(data["n"].tolist())) + _hidden_note(data, inputs.min_cell)
    if block.significance == "stars":
        note += " * p<0,05; ** p<0,01; *** p<0,001 (chi-i-anden-test)."
    if block.controls:
        text, p_controlled = _controls_note(block, variables, inputs, groups)
        note += text
        # every statistic the note mentions is in the table's CSV/XLSX too
        data["p_controlled"] = [
            p_controlled.get((str(item), str(group)), np.nan)
            for item, group in zip(data["item"], data["group"], strict=True)
        ]
    return Result(block, data, columns, note.strip(), figure_data=data)


def _crosstab_columns(block: Block, variables: list[Variable]) -> list[Column]:
    assert block.group_by
    first = variables[0]
    if block.row_codes:
        share = "+".join(_cat_label(block, first, c) for c in block.row_codes)
        middle = [Column("percent", f"Andel {share}", "pct")]
    else:
        middle = [
            Column(_cat_label(block, first, c), _cat_label(block, first, c), "pct")
            for c in _categories(block, first)
        ]
    return [
        *([Column("item", "", "text")] if len(variables) > 1 else []),
        Column("group", _header(block, grouping.TITLES[block.group_by]), "text"),
        *middle,
        Column("n", "N", "int"),
        Column("p", "P-værdi", "p")
        if block.significance == "p"
        else Column("stars", "Sign.", "stars"),
    ]


def _hidden_note(data: pd.DataFrame, min_cell: int) -> str:
    """What the note says about groups left out: too small, or hidden to protect those."""
    primary = int((data["suppressed"] & ~data["secondary"]).sum())
    secondary = int(data["secondary"].sum())
    extra = (
        f" Grupper med færre end {min_cell} besvarelser vises ikke ({primary})." if primary else ""
    )
    if secondary:
        extra += (
            f" {secondary} {'anden gruppe' if secondary == 1 else 'andre grupper'} vises"
            " heller ikke, så de skjulte tal ikke kan regnes ud af de viste."
        )
    return extra


def _dummies(masks: dict[str, pd.Series], prefix: str) -> pd.DataFrame:
    """Exclusive groups (label -> mask) as dummy columns, the first group as reference;
    rows in no group are NaN."""
    index = next(iter(masks.values())).index
    values = np.full(len(index), None, dtype=object)
    for label, mask in masks.items():
        values[mask.fillna(False).to_numpy(dtype=bool)] = label
    labels = pd.Series(values, index=index)
    order = [label for label in masks if (labels == label).any()]
    frame = pd.DataFrame(
        {f"{prefix}:{label}": (labels == label).astype(float) for label in order[1:]}
    )
    frame[labels.isna()] = np.nan
    return frame


def _controls_note(
    block: Block, variables: list[Variable], inputs: Inputs, groups: dict[str, pd.Series]
) -> tuple[str, dict[tuple[str, str], float]]:
    """The regression sentence of the note, and its p-values by (item label, group)."""
    codes = block.control_codes or block.row_codes or []
    controls = pd.concat(
        [
            _dummies(grouping.groups(kind, inputs.instrument, inputs.data, inputs.attributes), kind)
            for kind in block.controls
        ],
        axis=1,
    )
    parts = []
    p_values: dict[tuple[str, str], float] = {}
    for var in variables:
        values = inputs.data[var.name].astype(float)
        in_base = values.isin(_categories(block, var))
        outcome = values.isin(codes).astype(float).where(in_base)
        if block.group_by == "areas":  # overlapping: each area against the rest
            found = []
            for label, mask in groups.items():
                term = mask.fillna(False).astype(float).to_frame("group")
                p = analysis.controlled_difference(outcome, term, controls)["p"]
                p_values[(_label(block, var), label)] = p
                if p == p and p < 0.05:
                    found.append(f"{label} (p = {number(p, 3)})")
            parts.append(f"{_label(block, var)}: {', '.join(found) or 'ingen områder'}")
        else:
            result = analysis.controlled_difference(outcome, _dummies(groups, "group"), controls)
            p_values.update({(_label(block, var), label): result["p"] for label in groups})
            p = result["p"]
            shown = (
                f"p = {number(p, 3)}" if p == p else "kan ikke beregnes (modellen konvergerer ikke)"
            )
            parts.append(f"{_label(block, var)}: {shown}")
    titles = ", ".join(grouping.TITLES[kind].lower() for kind in block.controls)
    answers = "/".join(_cat_label(block, variables[0], c) for c in codes)
    text = (
        f" Logistisk regression af “{answers}” med kontrol for {titles} "
        f"(likelihood-ratio-test af forskellen mellem grupperne): {'; '.join(parts)}."
    )
    return text, p_values


def bins(block: Block, inputs: Inputs) -> Result:
    assert block.variable
    if block.variable not in inputs.data.columns:
        raise Skip(f"Variablen {block.variable} findes ikke i data.")
    table = analysis.bin_counts(
        inputs.data[block.variable], [(b.low, b.high, b.label) for b in block.bins]
    )
    var = inputs.instrument.variable_map[block.variable]
    columns = [
        Column("answer", block.header, "text"),
        Column("n", "Antal", "int"),
        Column("percent", "Andel", "pct"),
    ]
    return Result(block, table, columns, _note(block, var, n=str(int(table["n"].sum()))))


def numeric(block: Block, inputs: Inputs) -> Result:
    variables = _variables(block, inputs)
    weights = inputs.weight_values
    if weights is None:
        table = analysis.numeric_summary(inputs.data, [v.name for v in variables])
    else:
        table = weighted.weighted_numeric_summary(inputs.data, [v.name for v in variables], weights)
    table["item"] = [_label(block, v) for v in variables]
    columns = [
        Column("item", block.header, "text"),
        Column("obs", "Observationer", "int"),
        Column("mean", "Gennemsnit", "num"),
        Column("sd", "Std. afv.", "num"),
    ]
    note = _note(block, variables[0], n=n_range(table["obs"].tolist()))
    extra = {"min": ("Min.", "as_given"), "median": ("Median", "num"), "max": ("Maks.", "as_given")}
    columns += [Column(name, *extra[name]) for name in block.statistics]  # type: ignore[arg-type]
    data = table[["item", "obs", "mean", "sd", "min", "median", "max"]]
    if weights is not None:
        data = table[[*data.columns, "n_eff"]]
    return Result(block, data, columns, note, weighted=weights is not None)


def grouped_means(block: Block, inputs: Inputs) -> Result:
    instrument = inputs.instrument
    data: dict[str, list[object]] = {"item": list(block.rows)}
    counts: list[int] = []
    first_var: Variable | None = None
    for series in block.series:
        means: list[object] = []
        for name in series.variables:
            if name is None:
                means.append(np.nan)
                continue
            if name not in inputs.data.columns:  # named in the note (see build)
                means.append(np.nan)
                continue
            var = instrument.variable_map[name]
            first_var = first_var or var
            values = answered(inputs.data[name])
            values = values[np.isin(values, var.substantive_codes)]
            counts.append(int(values.size))
            means.append(float(values.mean()) if values.size else np.nan)
        data[series.label] = means
    if first_var is None:
        raise Skip("Ingen af tabellens variabler findes i data.")
    table = pd.DataFrame(data)
    columns = [Column("item", block.header, "text")] + [
        Column(s.label, s.label, "num") for s in block.series
    ]
    scale = None
    if first_var is not None:
        codes = first_var.substantive_codes
        scale = (float(min(codes)), float(max(codes)))
    note = _note(block, first_var, n=n_range(counts))
    return Result(block, table, columns, note, figure_data=table, scale=scale)


def themes(block: Block, inputs: Inputs) -> Result:
    assert block.variable
    if inputs.codes is None:
        raise Skip("Ingen kodning af de åbne svar er angivet (--codes).")
    from samspil.coding import load_codebook, theme_shares
    from samspil.coding.records import cleaned_cells

    codebook = load_codebook(block.codebook or inputs.instrument.id)
    if block.variable not in inputs.data.columns:
        raise Skip(f"Variablen {block.variable} findes ikke i data.")
    blank, _texts = cleaned_cells(inputs.data[block.variable], str)
    answered = inputs.data["respondent_id"][~blank]
    if answered.empty:
        raise Skip(f"Ingen har besvaret det åbne spørgsmål ({block.variable}) i data.")
    final, rows = inputs.codes_of(block.variable)
    table = theme_shares(final, answered, codebook, block.variable, row_numbers=rows)
    if block.theme_order:
        codes = list(table.attrs["codes"])
        rank = {code: i for i, code in enumerate(block.theme_order)}
        order = sorted(range(len(codes)), key=lambda i: rank.get(codes[i], len(rank) + i))
        table = table.iloc[order].reset_index(drop=True)
    var = inputs.instrument.variable_map[block.variable]
    columns = [
        Column("option", block.header, "text"),
        Column("n", "N", "int"),
        Column("percent", "Pct.", "pct"),
    ]
    quotes: list[str] = []
    if inputs.quotes is not None and len(inputs.quotes):
        chosen = inputs.quotes[inputs.quotes["variable"] == block.variable]
        quotes = [str(t) for t in chosen["text"].tolist()]
    note = _note(block, var, n=str(len(answered)))
    return Result(block, table, columns, note, figure_data=table, quotes=quotes)


def open_answers(block: Block, inputs: Inputs) -> Result:
    """Open questions listed with how many wrote an answer (the texts stay out of reports)."""
    variables = [
        inputs.instrument.variable_map[name]
        for name in (block.variables or [])
        if name in inputs.instrument.variable_map
    ]
    present = [v for v in variables if v.name in inputs.data.columns]
    if not present:
        raise Skip("Ingen af de åbne spørgsmål findes i data.")
    rows = []
    for var in present:
        texts = inputs.data[var.name]
        written = texts.notna() & (texts.astype(str).str.strip() != "")
        rows.append({"item": var.item or var.question, "answered": int(written.sum())})
    table = pd.DataFrame(rows, columns=["item", "answered"])
    columns = [
        Column("item", block.header or "Spørgsmål", "text"),
        Column("answered", "Antal svar", "int"),
    ]
    return Result(block, table, columns, from_text(block.note))


def question_table(block: Block, inputs: Inputs) -> Result:
    """The table the question's own type names (``summary_kind``)."""
    assert block.question
    kind = inputs.instrument.question(block.question).summary_kind
    registered = table_kinds()
    if kind not in registered or kind == "question":
        raise Skip(f"Spørgsmålet {block.question} har ingen tabel.")
    return registered[kind].build(block, inputs)
