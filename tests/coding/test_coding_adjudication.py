"""Disagreements, final codes after adjudication, theme tables and quotes."""

from __future__ import annotations

import pandas as pd
import pytest

from samspil.coding import (
    Codebook,
    CodingInputError,
    disagreements,
    final_codes,
    load_codebook,
    quotes,
    theme_shares,
)
from tests.coding.synthetic import two_level_codebook

VAR = "udf_vigtigste"
COLUMNS = ["respondent_id", "variable", "coder", "code"]


@pytest.fixture(scope="module")
def kd2024() -> Codebook:
    return load_codebook("kd2024")


def example() -> pd.DataFrame:
    rows = [
        (1, VAR, "A", "arbejdskraft"),
        (1, VAR, "B", "arbejdskraft"),
        (2, VAR, "A", "oekonomisk_pres"),
        (2, VAR, "A", "demografi"),
        (2, VAR, "B", "oekonomisk_pres"),
        (3, VAR, "A", None),
        (3, VAR, "B", "andet"),
        (4, VAR, "A", None),
        (4, VAR, "B", None),
        (5, VAR, "A", "demografi"),  # coded by one coder only
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_disagreements_list_both_code_sets_in_codebook_order(kd2024):
    table = disagreements(example(), kd2024)
    assert list(table["respondent_id"]) == [2, 3]
    first = table.iloc[0]
    assert first["codes_1"] == ("demografi", "oekonomisk_pres")
    assert first["codes_2"] == ("oekonomisk_pres",)
    assert first["only_1"] == ("demografi",)
    assert first["only_2"] == ()
    assert table.iloc[1]["codes_1"] == ()
    assert table.iloc[1]["codes_2"] == ("andet",)


def test_final_codes_take_agreed_sets_single_codings_and_decisions(kd2024):
    decisions = pd.DataFrame(
        [(2, VAR, "demografi"), (2, VAR, "oekonomisk_pres"), (3, VAR, None)],
        columns=["respondent_id", "variable", "code"],
    )
    final = final_codes(example(), decisions, kd2024)
    got = {
        (r, c if isinstance(c, str) else None)
        for r, c in zip(final["respondent_id"], final["code"], strict=True)
    }
    assert got == {
        (1, "arbejdskraft"),
        (2, "demografi"),
        (2, "oekonomisk_pres"),
        (3, None),  # decided: no code, kept as one row with an empty code
        (4, None),
        (5, "demografi"),
    }
    assert list(final.columns) == ["respondent_id", "variable", "code"]


def test_final_codes_refuse_undecided_disagreements(kd2024):
    with pytest.raises(CodingInputError, match=r"2 answer\(s\).*no decision.*respondent 2"):
        final_codes(example(), None, kd2024)


def test_theme_shares_use_the_answered_base_and_allow_several_themes(kd2024):
    final = pd.DataFrame(
        [
            (1, VAR, "arbejdskraft"),
            (1, VAR, "oekonomisk_pres"),
            (2, VAR, "oekonomisk_pres"),
            (3, VAR, None),
            (4, VAR, "Andet"),  # by label
            (9, "borgm_rolle", "retning"),  # another question: ignored
        ],
        columns=["respondent_id", "variable", "code"],
    )
    answered = {1, 2, 3, 4, 5, 6, 7, 8}  # 5-8 answered but were not coded with a theme
    table = theme_shares(final, answered, kd2024, VAR)
    assert list(table.columns) == ["option", "n", "percent"]
    assert list(table["option"]) == [
        "Arbejdskraft",
        "Forventningskløft",
        "Demografisk udvikling",
        "Økonomisk pres",
        "Områdeudfordring",
        "Andet",
    ]
    assert list(table["n"]) == [1, 0, 0, 2, 0, 1]
    assert table.loc[3, "percent"] == pytest.approx(25.0)  # 2 of 8
    assert table["percent"].sum() == pytest.approx(50.0)  # not 100: base is all who answered
    assert table.attrs["base"] == 8
    assert table.attrs["codes"][0] == "arbejdskraft"


def test_theme_shares_match_ids_across_int_and_text(kd2024):
    final = pd.DataFrame(
        [("1", VAR, "arbejdskraft"), ("2", VAR, "arbejdskraft")],
        columns=["respondent_id", "variable", "code"],
    )
    answered = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert theme_shares(final, answered, kd2024, VAR).loc[0, "percent"] == pytest.approx(50)
    flags = pd.Series([True, True, False], index=[1, 2, 3])
    assert theme_shares(final, flags, kd2024, VAR).attrs["base"] == 2


def test_theme_shares_from_a_header_only_codes_table_count_nobody(kd2024):
    empty = pd.DataFrame(
        {c: pd.Series([], dtype=str) for c in ["respondent_id", "variable", "code"]}
    )
    table = theme_shares(empty, {1, 2, 3}, kd2024, VAR)
    assert table.attrs["base"] == 3
    assert list(table["n"]) == [0] * len(table)


def test_theme_shares_refuse_coded_respondents_outside_the_base(kd2024):
    final = pd.DataFrame(
        [(1, VAR, "andet"), (7, VAR, "andet")], columns=["respondent_id", "variable", "code"]
    )
    with pytest.raises(CodingInputError, match="not among those who answered it: 7") as err:
        theme_shares(final, {1, 2}, kd2024, VAR)
    assert (err.value.row, err.value.column) == (2, "respondent_id")  # bad input, at its row


def test_theme_shares_unknown_code_names_the_row_of_the_whole_table(kd2024):
    final = pd.DataFrame(
        [(1, "borgm_rolle", "retning"), (1, VAR, "klima")],
        columns=["respondent_id", "variable", "code"],
    )
    with pytest.raises(CodingInputError) as err:
        theme_shares(final, {1}, kd2024, VAR)
    assert (err.value.row, err.value.column) == (2, "code")


def test_theme_shares_count_a_theme_once_for_any_of_its_subthemes():
    codebook = two_level_codebook()
    final = pd.DataFrame(
        [(1, "q1", "besparelser"), (1, "q1", "udgiftspres"), (2, "q1", "udgiftspres")],
        columns=["respondent_id", "variable", "code"],
    )
    themes = theme_shares(final, [1, 2, 3, 4], codebook, "q1")
    assert list(themes["option"]) == ["Økonomi", "Andet"]
    assert list(themes["n"]) == [2, 0]
    codes = theme_shares(final, [1, 2, 3, 4], codebook, "q1", level="code")
    assert list(codes["option"]) == ["Besparelser", "Udgiftspres", "Andet"]
    assert list(codes["n"]) == [1, 2, 0]


def test_quotes_keep_chosen_answers_in_input_order():
    answers = pd.DataFrame(
        [
            (3, VAR, "Økonomien er presset.", "ja"),
            (1, VAR, "Rekruttering.", 0),
            (2, VAR, "  Demografien.  ", True),
            (4, "borgm_rolle", "Borgmesteren sætter retning.", 1),
            (5, VAR, "", 1),
        ],
        columns=["respondent_id", "variable", "text", "quotable"],
    )
    chosen = quotes(answers, VAR)
    assert list(chosen["respondent_id"]) == [3, 2]
    assert list(chosen["text"]) == ["Økonomien er presset.", "Demografien."]
    assert len(quotes(answers)) == 3


def test_quotes_reject_an_unreadable_flag():
    answers = pd.DataFrame(
        [(1, VAR, "Tekst", "måske")], columns=["respondent_id", "variable", "text", "quotable"]
    )
    with pytest.raises(CodingInputError, match="row 1, column 'quotable'"):
        quotes(answers)
