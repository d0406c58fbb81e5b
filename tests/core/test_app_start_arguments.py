"""`ocrebill` with no sub-command starts the app from a parser without the sub-commands (their
modules are not imported): the names it checks against must be the sub-commands the full
parser has, and every argument list that names one must still reach it."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from ocrebill_gui.cli import COMMAND_NAMES, _names_no_command, build_parser


def _sub_commands(parser: argparse.ArgumentParser) -> set[str]:
    return {name for action in parser._actions
            if isinstance(action, argparse._SubParsersAction) for name in action.choices}


def test_the_app_start_knows_every_sub_command() -> None:
    assert _sub_commands(build_parser()) == set(COMMAND_NAMES)


@pytest.mark.parametrize("argv", [[], ["--demo"], ["--demo", "--plain"], ["--smoke"],
                                  ["--db", "clinic.sqlite"], ["--db=clinic.sqlite"]])
def test_app_options_alone_start_the_app_without_the_command_modules(argv) -> None:
    assert _names_no_command(argv)
    app_parser = build_parser(commands=False)
    args = app_parser.parse_args(argv)  # the app's options are all there
    assert args.command is None


@pytest.mark.parametrize("argv", [["compute", "visit.json"], ["--db", "x", "visits", "list"],
                                  ["--help"], ["-h"], ["--user", "nurse"], ["--user=nurse"],
                                  ["--db", "compute"]])
def test_a_sub_command_help_or_user_goes_to_the_full_command_line(argv) -> None:
    assert not _names_no_command(argv)


def test_the_app_start_imports_no_command_module() -> None:
    code = ("import sys\nimport ocrebill_gui.cli as cli\n"
            "cli.start_app = lambda parser, args: 0\n"
            "cli.main(['--db', 'clinic.sqlite'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('ocrebill_gui.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()
    assert out == "[]"
