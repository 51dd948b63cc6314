"""`samspil demo` makes its reports with real municipalities' names (as the web demo
does), so kd2024's report sets its respondents against the country's 98 municipalities
(Tabel 10.3); the demo files keep their "Demokommune NN" (issue 22)."""

from __future__ import annotations

import pandas as pd

from samspil import demo
from samspil.cli import main
from samspil.facts import municipality_facts, municipality_names


def test_demo_names_become_the_municipality_of_their_number_and_region():
    names = pd.Series(["Demokommune 01", "Demokommune 98", "Demokommune 51", "Andet"])
    real = demo.with_real_names(names).tolist()
    codes = [code for code, _name in municipality_names()]
    assert real[:2] == ["København", "Hjørring"] and real[3] == "Andet"
    # the region demo_facts gives Demokommune 51 is the real municipality's region
    facts = municipality_facts().set_index("name")
    given = demo.demo_facts().set_index("kommune").at["Demokommune 51", "region"]
    assert facts.at[real[2], "region"] == given
    assert facts.at[real[2], "code"] == codes[50]


def test_samspil_demo_reports_have_the_representativeness_table(tmp_path, capsys):
    assert main(["demo", "--no-serve", "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "kd2024" / "tables" / "tabel_10_3.csv")
    regions = table[table["characteristic"] == "Region"]
    answers = pd.read_csv(demo.demo_file("kd2024_demo.csv"))
    assert regions["respondents"].sum() == answers["kommune"].notna().sum()
    assert regions["population"].sum() == 98
    assert "Tabel 10.3" in (tmp_path / "kd2024" / "index.html").read_text(encoding="utf-8")
