"""Suggested codes for open answers, trained on the final codes of one open question.

A scikit-learn pipeline: TF-IDF on Danish Snowball stems (word 1-2-grams) joined with
TF-IDF on character 3-5-grams within words (robust to Danish compounds and spelling:
"arbejdskraft", "arbejdskraftmangel"), and one logistic regression per code (one vs.
rest). Nothing is downloaded: the stemmer ships with ``snowballstemmer``.

Routing by confidence (Schonlau & Couper 2016): a code is pre-ticked for an answer only
when its probability is at least the threshold; an answer without such a code gets no
pre-ticked code and is left for the coder. Suggestions are never final codes: a coder
confirms or changes every answer.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import snowballstemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from samspil.coding.records import clean, clean_id, final_code_sets, is_blank, require_columns
from samspil.coding.schema import Codebook

DEFAULT_THRESHOLD = 0.7
MIN_ANSWERS = 50
MIN_POSITIVES = 10

ROUTE_LABELS = {
    "pre_ticked": "Forslag sat - skal bekræftes af en koder",
    "for_coder": "Ingen sikre forslag - kodes af en koder",
}

# Function words from the Snowball Danish stop list, without negations and words that
# carry meaning in these answers ("ikke", "mange", "meget", "mod", "selv", "alle", ...).
DANISH_STOP_WORDS = frozenset(
    """og i jeg det at en den til er som på de med han af for der var mig sig men et har om
    vi min havde ham hun nu da fra du ud sin dem os op man hans hvor eller hvad skal her
    vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette
    mit også under have dig hende mine alt sit sine vor disse hvis din nogle hos blive ad
    bliver hendes været thi jer sådan""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class DanishStemTokenizer:
    """Lower-case words, Danish stop words out, Snowball stems (picklable)."""

    def __init__(self) -> None:
        self._stemmer: Any = None

    def __call__(self, text: str) -> list[str]:
        if self._stemmer is None:
            self._stemmer = snowballstemmer.stemmer("danish")
        words = [w for w in _WORD.findall(text.lower()) if w not in DANISH_STOP_WORDS]
        return list(self._stemmer.stemWords(words))

    def __getstate__(self) -> dict[str, Any]:
        return {"_stemmer": None}


def make_pipeline(random_state: int = 0, c: float = 10.0) -> Pipeline:
    """The unfitted pipeline: features, then one logistic regression per code."""
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    tokenizer=DanishStemTokenizer(),
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", lowercase=True, ngram_range=(3, 5), sublinear_tf=True
                ),
            ),
        ]
    )
    model = OneVsRestClassifier(
        LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=random_state)
    )
    return Pipeline([("features", features), ("model", model)])


@dataclass(frozen=True)
class SuggestionWarning:
    """A reason not to trust the suggestions: ``key`` (English), ``message`` (Danish)."""

    key: str
    message: str
    code: str | None = None


@dataclass
class Suggester:
    """A trained model for one open question. Use :meth:`suggest` and :meth:`route`."""

    variable: str
    codes: list[str]
    labels: dict[str, str]
    threshold: float
    pipeline: Pipeline
    n_answers: int
    n_positive: dict[str, int]
    warnings: list[SuggestionWarning] = field(default_factory=list)

    def probabilities(self, texts: Sequence[Any] | pd.Series) -> np.ndarray:
        """Array (answers x codes) of probabilities, codes in ``self.codes`` order."""
        return _predict(self.pipeline, _texts(texts), len(self.codes))

    def suggest(self, texts: Sequence[Any] | pd.Series) -> pd.DataFrame:
        """One row per answer and code: ``answer`` (the Series index, else the position),
        ``code``, ``label``, ``probability``, ``pre_ticked`` (probability >= threshold).
        A suggestion, never a final code."""
        keys = list(texts.index) if isinstance(texts, pd.Series) else list(range(len(texts)))
        probs = self.probabilities(texts)
        rows = [
            {
                "answer": key,
                "code": code,
                "label": self.labels.get(code, code),
                "probability": float(probs[i, j]),
                "pre_ticked": bool(probs[i, j] >= self.threshold),
            }
            for i, key in enumerate(keys)
            for j, code in enumerate(self.codes)
        ]
        return pd.DataFrame(rows, columns=["answer", "code", "label", "probability", "pre_ticked"])

    def route(self, texts: Sequence[Any] | pd.Series) -> pd.DataFrame:
        """One row per answer: ``answer``, ``pre_ticked`` (tuple of code ids at or above
        the threshold, in codebook order), ``route`` (``pre_ticked`` or ``for_coder``; see
        ``ROUTE_LABELS`` for the Danish texts) and ``top_probability``. Every answer still
        goes to a coder; ``for_coder`` answers get no pre-ticked code."""
        keys = list(texts.index) if isinstance(texts, pd.Series) else list(range(len(texts)))
        probs = self.probabilities(texts)
        rows = []
        for i, key in enumerate(keys):
            ticked = tuple(c for j, c in enumerate(self.codes) if probs[i, j] >= self.threshold)
            rows.append(
                {
                    "answer": key,
                    "pre_ticked": ticked,
                    "route": "pre_ticked" if ticked else "for_coder",
                    "top_probability": float(probs[i].max()) if self.codes else 0.0,
                }
            )
        return pd.DataFrame(rows, columns=["answer", "pre_ticked", "route", "top_probability"])


@dataclass(frozen=True)
class Evaluation:
    """Cross-validated agreement of the suggestions with the human (final) codes.

    ``codes``: per code ``code, label, n_positive, cohen_kappa`` (decision at probability
    0.5), ``cohen_kappa_at_threshold`` (pre-ticked vs. human), ``n_pre_ticked``,
    ``pre_tick_precision`` (share of pre-ticks the humans also gave), ``pre_tick_recall``.
    ``summary``: answers, folds, threshold, ``share_answers_pre_ticked`` (answers with at
    least one pre-ticked code), ``pre_tick_precision`` over all pre-ticks,
    ``pre_tick_exact`` (share of pre-ticked answers whose pre-ticked set equals the human
    set), ``pooled_kappa`` over all answer x code decisions at 0.5 and at the threshold.
    ``probabilities``: the out-of-fold probabilities (answers x codes).
    """

    codes: pd.DataFrame
    summary: dict[str, Any]
    warnings: list[SuggestionWarning]
    probabilities: pd.DataFrame


# -- training data ----------------------------------------------------------------------


def training_data(
    texts: pd.DataFrame,
    final_codes: pd.DataFrame,
    variable: str,
    codebook: Codebook | None = None,
) -> tuple[list[Hashable], list[str], list[frozenset[str]], list[str]]:
    """``(respondent_ids, texts, code_sets, codes)`` of the coded answers to ``variable``.

    ``texts``: columns ``respondent_id, variable, text`` (the open answers); ``final_codes``:
    columns ``respondent_id, variable, code``. An answer is coded when it has a row in
    ``final_codes`` (an empty code = coded, no theme). ``codes``: the codebook's codes for
    the variable, else the codes used. A coded answer without text is an error.
    """
    require_columns(texts, ("respondent_id", "variable", "text"), "the answers")
    sets = final_code_sets(final_codes, variable, codebook)
    coded = {str(r): (r, s[""]) for r, s in sets.sets.get(variable, {}).items()}
    by_id: dict[str, str] = {}
    for respondent, var, text in texts[["respondent_id", "variable", "text"]].itertuples(
        index=False, name=None
    ):
        if not is_blank(var) and clean(var) == variable and not is_blank(text):
            by_id[str(clean_id(respondent))] = str(text)
    missing = sorted(set(coded) - set(by_id))
    if missing:
        raise ValueError(
            f"{len(missing)} coded answer(s) to {variable} have no text: " + ", ".join(missing[:10])
        )
    ids = [coded[k][0] for k in coded]
    code_sets = [coded[k][1] for k in coded]
    if codebook is not None:
        codes = codebook.question(variable).codes
    else:
        codes = sorted({c for s in code_sets for c in s})
    return ids, [by_id[k] for k in coded], code_sets, codes


# -- training and evaluation ------------------------------------------------------------


def fit_suggester(
    texts: Sequence[Any],
    code_sets: Sequence[Iterable[str]],
    codes: Sequence[str],
    *,
    variable: str = "",
    labels: dict[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    random_state: int = 0,
) -> Suggester:
    """Train on texts and their (human, final) code sets; ``codes`` fixes the code order."""
    _check_threshold(threshold)
    texts_ = _texts(texts)
    sets = [frozenset(s) for s in code_sets]
    codes = _check_codes(codes, sets, len(texts_))
    y = _matrix(sets, codes)
    pipeline = make_pipeline(random_state)
    _fit(pipeline, texts_, y)
    n_positive = {c: int(y[:, j].sum()) for j, c in enumerate(codes)}
    return Suggester(
        variable=variable,
        codes=list(codes),
        labels=dict(labels or {}),
        threshold=threshold,
        pipeline=pipeline,
        n_answers=len(texts_),
        n_positive=n_positive,
        warnings=too_few_warnings(len(texts_), n_positive, labels or {}),
    )


def train_suggester(
    texts: pd.DataFrame,
    final_codes: pd.DataFrame,
    variable: str,
    codebook: Codebook | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    random_state: int = 0,
) -> Suggester:
    """A :class:`Suggester` for one open question from its answers and final codes."""
    _ids, texts_, sets, codes = training_data(texts, final_codes, variable, codebook)
    labels = codebook.question(variable).labels if codebook is not None else {}
    return fit_suggester(
        texts_,
        sets,
        codes,
        variable=variable,
        labels=labels,
        threshold=threshold,
        random_state=random_state,
    )


def evaluate(
    texts: pd.DataFrame,
    final_codes: pd.DataFrame,
    variable: str,
    codebook: Codebook | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    n_splits: int = 5,
    random_state: int = 0,
) -> Evaluation:
    """Honest k-fold cross-validation of the suggestions for one open question."""
    ids, texts_, sets, codes = training_data(texts, final_codes, variable, codebook)
    labels = codebook.question(variable).labels if codebook is not None else {}
    return evaluate_sets(
        texts_,
        sets,
        codes,
        labels=labels,
        ids=ids,
        threshold=threshold,
        n_splits=n_splits,
        random_state=random_state,
    )


def evaluate_sets(
    texts: Sequence[Any],
    code_sets: Sequence[Iterable[str]],
    codes: Sequence[str],
    *,
    labels: dict[str, str] | None = None,
    ids: Sequence[Hashable] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    n_splits: int = 5,
    random_state: int = 0,
) -> Evaluation:
    """k-fold cross-validation: each answer is predicted by a model (features and
    regressions) fitted without it; the predictions are compared with the human codes."""
    _check_threshold(threshold)
    texts_ = _texts(texts)
    sets = [frozenset(s) for s in code_sets]
    codes = _check_codes(codes, sets, len(texts_))
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, not {n_splits}")
    n = len(texts_)
    if n < 2:
        raise ValueError(f"cross-validation needs at least 2 coded answers, not {n}")
    labels = labels or {}
    y = _matrix(sets, codes)
    probs = np.zeros(y.shape)
    folds = KFold(n_splits=min(n_splits, n), shuffle=True, random_state=random_state)
    for train, test in folds.split(np.arange(n)):
        pipeline = make_pipeline(random_state)
        _fit(pipeline, [texts_[i] for i in train], y[train])
        probs[test] = _predict(pipeline, [texts_[i] for i in test], len(codes))
    rows, summary = _scores(probs, y, codes, labels, threshold)
    summary = {"n_answers": n, "n_splits": min(n_splits, n), **summary}
    n_positive = {c: int(y[:, j].sum()) for j, c in enumerate(codes)}
    index = list(ids) if ids is not None else list(range(n))
    return Evaluation(
        codes=pd.DataFrame(rows),
        summary=summary,
        warnings=too_few_warnings(n, n_positive, labels),
        probabilities=pd.DataFrame(probs, index=index, columns=list(codes)),
    )


def _scores(
    probs: np.ndarray, y: np.ndarray, codes: Sequence[str], labels: dict[str, str], threshold: float
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per code and pooled: the predictions (cross-validated probabilities) against the
    human codes ``y``, at 0.5 and at the pre-tick ``threshold``."""
    at_half = probs >= 0.5
    ticked = probs >= threshold
    human = y.astype(bool)
    rows = []
    for j, code in enumerate(codes):
        n_ticked = int(ticked[:, j].sum())
        n_pos = int(human[:, j].sum())
        hits = int((ticked[:, j] & human[:, j]).sum())
        rows.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "n_positive": n_pos,
                "cohen_kappa": _kappa(human[:, j], at_half[:, j]),
                "cohen_kappa_at_threshold": _kappa(human[:, j], ticked[:, j]),
                "n_pre_ticked": n_ticked,
                "pre_tick_precision": hits / n_ticked if n_ticked else None,
                "pre_tick_recall": hits / n_pos if n_pos else None,
            }
        )
    answers_ticked: np.ndarray = np.asarray(ticked.any(axis=1))
    n_ticks = int(ticked.sum())
    exact = [bool((ticked[i] == human[i]).all()) for i in np.flatnonzero(answers_ticked)]
    summary = {
        "threshold": threshold,
        "share_answers_pre_ticked": float(answers_ticked.mean()),
        "pre_tick_precision": float((ticked & human).sum() / n_ticks) if n_ticks else None,
        "pre_tick_exact": float(np.mean(exact)) if exact else None,
        "pooled_kappa": _kappa(human.ravel(), at_half.ravel()),
        "pooled_kappa_at_threshold": _kappa(human.ravel(), ticked.ravel()),
    }
    return rows, summary


def too_few_warnings(
    n_answers: int, n_positive: dict[str, int], labels: dict[str, str]
) -> list[SuggestionWarning]:
    """Warnings when there are too few coded answers or positive examples to trust."""
    out = []
    if n_answers < MIN_ANSWERS:
        out.append(
            SuggestionWarning(
                "too_few_answers",
                f"Kun {n_answers} kodede svar (under {MIN_ANSWERS}). Forslagene er for "
                "usikre til at stole på; kod svarene selv.",
            )
        )
    for code, n in n_positive.items():
        if n < MIN_POSITIVES:
            out.append(
                SuggestionWarning(
                    "too_few_positives",
                    f"Koden '{labels.get(code, code)}' har kun {n} eksempler (under "
                    f"{MIN_POSITIVES}). Forslag til denne kode er for usikre til at stole på.",
                    code,
                )
            )
    return out


# -- helpers ----------------------------------------------------------------------------


def _texts(texts: Sequence[Any] | pd.Series) -> list[str]:
    values = texts.tolist() if isinstance(texts, pd.Series) else list(texts)
    return ["" if is_blank(t) else str(t) for t in values]


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")


def _check_codes(codes: Sequence[str], sets: list[frozenset[str]], n: int) -> list[str]:
    codes = list(codes)
    if not codes:
        raise ValueError("no codes to learn: give the codebook's codes or code some answers")
    if len(sets) != n:
        raise ValueError(f"{n} texts but {len(sets)} code sets")
    unknown = sorted({c for s in sets for c in s} - set(codes))
    if unknown:
        raise ValueError(f"code set(s) use codes not in the code list: {', '.join(unknown)}")
    return codes


def _matrix(sets: list[frozenset[str]], codes: list[str]) -> np.ndarray:
    return np.array([[c in s for c in codes] for s in sets], dtype=int).reshape(
        len(sets), len(codes)
    )


def _fit(pipeline: Pipeline, texts: list[str], y: np.ndarray) -> None:
    with warnings.catch_warnings():
        # A code absent (or present everywhere) in the training answers gets a constant
        # prediction; scikit-learn warns about it, and the too-few warnings cover it.
        warnings.filterwarnings("ignore", message="Label .* is present in all training")
        pipeline.fit(texts, y)


def _predict(pipeline: Pipeline, texts: list[str], n_codes: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, n_codes))
    probs = np.asarray(pipeline.predict_proba(texts), dtype=float)
    if n_codes == 1 and probs.ndim == 2 and probs.shape[1] == 2:
        probs = probs[:, 1:]  # one code: scikit-learn gives both classes' probabilities
    return probs.reshape(len(texts), n_codes)


def _kappa(human: np.ndarray, machine: np.ndarray) -> float | None:
    """Cohen's kappa, ``None`` when undefined (both constant and equal)."""
    if len(set(human.tolist()) | set(machine.tolist())) < 2:
        return None
    return float(cohen_kappa_score(human.astype(int), machine.astype(int), labels=[0, 1]))
