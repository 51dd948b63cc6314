"""Long names never break an export (issue 18 item 6): names over Stata's 32 characters or
SPSS's 64 bytes are shortened uniquely and predictably, the full name kept in the variable
label, the mapping in the codebook and the DDI; `instrument check` warns; a failed export
leaves no half-written file."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pyreadstat
import pytest

from samspil.codebook import codebook
from samspil.exports import archive_names, export
from samspil.instruments import resolve
from samspil.responses import Responses
from tests.core.test_xlsform import make_form

LONG = "antal_frivillige_i_foreningens_lokalafdelinger_i_alt"  # 52 characters
EXACT = "jeres_samarbejde_med_kommunen_ja"  # 32: fits Stata, but not with value labels
LONGER = "hvor_tilfreds_er_foreningen_samlet_set_med_kommunens_indsats_paa_omraadet"  # 73
SIBLING = "antal_frivillige_i_foreningens_lokalafdelinger_i_aar"  # same first 48


@pytest.fixture
def responses(tmp_path):
    path = make_form(
        tmp_path / "lange.xlsx",
        [
            ["type", "name", "label"],
            ["integer", LONG, "Frivillige i alt"],
            ["integer", SIBLING, "Frivillige i år"],
            ["select_one jn", LONGER, "Tilfreds?"],
            ["text", "kort", "Kommentar"],
            ["select_one jn", EXACT, "Samarbejder I?"],
        ],
        [["list_name", "name", "label"], ["jn", "1", "Ja"], ["jn", "2", "Nej"]],
    )
    instrument = resolve(path)
    data = pd.DataFrame(
        {
            "respondent_id": ["a", "b"],
            LONG: [12.0, 3.0],
            SIBLING: [4.0, None],
            LONGER: [1.0, 2.0],
            "kort": ["fint", None],
            EXACT: [2.0, 1.0],
        }
    )
    return Responses(instrument=instrument, data=data)


def test_long_names_are_shortened_uniquely_and_predictably(responses):
    variables = responses.instrument.variables
    dta = archive_names(variables, "dta")
    sav = archive_names(variables, "sav")
    assert all(len(n) <= 32 for n in dta.values()) and len(set(dta.values())) == 5
    assert all(len(n.encode()) <= 64 for n in sav.values()) and len(set(sav.values())) == 5
    assert len(dta[EXACT]) <= 31 and sav[EXACT] == EXACT
    assert dta["kort"] == "kort" and sav[LONG] == LONG  # short enough: unchanged
    assert dta[LONG].startswith("antal_frivillige_i_forening")
    assert archive_names(list(reversed(variables)), "dta") == dta  # the same every time


@pytest.mark.parametrize(("fmt", "reader", "limit"), [("sav", pyreadstat.read_sav, 64),
                                                      ("dta", pyreadstat.read_dta, 32)])  # fmt: skip
def test_sav_and_dta_exports_keep_every_answer_and_the_full_name_in_the_label(
    responses, tmp_path, fmt, reader, limit
):
    path = export(responses, fmt, tmp_path / f"lange.{fmt}")
    frame, meta = reader(str(path))
    names = archive_names(responses.instrument.variables, fmt)
    assert list(frame.columns) == ["respondent_id", *names.values()]
    assert all(len(c.encode()) <= limit for c in frame.columns)
    assert frame[names[LONG]].tolist() == [12.0, 3.0]
    assert frame[names[LONGER]].tolist() == [1.0, 2.0]
    assert frame[names[EXACT]].tolist() == [2.0, 1.0]
    label = meta.column_names_to_labels[names[LONGER]]
    assert label.startswith(f"{LONGER}: ")


def test_the_codebook_and_the_ddi_list_the_shortened_names(responses, tmp_path):
    book = codebook(responses.instrument).set_index("variable")
    dta = archive_names(responses.instrument.variables, "dta")
    assert book.loc[LONG, "stata_name"] == dta[LONG]
    assert book.loc[LONGER, "spss_name"] != LONGER and book.loc["kort", "stata_name"] == "kort"
    root = ET.parse(export(responses, "ddi", tmp_path / "lange.xml")).getroot()
    ns = "{ddi:codebook:2_5}"
    var = next(v for v in root.iter(f"{ns}var") if v.get("ID") == f"V_{LONGER}")
    assert len(var.get("name").encode()) <= 64
    assert LONGER in var.find(f"{ns}notes").text and dta[LONGER] in var.find(f"{ns}notes").text


def test_instrument_check_warns_about_names_the_exports_shorten(responses, run_cli, tmp_path):
    code, out, _err = run_cli("instrument", "check", tmp_path / "lange.xlsx")
    assert code == 0
    assert "warning: 4 variable names are longer than Stata's 32 characters" in out
    assert f"  {LONG} -> " in out


def test_a_failed_export_leaves_no_half_written_file(responses, tmp_path, monkeypatch):
    path = tmp_path / "lange.sav"
    path.write_bytes(b"the earlier export")

    def broken(frame, target, **kwargs):
        with open(target, "wb") as handle:
            handle.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(pyreadstat, "write_sav", broken)
    with pytest.raises(OSError, match="disk full"):
        export(responses, "sav", path)
    assert path.read_bytes() == b"the earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lange.sav", "lange.xlsx"]
