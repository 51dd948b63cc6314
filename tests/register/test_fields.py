"""A civil actor's field is defined once, in the field table (samspil.register.fields):
the import's columns and checks, the CSV export, the edit page and the public search all
read it, so one changed row reaches every path (issue 22, item 3)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from samspil.cli import main
from samspil.register import actions, fields, formats, forms, importer
from samspil.register.fields import ActorField, FieldError
from samspil.register.models import Organization

HEADER = ",".join(fields.COLUMNS) + "\n"


def test_the_import_export_and_edit_page_take_their_fields_from_the_table():
    assert formats.ACTOR_COLUMNS == importer.COLUMNS == fields.COLUMNS
    assert fields.COLUMNS == (
        "name", "type", "kommune", "cvr", "address", "postcode", "city", "email", "phone",
        "website", "areas", "target_groups",
    )  # fmt: skip
    assert actions.ACTOR_FIELDS == fields.EDITED
    assert set(forms.ActorForm.Meta.fields) <= set(fields.EDITED)
    model_fields = {f.name for f in Organization._meta.get_fields()}
    assert {f.name for f in fields.ACTOR_FIELDS if f.on == "actor"} <= model_fields


def _phone(text: str) -> str:
    digits = text.replace(" ", "")
    if not digits.isdigit():
        raise FieldError(f"{text!r} is not a phone number")
    return text


@pytest.fixture
def searchable_phone(monkeypatch):  # type: ignore[no-untyped-def]
    """The table with one row changed: the phone is checked, searched and exported
    without spaces - nothing else is edited."""
    changed = tuple(
        dataclasses.replace(
            f, parse=_phone, searched=lambda v: [v], cell=lambda v: v.replace(" ", "")
        )
        if f.name == "phone"
        else f
        for f in fields.ACTOR_FIELDS
    )
    monkeypatch.setattr(fields, "ACTOR_FIELDS", changed)
    return changed


@pytest.mark.django_db(transaction=True)
def test_one_changed_row_reaches_the_import_the_search_and_the_export(
    tmp_path: Path, capsys, searchable_phone
):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Klub,lokale,Aarhus,,,,,,ring os,,,\n", encoding="utf-8")
    assert main(["register", "import", "--actors", str(bad)]) == 2
    assert f"{bad}, row 2, column 'phone': 'ring os' is not a phone number" in (
        capsys.readouterr().err
    )
    good = tmp_path / "good.csv"
    row = "Klub,lokale,Aarhus,,Torvet 1,8000,Aarhus C,,86 12 34 56,,kultur,unge\n"
    good.write_text(HEADER + row, encoding="utf-8")
    assert main(["register", "import", "--actors", str(good)]) == 0
    club = Organization.objects.get(name="Klub")
    # the import's text (column by column) is the one an edit makes (the model's)
    assert "86 12 34 56" in club.search_text
    assert club.search_text == club.make_search_text()
    club.phone = "70 20 30 40"
    club.save()
    assert "70 20 30 40" in club.search_text and "86 12" not in club.search_text
    out = tmp_path / "export"
    assert main(["register", "export", "--format", "csv", "--out", str(out)]) == 0
    exported = list(csv.DictReader((out / "actors.csv").open(encoding="utf-8")))
    assert [r["phone"] for r in exported] == ["70203040"]


@pytest.mark.django_db(transaction=True)
def test_the_import_runs_the_model_fields_own_validators(tmp_path: Path, capsys):
    """The checks of the edit page's form (the model field's validators) are the import's:
    a value too long for its field is refused naming row and column, not cut off."""
    path = tmp_path / "long.csv"
    too_long = "1" * 41
    path.write_text(HEADER + f"Klub,lokale,Aarhus,,,,,,{too_long},,,\n", encoding="utf-8")
    assert main(["register", "import", "--actors", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, row 2, column 'phone': Ensure this value has at most 40 characters" in err
    assert Organization.objects.count() == 0


def test_a_field_row_says_what_its_cell_means():
    areas = fields.FIELDS["areas"]
    assert areas.parse("Sundhed og forebyggelse; kultur; kultur") == ["sundhed", "kultur"]
    with pytest.raises(FieldError) as refused:
        areas.parse("sport;kultur;leg")
    assert len(refused.value.messages) == 2
    assert fields.FIELDS["website"].parse("example.org") == "https://example.org"
    assert isinstance(fields.FIELDS["name"], ActorField)


def test_the_field_table_imports_no_django():
    """Pure, as formats.py and synthetic.py that read its columns."""
    import subprocess
    import sys

    code = (
        "import sys, samspil.register.fields, samspil.register.synthetic; "
        "print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
