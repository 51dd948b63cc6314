"""The researcher's own front matter: a foreword and a summary of main findings, written
in Markdown (``samspil report ... --foreword FILE --summary FILE``, or uploaded on the
study page), placed before the report's first chapter in every format.

Only a small, safe part of Markdown is read: paragraphs (separated by a blank line),
headings (``#``, ``##``: set as the chapter's sub-headings), bullet lists (``-``, ``*`` or
``+``), numbered lists (``1.``) and ``*italic*`` / ``**bold**``. Everything else is text,
raw HTML included: a ``<script>`` is printed as the characters it is, never as markup,
so a renderer escapes it as it escapes every other text.

Pure: text in, text blocks out.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from samspil.errors import DomainError
from samspil.reports.formatting import quotes

MAX_BYTES = 100_000  # a foreword or a summary is a few pages, not a book
FOREWORD = "Forord"
SUMMARY = "Sammenfatning"

HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^\s{0,3}(?:([-*+])|\d{1,3}[.)])\s+(.*)$")


LISTS = ("li", "ol")


def titled(default: str, found: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """The chapter's title and text: a heading the text begins with is its title (a
    foreword that says ``# Forord`` is not headed twice), else ``default``."""
    if found and found[0][0] == "h":
        return found[0][1], found[1:]
    return default, found


class FrontMatterError(DomainError):
    """A foreword or summary file that cannot be read as text."""


def blocks(markdown: str) -> list[tuple[str, str]]:
    """The text as ``(kind, text)`` blocks: ``"p"`` a paragraph, ``"h"`` a heading, ``"li"``
    a bullet list's item, ``"ol"`` a numbered list's (consecutive items are one list).
    The text keeps its ``*emphasis*`` marks (the renderers set them) and gets the
    reports' quotation marks."""
    out: list[tuple[str, str]] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            out.append(("p", quotes(" ".join(lines))))
            lines.clear()

    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = "".join(c for c in raw if c == "\t" or unicodedata.category(c) != "Cc").strip()
        if not line:
            flush()
            continue
        heading, item = HEADING.match(line), BULLET.match(line)
        if heading:
            flush()
            if heading[1]:
                out.append(("h", quotes(heading[1])))
        elif item:
            flush()
            out.append(("li" if item[1] else "ol", quotes(item[2].strip())))
        elif out and out[-1][0] in LISTS and not lines and raw[:1].isspace():
            out[-1] = (out[-1][0], out[-1][1] + " " + quotes(line))  # an item's next line
        else:
            lines.append(line)
    flush()
    return out


def read_markdown(path: str | Path, option: str) -> str:
    """The text of a Markdown file given as ``option`` (e.g. ``--foreword``); a missing,
    too large or non-UTF-8 file is refused, naming it."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise FrontMatterError(f"{option} {file}: cannot read the file: {exc.strerror}") from None
    return markdown_text(data, f"{option} {file}")


def markdown_text(data: bytes, name: str) -> str:
    """Uploaded or read bytes as Markdown text: UTF-8 (a BOM allowed), at most
    :data:`MAX_BYTES`; otherwise refused, naming ``name``."""
    if len(data) > MAX_BYTES:
        raise FrontMatterError(
            f"{name}: the file is {len(data):,} bytes; a foreword or summary may be at most "
            f"{MAX_BYTES:,}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            f"{name}: not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 Markdown"
        ) from None
    if "\x00" in text:
        raise FrontMatterError(f"{name}: not a text file (it holds NUL bytes)")
    return text
