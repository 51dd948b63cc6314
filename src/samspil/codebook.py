"""The codebook of an instrument: one row per variable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samspil.questions.base import codebook_row

if TYPE_CHECKING:
    import pandas as pd

    from samspil.instruments import Instrument

COLUMNS = ["variable", "question", "item", "values", "type", "section", "missing"]
# plus ``spss_name`` and ``stata_name`` when some variable name is too long for those formats


def codebook(instrument: Instrument) -> pd.DataFrame:
    """``variable,question,item,values`` (``values`` as ``code=label|code=label``), plus the
    variable's kind, its section and its special (user-missing) codes. Each question type
    makes its own rows (``QuestionBase.codebook_rows``)."""
    import pandas as pd

    from samspil.exports import long_names

    rows = [codebook_row(s.variable()) for s in instrument.sample]
    for section in instrument.sections:
        for question in section.questions:
            rows.extend(question.codebook_rows(section.id))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    renamed = long_names(instrument)
    if renamed:  # names too long for SPSS (64 bytes) or Stata (32): what the exports call them
        sav = {name: short for name, short, _dta in renamed}
        dta = {name: short for name, _sav, short in renamed}
        frame["spss_name"] = frame["variable"].map(lambda n: sav.get(n, n))
        frame["stata_name"] = frame["variable"].map(lambda n: dta.get(n, n))
    return frame
