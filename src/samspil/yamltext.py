"""YAML text to Python values: the one place that picks the parser.

libyaml's C parser when PyYAML was built with it (several times faster than the pure-Python
one on the bundled questionnaires, report definitions and codebooks; the same safe
constructor and resolver, so the same values), else the pure-Python one.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["YAMLError", "safe_load"]

YAMLError = yaml.YAMLError
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The one document in ``text`` (``yaml.safe_load``, faster)."""
    return yaml.load(text, Loader=_LOADER)
