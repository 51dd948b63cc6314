"""The codebook of an instrument: one row per variable."""

from __future__ import annotations

import pandas as pd

from samspil.instruments import Instrument

COLUMNS = ["variable", "question", "item", "values", "type", "section", "missing"]


def codebook(instrument: Instrument) -> pd.DataFrame:
    """``variable,question,item,values`` (``values`` as ``code=label|code=label``), plus the
    variable's kind, its section and its special (user-missing) codes."""
    rows = []
    for var in instrument.variables:
        rows.append(
            {
                "variable": var.name,
                "question": var.question,
                "item": var.item,
                "values": "|".join(f"{o.code}={o.label}" for o in var.options),
                "type": var.kind,
                "section": var.section_id,
                "missing": "|".join(f"{c}={k}" for c, k in var.special_codes.items()),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
