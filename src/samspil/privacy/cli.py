"""``samspil privacy record``, ``samspil privacy anonymise-due`` and
``samspil study anonymise ID [--yes]``.

``register(subparsers)`` adds ``privacy`` to the main parser and ``anonymise`` to the
``study`` command that ``samspil.fieldwork.cli`` registered before it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from samspil.fieldwork.cli import _handler, _study, say


def cmd_record(args: argparse.Namespace) -> int:
    from samspil.privacy.record import activities, record_csv, record_markdown

    rows = activities()
    sys.stdout.write(record_csv(rows) if args.format == "csv" else record_markdown(rows))
    return 0


def cmd_anonymise(args: argparse.Namespace) -> int:
    from samspil.privacy.audit import command_actor
    from samspil.privacy.retention import anonymise_study

    study = _study(args.study)
    if study.is_anonymised:
        say(f"study {study.pk} was anonymised on {study.anonymised_at:%Y-%m-%d}; nothing to do")
        return 0
    if not args.yes:
        say(
            f"Anonymise study {study.pk} ({study.name})? Names, e-mail addresses, personal "
            "links and the e-mail log are removed for good; the answers stay under "
            "pseudonymous ids and the links stop working. This cannot be undone."
        )
        sys.stdout.write("Type yes to go on: ")
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("yes", "ja"):
            say("nothing was changed")
            return 1
    kept = anonymise_study(study, user=command_actor())
    say(f"study {study.pk} anonymised: {kept} respondents kept under pseudonymous ids")
    return 0


def cmd_anonymise_due(args: argparse.Namespace) -> int:
    from samspil.privacy.retention import anonymise_due_studies

    done = anonymise_due_studies()
    say(f"{len(done)} studies anonymised" + (f": {', '.join(map(str, done))}" if done else ""))
    return 0


def _subcommands(parser: argparse.ArgumentParser) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def register(subparsers: Any) -> None:
    privacy = subparsers.add_parser("privacy", help="personal data: record of processing")
    sub = privacy.add_subparsers(dest="privacy_command", required=True, metavar="COMMAND")
    p = sub.add_parser("record", help="the installation's record of processing (GDPR art. 30)")
    p.add_argument(
        "--format", choices=["md", "csv"], default="md", help="Markdown or CSV (default md)"
    )
    p.set_defaults(func=_handler(cmd_record))
    p = sub.add_parser(
        "anonymise-due", help="anonymise every study whose retention date has come (for cron)"
    )
    p.set_defaults(func=_handler(cmd_anonymise_due))

    study = subparsers.choices.get("study")
    study_sub = _subcommands(study) if study is not None else None
    if study_sub is not None:
        p = study_sub.add_parser(
            "anonymise", help="remove names, e-mails, links and e-mail log now; keep answers"
        )
        p.add_argument("study", metavar="STUDY", help="the study's number (on its page)")
        p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        p.set_defaults(func=_handler(cmd_anonymise))
