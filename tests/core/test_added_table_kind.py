"""A table kind owns its pieces: one registration, in this test file alone, gives a kind
its options, grid layout, previous-wave comparison, default-report blocks, figure,
caption, method-chapter rule and its place in a municipality's own report, and a report
uses every one of them where samspil's own kinds' pieces are used.
Notes carry their parts as data: a caption leaves parts out by kind, not by wording."""

from __future__ import annotations

import html
import pickle
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict

from samspil.instruments import Instrument
from samspil.questions import register_question_type
from samspil.questions.registry import unregister_question_type
from samspil.questions.types import SingleChoice
from samspil.reports import compute, make_report
from samspil.reports.build import Column, Inputs, Result
from samspil.reports.default import default_spec
from samspil.reports.document import Grid, caption, grid, item, publication
from samspil.reports.figures import COLOURS, Chart, Series, has_figure, scene
from samspil.reports.kinds import TABLE_KINDS, Municipal, TableKind, add_table_kind, kind_options
from samspil.reports.municipal import write_municipality_reports
from samspil.reports.notes import COUNTS_REMARK, SD_REMARK, Note, NotePart, from_template
from samspil.reports.spec import Block, SpecError, TableStyle, spec_from_data
from samspil.reports.waves import Waves
from samspil.responses import Responses

# -- the test-only kind: every piece, registered once below ---------------------------


class TallyOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    per: int = 100  # the rate column: answers per this many respondents


def build_tally(block: Block, inputs: Inputs) -> Result:
    options = kind_options(block)
    assert isinstance(options, TallyOptions)
    assert block.question
    var = inputs.instrument.variable_map[block.question]
    values = inputs.data[block.question]
    rows = [{"answer": o.label, "n": int((values == o.code).sum())} for o in var.options]
    data = pd.DataFrame(rows)
    data["rate"] = data["n"] / len(values) * options.per
    columns = [
        Column("answer", "Svar", "text"),
        Column("n", "Antal", "int"),
        Column("rate", f"Pr. {options.per}", "num"),
    ]
    fields = {"n": str(int(values.notna().sum())), "excluded": str(int(values.isna().sum()))}
    return Result(block, data, columns, from_template(block.note, fields), figure_data=data)


def tally_grid(result: Result, style: TableStyle) -> Grid:
    """Answers and counts only, with a total row of the kind's own words."""
    rows = [[str(r.answer), str(r.n)] for r in result.data.itertuples()]
    rows.append(["Optalt i alt", str(int(result.data["n"].sum()))])
    header = ["Svar", "Antal", *(["Antal før"] if "prev_n" in result.data.columns else [])]
    if "prev_n" in result.data.columns:
        for row, before in zip(
            rows, [*result.data["prev_n"], result.data["prev_n"].sum()], strict=True
        ):
            row.append(str(int(before)))
    return Grid(header, rows, total=True)


def compare_tally(result: Result, earlier: pd.DataFrame, waves: Waves) -> None:
    result.data["prev_n"] = result.data["answer"].map(
        dict(zip(earlier["answer"], earlier["n"], strict=True))
    )
    result.columns.append(Column("prev_n", f"Antal {waves.label}", "int"))
    result.note += f" Kolonnen {waves.label} er den forrige optælling."


def tally_blocks(question: Any, number: Any) -> list[Block]:
    return [
        Block(
            id=question.id,
            label=number.table(),
            title="Optælling",
            kind="tally",
            question=question.id,
            figure="tally",
            figure_label=number.figure(),
            options={"per": 1000},
            note="Optalte svar: {n}. Ubesvarede er ikke talt med (n: {excluded}).",
        )
    ]


def tally_chart(result: Result, data: pd.DataFrame) -> Chart:
    rates = data["rate"].to_numpy(dtype=float)
    return Chart(data["answer"].tolist(), [Series("", rates, COLOURS[0])], (0, 1000), str)


def own_rates(own: Result, rows: pd.DataFrame, variables: Any) -> list[object]:
    return list(own.data["rate"])


def rates(result: Result, rows: pd.DataFrame, variables: Any) -> list[object]:
    return list(result.data["rate"])


TALLY = TableKind(
    "tally",
    build_tally,
    needs=("question",),
    options=TallyOptions,
    grid=tally_grid,
    compare=compare_tally,
    default_blocks=tally_blocks,
    figure=tally_chart,
    caption="Søjlerne viser svar pr. 1000 adspurgte.",
    method_rule=lambda blocks, specials: "I optællingerne tæller hvert svar én gang.",
    # a municipality's own report: its rates beside the others', a change in points
    municipal=Municipal(own_rates, rates, shares=False, by_answer=True),
)


class TallyQuestion(SingleChoice):
    """Test-only: one choice, summarised by the test-only kind."""

    type: Literal["tally"]  # type: ignore[assignment]
    summary_kind: ClassVar[str] = "tally"


@pytest.fixture
def tally_kind() -> Iterator[TableKind]:
    add_table_kind(TALLY)
    register_question_type(TallyQuestion)
    yield TALLY
    unregister_question_type("tally")
    TABLE_KINDS.pop("tally")


INSTRUMENT = {
    "id": "optaelling",
    "title": "Test af en tilføjet tabeltype",
    "sections": [
        {
            "id": "s1",
            "title": "Valg",
            "questions": [
                {
                    "id": "valg",
                    "type": "tally",
                    "text": "Hvad vælger I?",
                    "options": [{"code": 1, "label": "Rødt"}, {"code": 2, "label": "Blåt"}],
                }
            ],
        }
    ],
}


def answers(*codes: float) -> pd.DataFrame:
    return pd.DataFrame({"respondent_id": [str(i) for i in range(len(codes))], "valg": list(codes)})


def test_an_added_table_kind_brings_every_piece_into_a_report(tally_kind, tmp_path):
    instrument = Instrument.model_validate(INSTRUMENT)
    spec = default_spec(instrument)  # the kind's default-report blocks
    [block] = spec.blocks
    assert (block.kind, block.figure, block.options) == ("tally", "tally", {"per": 1000})

    now = Responses(instrument, answers(1, 1, 1, 2, np.nan))
    before = Responses(instrument, answers(1, 2, 2, 2))
    _, [result] = compute(spec, now, previous=before, previous_label="2020")
    assert result.data["rate"].tolist() == [600.0, 200.0]  # its options: per 1000
    assert result.data["prev_n"].tolist() == [1, 3]  # its previous-wave comparison
    assert result.note == (
        "Optalte svar: 4. Ubesvarede er ikke talt med (n: 1). "
        "Kolonnen 2020 er den forrige optælling."
    )

    g = grid(result)  # its grid layout
    assert g.header == ["Svar", "Antal", "Antal før"]
    assert g.rows[-1] == ["Optalt i alt", "4", "4"] and g.total

    assert has_figure(result)  # its figure
    shown = scene(result)
    assert "Rødt: 600" in shown.alt
    it = item(result, has_figure=True)  # its caption, the counts said under the table
    assert it.caption == "Optalte svar: 4. Kolonnen 2020 er den forrige optælling. " + (
        "Søjlerne viser svar pr. 1000 adspurgte."
    )

    out = make_report(
        spec, now, tmp_path, formats=("csv", "html"), previous=before, previous_label="2020"
    )
    page = html.unescape((out.folder / "index.html").read_text(encoding="utf-8"))
    assert "Optalt i alt" in page and "Søjlerne viser svar pr. 1000 adspurgte." in page
    assert "Rødt: 600" in page  # the figure's description as its alternative text
    assert "I optællingerne tæller hvert svar én gang." in page  # its rule, method chapter
    table = pd.read_csv(out.folder / "tables" / "valg.csv")
    assert table["prev_n"].tolist() == [1, 3]


def test_a_kinds_options_are_checked_by_its_model_naming_block_and_field(tally_kind):
    def definition(**block: Any) -> dict[str, Any]:
        fields = {"id": "b", "label": "Tabel 1", "title": "T", "kind": "tally"}
        fields.update(question="valg", **block)
        blocks = [fields]
        return {
            "id": "x",
            "instrument": "optaelling",
            "title": "X",
            "chapters": [{"id": "c", "title": "C", "blocks": blocks}],
        }

    with pytest.raises(SpecError, match=r"block b: options\.pr: Extra inputs"):
        spec_from_data(definition(options={"pr": 5}), "def.yaml")
    with pytest.raises(SpecError, match=r"block b: unknown figure 'stack'; known: .*tally"):
        spec_from_data(definition(figure="stack"), "def.yaml")
    spec_from_data(definition(options={"per": 10}, figure="tally"), "def.yaml")


def test_a_kind_without_options_or_own_figure_refuses_them():
    def definition(**block: Any) -> dict[str, Any]:
        fields = {"id": "b", "label": "Tabel 1", "title": "T", "kind": "summary", "top": [5]}
        fields.update(question="q", **block)
        return {
            "id": "x",
            "instrument": "kd2024",
            "title": "X",
            "chapters": [{"id": "c", "title": "C", "blocks": [fields]}],
        }

    with pytest.raises(SpecError, match="block b: kind summary takes no options"):
        spec_from_data(definition(options={"per": 5}), "def.yaml")
    with pytest.raises(SpecError, match="unknown figure 'grouped_means'"):
        spec_from_data(definition(figure="grouped_means"), "def.yaml")


def test_a_caption_leaves_note_parts_out_by_their_kind_not_their_wording():
    block = Block(
        id="b", label="Tabel 1", title="T", kind="frequency", variables=["x"], figure="bars_percent"
    )
    note = Note(
        [
            NotePart("Antal besvarelser: 7."),
            NotePart(" Spredningen står i kolonnen ved siden af.", SD_REMARK),
            NotePart(" Tre svar er udeladt.", COUNTS_REMARK),
        ]
    )
    result = Result(block, note=note)
    assert caption(result) == "Antal besvarelser: 7. Tre svar er udeladt. " + (
        "Søjlerne viser andelen i procent."
    )
    assert caption(result, table_shown=True) == (
        "Antal besvarelser: 7. Søjlerne viser andelen i procent."
    )


def test_a_note_template_is_cut_into_its_parts_and_prints_as_written():
    template = (
        "Antal besvarelser: {n}. Spørgsmål: *{question}* Standardafvigelse er angivet i "
        'parentes. Svarene er målt på en skala fra {scale}. "Ikke relevant" indgår ikke '
        "(n: {excluded})."
    )
    values = {"n": "72", "question": "Hvor vigtigt?", "scale": "1 til 5", "excluded": "3"}
    note = from_template(template, values)
    assert note == template.format(**values)
    assert [p.kind for p in note.parts] == ["text", "sd", "text", "counts"]
    assert note.parts[3].text == ' "Ikke relevant" indgår ikke (n: 3).'
    added = note + " Mere."  # what a comparison adds is a part of its own
    assert added == f"{note} Mere." and added.parts[-1] == NotePart(" Mere.")
    copied = pickle.loads(pickle.dumps(added))  # as a worker process hands results back
    assert copied == added and copied.parts == added.parts


def test_an_added_kind_with_municipal_pieces_is_in_a_municipalitys_own_report(tally_kind, tmp_path):
    instrument = Instrument.model_validate(INSTRUMENT)
    spec = default_spec(instrument)
    now = answers(1, 1, 2, 1, 2, 2, 2, 2, 1, 2)
    now["kommune"] = ["Ahus"] * 3 + ["Bby"] * 4 + ["Cstad"] * 3
    before = answers(2, 2, 2, 1, 1, 1, 1, 1, 1, 2)
    before["kommune"] = now["kommune"]
    facts = pd.DataFrame(
        {"kommune": ["Ahus", "Bby", "Cstad"], "region": ["Region X"] * 3, "population": np.nan}
    )
    index = write_municipality_reports(
        spec,
        Responses(instrument, now),
        None,
        tmp_path,
        min_cell=2,
        kommuner=["Ahus"],
        facts=facts,
        previous=Responses(instrument, before),
        previous_label="2020",
        formats=("csv", "html"),
    )
    assert index.to_dict("records") == [{"kommune": "Ahus", "folder": "ahus", "respondents": 3}]
    table = pd.read_csv(tmp_path / "ahus" / "tables" / "valg.csv")
    others = table[table["group"] == "Alle andre kommuner"]
    # the others' rates per 1000 (Bby and Cstad: 2 of 7 red), the own rates beside them
    assert others["rate"].round(6).tolist() == [round(2000 / 7, 6), round(5000 / 7, 6)]
    assert others["own"].round(6).tolist() == [round(2000 / 3, 6), round(1000 / 3, 6)]
    # its key figure's change: Ahus 0 of 3 red in 2020, the others 6 of 7
    assert others["own_change"].round(6).tolist() == [round(2000 / 3, 6), round(-2000 / 3, 6)]
    assert others["change"].round(6).tolist() == [round(-4000 / 7, 6), round(4000 / 7, 6)]
    page = html.unescape((tmp_path / "ahus" / "index.html").read_text(encoding="utf-8"))
    assert "Optalt i alt" in page  # the kind's own grid
    assert "Ændringerne er fra 2020 til denne runde i point" in page  # not a share


def test_a_kind_that_lists_codes_puts_its_code_list_in_the_appendix(tally_kind):
    instrument = Instrument.model_validate(INSTRUMENT)
    spec = default_spec(instrument)
    [chapter] = spec.chapters
    coded = chapter.blocks[0].model_copy(update={"codebook": "kd2024"})
    spec = spec.model_copy(update={"chapters": [chapter.model_copy(update={"blocks": [coded]})]})

    def appendices() -> list[str]:
        made = publication(
            spec,
            [Result(coded, skipped="Ingen svar.")],
            instrument,
            answers(1),
            figures=set(),
            codes=pd.DataFrame(),
        )
        return [c.title for c in made.chapters if c.appendix]

    assert "Bilag 2 Kodeliste for de åbne svar" not in appendices()
    TABLE_KINDS["tally"] = replace(TALLY, code_list=True)
    assert "Bilag 2 Kodeliste for de åbne svar" in appendices()


def _figure_only(note: Note) -> Result:
    block = Block(
        id="b", label="Figur 1", title="T", kind="numeric", variables=["x"], figure="bars_mean"
    )
    data = pd.DataFrame({"item": ["x"], "mean": [2.0]})
    columns = [Column("item", "Spørgsmål", "text"), Column("mean", "Gennemsnit", "num")]
    return Result(block, data, columns, note)


def test_the_numbers_behind_a_figure_say_the_note_parts_its_caption_left_out():
    template = "Antal: {n}. Spørgsmål: *{question}* Standardafvigelse er noteret i parentes."
    result = _figure_only(from_template(template, {"n": "9", "question": "Hvor?"}))
    it = item(result, has_figure=True)
    assert not it.table_shown
    assert it.caption == "Antal: 9. Spørgsmål: *Hvor?* Søjlerne viser gennemsnitlig værdi."
    # the question (after "?*", no sentence break a pattern finds) is said once, above
    assert it.numbers_note == "Standardafvigelse er noteret i parentes."


def test_a_caption_says_what_the_figure_shows_unless_the_notes_own_part_does():
    says = from_template("Antal: {n}. Figuren viser {what}. Mere.", {"n": "9", "what": "alt"})
    assert [p.kind for p in says.parts] == ["text", "figure", "text"]
    assert caption(_figure_only(says)) == "Antal: 9. Figuren viser alt. Mere."
    # a value that happens to read "Søjlerne viser" is not the note saying it
    quoted = from_template("Spørgsmål: *{question}*", {"question": "Søjlerne viser hvad?"})
    assert caption(_figure_only(quoted)) == (
        "Spørgsmål: *Søjlerne viser hvad?* Søjlerne viser gennemsnitlig værdi."
    )
