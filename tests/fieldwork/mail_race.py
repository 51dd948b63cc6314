"""Helper process for tests/fieldwork/test_mail_worker.py: a researcher's "send" click, then a
sender of the round, each step taken by every such process at the same moment.

    python tests/fieldwork/mail_race.py STUDY_ID BARRIER_DIR N

The processes meet at a file barrier in BARRIER_DIR (N of them) before each step. Prints
``queued`` or ``refused`` for the click, then ``sent`` for the sending.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def barrier(folder: Path, step: str, n: int) -> None:
    (folder / f"{step}.{os.getpid()}").touch()
    deadline = time.monotonic() + 300
    while len(list(folder.glob(f"{step}.*"))) < n and time.monotonic() < deadline:
        time.sleep(0.01)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.web.settings")
    import django

    django.setup()
    from samspil.fieldwork import actions, rounds
    from samspil.fieldwork.models import MailRound, Study

    study = Study.objects.get(pk=int(argv[0]))
    folder, n = Path(argv[1]), int(argv[2])
    barrier(folder, "click", n)
    try:
        actions.do_send_round(study, expected_round=0)
    except actions.ActionError:
        print("refused", flush=True)
    else:
        print("queued", flush=True)
    barrier(folder, "send", n)
    rounds.run_round(MailRound.objects.get(study=study, number=0).pk)
    print("sent", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
