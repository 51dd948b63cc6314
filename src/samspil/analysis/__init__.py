"""The analysis core: pure functions from DataFrames of coded answers to tidy tables.

Nothing here imports Django or knows where the data came from (a file, a study, the
register). Inputs are DataFrames with one column per variable holding numeric codes (NaN =
not answered); outputs are unrounded DataFrames. Rounding and Danish number formatting
happen only in the report renderers.
"""

from samspil.analysis.crosstab import crosstab, stars
from samspil.analysis.distributions import (
    bin_counts,
    distribution,
    frequency,
    multiple_response,
)
from samspil.analysis.gaps import importance_gap
from samspil.analysis.likert import likert_summary, numeric_summary
from samspil.analysis.regression import controlled_difference, logit_controls

__all__ = [
    "bin_counts",
    "controlled_difference",
    "crosstab",
    "distribution",
    "frequency",
    "importance_gap",
    "likert_summary",
    "logit_controls",
    "multiple_response",
    "numeric_summary",
    "stars",
]
