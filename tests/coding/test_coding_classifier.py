"""Suggested codes: cross-validated agreement, routing by confidence and the warnings."""

from __future__ import annotations

import pickle

import pytest

from samspil.coding import load_codebook
from samspil.coding.classifier import (
    DanishStemTokenizer,
    evaluate,
    fit_suggester,
    train_suggester,
)
from tests.coding.synthetic import answers

VAR = "udf_vigtigste"


@pytest.fixture(scope="module")
def kd2024():
    return load_codebook("kd2024")


def test_tokenizer_stems_danish_and_keeps_negations():
    tokens = DanishStemTokenizer()("Vi lykkes ikke med rekrutteringen af medarbejdere")
    assert "ikk" in tokens or "ikke" in tokens
    assert "vi" not in tokens  # stop word
    assert any(t.startswith("rekrutter") for t in tokens)
    restored = pickle.loads(pickle.dumps(DanishStemTokenizer()))
    assert restored("Ældre borgere") == DanishStemTokenizer()("Ældre borgere")


def test_cross_validated_kappa_is_reported_per_code_and_pooled(kd2024):
    texts, codes = answers(120, seed=1)
    result = evaluate(texts, codes, VAR, kd2024, threshold=0.7)
    table = result.codes.set_index("code")
    assert list(table.index) == kd2024.question(VAR).codes
    assert table["cohen_kappa"].notna().all()
    # synthetic answers built from distinct phrases: the model should learn them well
    assert result.summary["pooled_kappa"] > 0.7
    assert result.summary["n_answers"] == 120
    assert result.summary["n_splits"] == 5
    assert 0 < result.summary["share_answers_pre_ticked"] <= 1
    assert result.summary["pre_tick_precision"] > 0.9
    assert result.warnings == []
    assert result.probabilities.shape == (120, 6)


def test_cross_validation_is_deterministic(kd2024):
    texts, codes = answers(60, seed=2)
    first = evaluate(texts, codes, VAR, kd2024)
    second = evaluate(texts, codes, VAR, kd2024)
    assert first.summary == second.summary


def test_too_few_answers_and_positives_give_plain_warnings(kd2024):
    texts, codes = answers(30, seed=3)
    result = evaluate(texts, codes, VAR, kd2024)
    keys = {(w.key, w.code) for w in result.warnings}
    assert ("too_few_answers", None) in keys
    assert any(key == "too_few_positives" for key, _code in keys)
    general = next(w for w in result.warnings if w.key == "too_few_answers")
    assert general.message.startswith("Kun 30 kodede svar (under 50)")
    rare = next(w for w in result.warnings if w.key == "too_few_positives")
    assert "har kun" in rare.message
    assert rare.code in kd2024.question(VAR).codes


def test_only_codes_at_or_above_the_threshold_are_pre_ticked(kd2024):
    texts, codes = answers(120, seed=4)
    suggester = train_suggester(texts, codes, VAR, kd2024, threshold=0.8)
    new = ["Vi mangler arbejdskraft og kan ikke rekruttere sygeplejersker.", "Vejret."]
    long = suggester.suggest(new)
    assert set(long.columns) == {"answer", "code", "label", "probability", "pre_ticked"}
    assert (long["pre_ticked"] == (long["probability"] >= 0.8)).all()
    routed = suggester.route(new).set_index("answer")
    assert "arbejdskraft" in routed.loc[0, "pre_ticked"]
    assert routed.loc[0, "route"] == "pre_ticked"
    # an answer about nothing known gets no pre-ticked code and goes to the coder
    assert routed.loc[1, "pre_ticked"] == ()
    assert routed.loc[1, "route"] == "for_coder"


def test_bad_threshold_and_unknown_codes_are_errors():
    with pytest.raises(ValueError, match="threshold must be in"):
        fit_suggester(["a", "b"], [{"x"}, set()], ["x"], threshold=1.5)
    with pytest.raises(ValueError, match="codes not in the code list: y"):
        fit_suggester(["a", "b"], [{"y"}, set()], ["x"])


def test_coded_answers_without_text_are_an_error(kd2024):
    texts, codes = answers(20, seed=5)
    with pytest.raises(ValueError, match="have no text"):
        evaluate(texts.iloc[1:], codes, VAR, kd2024)
