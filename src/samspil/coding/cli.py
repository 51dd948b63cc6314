"""Command-line sub-commands ``samspil coding ...``.

``register(subparsers)`` adds the group to the main CLI (``samspil.cli``); each command sets
``func`` (``args -> exit code``). Bad input prints a message naming file, row and column on
stderr and returns 2. ``python -m samspil.coding.cli coding ...`` runs them alone.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported in the handlers: ``samspil --help`` stays fast
    import pandas as pd

    from samspil.coding.schema import Codebook

CODEBOOK_COLUMNS = ["variable", "theme", "code", "description", "code_id"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``coding codebook`` and ``coding agreement`` to the main CLI."""
    group = subparsers.add_parser(
        "coding", help="codebooks and agreement between coders of open answers"
    )
    group.set_defaults(func=lambda _args: _usage(group))
    commands = group.add_subparsers(dest="coding_command", metavar="COMMAND")

    show = commands.add_parser(
        "codebook",
        help="list the codes for open answers in a coding codebook, one row each",
        description="One row per code of a coding codebook for open answers: variable, "
        "theme, code, description, code_id. (`samspil codebook` lists a questionnaire's "
        "variables instead.)",
    )
    show.add_argument(
        "codebook", metavar="CODEBOOK", help="a bundled codebook id (e.g. kd2024) or a YAML file"
    )
    show.add_argument(
        "--format", choices=["csv", "json"], default="csv", help="output format (default csv)"
    )
    show.set_defaults(func=codebook_command)

    agree = commands.add_parser(
        "agreement", help="agreement between two coders per variable and code (JSON)"
    )
    agree.add_argument(
        "file", metavar="FILE", help="CSV with columns respondent_id,variable,coder,code"
    )
    agree.add_argument(
        "--codebook",
        metavar="CODEBOOK",
        help="check variables and codes against this codebook (default: no check)",
    )
    agree.set_defaults(func=agreement_command)


def codebook_command(args: argparse.Namespace) -> int:
    from samspil.coding.loader import CodebookError, load_codebook

    try:
        codebook = load_codebook(args.codebook)
    except CodebookError as exc:
        return _fail(str(exc))
    if args.format == "json":
        sys.stdout.write(
            json.dumps(codebook.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        )
    else:
        sys.stdout.write(codebook_csv(codebook))
    return 0


def codebook_csv(codebook: Codebook) -> str:
    """CSV ``variable,theme,code,description,code_id``: one row per theme and subtheme.

    ``theme`` is the label the row is grouped under: the question's heading (the code
    list's Tema) for a theme, the parent theme's label for a subtheme. ``code`` is the
    Danish label, ``code_id`` the stable id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CODEBOOK_COLUMNS)
    for q in codebook.questions:
        for theme in q.themes:
            writer.writerow([q.variable, q.label, theme.label, theme.description, theme.code])
            for sub in theme.subthemes:
                writer.writerow([q.variable, theme.label, sub.label, sub.description, sub.code])
    return buffer.getvalue()


def agreement_command(args: argparse.Namespace) -> int:
    from samspil.coding.agreement import agreement
    from samspil.coding.loader import CodebookError, load_codebook
    from samspil.coding.records import CodingInputError

    path = Path(args.file)
    codebook = None
    if args.codebook:
        try:
            codebook = load_codebook(args.codebook)
        except CodebookError as exc:
            return _fail(str(exc))
    try:
        codings = read_codings_csv(path)
        report = agreement(codings, codebook)
    except CodingInputError as exc:
        where = []
        if exc.row is not None:
            where.append(f"row {exc.row} (line {exc.row + 1})")
        if exc.column is not None:
            where.append(f"column {exc.column!r}")
        return _fail(f"{path}: {', '.join(where) + ': ' if where else ''}{exc.detail}")
    except ValueError as exc:
        return _fail(f"{path}: {exc}")
    sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return 0


def read_codings_csv(path: Path) -> pd.DataFrame:
    """The coding table as text columns, through the one table reader
    (``samspil.importing``: CSV in UTF-8 or Windows-1252, ``,`` ``;`` or tab, or XLSX)."""
    from samspil.importing import DataImportError, read_table

    try:
        frame = read_table(path, path.name).frame
    except DataImportError as exc:
        raise ValueError(str(exc).removeprefix(f"{path.name}: ")) from None
    if frame.columns.empty:
        raise ValueError("the file is empty; expected a header respondent_id,variable,coder,code")
    return frame


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``coding ...`` commands without the main CLI (tests, ``python -m``)."""
    parser = argparse.ArgumentParser(prog="samspil")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    register(subparsers)
    args = parser.parse_args(argv)
    func: Any = getattr(args, "func", None)
    if func is None:
        parser.print_usage(sys.stderr)
        return 2
    return int(func(args))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 2


def _fail(message: str) -> int:
    sys.stderr.write(f"samspil coding: {message}\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
