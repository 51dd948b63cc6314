"""The ``samspil`` command line. Each sub-command is a verb doing one job; handlers return
the exit code (0 ok, 2 bad input).

Sub-commands come from a registry, ``COMMAND_MODULES``: each listed module has a
``register(subparsers)`` function adding its commands (this module registers the core ones
the same way). A command module imports only light things at its top; pandas, scipy,
Django and the like are imported inside the handlers, so ``samspil --help`` and argument
errors answer at once. ``DomainError`` (bad input) becomes exit code 2 with its message;
any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import re
import sys
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from samspil.errors import DomainError

if TYPE_CHECKING:
    import pandas as pd

    from samspil.instruments import Instrument
    from samspil.reports.spec import ReportSpec
    from samspil.responses import Responses

EXIT_BAD_INPUT = 2
CODES_COLUMNS = ("respondent_id", "variable", "code")
QUOTES_COLUMNS = ("respondent_id", "variable", "text")

# Modules whose ``register(subparsers)`` adds sub-commands, in the order --help lists them.
COMMAND_MODULES: list[str] = [
    "samspil.cli",
    "samspil.instrument_cli",
    "samspil.coding.cli",
    "samspil.web.cli",
    "samspil.fieldwork.cli",
    "samspil.privacy.cli",
    "samspil.register.cli",
    "samspil.backup",
    "samspil.web.api_cli",
    "samspil.web.accounts_cli",
]


def register_commands(module: str) -> None:
    """Add a module with a ``register(subparsers)`` function to the command line."""
    if module not in COMMAND_MODULES:
        COMMAND_MODULES.append(module)


def _instrument(ref: str) -> Instrument:
    from samspil.instruments import resolve

    return resolve(ref)


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


def _read_responses(instrument: Instrument, path: str) -> Responses:
    from samspil.responses import Responses

    responses = Responses.from_file(path, instrument)
    for note in responses.notes:
        print(f"note: {note}", file=sys.stderr)
    return responses


def _read_previous(args: argparse.Namespace, instrument: Instrument) -> Responses:
    """The previous wave's answers, read with ``--previous-instrument`` if given, else with
    this wave's questionnaire: answers to another questionnaire are refused once, saying
    how to give it (not a line per unknown column)."""
    from samspil.importing import DataImportError

    if args.previous_instrument:
        return _read_responses(_instrument(args.previous_instrument), args.previous)
    try:
        return _read_responses(instrument, args.previous)
    except DataImportError as error:
        unknown = [p.column for p in error.problems if p.message.startswith("unknown variable")]
        if not unknown:
            raise
        shown = ", ".join(repr(c) for c in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        raise DomainError(
            f"{args.previous}: {len(unknown)} columns are not in this wave's questionnaire "
            f"{instrument.id} ({shown}): if the previous wave answered another questionnaire, "
            "give it with --previous-instrument (items are matched by variable name)"
        ) from None


def _read_columns(path: str | None, required: tuple[str, ...]) -> pd.DataFrame | None:
    if path is None:
        return None
    from samspil.importing import read_columns

    return read_columns(path, required)


# --codes, --attributes and --quotes this large together (bytes) are read by a forked child
# while this process reads the answers (a report's coded open answers: 30 MB for 100,000)
READ_IN_CHILD = 4_000_000


def _side_tables(args: argparse.Namespace) -> dict[str, pd.DataFrame | None]:
    from samspil.reports.groups import ATTRIBUTE_COLUMNS

    wanted = {"codes": CODES_COLUMNS, "attributes": ATTRIBUTE_COLUMNS, "quotes": QUOTES_COLUMNS}
    return {name: _read_columns(getattr(args, name), columns) for name, columns in wanted.items()}


def _packed(tables: dict[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame | None]:
    """The side tables as a forked child sends them: each text column as categories
    (a codes table repeats its variables, codes and ids: a third of the bytes, and the
    receiver makes one string per distinct value, not per cell)."""
    import pandas as pd

    def pack(column: pd.Series) -> pd.Series:
        text = pd.api.types.infer_dtype(column, skipna=False) == "string"
        return column.astype("category") if text else column

    return {k: None if t is None else t.apply(pack) for k, t in tables.items()}


def _unpacked(tables: dict[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame | None]:
    """The side tables as read here: text columns of strings (see :func:`_packed`)."""

    def unpack(column: pd.Series) -> pd.Series:
        return column.astype(object) if column.dtype == "category" else column

    return {k: None if t is None else t.apply(unpack) for k, t in tables.items()}


def read_inputs(
    args: argparse.Namespace, instrument: Instrument
) -> tuple[Responses, Responses | None, dict[str, pd.DataFrame | None]]:
    """``samspil report``'s files, all checked: the answers (``--data``), the previous
    wave's (``--previous``) and ``codes``, ``attributes`` and ``quotes`` (None where not
    given). Large side tables are read by a forked child meanwhile (this process runs no
    other thread); a problem is reported as reading them one by one reports it: the
    answers' first."""
    from samspil.reports.forked import InChild, can_fork

    paths = [getattr(args, n) for n in ("codes", "attributes", "quotes") if getattr(args, n)]
    size = sum(os.path.getsize(p) for p in paths if os.path.isfile(p))
    child = None
    if size >= READ_IN_CHILD and can_fork():
        child = InChild(
            lambda: _packed(_side_tables(args)), "reading --codes, --attributes, --quotes"
        )
    try:
        responses = _read_responses(instrument, args.data)
        previous = _read_previous(args, responses.instrument) if args.previous else None
    except BaseException:
        if child is not None:
            child.discard()
        raise
    tables = _unpacked(child.result()) if child is not None else _side_tables(args)
    return responses, previous, tables


def _report_meta(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from samspil.reports import Meta
    from samspil.reports.document import cover_date
    from samspil.reports.frontmatter import read_markdown

    authors = [a.strip() for a in re.split(r"[;,]", args.authors or "") if a.strip()]
    return Meta(
        authors=authors,
        institution=args.institution or "",
        date=cover_date(args.date),
        foreword=read_markdown(args.foreword, "--foreword") if args.foreword else "",
        summary=read_markdown(args.summary, "--summary") if args.summary else "",
    )


def add_front_matter_options(p: argparse.ArgumentParser) -> None:
    """``--foreword FILE`` and ``--summary FILE`` (``samspil report``, ``study report``)."""
    p.add_argument(
        "--foreword",
        metavar="FILE",
        help="a foreword in Markdown, placed before chapter 1 (default: none; a study's: "
        "the one uploaded on its page)",
    )
    p.add_argument(
        "--summary",
        metavar="FILE",
        help="the main findings in Markdown, placed before chapter 1 (default: none; a "
        "study's: the one uploaded on its page)",
    )


def cmd_report(args: argparse.Namespace) -> int:
    from samspil.reports import ALL_FORMATS

    formats = set(args.formats.split(",")) if args.formats else ALL_FORMATS
    return _report(args, formats)


def _report(args: argparse.Namespace, formats: Collection[str]) -> int:
    from samspil.reports import make_report

    spec, instrument = _spec_and_instrument(args.report)
    if args.instrument or instrument is None:
        instrument = _instrument(args.instrument or spec.instrument)
    if args.by:
        responses = _read_responses(instrument, args.data)
        previous = _read_previous(args, responses.instrument) if args.previous else None
        from samspil.reports.municipal import report_by_kommune

        index = report_by_kommune(spec, responses, previous, args, formats, _report_meta(args))
        print(f"{spec.id}: {len(index)} municipalities' reports in {args.out} (index.csv)")
        unused = [o for o, given in (("--codes", args.codes), ("--quotes", args.quotes)) if given]
        if unused:  # the same command line with --by added still runs: said, not silent
            print(
                f"{' and '.join(unused)} not used with --by kommune: the open answers are in "
                "the national report only (a theme or a quotation among a municipality's few "
                "answers could point to who wrote it)",
                file=sys.stderr,
            )
        return 0
    responses, previous, tables = read_inputs(args, instrument)
    with _naming_the_codes_file(args.codes):
        output = make_report(
            spec,
            responses,
            Path(args.out),
            previous=previous,
            previous_label=args.previous_label or "",
            match=args.match,
            weights=args.weights,
            population=args.population,
            rake=_margins(args.rake),
            codes=tables["codes"],
            attributes=tables["attributes"],
            quotes=tables["quotes"],
            min_cell=args.min_cell,
            formats=formats,
            banner=args.banner or "",
            meta=_report_meta(args),
            fork=True,  # this process runs no other thread: Word and the figures in a child
        )
    made = len(output.results) - len(output.skipped)
    print(f"{spec.id}: {made} tables and figures written to {output.folder}")
    for result in output.skipped:
        print(f"left out {result.block.label}: {result.skipped}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _naming_the_codes_file(path: str | None) -> Iterator[None]:
    """A final code found bad while the tables are computed (a row of --codes) is reported
    with the file it is in, as the errors found while reading it are."""
    from samspil.coding.records import CodingInputError

    try:
        yield
    except CodingInputError as exc:
        if path is None:
            raise
        raise DomainError(f"{path}: {exc}") from exc


def _margins(text: str | None) -> list[str] | None:
    """``--rake region,size`` as a list (None when not given)."""
    if text is None:
        return None
    return [m.strip() for m in text.split(",") if m.strip()]


def _spec_and_instrument(ref: str) -> tuple[ReportSpec, Instrument | None]:
    """The report definition ``samspil report REF`` means, and the questionnaire when REF is
    one: an XLSForm is read once (its default report and the answers' instrument)."""
    from samspil.reports.default import default_spec, resolve_spec

    if Path(ref).suffix.lower() == ".xlsx":  # never a report definition (those are YAML)
        instrument = _instrument(ref)
        return default_spec(instrument, ref), instrument
    return resolve_spec(ref), None


def cmd_report_definition(args: argparse.Namespace) -> int:
    from samspil.reports.default import default_spec, spec_yaml

    spec = default_spec(_instrument(args.instrument), args.instrument)
    Path(args.out).write_text(spec_yaml(spec), encoding="utf-8")
    print(f"{args.out}: {len(spec.chapters)} chapters, {len(spec.blocks)} tables and figures")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from samspil.exports import EXPORTERS, export

    responses = _read_responses(_instrument(args.instrument), args.data)
    if args.rake:  # the raking weight travels with the answers as a variable of its own
        from samspil.reports.groups import ATTRIBUTE_COLUMNS
        from samspil.reports.population import with_raking

        attributes = _read_columns(args.attributes, ATTRIBUTE_COLUMNS)
        responses = with_raking(responses, _margins(args.rake) or [], attributes)
    suffix = EXPORTERS[args.to].suffix
    out = Path(args.out) if args.out else Path(f"{responses.instrument.id}.{suffix}")
    export(responses, args.to, out, excel=args.excel)
    print(out)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from samspil import demo
    from samspil.reports import make_report
    from samspil.reports.groups import ATTRIBUTE_COLUMNS

    out = Path(args.out)
    for report_id in ("kd2024", "fc2015"):
        responses = _read_responses(
            _instrument(report_id), str(demo.demo_file(f"{report_id}_demo.csv"))
        )
        # real municipalities' names (the web demo's too), so kd2024 has its Tabel 10.3
        responses.data["kommune"] = demo.with_real_names(responses.data["kommune"])
        attributes = None
        if report_id == "fc2015":
            attributes = _read_columns(
                str(demo.demo_file("fc2015_kommuner_demo.csv")), ATTRIBUTE_COLUMNS
            )
            if attributes is not None:
                attributes["kommune"] = demo.with_real_names(attributes["kommune"])
        codes_file = demo.demo_file(f"{report_id}_codes_demo.csv")
        codes = _read_columns(str(codes_file), CODES_COLUMNS) if codes_file.is_file() else None
        output = make_report(
            report_id,
            responses,
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


INSTRUMENT_HELP = "the questionnaire: a bundled id (e.g. kd2024), a YAML or an XLSForm file"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The core commands: instruments, codebook, report, export, demo."""
    from samspil.exports import EXPORTERS

    p = sub.add_parser("instruments", help="list the bundled questionnaires")
    p.set_defaults(func=cmd_instruments)

    p = sub.add_parser(
        "codebook",
        help="list a questionnaire's variables, one row each (CSV or JSON)",
        description="One row per variable of the questionnaire: variable, question, item, "
        "values, type, section, missing. (`samspil coding codebook` lists the codes for "
        "open answers instead.)",
    )
    p.add_argument("instrument", metavar="INSTRUMENT", help=INSTRUMENT_HELP)
    p.add_argument(
        "--format", choices=["csv", "json"], default="csv", help="output format (default csv)"
    )
    p.set_defaults(func=cmd_codebook)

    p = sub.add_parser("report", help="make a data report from answers")
    p.add_argument(
        "report",
        metavar="REPORT",
        help="report id (kd2024, fc2015), a report definition YAML, or a questionnaire "
        "(id, YAML or XLSForm) for its default report",
    )
    p.add_argument("--data", required=True, help="answers: CSV, XLSX or SPSS .sav")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument(
        "--codes",
        help="final codes of open answers: respondent_id,variable,code (default: none)",
    )
    p.add_argument("--quotes", help="chosen quotes: respondent_id,variable,text (default: none)")
    p.add_argument(
        "--attributes",
        help="municipality attributes: kommune,population,expenditure_pressure,mayor_party "
        "(default: none; tables by them are left out)",
    )
    p.add_argument(
        "--instrument",
        metavar="INSTRUMENT",
        help="the answers' questionnaire: a bundled id, a YAML or an XLSForm file "
        "(default: the report's)",
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=None,
        help="suppress groups below this N (default: the report definition's; 5 with --by)",
    )
    p.add_argument(
        "--by",
        choices=["kommune"],
        help="one report per municipality that answered, into OUT/<municipality>/, with "
        "OUT/index.csv (default: one national report)",
    )
    p.add_argument(
        "--formats",
        help="comma list of csv,xlsx,figures,html,pdf,docx (default: all of them)",
    )
    p.add_argument("--banner", help="a line shown at the top of the report (default: none)")
    p.add_argument(
        "--previous", help="the previous wave's answers: CSV, XLSX or .sav (default: none)"
    )
    p.add_argument(
        "--previous-label",
        help="the previous wave's name in tables, e.g. 2024 (default: 'forrige runde')",
    )
    p.add_argument(
        "--previous-instrument",
        metavar="INSTRUMENT",
        help="the previous wave's questionnaire, if it differs; items match by variable name "
        "(default: the same as --instrument)",
    )
    p.add_argument(
        "--match",
        help="with --previous: the column matching the same unit across waves, tested as a "
        "panel (paired tests); 'none': independent samples (default: kommune when both "
        "files have it)",
    )
    p.add_argument(
        "--weights",
        help="a weight per respondent: a number variable of the questionnaire (under sample:) "
        "in the data; shares, percentages and means are weighted (default: unweighted)",
    )
    p.add_argument(
        "--population",
        choices=["kommuner"],
        help="add a table of the respondents against the population (kommuner: Denmark's 98 "
        "municipalities, by region, size band and --attributes) with chi-square tests "
        "(default: only where the report definition has one)",
    )
    p.add_argument(
        "--rake",
        metavar="MARGINS",
        help="weight the tables with raking weights to the population's margins, e.g. "
        "region,size (numbers of municipalities; size and the --attributes types need "
        "--attributes where no populations are bundled) (default: unweighted)",
    )
    p.add_argument("--authors", help="the cover's authors, separated by ';' or ',' (default: none)")
    p.add_argument("--institution", help="the cover's and colophon's institution (default: none)")
    p.add_argument("--date", help="the cover's month, e.g. 'Maj 2024' or 2024-05 (default now)")
    add_front_matter_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "report-definition", help="write the default report definition of a questionnaire"
    )
    p.add_argument("instrument", metavar="INSTRUMENT", help=INSTRUMENT_HELP)
    p.add_argument("--out", required=True, help="the definition file to write (YAML)")
    p.set_defaults(func=cmd_report_definition)

    p = sub.add_parser("export", help="export answers with labels for archiving")
    p.add_argument("instrument", metavar="INSTRUMENT", help=INSTRUMENT_HELP)
    p.add_argument("--data", required=True, help="answers: CSV, XLSX or SPSS .sav")
    p.add_argument(
        "--to",
        required=True,
        choices=list(EXPORTERS),
        help="export format: " + ", ".join(f"{e.name} {e.description}" for e in EXPORTERS.values()),
    )
    p.add_argument(
        "--out", metavar="FILE", help="output file (default: <instrument id>.<format's suffix>)"
    )
    p.add_argument(
        "--excel", action="store_true", help="CSV for Danish Excel: UTF-8 with BOM, ';', 1,5"
    )
    p.add_argument(
        "--rake",
        metavar="MARGINS",
        help="add the raking weight rakingvaegt to the export, as samspil report --rake "
        "(default: none)",
    )
    p.add_argument(
        "--attributes",
        help="municipality attributes for --rake size (default: none)",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="both reports from the bundled synthetic data, then serve")
    p.add_argument(
        "--out", default="demo-output", help="folder for the reports (default demo-output)"
    )
    p.add_argument("--no-serve", action="store_true", help="only make the reports")
    p.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    p.set_defaults(func=cmd_demo)


DESCRIPTION = (
    "Surveys of municipal collaboration with civil society: questionnaires, fieldwork, "
    "coding and data reports."
)
MORE = (
    "`samspil COMMAND --help` shows a command's arguments and their defaults; the README "
    '(README.md, section "Command line") shows them with examples. The commands speak '
    "English; the web pages and reports are Danish."
)


class _Version(argparse._VersionAction):
    """``--version``: the version is read only when asked for (see ``samspil.__getattr__``)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        from samspil import __version__

        print(f"samspil {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samspil", description=DESCRIPTION, epilog=MORE)
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def overview(parser: argparse.ArgumentParser) -> str:
    """What ``samspil`` alone prints: every command with its one line, and where to read
    more."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = [(choice.dest, choice.help or "") for choice in sub._choices_actions]
    width = max(len(name) for name, _ in commands) + 2
    from samspil import __version__

    lines = [f"samspil {__version__}: {DESCRIPTION}", "", "Commands:"]
    lines += [f"  {name:<{width}}{text}" for name, text in commands]
    return "\n".join([*lines, "", MORE])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        print(overview(parser))
        return 0
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
        return code
    except DomainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``samspil codebook kd2024 | head``): end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without freeing its memory object by object: the
    system takes it back at once (a report of 100,000 answers spent 0.2 s freeing its
    objects one by one). Output is flushed, logging shut down and the database connections
    a command opened closed first (PostgreSQL then logs no lost client), as an ordinary
    exit does; samspil leaves nothing else to an exit handler (every temporary folder,
    thread, child process and pool is ended where it was begun)."""
    import logging

    if "django.db" in sys.modules:
        from django.db import connections

        with contextlib.suppress(Exception):  # ending anyway: nothing left to keep
            connections.close_all()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, a stream closed
            stream.flush()
    logging.shutdown()
    os._exit(code)


def run() -> NoReturn:
    """The ``samspil`` command: :func:`main`, then :func:`exit_now` (a command ended by an
    error it did not expect ends as Python ends it, its traceback shown)."""
    exit_now(main())


if __name__ == "__main__":
    run()
