"""The built-in table kinds, each registered in one place with all its pieces, exactly as
an added kind registers (docs/extending.md).

Their code stays beside the code it shares: builders in ``build`` (and ``population``,
which registers its two kinds itself), grid layouts in ``document``, previous-wave
comparisons in ``waves``, default-report blocks in ``default``, own figures in
``figures``, what a municipality's own report does with them in ``municipal``.
Nothing outside this registration names a kind to find one of its pieces.
"""

from __future__ import annotations

from samspil.reports import default, document, figures, waves
from samspil.reports import municipal as m
from samspil.reports import population as _population  # noqa: F401  (registers its kinds)
from samspil.reports.build import (
    bins,
    crosstab,
    distribution,
    frequency,
    frequency_rule,
    gap,
    grouped_means,
    multiple_response,
    multiple_response_rule,
    numeric,
    numeric_rule,
    open_answers,
    question_table,
    summary,
    summary_rule,
    themes,
)
from samspil.reports.kinds import Municipal, TableKind, add_table_kind

for kind in (
    TableKind(
        "distribution",
        distribution,
        variables=True,
        spread=True,
        compare=waves.compare_distribution,
        default_blocks=default.likert_blocks,
        municipal=Municipal(m.own_scale_means, m.scale_means, m.answered_and_shown, shares=False),
    ),
    TableKind(
        "frequency",
        frequency,
        variables=True,
        spread=True,
        grid=document.frequency_grid,
        method_rule=frequency_rule,
        compare=waves.compare_frequency,
        default_blocks=default.frequency_blocks,
        municipal=Municipal(
            m.own_answer_shares, m.table_shares, m.answered_and_shown, by_answer=True
        ),
    ),
    TableKind(
        "summary",
        summary,
        needs=("top",),
        variables=True,
        method_rule=summary_rule,
        compare=waves.compare_summary,
        municipal=Municipal(
            m.own_scale_means, m.table_means, m.answered_and_on_scale, shares=False
        ),
    ),
    TableKind(
        "multiple_response",
        multiple_response,
        variables=True,
        compare=waves.compare_options,
        method_rule=multiple_response_rule,
        default_blocks=default.multiple_blocks,
        municipal=Municipal(m.own_option_shares, m.table_shares, m.chose_any),
    ),
    TableKind("gap", gap, needs=("expectation", "experience", "pairs")),
    TableKind("crosstab", crosstab, needs=("group_by",), grid=document.crosstab_grid, spread=True),
    TableKind(
        "bins",
        bins,
        needs=("variable", "bins"),
        municipal=Municipal(m.own_answer_shares, m.table_shares, by_answer=True),
    ),
    TableKind(
        "numeric",
        numeric,
        variables=True,
        compare=waves.compare_numeric,
        method_rule=numeric_rule,
        default_blocks=default.numeric_blocks,
        municipal=Municipal(m.table_means, m.table_means, shares=False),
    ),
    TableKind(
        "grouped_means",
        grouped_means,
        needs=("rows", "series"),
        figure=figures.grouped_means_chart,
        caption="Søjlerne viser gennemsnitlig værdi.",
    ),
    TableKind("themes", themes, needs=("variable",), code_list=True, costly=True),
    TableKind("open_answers", open_answers, variables=True),
    TableKind("question", question_table, needs=("question",)),
):
    add_table_kind(kind)
