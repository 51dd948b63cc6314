"""Danish number formatting for the renderers (decimal comma, thousands point, "%"), and
the one kind of quotation marks of the reports' generated text."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: object, decimals: int = 1) -> str:
    """3.2 -> '3,2'; 1234.5 -> '1.234,5'; missing -> ''. Rounds half up, as Stata and
    SPSS print (3.25 -> '3,3'), not half to even."""
    if is_missing(value):
        return ""
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)  # type: ignore[arg-type]
    text = f"{exact:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def as_given(value: object, most: int = 3) -> str:
    """A number with the decimals it has, up to ``most``: 6.0 -> '6', 0.2 -> '0,2',
    59.75 -> '59,75' (a minimum or maximum of answers as typed, not rounded to a whole)."""
    if is_missing(value):
        return ""
    x = float(value)  # type: ignore[arg-type]
    decimals = next((d for d in range(most) if round(x, d) == x), most)
    return number(x, decimals)


def percent(value: object, decimals: int = 1) -> str:
    return "" if is_missing(value) else f"{number(value, decimals)}%"


def integer(value: object) -> str:
    return number(value, 0)


def mean_sd(mean: object, sd: object, decimals: int = 1) -> str:
    """'3,2 (1,0)' as the seeds print mean and standard deviation."""
    if is_missing(mean):
        return ""
    return (
        f"{number(mean, decimals)} ({number(sd, decimals)})"
        if not is_missing(sd)
        else number(mean, decimals)
    )


def n_range(values: list[int]) -> str:
    """'74' or '72-73'."""
    values = [int(v) for v in values if not is_missing(v)]
    if not values:
        return "0"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


# The Danish quotation marks of the seed reports: ”x” (closing marks on both sides).
QUOTE = "”"
_PAIRS = [
    re.compile(r'"([^"\n]*)"'),  # "x"
    re.compile(r"»([^»«\n]*)«"),  # »x«
    re.compile(r"“([^“”\n]*)”"),  # “x” (English style)
    re.compile(r"(?<![^\s(\[/])”([^“”\n]*)”"),  # ”x” (already Danish)
    # ’x’ and ‘x’ used as quotation marks, not as an apostrophe inside a word
    re.compile(r"(?<![^\s(\[/])[‘’]([^‘’\n]*?)’(?=$|[\s.,;:!?)\]])"),
]


_MARKS = re.compile('["»“”‘’]')


def quotes(text: str) -> str:
    """One kind of quotation marks, the Danish rule every format follows: "x", “x”, »x«,
    ’x’ and ‘x’ become ”x”. Always plain text (a note's parts are not kept)."""
    return _quoted(str(text))


@lru_cache(maxsize=1 << 16)
def _quoted(text: str) -> str:
    """:func:`quotes` of plain text (remembered: a report's cells repeat)."""
    if not _MARKS.search(text):
        return text
    for pair in _PAIRS:
        text = pair.sub(f"{QUOTE}\\1{QUOTE}", text)
    return text
