"""The previous wave beside this one (``samspil report ... --previous FILE``).

Items are matched by variable name. Summary tables get the previous wave's obs, share and
mean beside this wave's and the changes, marked where significant (Welch's t-test for
means, the two-proportion z-test for shares, p < 0.05); distributions, frequencies and
multiple-response tables get the previous percentages beside; numbers get the previous
obs and mean and the change. An item in only one wave shows "–" on the other side and is
named in the note. Other table kinds are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from samspil import analysis
from samspil.analysis.waves import significance_mark, wave_summary, welch_p
from samspil.questions.base import Variable
from samspil.reports.build import Column, Inputs, Result, _cat_label, _categories, _label

TEST_NOTE = {
    "mean": "Welchs t-test",
    "share": "test af to andele (z-test)",
}


@dataclass(frozen=True)
class Waves:
    current: Inputs
    previous: Inputs
    label: str  # e.g. "2024"

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
        return f" Kun i én af runderne (–): {'; '.join(only)}." if only else ""


def _significance_note(label: str, tests: list[str]) -> str:
    named = " og ".join(TEST_NOTE[t] for t in tests)
    return (
        f" Ændring: denne runde minus {label}; * markerer en statistisk signifikant ændring "
        f"(p < 0,05; {named})."
    )


def _summary(result: Result, waves: Waves) -> None:
    block = result.block
    variables = waves.block_variables(result)
    exclude = sorted({c for v in variables for c in v.special_codes})
    table = wave_summary(
        waves.current.data,
        waves.previous.data,
        [v.name for v in variables],
        top=block.top,
        exclude=exclude,
    )
    table["item"] = [_label(block, v) for v in variables]
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
    result.note += _significance_note(label, ["mean", "share"])
    result.note += waves.only_one_wave(variables, result)


def _previous_percentages(
    result: Result,
    waves: Waves,
    compute: Callable[[Inputs], pd.DataFrame],
    key: str,
    variables: list[Variable],
) -> None:
    """Add ``prev_<column>`` beside each percentage column; rows matched on ``key``, rows
    of the previous wave only kept (with "–" for this wave); the note names the items of
    ``variables`` asked in only one wave."""
    _add_percentages(result, waves, compute, key)
    result.note += waves.only_one_wave(variables, result)


def _add_percentages(
    result: Result, waves: Waves, compute: Callable[[Inputs], pd.DataFrame], key: str
) -> None:
    percent = [c.name for c in result.columns if c.fmt == "pct"]
    if not percent:
        return
    previous = compute(waves.previous)
    keep = [key, *(c for c in percent if c in previous.columns)]
    previous = previous[keep].rename(columns={c: f"prev_{c}" for c in percent})
    result.data = result.data.merge(previous, on=key, how="outer", sort=False)
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


def _distribution(result: Result, waves: Waves) -> None:
    block = result.block
    variables = waves.block_variables(result)
    if not variables:
        return
    first = variables[0]
    cats = _categories(block, first)
    names = {c: _cat_label(block, first, c) for c in cats}

    def compute(inputs: Inputs) -> pd.DataFrame:
        present = [v for v in variables if v.name in inputs.data.columns]
        if not present:
            return pd.DataFrame(columns=["item", *names.values()])
        table = analysis.distribution(inputs.data, [v.name for v in present], cats)
        table = table.rename(columns=names)
        table["item"] = [_label(block, v) for v in present]
        return table

    _previous_percentages(result, waves, compute, "item", variables)


def _frequency(result: Result, waves: Waves) -> None:
    block = result.block
    variables = waves.block_variables(result)
    if not variables:
        return
    var = variables[0]
    cats = _categories(block, var)

    def compute(inputs: Inputs) -> pd.DataFrame:
        if var.name not in inputs.data.columns:
            return pd.DataFrame({"answer": [], "percent": []})
        table = analysis.frequency(inputs.data[var.name], cats)
        table["answer"] = [_cat_label(block, var, c) for c in cats]
        return table

    _previous_percentages(result, waves, compute, "answer", variables)


def _multiple(result: Result, waves: Waves) -> None:
    block = result.block
    variables = [v for v in waves.block_variables(result) if v.kind == "binary"]

    def compute(inputs: Inputs) -> pd.DataFrame:
        present = [v for v in variables if v.name in inputs.data.columns]
        if not present:
            return pd.DataFrame({"option": [], "percent": []})
        table = analysis.multiple_response(inputs.data, [v.name for v in present])
        table["option"] = [_label(block, v) for v in present]
        return table

    _previous_percentages(result, waves, compute, "option", variables)


def _numeric(result: Result, waves: Waves) -> None:
    variables = waves.block_variables(result)
    rows = []
    for var in variables:
        now = waves.current.data.get(var.name)
        then = waves.previous.data.get(var.name)
        now = now.dropna().astype(float) if now is not None else pd.Series(dtype=float)
        then = then.dropna().astype(float) if then is not None else pd.Series(dtype=float)
        both = bool(now.size and then.size)
        p = welch_p(now, then) if both else np.nan
        rows.append(
            {
                "item": _label(result.block, var),
                "prev_obs": int(then.size) if then.size else np.nan,
                "prev_mean": float(then.mean()) if then.size else np.nan,
                "change_mean": float(now.mean() - then.mean()) if both else np.nan,
                "p_mean": p,
                "sig_mean": significance_mark(p),
            }
        )
    extra = pd.DataFrame(rows)
    result.data = result.data.merge(extra, on="item", how="outer")
    label = waves.label
    result.columns = [
        *result.columns,
        Column("prev_obs", f"Obs. {label}", "int"),
        Column("prev_mean", f"Gennemsnit {label}", "num"),
        Column("change_mean", "Ændring gennemsnit", "num"),
        Column("sig_mean", "", "stars"),
    ]
    result.note += _significance_note(label, ["mean"])
    result.note += waves.only_one_wave(variables, result)


COMPARERS: dict[str, Callable[[Result, Waves], None]] = {
    "summary": _summary,
    "distribution": _distribution,
    "frequency": _frequency,
    "multiple_response": _multiple,
    "numeric": _numeric,
}


def add_previous(results: list[Result], waves: Waves) -> None:
    """Put the previous wave beside every comparable table (in place)."""
    for result in results:
        compare = COMPARERS.get(result.block.kind)
        if compare is None:
            continue
        if result.skipped:
            continue
        compare(result, waves)
        result.waves = ("Denne runde", waves.label)
        result.columns = [
            c if c.fmt in ("text", "stars") else replace(c, missing="–") for c in result.columns
        ]
