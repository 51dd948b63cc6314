"""The ``samspil`` command line. Each sub-command is a verb doing one job; handlers return
the exit code (0 ok, 2 bad input)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from samspil import __version__

EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input: printed on stderr and the command exits with code 2."""


def _instrument(instrument_id: str):  # type: ignore[no-untyped-def]
    from samspil.instruments import load

    return load(instrument_id)


def cmd_instruments(args: argparse.Namespace) -> int:
    from samspil.instruments import bundled_ids

    for instrument_id in bundled_ids():
        instrument = _instrument(instrument_id)
        print(f"{instrument_id}\t{len(instrument.variables)} variables\t{instrument.title}")
    return 0


def cmd_codebook(args: argparse.Namespace) -> int:
    from samspil.codebook import codebook

    table = codebook(_instrument(args.instrument))
    if args.format == "json":
        print(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=2))
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def _read_data(instrument_id: str, path: str) -> pd.DataFrame:
    from samspil.importing import read_responses

    result = read_responses(Path(path), _instrument(instrument_id))
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return result.data


def _read_codes(path: str | None) -> pd.DataFrame | None:
    if path is None:
        return None
    from samspil.importing import DataImportError, Problem, read_table

    table, _ = read_table(Path(path))
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in ("respondent_id", "variable", "code") if c not in table.columns]
    if missing:
        raise DataImportError([Problem(path, 1, c, "required column is missing") for c in missing])
    return table


def _report_meta(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from samspil.reports import Meta
    from samspil.reports.document import cover_date

    authors = [a.strip() for a in re.split(r"[;,]", args.authors or "") if a.strip()]
    return Meta(authors=authors, institution=args.institution or "", date=cover_date(args.date))


def cmd_report(args: argparse.Namespace) -> int:
    from samspil.importing import read_attributes
    from samspil.reports import ALL_FORMATS, load_spec, make_report
    from samspil.reports.groups import ATTRIBUTE_COLUMNS

    spec = load_spec(args.report)
    data = _read_data(spec.instrument, args.data)
    attributes = read_attributes(args.attributes, ATTRIBUTE_COLUMNS) if args.attributes else None
    quotes = None
    if args.quotes:
        quotes = pd.read_csv(args.quotes, dtype=str, keep_default_na=False)
    formats = set(args.formats.split(",")) if args.formats else ALL_FORMATS
    output = make_report(
        args.report,
        data,
        Path(args.out),
        codes=_read_codes(args.codes),
        attributes=attributes,
        quotes=quotes,
        min_cell=args.min_cell,
        formats=formats,
        banner=args.banner or "",
        meta=_report_meta(args),
    )
    made = len(output.results) - len(output.skipped)
    print(f"{args.report}: {made} tables and figures written to {output.folder}")
    for result in output.skipped:
        print(f"left out {result.block.label}: {result.skipped}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from samspil.exports import export

    data = _read_data(args.instrument, args.data)
    suffix = "xml" if args.to == "ddi" else args.to
    out = Path(args.out) if args.out else Path(f"{args.instrument}.{suffix}")
    export(_instrument(args.instrument), data, args.to, out)
    print(out)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from samspil import demo
    from samspil.importing import read_attributes
    from samspil.reports import make_report
    from samspil.reports.groups import ATTRIBUTE_COLUMNS

    out = Path(args.out)
    for report_id in ("kd2024", "fc2015"):
        data = _read_data(report_id, str(demo.demo_file(f"{report_id}_demo.csv")))
        attributes = None
        codes = None
        if report_id == "fc2015":
            attributes = read_attributes(
                demo.demo_file("fc2015_kommuner_demo.csv"), ATTRIBUTE_COLUMNS
            )
        codes_file = demo.demo_file(f"{report_id}_codes_demo.csv")
        if codes_file.is_file():
            codes = _read_codes(str(codes_file))
        output = make_report(
            report_id,
            data,
            out / report_id,
            codes=codes,
            attributes=attributes,
            banner=demo.BANNER,
        )
        print(f"{report_id}: {output.folder / 'index.html'} ({len(output.results)} blocks)")
    if args.no_serve:
        return 0
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "serve" not in sub.choices:
        return 0
    return main(["serve", "--demo", "--port", str(args.port)])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samspil",
        description="Surveys of municipal collaboration with civil society: questionnaires, "
        "fieldwork, coding and data reports.",
    )
    parser.add_argument("--version", action="version", version=f"samspil {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("instruments", help="list the bundled questionnaires")
    p.set_defaults(func=cmd_instruments)

    p = sub.add_parser("codebook", help="one row per variable of a questionnaire")
    p.add_argument("instrument", help="instrument id (e.g. kd2024) or a YAML file")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_codebook)

    p = sub.add_parser("report", help="make a data report from answers")
    p.add_argument("report", help="report id (kd2024, fc2015) or a report definition YAML")
    p.add_argument("--data", required=True, help="answers: CSV, XLSX or SPSS .sav")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--codes", help="final codes of open answers: respondent_id,variable,code")
    p.add_argument("--quotes", help="chosen quotes: respondent_id,variable,text")
    p.add_argument(
        "--attributes",
        help="municipality attributes: kommune,population,expenditure_pressure,mayor_party",
    )
    p.add_argument("--min-cell", type=int, default=None, help="suppress groups below this N")
    p.add_argument("--formats", help="comma list of csv,xlsx,figures,html,pdf,docx (default all)")
    p.add_argument("--banner", help="a line shown at the top of the report")
    p.add_argument("--authors", help="the cover's authors, separated by ';' or ','")
    p.add_argument("--institution", help="the cover's and colophon's institution")
    p.add_argument("--date", help="the cover's month, e.g. 'Maj 2024' or 2024-05 (default now)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="export answers with labels for archiving")
    p.add_argument("instrument")
    p.add_argument("--data", required=True)
    p.add_argument("--to", required=True, choices=["sav", "dta", "xlsx", "csv", "ddi"])
    p.add_argument("--out", help="output file (default: <instrument>.<format>)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="both reports from the bundled synthetic data, then serve")
    p.add_argument("--out", default="demo-output")
    p.add_argument("--no-serve", action="store_true", help="only make the reports")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)

    for module in ("samspil.coding.cli", "samspil.fieldwork.cli"):
        try:
            plugin = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        plugin.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from samspil.importing import DataImportError
    from samspil.instruments import InstrumentError
    from samspil.reports.spec import SpecError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (DataImportError, InstrumentError, SpecError, UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
