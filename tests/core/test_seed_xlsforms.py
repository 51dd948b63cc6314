"""The two questionnaires bundled as XLSForm (fo2016 from seed 002, komp2021 from seed 000
Tabel 2): listed, loaded by id, texts marked verbatim found in the seed, the rest said to
be reconstructed, and their demo data importing."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from samspil.demo import demo_file
from samspil.importing import read_responses
from samspil.instruments import DATA, bundled_ids, load
from tests.core.conftest import seed_text


def squash(text: str) -> str:
    """Text as the PDF/slide extraction breaks it: hyphenated line breaks joined, dots
    and quotes unified, whitespace collapsed, case folded."""
    text = re.sub(r"-\s*\n\s*", "", text)
    text = re.sub(r"[.…]{2,}|…", "…", text)
    text = text.replace("”", '"').replace("“", '"').replace("*", "")  # komp2021 drops the asterisk
    return " ".join(text.split()).casefold()


def sheet_rows(instrument_id: str, sheet: str) -> list[dict[str, str]]:
    book = load_workbook(str(DATA / f"{instrument_id}.xlsx"), read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [
        {h: "" if v is None else str(v) for h, v in zip(header, r, strict=False)} for r in rows[1:]
    ]


@pytest.mark.parametrize(("instrument_id", "seed"), [("fo2016", "002"), ("komp2021", "000")])
def test_seed_xlsform_texts_marked_verbatim_are_in_the_seed(instrument_id, seed):
    source = squash(seed_text(seed))
    verbatim = [r for r in sheet_rows(instrument_id, "survey") if r["kilde"].startswith("ordret")]
    assert len(verbatim) >= 7
    for row in verbatim:
        label = row["label"].lstrip("… ").split(" (")[0]
        assert squash(label) in source, row["name"]


def test_seed_xlsforms_say_where_the_wording_is_reconstructed():
    for instrument_id in ("fo2016", "komp2021"):
        instrument = load(instrument_id)
        assert "nærmeste tro formulering" in instrument.source
        kinds = {
            r["kilde"].split(" ")[0] for r in sheet_rows(instrument_id, "survey") if r["kilde"]
        }
        assert "rekonstrueret" in kinds


def test_fo2016_answer_categories_are_the_seed_charts():
    fo = load("fo2016")
    source = squash(seed_text("002"))
    for question in ("formel_skole", "betal_skole"):
        for option in fo.variable_map[question].options:
            assert squash(option.label) in source
    assert [o.label for o in fo.variable_map["grund_lokalsamfund"].options][:5] == [
        "Meget enig",
        "Overvejende enig",
        "Hverken enig eller uenig",
        "Overvejende uenig",
        "Meget uenig",
    ]


def test_komp2021_asks_the_21_competences_of_tabel_2_by_role():
    komp = load("komp2021")
    grids = {q.id: q for q in komp.question_map.values() if q.type == "grid"}
    assert {k: len(g.items) for k, g in grids.items()} == {"faelles": 7, "fag": 7, "friv": 7}
    fag_section = next(s for s in komp.sections if s.id == "fag_side")
    assert fag_section.shown({"rolle": 1.0}) and not fag_section.shown({"rolle": 2.0})


def test_seed_xlsforms_are_listed_and_their_demo_data_import(run_cli):
    assert {"fo2016", "komp2021"} <= set(bundled_ids())
    code, out, _ = run_cli("instruments")
    assert code == 0 and "fo2016\t" in out and "komp2021\t" in out
    for instrument_id in ("fo2016", "komp2021"):
        responses = read_responses(demo_file(f"{instrument_id}_demo.csv"), load(instrument_id))
        assert responses.missing == []
        assert len(responses.data) > 100
