"""``samspil privacy record``, ``samspil privacy anonymise-due``, ``samspil privacy access
EMAIL --identity METHOD``, ``samspil privacy erase EMAIL --identity METHOD`` and
``samspil study anonymise ID [--yes]``.

``register(subparsers)`` adds ``privacy`` to the main parser and ``anonymise`` to the
``study`` command that fieldwork registered before it. Studies are reached through the
platform (:func:`samspil.web.personal_data.studies`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from samspil.web.cli import handler, say


def cmd_record(args: argparse.Namespace) -> int:
    from samspil.privacy.record import activities, record_csv, record_markdown

    rows = activities()
    sys.stdout.write(record_csv(rows) if args.format == "csv" else record_markdown(rows))
    return 0


def cmd_anonymise(args: argparse.Namespace) -> int:
    from samspil.privacy.retention import anonymise_study
    from samspil.web.audit import command_actor
    from samspil.web.personal_data import studies

    study = studies().by_number(args.study)
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


def _identity(args: argparse.Namespace) -> Any:
    from samspil.privacy.persons import Identity, IdentityNotChecked

    if not args.identity:
        raise IdentityNotChecked(
            "say how the requester's identity was checked: --identity "
            "mitid|email_on_file|in_person|other (other with --identity-note TEXT)"
        )
    return Identity(args.identity, args.identity_note or "")


def _studies(args: argparse.Namespace) -> Any:
    from samspil.web.personal_data import studies

    held = studies()
    if args.study:
        return held.model.objects.filter(pk__in=[held.by_number(s).pk for s in args.study])
    return held.model.objects.all()


def cmd_access(args: argparse.Namespace) -> int:
    """The art. 15 export of every respondent with this address (all studies, or --study)."""
    import json

    from samspil.privacy.persons import access_export
    from samspil.web.audit import command_actor

    identity = _identity(args)
    data = access_export(args.email, _studies(args), user=command_actor(), identity=identity)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        say(f"{len(data['records'])} records written to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    """Erase every respondent with this address (all studies, or --study), art. 17."""
    from samspil.privacy.persons import erase_respondent, find_by_email
    from samspil.web.audit import command_actor

    identity = _identity(args)
    found = list(find_by_email(args.email, _studies(args)))
    if not found:
        say("no respondent with this address; nothing was changed")
        return 0
    if not args.yes:
        say(f"Erase {len(found)} respondent(s) with their answers from these studies:")
        for r in found:
            say(f"  study {r.study_id} ({r.study.name}), respondent {r.public_id}")
        say("This cannot be undone.")
        sys.stdout.write("Type yes to go on: ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("yes", "ja"):
            say("nothing was changed")
            return 1
    for respondent in found:
        erase_respondent(respondent, user=command_actor(), identity=identity)
    say(f"{len(found)} respondent(s) erased with their answers")
    return 0


# The values of PersonRequest.IdentityCheck (the models cannot be imported before setup).
IDENTITY_METHODS = ("mitid", "email_on_file", "in_person", "other")


def _identity_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("email", help="the person's e-mail address")
    p.add_argument(
        "--identity",
        choices=IDENTITY_METHODS,
        help="how the requester's identity was checked (no default: it must be given)",
    )
    p.add_argument("--identity-note", default="", help="how, for --identity other (default: none)")
    p.add_argument(
        "--study", action="append", help="only this study (repeatable; default: every study)"
    )


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
    p.set_defaults(func=handler(cmd_record))
    p = sub.add_parser(
        "anonymise-due", help="anonymise every study whose retention date has come (for cron)"
    )
    p.set_defaults(func=handler(cmd_anonymise_due))

    p = sub.add_parser("access", help="everything stored about a person, as JSON (art. 15)")
    _identity_arguments(p)
    p.add_argument("-o", "--output", help="write the JSON to this file (default: stdout)")
    p.set_defaults(func=handler(cmd_access))
    p = sub.add_parser("erase", help="erase a person and their answers (art. 17)")
    _identity_arguments(p)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=handler(cmd_erase))

    study = subparsers.choices.get("study")
    study_sub = _subcommands(study) if study is not None else None
    if study_sub is not None:
        p = study_sub.add_parser(
            "anonymise", help="remove names, e-mails, links and e-mail log now; keep answers"
        )
        p.add_argument("study", metavar="STUDY", help="the study's number (on its page)")
        p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        p.set_defaults(func=handler(cmd_anonymise))
