"""The shared fixtures reproduce the published tables exactly, through the CLI."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .conftest import fixture_path


def printed(value: float, decimals: int = 1) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def test_kd2024_table_4_2_matches_the_printed_values(run_cli, tmp_path):
    code, _, err = run_cli(
        "report",
        "kd2024",
        "--data",
        fixture_path("kd2024_tabel_4_2_responses.csv"),
        "--out",
        tmp_path,
        "--formats",
        "csv",
    )
    assert code == 0, err
    made = pd.read_csv(tmp_path / "tables" / "tabel_4_2.csv")
    published = pd.read_csv(fixture_path("kd2024_tabel_4_2_published.csv"))
    assert list(made.columns) == ["item", "obs", "share", "mean", "sd", "min", "max"]
    assert made["item"].tolist() == published["item"].tolist()
    for (_, ours), (_, theirs) in zip(made.iterrows(), published.iterrows(), strict=True):
        assert int(ours["obs"]) == int(theirs["obs"])
        for column in ("share", "mean", "sd"):
            assert printed(ours[column]) == printed(theirs[column]), (theirs["item"], column)
        assert int(ours["min"]) == int(theirs["min"])
        assert int(ours["max"]) == int(theirs["max"])


def test_kd2024_table_4_2_is_printed_in_danish_format_in_html(run_cli, tmp_path):
    code, _, err = run_cli(
        "report",
        "kd2024",
        "--data",
        fixture_path("kd2024_tabel_4_2_responses.csv"),
        "--out",
        tmp_path,
        "--formats",
        "html",
    )
    assert code == 0, err
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    published = pd.read_csv(fixture_path("kd2024_tabel_4_2_published.csv"))
    first = published.iloc[0]
    share = f"{printed(first['share'])}".replace(".", ",") + "%"
    mean_sd = f"{printed(first['mean'])} ({printed(first['sd'])})".replace(".", ",")
    assert share in page
    assert mean_sd in page
    assert "Antal besvarelser: 74." in page


def test_fc2015_table_6_3_matches_the_printed_values_with_dont_know_in_the_base(run_cli, tmp_path):
    code, _, err = run_cli(
        "report",
        "fc2015",
        "--data",
        fixture_path("fc2015_tabel_6_3_responses.csv"),
        "--out",
        tmp_path,
        "--formats",
        "csv",
    )
    assert code == 0, err
    made = pd.read_csv(tmp_path / "tables" / "tabel_6_3.csv")
    published = pd.read_csv(fixture_path("fc2015_tabel_6_3_published.csv"))
    assert list(made.columns) == list(published.columns)
    assert len(made) == len(published)
    for (_, ours), (_, theirs) in zip(made.iterrows(), published.iterrows(), strict=True):
        assert int(ours["n"]) == int(theirs["n"])
        for column in published.columns[1:-1]:
            assert printed(ours[column]) == printed(theirs[column]), (theirs["item"], column)
