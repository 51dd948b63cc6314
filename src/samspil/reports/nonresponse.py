"""Item non-response: per question, how many were asked (its and its section's conditions
held), answered, answered only "Ved ikke" (or another special answer), and left it blank.

Pure (no Django): from the instrument and the answers. A respondent counts as asked when
the conditions hold for their answers, as the web questionnaire decides; answers given to a
question the respondent was not asked (a file without the skips) are not counted.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from samspil.instruments import Instrument

COLUMNS = ["question", "label", "asked", "answered", "special", "blank"]


def _answers(data: pd.DataFrame) -> list[dict[str, object]]:
    """Each respondent's answers as the conditions read them (missing: None)."""
    return [
        {
            str(key): None if isinstance(value, float) and math.isnan(value) else value
            for key, value in record.items()
        }
        for record in data.to_dict("records")
    ]


def item_nonresponse(instrument: Instrument, data: pd.DataFrame) -> pd.DataFrame:
    """One row per closed, number or open question with variables in the data."""
    records: list[dict[str, object]] = []

    def shown_to(item: Any) -> np.ndarray:
        """Who ``item`` (a section or question) is shown to: everyone when it has no
        conditions, without reading each respondent's answers."""
        if not item.show_if:
            return np.ones(len(data), dtype=bool)
        if not records:
            records.extend(_answers(data))
        return np.array([item.shown(r) for r in records], dtype=bool)

    rows = []
    for section in instrument.sections:
        shown = shown_to(section)
        for question in section.questions:
            variables = [
                v for v in instrument.question_variables(question.id) if v.name in data.columns
            ]
            if not variables:
                continue
            asked = shown & shown_to(question)
            substantive = np.zeros(len(data), dtype=bool)
            special = np.zeros(len(data), dtype=bool)
            for var in variables:
                values = data[var.name]
                if var.kind == "text":
                    given = values.notna() & (values.astype(str).str.strip() != "")
                    substantive |= given.to_numpy()
                    continue
                codes = values.to_numpy(dtype=float, na_value=np.nan)
                is_special = np.isin(codes, list(var.special_codes))
                special |= is_special
                substantive |= ~np.isnan(codes) & ~is_special
            answered = asked & substantive
            only_special = asked & ~substantive & special
            rows.append(
                {
                    "question": question.id,
                    "label": variables[0].question,
                    "asked": int(asked.sum()),
                    "answered": int(answered.sum()),
                    "special": int(only_special.sum()),
                    "blank": int((asked & ~substantive & ~special).sum()),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)
