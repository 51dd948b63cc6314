"""The ``samspil coding`` sub-commands: output keys and exit code 2 on bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from samspil.coding.cli import main

VAR = "udf_vigtigste"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["coding", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def write_codings(tmp_path: Path, rows: list[tuple[str, ...]]) -> Path:
    path = tmp_path / "kodning.csv"
    lines = ["respondent_id,variable,coder,code"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = [
    ("1", VAR, "A", "arbejdskraft"),
    ("1", VAR, "B", "arbejdskraft"),
    ("2", VAR, "A", "oekonomisk_pres"),
    ("2", VAR, "B", ""),
    ("3", VAR, "A", ""),
    ("3", VAR, "B", ""),
]


def test_codebook_csv_has_the_agreed_columns(capsys):
    code, out, _err = run(capsys, "codebook", "kd2024")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["variable", "theme", "code", "description", "code_id"]
    assert rows[0] == {
        "variable": VAR,
        "theme": "Udfordring",
        "code": "Arbejdskraft",
        "description": "Udfordringer relateret til rekruttering og fastholdelse af arbejdskraft.",
        "code_id": "arbejdskraft",
    }
    assert len(rows) == 44  # the 44 Undertema rows of Bilag 2


def test_codebook_json_is_the_codebook(capsys):
    code, out, _err = run(capsys, "codebook", "kd2024", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "kd2024"
    assert next(q["variable"] for q in data["questions"]) == VAR


def test_agreement_prints_json_per_variable_code_and_pooled(tmp_path, capsys):
    code, out, err = run(capsys, "agreement", write_codings(tmp_path, GOOD), "--codebook", "kd2024")
    assert code == 0, err
    entry = json.loads(out)["variables"][VAR]
    keys = {"percent_agreement", "cohen_kappa", "krippendorff_alpha", "n_units"}
    assert keys <= set(entry["pooled"])
    assert set(entry["codes"]) == {
        "arbejdskraft",
        "forventningskloeft",
        "demografi",
        "oekonomisk_pres",
        "omraadeudfordring",
        "andet",
    }
    assert keys <= set(entry["codes"]["arbejdskraft"])
    assert entry["codes"]["arbejdskraft"]["n_units"] == 3
    assert entry["codes"]["andet"]["cohen_kappa"] is None


def test_agreement_unknown_code_exits_2_naming_file_row_and_column(tmp_path, capsys):
    path = write_codings(tmp_path, [*GOOD[:3], ("2", VAR, "B", "klima")])
    code, out, err = run(capsys, "agreement", path, "--codebook", "kd2024")
    assert code == 2
    assert out == ""
    assert str(path) in err
    assert "row 4 (line 5), column 'code'" in err
    assert "'klima' is not a code of udf_vigtigste" in err


def test_agreement_missing_column_exits_2(tmp_path, capsys):
    path = tmp_path / "forkert.csv"
    path.write_text("respondent_id,variable,code\n1,udf_vigtigste,andet\n", encoding="utf-8")
    code, _out, err = run(capsys, "agreement", path)
    assert code == 2
    assert "forkert.csv" in err and "'coder'" in err


def test_agreement_with_unknown_codebook_or_missing_file_exits_2(tmp_path, capsys):
    code, _out, err = run(capsys, "agreement", write_codings(tmp_path, GOOD), "--codebook", "x")
    assert code == 2
    assert "unknown codebook 'x'" in err
    code, _out, err = run(capsys, "agreement", tmp_path / "mangler.csv")
    assert code == 2
    assert "mangler.csv: file not found" in err


def test_agreement_accepts_semicolon_csv_with_bom(tmp_path, capsys):
    path = tmp_path / "excel.csv"
    text = "respondent_id;variable;coder;code\n" + "\n".join(";".join(r) for r in GOOD)
    path.write_text("\ufeff" + text + "\n", encoding="utf-8")
    code, out, err = run(capsys, "agreement", path)
    assert code == 0, err
    assert json.loads(out)["variables"][VAR]["n_units"] == 3


def test_group_without_command_shows_usage_and_exits_2(capsys):
    code, _out, err = run(capsys)
    assert code == 2
    assert "usage" in err


@pytest.mark.slow
def test_cli_runs_as_a_module_in_a_subprocess(tmp_path):
    path = write_codings(tmp_path, [*GOOD[:3], ("2", "ukendt", "B", "")])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "samspil.coding.cli",
            "coding",
            "agreement",
            str(path),
            "--codebook",
            "kd2024",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "row 4 (line 5), column 'variable'" in done.stderr
