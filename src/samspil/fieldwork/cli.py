"""``samspil study ...``: fieldwork commands (``serve`` and ``worker`` are the platform's,
:mod:`samspil.web.cli`).

``register(subparsers)`` adds the sub-commands to the main ``samspil`` parser; every leaf
sets ``func`` to a handler returning the exit code (0 ok, 2 bad input). For use before or
without the main command: ``python -m samspil.fieldwork.cli ...``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from samspil.web.cli import BadInput, handler, say

STUDY_HELP = "the study's number (on its page, and printed by `study create`)"


def study_by_id(value: str):  # type: ignore[no-untyped-def]
    """The study a command's STUDY argument names; bad input (exit code 2) if none."""
    from samspil.fieldwork.models import Study

    try:
        return Study.objects.get(pk=int(value))
    except (ValueError, Study.DoesNotExist):
        raise BadInput(f"no study with id {value!r} (see the researcher pages)") from None


def _audit(action: str, study: Any, **fields: Any) -> None:
    """An audit-log entry for a command (samspil.web.audit), made by the login user."""
    from samspil.web.audit import command_actor, record_event

    record_event(command_actor(), action, study=study, **fields)


# -- handlers -----------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from samspil.fieldwork import actions
    from samspil.fieldwork.respondents_import import read_respondents
    from samspil.web.access import is_researcher

    if args.open:
        missing = [
            option
            for option, value in (
                ("--controller", args.controller),
                ("--privacy-contact", args.privacy_contact),
                ("--signature", args.signature),
            )
            if not (value or "").strip()
        ]
        if missing:
            raise BadInput(
                "--open: a study opens only with its data controller, contact for questions "
                f"about the data and e-mail signature; missing: {', '.join(missing)}"
            )
    path = Path(args.respondents)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the file ({exc.strerror})") from None
    users = []
    for name in args.researcher or []:
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise BadInput(f"--researcher {name}: no such user")
        if not is_researcher(user):
            raise BadInput(f"--researcher {name}: not a researcher (an account with staff status)")
        users.append(user)
    with transaction.atomic():
        study = actions.do_create_study(
            args.name,
            args.instrument,
            researchers=users,
            population_noun=args.population_noun or "",
            # a questionnaire file (not a bundled id) is kept as uploaded: opening keeps it
            upload_name=Path(args.instrument).name if Path(args.instrument).suffix else "",
            controller=args.controller or "",
            contact=args.privacy_contact or "",
            signature=args.signature or "",
        )
        rows = read_respondents(str(path), data)  # all or nothing: raises before any import
        actions.do_import_respondents(study, rows)
        if args.open:
            actions.do_open_study(study)
    say(study.pk)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from samspil.fieldwork import actions
    from samspil.fieldwork.respondents_import import read_respondents

    study = study_by_id(args.study)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the file ({exc.strerror})") from None
    existing = set(study.respondents.values_list("email", flat=True))
    rows = read_respondents(str(path), data, existing_emails=existing)
    created = actions.do_import_respondents(study, rows)
    say(f"{len(created)} respondents imported into study {study.pk}")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from samspil.fieldwork import actions

    study = actions.do_open_study(study_by_id(args.study))
    say(f"study {study.pk} is open")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from samspil.fieldwork import actions

    study = actions.do_close_study(study_by_id(args.study))
    say(f"study {study.pk} is closed")
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    from samspil.fieldwork.views import links_csv

    study = study_by_id(args.study)
    _audit("export_links", study, target="links", identifiers=True)
    sys.stdout.write(links_csv(study, args.base_url))
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from samspil.fieldwork import actions

    study = study_by_id(args.study)
    if study.status != study.Status.OPEN:
        raise BadInput(
            f"study {study.pk} is not open; open it first: samspil study open {study.pk}"
        )
    if args.at and args.wait:
        raise BadInput("--at and --wait cannot be combined (--wait sends now)")
    from samspil.fieldwork.rounds import REMIND_GAP

    try:
        mail_round = actions.do_send_round(
            study,
            base_url=args.base_url,
            send_after=_when(args.at) if args.at else None,
            min_gap=None if args.force else REMIND_GAP,
        )
    except actions.RoundTooSoon as exc:
        raise BadInput(
            f"study {study.pk}: {exc} Nothing was queued; a later --at, or --force, "
            "queues it anyway."
        ) from None
    label = actions.round_label(mail_round.number)
    if not args.wait:
        when = timezone_text(mail_round.send_after)
        say(f"study {study.pk}, {label}: queued for {when}; `samspil worker` sends it")
        return 0
    from samspil.fieldwork import rounds

    while (progress := rounds.run_round(mail_round.pk)) is not None and progress.pending:
        time.sleep(1)  # another worker holds the last messages
    if progress is None:
        return 1
    say(f"study {study.pk}, {label}: {progress.sent} sent, {progress.failed} failed")
    if progress.failed:
        say("some messages failed: see the study page, where they can be sent again")
        return 1
    return 0


def _when(text: str):  # type: ignore[no-untyped-def]
    """--at '2026-03-01 09:00' (local time of SAMSPIL_TIME_ZONE) -> aware datetime."""
    from datetime import datetime

    from django.utils import timezone

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"--at {text!r}: expected a date and time like 2026-03-01 09:00") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def timezone_text(value) -> str:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def cmd_status(args: argparse.Namespace) -> int:
    from django.utils import translation

    from samspil.fieldwork import monitoring

    study = study_by_id(args.study)
    if args.csv:
        _audit("export_status", study, target="status")
        sys.stdout.write(monitoring.status_csv(study))
        return 0
    counts = monitoring.study_counts(study)
    with translation.override("da"):
        say(f"{study.pk}: {study.name} ({study.get_status_display()})")
        say(
            f"invited {counts.invited}, opened {counts.opened}, started {counts.started}, "
            f"partial {counts.partial}, completed {counts.completed} of {counts.recipients}"
        )
        say(monitoring.summary_sentence(study, counts))
        say()
        width = max([len(r.name) for r in monitoring.municipality_rows(study)] + [7])
        say(f"{'kommune':<{width}}  modtagere  fuldt  delvist  ikke")
        for r in monitoring.municipality_rows(study):
            say(
                f"{r.name:<{width}}  {r.recipients:>9}  {r.completed:>5}  {r.partial:>7}  "
                f"{r.not_answered:>4}"
            )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from samspil.fieldwork import export

    study = study_by_id(args.study)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise BadInput(f"--out {out}: the folder {out.parent} does not exist")
    count = export.write_answers(
        study,
        args.to,
        out,
        kommune=args.kommune,
        include_not_started=args.include_not_started,
        identifiers=args.identifiers,
        excel=args.excel,
    )
    _audit(
        "export_answers", study, target=out.name, detail=f"{count} respondents",
        identifiers=args.identifiers,
    )  # fmt: skip
    say(f"{count} respondents written to {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from samspil.fieldwork import export
    from samspil.reports.frontmatter import read_markdown

    study = study_by_id(args.study)
    options: dict[str, Any] = {
        name: read_markdown(path, f"--{name}")
        for name, path in (("foreword", args.foreword), ("summary", args.summary))
        if path
    }
    if args.population:
        options["population"] = args.population
    if args.rake is not None:  # else the study's own weighting
        margins = [m.strip() for m in args.rake.split(",") if m.strip()]
        options["rake"] = [] if margins == ["none"] else margins
    result = export.make_study_report(study, Path(args.out), report_id=args.report or "", **options)
    folder = getattr(result, "folder", args.out)
    _audit("make_report", study, target=Path(str(folder)).name)
    say(f"report for study {study.pk} written to {folder}")
    return 0


# -- parser -------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add ``study`` to the main parser's sub-commands."""
    from samspil.exports import EXPORTERS

    study = subparsers.add_parser("study", help="fieldwork: create and run a study")
    sub = study.add_subparsers(dest="study_command", required=True, metavar="COMMAND")

    p = sub.add_parser("create", help="create a study and import its respondents")
    p.add_argument(
        "--instrument",
        required=True,
        metavar="INSTRUMENT",
        help="the questionnaire: bundled id (e.g. kd2024), YAML or XLSForm file",
    )
    p.add_argument("--name", required=True, help="the study's name on its pages")
    p.add_argument("--respondents", required=True, help="CSV or XLSX: name, email, kommune ...")
    p.add_argument(
        "--researcher",
        action="append",
        help="user name with access (repeatable; default none: only administrators see it)",
    )
    p.add_argument(
        "--population-noun",
        help="plural noun for the summary sentence (default: the questionnaire's)",
    )
    p.add_argument(
        "--controller",
        help="the data controller named in the privacy notice, e.g. a university "
        "(default: none; needed before the study opens)",
    )
    p.add_argument(
        "--privacy-contact",
        metavar="CONTACT",
        help="e-mail or telephone for questions about the data "
        "(default: none; needed before the study opens)",
    )
    p.add_argument(
        "--signature",
        help="signature of the e-mails, e.g. the researchers' names "
        "(default: none; needed before the study opens)",
    )
    p.add_argument(
        "--open",
        action="store_true",
        help="open the study right away (needs --controller, --privacy-contact, --signature)",
    )
    p.set_defaults(func=handler(cmd_create))

    p = sub.add_parser("import", help="add respondents from a CSV or XLSX file")
    p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    p.add_argument("file", help="CSV or XLSX: name, email, kommune ...")
    p.set_defaults(func=handler(cmd_import))

    for name, command, text in (
        ("open", cmd_open, "open the study: personal links start working"),
        ("close", cmd_close, "close the study: personal links stop working"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
        p.set_defaults(func=handler(command))

    p = sub.add_parser("links", help="CSV of respondents and their personal URLs")
    p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    p.add_argument("--base-url", help="site address (default SAMSPIL_BASE_URL)")
    p.set_defaults(func=handler(cmd_links))

    p = sub.add_parser(
        "remind", help="queue the next round (invitation, then reminders 1-3) to non-completed"
    )
    p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    p.add_argument("--base-url", help="site address for the links (default SAMSPIL_BASE_URL)")
    p.add_argument(
        "--at", help="send from this local date and time, e.g. '2026-03-01 09:00' (default now)"
    )
    p.add_argument("--wait", action="store_true", help="send now from this process and wait")
    p.add_argument(
        "--force",
        action="store_true",
        help="queue the round even within an hour of the round before it",
    )
    p.set_defaults(func=handler(cmd_remind))

    p = sub.add_parser("status", help="response figures, overall and per municipality")
    p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    p.add_argument("--csv", action="store_true", help="the per-municipality table as CSV")
    p.set_defaults(func=handler(cmd_status))

    p = sub.add_parser(
        "export",
        help="the answers in any export format, with the study's own questionnaire",
        description="Write a study's answers to a file. CSV (the default) is the core import "
        "format; sav, dta, xlsx and ddi are what `samspil export` writes from the same "
        "answers with the study's frozen questionnaire (labels and missing values included).",
    )
    p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.add_argument(
        "--to",
        choices=list(EXPORTERS),
        default="csv",
        help="export format (default csv): "
        + ", ".join(f"{e.name} {e.description}" for e in EXPORTERS.values()),
    )
    p.add_argument(
        "--identifiers", action="store_true", help="add name, email and kommune (CSV only)"
    )
    p.add_argument("--kommune", action="store_true", help="add kommune (left out by default)")
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Danish Excel: UTF-8 with BOM, ';', 1,5 (CSV only)",
    )
    p.add_argument(
        "--include-not-started", action="store_true", help="also respondents with no answers"
    )
    p.set_defaults(func=handler(cmd_export))

    p = sub.add_parser("report", help="make the data report from the study's answers")
    p.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument(
        "--report",
        help="report id (default: the study's own definition, else the questionnaire's)",
    )
    p.add_argument(
        "--population",
        choices=["kommuner"],
        help="add a table of the respondents against the population (kommuner: Denmark's 98 "
        "municipalities, by region) with chi-square tests (default: only where the report "
        "definition has one, or the report is raked)",
    )
    p.add_argument(
        "--rake",
        metavar="MARGINS",
        help="weight the tables with raking weights to the population's margins, e.g. region; "
        "none: unweighted (default: the study's weighting as set on its page)",
    )
    from samspil.cli import add_front_matter_options

    add_front_matter_options(p)  # default: the study's own (uploaded on the study page)
    p.set_defaults(func=handler(cmd_report))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="samspil")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
