"""`samspil register import --actors` and `samspil register export`: bad rows, duplicates,
XLSX, a fresh data folder, and HSDS/Popolo/CSV files checked against the standards."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samspil.cli import main
from samspil.register.models import Contact, Location, Organization

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "name,type,kommune,cvr,address,postcode,city,email,phone,website,areas,target_groups\n"
GOOD = HEADER + (
    "Ældresagen Aarhus,Større landsdækkende frivillige organisationer,Aarhus,12345674,"
    "Vestergade 1,8000,Aarhus C,info@example.org,86 12 34 56,example.org,sundhed;Socialopgaver,ældre\n"
    "Boldklubben Øst,lokale,751,,Østergade 2,8000,Aarhus C,,,,kultur,børn;unge\n"
    "Odense Frivilligcenter,Frivilligcentre,Odense Kommune,,,,,kontakt@example.org,,,,\n"
)


def write(tmp_path: Path, text: str, name: str = "aktoerer.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reads_labels_and_codes_and_writes_actors_with_addresses(tmp_path, capsys):
    assert main(["register", "import", "--actors", str(write(tmp_path, GOOD))]) == 0
    assert "3 actors imported" in capsys.readouterr().out
    senior = Organization.objects.get(name="Ældresagen Aarhus")
    assert senior.actor_type == "landsdaek"
    assert senior.areas == ["sundhed", "social"]
    assert senior.target_groups == ["ældre"]
    assert senior.tax_id == "12345674"
    assert senior.website == "https://example.org"
    assert senior.municipality.name == "Aarhus"
    assert Location.objects.get(organization=senior).postal_code == "8000"
    assert Organization.objects.get(name="Odense Frivilligcenter").municipality.code == 461
    assert "Vestergade" in senior.search_text and "Sundhed og forebyggelse" in senior.search_text


def test_a_bad_file_names_file_row_and_column_exits_2_and_imports_nothing(tmp_path, capsys):
    bad = GOOD + (
        "Klub X,sportsklub,Atlantis,12345678,Torvet 1,800,By,nej,,,sport;kultur,\n"
        ",lokale,Aarhus,,Gade 3,,,,,,,\n"
    )
    path = write(tmp_path, bad)
    assert main(["register", "import", "--actors", str(path)]) == 2
    err = capsys.readouterr().err
    for expected in (
        f"{path}, row 5, column 'type': unknown type 'sportsklub'",
        f"{path}, row 5, column 'kommune': 'Atlantis' is not a Danish municipality",
        f"{path}, row 5, column 'cvr': 12345678 fails the CVR check digit",
        f"{path}, row 5, column 'postcode': a postcode has 4 digits",
        f"{path}, row 5, column 'email': 'nej' is not an e-mail address",
        f"{path}, row 5, column 'areas': unknown area 'sport'",
        f"{path}, row 6, column 'name': a value is required",
        f"{path}, row 6, column 'postcode': needed with an address",
    ):
        assert expected in err
    assert Organization.objects.count() == 0


def test_a_missing_or_unknown_column_is_reported_on_row_1(tmp_path, capsys):
    path = write(tmp_path, "name,type,kommune,postnr\nA,lokale,Aarhus,8000\n")
    assert main(["register", "import", "--actors", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, row 1, column 'cvr': required column is missing" in err
    assert f"{path}, row 1, column 'postnr': unknown column" in err


def test_same_cvr_is_held_back_and_similar_name_and_address_imported_for_review(tmp_path, capsys):
    assert main(["register", "import", "--actors", str(write(tmp_path, GOOD))]) == 0
    capsys.readouterr()
    again = HEADER + (
        "Ældre Sagen i Aarhus,landsdaek,Aarhus,12345674,,,,,,,,\n"  # same CVR as the register
        "Boldklubben Oest,lokale,Aarhus,,Østergade 2,8000,Aarhus C,,,,,\n"  # similar to existing
        "Naboklubben,lokale,Aarhus,,Østergade 2,8000,Aarhus C,,,,,\n"  # same address, other name
        "Ny Forening,lokale,Vejle,12345682,,,,,,,,\n"
        "Ny Forening kopi,lokale,Vejle,12345682,,,,,,,,\n"  # same CVR as the row above
    )
    review = tmp_path / "review.csv"
    path = write(tmp_path, again, "igen.csv")
    assert main(["register", "import", "--actors", str(path), "--review", str(review)]) == 0
    out = capsys.readouterr()
    assert "3 actors imported" in out.out
    assert (
        "row 2 (held back): Ældre Sagen i Aarhus: same CVR 12345674 as 'Ældresagen Aarhus'"
        in out.err
    )
    assert (
        "row 3 (imported): Boldklubben Oest: similar name and address to 'Boldklubben Øst'"
        in out.err
    )
    assert "row 6 (held back): Ny Forening kopi: same CVR 12345682 as row 5" in out.err
    assert "Naboklubben" not in out.err
    assert Organization.objects.filter(tax_id="12345674").count() == 1
    assert Organization.objects.filter(name="Boldklubben Oest").exists()
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    assert [(r["row"], r["imported"]) for r in rows] == [("2", "0"), ("3", "1"), ("6", "0")]


def test_xlsx_import(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in csv.reader(GOOD.splitlines()):
        sheet.append(line)
    sheet["D2"] = 12345674  # a number cell, as Excel stores it
    path = tmp_path / "aktoerer.xlsx"
    book.save(path)
    assert main(["register", "import", "--actors", str(path)]) == 0
    assert Organization.objects.get(tax_id="12345674").name == "Ældresagen Aarhus"


def test_import_works_on_a_fresh_data_folder(tmp_path):
    env = {**os.environ, "SAMSPIL_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    path = write(tmp_path, GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "samspil.cli", "register", "import", "--actors", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "3 actors imported" in result.stdout
    assert (tmp_path / "var" / "samspil.sqlite3").is_file()


def _hsds_fields() -> dict[str, tuple[set[str], set[str]]]:
    fields: dict[str, tuple[set[str], set[str]]] = {}
    for row in csv.DictReader((FIXTURES / "hsds_fields.csv").open(encoding="utf-8")):
        known, required = fields.setdefault(row["table_name"], (set(), set()))
        known.add(row["name"])
        if row["required"] == "true":
            required.add(row["name"])
    return fields


def test_hsds_export_uses_hsds_file_and_column_names_and_hides_unconsented_people(
    tmp_path, capsys, aarhus
):
    assert main(["register", "import", "--actors", str(write(tmp_path, GOOD))]) == 0
    actor = Organization.objects.get(name="Boldklubben Øst")
    Contact.objects.create(
        organization=actor, title="Formand", name="Hemmelig Person", email="hemmelig@example.org"
    )
    Contact.objects.create(
        municipality=aarhus,
        topic="Frivillighed",
        title="Frivilligkonsulent",
        name="Offentlig Person",
        email="offentlig@example.org",
        phone="87 65 43 21",
        consent_at=dt.date(2026, 11, 1),
    )
    out = tmp_path / "hsds"
    assert main(["register", "export", "--format", "hsds", "--out", str(out)]) == 0
    fields = _hsds_fields()
    for table, (known, required) in fields.items():
        file = out / f"{table}s.csv" if table != "address" else out / "addresses.csv"
        rows = list(csv.DictReader(file.open(encoding="utf-8")))
        header = set(rows[0].keys()) if rows else set(file.read_text().splitlines()[0].split(","))
        assert header <= known, (table, header - known)
        for row in rows:
            missing = [f for f in required if not row.get(f)]
            assert not missing, (table, missing, row)
    with (out / "organizations.csv").open(encoding="utf-8") as handle:
        assert handle.readline().startswith(
            "id,name,alternate_name,description,email,website,tax_id"
        )
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "hemmelig@example.org" not in text and "Hemmelig Person" not in text
    assert "offentlig@example.org" in text and "87 65 43 21" in text
    contacts = {
        r["title"]: r for r in csv.DictReader((out / "contacts.csv").open(encoding="utf-8"))
    }
    assert contacts["Formand"]["name"] == ""
    assert contacts["Frivilligkonsulent - Frivillighed"]["name"] == "Offentlig Person"
    nested = json.loads((out / "organizations.json").read_text(encoding="utf-8"))
    assert {o["name"] for o in nested} >= {"Boldklubben Øst", "Aarhus Kommune"}


def test_hsds_services_csv_has_hsds_service_columns_and_links_to_the_organization(tmp_path, club):
    from samspil.register.models import Service

    lektier = Service.objects.create(
        organization=club, name="Lektiecafé", description="Hver tirsdag", areas=["skole"]
    )
    Service.objects.create(organization=club, name="Sommerlejr", status="inactive")
    out = tmp_path / "hsds"
    assert main(["register", "export", "--format", "hsds", "--out", str(out)]) == 0
    known, required = _hsds_fields()["service"]
    with (out / "services.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) <= known and required <= set(rows[0])
    assert [(r["name"], r["status"]) for r in rows] == [
        ("Lektiecafé", "active"),
        ("Sommerlejr", "inactive"),
    ]
    assert rows[0]["id"] == str(lektier.uuid) and rows[0]["organization_id"] == str(club.uuid)
    assert rows[0]["description"] == "Hver tirsdag"
    attributes = list(csv.DictReader((out / "attributes.csv").open(encoding="utf-8")))
    assert [
        (a["link_id"], a["link_type"]) for a in attributes if a["link_entity"] == "service"
    ] == [(str(lektier.uuid), "areas")]
    nested = json.loads((out / "organizations.json").read_text(encoding="utf-8"))
    club_json = next(o for o in nested if o["id"] == str(club.uuid))
    assert [s["name"] for s in club_json["services"]] == ["Lektiecafé", "Sommerlejr"]


def test_popolo_export_lists_collaborations_and_memberships(tmp_path, collaboration, club):
    out = tmp_path / "popolo"
    assert main(["register", "export", "--format", "popolo", "--out", str(out)]) == 0
    data = json.loads((out / "popolo.json").read_text(encoding="utf-8"))
    collab = next(o for o in data["organizations"] if o["classification"] == "collaboration")
    assert collab["name"] == "Idræt for ældre" and collab["founding_date"] == "2025-01-01"
    roles = {
        (m["role"], next(o["name"] for o in data["organizations"] if o["id"] == m["member"]["id"]))
        for m in data["memberships"]
    }
    assert roles == {("lead", "Aarhus Kommune"), ("partner", "Boldklubben Øst")}
    assert all(m["organization_id"] == collab["id"] for m in data["memberships"])
    assert all(m["member"]["@type"] == "Organization" for m in data["memberships"])


def test_csv_export_imports_again(tmp_path, capsys):
    assert main(["register", "import", "--actors", str(write(tmp_path, GOOD))]) == 0
    out = tmp_path / "csv"
    assert main(["register", "export", "--format", "csv", "--out", str(out)]) == 0
    exported = (out / "actors.csv").read_text(encoding="utf-8")
    assert exported.startswith(HEADER.strip())
    Organization.objects.all().delete()
    assert main(["register", "import", "--actors", str(out / "actors.csv")]) == 0
    assert Organization.objects.count() == 3
    assert Organization.objects.get(name="Ældresagen Aarhus").areas == ["sundhed", "social"]


def test_a_self_registered_actor_is_in_open_data_only_once_confirmed(tmp_path, club, odense):
    from samspil.register import actions
    from samspil.register.models import Service

    party, token = actions.register_actor(
        "ny@example.org", "langt-og-hemmeligt", "Ny",
        {"name": "Spamforeningen", "actor_type": "lokale", "municipality": odense,
         "phone": "11 22 33 44", "tax_id": ""},
    )  # fmt: skip
    Service.objects.create(organization=party.organization, name="Spamtjeneste")
    Location.objects.create(organization=party.organization, address_1="Spamvej 1",
                            postal_code="5000", city="Odense C")  # fmt: skip

    def exported(name: str) -> str:
        out = tmp_path / name
        for fmt in ("hsds", "csv"):
            assert main(["register", "export", "--format", fmt, "--out", str(out / fmt)]) == 0
        return "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.*"))

    text = exported("before")
    assert "Boldklubben Øst" in text
    for word in ("Spamforeningen", "Spamtjeneste", "Spamvej", "11 22 33 44"):
        assert word not in text
    actions.confirm_registration(token)
    assert "Spamforeningen" in exported("after") and "Spamvej" in exported("again")


def test_every_register_export_is_in_the_audit_log(tmp_path, collaboration):
    from samspil.web.models import AuditEvent

    assert main(["register", "export", "--format", "popolo", "--out", str(tmp_path / "p")]) == 0
    event = AuditEvent.objects.get(action="register_export")
    assert event.target == "popolo p" and event.actor.startswith("kommando:")


def test_imported_actors_get_the_search_text_an_edit_would_give_them(tmp_path):
    import uuid

    assert main(["register", "import", "--actors", str(write(tmp_path, GOOD))]) == 0
    for actor in Organization.objects.all():
        assert actor.search_text == actor.make_search_text()
        assert uuid.UUID(str(actor.uuid)).version == 4
    assert len({a.uuid for a in Organization.objects.all()}) == 3


def test_a_similar_name_without_address_is_reported_against_the_register_too(tmp_path, capsys):
    first = HEADER + "Ungdomsklubben Lyset,lokale,Vejle,,,,,,,,,\n"
    assert main(["register", "import", "--actors", str(write(tmp_path, first))]) == 0
    again = HEADER + "Ungdomsklubben Lyset!,lokale,Vejle,,,,,,,,,\n"
    path = write(tmp_path, again, "igen.csv")
    assert main(["register", "import", "--actors", str(path)]) == 0
    assert (
        "row 2 (imported): Ungdomsklubben Lyset!: similar name to 'Ungdomsklubben Lyset' "
        "in the register" in capsys.readouterr().err
    )


def test_the_actor_and_respondent_imports_read_municipalities_alike(tmp_path, capsys):
    from samspil.fieldwork.respondents_import import read_respondents

    spellings = ["Århus", "København Kommune", "101", "Lyngby", "bornholms regionskommune"]
    actors = HEADER + "".join(
        f"Forening {n},lokale,{m},,,,,,,,,\n" for n, m in enumerate(spellings)
    )
    assert main(["register", "import", "--actors", str(write(tmp_path, actors))]) == 0
    by_actor = [Organization.objects.get(name=f"Forening {n}").municipality.name
                for n in range(len(spellings))]  # fmt: skip
    people = "navn,email,kommune\n" + "".join(
        f"P {n},p{n}@example.org,{m}\n" for n, m in enumerate(spellings)
    )
    by_respondent = [r.municipality.name for r in read_respondents("r.csv", people.encode())]
    assert by_actor == by_respondent == [
        "Aarhus", "København", "København", "Lyngby-Taarbæk", "Bornholm"
    ]  # fmt: skip


def test_an_actors_xlsx_with_a_ten_million_cell_row_is_refused_before_parsing(tmp_path, capsys):
    """The register import reads through the one table reader: the XLSX bounds hold."""
    from tests.core import xlsx_attacks

    path = tmp_path / "aktoerer.xlsx"
    path.write_bytes(xlsx_attacks.wide_row())
    assert main(["register", "import", "--actors", str(path)]) == 2
    assert f"{path}: the part xl/worksheets/sheet1.xml is packed" in capsys.readouterr().err
    assert not Organization.objects.exists()
