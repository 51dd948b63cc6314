"""``samspil register ...``: import civil actors, export open data, survey tables and
respondent lists from the register.

``register(subparsers)`` adds the sub-command to the main ``samspil`` parser, as
fieldwork and coding do. Like every command it prepares the database first (migrations, as
``samspil serve``), so it works on a fresh data folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from samspil.web.cli import BadInput, handler, say


def cmd_import(args: argparse.Namespace) -> int:
    from samspil.register.importer import import_actors

    started = time.monotonic()
    outcome = import_actors(Path(args.actors))
    seconds = time.monotonic() - started
    say(f"{outcome.imported} actors imported from {args.actors} in {seconds:.1f} s")
    if outcome.reviews:
        say(
            f"{len(outcome.reviews)} rows to review ({outcome.held_back} held back as duplicates, "
            "not imported):",
            file=sys.stderr,
        )
        for review in outcome.reviews:
            state = "held back" if review.held_back else "imported"
            say(f"  row {review.row} ({state}): {review.name}: {review.reason}", file=sys.stderr)
    if args.review:
        import csv

        with open(args.review, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "name", "imported", "reason"])
            for review in outcome.reviews:
                writer.writerow([review.row, review.name, int(not review.held_back), review.reason])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from samspil.register.export import export

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {out}: not a folder")
    counts = export(args.format, out)
    for name, count in counts.items():
        say(f"{out / name}: {count}")
    _audit("register_export", target=f"{args.format} {out.name}")
    return 0


def _audit(action: str, **fields: Any) -> None:
    """An audit-log entry (samspil.web.audit) made by the login user of the command."""
    from samspil.web.audit import command_actor, record_event

    record_event(command_actor(), action, **fields)


def _municipalities(values: list[str] | None) -> list[Any]:
    """The municipalities named by --kommune, read as every import reads them."""
    from samspil.municipalities.models import municipality_lookup
    from samspil.municipalities.names import normalise

    lookup = municipality_lookup() if values else {}
    found = []
    for value in values or []:
        match = lookup.get(normalise(value))
        if match is None:
            raise BadInput(f"--kommune {value}: not a Danish municipality (name or code)")
        found.append(match)
    return found


def cmd_tables(args: argparse.Namespace) -> int:
    from samspil.register.survey_tables import add_survey, register_tables
    from samspil.register.tables import collaboration_frame, collaborations_in

    municipalities = _municipalities([args.kommune] if args.kommune else None)
    municipality = municipalities[0] if municipalities else None
    frame = collaboration_frame(collaborations_in(municipality))
    if frame.empty:
        raise BadInput(
            "the register has no collaborations" + (f" in {municipality}" if municipality else "")
        )
    tables = register_tables(frame)
    if args.survey:
        folder = Path(args.survey)
        folder = folder / "tables" if (folder / "tables").is_dir() else folder
        if not folder.is_dir():
            raise BadInput(f"--survey {args.survey}: no such folder")
        tables = add_survey(tables, folder)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False, float_format="%.15g")
    where = municipality.name if municipality else "hele landet"
    say(f"{len(frame)} collaborations ({where}): {', '.join(tables)} written to {out}")
    return 0


def cmd_respondents(args: argparse.Namespace) -> int:
    import csv

    from samspil.register.tables import RESPONDENT_COLUMNS, respondent_rows

    if args.confirmed_within is not None and args.confirmed_within < 1:
        raise BadInput(
            f"--confirmed-within {args.confirmed_within}: give a number of months (1 or more)"
        )
    rows = respondent_rows(args.kind, _municipalities(args.kommune), args.confirmed_within)
    if not rows:
        within = (
            f" confirmed within {args.confirmed_within} months" if args.confirmed_within else ""
        )
        raise BadInput(f"no contacts with an e-mail address{within} match")
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RESPONDENT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    _audit(
        "register_export",
        target=f"respondents {args.kind}",
        detail=f"{len(rows)} contacts with e-mail addresses",
        identifiers=True,
    )
    say(f"{len(rows)} respondents written to {args.out} (samspil study create --respondents)")
    return 0


def cmd_freshness(args: argparse.Namespace) -> int:
    from samspil.register.freshness import MARK_MONTHS, shares

    rows = shares(_municipalities(args.kommune))
    if not rows:
        raise BadInput("the register has no actors or contact points")
    say(f"{'kommune':<20} {'records':>8} {'confirmed':>10} {'share':>7}")
    say(f"(confirmed: within {MARK_MONTHS} months)")
    total = confirmed = 0
    for row in rows:
        total += row.records
        confirmed += row.confirmed
        say(f"{row.municipality:<20} {row.records:>8} {row.confirmed:>10} {row.share:>7.0%}")
    if len(rows) > 1:
        share = confirmed / total if total else 0.0
        say(f"{'all':<20} {total:>8} {confirmed:>10} {share:>7.0%}")
    return 0


def cmd_confirmations(args: argparse.Namespace) -> int:
    import datetime as dt

    from samspil.register import confirmation
    from samspil.register.models import ConfirmationRound, ConfirmationSchedule

    municipalities = _municipalities(args.kommune)
    if (args.day or args.send) and not municipalities:
        raise BadInput("--day and --send need --kommune")
    if args.day:
        try:
            day = dt.datetime.strptime(f"2000-{args.day}", "%Y-%m-%d").date()
        except ValueError:
            raise BadInput(
                f"--day {args.day}: give the month and day as MM-DD, e.g. 03-01"
            ) from None
        for municipality in municipalities:
            ConfirmationSchedule.objects.update_or_create(
                municipality=municipality, defaults={"month": day.month, "day": day.day}
            )
            say(f"{municipality.name}: confirmation e-mails every year on {day:%d.%m.}")
    if args.send:
        for municipality in municipalities:
            mail_round, created = confirmation.schedule_round(municipality)
            state = "queued" if created else "already started this year"
            say(f"{municipality.name}: the confirmation round of {mail_round.year} {state}")
    rounds = ConfirmationRound.objects.select_related("municipality").order_by(
        "municipality__name", "-year"
    )
    if municipalities:
        rounds = rounds.filter(municipality__in=municipalities)
    for mail_round in rounds:
        counts = confirmation.round_counts(mail_round)
        say(
            f"{mail_round.municipality.name} {mail_round.year}: {mail_round.status}, "
            f"{counts.get('sent', 0)} sent, {counts.get('failed', 0) + counts.get('unknown', 0)} "
            f"failed, {counts.get('pending', 0) + counts.get('sending', 0)} waiting, "
            f"{counts['confirmed']} confirmed"
        )
    return 0


def cmd_cvr(args: argparse.Namespace) -> int:
    from samspil.register.cvr_update import update_from_cvr

    outcome = update_from_cvr(Path(args.file))
    for line in outcome.changes:
        say(line)
    for line in outcome.unmatched:
        say(line, file=sys.stderr)
    say(f"{outcome.actors} actors changed from {args.file}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``register`` to the main parser's sub-commands."""
    parser = subparsers.add_parser("register", help="the register of actors and collaborations")
    sub = parser.add_subparsers(dest="register_command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="import civil actors from CSV or XLSX (all or nothing)")
    p.add_argument("--actors", required=True, help="CSV/XLSX: " + "name,type,kommune,cvr,...")
    p.add_argument(
        "--review",
        help="also write the rows to review (duplicates) to this CSV (default: none written)",
    )
    p.set_defaults(func=handler(cmd_import))

    p = sub.add_parser("export", help="open data: HSDS, Popolo or CSV files in a folder")
    p.add_argument(
        "--format", required=True, choices=["hsds", "popolo", "csv"], help="open-data format"
    )
    p.add_argument("--out", required=True, help="output folder (made if missing)")
    p.set_defaults(func=handler(cmd_export))

    p = sub.add_parser("tables", help="fc2015 tables 5.1, 5.3, 5.4, 5.6 from the collaborations")
    p.add_argument("--kommune", help="one municipality (name or code); default the country")
    p.add_argument(
        "--survey",
        help="a survey report folder: its figures go beside the register's (default: none)",
    )
    p.add_argument("--out", required=True, help="output folder (made if missing)")
    p.set_defaults(func=handler(cmd_tables))

    p = sub.add_parser("respondents", help="a study's respondent list drawn from the register")
    p.add_argument(
        "kind",
        choices=["contact-points", "actors"],
        help="whom to invite: contact points or actors",
    )
    p.add_argument(
        "--kommune",
        action="append",
        help="limit to a municipality (repeatable; default: every municipality)",
    )
    p.add_argument("--out", required=True, help="CSV for samspil study create --respondents")
    p.add_argument(
        "--confirmed-within",
        type=int,
        metavar="MONTHS",
        help="only records confirmed within this many months, e.g. 12 (default: all)",
    )
    p.set_defaults(func=handler(cmd_respondents))

    p = sub.add_parser("freshness", help="per municipality: the share confirmed within 12 months")
    p.add_argument(
        "--kommune",
        action="append",
        help="one municipality (name or code; repeatable; default: all)",
    )
    p.set_defaults(func=handler(cmd_freshness))

    p = sub.add_parser("cvr", help="update actors' names, addresses and status from a CVR export")
    p.add_argument("file", help="CSV/XLSX: cvr,name,address,postcode,city,status")
    p.set_defaults(func=handler(cmd_cvr))

    p = sub.add_parser(
        "confirmations", help="the yearly e-mails asking actors and contact points to confirm"
    )
    p.add_argument(
        "--kommune",
        action="append",
        help="a municipality (name or code; repeatable; default: none)",
    )
    p.add_argument(
        "--day", help="the day of the year to send them, MM-DD, e.g. 03-01 (default: unchanged)"
    )
    p.add_argument("--send", action="store_true", help="send this year's round now")
    p.set_defaults(func=handler(cmd_confirmations))
