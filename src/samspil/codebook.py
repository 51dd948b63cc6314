"""The codebook of an instrument: one row per variable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samspil.questions.base import codebook_row

if TYPE_CHECKING:
    import pandas as pd

    from samspil.instruments import Instrument

COLUMNS = ["variable", "question", "item", "values", "type", "section", "missing"]


def codebook(instrument: Instrument) -> pd.DataFrame:
    """``variable,question,item,values`` (``values`` as ``code=label|code=label``), plus the
    variable's kind, its section and its special (user-missing) codes. Each question type
    makes its own rows (``QuestionBase.codebook_rows``)."""
    import pandas as pd

    rows = [codebook_row(s.variable()) for s in instrument.sample]
    for section in instrument.sections:
        for question in section.questions:
            rows.extend(question.codebook_rows(section.id))
    return pd.DataFrame(rows, columns=COLUMNS)
