"""The Django apps never import each other, and the platform below them imports none of
them (issue 22 item 1; docs/layout.md draws the layers).

The apps are fieldwork, coding_web, register and privacy. What they share lives in the
platform (``samspil.web``, and ``samspil.municipalities`` for the places they hang off) or
in the pure core; they reach each other only through the platform's registries (response
sources, personal data, bounces, housekeeping, demo data). The source is parsed with
``ast``, as written: an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "samspil"
APPS = ("fieldwork", "coding_web", "register", "privacy")
PLATFORM = ("web", "municipalities")

# The project composes the apps: the settings list them (INSTALLED_APPS) and the URL
# configuration mounts them. Both name the apps as strings; they are the only platform
# modules allowed to name an app, and neither imports one.
COMPOSITION = {"web/settings.py", "web/urls.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports (``from . import x`` resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ["samspil", *path.relative_to(PACKAGE).parent.parts]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "samspil" and parts[1] in APPS:
        return parts[1]
    return None


def crossings(owner: str) -> set[tuple[str, str]]:
    """(file, app) for every import of an app other than ``owner`` in ``owner``'s files."""
    out = set()
    for path in sorted((PACKAGE / owner).rglob("*.py")):
        for module in imported_modules(path):
            app = _app_of(module)
            if app is not None and app != owner:
                out.add((path.relative_to(PACKAGE).as_posix(), app))
    return out


def test_no_app_imports_another_app():
    found = set().union(*(crossings(app) for app in APPS))
    assert sorted(found) == []


def test_the_platform_imports_no_app():
    found = {
        (file, app)
        for layer in PLATFORM
        for file, app in crossings(layer)
        if file not in COMPOSITION
    }
    assert sorted(found) == []


def test_the_composition_names_every_app_and_imports_none():
    settings = (PACKAGE / "web" / "settings.py").read_text(encoding="utf-8")
    urls = (PACKAGE / "web" / "urls.py").read_text(encoding="utf-8")
    for app in APPS:
        assert f'"samspil.{app}"' in settings
    for app in APPS:
        assert f'include("samspil.{app}.urls")' in urls
    for file in COMPOSITION:
        assert not {m for m in imported_modules(PACKAGE / file) if _app_of(m)}


def test_the_check_sees_an_import_between_apps(tmp_path, monkeypatch):
    """The walk is not vacuous: a written import, relative or absolute, is found."""
    app = tmp_path / "samspil" / "register"
    app.mkdir(parents=True)
    (app / "views.py").write_text(
        "def f():\n    from samspil.fieldwork.models import Study\nfrom ..privacy import audit\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "PACKAGE", tmp_path / "samspil")
    assert crossings("register") == {
        ("register/views.py", "fieldwork"),
        ("register/views.py", "privacy"),
    }
