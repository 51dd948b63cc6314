"""The HSDS export carries every column of each table it writes (empty where unknown), and
organizations.json writes absent e-mails as null, not "" (issue 18 item 10)."""

from __future__ import annotations

import csv
import json

from samspil.cli import main
from samspil.register.models import Contact
from tests.core.conftest import FIXTURES


def test_every_hsds_table_has_every_column_of_the_hsds_schema(tmp_path, club):
    Contact.objects.create(organization=club, title="Kasserer")  # no e-mail
    out = tmp_path / "hsds"
    assert main(["register", "export", "--format", "hsds", "--out", str(out)]) == 0
    schema: dict[str, list[str]] = {}
    for row in csv.DictReader((FIXTURES / "hsds_fields.csv").open(encoding="utf-8")):
        schema.setdefault(row["table_name"], []).append(row["name"])
    written = [p for p in out.iterdir() if p.suffix == ".csv"]
    assert len(written) == 9
    for path in written:
        table = "address" if path.name == "addresses.csv" else path.name.removesuffix("s.csv")
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert set(header) == set(schema[table]), (path.name, set(schema[table]) - set(header))
    nested = json.loads((out / "organizations.json").read_text(encoding="utf-8"))
    contacts = next(o for o in nested if o["id"] == str(club.uuid))["contacts"]
    assert [c["email"] for c in contacts] == [None]
