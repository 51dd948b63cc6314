"""Synthetic civil actors in the import's columns, for the demo and the benchmark. Pure:
no Django. Every name ends in "(syntetisk)"."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator

from samspil.register.cvr import check_digit
from samspil.register.formats import ACTOR_COLUMNS
from samspil.register.taxonomy import taxonomy

DEMO_MUNICIPALITIES = ("Aarhus", "Odense", "Vejle", "Fanø")
WORDS = ("Sol", "Eng", "Skov", "Bakke", "Fjord", "Havn", "Mølle", "Kilde", "Lund", "Strand")
KINDS = (
    "Boldklub",
    "Seniorklub",
    "Lektiecafé",
    "Naturforening",
    "Kor",
    "Værested",
    "Spejdergruppe",
)
STREETS = ("Skolevej", "Kirkegade", "Stationsvej", "Parkvej", "Søndergade", "Nørregade")
TARGETS = ("børn", "unge", "ældre", "familier", "flygtninge", "ensomme")
POSTCODES = {
    "Aarhus": ("8000", "Aarhus C"),
    "Odense": ("5000", "Odense C"),
    "Vejle": ("7100", "Vejle"),
    "Fanø": ("6720", "Fanø"),
}


def valid_cvr(rng: random.Random) -> str:
    while True:
        first = str(rng.randint(1000000, 9999999))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


def synthetic_actor_rows(
    n: int, seed: int = 1, municipalities: list[str] | None = None
) -> Iterator[dict[str, str]]:
    """Rows in the import's columns; every tenth shares a CVR-less name with a neighbour."""
    rng = random.Random(seed)
    tax = taxonomy()
    places = municipalities or DEMO_MUNICIPALITIES
    for i in range(n):
        municipality = places[i % len(places)]
        postcode, city = POSTCODES.get(municipality, ("9999", municipality))
        name = f"{rng.choice(WORDS)}{rng.choice(KINDS).lower()} {municipality} {i + 1}"
        yield {
            "name": f"{name} (syntetisk)",
            "type": rng.choice(tax.actor_types).code,
            "kommune": municipality,
            "cvr": valid_cvr(rng) if rng.random() < 0.5 else "",
            "address": f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
            "postcode": postcode,
            "city": city,
            "email": f"kontakt{i + 1}@example.org",
            "phone": "",
            "website": "",
            "areas": ";".join(
                sorted({rng.choice(tax.areas).code for _ in range(rng.randint(1, 2))})
            ),
            "target_groups": ";".join(
                sorted({rng.choice(TARGETS) for _ in range(rng.randint(1, 2))})
            ),
        }


def synthetic_actors_csv(n: int, seed: int = 1, municipalities: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ACTOR_COLUMNS)
    writer.writeheader()
    writer.writerows(synthetic_actor_rows(n, seed, municipalities))
    return buffer.getvalue()
