"""Coding of open answers: codebooks as data, agreement between two coders,
adjudication into final codes, theme tables for the reports and suggested codes.

See docs/coding.md. The classifier (``samspil.coding.classifier``) is imported on demand
so that loading a codebook does not import scikit-learn's model code.
"""

from __future__ import annotations

from samspil.coding.adjudication import disagreements, final_codes
from samspil.coding.agreement import (
    AgreementReport,
    agreement,
    binary_agreement,
    krippendorff_alpha_nominal,
)
from samspil.coding.figures import quotes, theme_shares
from samspil.coding.loader import (
    CodebookError,
    bundled_codebooks,
    load_codebook,
    load_codebook_file,
)
from samspil.coding.records import CodingInputError
from samspil.coding.schema import Codebook, CodedQuestion, Subtheme, Theme

__all__ = [
    "AgreementReport",
    "Codebook",
    "CodebookError",
    "CodedQuestion",
    "CodingInputError",
    "Subtheme",
    "Theme",
    "agreement",
    "binary_agreement",
    "bundled_codebooks",
    "disagreements",
    "final_codes",
    "krippendorff_alpha_nominal",
    "load_codebook",
    "load_codebook_file",
    "quotes",
    "theme_shares",
]
