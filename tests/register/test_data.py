"""The register's pure parts: CVR numbers and the taxonomy file."""

from __future__ import annotations

import pytest
import yaml

from samspil.register.cvr import CvrError, check_digit, clean_cvr
from samspil.register.taxonomy import DATA, Taxonomy, load_taxonomy, taxonomy


def _valid(first_seven: str) -> str:
    digit = check_digit(first_seven)
    assert digit is not None
    return first_seven + str(digit)


def test_cvr_with_the_right_check_digit_is_accepted_and_cleaned():
    number = _valid("1234567")
    assert number == "12345674"
    assert clean_cvr("DK 1234 5674") == "12345674"
    # weights 2,7,6,5,4,3,2,1 over all digits give a multiple of 11
    assert sum(int(d) * w for d, w in zip(number, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("12345678", "check digit"),
        ("1234567", "8 digits"),
        ("123456789", "8 digits"),
        ("1234567a", "8 digits"),
        ("02345678", "start with 0"),
    ],
)
def test_cvr_errors_say_why(text, why):
    with pytest.raises(CvrError, match=why):
        clean_cvr(text)


def test_a_seven_digit_start_with_remainder_one_has_no_check_digit():
    # 1000003: 2*1 + 2*3 = 8 -> remainder 8 -> digit 3; find one with remainder 1 instead
    starts = [f"{n:07d}" for n in range(1000000, 1000100)]
    assert any(check_digit(s) is None for s in starts)
    for s in starts:
        if check_digit(s) is None:
            for digit in "0123456789":
                with pytest.raises(CvrError):
                    clean_cvr(s + digit)


def test_taxonomy_holds_the_seed_lists_and_finds_labels_and_codes():
    tax = taxonomy()
    assert len(tax.actor_types) == 12  # Tabel 4.1's eleven types and "Andre"
    assert len(tax.areas) == 8
    assert tax.lookup("areas", "  kultur OG fritid ") == "kultur"
    assert tax.lookup("actor_types", "frivilligcentre") == "frivilligcentre"
    assert tax.lookup("areas", "sport") is None
    assert {t.survey for t in tax.initiatives} == {1, 2, 3, 4, 5, 6, 7}


def test_a_taxonomy_with_a_repeated_code_is_refused(tmp_path):
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["areas"].append(dict(data["areas"][0]))
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="areas: repeated code sundhed"):
        load_taxonomy(bad)
    assert isinstance(load_taxonomy(), Taxonomy)
