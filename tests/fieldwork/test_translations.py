"""The Danish interface is Danish: every catalogue entry translated and none fuzzy, and
every string the code and templates mark for translation is in a catalogue (issue 9,
item 2: the English "Choose" and "please specify" reached every respondent)."""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "samspil"
CATALOGUES = sorted(PACKAGE.glob("*/locale/da/LC_MESSAGES/django.po"))


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def untranslated(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr.values())


def read_po(path: Path) -> list[Entry]:
    """A gettext catalogue's entries (the header and obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry
        if entry.msgid or entry.msgctxt is not None:  # not the header
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            text, rest = ast.literal_eval(line), ""
            keyword = ""
        else:
            text = ast.literal_eval(rest)
        if keyword == "msgctxt":
            if entry.msgid or entry.msgstr:
                finish()
            entry.msgctxt, target = text, ("msgctxt", 0)
        elif keyword == "msgid":
            if entry.msgstr:
                finish()
            entry.msgid, entry.line, target = text, number, ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = text, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], target = text, ("msgstr", index)
        elif keyword == "" and target is not None:
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += text
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            elif name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + text
            else:
                entry.msgid += text
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def problems(path: Path) -> list[str]:
    found = []
    for entry in read_po(path):
        if "fuzzy" in entry.flags:
            found.append(f"{path.name}:{entry.line}: fuzzy: {entry.msgid!r}")
        elif entry.untranslated:
            found.append(f"{path.name}:{entry.line}: untranslated: {entry.msgid!r}")
    return found


def test_the_reader_sees_fuzzy_and_untranslated_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: da\\n"\n\n'
        '#, fuzzy\nmsgid "Choose a study."\nmsgstr "Vælg en undersøgelse."\n\n'
        'msgid "Choose"\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "en"\nmsgstr[1] ""\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr ""\n"Lang "\n"tekst"\n',
        encoding="utf-8",
    )
    assert [e.msgid for e in read_po(po)] == ["Choose a study.", "Choose", "one", "Long text"]
    assert read_po(po)[3].msgstr == {0: "Lang tekst"}
    assert [p.split(": ", 1)[1] for p in problems(po)] == [
        "fuzzy: 'Choose a study.'",
        "untranslated: 'Choose'",
        "untranslated: 'one'",
    ]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_danish_catalogue_has_no_untranslated_or_fuzzy_entry(catalogue):
    assert read_po(catalogue), f"{catalogue} is empty"
    assert problems(catalogue) == []


def test_every_app_with_texts_has_a_danish_catalogue():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"web", "fieldwork", "coding_web", "privacy", "register"} <= apps


# Which sources each catalogue covers: the platform's (web, municipalities) has its own.
SOURCES = {
    "web": ["web", "municipalities"],
    "fieldwork": ["fieldwork"],
    "coding_web": ["coding_web"],
    "register": ["register"],
    "privacy": ["privacy"],
}


@pytest.mark.parametrize("app", sorted(SOURCES))
def test_every_marked_string_is_translated(app, tmp_path, monkeypatch):
    """makemessages over a copy of the sources, merged into a copy of the catalogue: a
    string the code or a template marks for translation but the catalogue lacks comes out
    untranslated (or fuzzy, matched to a similar one)."""
    from django.core.management import call_command

    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("gettext is missing: run ./dev setup (installs Debian's gettext)")
    for source in SOURCES[app]:
        shutil.copytree(
            PACKAGE / source,
            tmp_path / source,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "migrations", "*.mo"),
        )
    shutil.copytree(PACKAGE / app / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["da"], no_location=True, no_obsolete=True, verbosity=0)
    merged = tmp_path / "locale" / "da" / "LC_MESSAGES" / "django.po"
    assert problems(merged) == []
