"""Figures: laid out once as a scene of shapes and text, written as SVG, as the PDF's
shapes-and-text and as 300 dpi PNG; readable colours; bars where their values are."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from samspil.demo import demo_file
from samspil.importing import read_responses
from samspil.instruments import load
from samspil.reports import compute, figures
from samspil.reports.figures import WIDTH, Chart, Rect, Series, Text, contrast, draw
from samspil.reports.formatting import number
from samspil.responses import Responses


@pytest.fixture(scope="module")
def scenes() -> dict[str, figures.Scene]:
    from samspil.cli import CODES_COLUMNS, _read_columns

    data = read_responses(demo_file("kd2024_demo.csv"), load("kd2024")).data
    codes = _read_columns(str(demo_file("kd2024_codes_demo.csv")), CODES_COLUMNS)
    _, results = compute("kd2024", Responses(load("kd2024"), data), codes=codes)
    drawn = {figures.figure_name(r): figures.scene(r) for r in results if figures.has_figure(r)}
    assert {"bars_mean", "stacked", "bars_percent", "grouped_means"} <= {
        r.block.figure for r in results if figures.figure_name(r) in drawn
    }, "the demo report draws every kind of figure"
    return drawn


def _beneath(scene: figures.Scene, text: Text) -> str:
    """The colour under the middle of a text: the last bar drawn there, else white."""
    width = figures.text_width(text.text, text.size)
    x = text.x + {"start": width / 2, "middle": 0.0, "end": -width / 2}[text.anchor]
    y = text.y - 0.35 * text.size
    colour = figures.WHITE
    for s in scene.shapes:
        if isinstance(s, Rect) and s.x <= x <= s.x + s.w and s.y <= y <= s.y + s.h:
            colour = s.fill
    return colour


def test_bars_stand_out_3_to_1_and_text_4_5_to_1_against_what_is_beneath(scenes):
    bars = texts = 0
    for name, scene in scenes.items():
        for shape in scene.shapes:
            if isinstance(shape, Rect):
                bars += 1
                assert contrast(shape.fill, figures.WHITE) >= 3, (name, shape.fill)
            elif isinstance(shape, Text):
                texts += 1
                ratio = contrast(shape.fill, _beneath(scene, shape))
                assert ratio >= 4.5, (name, shape.text, shape.fill)
    assert bars > 100 and texts > 300


def test_a_bar_ends_at_its_value_on_the_axis_and_a_missing_value_draws_no_bar():
    chart = Chart(
        ["Første", "Anden", "Tredje"],
        [Series("", np.array([3.0, np.nan, 5.0]), "#0b3d5c")],
        (0, 5),
        number,
    )
    scene = draw(chart, "Prøve")
    bars = [s for s in scene.shapes if isinstance(s, Rect)]
    ticks = {s.text: s.x for s in scene.shapes if isinstance(s, Text) and s.anchor == "middle"}
    assert len(bars) == 2, "no bar for the missing value"
    assert bars[0].x + bars[0].w == pytest.approx(ticks["3"])
    assert bars[1].x + bars[1].w == pytest.approx(ticks["5"])
    labels = [s.text for s in scene.shapes if isinstance(s, Text) and s.anchor == "end"]
    assert labels == ["Første", "Anden", "Tredje"], "every row keeps its label"
    assert bars[0].y < bars[1].y, "the first row is on top"


def test_long_labels_are_wrapped_to_the_label_column():
    long = (
        "At imødekomme et voksende behov på ældreområdet og i det specialiserede socialområde " * 2
    )
    scene = draw(
        Chart([long, "Kort"], [Series("", np.array([2.0, 3.0]), "#0b3d5c")], (0, 5), number), ""
    )
    lines = [s for s in scene.shapes if isinstance(s, Text) and s.anchor == "end"]
    assert len(lines) > 3
    assert max(figures.text_width(s.text, s.size) for s in lines) <= 0.42 * WIDTH
    assert " ".join(s.text for s in lines[:-1]) == long.strip()


def test_svg_names_its_title_and_holds_every_text(scenes):
    scene = scenes["figur_4_2"]
    svg = scene.svg().decode("utf-8")
    assert svg.startswith("<?xml") and f"<title>{scene.title}</title>" in svg
    texts = [s for s in scene.shapes if isinstance(s, Text)]
    assert svg.count("<text ") == len(texts)


def test_png_is_a_300_dpi_palette_image_at_the_width_of_the_page_in_the_figures_colours(scenes):
    scene = scenes["figur_5_3"]
    image = Image.open(io.BytesIO(scene.png()))
    assert image.width == round(WIDTH / 72 * 300)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)
    assert image.mode == "P", "drawn as a palette image, not quantised from RGB"
    colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 16) or []}
    drawn = {figures.WHITE} | {
        s.fill if isinstance(s, Rect | Text) else s.stroke for s in scene.shapes
    }
    wanted = {tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in drawn}
    assert (0x0B, 0x3D, 0x5C) in colours, "the first bar colour is drawn exactly"
    assert colours == wanted, "exactly the scene's colours: no blend at an edge, none lost"


def test_a_figure_with_nothing_but_missing_values_still_draws_its_rows_and_axis():
    chart = Chart(
        ["Første", "Anden"], [Series("", np.array([np.nan, np.nan]), "#0b3d5c")], (0, 0), number
    )
    scene = draw(chart, "Tom")
    assert not [s for s in scene.shapes if isinstance(s, Rect)]
    assert [s.text for s in scene.shapes if isinstance(s, Text) and s.anchor == "end"] == [
        "Første",
        "Anden",
    ]
    assert scene.svg().startswith(b"<?xml") and scene.png()[:4] == b"\x89PNG"


def test_a_category_nobody_chose_is_not_drawn_as_a_0_percent_bar():
    values = np.array([60.0, 40.0, 0.0, np.nan])
    chart = Chart(
        ["Ja", "Nej", "Ikke relevant", "Ved ikke"],
        [Series("", values, "#0b3d5c")],
        (0, 100),
        lambda v: f"{v:.0f}%",
        drop_empty=True,
    )
    texts = [s.text for s in draw(chart, "Svar").shapes if isinstance(s, Text)]
    assert "Ja" in texts and "Nej" in texts
    assert "Ikke relevant" not in texts and "Ved ikke" not in texts and "0%" not in texts
    assert len([s for s in draw(chart, "Svar").shapes if isinstance(s, Rect)]) == 2


def test_a_stacked_category_no_row_has_is_not_in_the_legend():
    chart = Chart(
        ["Første", "Anden"],
        [
            Series("Enig", np.array([70.0, 50.0]), "#0b3d5c"),
            Series("Uenig", np.array([30.0, 50.0]), "#0072B2"),
            Series("Ikke relevant", np.array([0.0, 0.0]), "#C04F00"),
        ],
        (0, 100),
        lambda v: f"{v:.0f}%",
        stacked=True,
        legend=True,
    )
    texts = [s.text for s in draw(chart, "Svar").shapes if isinstance(s, Text)]
    assert "Enig" in texts and "Uenig" in texts and "Ikke relevant" not in texts


def test_demo_bar_figures_draw_no_0_percent_bar(scenes):
    for name, scene in scenes.items():
        texts = [s.text for s in scene.shapes if isinstance(s, Text)]
        if "Procent" in texts:
            assert "0%" not in texts, name


def test_alt_text_names_the_question_and_the_largest_and_smallest_value(scenes):
    scene = scenes["figur_4_2"]
    assert scene.alt.startswith(scene.title.rstrip("."))
    assert "Største værdi" in scene.alt and "Mindste værdi" in scene.alt
    values = [
        s.text for s in scene.shapes if isinstance(s, Text) and re.fullmatch(r"\d,\d", s.text)
    ]
    high = max(values, key=lambda v: float(v.replace(",", ".")))
    low = min(values, key=lambda v: float(v.replace(",", ".")))
    assert f": {high}. Mindste" in scene.alt and scene.alt.endswith(f": {low}.")


def test_a_stacked_segment_shows_its_percentage_only_where_the_text_fits_inside_it():
    chart = Chart(
        ["Første"],
        [Series("A", np.array([8.0]), "#0b3d5c"), Series("B", np.array([92.0]), "#0072B2")],
        (0, 100),
        lambda v: f"{v:.0f}%",
        stacked=True,
    )
    for width in (figures.WIDTH, figures.PHONE_WIDTH):
        scene = draw(chart, "Svar", width)
        bars = {s.fill: s for s in scene.shapes if isinstance(s, Rect)}
        for text in (s for s in scene.shapes if isinstance(s, Text) and s.text.endswith("%")):
            bar = next(b for b in bars.values() if b.x <= text.x <= b.x + b.w)
            assert figures.text_width(text.text, text.size) <= bar.w, (width, text.text)
    shown = [s.text for s in draw(chart, "Svar", figures.PHONE_WIDTH).shapes if isinstance(s, Text)]
    assert "92%" in shown and "8%" not in shown
