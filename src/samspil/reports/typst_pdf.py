"""``report.pdf``: a :class:`~samspil.reports.document.Publication` laid out by Typst.

The layout is one fixed Typst template (``static/report.typ``); the report reaches it as
data only. :func:`pdf_input` turns the publication into a JSON text (every title, note and
cell as a string, emphasis as ``[style, text]`` runs, figures as their shapes:
:meth:`~samspil.reports.figures.Scene.drawing`, which the template draws natively, text as
text), and :func:`write_pdf` lays that out: in a fresh temporary directory holding nothing
but the template and ``data.json``, the Typst compiler's root, with Liberation Sans
as its only font folder. Typst reads no file outside its root and nothing from the
network, and the template reads ``data.json`` with ``json(...)``, so no text in a report
definition or questionnaire can become markup, read a file or fetch a URL.

The PDF is PDF/UA-1 (Typst refuses to write it otherwise): tagged, with the title, the
authors and the language (da) in its metadata and alt text on every figure.

The input is plain JSON, so the web app leaves it in the report folder for its worker
(:class:`samspil.reports.publish.PdfLater`).
"""

from __future__ import annotations

import json
import math
import struct
import tempfile
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from samspil.reports.document import Grid, Item, Publication, runs
from samspil.reports.figures import FONT_FILES, text_width
from samspil.reports.hyphenate import misbroken

if TYPE_CHECKING:
    from samspil.reports.figures import Scene

TEMPLATE = "report.typ"
DATA = "data.json"
PDF_STANDARD: Literal["ua-1"] = "ua-1"  # PDF/UA-1: tagged, alt text, title, language


def font_folder() -> str:
    """The folder of Liberation Sans (the figures' font too): Typst's only font folder."""
    for path in FONT_FILES:
        if Path(path).is_file():
            return str(Path(path).parent)
    raise RuntimeError(
        "the report font Liberation Sans is missing: install Debian's fonts-liberation"
    )


# -- text the font can set -----------------------------------------------------------------

MISSING = "\u25a1"  # □: set instead of a character the report font has no glyph for
FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def _cmap(data: bytes) -> set[int]:
    """The characters a TrueType font maps to a glyph (its Unicode cmap, format 4 or 12)."""
    tables = {
        data[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">I", data, 20 + 16 * i)[0]
        for i in range(struct.unpack_from(">H", data, 4)[0])
    }
    cmap = tables[b"cmap"]
    found: set[int] = set()
    subtables = {}
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    if (3, 10) in subtables:
        at = subtables[(3, 10)]
        for g in range(struct.unpack_from(">I", data, at + 12)[0]):
            start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * g)
            found.update(range(start, end + 1) if glyph or start < end else ())
        return found
    at = subtables[(3, 1)]
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    ranges_at = at + 16 + 6 * segments
    offsets = struct.unpack_from(f">{segments}H", data, ranges_at)
    for k in range(segments):
        for code in range(starts[k], ends[k] + 1):
            if offsets[k] == 0:
                glyph = (code + deltas[k]) & 0xFFFF
            else:
                where = ranges_at + 2 * k + offsets[k] + 2 * (code - starts[k])
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + deltas[k]) & 0xFFFF if glyph else 0
            if glyph and code != 0xFFFF:
                found.add(code)
    return found


@cache
def covered() -> frozenset[int]:
    """The characters every face of Liberation Sans can set."""
    folder = Path(font_folder())
    faces = [folder / f"LiberationSans-{face}.ttf" for face in FACES]
    sets = [_cmap(face.read_bytes()) for face in faces if face.is_file()]
    return frozenset(set.intersection(*sets))


@cache
def _settable() -> frozenset[str]:
    """The characters :func:`printable` keeps as they are."""
    return frozenset(
        chr(c) for c in covered() if c in (9, 10) or unicodedata.category(chr(c)) != "Cc"
    ) | frozenset("\n\t")


def printable(text: str) -> str:
    """``text`` as the PDF can set it: control characters dropped, a character the font has
    no glyph for (an emoji, Chinese) shown as □ (PDF/UA-1 forbids a missing glyph, and
    Typst refuses the whole PDF)."""
    if _settable().issuperset(text):  # the usual text, checked at C speed
        return text
    font = covered()
    return "".join(
        c if ord(c) in font or c in "\n\t" else ("" if unicodedata.category(c) == "Cc" else MISSING)
        for c in text
    )


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_printable(v) for v in value]
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    return value


def _runs(text: str) -> list[list[str]]:
    """A heading's (or the cover's, the colophon's) runs: never hyphenated."""
    return [[style, part] for style, part in runs(text)]


def _body(text: str) -> list[list[str]]:
    """Body text's runs, which Typst hyphenates, except the words its Danish patterns
    would break where Danish does not allow it (mistrivsel, grundejerforeninger: see
    :mod:`samspil.reports.hyphenate`): those get style ``n`` added (never hyphenated)."""
    return [run for style, part in runs(text) for run in _unbroken(style, part)]


def _verbatim(text: str) -> list[list[str]]:
    """A respondent's words (a coded quotation) as one plain run, stars and all, as the
    HTML and Word files print them; only the words Danish does not break that way are
    marked, as in :func:`_body`."""
    return _unbroken("", text)


def _unbroken(style: str, text: str) -> list[list[str]]:
    return [[style + "n" if wrong else style, words] for words, wrong in misbroken(text)]


TEXT_WIDTH = 493.0  # points: the A4 page's text width (174 mm), as the template sets it
LANDSCAPE_WIDTH = 739.8  # points: a landscape A4 page's (261 mm)
ROW_HEADS = 0.3  # the row heading column keeps at least this share of the width
PADDING = 8.0  # a cell's inset, left and right together
BOLD = 1.1  # Liberation Sans Bold is at most this much wider than the regular face
FIT = 0.97  # a line is filled to at most this share of its width (the font's kerning)


def table_size(g: Grid) -> float:
    """The points a table is set in (report.typ: more than 6 columns, 7 points)."""
    return 7.0 if g.wide else 8.0


def column_widths(g: Grid, page: float | None = None) -> list[float] | None:
    """Widths in points of a number table's columns after the first, by content, as a
    browser sizes a table: each column would like to be as wide as its widest cell or its
    heading set in about two lines (at most 70 points), and needs at least its longest
    word (a number is one word: it never wraps). The first column (the row headings)
    takes the rest, at least :data:`ROW_HEADS` of the page. When the columns would like
    more than that leaves, each gets what it needs and the room left over is shared in
    proportion to what each would like beyond that (a long answer text wraps before a
    short column is squeezed); only when even their needs do not fit do all shrink in
    proportion. None for a text table: the template sizes those itself. ``page``: the text
    width (default: a landscape page's for a :attr:`~Grid.landscape` table, else a
    portrait page's)."""
    if not g.numeric or len(g.header) < 2:
        return None
    page = page or (LANDSCAPE_WIDTH if g.landscape else TEXT_WIDTH)
    size = table_size(g)
    wanted, needed = [], []
    last = len(g.rows) - 1
    for j in range(1, len(g.header)):
        # each cell with how much wider its face sets it (a total row is bold)
        cells = [
            (row[j], BOLD if g.total and i == last else 1.0)
            for i, row in enumerate(g.rows)
            if j < len(row)
        ]
        widest = max((text_width(c, size) * k for c, k in cells), default=0.0)
        unbroken = max((text_width(w, size) * k for c, k in cells for w in c.split()), default=0.0)
        words = g.header[j].split() or [""]
        longest = min(max(text_width(w, size) * BOLD for w in words), 70.0)
        two_lines = text_width(g.header[j], size) * BOLD / 2  # a heading in about two lines
        wanted.append(max(widest, longest, min(two_lines, 70.0)) / FIT + PADDING + 1)
        needed.append(max(unbroken, longest) / FIT + PADDING + 1)
    room = page * (1 - ROW_HEADS)
    if sum(wanted) <= room:
        widths = wanted
    elif sum(needed) <= room:
        share = (room - sum(needed)) / (sum(wanted) - sum(needed))
        widths = [n + (w - n) * share for w, n in zip(wanted, needed, strict=True)]
    else:
        widths = [n * room / sum(needed) for n in needed]
    return [math.floor(w * 10) / 10 for w in widths]


# -- what surely fits on a page ----------------------------------------------------------
# The template keeps a heading with its table (a figure with its caption and numbers) on one
# page when the block fits on one, which Typst finds out by laying the block out twice
# (measure, then place): 40 % of a report's layout time. A block that surely fits, by an
# upper bound worked out here, is kept without measuring; the PDF is the same.
PAGE_ROOM = 698.8  # points: a portrait page's room for a kept block (report.typ page-room)
LANDSCAPE_ROOM = 452.0  # points: a landscape page's (report.typ wide-room)
SURE = 0.95  # a block surely fits when its upper bound is under this share of the room
LINE = 1.25  # each line after the first adds at most this many times the font size (1.24)
CAP = 0.75  # the first line at most this many times it (Typst: 0.69, the capital height)


def _room(width: float, bold: bool) -> float:
    """How wide a line of ``width`` points surely holds text measured in the regular face."""
    return width * FIT / (BOLD if bold else 1.0)


def _laid_out(g: Grid, widths: list[float], page: float) -> list[list[tuple[str, float, bool]]]:
    """Each row of a number table (its header first) as its cells, each with the room
    for its text (its column's width less the inset) and whether it is set bold (the
    header, a total row)."""
    columns = [page - sum(widths), *widths]
    rows = [g.header, *g.rows]
    return [
        [
            (cell, width - PADDING, i == 0 or (g.total and i == len(rows) - 1))
            for cell, width in zip(row, columns, strict=False)
        ]
        for i, row in enumerate(rows)
    ]


def _lines(text: str, size: float, width: float, bold: bool = True) -> int:
    """At most how many lines ``text`` takes at ``size`` in ``width`` points: the lines
    of filling each line with whole words while the next one fits (Typst breaks a line
    that way where the text is not justified; its other break points and hyphenation
    only ever put more on a line), a word wider than a line on lines of its own, one
    more than its width in lines (hyphenated where Danish allows)."""
    room = _room(width, bold)
    if room <= 0:
        return 10**6
    space = text_width(" ", size)
    lines = 0
    for part in text.split("\n"):
        if text_width(part, size) <= room:
            lines += 1
            continue
        used = -1.0  # the width of the line being filled; below 0: none begun
        for word in part.split():
            w = text_width(word, size)
            if w > room:
                lines += (used >= 0) + math.ceil(w / room) + 1
                used = -1.0
            elif used >= 0 and used + space + w <= room:
                used += space + w
            else:
                lines += used >= 0
                used = w
        lines += used >= 0 or not part.split()
    return lines


def grid_height(g: Grid, page: float, widths: list[float] | None = None) -> float:
    """An upper bound on a number table's height in points; a text table's is unbounded
    (the template sizes its columns itself). ``widths``: its :func:`column_widths` on
    ``page`` when already worked out."""
    widths = widths or column_widths(g, page)
    if widths is None:
        return math.inf
    size = table_size(g)
    height = 0.0
    for row in _laid_out(g, widths, page):
        lines = max((_lines(c, size, w, bold) for c, w, bold in row), default=1)
        height += ((lines - 1) * LINE + CAP) * size + 6  # the cell's inset, top and bottom
    return height + 12  # the block's spacing (8)


def _text_height(text: str, size: float, page: float) -> float:
    """A paragraph's height at ``size`` on ``page`` and twice its size for the spacing
    around it (a note's is 1.2 times, a heading's 2.2 times: :func:`surely_fits` adds the
    rest)."""
    return ((_lines(text, size, page) - 1) * LINE + CAP + 2) * size if text else 0.0


def surely_fits(
    it: Item, scene: Scene | None, widths: list[float] | None = None
) -> dict[str, bool]:
    """Whether the table's block and the figure's block each surely fit on one page
    (``widths``: the table's :func:`column_widths` when already worked out)."""
    page = LANDSCAPE_WIDTH if it.grid is not None and it.grid.landscape else TEXT_WIDTH
    room = (LANDSCAPE_ROOM if page == LANDSCAPE_WIDTH else PAGE_ROOM) * SURE
    grid = grid_height(it.grid, page, widths) if it.grid is not None else 0.0
    heading = _text_height(f"{it.label}. {it.title}", 11.0, page) + 10
    table = heading + grid + _text_height(it.note, 8.0, page)
    figure = math.inf
    if scene is not None:
        figure = _text_height(f"{it.figure_label}. {it.title}", 11.0, page) + 10
        figure += scene.height + 12 + _text_height(it.caption, 8.0, page)
        if not it.table_shown:  # "Tal bag figuren" (14) above the numbers
            figure += 20 + grid + _text_height(it.numbers_note, 8.0, page)
    return {"table": table < room, "figure": figure < room}


def whole_words(g: Grid, widths: list[float] | None, page: float) -> bool:
    """Whether every word of every cell fits its column (the :func:`column_widths` on
    ``page``): such a table is set without hyphenation, ragged and in whole words, as a
    table's labels are best read (and its height is then close to :func:`grid_height`'s
    bound, so fewer blocks need Typst's measuring). Text tables, and number tables whose
    columns had to be squeezed, keep Danish hyphenation."""
    if widths is None:
        return False
    size = table_size(g)
    return all(
        text_width(word, size) <= _room(width, bold)
        for row in _laid_out(g, widths, page)
        for cell, width, bold in row
        for word in cell.split()
    )


def _grid(g: Grid) -> dict[str, Any]:
    widths = column_widths(g)
    page = LANDSCAPE_WIDTH if g.landscape else TEXT_WIDTH
    return {
        "header": [_body(h) for h in g.header],
        "rows": [[_body(c) for c in row] for row in g.rows],
        "total": g.total,
        "numeric": g.numeric,
        "widths": widths,
        "landscape": g.landscape,
        "hyphenate": not whole_words(g, widths, page),
    }


def _drawing(scene: Scene, seen: dict[str, str]) -> dict[str, Any]:
    """A figure's shapes for the template, its text as the font can set it (each distinct
    string checked once: a report's figures repeat their tick labels and legends)."""
    drawing = scene.drawing()
    for shape in drawing["shapes"]:
        if shape[0] == "t":
            text = shape[3]
            shape[3] = seen[text] if text in seen else seen.setdefault(text, printable(text))
    return drawing


def _item(
    it: Item, scenes: dict[str, Scene], figures: list[dict[str, Any]], seen: dict[str, str]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "landscape": it.grid is not None and it.grid.landscape and it.skipped is None,
        "label": it.label,
        "title": _runs(it.title),
        "skipped": it.skipped,
        "table_shown": it.table_shown,
        "grid": _grid(it.grid) if it.grid is not None else None,
        "note": _body(it.note),
        "figure": None,
        "figure_label": it.figure_label,
        "caption": _body(it.caption),
        "numbers_note": _body(it.numbers_note),
        "quotes": [_verbatim(q) for q in it.quotes],
    }
    scene = scenes.get(it.figure) if it.figure else None
    widths = out["grid"]["widths"] if out["grid"] is not None else None
    out["fits"] = surely_fits(it, scene, widths)  # the widths _grid worked out, not again
    if scene is not None:
        out["figure"] = {"index": len(figures), "alt": scene.alt}
        figures.append(_drawing(scene, seen))
    return out


def pdf_input(pub: Publication, scenes: dict[str, Scene]) -> str:
    """The publication as the template's data plus the figures' shapes, as one JSON text."""
    figures: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    chapters = []
    for ch in pub.chapters:
        parts = []
        for heading, lines, g in ch.parts:
            parts.append(
                {
                    "heading": _runs(heading),
                    "lines": [_body(line) for line in lines],
                    "grid": _grid(g) if g is not None else None,
                }
            )
        chapters.append(
            {
                "title": _runs(ch.title),
                "paragraphs": [_body(p) for p in ch.paragraphs],
                "text": [[kind, _runs(t) if kind == "h" else _body(t)] for kind, t in ch.text],
                "parts": parts,
                "items": [_item(it, scenes, figures, seen) for it in ch.items],
            }
        )
    document = {
        "title": plain_title(pub.title),
        "title_runs": _runs(pub.title),
        "subtitle": plain_title(pub.subtitle),
        "subtitle_runs": _runs(pub.subtitle),
        "authors": list(pub.authors),
        "institution": pub.institution,
        "date": pub.date,
        "banner": pub.banner,
        "colophon": [_runs(line) for line in pub.colophon],
        "chapters": chapters,
    }
    return json.dumps({"document": _printable(document), "figures": figures}, ensure_ascii=False)


def plain_title(text: str) -> str:
    return "".join(part for _, part in runs(text))


def pdf_bytes(source: str) -> bytes:
    """Lay out a :func:`pdf_input` as PDF/UA-1 in a fresh root holding only the template
    and the data (the figures' shapes within it)."""
    import typst  # the PDF engine's import cost only where a PDF is made

    given = json.loads(source)
    template = (resources.files("samspil.reports") / "static" / TEMPLATE).read_bytes()
    with tempfile.TemporaryDirectory(prefix="samspil-pdf-") as folder:
        root = Path(folder)
        (root / TEMPLATE).write_bytes(template)
        figures = given["figures"]
        if not isinstance(figures, list):  # an input left by a samspil before 2026-12
            raise ValueError("a PDF input with figures as SVG files: make the report again")
        data = {**given["document"], "figures": figures}
        (root / DATA).write_text(json.dumps(data), encoding="utf-8")
        return bytes(
            typst.compile(
                str(root / TEMPLATE),
                root=str(root),
                font_paths=[font_folder()],
                ignore_system_fonts=True,
                pdf_standards=[PDF_STANDARD],
                package_path=str(root / "packages"),
                package_cache_path=str(root / "packages"),
            )
        )


def write_pdf(source: str, path: str) -> None:
    """Write the PDF of a :func:`pdf_input` to ``path``."""
    Path(path).write_bytes(pdf_bytes(source))


def warm_up() -> None:
    """Import Typst and lay out an empty report (fonts read), as a long-running process
    that has made a PDF before."""
    from datetime import date

    pdf_bytes(pdf_input(Publication("Æble", "", [], "", "", date.today(), "", []), {}))
