"""Synthetic register data for the demo (``samspil demo`` / ``samspil serve --demo``) and
the benchmark: clearly made-up actors, contact points and collaborations.

Only in demo mode. Logins: ``demo-<kommune>`` (municipal staff) and ``demo-forening``
(an association's representative), password ``demo``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from samspil.municipalities.models import Municipality, Unit, ensure_municipalities
from samspil.register import actions
from samspil.register.actions import Partner
from samspil.register.models import Contact, Location, Organization, Party, Service
from samspil.register.synthetic import DEMO_MUNICIPALITIES, KINDS, synthetic_actor_rows
from samspil.register.taxonomy import taxonomy

DEMO_PASSWORD = "demo"
TOPICS = {
    "sundhed": ("Frivillige i ældreplejen", "Frivilligkoordinator, Sundhed og Omsorg"),
    "social": ("Samarbejde om udsatte borgere", "Frivillighedskonsulent, Socialforvaltningen"),
    "skole": ("Åben skole", "Konsulent for åben skole"),
    "kultur": ("Foreningsliv og lokaler", "Foreningskonsulent, Kultur og Fritid"),
    "beskaeftigelse": ("Frivillige mentorer", "Jobcentrets frivilligkontakt"),
    "teknik": ("Frivillige på det grønne område", "Naturvejleder, Teknik og Miljø"),
}


def _user(username: str, **side: object) -> object:
    users = get_user_model()
    user, created = users.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Party.objects.get_or_create(user=user, **side, defaults={"confirmed_at": timezone.now()})
    return user


@transaction.atomic
def ensure_demo_register(seed: int = 2024) -> list[str]:
    """Fill the register once with synthetic data; returns lines to print."""
    if not settings.DEMO:
        raise ImproperlyConfigured("demo mode is off: the demo register needs SAMSPIL_DEMO=1")
    ensure_municipalities()
    lines = [f"register: /register/ (logins demo-aarhus, demo-forening; password {DEMO_PASSWORD})"]
    if Organization.objects.filter(name__endswith="(syntetisk)").exists():
        return lines
    rng = random.Random(seed)
    tax = taxonomy()
    for n, name in enumerate(DEMO_MUNICIPALITIES):
        municipality = Municipality.objects.get(name=name)
        staff = _user(f"demo-{name.lower().replace('ø', 'o')}", municipality=municipality)
        for area, (topic, title) in TOPICS.items():
            unit, _ = Unit.objects.get_or_create(
                municipality=municipality, name=title.split(", ")[-1]
            )
            Contact.objects.create(
                municipality=municipality,
                unit=unit,
                topic=topic,
                areas=[area],
                title=title.split(", ")[0],
                email=f"{area}@{name.lower().replace('ø', 'o')}.example.org",
                personal=False,
            )
        Contact.objects.create(
            municipality=municipality,
            topic="Frivillighed i hele kommunen",
            areas=["ledelse"],
            title="Frivillighedschef",
            name=f"Syntetisk Chef {name}",
            email=f"chef@{name.lower().replace('ø', 'o')}.example.org",
            consent_at=dt.date(2026, 1, 15),
        )
        actors = []
        for row in synthetic_actor_rows(12, seed + n, [name]):
            actor = Organization.objects.create(
                name=row["name"],
                actor_type=row["type"],
                municipality=municipality,
                tax_id=row["cvr"],
                email=row["email"],
                areas=row["areas"].split(";"),
                target_groups=row["target_groups"].split(";"),
            )
            Location.objects.create(
                organization=actor,
                address_1=row["address"],
                postal_code=row["postcode"],
                city=row["city"],
            )
            actor.save()  # search text with the address
            Service.objects.create(
                organization=actor,
                name=f"Aktiviteter for {actor.target_groups[0]} (syntetisk)",
                areas=actor.areas,
            )
            Contact.objects.create(
                organization=actor,
                title="Formand",
                name=f"Syntetisk Formand {actor.pk}",
                email=row["email"],
            )
            actors.append(actor)
        if n == 0:
            rep = _user("demo-forening", organization=actors[0])
        for k in range(5):
            actor = actors[0] if k == 0 else rng.choice(actors)
            start = dt.date(2023 + rng.randint(0, 2), rng.randint(1, 12), 1)
            collaboration = actions.create_collaboration(
                staff,
                {
                    "title": f"{rng.choice(KINDS)} og kommunen i {name} {k + 1} (syntetisk)",
                    "form": rng.choice(tax.forms).code,
                    "initiative": rng.choice(tax.initiatives).code,
                    "organisation": rng.choice(tax.organisation).code,
                    "character": rng.choice(tax.character).code,
                    "payment": rng.choice(tax.payment).code,
                    "areas": actor.areas,
                    "target_groups": actor.target_groups,
                    "start_date": start,
                    "end_date": start + dt.timedelta(days=rng.choice([90, 400, 800]))
                    if rng.random() < 0.5
                    else None,
                    "goals": "Flere deltagere og et stærkere lokalsamfund (syntetisk)",
                },
                [
                    Partner("lead", municipality=municipality),
                    Partner("partner", organization=actor),
                ],
            )
            report = actions.save_report(
                staff,
                collaboration,
                {
                    "period_start": dt.date(2025, 1, 1),
                    "period_end": dt.date(2025, 12, 31),
                    "participants": rng.randint(5, 80),
                    "volunteer_hours": rng.randint(20, 900),
                    "municipal_costs": rng.randint(0, 50) * 1000,
                    "goals_met": rng.random() < 0.7,
                },
                [
                    {
                        "goal": "Flere deltagere",
                        "title": "Deltagere pr. uge",
                        "baseline": 5,
                        "target": 20,
                        "actual": rng.randint(3, 30),
                    }
                ],
            )
            actions.approve_report(staff, report)
            if rng.random() < 0.6:
                member = collaboration.memberships.get(organization=actor)
                approver = (
                    rep
                    if n == 0 and actor == actors[0]
                    else _user(f"demo-rep-{actor.pk}", organization=actor)
                )
                actions.save_assessment(
                    approver, report, member, {"lytter": "1", "inspirerende": "2"}
                )
                actions.approve_report(staff, report)
                actions.approve_report(approver, report)
    return lines


def demo_lines(base: str) -> list[str]:
    """The register's synthetic actors and collaborations (``samspil serve --demo``, issue
    11); the lines that show them."""
    return [line.replace("/register/", f"{base}/register/", 1) for line in ensure_demo_register()]
