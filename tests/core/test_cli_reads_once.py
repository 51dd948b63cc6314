"""Each command reads its questionnaire once (issue 22, item 2): an XLSForm goes through
pyxform, which takes seconds for a large form."""

from __future__ import annotations

import pytest

from samspil import instruments
from samspil.cli import main
from samspil.demo import demo_file


@pytest.fixture
def xlsform_reads(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """kd2024 as an XLSForm, and a list of the paths the XLSForm loader was asked for."""
    form = tmp_path / "kd2024.xlsx"
    assert main(["instrument", "convert", "kd2024", "--to", "xlsform", "--out", str(form)]) == 0
    reads: list[str] = []
    loader = instruments.LOADERS[".xlsx"]

    def counting(path):  # type: ignore[no-untyped-def]
        reads.append(str(path))
        return loader(path)

    monkeypatch.setitem(instruments.LOADERS, ".xlsx", counting)
    return form, reads


@pytest.mark.parametrize(
    "command",
    [
        ["report", "{form}", "--data", "{data}", "--out", "{out}", "--formats", "csv"],
        ["export", "{form}", "--data", "{data}", "--to", "sav", "--out", "{out}.sav"],
        ["codebook", "{form}"],
        ["report-definition", "{form}", "--out", "{out}.yaml"],
    ],
    ids=lambda c: c[0],
)
def test_a_command_reads_its_xlsform_once(xlsform_reads, tmp_path, capsys, command):
    form, reads = xlsform_reads
    values = {"form": form, "data": demo_file("kd2024_demo.csv"), "out": tmp_path / "out"}
    assert main([part.format(**values) for part in command]) == 0, capsys.readouterr().err
    assert reads == [str(form)]
