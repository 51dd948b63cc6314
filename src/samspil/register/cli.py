"""``samspil register ...``: import civil actors, export open data, survey tables and
respondent lists from the register.

``register(subparsers)`` adds the sub-command to the main ``samspil`` parser, as
fieldwork and coding do. Like every command it prepares the database first (migrations, as
``samspil serve``), so it works on a fresh data folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from samspil.fieldwork.cli import BadInput, _handler, say


def cmd_import(args: argparse.Namespace) -> int:
    from samspil.register.importer import import_actors

    outcome = import_actors(Path(args.actors))
    say(f"{outcome.imported} actors imported from {args.actors}")
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
    return 0


def register(subparsers: Any) -> None:
    """Add ``register`` to the main parser's sub-commands."""
    parser = subparsers.add_parser("register", help="the register of actors and collaborations")
    sub = parser.add_subparsers(dest="register_command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="import civil actors from CSV or XLSX (all or nothing)")
    p.add_argument("--actors", required=True, help="CSV/XLSX: " + "name,type,kommune,cvr,...")
    p.add_argument("--review", help="also write the rows to review (duplicates) to this CSV")
    p.set_defaults(func=_handler(cmd_import))

    p = sub.add_parser("export", help="open data: HSDS, Popolo or CSV files in a folder")
    p.add_argument("--format", required=True, choices=["hsds", "popolo", "csv"])
    p.add_argument("--out", required=True, help="output folder (made if missing)")
    p.set_defaults(func=_handler(cmd_export))
