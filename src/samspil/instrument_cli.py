"""``samspil instrument convert`` and ``samspil instrument check`` (outside the
``samspil.instruments`` package, so ``samspil --help`` imports no pydantic): questionnaires
between YAML and XLSForm, and a check of a questionnaire file that lists every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samspil.instruments import Instrument

FORMATS = ("xlsform", "yaml")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``instrument convert`` and ``instrument check`` to the main CLI."""
    group = subparsers.add_parser(
        "instrument", help="convert a questionnaire (YAML <-> XLSForm) or check one"
    )
    group.set_defaults(func=lambda _args: _usage(group))
    commands = group.add_subparsers(dest="instrument_command", metavar="COMMAND")

    convert = commands.add_parser("convert", help="write a questionnaire as XLSForm or YAML")
    convert.add_argument(
        "instrument",
        metavar="INSTRUMENT",
        help="the questionnaire: a bundled id (e.g. kd2024), a YAML or an XLSForm file",
    )
    convert.add_argument("--to", required=True, choices=FORMATS, help="the format to write")
    convert.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    convert.set_defaults(func=convert_command)

    check = commands.add_parser("check", help="summary of a questionnaire, or every problem")
    check.add_argument(
        "file",
        metavar="INSTRUMENT",
        help="the questionnaire: a YAML or XLSForm file (or a bundled id)",
    )
    check.set_defaults(func=check_command)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def convert_command(args: argparse.Namespace) -> int:
    from samspil.instruments import InstrumentError, resolve
    from samspil.instruments.xlsform import write_xlsform

    instrument = resolve(args.instrument)
    out = Path(args.out)
    wanted = (".xlsx",) if args.to == "xlsform" else (".yaml", ".yml")
    if not out.name.lower().endswith(wanted):
        raise InstrumentError(f"--out {out}: a {args.to} file ends in {' or '.join(wanted)}")
    if args.to == "xlsform":
        write_xlsform(instrument, out)
    else:
        out.write_text(to_yaml(instrument), encoding="utf-8")
    sys.stdout.write(f"{out}\n")
    return 0


def check_command(args: argparse.Namespace) -> int:
    from samspil.instruments import resolve

    instrument = resolve(args.file)
    sys.stdout.write(summary(instrument))
    return 0


def summary(instrument: Instrument) -> str:
    """Sections, questions and variables, one section a line."""
    questions = sum(len(s.questions) for s in instrument.sections)
    lines = [
        f"{instrument.id} (version {instrument.version}): {instrument.title}",
        f"{len(instrument.sections)} sections, {questions} questions, "
        f"{len(instrument.variables)} variables",
    ]
    for section in instrument.sections:
        variables = sum(len(q.variables(section.id)) for q in section.questions)
        lines.append(
            f"  {section.id}: {section.title} ({len(section.questions)} questions, "
            f"{variables} variables)"
        )
    if instrument.sample:
        lines.append(f"  sample: {', '.join(s.name for s in instrument.sample)}")
    if instrument.translations:
        lines.append(f"  other languages kept: {', '.join(sorted(instrument.translations))}")
    from samspil.exports import long_names

    renamed = long_names(instrument)
    if renamed:
        lines.append(
            f"warning: {len(renamed)} variable names are longer than Stata's 32 characters "
            "(or SPSS's 64 bytes); the .dta/.sav exports shorten them (the full name is in "
            "the variable label, the mapping in the codebook and the DDI):"
        )
        for name, sav, dta in renamed:
            lines.append(f"  {name} -> {dta} (Stata)" + (f", {sav} (SPSS)" if sav != name else ""))
    return "\n".join(lines) + "\n"


def to_yaml(instrument: Instrument) -> str:
    """The instrument as a YAML file that loads back to the same instrument."""
    import yaml

    data: dict[str, Any] = instrument.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude_none=True
    )
    data = {"id": instrument.id, "version": instrument.version, **data}
    for section in data.get("sections", []):
        for question in section.get("questions", []):
            if question.get("scale") in instrument.scales:
                question.pop("options", None)
            else:
                question.pop("scale", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
