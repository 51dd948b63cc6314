"""Numbers as people write them: one decimal mark, the other mark only between groups of
three digits (``2.185`` is 2185 where the decimal mark is ``,``). Shared by the file
importers and the web questionnaire; pure Python, nothing heavy imported."""

from __future__ import annotations

import math
import re


def _number_patterns(mark: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    m = re.escape(mark)
    other = re.escape("." if mark == "," else ",")
    plain = re.compile(rf"[+-]?(?:\d+(?:{m}\d*)?|{m}\d+)")
    grouped = re.compile(rf"[+-]?\d{{1,3}}(?:{other}\d{{3}})+(?:{m}\d+)?")
    return plain, grouped


PATTERNS = {mark: _number_patterns(mark) for mark in (",", ".")}


def parse_number(text: str, mark: str = ".") -> tuple[float, str | None]:
    """A number cell read with the file's decimal mark (``,`` or ``.``); the other mark
    separates thousands only (groups of three digits: with ``,`` ``2.185`` is 2185 and
    ``1.234,5`` is 1234.5). Returns (NaN, why) for a cell that is not a number or that
    uses the marks the other way round (ambiguous)."""
    other = "." if mark == "," else ","
    text = text.strip()
    if not text:
        return float("nan"), None
    plain, grouped = PATTERNS[mark]
    if plain.fullmatch(text):
        return float(text.replace(mark, ".")), None
    if grouped.fullmatch(text):
        return float(text.replace(other, "").replace(mark, ".")), None
    if other in text and re.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*", text):
        return float("nan"), (
            f"is ambiguous: the file's decimal mark is {mark!r}, so {other!r} can only "
            "separate thousands (groups of three digits); write the number with "
            f"{mark!r} as decimal mark"
        )
    if "." not in text and "," not in text:
        try:
            number = float(text)  # 1e3
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number, None
    return float("nan"), "is not a number"
