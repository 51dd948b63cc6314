"""Danish hyphenation, one rule for the HTML and the PDF: soft hyphens (U+00AD) at the
break points of pyphen's Danish dictionary, corrected by :data:`EXCEPTIONS`.

The TeX patterns behind pyphen (and behind Typst's own hyphenation) break compounds
across their joints: "mi-strivsel", "grunde-jerforeninger", "erhverv-sudvikling",
"so-ci-a-l-område". :data:`EXCEPTIONS` holds the questionnaires' compounds (and their
parts) with the break points a Danish dictionary allows; where one of them occurs in a
word (inflected, or inside a longer compound) its break points replace the patterns'.

The PDF: Typst hyphenates with the same patterns and takes no exceptions, and a soft
hyphen would stay in the PDF's text (what a screen reader reads, what a search finds); so
a word the patterns would break wrongly is set unhyphenated there (:func:`misbroken`).
The HTML: the headings and table headings get the soft hyphens (below).

The page says ``lang="da"`` and ``hyphens: auto``, but Chromium on Linux hyphenates only
with dictionaries it downloads on demand; Debian's chromium ships none, so a long Danish
word in a narrow heading ("udarbejdelse" in a table column on a phone) broke mid-word
without a hyphen (tests/core/test_report_browser.py measures it). ``index.html`` therefore
carries soft hyphens (U+00AD) at the syllable breaks of pyphen's Danish dictionary, which
any browser shows as a hyphen only where it breaks the line. The PDF gets none: Typst
hyphenates Danish itself and never hyphenates a heading.

Pure: text in, text out.
"""

from __future__ import annotations

import re
from functools import cache

SOFT_HYPHEN = "\u00ad"
MIN_LETTERS = 12  # shorter words fit the narrowest column of a table on a phone
HEADINGS = re.compile(r"(<(h[1-6]|th)\b[^>]*>)(.*?)(</\2>)", re.S)
MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")  # tags and entities stay as they are
LONG_WORD = re.compile(rf"[^\W\d_]{{{MIN_LETTERS},}}")


@cache
def _danish():  # type: ignore[no-untyped-def]
    import pyphen

    return pyphen.Pyphen(lang="da_DK")


# Words (or parts of words) with the break points a Danish dictionary allows ("-"), where
# the patterns break them wrongly. Conservative: a part without a "-" is not broken.
EXCEPTIONS = [
    "mis-triv-sel",
    "triv-sel",
    "grund-ejer",
    "for-ening",
    "for-enings",
    "be-boer",
    "er-hvervs",
    "ud-vik-ling",
    "kli-ma",
    "af-tryk",
    "so-ci-al",
    "om-rå-de",
    "kul-tur",
    "in-sti-tu-tio-ner",
    "in-sti-tu-tion",
    "han-di-cap",
    "or-ga-ni-sa-tio-ner",
    "or-ga-ni-sa-tion",
    "ple-je",
    "ple-jen",
    "borg-mes-ter",
    "point",
    "ci-vil",
    "sam-fund",
]


@cache
def _exceptions() -> list[tuple[str, frozenset[int]]]:
    """(part, its allowed break positions), the longest parts first."""
    parts = []
    for written in EXCEPTIONS:
        word, at, breaks = written.replace("-", ""), 0, set()
        for piece in written.split("-")[:-1]:
            at += len(piece)
            breaks.add(at)
        parts.append((word, frozenset(breaks)))
    return sorted(parts, key=lambda p: -len(p[0]))


@cache
def break_points(word: str) -> tuple[int, ...]:
    """Where ``word`` may be broken (positions between letters): the dictionary's, with
    every exception part found in it deciding its own span (and the joint before it);
    never one letter from either end."""
    lower = word.lower()
    points = set(_danish().positions(lower))
    taken: list[tuple[int, int]] = []
    for part, breaks in _exceptions():
        start = lower.find(part)
        while start >= 0:
            end = start + len(part)
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                points -= set(range(start + 1, end))  # inside the part: only its own
                points |= {start + b for b in breaks}
                if start > 0:
                    points.add(start)  # the joint before a part is a break point
            start = lower.find(part, start + 1)
    return tuple(sorted(p for p in points if 1 < p < len(word) - 1))


def hyphenate_word(word: str) -> str:
    """'udarbejdelse' -> 'ud\\xadar\\xadbej\\xaddel\\xadse' (Danish break points)."""
    out, last = [], 0
    for point in break_points(word):
        out.append(word[last:point])
        last = point
    out.append(word[last:])
    return SOFT_HYPHEN.join(out)


WORD = re.compile(r"[^\W\d_]+")


@cache
def _wrong(word: str) -> bool:
    """Whether the patterns alone would break ``word`` where Danish does not allow it."""
    patterns = {p for p in _danish().positions(word.lower()) if 1 < p < len(word) - 1}
    return not patterns <= set(break_points(word))


def misbroken(text: str) -> list[tuple[str, bool]]:
    """``text`` in pieces, each with whether it is a word the Danish patterns alone would
    break where :func:`break_points` does not allow (the PDF sets those unhyphenated:
    Typst hyphenates with the same patterns and takes no exceptions)."""
    out: list[tuple[str, bool]] = []
    last = 0
    for found in WORD.finditer(text):
        word = found[0]
        if len(word) < 5 or not _wrong(word):
            continue
        if found.start() > last:
            out.append((text[last : found.start()], False))
        out.append((word, True))
        last = found.end()
    if last < len(text) or not out:
        out.append((text[last:], False))
    return out


def _text(segment: str) -> str:
    if MARKUP.fullmatch(segment):
        return segment
    return LONG_WORD.sub(lambda m: hyphenate_word(m[0]), segment)


def soft_hyphens(html: str) -> str:
    """The page with soft hyphens in the words of at least ``MIN_LETTERS`` letters inside
    its headings (``h1``-``h6``) and table headings (``th``); markup and other text as
    they were."""

    def heading(m: re.Match[str]) -> str:
        return m[1] + "".join(_text(part) for part in MARKUP.split(m[3])) + m[4]

    return HEADINGS.sub(heading, html)
