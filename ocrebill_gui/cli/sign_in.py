"""Signing in from the command line: every command that reads or writes patient data (and
`backup`, `check`, `users`) runs as a staff account.

    ocrebill --user nurse visits --date today          # the password is asked for (no echo)
    OCREBILL_USER=nurse ocrebill visits --date today
    OCREBILL_PASSWORD_FILE=~/.ocrebill-pw ocrebill --user biller export 42   # for scripts

The password comes from the terminal (getpass, not echoed), or, when $OCREBILL_PASSWORD_FILE
names a file, from its first line: a file other people may read is refused (POSIX). A refusal
(no account, wrong password, disabled, locked, a role that does not allow the command) is a
message and exit 1, never a traceback: `signed_in` raises the store's SignInRefused or
NotAllowed, which the commands already report like any other StoreError.

A password set by an administrator must be changed first: at a terminal it is asked for
(twice) on the spot; with a password file the command is refused until then.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session

USER_VAR = "OCREBILL_USER"
PASSWORD_FILE_VAR = "OCREBILL_PASSWORD_FILE"
POSIX = os.name == "posix"


def add_user_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """`--user NAME`, before the command (`top`) or after it (args.sign_in_user)."""
    parser.add_argument("--user", dest="sign_in_user", metavar="NAME",
                        default=None if top else argparse.SUPPRESS,
                        help=f"the staff account to sign in as (default: ${USER_VAR}); the "
                             f"password is asked for, or read from ${PASSWORD_FILE_VAR}")


def _refused(message: str) -> Exception:
    from ocrebill_gui.store.accounts import SignInRefused

    return SignInRefused(message)


def login_name(args: argparse.Namespace) -> str:
    name = (getattr(args, "sign_in_user", None) or os.environ.get(USER_VAR, "")).strip()
    if not name:
        raise _refused(f"Sign in to use the database: give --user NAME (or set {USER_VAR}); "
                       "the password is asked for")
    return name


def read_password_file(path: str | os.PathLike[str], what: str = PASSWORD_FILE_VAR) -> str:
    """The first line of the file, without surrounding blanks; refused when other people may
    read it (POSIX), empty, or unreadable."""
    file = Path(path).expanduser()
    try:
        mode = file.stat().st_mode
        if POSIX and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise _refused(f"{what}: {file} can be read by others (mode {stat.filemode(mode)}): "
                           f"make it private first (chmod 600 {file})")
        with open(file, encoding="utf-8") as handle:
            password = handle.readline().strip()
    except OSError as exc:
        raise _refused(f"{what}: cannot read {file}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _refused(f"{what}: {file} is not UTF-8 text") from None
    if not password:
        raise _refused(f"{what}: the first line of {file} is empty")
    return password


def terminal_available() -> bool:
    """Whether a password can be asked for without echo: a terminal to read it from."""
    if not POSIX:
        return sys.stdin is not None and sys.stdin.isatty()
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def ask_password(prompt: str) -> str:
    """One password from the terminal, not echoed (tests replace this function)."""
    if not terminal_available():
        raise _refused(f"No terminal to ask the password on: set {PASSWORD_FILE_VAR} to a "
                       "private file holding it")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise _refused("No password given") from None


def ask_new_password(what: str) -> str:
    """A new password typed twice at the terminal (InvalidRecord when the two differ)."""
    from ocrebill_gui.store import InvalidRecord

    first = ask_password(f"{what}: ")
    if ask_password(f"{what} again: ") != first:
        raise InvalidRecord([("password", "the two passwords typed differ: nothing was "
                                          "changed")])
    return first


def new_password(file: str | None, what: str, *, fallback_to_own_file: bool = False) -> str:
    """A new account's (or a reset) password: from `file` (--new-password-file), from
    $OCREBILL_PASSWORD_FILE when `fallback_to_own_file` (the first administrator's own), else
    typed twice."""
    if file:
        return read_password_file(file, "--new-password-file")
    own = os.environ.get(PASSWORD_FILE_VAR, "").strip() if fallback_to_own_file else ""
    if own:
        return read_password_file(own)
    return ask_new_password(what)


_typed: dict[str, str] = {}  # a password typed to unlock the file: not asked again to sign in


def password_for(login: str) -> str:
    path = os.environ.get(PASSWORD_FILE_VAR, "").strip()
    if path:
        return read_password_file(path)
    if login in _typed:
        return _typed[login]
    return ask_password(f"Password for {login}: ")


# Commands that never open an existing database of the user's (or do their own sign-in).
NO_UNLOCK = frozenset({"compute", "rules", "demo", "encrypt", "screenshots"})


def unlock_encrypted(args: argparse.Namespace) -> str | None:
    """Before a command runs on an encrypted database: sign in to its key file (--user and the
    password as for any command), and remember the key for the command's open_store calls.
    None when done or not needed; else the refusal, in words (the command then exits 1)."""
    _typed.clear()  # one command's password, never the previous command's (main() in tests)
    if args.command in NO_UNLOCK or getattr(args, "store_free", False):
        return None  # (before importing the store: `ocrebill compute` stays light)
    from ocrebill_gui.store import StoreError, resolve_db_path
    from ocrebill_gui.store.db import file_is_encrypted, remember_key
    from ocrebill_gui.store.keys import UnlockRefused, sidecar_path, unlock

    path = resolve_db_path(getattr(args, "db", None))
    if (not isinstance(path, Path) or not path.is_file() or not file_is_encrypted(path)
            or not sidecar_path(path).exists()):
        return None  # plain, or not a database at all: the command's own open says which
    try:
        login = login_name(args)
        password = password_for(login)
    except StoreError as exc:
        return str(exc)
    try:
        remember_key(path, unlock(path, login, password))
    except UnlockRefused as exc:
        why = str(exc)
        return f"Cannot sign in as {login}: {why[:1].lower()}{why[1:]}"
    except StoreError as exc:  # the key file missing or damaged, with what to do
        return str(exc)
    _typed[login] = password
    return None


def signed_in(args: argparse.Namespace, store: Store, action: str | None) -> Session:
    """Sign in as --user / $OCREBILL_USER on `store`, and check that the account may do
    `action` (store/accounts.py PERMISSIONS; None: any signed-in person)."""
    from ocrebill_gui.store.accounts import require

    session, _password = sign_in_as(args, store, change_now=True)
    if action is not None:
        require(session, action)
    return session


def sign_in_as(args: argparse.Namespace, store: Store, *,
               change_now: bool) -> tuple[Session, str]:
    """The session and the password it was signed in with. A temporary password is changed
    on the spot when `change_now` (else the session keeps its must-change mark).

    On a writable connection when the command's own is read-only (print, export...), so
    that failed attempts count towards the lock and the sign-in is in the audit log."""
    from ocrebill_gui.store import StoreError, open_store
    from ocrebill_gui.store.accounts import SignInRefused, has_accounts, sign_in

    if not has_accounts(store):
        raise _refused(f"{store.path} has no staff accounts yet: create the administrator "
                       "first with `ocrebill users add LOGIN --role admin`")
    login = login_name(args)
    password = password_for(login)
    writable = None
    if store.read_only:
        try:
            writable = open_store(store.path, create=False)
        except StoreError:
            writable = None  # a read-only file: the check still runs, nothing is recorded
    target = writable or store
    try:
        try:
            session = sign_in(target, login, password)
        except SignInRefused as refused:
            why = str(refused)
            raise _refused(f"Cannot sign in as {login}: {why[:1].lower()}{why[1:]}") from None
        if session.must_change_password and change_now:
            session = _new_password(target, session, password)
    finally:
        if writable is not None:
            writable.close()
    return session, password


def _new_password(store: Store, session: Session, current: str) -> Session:
    from ocrebill_gui.store.accounts import change_password

    if os.environ.get(PASSWORD_FILE_VAR, "").strip() or not terminal_available():
        raise _refused(f"{session.login} must choose a new password first (the administrator "
                       "set a temporary one): sign in once at a terminal or in the app, or run "
                       "`ocrebill users password --new-password-file FILE`")
    from ocrebill_gui.store import InvalidRecord

    print(f"The administrator set a temporary password for {session.login}: choose your own.",
          file=sys.stderr)
    try:
        return change_password(store, session, current, ask_new_password("New password"))
    except InvalidRecord as exc:
        raise _refused(f"The new password was refused ({exc}): nothing was changed") from None
