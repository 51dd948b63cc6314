"""No module of samspil is named like a standard-library module: `./dev setup` compiles
the translations with the working directory in ``src/samspil``, where such a module would
shadow the standard library's (a ``numbers.py`` there broke Django's ``decimal``)."""

from __future__ import annotations

import sys
from pathlib import Path

import samspil

PACKAGE = Path(samspil.__file__).parent


def test_no_samspil_module_shadows_a_standard_library_module():
    names = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()
    }
    assert not sorted(names & set(sys.stdlib_module_names))
