"""The coding workbench reaches fieldwork only through the core boundary: a study is a
source of ``Responses`` (samspil.web.response_sources); uploads and roles are checked by
samspil.web. No module of samspil.coding_web imports samspil.fieldwork."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import samspil.coding_web

PACKAGE = Path(samspil.coding_web.__file__).parent


def imported_modules(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module a file under ``root`` (the folder of samspil.coding_web) imports:
    ``import a.b``, ``from a.b import c`` (as ``a.b`` and ``a.b.c``), relative imports
    resolved, and a literal name handed to ``import_module`` or ``__import__``."""
    package = ".".join(["samspil", "coding_web", *path.relative_to(root).parent.parts])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            parent = package.rsplit(".", node.level - 1)[0] if node.level else ""
            base = ".".join(p for p in (parent, node.module or "") if p)
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("import_module", "__import__"):
                found.add(str(node.args[0].value))
    return found


def fieldwork_imports(path: Path, root: Path = PACKAGE) -> list[str]:
    modules = imported_modules(path, root)
    return sorted(m for m in modules if m.split(".")[:2] == ["samspil", "fieldwork"])


def test_no_coding_web_module_imports_fieldwork():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10  # the package was found and walked
    found = {str(f.relative_to(PACKAGE)): fieldwork_imports(f) for f in files}
    assert {name: modules for name, modules in found.items() if modules} == {}


@pytest.mark.parametrize(
    "line",
    [
        "from samspil.fieldwork.models import Study",
        "import samspil.fieldwork.export",
        "from samspil import fieldwork",
        "from ..fieldwork import access",
        "importlib.import_module('samspil.fieldwork.export')",
    ],
)
def test_the_check_sees_every_way_of_importing_fieldwork(tmp_path, line):
    module = tmp_path / "views.py"
    module.write_text(f"{line}\n", encoding="utf-8")
    assert fieldwork_imports(module, root=tmp_path)


def test_the_check_lets_the_web_boundary_through(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("from samspil.web.response_sources import source\nfrom . import forms\n")
    assert fieldwork_imports(module, root=tmp_path) == []


def test_a_study_is_a_source_of_responses_for_the_workbench(db):
    from samspil.web.response_sources import source

    studies = source("study")  # registered by the fieldwork app when Django starts
    assert studies.visible.__module__ == "samspil.fieldwork.access"
    assert callable(studies.responses)


def test_a_source_name_is_taken_once_but_may_be_registered_again_by_its_app(db):
    from samspil.web.response_sources import ResponseSource, register_source, source

    study = source("study")
    again = ResponseSource("study", study.visible, study.responses, study.report_basis)
    register_source(again)  # set-up again
    assert source("study") == study  # nothing lost (the report basis included)
    with pytest.raises(ValueError, match="already registered"):
        register_source(ResponseSource("study", study.visible, lambda other: other))
    assert source("study") == study
