"""Every option of `samspil report` that changes the report's content, given together on
the kd2024 demo answers, reaches every format: the publication (HTML, PDF, Word) and,
where the option changes a table, the workbook and the CSV files. (A coded quotation once
made Typst refuse the whole PDF, and no test had given one on its way to the PDF.)

Options the command line refuses together get a call of their own: --rake and --weights
are refused with --previous and with each other, --weights, --rake and --population with
--by kommune."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

from samspil.cli import main
from samspil.demo import demo_file, with_real_names
from samspil.yamltext import safe_load
from tests.core.test_report_notes import FORMATS, _squash

QUOTES = ["Vi mangler *frivillige* til ”Åben skole”", "Samarbejdet er **godt**, siger ”de”"]
FOREWORD = "# Forord\n\nRapporten bygger på **alle** svar fra *kommunaldirektørerne*.\n"
SUMMARY = "# Hovedresultater\n\n1. Kommunerne samarbejder med foreninger.\n2. Få afventer.\n"
COLOPHON = {
    "isbn": "978-87-93119-41-3",
    "url": "https://example.org/rapport?id=1&sprog=da",
    "licence": "CC BY 4.0",
    "publisher": "Forlaget Øst & Vest",
}
BANNER = "Foreløbige tal: må ikke citeres"
FRONT_MATTER = [  # what the options put in the publication's front matter
    "Rapporten bygger på alle svar fra kommunaldirektørerne.",  # --foreword
    "Hovedresultater",  # --summary: its heading is its chapter's title
    "Kommunerne samarbejder med foreninger.",
    BANNER,  # --banner
    "Anna Andersen",  # --authors
    "Bo Berg",
    "Demoinstituttet",  # --institution
    "Maj 2024",  # --date 2024-05
    *COLOPHON.values(),  # the report definition's colophon
]
PUBLICATION = [  # what the options put in the publication (HTML, PDF, Word)
    *FRONT_MATTER,
    *QUOTES,  # --quotes, verbatim: stars and all
    "Bilag 2 Kodeliste for de åbne svar",  # --codes
]
TABLES = [  # what they put in tables too (HTML, PDF, Word and the workbook)
    "Økonomisk pres",  # --codes: a theme of Figur 4.1
    "Bilagstabel R.1",  # --population kommuner
    "Borgmesterens parti",  # --attributes: a characteristic in that table
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """The demo answers with real municipalities' names (the population tables need them),
    their previous wave (one item not asked), the demo's codes with the municipalities'
    attributes, two quotes, a foreword, a summary, and the kd2024 definition with a
    colophon and without its representativeness table (--population adds one)."""
    folder = tmp_path_factory.mktemp("every-option")
    answers = pd.read_csv(demo_file("kd2024_demo.csv"), dtype=str, keep_default_na=False)
    answers["kommune"] = with_real_names(answers["kommune"])
    answers.to_csv(folder / "svar.csv", index=False)
    answers.drop(columns=["udf_boern"]).to_csv(folder / "foer.csv", index=False)
    attributes = pd.read_csv(demo_file("fc2015_kommuner_demo.csv"))
    attributes["kommune"] = with_real_names(attributes["kommune"])
    attributes.to_csv(folder / "kommuner.csv", index=False)
    quotes = {"respondent_id": answers["respondent_id"][:2], "text": QUOTES}
    quotes["variable"] = ["udf_vigtigste", "gev_vigtigste"]
    pd.DataFrame(quotes).to_csv(folder / "citater.csv", index=False)
    (folder / "forord.md").write_text(FOREWORD, encoding="utf-8")
    (folder / "sammenfatning.md").write_text(SUMMARY, encoding="utf-8")
    bundled = resources.files("samspil.reports") / "specs" / "kd2024.yaml"
    spec = safe_load(bundled.read_text(encoding="utf-8"))
    spec["colophon"] = COLOPHON
    for chapter in spec["chapters"]:
        chapter["blocks"] = [b for b in chapter["blocks"] if b["kind"] != "representativeness"]
    (folder / "rapport.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    return folder


def _report(
    inputs: Path, out: Path, *options: object, data: Path | None = None, national: bool = True
) -> int:
    """`samspil report rapport.yaml` with every option that goes with all the others (not
    ``national``: without --population, which only the national report takes)."""
    every = [
        *("--codes", demo_file("kd2024_codes_demo.csv"), "--quotes", inputs / "citater.csv"),
        *("--attributes", inputs / "kommuner.csv"),
        *(("--population", "kommuner") if national else ()),
        *("--foreword", inputs / "forord.md", "--summary", inputs / "sammenfatning.md"),
        *("--banner", BANNER, "--authors", "Anna Andersen; Bo Berg"),
        *("--institution", "Demoinstituttet", "--date", "2024-05"),
    ]
    args = ["report", inputs / "rapport.yaml", "--data", data or inputs / "svar.csv", "--out", out]
    return main([str(a) for a in [*args, *every, *options]])


def _shown(folder: Path) -> dict[str, str]:
    """Each format's text, without whitespace and hyphens (test_report_notes' readers)."""
    return {fmt: _squash(read(folder)) for fmt, read in FORMATS.items()}


def _assert_shown(shown: dict[str, str], texts: list[str], formats: list[str]) -> None:
    for fmt in formats:
        missing = [t for t in texts if _squash(t) not in shown[fmt]]
        assert not missing, f"{fmt} lacks {missing}"


def _csv(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / "tables" / f"{table}.csv")


def test_every_content_option_together_reaches_every_format(inputs, tmp_path):
    out = tmp_path / "rapport"
    code = _report(inputs, out, "--previous", inputs / "foer.csv", "--previous-label", "2021")
    assert code == 0
    shown = _shown(out)
    _assert_shown(shown, PUBLICATION, ["html", "pdf", "docx"])
    _assert_shown(shown, [*TABLES, "Gennemsnit 2021"], ["html", "pdf", "docx", "xlsx"])
    assert "Økonomisk pres" in _csv(out, "figur_4_1")["option"].tolist()
    assert "Borgmesterens parti" in _csv(out, "repraesentativitet")["characteristic"].tolist()
    assert _csv(out, "tabel_4_2")["prev_mean"].notna().any()  # --previous
    assert (out / "figures" / "figur_4_1.svg").is_file()


def test_raking_weights_with_every_other_option_reach_every_format(inputs, tmp_path):
    out = tmp_path / "raket"
    assert _report(inputs, out, "--rake", "region,size") == 0
    shown = _shown(out)
    _assert_shown(shown, [*PUBLICATION, "rakingvægte (rakingvaegt)"], ["html", "pdf", "docx"])
    _assert_shown(shown, [*TABLES, "Rakingvægtene"], ["html", "pdf", "docx", "xlsx"])
    assert _csv(out, "rakingvaegte")["weight"].notna().all()


def test_weights_of_a_questionnaire_given_with_instrument_reach_every_format(inputs, tmp_path):
    """--weights needs a number variable of the questionnaire: kd2024's, given as a file
    with --instrument, with a weight under sample:."""
    bundled = resources.files("samspil.instruments") / "data" / "kd2024.yaml"
    questionnaire = safe_load(bundled.read_text(encoding="utf-8"))
    questionnaire["sample"].append({"name": "vaegt", "label": "Vægt", "kind": "number"})
    instrument = tmp_path / "kd2024_vaegt.yaml"
    instrument.write_text(yaml.safe_dump(questionnaire, allow_unicode=True), "utf-8")
    answers = pd.read_csv(inputs / "svar.csv", dtype=str, keep_default_na=False)
    answers["vaegt"] = ["2" if i % 3 else "0.5" for i in range(len(answers))]
    answers.to_csv(tmp_path / "vaegtet.csv", index=False)
    out = tmp_path / "vaegtet"
    options = ["--instrument", instrument, "--weights", "vaegt"]
    assert _report(inputs, out, *options, data=tmp_path / "vaegtet.csv") == 0
    shown = _shown(out)
    _assert_shown(shown, [*PUBLICATION, "variablen vaegt fra datasættet"], ["html", "pdf", "docx"])
    _assert_shown(shown, TABLES, ["html", "pdf", "docx", "xlsx"])
    assert "n_eff" in _csv(out, "tabel_4_2").columns


def test_each_municipality_report_gets_the_front_matter_previous_wave_and_min_cell(
    inputs, tmp_path
):
    """--by kommune (two municipalities, so two reports): --codes and --quotes are accepted,
    said to be left out and not used (open answers are in the national report only);
    --population, --rake and --weights are refused (tests/core/test_municipal_reports.py)."""
    answers = pd.read_csv(inputs / "svar.csv", dtype=str, keep_default_na=False)
    answers["kommune"] = ["Aarhus" if i % 2 else "Odense" for i in range(len(answers))]
    answers.to_csv(tmp_path / "svar.csv", index=False)
    answers.drop(columns=["udf_boern"]).to_csv(tmp_path / "foer.csv", index=False)
    out = tmp_path / "kommuner"
    options = ["--by", "kommune", "--min-cell", "6"]
    options += ["--previous", tmp_path / "foer.csv", "--previous-label", "2021"]
    assert _report(inputs, out, *options, data=tmp_path / "svar.csv", national=False) == 0
    assert pd.read_csv(out / "index.csv")["folder"].tolist() == ["aarhus", "odense"]
    shown = _shown(out / "aarhus")
    own = ["Aarhus", "færre end 6", "Egen ændring siden 2021"]  # --min-cell, --previous-label
    _assert_shown(shown, [*FRONT_MATTER, *own], ["html", "pdf", "docx"])
    _assert_shown(shown, ["Egen ændring siden 2021"], ["xlsx"])
    assert not any(_squash(quote) in shown["html"] for quote in QUOTES)
    assert _csv(out / "aarhus", "tabel_4_2")["own_change"].notna().any()


def test_codes_of_respondents_the_answers_lack_are_refused_with_exit_2(inputs, tmp_path, capsys):
    """The demo's codes with answers from only some of the coded respondents: bad input,
    said as such (it was a traceback), naming the codes file and the first such row."""
    answers = pd.read_csv(inputs / "svar.csv", dtype=str, keep_default_na=False)
    answers[::2].to_csv(tmp_path / "halvdelen.csv", index=False)
    out = tmp_path / "halvdelen"
    args = ["report", "kd2024", "--data", tmp_path / "halvdelen.csv", "--out", out]
    codes = demo_file("kd2024_codes_demo.csv")
    code = main([str(a) for a in [*args, "--codes", codes]])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "have final codes for udf_vigtigste but are not among those who answered" in err
    kept = set(answers["respondent_id"][::2])
    first = next(
        row
        for row, r in enumerate(pd.read_csv(codes, dtype=str).itertuples(), 1)
        if r.variable == "udf_vigtigste" and r.respondent_id not in kept
    )
    assert f"{codes}: row {first}, column 'respondent_id':" in err
