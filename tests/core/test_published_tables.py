"""The shared fixtures reproduce the published tables exactly, through the CLI."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .conftest import fixture_path


def printed(value: float, decimals: int = 1) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def test_kd2024_table_4_2_matches_the_printed_values(run_report, tmp_path):
    code, err, out = run_report(
        "kd2024", fixture_path("kd2024_tabel_4_2_responses.csv"), "--formats", "csv"
    )
    assert code == 0, err
    made = pd.read_csv(out / "tables" / "tabel_4_2.csv")
    published = pd.read_csv(fixture_path("kd2024_tabel_4_2_published.csv"))
    assert list(made.columns) == ["item", "obs", "share", "mean", "sd", "min", "max"]
    assert made["item"].tolist() == published["item"].tolist()
    for (_, ours), (_, theirs) in zip(made.iterrows(), published.iterrows(), strict=True):
        assert int(ours["obs"]) == int(theirs["obs"])
        for column in ("share", "mean", "sd"):
            assert printed(ours[column]) == printed(theirs[column]), (theirs["item"], column)
        assert int(ours["min"]) == int(theirs["min"])
        assert int(ours["max"]) == int(theirs["max"])


def test_kd2024_table_4_2_is_printed_in_danish_format_in_html(run_report, tmp_path):
    code, err, out = run_report(
        "kd2024", fixture_path("kd2024_tabel_4_2_responses.csv"), "--formats", "html"
    )
    assert code == 0, err
    page = (out / "index.html").read_text(encoding="utf-8")
    published = pd.read_csv(fixture_path("kd2024_tabel_4_2_published.csv"))
    first = published.iloc[0]
    share = f"{printed(first['share'])}".replace(".", ",") + "%"
    mean_sd = f"{printed(first['mean'])} ({printed(first['sd'])})".replace(".", ",")
    assert share in page
    assert mean_sd in page
    assert "Antal besvarelser: 74." in page


def test_fc2015_table_6_3_matches_the_printed_values_with_dont_know_in_the_base(
    run_report, tmp_path
):
    code, err, out = run_report(
        "fc2015", fixture_path("fc2015_tabel_6_3_responses.csv"), "--formats", "csv"
    )
    assert code == 0, err
    made = pd.read_csv(out / "tables" / "tabel_6_3.csv")
    published = pd.read_csv(fixture_path("fc2015_tabel_6_3_published.csv"))
    assert list(made.columns) == list(published.columns)
    assert len(made) == len(published)
    for (_, ours), (_, theirs) in zip(made.iterrows(), published.iterrows(), strict=True):
        assert int(ours["n"]) == int(theirs["n"])
        for column in published.columns[1:-1]:
            assert printed(ours[column]) == printed(theirs[column]), (theirs["item"], column)


# Table 6.5 of seed 001, as printed: item -> (a, b, a-b, relative gap).
TABLE_6_5 = {
    "q8_tillid": (74.6, 30.7, 43.9, 59),
    "q8_demokrati": (52.2, 16.5, 35.7, 32),
    "q8_mestring": (64.0, 20.8, 43.2, 68),
    "q8_civile": (75.8, 25.8, 50.0, 66),
    "q8_kvalitet": (67.9, 25.2, 42.7, 63),
    "q8_innovation": (73.1, 18.3, 54.8, 75),
    "q8_viden": (54.1, 19.6, 34.5, 64),
    "q8_komplekse": (67.7, 18.3, 49.4, 73),
    "q8_omkostning": (41.3, 6.2, 35.1, 85),
    "q8_udgifter": (33.6, 4.0, 29.6, 88),
}


def test_fc2015_table_6_5_b_column_comes_from_table_6_3_and_the_gap_is_recomputed():
    """b is 'I høj grad' of Q24 (Table 6.3, the fixture). With a set to the printed shares,
    every relative gap matches the printed one except democratisation, printed as 32 where
    (52.2 - 16.5) x 100 / 52.2 = 68: samspil computes it, it does not copy it."""
    import numpy as np

    from samspil.importing import read_responses
    from samspil.instruments import load
    from samspil.reports import compute
    from samspil.responses import Responses

    data = read_responses(fixture_path("fc2015_tabel_6_3_responses.csv"), load("fc2015")).data
    answered = data["q24_tillid"].notna().to_numpy()
    rows = int(answered.sum())
    for variable, (a, *_rest) in TABLE_6_5.items():
        chosen = np.zeros(rows)
        chosen[: round(a / 100 * rows)] = 1  # 1 = Meget vigtigt, 2 = Mindre vigtigt
        column = np.full(len(data), np.nan)
        column[answered] = np.where(chosen == 1, 1.0, 2.0)
        data[variable] = column
    _, results = compute("fc2015", Responses(load("fc2015"), data))
    gap = next(r for r in results if r.block.id == "tabel_6_5").data
    assert len(gap) == len(TABLE_6_5)
    for (_, row), (a, b, _c, relative) in zip(gap.iterrows(), TABLE_6_5.values(), strict=True):
        assert printed(row["b"]) == printed(b)
        assert abs(row["a"] - a) < 0.2  # a is approximated by whole respondents here
        if relative == 32:
            assert printed(row["relative_gap"], 0) == 68
        else:
            assert abs(row["relative_gap"] - relative) <= 1
