"""The `ocrebill` command. No arguments starts the app; sub-commands run headless.

Each sub-command lives in a module of this package with a `register(subparsers)` function that
only declares arguments: heavy imports happen inside the handlers, so `ocrebill compute` never
pays for Qt, reportlab or the store.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Modules that register sub-commands, in the order they appear in --help.
COMMAND_MODULES = ["compute", "store_commands", "print_commands", "gui_commands"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ocrebill",
        description="Infusion billing: visit timeline in, claim lines and findings out.",
    )
    parser.add_argument("--db", help="SQLite database file (default: $OCREBILL_DB or the user "
                                     "data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="start the app on a fresh demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"ocrebill_gui.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # pydantic looks for plugins (entry points) by reading the metadata of every installed
    # distribution the first time a model is built: ~20 ms and ~1 MB, for plugins this program
    # does not use and that would change how its documents validate. The documented switch:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        try:
            app = importlib.import_module("ocrebill_gui.ui.app")
        except ModuleNotFoundError:
            parser.print_help()
            return 0
        return app.run(args)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
