"""Agreement between two coders, checked against 2x2 tables worked out by hand."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from samspil.coding import (
    Codebook,
    CodingInputError,
    agreement,
    binary_agreement,
    krippendorff_alpha_nominal,
    load_codebook,
)
from tests.coding.synthetic import two_level_codebook

VAR = "udf_vigtigste"


def codings(sets_a: dict[int, set[str]], sets_b: dict[int, set[str]], variable: str = VAR):
    """Coding rows from code sets per respondent for coders A and B (empty set = no code)."""
    rows = []
    for coder, sets in (("A", sets_a), ("B", sets_b)):
        for respondent, codes in sets.items():
            for code in sorted(codes) or [None]:
                rows.append((respondent, variable, coder, code))
    return pd.DataFrame(rows, columns=["respondent_id", "variable", "coder", "code"])


def table(a: int, b: int, c: int, d: int) -> tuple[list[bool], list[bool]]:
    """Decisions with a = both yes, b = only coder 1, c = only coder 2, d = neither."""
    x1 = [True] * a + [True] * b + [False] * c + [False] * d
    x2 = [True] * a + [False] * b + [True] * c + [False] * d
    return x1, x2


def row(report, code, level="code"):
    frame = report.codes
    if code is None:
        match = frame[frame["level"] == level]
    else:
        match = frame[(frame["level"] == level) & (frame["code"] == code)]
    assert len(match) == 1
    return match.iloc[0]


# -- the formulas on 2x2 tables ----------------------------------------------------------


def test_hand_worked_table_gives_kappa_alpha_and_specific_agreement():
    # a=3 b=1 c=2 d=4, n=10
    # percent  = (3+4)/10 = 0.7
    # positive = 2*3/(2*3+1+2) = 6/9;  negative = 2*4/(2*4+1+2) = 8/11
    # p1 = 4/10, p2 = 5/10, pe = .4*.5 + .6*.5 = .5, kappa = (.7-.5)/(1-.5) = 0.4
    # n.. = 20, n_yes = 2*3+1+2 = 9, n_no = 2*4+1+2 = 11
    # alpha = 1 - (20-1)*(1+2)/(9*11) = 1 - 57/99 = 42/99
    stats = binary_agreement(*table(3, 1, 2, 4))
    assert stats["percent_agreement"] == pytest.approx(0.7)
    assert stats["positive_agreement"] == pytest.approx(6 / 9)
    assert stats["negative_agreement"] == pytest.approx(8 / 11)
    assert stats["cohen_kappa"] == pytest.approx(0.4)
    assert stats["krippendorff_alpha"] == pytest.approx(42 / 99)
    assert stats["prevalence_coder_1"] == pytest.approx(0.4)
    assert stats["prevalence_coder_2"] == pytest.approx(0.5)
    assert stats["prevalence"] == pytest.approx(0.45)  # (2*3+1+2)/(2*10)
    assert stats["prevalence_any"] == pytest.approx(0.6)  # (3+1+2)/10
    assert stats["undefined_reason"] is None


def test_rare_code_has_high_percent_agreement_but_low_kappa():
    # a=0 b=1 c=1 d=18, n=20: the coders each used the code once, on different answers
    # percent = 18/20 = 0.9
    # p1 = p2 = 1/20, pe = .05*.05 + .95*.95 = .905, kappa = (.9-.905)/(1-.905) = -1/19
    # n_yes = 2, n_no = 38, alpha = 1 - 39*2/(2*38) = 1 - 78/76 = -1/38
    stats = binary_agreement(*table(0, 1, 1, 18))
    assert stats["percent_agreement"] == pytest.approx(0.9)
    assert stats["cohen_kappa"] == pytest.approx(-1 / 19)
    assert stats["krippendorff_alpha"] == pytest.approx(-1 / 38)
    assert stats["positive_agreement"] == 0


def test_code_nobody_used_has_full_percent_agreement_and_undefined_kappa_alpha():
    # a=b=c=0 d=10: pe = 1, so kappa = 0/0; every value is "no", so alpha's D_e = 0
    stats = binary_agreement(*table(0, 0, 0, 10))
    assert stats["percent_agreement"] == 1.0
    assert stats["cohen_kappa"] is None
    assert stats["krippendorff_alpha"] is None
    assert stats["positive_agreement"] is None
    assert stats["negative_agreement"] == 1.0
    assert stats["undefined_reason"] == "code_not_used"


def test_code_both_coders_used_everywhere_is_undefined_too():
    stats = binary_agreement(*table(6, 0, 0, 0))
    assert stats["percent_agreement"] == 1.0
    assert stats["positive_agreement"] == 1.0
    assert stats["cohen_kappa"] is None
    assert stats["krippendorff_alpha"] is None
    assert stats["undefined_reason"] == "code_always_used"


def test_perfect_agreement_with_both_answers_gives_one():
    stats = binary_agreement(*table(4, 0, 0, 6))
    assert stats["percent_agreement"] == 1.0
    assert stats["cohen_kappa"] == pytest.approx(1.0)
    assert stats["krippendorff_alpha"] == pytest.approx(1.0)


def test_one_coder_never_using_a_code_gives_kappa_zero_and_alpha_below_zero():
    # a=0 b=2 c=0 d=8, n=10: coder 2 never uses the code
    # percent = 8/10; p1 = .2, p2 = 0, pe = .2*0 + .8*1 = .8 = po, kappa = 0
    # n_yes = 2, n_no = 18, alpha = 1 - 19*2/(2*18) = 1 - 38/36 = -1/18
    stats = binary_agreement(*table(0, 2, 0, 8))
    assert stats["percent_agreement"] == pytest.approx(0.8)
    assert stats["cohen_kappa"] == pytest.approx(0.0)
    assert stats["krippendorff_alpha"] == pytest.approx(-1 / 18)
    assert stats["undefined_reason"] is None


def test_alpha_for_three_categories_matches_coincidence_matrix_by_hand():
    # units: (a,a) (a,b) (b,b) (b,b) (c,c)
    # coincidences: o_aa=2, o_ab=o_ba=1, o_bb=4, o_cc=2; n=10, trace=8
    # n_a=3, n_b=5, n_c=2, sum n_k^2 = 38
    # alpha = 1 - (10-1)*(10-8)/(10^2-38) = 1 - 18/62 = 44/62
    alpha = krippendorff_alpha_nominal(list("aabbc"), list("abbbc"))
    assert alpha == pytest.approx(44 / 62)


def test_alpha_is_undefined_without_units_or_variation():
    assert krippendorff_alpha_nominal([], []) is None
    assert krippendorff_alpha_nominal(["x", "x"], ["x", "x"]) is None


def test_alpha_matches_the_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(7)
    for n, k in ((10, 2), (40, 2), (25, 4), (60, 3)):
        v1 = [rng.randrange(k) for _ in range(n)]
        v2 = [x if rng.random() < 0.7 else rng.randrange(k) for x in v1]
        expected = krippendorff.alpha(reliability_data=[v1, v2], level_of_measurement="nominal")
        assert krippendorff_alpha_nominal(v1, v2) == pytest.approx(expected)


# -- the agreement table from coding rows ------------------------------------------------


def two_code_example():
    # 10 answers, codes X=arbejdskraft and Y=demografi.
    # X: both on 1-3 (a=3), only A on 4 (b=1), only B on 5-6 (c=2), neither on 7-10 (d=4)
    # Y: both on 7 (a=1), only B on 8 (c=1), neither on the other 8 (d=8)
    x, y = "arbejdskraft", "demografi"
    a = {1: {x}, 2: {x}, 3: {x}, 4: {x}, 5: set(), 6: set(), 7: {y}, 8: set(), 9: set()}
    b = {1: {x}, 2: {x}, 3: {x}, 4: set(), 5: {x}, 6: {x}, 7: {y}, 8: {y}, 9: set()}
    a[10], b[10] = set(), set()
    return codings(a, b)


def test_agreement_per_code_matches_the_hand_worked_tables():
    report = agreement(two_code_example())
    x = row(report, "arbejdskraft")
    assert (x["both"], x["only_coder_1"], x["only_coder_2"], x["neither"]) == (3, 1, 2, 4)
    assert x["cohen_kappa"] == pytest.approx(0.4)
    assert x["krippendorff_alpha"] == pytest.approx(42 / 99)
    assert x["n_units"] == 10


def test_pooled_statistics_stack_all_answer_code_decisions():
    # stacked: a = 3+1, b = 1+0, c = 2+1, d = 4+8, n = 20 decisions
    # percent = 16/20 = .8; p1 = 5/20, p2 = 7/20
    # pe = .25*.35 + .75*.65 = .575, kappa = (.8-.575)/.425 = 9/17
    # n_yes = 2*4+1+3 = 12, n_no = 2*12+4 = 28, alpha = 1 - 39*4/(12*28) = 180/336
    report = agreement(two_code_example())
    pooled = row(report, None, "pooled")
    assert pooled["n_units"] == 10
    assert pooled["n_decisions"] == 20
    assert pooled["percent_agreement"] == pytest.approx(0.8)
    assert pooled["cohen_kappa"] == pytest.approx(9 / 17)
    assert pooled["krippendorff_alpha"] == pytest.approx(180 / 336)


def test_exact_match_counts_answers_with_identical_code_sets():
    # identical sets on answers 1, 2, 3, 7, 9, 10 (9 and 10: both no code)
    report = agreement(two_code_example())
    summary = report.variables.iloc[0]
    assert (summary["coder_1"], summary["coder_2"]) == ("A", "B")
    assert summary["n_exact"] == 6
    assert summary["exact_match"] == pytest.approx(0.6)


def test_codebook_reports_unused_codes_as_undefined_and_pools_them_in():
    codebook = load_codebook("kd2024")
    report = agreement(two_code_example(), codebook)
    unused = row(report, "andet")
    assert unused["percent_agreement"] == 1.0
    assert pd.isna(unused["cohen_kappa"])
    assert unused["undefined_reason"] == "code_not_used"
    assert row(report, "arbejdskraft")["label"] == "Arbejdskraft"
    pooled = row(report, None, "pooled")
    assert pooled["n_decisions"] == 60  # 10 answers x 6 codes
    # four unused codes add 40 "neither": percent = (16+40)/60
    assert pooled["percent_agreement"] == pytest.approx(56 / 60)


def test_answers_coded_by_one_coder_are_left_out_of_the_units():
    data = codings({1: {"a"}, 2: {"a"}, 3: set()}, {1: {"a"}, 2: set()})
    report = agreement(data)
    summary = report.variables.iloc[0]
    assert summary["n_units"] == 2
    assert summary["n_only_coder_1"] == 1
    assert row(report, "a")["n_units"] == 2


def test_codes_may_be_given_by_label_with_a_codebook():
    data = codings({1: {"Økonomisk pres"}, 2: set()}, {1: {"oekonomisk_pres"}, 2: set()})
    report = agreement(data, load_codebook("kd2024"))
    assert row(report, "oekonomisk_pres")["both"] == 1


def test_to_dict_gives_per_variable_codes_and_pooled_with_none_for_undefined():
    out = agreement(two_code_example(), load_codebook("kd2024")).to_dict()
    entry = out["variables"][VAR]
    for key in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "n_units"):
        assert key in entry["pooled"]
        assert key in entry["codes"]["arbejdskraft"]
    assert entry["codes"]["andet"]["cohen_kappa"] is None
    assert entry["exact_match"] == pytest.approx(0.6)


def test_two_level_codebook_reports_agreement_on_any_subtheme_of_a_theme():
    codebook = two_level_codebook()
    # answer 1: A says besparelser, B says udgiftspres -> subthemes disagree, theme agrees
    # answer 2: both andet; answer 3: both nothing
    a = {1: {"besparelser"}, 2: {"andet"}, 3: set()}
    b = {1: {"udgiftspres"}, 2: {"andet"}, 3: set()}
    report = agreement(codings(a, b, "q1"), codebook)
    assert row(report, "besparelser")["percent_agreement"] == pytest.approx(2 / 3)
    theme = row(report, "oekonomi", "theme")
    assert theme["percent_agreement"] == 1.0
    assert theme["cohen_kappa"] == pytest.approx(1.0)
    assert row(report, "andet", "theme")["percent_agreement"] == 1.0
    # pooled stacks the three codes, not the themes: 3 answers x 3 codes
    assert row(report, None, "pooled")["n_decisions"] == 9
    assert "themes" in report.to_dict()["variables"]["q1"]


# -- bad input ---------------------------------------------------------------------------


def test_missing_column_is_named():
    data = two_code_example().drop(columns=["coder"])
    with pytest.raises(CodingInputError, match=r"lacks column.*'coder'"):
        agreement(data)


def test_three_coders_on_a_variable_is_an_error():
    data = two_code_example()
    extra = pd.DataFrame([(1, VAR, "C", "arbejdskraft")], columns=data.columns)
    with pytest.raises(CodingInputError, match=r"3 coder.*exactly two"):
        agreement(pd.concat([data, extra]))


def test_a_single_coder_is_an_error():
    data = codings({1: {"a"}}, {})
    with pytest.raises(CodingInputError, match=r"1 coder.*exactly two"):
        agreement(data)


def test_unknown_variable_names_the_row_with_a_codebook():
    data = two_code_example()
    data.loc[4, "variable"] = "ukendt"
    with pytest.raises(CodingInputError, match="variable 'ukendt' is not in codebook") as err:
        agreement(data, load_codebook("kd2024"))
    assert err.value.row == 5
    assert err.value.column == "variable"
    assert str(err.value).startswith("row 5, column 'variable'")


def test_unknown_code_names_the_row_with_a_codebook():
    data = two_code_example()
    data.loc[2, "code"] = "klima"
    with pytest.raises(CodingInputError, match="code 'klima' is not a code of") as err:
        agreement(data, load_codebook("kd2024"))
    assert (err.value.row, err.value.column) == (3, "code")


def test_empty_coder_is_an_error_naming_the_row():
    data = two_code_example()
    data.loc[0, "coder"] = " "
    with pytest.raises(CodingInputError, match="row 1, column 'coder': coder is empty"):
        agreement(data)


def test_one_code_per_answer_is_enforced_when_the_question_says_so():
    codebook = Codebook.model_validate(
        {
            "id": "enkelt",
            "instrument": "eksempel",
            "questions": [
                {
                    "variable": "q1",
                    "label": "Eksempel",
                    "multiple": False,
                    "themes": [{"code": "ja", "label": "Ja"}, {"code": "nej", "label": "Nej"}],
                }
            ],
        }
    )
    data = codings({1: {"ja", "nej"}}, {1: {"ja"}}, "q1")
    with pytest.raises(CodingInputError, match="several codes") as err:
        agreement(data, codebook)
    assert (err.value.row, err.value.column) == (2, "code")
