"""Run by tests/privacy/test_erasure_traces.py in a process of its own, against a SQLite file
(DATABASE_URL): ``create`` makes a study whose respondent saves answers several times and
a register contact who consented to publication, both with the name below; ``erase``
erases the respondent (art. 17), removes the contact's personal data and anonymises the
study."""

from __future__ import annotations

import datetime as dt
import sys

import django

NAME = "Quirinia Zebulonsen"
EMAIL = "quirinia.zebulonsen@example.org"
RESPONDENTS = (
    "navn,email,kommune\n"
    f"{NAME},{EMAIL},Aarhus\n"
    "Bo Prøve,bo@example.org,Odense\n"
    "Cecilie Eksempel,cecilie@example.org,Aalborg\n"
)


def create() -> None:
    from django.core.management import call_command

    from samspil.fieldwork import actions
    from samspil.fieldwork.respondents_import import read_respondents
    from samspil.municipalities.models import Municipality, ensure_municipalities
    from samspil.register.models import Contact

    call_command("migrate", verbosity=0)
    ensure_municipalities()
    study = actions.do_create_study(
        "Sletning",
        "kd2024",
        researchers=[],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    actions.do_import_respondents(study, read_respondents("liste.csv", RESPONDENTS.encode()))
    study = actions.do_open_study(study)
    person = study.respondents.get(email=EMAIL)
    for page in range(5):  # each save rewrites the row (old copies in free space)
        actions.do_save_page(person, actions.PageSave({"udf_vigtigste": f"svar {page}"}, "", page))
    aarhus = Municipality.objects.get(name="Aarhus")
    for n in range(30):  # other contacts: several segments in the search index
        Contact.objects.create(municipality=aarhus, topic=f"Emne {n}", title="Konsulent")
    Contact.objects.create(
        municipality=aarhus,
        topic="Idræt",
        title="Idrætskonsulent",
        name=NAME,
        email=EMAIL,
        consent_at=dt.date(2025, 1, 1),
    )
    print(study.pk)


def erase() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from samspil.fieldwork.models import Respondent, Study
    from samspil.privacy.persons import Identity, erase_respondent
    from samspil.privacy.retention import anonymise_study
    from samspil.register import actions as register
    from samspil.register.models import Contact, Party

    User = get_user_model()
    erase_respondent(Respondent.objects.get(email=EMAIL), user=None, identity=Identity("mitid"))
    contact = Contact.objects.get(email=EMAIL)
    staff = User.objects.create_user("medarbejder")
    Party.objects.create(user=staff, municipality=contact.municipality, confirmed_at=timezone.now())
    register.remove_personal_data(staff, contact)
    anonymise_study(Study.objects.get(), user=None)


if __name__ == "__main__":
    django.setup()
    {"create": create, "erase": erase}[sys.argv[1]]()
