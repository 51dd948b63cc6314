"""Soft hyphens in the long words of the HTML report's headings and table headings.

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


def hyphenate_word(word: str) -> str:
    """'udarbejdelse' -> 'ud\\xadar\\xadbej\\xaddel\\xadse' (Danish syllable breaks)."""
    return str(_danish().inserted(word, hyphen=SOFT_HYPHEN))


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
