"""Run by tests/fieldwork/test_backup.py in a process of its own (DATABASE_URL, SAMSPIL_DATA_DIR):

- ``create``: a researcher login, study A (kd2024) with answers saved through the fieldwork
  actions, study B whose respondents the saver below answers, and a report file; prints
  the two study ids;
- ``save B STOPFILE``: until STOPFILE exists, saves answers for B's respondents in
  row order, round after round, one transaction per save; prints the round after each;
- ``rounds B``: the round each of B's respondents was last saved in (JSON, row order);
- ``login USER PASSWORD``: prints ok when the password is accepted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django

PASSWORD = "hemmelig-backup-7"


def _respondents(rows: int, prefix: str) -> bytes:
    lines = ["navn,email,kommune"]
    towns = ("Aarhus", "Odense", "Aalborg", "Vejle")
    lines += [f"Person {prefix}{i},{prefix}{i}@example.org,{towns[i % 4]}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def create() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from samspil.fieldwork import actions
    from samspil.fieldwork.models import Study
    from samspil.fieldwork.respondents_import import read_respondents

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    user = get_user_model().objects.create_user("forsker", password=PASSWORD, is_staff=True)
    ids = []
    for name, rows in (("Backup A", 12), ("Backup B", 30)):
        study = actions.do_create_study(
            name,
            "kd2024",
            researchers=[user],
            controller="Testuniversitetet",
            contact="dpo@example.org",
            signature="Forskerne",
        )
        prefix = name[-1].lower()
        actions.do_import_respondents(study, read_respondents("l.csv", _respondents(rows, prefix)))
        ids.append(actions.do_open_study(study).pk)
    study_a = ids[0]
    for i, person in enumerate(
        Study.objects.get(pk=study_a).respondents.order_by("row_number")[:9]
    ):
        answers = {"udf_vigtigste": f"Udfordring nr. {i} – æøå", "udf_by": (i % 5) + 1}
        actions.do_save_page(person, actions.PageSave(answers, "", 1, complete=i % 3 != 0))
    report = Path(settings.DATA_DIR) / "reports" / f"study-{study_a}" / "index.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("<h1>Rapport</h1>\n", encoding="utf-8")
    print(*ids)


def save(study_id: str, stop_file: str) -> None:
    from samspil.fieldwork import actions
    from samspil.fieldwork.models import Study

    people = list(Study.objects.get(pk=int(study_id)).respondents.order_by("row_number"))
    round_number = 0
    while not Path(stop_file).exists():
        round_number += 1
        for person in people:
            save = actions.PageSave({"udf_vigtigste": f"runde {round_number}"}, "", 1)
            actions.do_save_page(person, save)
        print(round_number, flush=True)


def rounds(study_id: str) -> None:
    from samspil.fieldwork.models import Respondent

    values = Respondent.objects.filter(study_id=int(study_id)).order_by("row_number")
    found = [(r.answers or {}).get("udf_vigtigste", "runde 0") for r in values]
    print(json.dumps([int(text.split()[1]) for text in found]))


def login(user: str, password: str) -> None:
    from django.contrib.auth import authenticate

    print("ok" if authenticate(username=user, password=password) is not None else "refused")


if __name__ == "__main__":
    django.setup()
    commands = {"create": create, "save": save, "rounds": rounds, "login": login}
    commands[sys.argv[1]](*sys.argv[2:])
