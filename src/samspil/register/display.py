"""Numbers of the register's pages as the report tables print them (pure): Danish
thousands points and decimal commas (``samspil.reports.formatting``), amounts in kroner,
and no trailing ",00" on a number typed as a whole."""

from __future__ import annotations

from decimal import Decimal

from samspil.reports.formatting import as_given, integer, is_missing

# The value report's measures that are amounts (kroner) and whole counts.
AMOUNTS = frozenset({"municipal_costs"})
COUNTS = frozenset({"participants", "volunteer_hours"})


def amount(value: object) -> str:
    """45000 -> '45.000 kr.'; missing -> ''."""
    return "" if is_missing(value) else f"{integer(value)} kr."


def number(value: object) -> str:
    """A count or a typed number with the decimals it has: 45000 -> '45.000',
    Decimal('47.00') -> '47', Decimal('87.5') -> '87,5'; missing -> ''."""
    if is_missing(value):
        return ""
    if isinstance(value, int | Decimal) and value == int(value):
        return integer(value)
    return as_given(value, most=2)


def measure(field: str, value: object) -> str:
    """A measure of a value report as its page shows it ('' when not given; a yes/no
    measure is left to the page, which words it in its language)."""
    if value is None or value == "":
        return ""
    if field in AMOUNTS:
        return amount(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number(value)
    return str(value)
