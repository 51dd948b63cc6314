"""Adding a variant touches only the registry: a question type, a table kind, an exporter
and a command registered from this test appear where samspil's own ones do."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd
import pytest
from django.template.loader import render_to_string

from samspil import cli, exports
from samspil.codebook import codebook
from samspil.fieldwork.questionnaire import page_views, read_page
from samspil.instruments import Instrument
from samspil.questions import QuestionBase, Variable, register_question_type
from samspil.questions.base import plain
from samspil.questions.registry import unregister_question_type
from samspil.reports.build import Inputs, Result, build
from samspil.reports.kinds import TABLE_KINDS, register_table_kind
from samspil.reports.spec import ReportSpec
from samspil.responses import Responses


class Percent(QuestionBase):
    """Test-only: a share in per cent, 0-100, typed as a number."""

    type: Literal["percent"]
    template_name: ClassVar[str] = "samspil/questions/number.html"
    summary_kind: ClassVar[str] = "numeric"

    def variables(self, section_id: str = "") -> list[Variable]:
        return [Variable(self.id, self.id, plain(self.text), "", "number", (), section_id)]

    def codebook_rows(self, section_id: str = "") -> list[dict[str, str]]:
        rows = super().codebook_rows(section_id)
        rows[0]["values"] = "0-100"
        return rows


INSTRUMENT = {
    "id": "procent",
    "title": "Test af en tilføjet spørgsmålstype",
    "sections": [
        {
            "id": "s1",
            "title": "Frivillige",
            "questions": [
                {"id": "andel", "type": "percent", "text": "Hvor stor en **andel** er frivillige?"}
            ],
        }
    ],
}


@pytest.fixture
def percent_type() -> Iterator[type[Percent]]:
    register_question_type(Percent)
    yield Percent
    unregister_question_type("percent")


def test_an_added_question_type_reaches_codebook_page_report_and_export(percent_type, tmp_path):
    instrument = Instrument.model_validate(INSTRUMENT)
    question = instrument.question("andel")
    assert isinstance(question, Percent)

    book = codebook(instrument)
    assert book.loc[0, ["variable", "values", "type"]].tolist() == ["andel", "0-100", "number"]

    section = instrument.sections[0]
    views = page_views(section, {})
    html = render_to_string(views[0].template_name, {"q": views[0]})
    assert 'name="andel"' in html and "<strong>andel</strong>" in html
    page = read_page(section, {}, {"andel": ["42,5"], "_shown": ["andel"]})
    assert page.answers == {"andel": 42.5} and not page.errors

    data = pd.DataFrame({"respondent_id": ["1", "2", "3"], "andel": [10.0, 20.0, 60.0]})
    spec = ReportSpec.model_validate(
        {
            "id": "procent",
            "instrument": "procent",
            "title": "Procent",
            "chapters": [
                {
                    "id": "k1",
                    "title": "Kapitel",
                    "blocks": [
                        {
                            "id": "t1",
                            "label": "Tabel 1",
                            "title": "Andel",
                            "kind": "question",
                            "question": "andel",
                        }
                    ],
                }
            ],
        }
    )
    [result] = build(spec, Inputs(instrument=instrument, data=data))
    assert result.skipped is None
    assert result.data.loc[0, ["obs", "mean"]].tolist() == [3, 30.0]

    out = exports.export(Responses(instrument, data), "csv", tmp_path / "procent.csv")
    assert pd.read_csv(out)["andel"].tolist() == [10.0, 20.0, 60.0]


def test_an_unregistered_question_type_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="percent"):
        Instrument.model_validate(INSTRUMENT)


def test_an_added_table_kind_and_exporter_are_used_like_the_built_in_ones(tmp_path):
    @register_table_kind("count_rows")
    def count_rows(block, inputs: Inputs) -> Result:
        return Result(block, pd.DataFrame({"n": [len(inputs.data)]}))

    @exports.register_exporter("tsv", "tsv")
    def tsv(responses: Responses, path: Path) -> Path:
        responses.data.to_csv(path, sep="\t", index=False)
        return path

    try:
        block = {"id": "b", "label": "T", "title": "Antal", "kind": "count_rows"}
        spec = ReportSpec.model_validate(
            {
                "id": "x",
                "instrument": "kd2024",
                "title": "X",
                "chapters": [{"id": "c", "title": "C", "blocks": [block]}],
            }
        )
        from samspil.instruments import resolve

        responses = Responses(resolve("kd2024"), pd.DataFrame({"respondent_id": ["a", "b"]}))
        [result] = build(spec, Inputs(instrument=responses.instrument, data=responses.data))
        assert result.data["n"].tolist() == [2]
        parser = cli.build_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        to = next(a for a in sub.choices["export"]._actions if a.dest == "to")
        assert "tsv" in to.choices
        exports.export(responses, "tsv", tmp_path / "x.tsv")
        assert (tmp_path / "x.tsv").read_text().splitlines() == ["respondent_id", "a", "b"]
    finally:
        TABLE_KINDS.pop("count_rows")
        exports.EXPORTERS.pop("tsv")


def test_an_added_command_module_is_listed_and_run(monkeypatch, capsys):
    import sys
    import types

    module = types.ModuleType("samspil_test_commands")

    def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
        p = sub.add_parser("hilsen", help="say hello")
        p.set_defaults(func=lambda args: print("hej") or 0)

    module.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "samspil_test_commands", module)
    monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES])
    cli.register_commands("samspil_test_commands")
    assert cli.main(["hilsen"]) == 0
    assert capsys.readouterr().out == "hej\n"
