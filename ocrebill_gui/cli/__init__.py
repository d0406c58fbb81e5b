"""The `ocrebill` command. No arguments starts the app (`--smoke` checks it and exits);
sub-commands run headless.

Each sub-command lives in a module of this package with a `register(subparsers)` function that
only declares arguments: heavy imports happen inside the handlers, so `ocrebill compute` never
pays for Qt, reportlab or the store.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Mapping, Sequence

# Modules that register sub-commands, in the order they appear in --help.
COMMAND_MODULES = ["compute", "store_commands", "audit_commands", "print_commands",
                   "claims_commands", "data_commands", "estimate_commands", "user_commands",
                   "encrypt_commands", "server_commands", "gui_commands"]
# The sub-commands those modules register (a test checks the two agree): an argument list
# naming none of them starts the app without importing the modules or building their parsers
# (~30 ms of the time to the window's first paint).
COMMAND_NAMES = frozenset({"audit", "backup", "check", "claims", "compute", "data", "demo",
                           "encrypt", "estimate", "export", "import", "print", "rules",
                           "screenshots", "server", "users", "visits"})


def build_parser(*, prog: str = "ocrebill", commands: bool = True) -> argparse.ArgumentParser:
    """The command line; `commands=False` leaves out the sub-commands (the windowed
    `ocrebill-app` of the bundle only starts the app)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Infusion billing: visit timeline in, claim lines and findings out.",
    )
    parser.add_argument("--db", help="SQLite database file (default: $OCREBILL_DB or the user "
                                     "data folder)")
    if commands:
        from ocrebill_gui.cli.sign_in import add_user_option

        add_user_option(parser, top=True)
    parser.add_argument("--demo", action="store_true",
                        help="start the app on a fresh demo database (encrypted; its accounts' "
                             "password is demo)")
    parser.add_argument("--plain", dest="plain_demo", action="store_true",
                        help="with --demo: a plain (unencrypted) demo database")
    parser.add_argument("--smoke", action="store_true",
                        help="check this installation and exit: a temporary demo database, "
                             "the main window, one visit computed and its superbill rendered "
                             "(exit 0 when all worked)")
    parser.set_defaults(command=None)
    if commands:
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name in COMMAND_MODULES:
            importlib.import_module(f"ocrebill_gui.cli.{name}").register(sub)
    return parser


def missing_display(environ: Mapping[str, str] = os.environ,
                    platform: str = sys.platform) -> bool:
    """True when Qt would find no display to open a window on: Linux and the other X11
    systems need DISPLAY or WAYLAND_DISPLAY, unless QT_QPA_PLATFORM names a platform
    (offscreen, vnc, eglfs, ...). Without one Qt aborts (SIGABRT, a core dump) after a page of
    platform plugin advice. Windows and macOS always have a display."""
    if platform.startswith(("win32", "darwin")):
        return False
    return not any(environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY",
                                                  "WAYLAND_DISPLAY"))


def no_display_message(prog: str) -> str:
    return (f"{prog}: there is no display to open the window on (neither DISPLAY nor "
            f"WAYLAND_DISPLAY is set). Start OcreBill in a desktop session, or set "
            f"QT_QPA_PLATFORM=offscreen for a headless check "
            f"(QT_QPA_PLATFORM=offscreen {prog} --smoke). The sub-commands of ocrebill "
            f"(compute, print, demo, ...) need no display.")


def start_app(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """No sub-command: the app, or `--smoke`. The display is checked before Qt is imported."""
    if args.smoke and (args.demo or args.db):
        parser.error("--smoke uses a temporary database of its own: leave out --demo and --db")
    if args.plain_demo and not args.demo:
        parser.error("--plain goes with --demo (a new database made in the app is encrypted; "
                     "`ocrebill users add --plain` makes a plain one)")
    if missing_display():
        print(no_display_message(parser.prog), file=sys.stderr)
        return 1
    if args.smoke:
        from ocrebill_gui.ui.smoke import run_smoke

        return run_smoke()
    try:
        app = importlib.import_module("ocrebill_gui.ui.app")
    except ModuleNotFoundError:
        parser.print_help()
        return 0
    return app.run(args)


def _no_pydantic_plugins() -> None:
    # pydantic looks for plugins (entry points) by reading the metadata of every installed
    # distribution the first time a model is built: ~20 ms and ~1 MB, for plugins this program
    # does not use and that would change how its documents validate. The documented switch:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def app_main(argv: Sequence[str] | None = None) -> int:
    """`ocrebill-app`, the bundle's windowed executable (no console on Windows, so nothing to
    print to): the app with its options only (--db, --demo, --smoke), no sub-commands."""
    _no_pydantic_plugins()
    parser = build_parser(prog="ocrebill-app", commands=False)
    return start_app(parser, parser.parse_args(argv))


def _names_no_command(argv: Sequence[str]) -> bool:
    """True when the arguments can only start the app: no token is a sub-command's name (a
    value such as `--db compute` errs on the safe side), nor asks for help or names the
    sign-in user, which only the full command line knows."""
    return not any(token in COMMAND_NAMES or token in ("-h", "--help")
                   or token.startswith("--user") for token in argv)


def main(argv: Sequence[str] | None = None) -> int:
    _no_pydantic_plugins()
    argv = sys.argv[1:] if argv is None else list(argv)
    if _names_no_command(argv):
        app_parser = build_parser(commands=False)
        return start_app(app_parser, app_parser.parse_args(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return start_app(parser, args)
    if args.smoke:
        parser.error("--smoke takes no sub-command")
    _never_unprintable()
    from ocrebill_gui.cli.sign_in import unlock_encrypted

    try:
        refused = unlock_encrypted(args)
        if refused is not None:
            print(f"ocrebill {args.command}: {refused}", file=sys.stderr)
            return 1
        code = int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left before the command was done: not done
        _stdout_to_devnull()
        return 1
    try:
        sys.stdout.flush()  # a reader gone shows here (then the exit's own flush cannot fail)
    except BrokenPipeError:  # the command was done: its own code stands
        _stdout_to_devnull()
    return code


def _never_unprintable() -> None:
    """Output that the terminal's encoding cannot show (a name on an ASCII console) comes out
    escaped, never as a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _stdout_to_devnull() -> None:
    """Python's documented answer to a broken pipe (library/signal.html, "Note on SIGPIPE"):
    point stdout at devnull so that nothing more is written to the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (captured in tests)
        pass


if __name__ == "__main__":
    sys.exit(main())
