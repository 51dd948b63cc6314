"""The response curve of a fieldwork: answers per day and the cumulative response rate.

Pure: takes the dates answers came in (one row per answer, or counts per day), the number
invited and the dates of the invitation and the reminders; returns one row per calendar day
from the first of those dates to the last, days without answers included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["CURVE_COLUMNS", "response_curve"]

CURVE_COLUMNS = ["date", "responses", "cumulative", "rate", "event"]


def response_curve(
    submissions: pd.DataFrame,
    invited: int,
    events: Iterable[tuple[date, str]] = (),
    *,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """One row per day: ``date`` (a ``datetime.date``), ``responses`` that day,
    ``cumulative`` responses up to and including it, ``rate`` (cumulative / ``invited``
    in per cent; NaN when nobody was invited) and ``event`` (the labels of the mailings
    sent that day, joined by "; ", else "").

    ``submissions`` has a ``date`` column (dates or datetimes; NaT/None rows are ignored)
    and, optionally, a ``responses`` column with the count for each row (default 1 per
    row). The days run from the earliest of ``start``, the first event and the first
    answer to the latest of ``end``, the last event and the last answer; an empty frame
    when there is none of them.
    """
    if "date" not in submissions.columns:
        raise ValueError("submissions need a 'date' column")
    dates = pd.to_datetime(submissions["date"]).dt.normalize()
    counts = (
        pd.to_numeric(submissions["responses"]).fillna(0)
        if "responses" in submissions.columns
        else pd.Series(1, index=submissions.index)
    )
    keep = dates.notna()
    per_day = counts[keep].groupby(dates[keep]).sum()
    labels: dict[pd.Timestamp, list[str]] = {}
    for when, label in events:
        labels.setdefault(pd.Timestamp(when).normalize(), []).append(label)
    bounds = [*per_day.index, *labels]
    bounds += [pd.Timestamp(d).normalize() for d in (start, end) if d is not None]
    if not bounds:
        return pd.DataFrame({c: [] for c in CURVE_COLUMNS})
    days = pd.date_range(min(bounds), max(bounds), freq="D")
    responses = per_day.reindex(days, fill_value=0).astype(int)
    cumulative = responses.cumsum()
    rate = 100 * cumulative / invited if invited > 0 else pd.Series(np.nan, index=days)
    return pd.DataFrame(
        {
            "date": [d.date() for d in days],
            "responses": responses.to_numpy(),
            "cumulative": cumulative.to_numpy(),
            "rate": rate.to_numpy(dtype=float),
            "event": ["; ".join(labels.get(d, [])) for d in days],
        }
    )
