"""Figures in the style of the seed reports: horizontal bar charts.

A figure is laid out once, as a :class:`Scene` of rectangles, lines and text placed in
points, and that one scene is written as SVG (HTML, and the vector PDF, where Typst sets its
text as real text) and as a 300 dpi PNG (Word and the figures folder, drawn with Pillow).
The seeds' figures are all horizontal bars (means, percentages, stacked distributions, a
few series side by side), so a scene needs nothing more; drawing one takes about a
millisecond, where a general plotting library spent a third of a second per figure and half
a second on its import, most of a report's time.

Text is measured with the same TrueType font the PNG is drawn with (Liberation Sans, metric
compatible with Arial, which the SVG names as its fallback), so labels are wrapped to fit.

Colours: every bar colour has at least 3:1 contrast against the white background, the
palette stays apart in the common colour-vision deficiencies (Okabe-Ito hues, darkened
where needed), and a text label on a bar takes black or white, whichever contrasts more.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from samspil.reports.build import Result
from samspil.reports.formatting import number, percent
from samspil.reports.kinds import kind_of
from samspil.reports.spec import Block

# Okabe-Ito blue, vermillion, bluish green, reddish purple, darkened orange and sky blue,
# then dark grey: all >= 3:1 against white.
COLOURS = ["#0b3d5c", "#0072B2", "#C04F00", "#007A5A", "#A8457E", "#8A6100", "#595959"]
PNG_DPI = 300
WIDTH = 492.0  # points: the width of an A4 page's text (174 mm)
# A figure for a phone: laid out this narrow with the same type sizes, it is shown about
# 1.6 times as large at a 390 px screen's width, so its smallest text (7.5 pt) is 12 px.
PHONE_WIDTH = 222.0
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_FILES = (
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
LABEL, VALUE, LEGEND = 9.0, 7.5, 8.0  # font sizes, points
INK, AXIS, GRID, WHITE = "#1d1d1b", "#595959", "#e3e3e3", "#ffffff"


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(background: str) -> str:
    return WHITE if contrast(background, WHITE) >= contrast(background, "#000000") else "#000000"


# -- the scene: what is drawn, in points, y downwards -----------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None  # a thin white edge between stacked segments


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 0.8


Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    fill: str = INK
    anchor: Anchor = "start"


Shape = Rect | Line | Text


@dataclass
class Scene:
    width: float
    height: float
    title: str
    shapes: list[Shape] = field(default_factory=list)
    alt: str = ""  # what the figure shows, for readers who cannot see it (see ``describe``)

    def svg(self) -> bytes:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:g}pt" '
            f'height="{self.height:.1f}pt" viewBox="0 0 {self.width:g} {self.height:.1f}" '
            f'font-family="{FONT_FAMILY}" role="img">',
            f"<title>{html.escape(self.title)}</title>",
            f'<rect width="{self.width:g}" height="{self.height:.1f}" fill="{WHITE}"/>',
        ]
        for s in self.shapes:
            if isinstance(s, Rect):
                edge = f' stroke="{s.stroke}" stroke-width="0.8"' if s.stroke else ""
                out.append(
                    f'<rect x="{s.x:.2f}" y="{s.y:.2f}" width="{s.w:.2f}" height="{s.h:.2f}" '
                    f'fill="{s.fill}"{edge}/>'
                )
            elif isinstance(s, Line):
                out.append(
                    f'<line x1="{s.x1:.2f}" y1="{s.y1:.2f}" x2="{s.x2:.2f}" y2="{s.y2:.2f}" '
                    f'stroke="{s.stroke}" stroke-width="{s.width:g}"/>'
                )
            else:
                anchor = "" if s.anchor == "start" else f' text-anchor="{s.anchor}"'
                out.append(
                    f'<text x="{s.x:.2f}" y="{s.y:.2f}" font-size="{s.size:g}" '
                    f'fill="{s.fill}"{anchor}>{html.escape(s.text)}</text>'
                )
        out.append("</svg>\n")
        return "".join(out).encode("utf-8")

    def drawing(self) -> dict[str, Any]:
        """The scene as plain data for the PDF's template, which draws it natively (as
        :meth:`svg` does, on a white ground): ``width``/``height`` in points and ``shapes``,
        each a list: ``["r", x, y, w, h, fill, stroke or None]``, ``["l", x1, y1, x2, y2,
        stroke, width]`` or ``["t", x, baseline, text, size, fill, anchor]``; numbers rounded
        as in the SVG, text as it is (the template sets it as text, never as markup)."""
        shapes: list[list[Any]] = []
        for s in self.shapes:
            if isinstance(s, Rect):
                r = [round(s.x, 2), round(s.y, 2), round(s.w, 2), round(s.h, 2)]
                shapes.append(["r", *r, s.fill, s.stroke])
            elif isinstance(s, Line):
                r = [round(s.x1, 2), round(s.y1, 2), round(s.x2, 2), round(s.y2, 2)]
                shapes.append(["l", *r, s.stroke, s.width])
            else:
                shapes.append(["t", round(s.x, 2), round(s.y, 2), s.text, s.size, s.fill, s.anchor])
        return {"width": self.width, "height": round(self.height, 1), "shapes": shapes}

    def png(self, dpi: int = PNG_DPI) -> bytes:
        from PIL import Image, ImageColor, ImageDraw

        k = dpi / 72
        # Drawn straight into a palette image: a chart has a few flat colours, each given
        # its palette entry as it is first used (white, the background, is entry 0). The
        # text is then set without anti-aliasing, which at 300 dpi cannot be seen; the
        # file is a third of an RGB one's size, and no quantising pass is needed. zlib's
        # level 3 writes it in two thirds of level 6's time, for files a little larger.
        image = Image.new("P", (round(self.width * k), round(self.height * k)), WHITE)
        draw = ImageDraw.Draw(image)
        for s in self.shapes:
            if isinstance(s, Rect):
                box = (s.x * k, s.y * k, (s.x + s.w) * k, (s.y + s.h) * k)
                draw.rectangle(box, fill=s.fill)
                if s.stroke:  # the edge centred on the outline, as SVG strokes are
                    draw.rectangle(box, outline=s.stroke, width=max(1, round(0.4 * k)))
            elif isinstance(s, Line):
                points = (s.x1 * k, s.y1 * k, s.x2 * k, s.y2 * k)
                draw.line(points, fill=s.stroke, width=max(1, round(s.width * k)))
            else:  # the text's pixels, set once per text, size and anchor
                (left, top), mask = _text_mask(s.text, round(s.size * k * 4) / 4, s.anchor)
                assert image.palette is not None  # a "P" image has one
                ink = image.palette.getcolor(ImageColor.getrgb(s.fill), image)
                image.paste(ink, (round(s.x * k) + left, round(s.y * k) + top), mask)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi), compress_level=3)
        return buffer.getvalue()


def svg_data_uri(svg: bytes) -> str:
    """An SVG picture inlined in a page (the HTML report and the PDF are self-contained)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@lru_cache(maxsize=4096)
def _text_mask(text: str, size: float, anchor: str):  # type: ignore[no-untyped-def]
    """A text's pixels at ``size`` (pixels), unsmoothed, as a 1-bit mask, and where its top
    left corner lies from the anchor point (the start, middle or end of its baseline).
    Remembered: the figures of a report, and of every municipality's report, set the same
    tick labels, legends and category names again and again."""
    from PIL import Image, ImageDraw

    font, at = _font(size), {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
    left, top, right, bottom = (math.floor(v) for v in font.getbbox(text, anchor=at))
    mask = Image.new("1", (max(1, right - left + 1), max(1, bottom - top + 1)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=1, font=font, anchor=at)
    return (left, top), mask


@lru_cache(maxsize=32)
def _font(size: float):  # type: ignore[no-untyped-def]  # PIL's font classes differ by build
    from PIL import ImageFont

    for path in FONT_FILES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


@lru_cache(maxsize=1 << 16)
def text_width(text: str, size: float) -> float:
    """The width of ``text`` in points at ``size`` points (remembered: a batch of
    municipalities' reports sizes the same labels and headings over and over)."""
    return float(_font(100.0).getlength(text)) * size / 100


def wrap(text: str, width: float, size: float) -> list[str]:
    """Words of ``text`` in lines no wider than ``width`` points (a longer word stands alone)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [str(text)]


# -- the chart: rows of bars, side by side or stacked ------------------------------------


@dataclass
class Series:
    name: str
    values: np.ndarray  # one per row; NaN draws no bar
    colour: str


@dataclass
class Chart:
    rows: list[str]
    series: list[Series]
    xlim: tuple[float, float]
    value: Callable[[float], str]  # the text at a bar's end (or inside a stacked segment)
    stacked: bool = False
    xlabel: str = ""
    legend: bool = False
    drop_empty: bool = False  # leave out rows no series has a value above 0 in


def without_empty(chart: Chart) -> Chart:
    """The chart without what would read as a 0 % bar though nobody chose it: the rows
    (categories) of a ``drop_empty`` chart with no value above 0 in any series, and the
    categories of a stacked chart that no row has (they would stand in the legend only).
    A chart with nothing above 0 at all keeps its rows."""
    series = chart.series
    if chart.stacked:
        series = [s for s in series if np.any(s.values > 0)] or series
    keep = list(range(len(chart.rows)))
    if chart.drop_empty:
        keep = [i for i in keep if any(float(s.values[i]) > 0 for s in series)] or keep
    return replace(
        chart,
        rows=[chart.rows[i] for i in keep],
        series=[replace(s, values=s.values[keep]) for s in series],
    )


def ticks(low: float, high: float) -> list[float]:
    """About six round tick values from ``low`` to ``high``."""
    raw = (high - low) / 6
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _tick_label(value: float) -> str:
    return str(round(value)) if abs(value - round(value)) < 1e-9 else number(value)


def _legend(
    shapes: list[Shape],
    names: Sequence[str],
    colours: Sequence[str],
    left: float,
    plot: float,
    y: float,
) -> float:
    """Swatches and names under the plot, up to three to a row, centred; returns the y
    under the legend."""
    columns = min(3, len(names))
    column = plot / columns
    wrapped = [wrap(name, column - 18, LEGEND) for name in names]
    line = LEGEND * 1.25
    for start in range(0, len(names), columns):
        chunk = range(start, min(start + columns, len(names)))
        widths = [12 + max(text_width(x, LEGEND) for x in wrapped[i]) for i in chunk]
        x = left + (plot - sum(widths) - 10 * (len(widths) - 1)) / 2
        for i, w in zip(chunk, widths, strict=True):
            shapes.append(Rect(x, y, 8, 8, colours[i]))
            for j, text in enumerate(wrapped[i]):
                shapes.append(Text(x + 12, y + 7 + j * line, text, LEGEND))
            x += w + 10
        y += line * max(len(wrapped[i]) for i in chunk) + 4
    return y


def draw(chart: Chart, title: str, width: float = WIDTH) -> Scene:
    """Lay ``chart`` out as a scene ``width`` points wide, as tall as its rows need."""
    chart = without_empty(chart)
    shapes: list[Shape] = []
    labels = [wrap(r, 0.42 * width, LABEL) for r in chart.rows]
    longest = max((text_width(x, LABEL) for lines in labels for x in lines), default=0)
    left, right, top = 10 + min(longest, 0.42 * width) + 6, 34.0, 8.0
    plot = width - left - right
    bars = 1 if chart.stacked else len(chart.series)
    low, high = chart.xlim
    high = high if high > low else low + 1  # nothing to show: an axis all the same

    def x(v: float) -> float:
        return left + (min(max(v, low), high) - low) / (high - low) * plot

    bands = [max(26.0, 11.0 * bars + 8, len(lines) * LABEL * 1.2 + 6) for lines in labels]
    axis = top + sum(bands)
    for tick in ticks(low, high):
        shapes.append(Line(x(tick), top, x(tick), axis, GRID, 0.5))
        shapes.append(Line(x(tick), axis, x(tick), axis + 3, AXIS))
        shapes.append(Text(x(tick), axis + 12, _tick_label(tick), VALUE, anchor="middle"))
    y = top
    for row, (band, lines) in enumerate(zip(bands, labels, strict=True)):
        middle = y + band / 2
        for j, text in enumerate(lines):
            offset = (j - (len(lines) - 1) / 2) * LABEL * 1.2
            shapes.append(Text(left - 6, middle + offset + LABEL * 0.35, text, LABEL, anchor="end"))
        if chart.stacked:
            _stacked_row(shapes, chart, row, Band(x, middle, 0.6 * band))
        else:
            height = min(0.6 * band, 0.8 * band / bars)
            _grouped_row(shapes, chart, row, Band(x, middle, height))
        y += band
    shapes.append(Line(left, top, left, axis, AXIS))
    shapes.append(Line(left, axis, left + plot, axis, AXIS))
    bottom = axis + 16
    if chart.xlabel:
        shapes.append(Text(left + plot / 2, axis + 26, chart.xlabel, LABEL, anchor="middle"))
        bottom = axis + 32
    if chart.legend:
        names = [s.name for s in chart.series]
        bottom = _legend(shapes, names, [s.colour for s in chart.series], left, plot, bottom + 2)
    return Scene(width, bottom + 4, title, shapes, describe(chart, title))


KINDS = {True: "Stablede søjler", False: "Søjlediagram"}


def describe(chart: Chart, title: str) -> str:
    """The figure in words: its question (title), what the bars show and the largest and
    smallest value drawn, named by row (and series or category)."""
    drawn = [
        (float(s.values[row]), name, s.name)
        for s in chart.series
        for row, name in enumerate(chart.rows)
        if np.isfinite(s.values[row]) and (not chart.stacked or s.values[row] > 0)
    ]
    kind = KINDS[chart.stacked] + (f" ({chart.xlabel.lower()})" if chart.xlabel else "")
    question = title.rstrip(".")
    text = f"{question}{'' if question.endswith(('?', '!')) else '.'} {kind}"
    if not drawn:
        return f"{text}: ingen værdier."

    def said(value: float, row: str, series: str) -> str:
        where = f"{row}, {series}" if series else row
        return f"{where}: {chart.value(value)}"

    high, low = max(drawn, key=lambda d: d[0]), min(drawn, key=lambda d: d[0])
    return f"{text}. Største værdi {said(*high)}. Mindste værdi {said(*low)}."


@dataclass(frozen=True)
class Band:
    """Where one row's bars go: the value-to-x scale, the row's middle and bar height."""

    x: Callable[[float], float]
    middle: float
    height: float


def _grouped_row(shapes: list[Shape], chart: Chart, row: int, band: Band) -> None:
    x, h = band.x, band.height
    size = LABEL if len(chart.series) == 1 else VALUE
    y = band.middle - h * len(chart.series) / 2
    for s in chart.series:
        v = float(s.values[row])
        if v == v:
            shapes.append(Rect(x(chart.xlim[0]), y, x(v) - x(chart.xlim[0]), h, s.colour))
            shapes.append(Text(x(v) + 3, y + h / 2 + size * 0.35, chart.value(v), size))
        y += h


def _stacked_row(shapes: list[Shape], chart: Chart, row: int, band: Band) -> None:
    x, middle, h = band.x, band.middle, band.height
    start = 0.0
    for s in chart.series:
        v = float(s.values[row])
        if not v > 0:
            continue
        shapes.append(Rect(x(start), middle - h / 2, x(start + v) - x(start), h, s.colour, WHITE))
        label = chart.value(v)
        if v >= 6 and x(start + v) - x(start) >= text_width(label, LEGEND) + 2:  # fits in it
            centre = (x(start) + x(start + v)) / 2
            colour = label_colour(s.colour)
            shapes.append(Text(centre, middle + LEGEND * 0.35, label, LEGEND, colour, "middle"))
        start += v


# -- the seeds' figure kinds, from a computed table ---------------------------------------


def _mean_range(result: Result, values: np.ndarray) -> tuple[float, float]:
    if result.scale:
        return (result.scale[0] - 1 if result.scale[0] > 0 else 0.0, result.scale[1])
    shown = values[np.isfinite(values)]
    return (0.0, float(shown.max()) * 1.15 if len(shown) and shown.max() > 0 else 1.0)


def _waves(result: Result, now: np.ndarray, before: np.ndarray) -> list[Series]:
    """This wave's and the previous wave's bars side by side, named in the legend."""
    assert result.waves is not None
    return [Series(result.waves[0], now, COLOURS[0]), Series(result.waves[1], before, COLOURS[2])]


def _bars_mean(result: Result, data: pd.DataFrame) -> Chart:
    means = data["mean"].to_numpy(dtype=float)
    chart = Chart(data["item"].tolist(), [Series("", means, COLOURS[0])], (0, 1), number)
    chart.xlabel = "Gennemsnit"
    if result.waves and "prev_mean" in data.columns:
        chart.series, chart.legend = _waves(result, means, data["prev_mean"].to_numpy(float)), True
    chart.xlim = _mean_range(result, np.concatenate([s.values for s in chart.series]))
    return chart


def _both_waves(data: pd.DataFrame, cats: list[str], waves: tuple[str, str]) -> pd.DataFrame:
    """Each item twice, this wave's row over the previous wave's (named in brackets)."""
    rows = []
    for _, row in data.iterrows():
        rows.append({"item": f"{row['item']} ({waves[0].lower()})", **{c: row[c] for c in cats}})
        rows.append(
            {"item": f"{row['item']} ({waves[1]})", **{c: row.get(f"prev_{c}") for c in cats}}
        )
    return pd.DataFrame(rows, columns=["item", *cats])


def _percent_columns(result: Result) -> list[str]:
    """This wave's percentage columns (the categories of a distribution)."""
    return [c.name for c in result.columns if c.fmt == "pct" and not c.name.startswith("prev_")]


def _stacked(result: Result, data: pd.DataFrame) -> Chart:
    cats = _percent_columns(result)
    if result.waves and any(f"prev_{c}" in data.columns for c in cats):
        data = _both_waves(data, cats, result.waves)
    series = [
        Series(cat, data[cat].to_numpy(dtype=float), COLOURS[i % len(COLOURS)])
        for i, cat in enumerate(cats)
    ]
    return Chart(
        data["item"].tolist(), series, (0, 100), lambda v: percent(v, 0), stacked=True, legend=True
    )


def _bars_percent(result: Result, data: pd.DataFrame) -> Chart:
    before: np.ndarray | None = None
    if "percent" in data.columns:
        label_col = next(c for c in ("option", "answer", "group") if c in data.columns)
        labels, values = data[label_col].tolist(), data["percent"].to_numpy(dtype=float)
        if "prev_percent" in data.columns:
            before = data["prev_percent"].to_numpy(dtype=float)
    else:  # a one-row distribution: one bar per category
        cats = _percent_columns(result)
        labels, values = cats, data.iloc[0][cats].to_numpy(dtype=float)
        previous = [f"prev_{c}" for c in cats]
        if all(p in data.columns for p in previous):
            before = data.iloc[0][previous].to_numpy(dtype=float)
    chart = Chart(labels, [Series("", values, COLOURS[1])], (0, 100), lambda v: percent(v, 0))
    chart.xlabel, chart.drop_empty = "Procent", True
    if result.waves and before is not None:
        chart.series, chart.legend = _waves(result, values, before), True
    shown = np.concatenate([s.values for s in chart.series])
    shown = shown[np.isfinite(shown)]
    chart.xlim = (0, max(100.0, float(shown.max()) + 10) if len(shown) else 100.0)
    return chart


def grouped_means_chart(result: Result, data: pd.DataFrame) -> Chart:
    """The grouped_means kind's own figure: a few series of means side by side."""
    names = [c.name for c in result.columns if c.fmt == "num"]
    series = [
        Series(name, data[name].to_numpy(dtype=float), COLOURS[i % len(COLOURS)])
        for i, name in enumerate(names)
    ]
    chart = Chart(data["item"].tolist(), series, (0, 1), number, legend=True)
    low, high = _mean_range(result, np.concatenate([s.values for s in series]))
    chart.xlim = (0.0, high + 0.5) if result.scale else (low, high)
    return chart


@dataclass(frozen=True)
class Style:
    """A figure any table kind with the columns it reads may choose (``figure: <name>``)."""

    chart: Callable[[Result, pd.DataFrame], Chart]
    caption: str  # what the bars show, said in the caption unless the note says it


STYLES: dict[str, Style] = {
    "bars_mean": Style(_bars_mean, "Søjlerne viser gennemsnitlig værdi."),
    "stacked": Style(_stacked, "Søjlerne viser den procentvise svarfordeling."),
    "bars_percent": Style(_bars_percent, "Søjlerne viser andelen i procent."),
}


def figure_style(block: Block) -> Style:
    """How the block's figure is made: one of the :data:`STYLES`, else its table kind's
    own figure (``figure: <the kind's name>``, registered with the kind)."""
    if block.figure in STYLES:
        return STYLES[block.figure]
    kind = kind_of(block.figure)
    assert kind is not None  # checked with the definition
    assert kind.figure is not None
    return Style(kind.figure, kind.caption)


def figure_caption(block: Block) -> str:
    """What the block's figure shows, for its caption."""
    return figure_style(block).caption


def figure_name(result: Result) -> str:
    return result.block.figure_id or result.block.id


def scene(result: Result, width: float = WIDTH) -> Scene:
    """The block's figure, laid out ``width`` points wide."""
    assert result.figure_data is not None
    chart = figure_style(result.block).chart(result, result.figure_data)
    return draw(chart, result.block.title, width)


def has_figure(result: Result) -> bool:
    return (
        result.skipped is None
        and result.block.figure != "none"
        and isinstance(result.figure_data, pd.DataFrame)
    )
