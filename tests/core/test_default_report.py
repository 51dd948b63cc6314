"""A default report for any questionnaire: `samspil report INSTRUMENT` without a report
definition, and `samspil report-definition` to edit and pass one back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

INSTRUMENT = """
id: foreningsliv
title: Foreningernes samarbejde med kommunen
scales:
  grad5:
    - {code: 1, label: Slet ikke}
    - {code: 2, label: I mindre grad}
    - {code: 3, label: I nogen grad}
    - {code: 4, label: I høj grad}
    - {code: 5, label: I meget høj grad}
    - {code: 8, label: Ved ikke, special: dont_know}
sections:
  - id: samarbejde
    title: Samarbejde
    questions:
      - id: samarbejder
        type: single
        text: Samarbejder foreningen med kommunen?
        options: [{code: 1, label: Ja}, {code: 2, label: Nej}, {code: 8, label: Ved ikke, special: dont_know}]
      - id: former
        type: multi
        text: Hvordan samarbejder I?
        options: [{code: 1, label: Aftale}, {code: 2, label: Møder}, {code: 3, label: Betaling}]
  - id: vurdering
    title: Vurdering
    questions:
      - id: vurd
        type: grid
        text: I hvilken grad er samarbejdet
        scale: grad5
        items: [{id: lyt, text: lyttende}, {id: tid, text: tidskrævende}]
      - {id: medlemmer, type: number, text: "Hvor mange medlemmer har foreningen?"}
      - {id: kommentar, type: open, text: Andre kommentarer}
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("default")
    (folder / "foreningsliv.yaml").write_text(INSTRUMENT, encoding="utf-8")
    rng = np.random.default_rng(3)
    n = 120
    answers = pd.DataFrame(
        {
            "respondent_id": range(1, n + 1),
            "samarbejder": rng.choice([1, 2, 8], n),
            "former_1": rng.choice([0, 1], n),
            "former_2": rng.choice([0, 1], n),
            "former_3": rng.choice([0, 1], n),
            "vurd_lyt": rng.choice([1, 2, 3, 4, 5, 8], n),
            "vurd_tid": rng.choice([1, 2, 3, 4, 5], n),
            "medlemmer": rng.integers(5, 400, n),
            "kommentar": rng.choice(["", "fint", "mere støtte"], n),
        }
    )
    answers.loc[:9, ["former_1", "former_2", "former_3"]] = np.nan  # did not answer
    answers.to_csv(folder / "svar.csv", index=False)
    return folder, answers


def test_default_report_makes_a_table_per_closed_question_named_after_it(study, run_report):
    folder, answers = study
    code, err, out = run_report(
        folder / "foreningsliv.yaml", folder / "svar.csv", "--formats", "csv,xlsx,html"
    )
    assert code == 0, err
    tables = out / "tables"
    single = pd.read_csv(tables / "samarbejder.csv")
    assert list(single.columns) == ["answer", "n", "percent"]
    base = answers["samarbejder"].isin([1, 2])  # "Ved ikke" left out of the base
    assert single.loc[single["answer"] == "Ja", "percent"].item() == pytest.approx(
        (answers["samarbejder"] == 1).sum() / base.sum() * 100
    )
    dont_know = single[single["answer"] == "Ved ikke"].iloc[0]  # shown, not in the base
    assert dont_know["n"] == (answers["samarbejder"] == 8).sum()
    assert pd.isna(dont_know["percent"])
    multi = pd.read_csv(tables / "former.csv")
    assert list(multi.columns)[:3] == ["option", "n", "percent"]
    answered = answers["former_1"].notna()
    assert multi.loc[multi["option"] == "Møder", "percent"].item() == pytest.approx(
        (answers.loc[answered, "former_2"] == 1).mean() * 100
    )
    grid = pd.read_csv(tables / "vurd.csv")
    assert list(grid.columns) == ["item", "obs", "share", "mean", "sd", "min", "max"]
    lyt = answers["vurd_lyt"][answers["vurd_lyt"] != 8]
    row = grid[grid["item"] == "lyttende"].iloc[0]
    assert row["obs"] == len(lyt)
    assert row["share"] == pytest.approx(lyt.isin([4, 5]).mean() * 100)
    assert row["mean"] == pytest.approx(lyt.mean())
    assert (tables / "vurd_fordeling.csv").is_file()
    number = pd.read_csv(tables / "medlemmer.csv")
    assert list(number.columns) == ["item", "obs", "mean", "sd", "min", "median", "max"]
    assert number["median"].item() == pytest.approx(answers["medlemmer"].median())
    opened = pd.read_csv(tables / "aabne_vurdering.csv")
    assert opened["answered"].item() == int((answers["kommentar"] != "").sum())
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "1. Samarbejde" in html and "2. Vurdering" in html


def test_report_definition_is_written_edited_and_passed_back(study, run_cli, tmp_path):
    folder, _ = study
    spec_file = folder / "rapport.yaml"
    code, _, err = run_cli("report-definition", folder / "foreningsliv.yaml", "--out", spec_file)
    assert code == 0, err
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    spec["title"] = "Foreningslivet 2026"
    spec["chapters"][1]["blocks"][0]["title"] = "Hvordan oplever foreningerne samarbejdet?"
    spec["chapters"].reverse()
    spec_file.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "edited"
    code, _, err = run_cli(
        "report", spec_file, "--data", folder / "svar.csv", "--out", out, "--formats", "html"
    )
    assert code == 0, err
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Foreningslivet 2026" in html
    assert html.index("Hvordan oplever foreningerne samarbejdet?") < html.index("Samarbejder")


def test_a_broken_report_definition_names_the_file_and_field(study, run_cli, tmp_path):
    folder, _ = study
    spec_file = tmp_path / "rapport.yaml"
    spec_file.write_text("id: x\ninstrument: kd2024\ntitle: X\nchapters: [{id: a}]\n")
    code, _, err = run_cli("report", spec_file, "--data", folder / "svar.csv", "--out", tmp_path)
    assert code == 2
    assert "rapport.yaml" in err and "chapters.0.title" in err


def test_the_default_reports_pdf_passes_typsts_pdf_ua_1_check(study, run_report):
    import re
    import subprocess

    folder, _ = study
    code, err, out = run_report(
        folder / "foreningsliv.yaml", folder / "svar.csv", "--formats", "pdf"
    )
    assert code == 0, err  # Typst refuses to write a PDF/UA-1 file that is not accessible
    info = subprocess.run(["pdfinfo", str(out / "report.pdf")], capture_output=True, text=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M)
