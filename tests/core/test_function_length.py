"""No function of the core is longer than 60 lines (issue 7: long functions are split;
complexity over 15 is refused by ruff's C901 everywhere, see pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "samspil"
CORE = [
    "analysis",
    "reports",
    "importing",
    "instruments",
    "questions",
    "coding",
    "exports.py",
    "responses.py",
    "codebook.py",
]
LIMIT = 60


def long_functions(path: Path, limit: int = LIMIT) -> list[str]:
    """``file:line name (n lines)`` of every function or method over ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > limit:
                found.append(f"{path.name}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_core_function_is_longer_than_60_lines():
    files = [f for name in CORE for f in sorted((PACKAGE / name).rglob("*.py"))]
    files += [PACKAGE / name for name in CORE if name.endswith(".py")]
    assert len(files) > 30
    assert [entry for f in files for entry in long_functions(f)] == []


def test_the_check_counts_a_function_from_its_def_to_its_last_line(tmp_path):
    def function(name: str, lines: int) -> str:
        return "\n".join([f"def {name}():", *(f"    x{i} = {i}" for i in range(lines - 1))])

    module = tmp_path / "example.py"
    module.write_text(f"{function('short', 60)}\n\n\n{function('long', 61)}\n")
    assert long_functions(module) == ["example.py:63 long (61 lines)"]
