"""A small synthetic Danish data set of open answers with known codes (deterministic)."""

from __future__ import annotations

import random

import pandas as pd

from samspil.coding import Codebook

SNIPPETS: dict[str, list[str]] = {
    "arbejdskraft": [
        "mangel på arbejdskraft",
        "rekruttering af medarbejdere",
        "at fastholde personale i ældreplejen",
        "svært at rekruttere sygeplejersker og pædagoger",
        "mangel på kvalificeret arbejdskraft",
        "at tiltrække og fastholde medarbejdere",
        "for få hænder i velfærden",
        "rekrutteringsudfordringer på hele området",
    ],
    "oekonomisk_pres": [
        "økonomisk pres",
        "en stram økonomi",
        "for få midler til velfærden",
        "budgettet hænger ikke sammen",
        "udgiftspres og besparelser",
        "økonomien er presset",
        "manglende økonomiske ressourcer",
        "at få økonomien til at balancere",
    ],
    "demografi": [
        "flere ældre borgere",
        "den demografiske udvikling",
        "en aldrende befolkning",
        "fraflytning fra landdistrikterne",
        "færre børn og flere ældre",
        "befolkningsudviklingen i kommunen",
        "at de unge flytter til de store byer",
        "stigende antal ældre over 80 år",
    ],
    "forventningskloeft": [
        "borgernes forventninger er for høje",
        "en forventningskløft mellem borgere og kommune",
        "borgerne forventer mere service end vi kan levere",
        "stigende forventninger fra borgerne",
        "kløften mellem forventninger og muligheder",
        "at afstemme forventninger med borgerne",
    ],
    "omraadeudfordring": [
        "det specialiserede socialområde",
        "klimatilpasning og kystsikring",
        "børn og unges mistrivsel",
        "udgifterne på det specialiserede område",
        "den grønne omstilling",
        "psykiatrien og misbrugsområdet",
    ],
    "andet": [
        "digitalisering og kunstig intelligens",
        "tillid mellem politikere og administration",
        "sammenhængskraften i lokalsamfundet",
        "lovgivningen fra Christiansborg",
    ],
}

OPENERS = ["", "Den vigtigste udfordring er ", "Helt klart ", "For os er det ", "Nok "]
JOINERS = [" og ", ", ", ". Desuden ", " samt "]
# Code frequencies roughly like figure 4.1 (several codes per answer possible).
WEIGHTS = {
    "arbejdskraft": 0.38,
    "oekonomisk_pres": 0.39,
    "demografi": 0.28,
    "forventningskloeft": 0.22,
    "omraadeudfordring": 0.25,
    "andet": 0.10,
}


def answers(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(texts, final_codes)`` for ``n`` answers to udf_vigtigste, reproducible."""
    rng = random.Random(seed)
    texts, codes = [], []
    for i in range(1, n + 1):
        chosen = [c for c, w in WEIGHTS.items() if rng.random() < w][:3]
        if not chosen:
            chosen = [rng.choice(list(WEIGHTS))]
        parts = [rng.choice(SNIPPETS[c]) for c in chosen]
        text = rng.choice(OPENERS) + rng.choice(JOINERS).join(parts) + "."
        texts.append({"respondent_id": i, "variable": "udf_vigtigste", "text": text})
        codes += [{"respondent_id": i, "variable": "udf_vigtigste", "code": c} for c in chosen]
    return pd.DataFrame(texts), pd.DataFrame(codes)


def two_level_codebook() -> Codebook:
    """Question ``q1``: theme ``oekonomi`` (subthemes ``besparelser``, ``udgiftspres``) and
    a one-level ``andet``."""
    return Codebook.model_validate(
        {
            "id": "toniveau",
            "instrument": "eksempel",
            "questions": [
                {
                    "variable": "q1",
                    "label": "Eksempel",
                    "themes": [
                        {
                            "code": "oekonomi",
                            "label": "Økonomi",
                            "subthemes": [
                                {"code": "besparelser", "label": "Besparelser"},
                                {"code": "udgiftspres", "label": "Udgiftspres"},
                            ],
                        },
                        {"code": "andet", "label": "Andet"},
                    ],
                }
            ],
        }
    )
