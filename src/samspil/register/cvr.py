"""Danish CVR numbers: 8 digits, the last a modulus-11 check digit (Erhvervsstyrelsen).

The weights 2,7,6,5,4,3,2,1 over all eight digits give a sum divisible by 11; a number
cannot start with 0. P-numbers use other weights and are not CVR numbers.
"""

from __future__ import annotations

import re

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


class CvrError(ValueError):
    """The text is not a valid CVR number; the message says why."""


def clean_cvr(text: str) -> str:
    """The CVR number as 8 digits (spaces and a ``DK`` prefix removed), or CvrError."""
    value = re.sub(r"[\s-]", "", str(text)).upper().removeprefix("DK")
    if not value.isdigit() or len(value) != 8:
        raise CvrError(f"a CVR number has 8 digits, not {text!r}")
    if value[0] == "0":
        raise CvrError(f"a CVR number does not start with 0 ({value})")
    if sum(int(d) * w for d, w in zip(value, WEIGHTS, strict=True)) % 11:
        raise CvrError(f"{value} fails the CVR check digit (modulus 11)")
    return value


def check_digit(first_seven: str) -> int | None:
    """The check digit that completes seven digits, or None when no digit can (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, WEIGHTS[:7], strict=True)) % 11
    if remainder == 0:
        return 0
    digit = 11 - remainder
    return digit if digit < 10 else None
