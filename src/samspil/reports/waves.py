"""The previous wave beside this one (``samspil report ... --previous FILE``).

Items are matched by variable name. Summary tables get the previous wave's obs, share and
mean beside this wave's and the changes, marked where significant (Welch's t-test for
means, the two-proportion z-test for shares, p < 0.05); distributions, frequencies and
multiple-response tables get the previous percentages beside; numbers get the previous
obs and mean and the change. An item in only one wave shows "–" on the other side and is
named in the note. Other table kinds are left as they are.

The previous wave's tables are built by the one ``build`` (:func:`previous_results`) and
joined to this wave's per block, by item or answer: no table is computed twice over.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from samspil.analysis.waves import (
    EXACT_BELOW,
    WAVE_SUMMARY_COLUMNS,
    compare_summaries,
    matched,
    mcnemar_test,
    paired_summary,
    significance_mark,
    two_proportions_p,
)
from samspil.errors import DomainError
from samspil.questions.base import Variable
from samspil.reports.build import Column, Inputs, Result, _label, build
from samspil.reports.kinds import Comparer, kind_of
from samspil.reports.spec import ReportSpec

TEST_NOTE = {
    "mean": "Welchs t-test",
    "share": "test af to andele (z-test)",
}
PAIRED_NOTE = {
    "t": "parret t-test af gennemsnit",
    "wilcoxon": "Wilcoxons test for parrede observationer (fortegnsrangtest) af gennemsnit",
    "share": f"McNemars test af andele (eksakt binomialtest ved under {EXACT_BELOW} "
    "enheder, der har skiftet side)",
}
DEFAULT_MATCH = "kommune"


@dataclass(frozen=True)
class Panel:
    """The units answering in both waves, matched on ``key``: their rows of each wave in
    the same order, and how many units answered in one wave only."""

    key: str
    now: pd.DataFrame
    then: pd.DataFrame
    only_now: int
    only_then: int
    repeated: bool = False  # the key repeats in a wave: tested as independent samples

    @property
    def units(self) -> str:
        return "kommuner" if self.key == DEFAULT_MATCH else f"enheder (matchet på {self.key})"


def panel_of(current: Inputs, previous: Inputs, match: str | None) -> Panel | None:
    """The panel of the two waves: matched on ``match`` (a column both files must have,
    each unit once), by default on ``kommune`` when both files have it (a municipality
    answering more than once in a wave: a ``repeated`` panel, tested as independent samples
    and said so); "" or "none": no matching (independent samples)."""
    if match in ("", "none"):
        return None
    key = match or DEFAULT_MATCH
    waves = (("this wave", current.data), ("the previous wave", previous.data))
    for name, data in waves:
        if key not in data.columns:
            if match is None:
                return None
            raise DomainError(f"--match {key}: {name}'s answers have no column {key!r}")
        keys = data[key].dropna()
        repeated = keys[keys.duplicated()]
        if len(repeated):
            if match is None:  # several answers per municipality: not a panel of them
                return Panel(key, pd.DataFrame(), pd.DataFrame(), 0, 0, repeated=True)
            raise DomainError(
                f"--match {key}: {name}'s answers give {key} {repeated.iloc[0]!r} more than "
                "once; a panel matches each unit once"
            )
    now, then = matched(current.data, previous.data, key)
    if now.empty:
        if match is None:
            return None
        raise DomainError(f"--match {key}: no {key} answered in both waves")
    only_now = int(current.data[key].notna().sum()) - len(now)
    only_then = int(previous.data[key].notna().sum()) - len(then)
    return Panel(key, now, then, only_now, only_then)


@dataclass(frozen=True)
class Waves:
    current: Inputs
    previous: Inputs
    label: str  # e.g. "2024"
    panel: Panel | None = None

    def block_variables(self, result: Result) -> list[Variable]:
        """The block's variables present in either wave, in the instrument's order."""
        block = result.block
        instrument = self.current.instrument
        if block.variables:
            names = [n for n in block.variables if n in instrument.variable_map]
            variables = [instrument.variable_map[n] for n in names]
        elif block.question:
            variables = instrument.question_variables(block.question)
        else:
            return []
        return [
            v
            for v in variables
            if v.name in self.current.data.columns or v.name in self.previous.data.columns
        ]

    def only_one_wave(self, variables: list[Variable], result: Result) -> str:
        only = [
            _label(result.block, v)
            for v in variables
            if (v.name in self.current.data.columns) != (v.name in self.previous.data.columns)
        ]
        listed = "; ".join(only)
        end = "" if listed.endswith((".", "?", "!")) else "."
        return f" Kun i én af runderne (–): {listed}{end}" if only else ""


def _significance_note(waves: Waves, tests: list[str]) -> str:
    label, panel = waves.label, waves.panel
    if panel is None or panel.repeated:
        named = " og ".join(TEST_NOTE[t] for t in tests)
        why = (
            f" Da flere har svaret fra samme {panel.key}, er runderne testet som uafhængige "
            "stikprøver."
            if panel is not None
            else ""
        )
        return (
            f" Ændring: denne runde minus {label}; * markerer en statistisk signifikant "
            f"ændring (p < 0,05; {named}).{why}"
        )
    named = " og ".join(PAIRED_NOTE[t] for t in tests)
    return (
        f" Ændring: denne runde minus {label}; * markerer en statistisk signifikant ændring "
        f"(p < 0,05), testet parvis for de {len(panel.now)} {panel.units}, der har svaret "
        f"i begge runder ({named}). {panel.only_now} kun i denne runde og "
        f"{panel.only_then} kun i {label} indgår i hver rundes tal, men ikke i testene."
    )


def _paired(
    result: Result,
    variables: list[Variable],
    waves: Waves,
    table: pd.DataFrame,
    top: list[int],
    exclude: list[int],
) -> list[str]:
    """Replace the independent tests of ``table`` by the panel's paired ones (in place);
    the tests used, for the note."""
    panel = waves.panel
    if panel is None or panel.repeated:
        return ["mean", "share"] if top else ["mean"]
    method = result.block.paired_test
    paired = paired_summary(
        panel.now,
        panel.then,
        [v.name for v in variables],
        top=top,
        exclude=exclude,
        method=method,
    )
    paired["item"] = [_label(result.block, v) for v in variables]
    paired = paired.set_index("item")
    columns = ["pairs", "stat_mean", "p_mean"]
    if top:
        columns += ["discordant", "stat_share", "p_share"]
    for column in columns:
        table[column] = table["item"].map(paired[column])
    return [method, "share"] if top else [method]


def compare_summary(result: Result, earlier: pd.DataFrame, waves: Waves) -> None:
    block = result.block
    variables = waves.block_variables(result)
    table = compare_summaries(result.data, earlier, [_label(block, v) for v in variables])
    table = table[WAVE_SUMMARY_COLUMNS].copy()
    exclude = sorted({c for v in variables for c in v.special_codes})
    tests = _paired(result, variables, waves, table, list(block.top), exclude)
    table["sig_share"] = table["p_share"].map(significance_mark)
    table["sig_mean"] = table["p_mean"].map(significance_mark)
    for column in ("min", "max"):
        if column in result.data.columns:
            table[column] = table["item"].map(
                dict(zip(result.data["item"], result.data[column], strict=True))
            )
    label = waves.label
    item_column = next(c for c in result.columns if c.name == "item")
    result.data = table
    result.figure_data = table
    result.columns = [
        item_column,
        Column("obs", "Obs.", "int"),
        Column("share", block.share_label, "pct"),
        Column("mean", "Gennemsnit", "mean_sd"),
        Column("prev_obs", f"Obs. {label}", "int"),
        Column("prev_share", f"{block.share_label} {label}", "pct"),
        Column("prev_mean", f"Gennemsnit {label}", "num"),
        Column("change_share", "Ændring andel (pct.-point)", "num"),
        Column("sig_share", "", "stars"),
        Column("change_mean", "Ændring gennemsnit", "num"),
        Column("sig_mean", "", "stars"),
    ]
    result.note += _significance_note(waves, tests)
    result.note += waves.only_one_wave(variables, result)


def _percentages(key: str) -> Comparer:
    """Add ``prev_<column>`` beside each percentage column; rows matched on ``key``, rows
    of the previous wave only kept (with "–" for this wave); the note names the items
    asked in only one wave."""

    def compare(result: Result, earlier: pd.DataFrame, waves: Waves) -> None:
        variables = waves.block_variables(result)
        if key == "option":  # multiple response: its options (binary variables)
            variables = [v for v in variables if v.kind == "binary"]
        elif not variables:
            return
        if key not in earlier.columns:  # not asked in the previous wave
            earlier = pd.DataFrame({key: pd.Series([], dtype=object)})
        _add_percentages(result, earlier, waves, key)
        result.note += waves.only_one_wave(variables, result)

    return compare


def _add_percentages(result: Result, previous: pd.DataFrame, waves: Waves, key: str) -> None:
    percent = [c.name for c in result.columns if c.fmt == "pct"]
    if not percent:
        return
    keep = [key, *(c for c in percent if c in previous.columns)]
    previous = previous[keep].rename(columns={c: f"prev_{c}" for c in percent})
    result.data = merge_in_order(result.data, previous, key)
    columns: list[Column] = []
    for column in result.columns:
        columns.append(column)
        if column.fmt == "pct":
            name = f"prev_{column.name}"
            if name not in result.data.columns:
                result.data[name] = np.nan
            columns.append(Column(name, f"{column.header} {waves.label}", "pct"))
    result.columns = columns
    result.figure_data = result.data
    result.note += f" Kolonnerne mærket {waves.label} viser den forrige runde."


def compare_options(result: Result, earlier: pd.DataFrame, waves: Waves) -> None:
    """Multiple response: the previous percentages beside, and each option's change tested
    (McNemar's test for a panel, else the two-proportion z-test; the base in each wave is
    those who answered the question)."""
    _percentages("option")(result, earlier, waves)
    if "prev_percent" not in result.data.columns:
        return
    variables = [v for v in waves.block_variables(result) if v.kind == "binary"]
    by_label = {_label(result.block, v): v.name for v in variables}
    panel = waves.panel if waves.panel is not None and not waves.panel.repeated else None
    p_values = []
    for label in result.data["option"]:
        name = by_label.get(label)
        p_values.append(np.nan if name is None else _option_p(name, variables, waves, panel))
    result.data["change"] = result.data["percent"] - result.data["prev_percent"]
    result.data["p"] = p_values
    result.data["sig"] = result.data["p"].map(significance_mark)
    at = next(i for i, c in enumerate(result.columns) if c.name == "prev_percent") + 1
    result.columns[at:at] = [
        Column("change", "Ændring (pct.-point)", "num"),
        Column("sig", "", "stars"),
    ]
    result.figure_data = result.data
    result.note += _significance_note(waves, ["share"])


def _option_p(name: str, variables: list[Variable], waves: Waves, panel: Panel | None) -> float:
    """The p-value of one option's change (NaN where a wave lacks it)."""
    names = [v.name for v in variables]
    frames = (panel.now, panel.then) if panel else (waves.current.data, waves.previous.data)
    if any(name not in f.columns for f in frames):
        return np.nan
    answered = [f[[n for n in names if n in f.columns]].notna().any(axis=1) for f in frames]
    if panel is not None:
        both = (answered[0] & answered[1]).to_numpy()
        now = panel.now[name].to_numpy(dtype=float, na_value=0)[both] == 1
        then = panel.then[name].to_numpy(dtype=float, na_value=0)[both] == 1
        return mcnemar_test(now, then)[1]
    k = [int((f.loc[a, name] == 1).sum()) for f, a in zip(frames, answered, strict=True)]
    n = [int(a.sum()) for a in answered]
    return two_proportions_p(k[0], n[0], k[1], n[1])


def merge_in_order(now: pd.DataFrame, then: pd.DataFrame, key: str) -> pd.DataFrame:
    """``now`` with ``then``'s columns beside, matched on ``key``: this wave's rows in their
    order, a row of the previous wave only after the row it follows there (both come in
    the questionnaire's order; pandas' outer join would sort the keys)."""
    order = list(now[key])
    seen = set(order)
    after = None
    for value in then[key]:
        if value not in seen:
            order.insert(order.index(after) + 1 if after is not None else 0, value)
            seen.add(value)
        after = value
    rows = pd.DataFrame({key: pd.Series(order, dtype=object)})
    now = now.astype({key: object})
    then = then.astype({key: object}).drop_duplicates(key)
    return rows.merge(now, on=key, how="left").merge(then, on=key, how="left")


def compare_numeric(result: Result, earlier: pd.DataFrame, waves: Waves) -> None:
    variables = waves.block_variables(result)
    table = compare_summaries(result.data, earlier, [_label(result.block, v) for v in variables])
    tests = _paired(result, variables, waves, table, [], [])
    table["sig_mean"] = table["p_mean"].map(significance_mark)
    paired = [c for c in ("pairs", "stat_mean") if c in table.columns]
    extra = table[["item", "prev_obs", "prev_mean", "change_mean", "p_mean", "sig_mean", *paired]]
    result.data = merge_in_order(result.data, extra, "item")
    label = waves.label
    result.columns = [
        *result.columns,
        Column("prev_obs", f"Obs. {label}", "int"),
        Column("prev_mean", f"Gennemsnit {label}", "num"),
        Column("change_mean", "Ændring gennemsnit", "num"),
        Column("sig_mean", "", "stars"),
    ]
    result.note += _significance_note(waves, tests)
    result.note += waves.only_one_wave(variables, result)


# Comparers of percentages (each registered with its kind: samspil.reports.builtin_kinds)
compare_distribution = _percentages("item")
compare_frequency = _percentages("answer")


def _comparer(name: str) -> Comparer | None:
    kind = kind_of(name)
    return None if kind is None else kind.compare


def add_previous(results: list[Result], earlier: list[Result], waves: Waves) -> None:
    """Put the previous wave beside every comparable table (in place): ``earlier`` are the
    same blocks built from the previous wave's answers (:func:`previous_results`), joined
    to this wave's tables by item or answer."""
    before = {r.block.id: r for r in earlier}
    for result in results:
        compare = _comparer(result.block.kind)
        if compare is None:
            continue
        other = before.get(result.block.id)
        if result.skipped:
            if other is None or other.skipped:
                continue
            _asked_before_only(result, other)
        compare(result, pd.DataFrame() if other is None or other.skipped else other.data, waves)
        result.waves = ("Denne runde", waves.label)
        result.columns = [
            c if c.fmt in ("text", "stars") else replace(c, missing="–") for c in result.columns
        ]


def _asked_before_only(result: Result, before: Result) -> None:
    """A table of a question asked only in the previous wave (in place): the previous
    wave's rows with this wave's figures missing ("–"), so the comparer puts the previous
    figures beside them and the note names the question."""
    data = before.data.copy()
    for column in before.columns:
        if column.fmt != "text" and column.name in data.columns:
            data[column.name] = np.nan
    result.skipped = None
    result.data = data
    result.figure_data = data
    result.columns = list(before.columns)
    result.scale = before.scale
    result.note = ""


def previous_results(spec: ReportSpec, waves: Waves) -> list[Result]:
    """The comparable blocks built from the previous wave's answers (items matched by
    variable name: this wave's questionnaire and labels)."""
    inputs = replace(waves.previous, instrument=waves.current.instrument)
    comparable = {b.kind for b in spec.blocks if _comparer(b.kind) is not None}
    return build(spec, inputs, kinds=comparable)
