"""Coding of open answers: codebooks as data, agreement between two coders,
adjudication into final codes, theme tables for the reports and suggested codes.

See docs/coding.md. The classifier (``samspil.coding.classifier``) is imported on demand
so that loading a codebook does not import scikit-learn's model code.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

# name -> submodule; imported on first use (PEP 562), so ``samspil --help`` and the
# coding command-line module do not import scikit-learn or pandas.
_WHERE = {
    "disagreements": "adjudication",
    "final_codes": "adjudication",
    "AgreementReport": "agreement",
    "agreement": "agreement",
    "binary_agreement": "agreement",
    "krippendorff_alpha_nominal": "agreement",
    "quotes": "report_tables",
    "theme_shares": "report_tables",
    "CodebookError": "loader",
    "bundled_codebooks": "loader",
    "load_codebook": "loader",
    "load_codebook_file": "loader",
    "CodingInputError": "records",
    "Codebook": "schema",
    "CodedQuestion": "schema",
    "Subtheme": "schema",
    "Theme": "schema",
}

if TYPE_CHECKING:
    from samspil.coding.adjudication import disagreements, final_codes
    from samspil.coding.agreement import (
        AgreementReport,
        agreement,
        binary_agreement,
        krippendorff_alpha_nominal,
    )
    from samspil.coding.loader import (
        CodebookError,
        bundled_codebooks,
        load_codebook,
        load_codebook_file,
    )
    from samspil.coding.records import CodingInputError
    from samspil.coding.report_tables import quotes, theme_shares
    from samspil.coding.schema import Codebook, CodedQuestion, Subtheme, Theme


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"samspil.coding.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


class _Package(ModuleType):
    """``samspil.coding.agreement`` is both a submodule and the function the package
    exports; importing the submodule must not replace the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and name in _WHERE and _WHERE[name] == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
