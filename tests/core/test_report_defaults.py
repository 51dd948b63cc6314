"""Defaults that never mislead a reader (issue 19 item 7): "I alt" is the base of the
percentages, decimals keep their precision, the method chapter states the rule the tables
follow, Bilag 1 uses the codebook's labels and shows conditions, a definition naming what
does not exist is refused, YAML errors name the file, numbers follow the order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from samspil.instruments import load_file
from samspil.reports import compute
from samspil.reports.default import default_spec
from samspil.reports.document import grid, method_chapter, questionnaire_chapter
from samspil.responses import Responses

INSTRUMENT = """
id: tilfreds
title: Tilfredshed med samarbejdet
scales:
  grad:
    - {code: 1, label: Slet ikke}
    - {code: 2, label: I nogen grad}
    - {code: 3, label: I høj grad}
    - {code: 8, label: Ved ikke, special: dont_know}
sections:
  - id: start
    title: Samarbejde
    questions:
      - id: samarbejder
        type: single
        text: Samarbejder I med foreninger?
        options: [{code: 1, label: Ja}, {code: 2, label: Nej}, {code: 8, label: Ved ikke, special: dont_know}]
      - id: timer
        type: number
        text: Hvor mange timer om ugen?
        show_if:
          - {variable: samarbejder, in: [1]}
  - id: former_afsnit
    title: Former
    show_if:
      - {variable: samarbejder, in: [1]}
    questions:
      - id: former
        type: multi
        text: Hvordan samarbejder I?
        options: [{code: 1, label: Aftale}, {code: 2, label: Møder}]
      - id: vurd
        type: grid
        text: I hvilken grad er samarbejdet
        scale: grad
        items: [{id: nyttigt, text: nyttigt}, {id: let, text: let}]
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("defaults")
    (folder / "tilfreds.yaml").write_text(INSTRUMENT, encoding="utf-8")
    rng = np.random.default_rng(19)
    n = 200
    data = pd.DataFrame(
        {
            "respondent_id": range(1, n + 1),
            "samarbejder": rng.choice([1, 2, 8], n, p=[0.6, 0.29, 0.11]),
            "timer": rng.uniform(0.2, 59.7, n).round(1),
            "former_1": rng.choice([0, 1], n),
            "former_2": rng.choice([0, 1], n),
            "vurd_nyttigt": rng.choice([1, 2, 3, 8], n),
            "vurd_let": rng.choice([1, 2, 3, 8], n),
        }
    )
    data.loc[0, "timer"] = 0.2
    data.loc[1, "timer"] = 59.7
    data.to_csv(folder / "svar.csv", index=False)
    instrument = load_file(folder / "tilfreds.yaml")
    spec, results = compute(default_spec(instrument), Responses(instrument, data))
    return folder, data, instrument, spec, {r.block.id: r for r in results}


def test_i_alt_is_the_base_of_the_percentages_and_left_out_answers_stand_apart(study):
    _, data, _, _, results = study
    table = grid(results["samarbejder"])
    rows = {row[0]: row for row in table.rows}
    base = int(data["samarbejder"].isin([1, 2]).sum())
    dont_know = int((data["samarbejder"] == 8).sum())
    assert dont_know > 0 and base < len(data)
    assert rows["I alt"][1] == str(base) and rows["I alt"][2] == "100,0%"
    assert rows["Ved ikke"][1] == str(dont_know) and rows["Ved ikke"][2] == ""
    ja = int((data["samarbejder"] == 1).sum())
    assert rows["Ja"][2] == f"{ja / base * 100:.1f}%".replace(".", ",")
    assert table.total and table.rows[-1][0] == "I alt"


def test_a_decimal_question_keeps_its_precision_in_minimum_and_maximum(study, tmp_path):
    _folder, _data, _instrument, spec, results = study
    table = grid(results["timer"])
    header = table.header
    row = table.rows[0]
    assert row[header.index("Min.")] == "0,2" and row[header.index("Maks.")] == "59,7"
    from openpyxl import load_workbook

    from samspil.reports.workbook import write_xlsx

    write_xlsx(spec, list(results.values()), tmp_path / "t.xlsx")
    sheet = next(s for s in load_workbook(tmp_path / "t.xlsx").worksheets if s.title == "Tabel 1.2")
    values = [c.value for r in sheet.iter_rows() for c in r]
    assert 0.2 in values and 59.7 in values


def test_the_method_chapter_states_the_rule_the_default_reports_tables_follow(study):
    _, data, instrument, spec, results = study
    method = " ".join(method_chapter(spec, instrument, data, None).paragraphs)
    # the default report leaves "Ved ikke" out of its distributions' base ...
    assert all(not b.include_dont_know for b in spec.blocks if b.kind == "frequency")
    assert "I svarfordelingerne indgår “Ved ikke” ikke i basen" in method
    assert "indgår i basen, hvor intet andet" not in method
    # ... and out of every mean and share of a summary
    assert "Gennemsnit og andele i tabellerne med gennemsnit" in method
    summary = results["vurd"].data
    kept = data["vurd_nyttigt"][data["vurd_nyttigt"] != 8]
    assert summary.loc[0, "mean"] == pytest.approx(kept.mean())
    assert "er “I alt” basen" in method
    assert "flere svarmuligheder" in method and "talspørgsmål" in method


def test_bilag_1_uses_the_codebooks_labels_and_shows_each_condition(study):
    _, _, instrument, _, _ = study
    from samspil.codebook import codebook

    chapter = questionnaire_chapter(instrument, 1)
    text = "\n".join(
        " ".join([heading, *lines, *(" ".join(r) for r in (g.rows if g else []))])
        for heading, lines, g in chapter.parts
    )
    assert "0 = Nej; 1 = Ja" not in text
    assert "1 = Valgt; 0 = Ikke valgt" in text
    book = codebook(instrument)
    former = book[book["variable"] == "former_1"].iloc[0]
    assert "Ikke valgt" in str(former.to_dict()) and "Valgt" in str(former.to_dict())
    assert "Besvares kun, hvis der er svaret “Ja” i spørgsmål 1 (samarbejder)." in text
    assert "Afsnittet “Former”: Besvares kun, hvis der er svaret “Ja” i spørgsmål 1" in text


def test_a_definition_naming_an_unknown_question_or_variable_is_refused_naming_it(
    study, run_cli, tmp_path
):
    folder, _, instrument, _spec, _ = study
    raw = yaml.safe_load(spec_yaml_text(instrument))
    raw["instrument"] = str(folder / "tilfreds.yaml")
    raw["chapters"][0]["blocks"][0]["variables"] = ["samarbejdr"]
    raw["chapters"][1]["blocks"][0]["question"] = "formr"
    (tmp_path / "def.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli(
        "report", tmp_path / "def.yaml", "--data", folder / "svar.csv", "--out", tmp_path / "o"
    )
    assert code == 2
    assert "unknown variable 'samarbejdr'" in err and "unknown question 'formr'" in err
    assert not (tmp_path / "o" / "index.html").exists()


def spec_yaml_text(instrument) -> str:
    from samspil.reports.default import spec_yaml

    return spec_yaml(default_spec(instrument))


def test_a_yaml_error_names_the_file_and_suggests_quoting_a_text_with_a_colon(
    study, run_cli, tmp_path
):
    folder, _, _, _, _ = study
    bad = tmp_path / "rapport.yaml"
    bad.write_text(
        "id: x\ninstrument: tilfreds.yaml\ntitle: Tabel 1: Svar\nchapters: []\n", encoding="utf-8"
    )
    code, _, err = run_cli("report", bad, "--data", folder / "svar.csv", "--out", tmp_path / "o")
    assert code == 2
    assert str(bad) in err and "<unicode string>" not in err
    assert "line 3" in err and "must be quoted" in err


def test_reordered_chapters_and_blocks_are_numbered_by_their_order(study):
    from samspil.reports.spec import parse_spec

    _, _, instrument, _, _ = study
    raw = yaml.safe_load(spec_yaml_text(instrument))
    assert raw["numbered"] is True
    raw["chapters"].reverse()
    raw["chapters"][1]["blocks"].reverse()
    spec = parse_spec(yaml.safe_dump(raw, allow_unicode=True), "def.yaml")
    assert [c.title for c in spec.chapters] == ["1. Former", "2. Samarbejde"]
    labels = [(b.label, b.figure_label) for b in spec.chapters[1].blocks]
    assert labels[0][0] == "Tabel 2.1" and labels[1][0] == "Tabel 2.2"
    assert next(b.label for b in spec.chapters[0].blocks) == "Tabel 1.1"
    # numbering is idempotent: the definition written out reads back the same
    from samspil.reports.default import spec_yaml

    again = parse_spec(spec_yaml(spec), "again.yaml")
    assert [c.title for c in again.chapters] == [c.title for c in spec.chapters]


def test_a_census_of_the_98_municipalities_is_said_and_why_no_finite_population_correction():
    from samspil.instruments import load
    from samspil.reports.spec import load_spec

    instrument = load("fc2015")
    data = pd.DataFrame({"respondent_id": range(98), "kommune": [f"K{i}" for i in range(98)]})
    method = " ".join(method_chapter(load_spec("fc2015"), instrument, data, None).paragraphs)
    assert "Alle landets 98 kommuner har svaret" in method
    assert "totalundersøgelse" in method and "ikke brugt endelighedskorrektion" in method
    fewer = data.iloc[:60]
    method = " ".join(method_chapter(load_spec("fc2015"), instrument, fewer, None).paragraphs)
    assert "totalundersøgelse" not in method


def test_bilag_1_counts_who_was_asked_and_answered_each_question(study):
    from samspil.reports.nonresponse import item_nonresponse

    _, data, instrument, _, _ = study
    data = data.copy()
    data.loc[:14, "timer"] = np.nan  # some left it blank
    table = item_nonresponse(instrument, data).set_index("question")
    asked = data["samarbejder"] == 1  # the condition of timer and of the section Former
    assert table.loc["samarbejder", "asked"] == len(data)
    assert table.loc["samarbejder", "special"] == (data["samarbejder"] == 8).sum()
    assert table.loc["timer", "asked"] == asked.sum()
    assert table.loc["timer", "blank"] == (asked & data["timer"].isna()).sum()
    assert table.loc["timer", "answered"] == (asked & data["timer"].notna()).sum()
    grid_ = data[asked][["vurd_nyttigt", "vurd_let"]]
    on_scale = grid_.isin([1, 2, 3]).any(axis=1)
    only_dont_know = (~on_scale & grid_.eq(8).any(axis=1)).sum()
    assert table.loc["vurd", "answered"] == on_scale.sum()
    assert table.loc["vurd", "special"] == only_dont_know
    assert table.loc["vurd", "blank"] == asked.sum() - on_scale.sum() - only_dont_know
    chapter = questionnaire_chapter(instrument, 1, data)
    lines = {heading: lines for heading, lines, _ in chapter.parts}
    timer = next(v for k, v in lines.items() if k.startswith("2. "))
    assert (
        f"Stillet til {asked.sum()}; besvaret af {(asked & data['timer'].notna()).sum()}, "
        f"ubesvaret {(asked & data['timer'].isna()).sum()}." in timer
    )
    first = next(v for k, v in lines.items() if k.startswith("1. "))
    assert any(
        line.startswith(f"Stillet til {len(data)}; besvaret af") and "“Ved ikke”" in line
        for line in first
    )
