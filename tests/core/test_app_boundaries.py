"""The Django apps never import each other, and the platform below them imports none of
them (issue 22 item 1; docs/layout.md draws the layers).

The apps are fieldwork, coding_web, register and privacy. What they share lives in the
platform (``samspil.web``, and ``samspil.municipalities`` for the places they hang off) or
in the pure core; they reach each other only through the platform's registries (response
sources, personal data, bounces, housekeeping, demo data, the study page's parts). The
source is parsed with ``ast``, as written: an import inside a function counts as much as
one at the top.

Templates count too: an app's templates name no other app's URL (``{% url %}``), load no
other app's template tags and extend or include no other app's template; the platform's
name none. The pages every app shares (the base pages, log-in, the accessibility
statement) are the platform's, and a link to an object of another app is the object's own
``get_absolute_url``.
"""

from __future__ import annotations

import ast
import re
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


URL_TAG = re.compile(r"{%\s*url\s+['\"]([^'\"]+)['\"]")
LOAD_TAG = re.compile(r"{%\s*load\s+([\w ]+?)\s*%}")
TEMPLATE_TAG = re.compile(r"{%\s*(?:include|extends)\s+['\"]([^'\"]+)['\"]")


def _owners() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Who owns each URL name, template tag library and template (by its name)."""
    urls, tags, templates = {}, {}, {}
    for owner in (*APPS, *PLATFORM):
        root = PACKAGE / owner
        if (root / "urls.py").is_file():
            text = (root / "urls.py").read_text(encoding="utf-8")
            urls.update(dict.fromkeys(re.findall(r'name="([^"]+)"', text), owner))
        tags.update({p.stem: owner for p in root.glob("templatetags/*.py")})
        for path in (root / "templates").rglob("*"):
            if path.is_file():
                templates[path.relative_to(root / "templates").as_posix()] = owner
    return urls, tags, templates


def template_crossings(owner: str) -> set[tuple[str, str, str]]:
    """(template, what it names, app) for every URL name, tag library or template of an app
    other than ``owner`` named in ``owner``'s templates."""
    urls, tags, templates = _owners()
    found = set()
    for path in sorted((PACKAGE / owner / "templates").rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        named = [(n, urls.get(n)) for n in URL_TAG.findall(text)]
        named += [(lib, tags.get(lib)) for m in LOAD_TAG.findall(text) for lib in m.split()]
        named += [(t, templates.get(t)) for t in TEMPLATE_TAG.findall(text)]
        file = path.relative_to(PACKAGE).as_posix()
        found |= {(file, name, app) for name, app in named if app in APPS and app != owner}
    return found


def test_no_template_names_another_apps_url_tags_or_templates():
    found = set().union(*(template_crossings(owner) for owner in (*APPS, *PLATFORM)))
    assert sorted(found) == []


def test_the_template_check_sees_a_page_of_another_app(tmp_path, monkeypatch):
    """Not vacuous: a URL name, a tag library and a template of another app are found."""
    root = tmp_path / "samspil"
    (root / "privacy" / "templatetags").mkdir(parents=True)
    (root / "privacy" / "templatetags" / "privacy_tags.py").write_text("", encoding="utf-8")
    (root / "privacy" / "urls.py").write_text('path("x/", v, name="study_privacy")\n')
    (root / "fieldwork" / "templates" / "f").mkdir(parents=True)
    (root / "fieldwork" / "templates" / "f" / "base.html").write_text("", encoding="utf-8")
    (root / "register" / "templates" / "r").mkdir(parents=True)
    (root / "register" / "templates" / "r" / "page.html").write_text(
        '{% extends "f/base.html" %}{% load i18n privacy_tags %}'
        "{% url 'study_privacy' 1 %}{% url 'own' %}",
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "PACKAGE", root)
    assert template_crossings("register") == {
        ("register/templates/r/page.html", "f/base.html", "fieldwork"),
        ("register/templates/r/page.html", "privacy_tags", "privacy"),
        ("register/templates/r/page.html", "study_privacy", "privacy"),
    }
