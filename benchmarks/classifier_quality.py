"""Quality of the suggested codes: cross-validated agreement with the human codes.

    uv run python benchmarks/classifier_quality.py

Uses the synthetic Danish open answers of the tests (tests/coding/synthetic.py: answers to
"vigtigste udfordring" built from distinct phrases per theme, with their true codes) at
several sizes, once as they are and once with 15 % of the answers given a wrong code set
(as when coders are inconsistent). For each it runs samspil.coding.evaluate (5-fold
cross-validation) and prints the pooled kappa at probability 0.5, the range of per-code
kappas, and at thresholds 0.7 and 0.9 the share of answers that get a pre-tick, the
precision of the pre-ticks and the recall (share of the human codes that were pre-ticked),
and the number of warnings. Synthetic phrases make these figures optimistic: real answers
are vaguer and fewer.
"""

from __future__ import annotations

import random
import sys
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.coding.synthetic import WEIGHTS, answers

from samspil.coding import load_codebook
from samspil.coding.classifier import evaluate

VARIABLE = "udf_vigtigste"


def with_noise(codes: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """Give ``share`` of the answers one random other code instead of their codes."""
    rng = random.Random(seed)
    ids = sorted(codes["respondent_id"].unique())
    wrong = set(rng.sample(ids, round(share * len(ids))))
    kept = codes[~codes["respondent_id"].isin(wrong)]
    replaced = [
        {"respondent_id": i, "variable": VARIABLE, "code": rng.choice(list(WEIGHTS))}
        for i in sorted(wrong)
    ]
    return pd.concat([kept, pd.DataFrame(replaced)], ignore_index=True)


def recall(evaluation: object) -> float:
    codes = evaluation.codes  # type: ignore[attr-defined]
    hits = (codes["pre_tick_precision"].fillna(0) * codes["n_pre_ticked"]).sum()
    return float(hits / codes["n_positive"].sum())


def main() -> None:
    codebook = load_codebook("kd2024")
    header = (
        f"{'answers':>7} {'noise':>5} {'kappa':>5} {'per code':>11} "
        f"{'t':>4} {'ticked':>6} {'prec.':>5} {'recall':>6} {'warn':>4}"
    )
    print(header)
    for n in (30, 60, 120, 240):
        texts, codes = answers(n, seed=11)
        for noise in (0.0, 0.15):
            final = with_noise(codes, noise, seed=n) if noise else codes
            for threshold in (0.7, 0.9):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ev = evaluate(texts, final, VARIABLE, codebook, threshold=threshold)
                per_code = ev.codes["cohen_kappa"].dropna()
                s = ev.summary
                print(
                    f"{n:>7} {noise:>5.0%} {s['pooled_kappa']:>5.2f} "
                    f"{per_code.min():>5.2f}-{per_code.max():<5.2f} {threshold:>4} "
                    f"{s['share_answers_pre_ticked']:>6.0%} "
                    f"{(s['pre_tick_precision'] or 0):>5.2f} {recall(ev):>6.0%} "
                    f"{len(ev.warnings):>4}"
                )


if __name__ == "__main__":
    main()
