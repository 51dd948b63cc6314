"""The table-kind registry: every ``kind:`` a report definition's block may name.

A table kind is a function ``(block, inputs) -> Result`` that computes one table (raising
``samspil.reports.errors.Skip`` with a Danish reason when the data cannot make it), plus
the block fields it needs. The built-in kinds in ``samspil.reports.build`` register
themselves with ``register_table_kind`` exactly as an added kind would. See
docs/extending.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from samspil.reports.build import Inputs, Result
    from samspil.reports.spec import Block

__all__ = ["TABLE_KINDS", "TableKind", "register_table_kind", "table_kinds"]

Builder = Callable[["Block", "Inputs"], "Result"]
F = TypeVar("F", bound=Builder)


@dataclass(frozen=True)
class TableKind:
    name: str
    build: Builder
    needs: tuple[str, ...] = ()  # block fields that must be given
    variables: bool = False  # the block must give ``question`` or ``variables``


TABLE_KINDS: dict[str, TableKind] = {}


def register_table_kind(
    name: str, *, needs: tuple[str, ...] = (), variables: bool = False
) -> Callable[[F], F]:
    """Register a table kind (a decorator on its builder)."""

    def add(builder: F) -> F:
        if name in TABLE_KINDS and TABLE_KINDS[name].build is not builder:
            raise ValueError(f"table kind {name!r} is already registered")
        TABLE_KINDS[name] = TableKind(name, builder, needs, variables)
        return builder

    return add


def table_kinds() -> dict[str, TableKind]:
    """All registered kinds, the built-in ones included."""
    import samspil.reports.build  # noqa: F401  (registers the built-in kinds)

    return TABLE_KINDS
