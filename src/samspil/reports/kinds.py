"""The table-kind registry: every ``kind:`` a report definition's block may name.

A table kind registers, in one place (one :class:`TableKind`), everything a report does
with it: its builder ``(block, inputs) -> Result`` (raising
``samspil.reports.errors.Skip`` with a Danish reason when the data cannot make it), the
block fields it needs, its own options (a pydantic model for the block's ``options:``),
its grid layout, its previous-wave comparison, the blocks a default report gives a
question of this kind, its own figure and that figure's caption, whether its code list
is in the report's appendix, and what a
municipality's own report does with it (:class:`Municipal`). Every consumer (build,
waves, default, document, figures, municipal, the definition's schema) looks the kind's
pieces up here; none keeps a list of kind names. The built-in kinds register in
``samspil.reports.builtin_kinds`` exactly as an added kind would. See docs/extending.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from samspil import registries

if TYPE_CHECKING:
    import pandas as pd

    from samspil.questions.base import Variable
    from samspil.reports.build import Inputs, Result
    from samspil.reports.document import Grid
    from samspil.reports.figures import Chart
    from samspil.reports.spec import Block, TableStyle
    from samspil.reports.waves import Waves

__all__ = [
    "TABLE_KINDS",
    "Municipal",
    "TableKind",
    "add_table_kind",
    "kind_of",
    "kind_options",
    "register_table_kind",
    "table_kinds",
]

Builder = Callable[["Block", "Inputs"], "Result"]
# (result, style) -> the table as a text grid (samspil.reports.document.grid)
GridLayout = Callable[["Result", "TableStyle"], "Grid"]
# (this wave's result, the previous wave's table, the waves): the previous wave beside
# this one, in place (samspil.reports.waves)
Comparer = Callable[["Result", "pd.DataFrame", "Waves"], None]
# (question, numbering) -> the blocks a default report gives a question whose type's
# ``summary_kind`` is this kind (samspil.reports.default; numbering: its table() and
# figure() labels)
DefaultBlocks = Callable[[Any, Any], list["Block"]]
# (result, figure data) -> the chart of a block with ``figure: <this kind>``
Figure = Callable[["Result", "pd.DataFrame"], "Chart"]
# (the definition's blocks of this kind, each block's special answers) -> the method
# chapter's sentence on the kind's base ("" for none; samspil.reports.build.base_rule)
Specials = Callable[["Block"], set[str]]
MethodRule = Callable[[list["Block"], Specials], str]
F = TypeVar("F", bound=Builder)
# (block, its variables, the answers) -> the sets of respondents the table's figures count
AnswerSets = Callable[["Block", list["Variable"], "pd.DataFrame"], list["pd.Series"]]
# (a table, the answers of its respondents, the variables) -> a value per row of the table
RowValues = Callable[["Result", "pd.DataFrame", list["Variable"]], list[object]]


@dataclass(frozen=True)
class Municipal:
    """What a municipality's own report (``--by kommune``, samspil.reports.municipal) does
    with a kind's tables: its figures are computed over the other municipalities, the own
    municipality's figures stand in a column beside them."""

    # the own column, row by row of the own respondents' table (with one respondent its
    # answer's label, as no share or mean discloses more than the answer itself)
    own: RowValues
    # each row's figure whose change since a previous wave is shown (a mean or a share)
    key_figures: RowValues
    # the respondents each figure counts, each set kept safe by the disclosure control
    # (None: per variable those who answered it)
    answer_sets: AnswerSets | None = None
    shares: bool = True  # figures are shares in percent (False: means, changes in points)
    by_answer: bool = False  # rows are answers, grouped by comparison (False: items)


@dataclass(frozen=True)
class TableKind:
    name: str
    build: Builder
    needs: tuple[str, ...] = ()  # block fields that must be given
    variables: bool = False  # the block must give ``question`` or ``variables``
    options: type[BaseModel] | None = None  # the block's ``options:``, checked by this model
    grid: GridLayout | None = None  # None: one grid row per data row, the columns as given
    compare: Comparer | None = None  # None: the table stays as it is beside a previous wave
    default_blocks: DefaultBlocks | None = None  # None: a default report gives it no blocks
    figure: Figure | None = None  # drawn for a block of this kind with ``figure: <name>``
    caption: str = ""  # what the kind's own figure shows, for its caption
    municipal: Municipal | None = None  # None: a municipality's own report leaves it out
    weights_note: bool = True  # a weighted report's note says whether it is weighted
    # a distribution over the answers: the method chapter's rule for "Ved ikke" covers it
    # and its note says where it departs (samspil.reports.build.base_rule)
    spread: bool = False
    method_rule: MethodRule | None = None  # the method chapter's sentence on its base
    # its blocks show coded open answers: with the codes given (--codes), the report's
    # code-list appendix lists each block's code list (``codebook``, else the
    # questionnaire's)
    code_list: bool = False
    # its blocks take long to compute over many answers (coded open answers): with
    # ``build(..., fork=True)`` a forked child computes every second one meanwhile
    costly: bool = False


TABLE_KINDS: dict[str, TableKind] = {}


def add_table_kind(kind: TableKind) -> TableKind:
    """Register a table kind with all its pieces."""
    registries.add(TABLE_KINDS, kind.name, kind, "table kind", lambda k: k.build)
    return kind


def register_table_kind(name: str, **pieces: Any) -> Callable[[F], F]:
    """Register a table kind (a decorator on its builder; ``pieces``: the other fields
    of :class:`TableKind`)."""

    def add(builder: F) -> F:
        add_table_kind(TableKind(name, builder, **pieces))
        return builder

    return add


def table_kinds() -> dict[str, TableKind]:
    """All registered kinds, the built-in ones included."""
    import samspil.reports.builtin_kinds  # noqa: F401  (registers the built-in kinds)

    return TABLE_KINDS


def kind_of(name: str) -> TableKind | None:
    """The registered kind ``name`` (None: no such kind)."""
    return table_kinds().get(name)


def kind_options(block: Block) -> BaseModel | None:
    """The block's ``options:`` as its kind's options model reads them (checked when the
    definition was read)."""
    kind = kind_of(block.kind)
    if kind is None or kind.options is None:
        return None
    return kind.options.model_validate(block.options)
