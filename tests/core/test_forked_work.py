"""Work a command-line run shares with a forked child (``samspil.reports.forked``): the
costly tables (coded open answers) computed in two processes, and the side tables
(``--codes`` and the like) read while the answers are. The results are the same as done
in turn, bad input is reported as done in turn reports it (message and exit code), and
every child is waited for."""

from __future__ import annotations

import dataclasses
import importlib
import os
from pathlib import Path

import pandas as pd
import pytest

from samspil import cli
from samspil.demo import demo_file
from samspil.importing import read_columns
from samspil.instruments import resolve
from samspil.reports import checked_spec, compute, forked
from samspil.responses import Responses

CODES = ("respondent_id", "variable", "code")
building = importlib.import_module("samspil.reports.build")  # (the package exports build())


@pytest.fixture
def forks(monkeypatch):  # type: ignore[no-untyped-def]
    """Every fork made, by what it did; forking at any size."""
    made: list[str] = []
    real = forked.InChild.__init__

    def noted(self, work, what):  # type: ignore[no-untyped-def]
        made.append(what)
        real(self, work, what)

    monkeypatch.setattr(forked.InChild, "__init__", noted)
    monkeypatch.setattr(building, "FORK_ROWS", 0)
    monkeypatch.setattr(cli, "READ_IN_CHILD", 0)
    return made


def _demo() -> tuple[Responses, pd.DataFrame]:
    responses = Responses.from_file(demo_file("kd2024_demo.csv"), resolve("kd2024"))
    return responses, read_columns(demo_file("kd2024_codes_demo.csv"), CODES)


def _tables(results):  # type: ignore[no-untyped-def]
    return [(r.block.id, r.skipped, None if r.data is None else r.data.to_csv()) for r in results]


def test_costly_tables_computed_by_a_child_are_the_tables_computed_here(forks):
    responses, codes = _demo()
    _, alone = compute("kd2024", responses, codes=codes)
    assert forks == []
    _, forked_run = compute("kd2024", responses, codes=codes, fork=True)
    assert forks == ["computing the tables"]
    themes = [r for r in forked_run if r.block.kind == "themes"]
    assert len(themes) > 1 and not any(r.skipped for r in themes)
    assert _tables(forked_run) == _tables(alone)
    assert [r.block for r in forked_run] == [r.block for r in alone]


def test_a_bad_code_met_by_the_child_is_the_error_met_in_turn(forks):
    responses, codes = _demo()
    themes = [b.variable for b in checked_spec("kd2024", responses).blocks if b.kind == "themes"]
    codes = codes.copy()
    first = codes.index[codes["variable"] == themes[0]][0]  # the child's first block
    codes.loc[first, "code"] = "ukendt_kode"
    with pytest.raises(ValueError, match="ukendt_kode") as in_turn:
        compute("kd2024", responses, codes=codes)
    with pytest.raises(ValueError, match="ukendt_kode") as forked_run:
        compute("kd2024", responses, codes=codes, fork=True)
    assert forks == ["computing the tables"]
    assert type(forked_run.value) is type(in_turn.value)
    assert str(forked_run.value) == str(in_turn.value) and "ukendt_kode" in str(forked_run.value)
    assert vars(forked_run.value).get("row") == vars(in_turn.value).get("row")


def test_the_codes_are_read_beside_the_answers_and_the_report_is_the_same(
    forks, run_cli, tmp_path, monkeypatch
):
    args = ["report", "kd2024", "--data", demo_file("kd2024_demo.csv"), "--formats", "csv"]
    args += ["--codes", demo_file("kd2024_codes_demo.csv")]
    code, _, err = run_cli(*args, "--out", tmp_path / "forked")
    assert code == 0, err
    assert forks == ["reading --codes, --attributes, --quotes", "computing the tables"]
    monkeypatch.setattr(cli, "READ_IN_CHILD", 10**12)
    monkeypatch.setattr(building, "FORK_ROWS", 10**12)
    code, _, err = run_cli(*args, "--out", tmp_path / "in-turn")
    assert code == 0, err
    assert len(forks) == 2
    tables = sorted(p.name for p in (tmp_path / "in-turn" / "tables").iterdir())
    assert len(tables) > 20
    for name in tables:
        forked_table = (tmp_path / "forked" / "tables" / name).read_bytes()
        assert forked_table == (tmp_path / "in-turn" / "tables" / name).read_bytes(), name


def test_a_bad_codes_file_read_by_the_child_is_reported_as_read_in_turn(
    forks, run_report, tmp_path
):
    bad = tmp_path / "codes.csv"
    bad.write_text("respondent_id,variabel,code\nr1,udf_vigtigste,andet\n", encoding="utf-8")
    code, err, _ = run_report("kd2024", demo_file("kd2024_demo.csv"), "--codes", bad)
    assert forks == ["reading --codes, --attributes, --quotes"]
    last = err.strip().splitlines()[-1]
    assert code == 2 and "Traceback" not in err
    assert last.startswith("error: ") and "codes.csv" in last


def test_bad_answers_are_reported_before_bad_codes_and_the_child_is_waited_for(
    forks, run_report, tmp_path
):
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,nope\n1,2\n", encoding="utf-8")
    bad = tmp_path / "codes.csv"
    bad.write_text("respondent_id,variabel,code\nr1,udf_vigtigste,andet\n", encoding="utf-8")
    before = _children()
    code, err, _ = run_report("kd2024", answers, "--codes", bad)
    assert forks == ["reading --codes, --attributes, --quotes"]
    assert code == 2 and "answers.csv" in err and "codes.csv" not in err
    assert _children() == before  # the child was waited for: none left behind


def _children() -> set[str]:
    """This process's child processes (Linux: each thread's list)."""
    found: set[str] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= set((task / "children").read_text().split())
    return found


def test_an_error_here_is_raised_before_the_childs_and_the_child_is_waited_for(forks, monkeypatch):
    """Bad input met by both processes: this process's error is the one raised (the
    child's is dropped), and no child is left behind."""
    from samspil.reports import kinds

    responses, codes = _demo()
    codes = codes.copy()
    codes["code"] = "ukendt_kode"  # every theme table is refused, the child's too

    def refused(block, inputs):  # type: ignore[no-untyped-def]
        raise ValueError(f"refused here: {block.id}")

    summary = kinds.table_kinds()["summary"]
    monkeypatch.setitem(kinds.TABLE_KINDS, "summary", dataclasses.replace(summary, build=refused))
    before = _children()
    with pytest.raises(ValueError, match="refused here"):
        compute("kd2024", responses, codes=codes, fork=True)
    assert forks == ["computing the tables"]
    assert _children() == before
