"""Numbers on the coding pages, formatted for the active language (decimal comma in Danish)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "–"


def _format(value: float, digits: int) -> str:
    """Rounded half up (Django's number_format alone cuts floats off instead)."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return str(number_format(rounded, digits))


@register.filter
def stat(value: Any, digits: int = 2) -> str:
    """A statistic such as kappa with ``digits`` decimals; a dash when undefined."""
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    return _format(value, int(digits))


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A share (0-1) as a percentage; a dash when undefined."""
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    return f"{_format(float(value) * 100, int(digits))} %"


@register.filter
def number(value: Any, digits: int = 1) -> str:
    """A number already on its final scale (e.g. percent 0-100) with ``digits`` decimals."""
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    return _format(value, int(digits))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None
