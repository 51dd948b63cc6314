"""The command line a researcher reads (issue 22, item 6): every argument and option says
what it is and its default, a questionnaire is INSTRUMENT everywhere, and `samspil` alone
lists the commands."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from samspil.cli import build_parser, main

FLAGS = (
    argparse._StoreTrueAction,
    argparse._StoreFalseAction,
    argparse.BooleanOptionalAction,
    argparse._CountAction,
)


def _actions(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _actions(child, (*path, name))
        elif action.help != argparse.SUPPRESS and not isinstance(
            action, (argparse._HelpAction, argparse._VersionAction)
        ):
            yield " ".join(path), action


def test_every_argument_and_option_has_help_that_names_its_default():
    problems = []
    for command, action in _actions(build_parser()):
        name = f"samspil {command} {'/'.join(action.option_strings) or action.dest}"
        text = action.help or ""
        if not text:
            problems.append(f"{name}: no help")
        elif action.option_strings and not action.required and not isinstance(action, FLAGS):
            if "default" not in text:
                problems.append(f"{name}: help does not say the default")
            elif action.default is not None and str(action.default) not in text:
                problems.append(f"{name}: help does not say the default {action.default}")
    assert problems == []


def test_a_questionnaire_is_instrument_in_every_command():
    seen = []
    for command, action in _actions(build_parser()):
        if action.dest in ("instrument", "previous_instrument") or command == "instrument check":
            seen.append(command)
            assert action.metavar == "INSTRUMENT", f"samspil {command} {action.dest}"
            assert "XLSForm" in (action.help or "") or action.dest == "previous_instrument"
    assert set(seen) == {
        "codebook",
        "report",
        "report-definition",
        "export",
        "instrument convert",
        "instrument check",
        "study create",
    }


def test_samspil_alone_lists_every_command_on_one_line_and_points_to_the_readme(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = out.splitlines()
    for choice in sub._choices_actions:
        [line] = [x for x in lines if x.split()[:1] == [choice.dest]]
        assert line.split(None, 1)[1] == choice.help
    assert "README" in out and "--help" in out
    assert "speak English" in out


def test_codebook_and_coding_codebook_say_what_they_list(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    coding = next(
        a for a in sub.choices["coding"]._actions if isinstance(a, argparse._SubParsersAction)
    )
    variables = sub.choices["codebook"].format_help()
    codes = coding.choices["codebook"].format_help()
    assert "variable, question, item, values" in variables
    assert "code of a coding codebook for open answers" in " ".join(codes.split())
    assert "theme, code, description" in " ".join(codes.split())
