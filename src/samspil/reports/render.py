"""HTML of a :class:`~samspil.reports.document.Publication`: one self-contained page for the
screen (phone-friendly, with a print stylesheet). The PDF is laid out by Typst from the same
publication (:mod:`samspil.reports.typst_pdf`).

Numbers reach this module as text grids already in Danish format.
"""

from __future__ import annotations

import html
from importlib import resources

from samspil.reports.build import Result
from samspil.reports.document import Chapter, Grid, Item, Publication, grid, plain, runs
from samspil.reports.figures import svg_data_uri

CSS = (resources.files("samspil.reports") / "static" / "report.css").read_text(encoding="utf-8")


def _text(value: str) -> str:
    """Escape, then set ``**x**`` as <strong>x</strong> and ``*x*`` as <em>x</em> (the
    publication's one rule of emphasis, :func:`~samspil.reports.document.runs`)."""
    tags = {"b": "strong", "i": "em"}
    return "".join(
        f"<{tags[style]}>{html.escape(part)}</{tags[style]}>" if style else html.escape(part)
        for style, part in runs(value)
    )


def grid_html(g: Grid, label: str = "") -> str:
    """A table in its own scrolling frame (wide tables scroll inside it on a phone, the
    row heading column stays visible)."""
    head = "".join(f'<th scope="col">{_text(h)}</th>' for h in g.header)
    body = []
    for i, row in enumerate(g.rows):
        total = ' class="total"' if g.total and i == len(g.rows) - 1 else ""
        cells = [f'<th scope="row">{html.escape(row[0])}</th>']
        cell = '<td class="n">' if g.numeric else "<td>"
        cells += [f"{cell}{html.escape(c)}</td>" for c in row[1:]]
        body.append(f"<tr{total}>{''.join(cells)}</tr>")
    wide = (" wide" if g.wide else "") + (" numeric" if g.numeric else "")
    name = html.escape(plain(label) or "Tabel")
    return (
        f'<div class="frame" role="region" aria-label="{name}" tabindex="0">'
        f'<table class="data{wide}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def table_html(result: Result) -> str:
    return grid_html(grid(result), result.block.label)


def svg_img(svg: bytes, alt: str, cls: str = "") -> str:
    name = f' class="{cls}"' if cls else ""
    return f'<img{name} src="{svg_data_uri(svg)}" alt="{html.escape(alt)}">'


def figure_imgs(wide: bytes, narrow: bytes, alt: str) -> str:
    """The figure twice: laid out for the page, and for a phone's width (its text stays at
    least 12 px there); the stylesheet shows one of them."""
    return svg_img(wide, alt, "wide") + svg_img(narrow, alt, "narrow")


def item_html(it: Item, figures: dict[str, str]) -> str:
    parts = [f'<section class="block" id="{html.escape(it.id)}">']
    heading = f"<h3>{html.escape(it.label)}. {_text(it.title)}</h3>"
    if it.skipped:
        parts += [heading, f'<p class="skipped">Udeladt: {html.escape(it.skipped)}</p>']
        return "".join(parts) + "</section>"
    assert it.grid is not None
    if it.table_shown:
        parts.append(f'<div class="keep">{heading}{grid_html(it.grid, it.label)}')
        parts.append(f'<p class="note">{_text(it.note)}</p></div>')
    picture = figures.get(it.figure) if it.figure else None
    if picture is not None:
        fig_heading = f"<h3>{html.escape(it.figure_label)}. {_text(it.title)}</h3>"
        parts.append(f'<figure class="keep">{fig_heading}{picture}')
        parts.append(f'<figcaption class="note">{_text(it.caption)}</figcaption></figure>')
    if not it.table_shown:
        note = it.numbers_note
        parts.append(
            '<details class="numbers"><summary>Tal bag figuren</summary>'
            f'<div class="keep">{grid_html(it.grid, it.label)}'
            + (f'<p class="note">{_text(note)}</p>' if note else "")
            + "</div></details>"
        )
    for quote in it.quotes:
        parts.append(f"<blockquote>{html.escape(quote)}</blockquote>")
    return "".join(parts) + "</section>"


def text_html(blocks: list[tuple[str, str]]) -> str:
    """Front matter's text blocks: paragraphs, sub-headings, lists (every text escaped)."""
    out = []
    for i, (kind, text) in enumerate(blocks):
        before = blocks[i - 1][0] if i else ""
        after = blocks[i + 1][0] if i + 1 < len(blocks) else ""
        if kind in ("li", "ol"):
            tag = "ul" if kind == "li" else "ol"
            out.append((f"<{tag}>" if before != kind else "") + f"<li>{_text(text)}</li>")
            out.append(f"</{tag}>" if after != kind else "")
        else:
            out.append(f"<h3>{_text(text)}</h3>" if kind == "h" else f"<p>{_text(text)}</p>")
    return "".join(out)


def chapter_html(ch: Chapter, figures: dict[str, str]) -> str:
    cls = "chapter appendix" if ch.appendix else "chapter front" if ch.front else "chapter"
    parts = [f'<section class="{cls}"><h2 id="{html.escape(ch.id)}">{_text(ch.title)}</h2>']
    parts += [f"<p>{_text(p)}</p>" for p in ch.paragraphs]
    parts.append(text_html(ch.text))
    for heading, lines, g in ch.parts:
        parts.append(f'<div class="keep"><h3>{_text(heading)}</h3>')
        parts += [f'<p class="codes">{_text(line)}</p>' for line in lines]
        if g is not None:
            parts.append(grid_html(g, heading[:60]))
        parts.append("</div>")
    parts += [item_html(it, figures) for it in ch.items]
    return "".join(parts) + "</section>"


def report_html(pub: Publication, figures: dict[str, str]) -> str:
    """The whole report as one self-contained page; ``figures`` holds each figure's HTML
    (a picture inlined, or the PDF's shapes-and-text, see ``Scene.html``)."""
    authors = "".join(f"<li>{html.escape(a)}</li>" for a in pub.authors)
    cover = [
        '<header class="cover">',
        f"<h1>{_text(pub.title)}</h1>",
        f'<p class="subtitle">{_text(pub.subtitle)}</p>',
        f'<ul class="authors">{authors}</ul>' if authors else "",
        f'<p class="institution">{html.escape(pub.institution)}</p>' if pub.institution else "",
        f'<p class="date">{html.escape(pub.date)}</p>',
        f'<p class="synthetic">{html.escape(pub.banner)}</p>' if pub.banner else "",
        "</header>",
    ]
    colophon = "".join(f"<p>{_text(line)}</p>" for line in pub.colophon)
    toc = ['<nav class="toc" aria-labelledby="indhold"><h2 id="indhold">Indhold</h2><ol>']
    for ch in pub.chapters:
        toc.append(f'<li><a href="#{html.escape(ch.id)}">{_text(ch.title)}</a></li>')
    toc.append("</ol></nav>")
    body = [
        "".join(cover),
        f'<section class="colophon" aria-label="Kolofon">{colophon}</section>',
        "".join(toc),
        *(chapter_html(ch, figures) for ch in pub.chapters),
    ]
    return (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{html.escape(pub.title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>"
    )


# The report page loads nothing from anywhere: its style is inline, its figures are data:
# URIs. A reader's browser is told so too.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
