"""Figures in the style of the seed reports, drawn with matplotlib once per report and
saved in every image format the outputs need (SVG for HTML and the PDF, PNG at 300 dpi for
Word and the figures folder).

Colours: every bar colour has at least 3:1 contrast against the white background, the
palette stays apart in the common colour-vision deficiencies (Okabe-Ito hues, darkened
where needed), and a text label on a bar takes black or white, whichever contrasts more.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from samspil.reports.build import Result
from samspil.reports.formatting import number, percent

# Okabe-Ito blue, vermillion, bluish green, reddish purple, darkened orange and sky blue,
# then dark grey: all >= 3:1 against white.
COLOURS = ["#0b3d5c", "#0072B2", "#C04F00", "#007A5A", "#A8457E", "#8A6100", "#595959"]
PNG_DPI = 300


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(background: str) -> str:
    return (
        "#ffffff"
        if contrast(background, "#ffffff") >= contrast(background, "#000000")
        else "#000000"
    )


plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "samspil",
    }
)


def _wrap(labels: list[str], width: int = 48) -> list[str]:
    return ["\n".join(textwrap.wrap(str(x), width)) or str(x) for x in labels]


WIDTH = 7.5  # inches
CHAR = 0.074  # inches: an average character of the 9 pt labels


def _figure(rows: int) -> tuple[plt.Figure, plt.Axes]:
    return plt.subplots(figsize=(WIDTH, max(1.6, 0.5 * rows + 0.9)))


def _layout(fig: plt.Figure, rows: int, labels: list[str], legend: list[str] | None = None) -> None:
    """Margins from the labels' length instead of matplotlib's tight layout (which measures
    every text and takes a third of the drawing time): the bars get ``rows`` x 0.5 in, the
    item labels their width, the legend its rows under the axis."""
    longest = max((len(line) for text in labels for line in text.split("\n")), default=10)
    left = min(0.55 * WIDTH, 0.2 + CHAR * longest)
    legend_rows = 0
    if legend:
        columns = 3 if len(legend) > 2 else len(legend)
        lines = max(text.count("\n") + 1 for text in legend)
        legend_rows = -(-len(legend) // columns) * lines
    top, bottom = 0.15, 0.5 + 0.17 * legend_rows + (0.15 if legend_rows else 0)
    height = max(1.6, 0.5 * rows) + top + bottom
    fig.set_size_inches(WIDTH, height)
    fig.subplots_adjust(
        left=left / WIDTH, right=1 - 0.35 / WIDTH, top=1 - top / height, bottom=bottom / height
    )
    if legend:
        fig.legends[0].set_bbox_to_anchor((0.5 + left / WIDTH / 2 - 0.175 / WIDTH, 0.01))


def _paired_bars(
    result: Result, labels: list[str], now: np.ndarray, before: np.ndarray, text: Any
) -> plt.Figure:
    """This wave's and the previous wave's bar side by side for every row, with a legend."""
    assert result.waves is not None
    fig, ax = _figure(len(labels))
    y = np.arange(len(labels))[::-1]
    for offset, values, colour in ((0.2, now, COLOURS[0]), (-0.2, before, COLOURS[2])):
        ax.barh(y + offset, np.nan_to_num(values), color=colour, height=0.38)
        for yi, v in zip(y, values, strict=True):
            if v == v:
                ax.text(v + 0.05 * text.step, yi + offset, text.label(v), va="center", fontsize=7)
    wrapped = _wrap(labels)
    ax.set_yticks(y, wrapped)
    legend = list(result.waves)
    fig.legend(legend, loc="lower center", ncol=2, frameon=False, fontsize=8)
    _layout(fig, len(labels), wrapped, legend)
    return fig


@dataclass(frozen=True)
class _Text:
    step: float  # how far from the bar's end the value stands (x units)
    label: Any  # value -> text


def _bars_mean(result: Result) -> plt.Figure:
    data = result.figure_data
    assert data is not None
    if result.waves and "prev_mean" in data.columns:
        fig = _paired_bars(
            result,
            data["item"].tolist(),
            data["mean"].to_numpy(dtype=float),
            data["prev_mean"].to_numpy(dtype=float),
            _Text(1, number),
        )
        fig.axes[0].set_xlabel("Gennemsnit")
        if result.scale:
            fig.axes[0].set_xlim(result.scale[0] - 1 if result.scale[0] > 0 else 0, result.scale[1])
        return fig
    fig, ax = _figure(len(data))
    y = np.arange(len(data))[::-1]
    ax.barh(y, data["mean"], color=COLOURS[0], height=0.6)
    for yi, m in zip(y, data["mean"], strict=True):
        if m == m:
            ax.text(m + 0.05, yi, number(m), va="center")
    labels = _wrap(data["item"].tolist())
    ax.set_yticks(y, labels)
    if result.scale:
        ax.set_xlim(result.scale[0] - 1 if result.scale[0] > 0 else 0, result.scale[1])
    ax.set_xlabel("Gennemsnit")
    _layout(fig, len(data), labels)
    return fig


def _both_waves(data: pd.DataFrame, cats: list[str], waves: tuple[str, str]) -> pd.DataFrame:
    """Each item twice, this wave's row over the previous wave's (named in brackets)."""
    rows = []
    for _, row in data.iterrows():
        rows.append({"item": f"{row['item']} ({waves[0].lower()})", **{c: row[c] for c in cats}})
        rows.append(
            {"item": f"{row['item']} ({waves[1]})", **{c: row.get(f"prev_{c}") for c in cats}}
        )
    return pd.DataFrame(rows, columns=["item", *cats])


def _stacked(result: Result) -> plt.Figure:
    data = result.figure_data
    assert data is not None
    cats = [c.name for c in result.columns if c.fmt == "pct" and not c.name.startswith("prev_")]
    if result.waves and any(f"prev_{c}" in data.columns for c in cats):
        data = _both_waves(data, cats, result.waves)
    fig, ax = _figure(len(data))
    y = np.arange(len(data))[::-1]
    left = np.zeros(len(data))
    for i, cat in enumerate(cats):
        values = data[cat].fillna(0).to_numpy(dtype=float)
        ax.barh(
            y,
            values,
            left=left,
            color=COLOURS[i % len(COLOURS)],
            height=0.6,
            label=cat,
            edgecolor="white",
            linewidth=0.8,
        )
        for yi, lo, v in zip(y, left, values, strict=True):
            if v >= 6:
                ax.text(
                    lo + v / 2,
                    yi,
                    percent(v, 0),
                    va="center",
                    ha="center",
                    color=label_colour(COLOURS[i % len(COLOURS)]),
                    fontsize=8,
                )
        left += values
    labels = _wrap(data["item"].tolist())
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 100)
    legend = _wrap(cats, 28)
    fig.legend(legend, loc="lower center", ncol=min(3, len(cats)), frameon=False, fontsize=8)
    _layout(fig, len(data), labels, legend)
    return fig


def _bars_percent(result: Result) -> plt.Figure:
    data = result.figure_data
    assert data is not None
    before: np.ndarray | None = None
    if "percent" in data.columns:
        label_col = next(c for c in ("option", "answer", "group") if c in data.columns)
        labels, values = data[label_col].tolist(), data["percent"].to_numpy(dtype=float)
        if "prev_percent" in data.columns:
            before = data["prev_percent"].to_numpy(dtype=float)
    else:  # a one-row distribution: one bar per category
        cats = [c.name for c in result.columns if c.fmt == "pct" and not c.name.startswith("prev_")]
        labels, values = cats, data.iloc[0][cats].to_numpy(dtype=float)
        previous = [f"prev_{c}" for c in cats]
        if all(p in data.columns for p in previous):
            before = data.iloc[0][previous].to_numpy(dtype=float)
    if result.waves and before is not None:
        fig = _paired_bars(result, labels, values, before, _Text(20, lambda v: percent(v, 0)))
        fig.axes[0].set_xlim(0, 100)
        fig.axes[0].set_xlabel("Procent")
        return fig
    fig, ax = _figure(len(labels))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, np.nan_to_num(values), color=COLOURS[1], height=0.6)
    for yi, v in zip(y, values, strict=True):
        ax.text((0 if v != v else v) + 1, yi, percent(v, 0), va="center")
    wrapped = _wrap(labels)
    ax.set_yticks(y, wrapped)
    shown = values[np.isfinite(values)]
    ax.set_xlim(0, max(100, float(shown.max()) + 10) if len(shown) else 100)
    ax.set_xlabel("Procent")
    _layout(fig, len(labels), wrapped)
    return fig


def _grouped_means(result: Result) -> plt.Figure:
    data = result.figure_data
    assert data is not None
    series = [c.name for c in result.columns if c.fmt == "num"]
    fig, ax = _figure(len(data) * max(1, len(series)) // 2 + 1)
    y = np.arange(len(data))[::-1]
    height = 0.8 / len(series)
    for i, name in enumerate(series):
        values = data[name].to_numpy(dtype=float)
        pos = y + (len(series) / 2 - i - 0.5) * height
        ax.barh(
            pos,
            np.nan_to_num(values),
            height=height,
            color=COLOURS[i % len(COLOURS)],
            label=name,
        )
        for p, v in zip(pos, values, strict=True):
            if v == v:
                ax.text(v + 0.05, p, number(v), va="center", fontsize=7)
    labels = _wrap(data["item"].tolist())
    ax.set_yticks(y, labels)
    if result.scale:
        ax.set_xlim(0, result.scale[1] + 0.5)
    fig.legend(series, loc="lower center", ncol=min(3, len(series)), frameon=False)
    _layout(fig, len(data) * max(1, len(series)) // 2 + 1, labels, series)
    return fig


DRAW = {
    "bars_mean": _bars_mean,
    "stacked": _stacked,
    "bars_percent": _bars_percent,
    "grouped_means": _grouped_means,
}


def figure_name(result: Result) -> str:
    return result.block.figure_id or result.block.id


def render(result: Result, formats: set[str], folder: Path | None = None) -> dict[str, bytes]:
    """Draw the block's figure once and save it in each of ``formats`` ('svg', 'png');
    write the files to ``folder`` when given."""
    fig = DRAW[result.block.figure](result)
    out: dict[str, bytes] = {}
    for kind in sorted(formats):
        buffer = io.BytesIO()
        if kind == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buffer, format="png", dpi=PNG_DPI)
        out[kind] = buffer.getvalue()
        if folder is not None:
            (folder / f"{figure_name(result)}.{kind}").write_bytes(out[kind])
    plt.close(fig)
    return out


def has_figure(result: Result) -> bool:
    return (
        result.skipped is None
        and result.block.figure != "none"
        and isinstance(result.figure_data, pd.DataFrame)
    )
