"""Upgrades keep every answer (issue 24 item 3).

Each folder under tests/fixtures/upgrade/ holds a database made by an earlier release's code
(``scripts/make-upgrade-fixture``) and that code's exports of it. The current code migrates a
copy and exports again: every study's answers export is identical, and every register export
keeps every row and, in the columns (CSV) or keys (JSON) that existed before, every value.

And every migration that cannot be undone (a RunPython or RunSQL without a reverse) is named
in docs/deploy.md's section "Upgrading".
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.processes import process_env

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (ROOT / "tests" / "fixtures" / "upgrade").iterdir() if p.is_dir())


def _env(data: Path) -> dict[str, str]:
    env = process_env(
        {
            "DATABASE_URL": f"sqlite:///{data / 'samspil.sqlite3'}",
            "SAMSPIL_DATA_DIR": str(data),
            "DJANGO_SETTINGS_MODULE": "samspil.web.settings",
            "PYTHONPATH": str(ROOT / "src"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert done.returncode == 0, f"{args}: {done.stderr}"


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    return list(reader.fieldnames or []), list(reader)


# Intended changes of the register exports since a fixture was made, each with its reason:
# (file, column or key) -> a test of the value before and after.
CHANGED: dict[tuple[str, str], Any] = {
    # issue 18 item 10 (commit 20d13c6): an absent e-mail is null in the nested JSON.
    ("organizations.json", "email"): lambda before, after: before == "" and after is None,
    # migration register/0006_freshness: every service's verification date is its last save.
    ("services.csv", "assured_date"): lambda before, after: before == "" and len(after) == 10,
    # issue 23 item 4 (migration register/0007_regforms_role_labels): roles in Danish only.
    ("popolo.json", "label"): lambda before, after: (
        before in ("Ansvarlig (lead)", "Bidragyder (funder)") and after == before.split(" (")[0]
    ),
}
# Files whose rows may grow (every row before is still there, unchanged): the code's own lists.
MORE_ROWS = {
    "taxonomy_terms.csv": "0006_freshness: the term ikke_bekraeftet of the verification status",
}


def _allowed(file: str, key: str, before: Any, after: Any) -> bool:
    test = CHANGED.get((file, key))
    return bool(test and test(before, after))


def _kept(before: Any, after: Any, where: str, file: str = "", key: str = "") -> list[str]:
    """Where ``after`` lost or changed something ``before`` had (new keys are allowed)."""
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return [f"{where}: no longer an object"]
        problems = []
        for name, value in before.items():
            if name not in after:
                problems.append(f"{where}.{name}: gone")
            else:
                problems += _kept(value, after[name], f"{where}.{name}", file, name)
        return problems
    if isinstance(before, list):
        if not isinstance(after, list) or len(after) != len(before):
            return [f"{where}: {len(before)} items before, not the same after"]
        return [
            problem
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for problem in _kept(b, a, f"{where}[{i}]", file, key)
        ]
    if before == after or _allowed(file, key, before, after):
        return []
    return [f"{where}: {before!r} became {after!r}"]


def _compare_register_file(before: Path, after: Path) -> list[str]:
    name = after.name
    if not after.is_file():
        return [f"{name}: not written any more"]
    if before.suffix == ".json":
        old_json = json.loads(before.read_text("utf-8"))
        return _kept(old_json, json.loads(after.read_text("utf-8")), name, name)
    columns, old = _csv_rows(before)
    new_columns, new = _csv_rows(after)
    gone = [c for c in columns if c not in new_columns]
    if gone:
        return [f"{name}: columns {gone} gone"]
    if name in MORE_ROWS:
        kept = [{c: row[c] for c in columns} for row in new]
        return [f"{name}: row {i + 2} gone or changed" for i, r in enumerate(old) if r not in kept]
    if len(old) != len(new):
        return [f"{name}: {len(old)} rows before, {len(new)} after"]
    return [
        f"{name} row {i + 2} column {c}: {row[c]!r} became {now[c]!r}"
        for i, (row, now) in enumerate(zip(old, new, strict=True))
        for c in columns
        if row[c] != now[c] and not _allowed(name, c, row[c], now[c])
    ]


@pytest.mark.slow
@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_a_database_of_an_earlier_release_migrates_and_exports_the_same_answers_and_register(
    fixture, tmp_path
):
    manifest = json.loads((fixture / "fixture.json").read_text(encoding="utf-8"))
    data = tmp_path / "data"
    data.mkdir()
    with (
        gzip.open(fixture / "samspil.sqlite3.gz") as src,
        (data / "samspil.sqlite3").open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst)
    env = _env(data)
    _run(env, "-m", "django", "migrate", "--verbosity", "0")
    after = tmp_path / "after"
    after.mkdir()
    for command in manifest["commands"]:
        _run(env, "-m", "samspil.cli", *(part.replace("{out}", str(after)) for part in command))

    expected = fixture / "expected"
    answers = sorted(expected.glob("answers-*.csv"))
    assert len(answers) == 2 * len(manifest["studies"]) >= 2
    for path in answers:
        assert (after / path.name).read_bytes() == path.read_bytes(), path.name
    # The fixture holds real answers: text with Danish letters, quotes and a line break.
    assert 'æøå, ""citat""; linje\nto' in answers[0].read_text(encoding="utf-8")

    problems: list[str] = []
    folders = sorted(expected.glob("register-*"))
    assert [f.name for f in folders] == ["register-csv", "register-hsds", "register-popolo"]
    for folder in folders:
        files = sorted(folder.iterdir())
        assert files, folder.name
        for path in files:
            problems += _compare_register_file(path, after / folder.name / path.name)
    assert problems == []


def _classify(migration: Any) -> str:
    """ "irreversible" (a RunPython/RunSQL without a reverse), "keeps" (a data step whose
    reverse does nothing: going back leaves the data as it is) or "" (fully reversible)."""
    from django.db import migrations

    kind = ""
    for operation in migration.operations:
        if isinstance(operation, migrations.RunPython | migrations.RunSQL):
            if not operation.reversible:
                return "irreversible"
            if (
                isinstance(operation, migrations.RunPython)
                and operation.code is not migrations.RunPython.noop
                and operation.reverse_code is migrations.RunPython.noop
            ):
                kind = "keeps"
    return kind


def _migrations_to_state() -> dict[str, str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = {}
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if migration.__module__.startswith("samspil.") and (kind := _classify(migration)):
            found[f"{app}/{name}"] = kind
    return found


def _upgrading_section() -> str:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    start = text.index("## Upgrading")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _documented() -> dict[str, str]:
    """The rows `app/migration` | what going back does, of the Upgrading section's table."""
    rows = re.findall(r"^\| `(\w+/\d{4}_\w+)` \| (.+?) \|$", _upgrading_section(), re.M)
    return dict(rows)


def test_every_migration_that_cannot_be_fully_reversed_is_named_in_the_upgrading_docs():
    found = _migrations_to_state()
    assert "register/0006_freshness" in found  # its backfill is not undone going back
    documented = _documented()
    assert sorted(documented) == sorted(found), "docs/deploy.md, Upgrading: the table"
    for name, kind in found.items():
        says = documented[name].lower()
        assert ("cannot be reversed" in says) == (kind == "irreversible"), name


def test_a_data_migration_without_a_reverse_counts_as_irreversible():
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        pass

    class NoReverse(migrations.Migration):
        operations = [migrations.RunPython(forwards)]

    class NoopReverse(migrations.Migration):
        operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

    class SqlNoReverse(migrations.Migration):
        operations = [migrations.RunSQL("SELECT 1")]

    class Reversible(migrations.Migration):
        operations = [migrations.RunPython(forwards, forwards)]

    assert _classify(NoReverse("0009_x", "demo")) == "irreversible"
    assert _classify(SqlNoReverse("0009_x", "demo")) == "irreversible"
    assert _classify(NoopReverse("0009_x", "demo")) == "keeps"
    assert _classify(Reversible("0009_x", "demo")) == ""


def test_the_register_comparison_finds_a_lost_value_column_row_and_key(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    (before / "contacts.csv").write_text("id,email\n1,a@example.org\n2,\n", encoding="utf-8")
    (before / "organizations.json").write_text(
        '[{"id": "1", "email": "a@example.org", "contacts": [{"email": ""}]}]', encoding="utf-8"
    )
    cases = {
        "id,email\n1,a@example.org\n2,\n": [],
        "id,email,new\n1,a@example.org,x\n2,,y\n": [],
        "id,email\n1,b@example.org\n2,\n": ["contacts.csv row 2 column email: 'a@example.org'"],
        "id\n1\n2\n": ["contacts.csv: columns ['email'] gone"],
        "id,email\n1,a@example.org\n": ["contacts.csv: 2 rows before, 1 after"],
    }
    for text, expected in cases.items():
        (after / "contacts.csv").write_text(text, encoding="utf-8")
        found = _compare_register_file(before / "contacts.csv", after / "contacts.csv")
        assert [p[: len(e)] for p, e in zip(found, expected, strict=False)] == expected
        assert len(found) == len(expected), text
    json_cases = {
        '[{"id": "1", "email": "a@example.org", "contacts": [{"email": null}], "x": 1}]': 0,
        '[{"id": "1", "email": null, "contacts": [{"email": null}]}]': 1,
        '[{"id": "1", "contacts": [{"email": ""}]}]': 1,
        '[{"id": "1", "email": "a@example.org", "contacts": []}]': 1,
    }
    for text, count in json_cases.items():
        (after / "organizations.json").write_text(text, encoding="utf-8")
        found = _compare_register_file(before / "organizations.json", after / "organizations.json")
        assert len(found) == count, (text, found)
