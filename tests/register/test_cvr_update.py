"""``samspil register cvr FILE`` (issue 23, item 3): names, addresses and status from a CVR
search export, ceased companies flagged, the changes listed; a bad file changes nothing and
names file, row and column (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samspil.cli import main
from samspil.register.models import Location, Organization
from tests.register.conftest import make_actor

pytestmark = pytest.mark.django_db

HEADER = "cvr,name,address,postcode,city,status\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cvr.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_cvr_updates_names_and_addresses_flags_ceased_companies_and_lists_the_changes(
    tmp_path, capsys, aarhus, client
):
    club = make_actor(aarhus, "Boldklubben Øst", tax_id="12345674")
    Location.objects.create(
        organization=club, address_1="Østergade 2", postal_code="8000", city="Aarhus C"
    )
    gone = make_actor(aarhus, "Gamle Forening", tax_id="12345682")
    same = make_actor(aarhus, "Uændret", tax_id="12345690")
    before = Organization.objects.get(pk=club.pk).verified_at
    path = write(
        tmp_path,
        "12345674,Boldklubben Øst af 1921,Vestergade 9,8000,Aarhus C,NORMAL\n"
        "DK 12345682,Gamle Forening,,,,OPHØRT\n"
        "12345690,Uændret,,,,NORMAL\n"
        "12345704,Ikke Her,,,,NORMAL\n",
    )
    assert main(["register", "cvr", str(path)]) == 0
    out = capsys.readouterr()
    assert (
        "row 2: CVR 12345674 Boldklubben Øst af 1921: name 'Boldklubben Øst' -> "
        "'Boldklubben Øst af 1921'; address 'Østergade 2, 8000, Aarhus C' -> "
        "'Vestergade 9, 8000, Aarhus C'" in out.out
    )
    assert "row 3: CVR 12345682 Gamle Forening: the company has ceased (OPHØRT)" in out.out
    assert "Uændret" not in out.out and "2 actors changed" in out.out
    assert "row 5: CVR 12345704 (Ikke Her) is not in the register" in out.err
    club.refresh_from_db()
    assert club.name == "Boldklubben Øst af 1921" and "Vestergade" in club.search_text
    assert club.verified_at == before  # the CVR register does not confirm for the actor
    gone.refresh_from_db()
    assert gone.ceased and gone.cvr_status == "OPHØRT"
    same.refresh_from_db()
    assert not same.ceased and same.cvr_status == "NORMAL"
    page = client.get(f"/register/aktoer/{gone.uuid}/").content.decode()
    assert "Ifølge CVR-registret er virksomheden ophørt (OPHØRT)" in page


def test_a_bad_cvr_file_names_file_row_and_column_exits_2_and_changes_nothing(
    tmp_path, capsys, aarhus
):
    club = make_actor(aarhus, "Boldklubben Øst", tax_id="12345674")
    path = write(
        tmp_path,
        "12345674,Nyt Navn,,,,NORMAL\n"
        "12345678,X,,,,NORMAL\n"
        "12345674,Y,Gade 1,80,,MÆRKELIG\n"
        ",,,,,\n"
        ",Z,,,,NORMAL\n",
    )
    assert main(["register", "cvr", str(path)]) == 2
    err = capsys.readouterr().err
    for expected in (
        f"{path}, row 3, column 'cvr': 12345678 fails the CVR check digit",
        f"{path}, row 4, column 'cvr': CVR 12345674 also on row 2",
        f"{path}, row 4, column 'postcode': a postcode has 4 digits, not '80'",
        f"{path}, row 4, column 'city': needed with an address",
        f"{path}, row 4, column 'status': unknown CVR status 'MÆRKELIG'",
        f"{path}, row 6, column 'cvr': a value is required",
    ):
        assert expected in err
    assert "Traceback" not in err
    club.refresh_from_db()
    assert club.name == "Boldklubben Øst"
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("cvr,navn\n12345674,A\n", encoding="utf-8")
    assert main(["register", "cvr", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert f"{wrong}, row 1, column 'name': required column is missing" in err
    assert f"{wrong}, row 1, column 'navn': unknown column" in err
