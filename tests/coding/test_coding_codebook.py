"""The codebook schema, the loader's messages and the bundled kd2024 code list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from samspil.coding import Codebook, CodebookError, bundled_codebooks, load_codebook
from samspil.instruments import load
from tests.coding.synthetic import two_level_codebook

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "004_kd2024_bilag.txt"

FIGURES = {
    "udf_vigtigste": "4.1",
    "erf_lykkes": "7.2",
    "erf_lykkes_ikke": "7.3",
    "erf_barrierer": "7.1",
    "gev_vigtigste": "6.1",
    "fors_vigtigste": "8.1",
    "borgm_rolle": "9.3",
}


@pytest.fixture(scope="module")
def kd2024() -> Codebook:
    return load_codebook("kd2024")


def test_kd2024_is_bundled_and_links_the_seven_open_questions(kd2024):
    assert "kd2024" in bundled_codebooks()
    assert kd2024.instrument == "kd2024"
    assert {q.variable: q.figure for q in kd2024.questions} == FIGURES
    instrument = load("kd2024")
    open_ids = [q.id for s in instrument.sections for q in s.questions if q.type == "open"]
    assert sorted(kd2024.variables) == sorted(open_ids)
    assert all(q.multiple for q in kd2024.questions)
    assert not any(q.two_level for q in kd2024.questions)


def test_kd2024_tema_headings_are_verbatim(kd2024):
    assert [q.label for q in kd2024.questions] == [
        "Udfordring",
        "Civilsamfundssamarbejde lykkes godt",
        "Civilsamfunds samarbejde lykkes ikke godt",
        "Største barrierer",
        "Vigtigste gevinster",
        "Organisatoriske forudsætninger",
        "Borgmesterens rolle",
    ]


def test_kd2024_descriptions_are_verbatim_including_typos(kd2024):
    def theme(variable, label):
        return next(t for t in kd2024.question(variable).themes if t.label == label)

    assert theme("erf_lykkes", "Tid").description == (
        "Lang tidshorison med civilsamfundet, herunder tidlig inddragelse eller at der er god "
        "til at udvikle samarbejdet/projektet."
    )
    assert theme("erf_lykkes_ikke", "Myndighed- og forsyningspligt").description == (
        "Opgaver hvor kommunen har et myndighedsansvar og/eller forsyningspligt."
    )
    assert theme("erf_barrierer", "Lukkethedskultur overfor civilsamfundet").description == (
        "At der ikke er åbenhed overfor civilsamfundets måder at handle og tænke på samt "
        "samarbejde med civilsamfundet. Fx systemtænkning og vanetænkning"
    )
    assert theme("gev_vigtigste", "Flere ressourcer").description == (
        "At samarbejde kan aflaste det offentlige økonomi via f.eks. flere hænder eller "
        "billigere løsninger."
    )
    assert theme("udf_vigtigste", "Økonomisk pres").description == (
        "Alle udfordringer knyttet til at kommunen ikke har midler nok til det, som de "
        "ønsker/at levere services."
    )
    assert theme("borgm_rolle", "Dialogskaber").description == (
        "Borgmesteren faciliterer dialoger mellem civilsamfund og kommunen"
    )
    assert theme(
        "fors_vigtigste", "Civilsamfundsmindset (åben kultur mod civilsamfundet)"
    ).description.startswith("At være åbne overfor civilsamfundets måder")


def test_every_kd2024_question_ends_with_andet(kd2024):
    for q in kd2024.questions:
        last = q.themes[-1]
        assert (last.code, last.label, last.description) == (
            "andet",
            "Andet",
            "Alt andet end ovenstående",
        )


def test_kd2024_matches_bilag_2_of_the_seed_row_by_row(kd2024):
    listing = SEED.read_text(encoding="utf-8").split("13.0 Bilag 2: Slutkodeliste", 1)[1]
    rows = []
    for line in listing.splitlines():
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if not cells or cells == ["Tema", "Undertema", "Beskrivelse"]:
            continue
        if len(cells) == 1:
            rows.append((cells[0],))
        else:
            rows.append((cells[0], re.sub(r"</?i>", "", cells[1])))
    ours = []
    for q in kd2024.questions:
        ours.append((q.label,))
        ours += [(t.label, t.description) for t in q.themes]
    assert ours == rows


def test_leaves_and_theme_members_of_a_two_level_question():
    codebook = two_level_codebook()
    q = codebook.question("q1")
    assert q.two_level
    assert q.codes == ["besparelser", "udgiftspres", "andet"]
    assert q.theme_members() == {"oekonomi": ["besparelser", "udgiftspres"], "andet": ["andet"]}
    assert q.parent["udgiftspres"] == "oekonomi"


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "kodebog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def minimal(**question) -> dict:
    q = {"variable": "q1", "label": "Eksempel", "themes": [{"code": "a", "label": "A"}]}
    q.update(question)
    return {"id": "eks", "instrument": "eksempel", "questions": [q]}


def test_loader_error_names_file_and_field(tmp_path):
    path = write(tmp_path, minimal(themes=[{"code": "Æble", "label": "Æble"}]))
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = str(err.value)
    assert str(path) in message
    assert "questions[0] (q1).themes[0] (Æble).code" in message


def test_loader_rejects_repeated_codes_and_unknown_fields(tmp_path):
    repeated = minimal(themes=[{"code": "a", "label": "A"}, {"code": "a", "label": "B"}])
    with pytest.raises(CodebookError, match="code 'a' repeats in question q1"):
        load_codebook(write(tmp_path, repeated))
    with pytest.raises(CodebookError, match=r"questions\[0\] \(q1\)\.colour"):
        load_codebook(write(tmp_path, minimal(colour="rød")))


def test_loader_checks_variables_against_a_bundled_instrument(tmp_path):
    data = minimal(variable="udf")  # a grid question of kd2024, not an open one
    data["instrument"] = "kd2024"
    with pytest.raises(CodebookError, match=r"questions\[0\]\.variable: 'udf' is not an open"):
        load_codebook(write(tmp_path, data))


def test_unknown_codebook_id_lists_the_bundled_ones():
    with pytest.raises(CodebookError, match=r"unknown codebook 'kd1999'; bundled: .*kd2024"):
        load_codebook("kd1999")


def test_unreadable_file_is_named(tmp_path):
    path = tmp_path / "mangler.yaml"
    with pytest.raises(CodebookError, match=r"mangler\.yaml: cannot read codebook"):
        load_codebook(path)
