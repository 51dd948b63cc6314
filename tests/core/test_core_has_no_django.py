"""The core imports no Django, directly or transitively: it runs without the web apps."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "samspil.analysis",
    "samspil.reports",
    "samspil.importing",
    "samspil.instruments",
    "samspil.questions",
    "samspil.coding",
    "samspil.responses",
    "samspil.exports",
    "samspil.codebook",
    "samspil.errors",
    "samspil.cli",
]

PROGRAM = """
import importlib, pkgutil, sys
names = sys.argv[1:]
for name in list(names):
    module = importlib.import_module(name)
    if hasattr(module, "__path__"):
        names += [m.name for m in pkgutil.walk_packages(module.__path__, name + ".")]
for name in names:
    importlib.import_module(name)
    leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
    if leaked:
        sys.exit(f"{name} imports {leaked[0]}")
print(len(names))
"""


def test_no_core_module_imports_django_even_transitively():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *CORE], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > len(CORE)  # the sub-modules were walked too
