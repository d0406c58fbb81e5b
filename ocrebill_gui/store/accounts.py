"""Staff accounts, sign-in and what each role may do.

A person signs in with a login name and a password and gets a `Session`; every store write and
every read of patient data takes that session, never a free-text name, and `require()` refuses
what the session's roles do not allow, with a message that says which role it needs.

- Passwords are hashed with argon2id (argon2-cffi's `PasswordHasher`, its defaults: 64 MiB,
  3 passes); a hash made with older parameters is re-hashed at the next sign-in.
- Repeated failures lock the account with a growing back-off (the store's clock decides, so
  tests inject it); a wrong login name and a wrong password get the same answer.
- An administrator adds, disables and resets accounts; a reset password must be changed at the
  next sign-in. The first account of a new database is created without a session, and is an
  administrator.
- Account changes go to the audit log like any other change; passwords and hashes never do.
"""

from __future__ import annotations

import functools
import inspect
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeVar

from ocrebill_gui.store import audit  # audit.py imports this module: used at call time
from ocrebill_gui.store.db import Store, writing
from ocrebill_gui.store.keys import forget_previous, keep_active, keep_wrap, settle_wrap
from ocrebill_gui.store.errors import InvalidRecord, StoreError

ROLES: dict[str, str] = {
    "front_desk": "front desk",
    "nurse": "nurse",
    "biller": "biller",
    "admin": "administrator",
}

# What each action needs: any one of these roles. Reading patient data is for the people who
# work with patients (minimum necessary): an administrator-only account manages the practice
# and its backups, not the charts.
PERMISSIONS: dict[str, frozenset[str]] = {
    "patients.read": frozenset({"front_desk", "nurse", "biller"}),
    "patients.write": frozenset({"front_desk"}),
    "coverage.write": frozenset({"front_desk"}),
    "visits.draft": frozenset({"nurse"}),
    "visits.finalize": frozenset({"biller"}),
    "visits.print": frozenset({"nurse", "biller"}),
    "visits.export": frozenset({"biller"}),
    "visits.import": frozenset({"front_desk", "nurse", "biller"}),
    "inventory.write": frozenset({"nurse"}),
    "providers.write": frozenset({"front_desk", "admin"}),
    "payers.write": frozenset({"biller"}),
    "reference.write": frozenset({"admin", "biller"}),
    "copay.write": frozenset({"front_desk", "biller"}),
    "remittances.write": frozenset({"biller"}),
    "practice.write": frozenset({"admin"}),
    "accounts.manage": frozenset({"admin"}),
    "backup": frozenset({"admin"}),
    "audit.read": frozenset({"admin", "biller"}),
    # No patient data: anyone signed in (the vial lots, the database check).
    "store.read": frozenset(ROLES),
}

WHAT: dict[str, str] = {
    "patients.read": "reading patient records",
    "patients.write": "changing patient records",
    "coverage.write": "changing coverage and authorizations",
    "visits.draft": "recording a visit",
    "visits.finalize": "finalizing, amending or reopening a visit",
    "visits.print": "printing a visit",
    "visits.export": "exporting a visit",
    "visits.import": "importing visits",
    "inventory.write": "receiving vial lots",
    "providers.write": "changing the practice's providers",
    "payers.write": "changing payer profiles",
    "reference.write": "importing reference data (ASP prices, ICD-10-CM codes, fees)",
    "copay.write": "enrolling patients in a co-pay programme and recording its claims",
    "remittances.write": "recording a claim's payment or denial",
    "practice.write": "changing the practice settings",
    "accounts.manage": "managing staff accounts",
    "backup": "backing up the database",
    "audit.read": "reading the audit log",
    "store.read": "reading the inventory or checking the database",
}

MIN_PASSWORD = 8
FREE_FAILURES = 4  # failures before the back-off starts
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# PasswordHasher() defaults are argon2id, 64 MiB, 3 passes, parallelism 4. Tests swap in a
# cheaper hasher through `use_hasher`; the stored hash names its own parameters either way.
# Made when a password is first hashed or checked: argon2-cffi (and cffi) are not loaded
# before the sign-in screen is up.
_hasher: PasswordHasher | None = None


def hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def use_hasher(replacement: PasswordHasher | None) -> PasswordHasher | None:
    """Replace the password hasher (tests; None: the default); returns the one it replaced."""
    global _hasher
    previous, _hasher = _hasher, replacement
    return previous


class SignInRefused(StoreError):
    """Wrong login name or password, a disabled account, or one locked after failures."""


class NotAllowed(StoreError):
    """The signed-in person's roles do not allow the action."""


@dataclass(frozen=True)
class Session:
    """Who is signed in: made only by `sign_in` or `create_first_admin`."""

    user_id: int
    login: str
    display_name: str
    roles: frozenset[str]
    must_change_password: bool = False
    # One id per sign-in: the audit log records patient-data reads once per record and session.
    token: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def actor(self) -> str:
        """What the audit log records as who."""
        return self.login

    def can(self, action: str) -> bool:
        return bool(self.roles & PERMISSIONS[action])

    @property
    def roles_text(self) -> str:
        return ", ".join(ROLES[r] for r in sorted(self.roles))


@dataclass(frozen=True)
class Account:
    """A staff account as the administrator sees it (never its password hash)."""

    id: int
    login: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    must_change_password: bool
    locked_until: str | None


def require(session: Session, action: str) -> Session:
    """The session if its roles allow `action`, else NotAllowed saying which role it needs."""
    if not isinstance(session, Session):
        raise NotAllowed("Sign in first: the database is only used by a signed-in person")
    if session.must_change_password:
        raise NotAllowed(f"{session.login} must change the password set by the administrator "
                         "before doing anything else")
    if not session.can(action):
        needed = " or ".join(ROLES[r] for r in sorted(PERMISSIONS[action]))
        raise NotAllowed(f"Signed in as {session.login} ({session.roles_text}): {WHAT[action]} "
                         f"needs the {needed} role")
    return session


P = ParamSpec("P")
R = TypeVar("R")


class CheckedWrite(Protocol[P, R]):
    """What @writes makes: called with a session; `.inside` with the actor; `.action`."""

    action: str
    inside: Callable[Concatenate[Store, str, P], R]

    def __call__(self, store: Store, session: Session, /, *args: P.args,
                 **kwargs: P.kwargs) -> R: ...


class CheckedRead(Protocol[P, R]):
    """What @reads makes: called with a session; `.inside` without it; `.action`."""

    action: str
    inside: Callable[Concatenate[Store, P], R]

    def __call__(self, store: Store, session: Session, /, *args: P.args,
                 **kwargs: P.kwargs) -> R: ...


def writes(action: str) -> Callable[[Callable[Concatenate[Store, str, P], R]],
                                    CheckedWrite[P, R]]:
    """A store write taking a session: `require(session, action)`, then the function itself
    with `session.actor` (who, for the audit log). The function without the check stays
    reachable as `.inside(store, actor, ...)`, for the store's own use within an operation
    already checked (an import's patient and coverage); `.action` names the permission."""
    def decorate(function: Callable[Concatenate[Store, str, P], R]) -> CheckedWrite[P, R]:
        def checked(store: Store, session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
            return function(store, require(session, action).actor, *args, **kwargs)
        return _checked(checked, function, action)
    return decorate


def reads(action: str) -> Callable[[Callable[Concatenate[Store, P], R]],
                                   CheckedRead[P, R]]:
    """A store read taking a session: `require(session, action)`, then the function itself
    (`.inside(store, ...)` without the check, for the store's own use; `.action`)."""
    def decorate(function: Callable[Concatenate[Store, P], R]) -> CheckedRead[P, R]:
        def checked(store: Store, session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
            require(session, action)
            return function(store, *args, **kwargs)
        return _checked(checked, function, action)
    return decorate


def _checked(checked, function, action: str):
    functools.update_wrapper(checked, function)
    del checked.__wrapped__
    # Its signature, for help() and editors: the function's, a session in place of its actor.
    signature = inspect.signature(function)
    params = list(signature.parameters.values())
    session = inspect.Parameter("session", inspect.Parameter.POSITIONAL_ONLY,
                                annotation="Session")
    if params[1:2] and params[1].name == "actor":
        params[1] = session
    else:
        params.insert(1, session)
    checked.__signature__ = signature.replace(parameters=[
        p.replace(kind=inspect.Parameter.POSITIONAL_ONLY) if i < 2 else p
        for i, p in enumerate(params)])
    checked.inside = function
    checked.action = action
    return checked


# --- accounts ------------------------------------------------------------------------------

def has_accounts(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def create_first_admin(store: Store, login: str, display_name: str, password: str, *,
                       password_rule: bool = True) -> Session:
    """The first account of a database: an administrator, made without a session. Refused once
    any account exists."""
    login, display_name = _check_names(login, display_name)
    if password_rule:
        _check_password(password, login)
    with writing(store):
        if has_accounts(store):
            raise NotAllowed("This database has accounts already: sign in as an administrator "
                             "to add one")
        user_id = _insert(store, login, login, display_name, ("admin",), password,
                          must_change=False)
    return Session(user_id, login, display_name, frozenset({"admin"}))


def add_user(store: Store, session: Session, login: str, display_name: str,
             roles: Iterable[str], password: str, *, must_change: bool = True,
             password_rule: bool = True) -> Account:
    """A new account (administrator only). Its first password is temporary unless
    `must_change` is False."""
    require(session, "accounts.manage")
    login, display_name = _check_names(login, display_name)
    chosen = _check_roles(roles)
    if password_rule:
        _check_password(password, login)
    with writing(store):
        if store.conn.execute("SELECT 1 FROM users WHERE login = ?", (login,)).fetchone():
            raise InvalidRecord([("login", f"'{login}' is taken by another account")])
        user_id = _insert(store, session.actor, login, display_name, chosen, password,
                          must_change=must_change)
    return get_account(store, session, user_id)


def list_accounts(store: Store, session: Session) -> list[Account]:
    require(session, "accounts.manage")
    return [_account(store, row) for row in _rows(store, "SELECT * FROM users ORDER BY login")]


def get_account(store: Store, session: Session, user_id: int) -> Account:
    require(session, "accounts.manage")
    row = _row(store, "SELECT * FROM users WHERE id = ?", user_id)
    if row is None:
        raise InvalidRecord([("login", "no such account")])
    return _account(store, row)


def set_active(store: Store, session: Session, login: str, active: bool) -> Account:
    """Disable (or enable again) an account; an administrator cannot disable their own, nor
    the last active administrator."""
    require(session, "accounts.manage")
    with writing(store):
        row = _row_by_login(store, login)
        if not active and row["id"] == session.user_id:
            raise NotAllowed("You cannot disable your own account: ask another administrator")
        if not active and "admin" in _roles(row) and _active_admins(store) <= 1:
            raise NotAllowed(f"{login} is the last active administrator: add another first")
        if bool(row["active"]) != active:
            store.conn.execute("UPDATE users SET active = ?, changed_at = ?, changed_by = ? "
                               "WHERE id = ?", (int(active), store.now(), session.actor,
                                                row["id"]))
            keep_active(store, row["login"], active)
            audit.record(store, session.actor, "user", row["id"], "enable" if active else "disable",
                   [("active", bool(row["active"]), active)])
    return get_account(store, session, row["id"])


def reset_password(store: Store, session: Session, login: str, temporary: str) -> None:
    """An administrator sets a temporary password; it must be changed at the next sign-in.
    The lock after failed attempts is lifted."""
    require(session, "accounts.manage")
    _check_password(temporary, login)
    with writing(store):
        row = _row_by_login(store, login)
        store.conn.execute(
            "UPDATE users SET password_hash = ?, must_change = 1, failures = 0, "
            "locked_until = NULL, changed_at = ?, changed_by = ? WHERE id = ?",
            (hasher().hash(temporary), store.now(), session.actor, row["id"]))
        keep_wrap(store, row["login"], temporary)  # an encrypted store's key file
        audit.record(store, session.actor, "user", row["id"], "reset-password",
               [("must_change_password", bool(row["must_change"]), True)])
    forget_previous(store, row["login"])  # committed: the wrap it replaced goes


def change_password(store: Store, session: Session, old: str, new: str) -> Session:
    """Anyone changes their own password (the old one proves it is them); returns the session
    without the must-change mark."""
    if not isinstance(session, Session):
        raise NotAllowed("Sign in first")
    _check_password(new, session.login)
    if new == old:
        raise InvalidRecord([("new_password", "must differ from the current password")])
    with writing(store):
        row = _row_by_login(store, session.login)
        if not _verify(row["password_hash"], old):
            raise InvalidRecord([("current_password", "is not your current password")])
        store.conn.execute(
            "UPDATE users SET password_hash = ?, must_change = 0, changed_at = ?, "
            "changed_by = ? WHERE id = ?",
            (hasher().hash(new), store.now(), session.actor, row["id"]))
        keep_wrap(store, row["login"], new)  # the old wrap kept until the commit
        audit.record(store, session.actor, "user", row["id"], "change-password", [])
    forget_previous(store, row["login"])
    return Session(session.user_id, session.login, session.display_name, session.roles,
                   must_change_password=False, token=session.token)


# --- signing in ----------------------------------------------------------------------------

def sign_in(store: Store, login: str, password: str) -> Session:
    """A session for a login name and password, or SignInRefused. Failures count towards a
    lock with a growing back-off; a success clears them."""
    login = (login or "").strip().lower()
    row = _row(store, "SELECT * FROM users WHERE login = ?", login) if login else None
    now = store.clock()
    if row is None:
        hasher().hash(password or "-")  # the same work as a real check: no timing hint
        raise SignInRefused("Wrong login name or password")
    locked = _locked_until(row)
    if locked is not None and locked > now:
        wait = int((locked - now).total_seconds()) + 1
        raise SignInRefused(f"Too many failed attempts for {login}: try again in "
                            f"{_duration(wait)}, or ask an administrator to reset the password")
    if not _verify(row["password_hash"], password or ""):
        _count_failure(store, row, now)
        raise SignInRefused("Wrong login name or password")
    if not row["active"]:
        raise SignInRefused(f"The account {login} is disabled: ask an administrator")
    session = Session(row["id"], row["login"], row["display_name"], frozenset(_roles(row)),
                      must_change_password=bool(row["must_change"]))
    settle_wrap(store, row["login"], password)  # a password change a crash cut in two
    if store.read_only:  # a read-only command: nothing to record
        return session
    with writing(store):
        rehash = hasher().check_needs_rehash(row["password_hash"])
        store.conn.execute(
            "UPDATE users SET failures = 0, locked_until = NULL, last_sign_in = ?"
            + (", password_hash = ?" if rehash else "") + " WHERE id = ?",
            (store.now(), *([hasher().hash(password)] if rehash else []), row["id"]))
        audit.record(store, login, "user", row["id"], "sign-in", [])
    return session


def _count_failure(store: Store, row, now: datetime) -> None:
    if store.read_only:
        return
    failures = int(row["failures"] or 0) + 1
    locked = None
    if failures > FREE_FAILURES:
        lock = min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES - 1), LONGEST_LOCK)
        locked = (now + lock).isoformat(timespec="seconds")
    with writing(store):
        store.conn.execute("UPDATE users SET failures = ?, locked_until = ? WHERE id = ?",
                           (failures, locked, row["id"]))
        audit.record(store, row["login"], "user", row["id"], "sign-in-failed",
               [("failures", failures - 1, failures)])


# --- helpers -------------------------------------------------------------------------------

def _insert(store: Store, actor: str, login: str, display_name: str, roles: Iterable[str],
            password: str, *, must_change: bool) -> int:
    now = store.now()
    cursor = store.conn.execute(
        "INSERT INTO users (login, display_name, roles, active, password_hash, must_change, "
        "failures, created_at, created_by, changed_at, changed_by) "
        "VALUES (?, ?, ?, 1, ?, ?, 0, ?, ?, ?, ?)",
        (login, display_name, ",".join(sorted(roles)), hasher().hash(password),
         int(must_change), now, actor, now, actor))
    user_id = int(cursor.lastrowid or 0)
    keep_wrap(store, login, password)
    audit.record(store, actor, "user", user_id, "create",
           [("login", None, login), ("display_name", None, display_name),
            ("roles", None, ",".join(sorted(roles)))])
    return user_id


def _rows(store: Store, sql: str, *params) -> list[dict]:
    return list(store.db.query(sql, params))


def _row(store: Store, sql: str, *params) -> dict | None:
    rows = _rows(store, sql, *params)
    return rows[0] if rows else None


def _verify(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def _row_by_login(store: Store, login: str):
    row = _row(store, "SELECT * FROM users WHERE login = ?", (login or "").strip().lower())
    if row is None:
        raise InvalidRecord([("login", f"no account is called '{login}'")])
    return row


def _roles(row) -> list[str]:
    return [r for r in (row["roles"] or "").split(",") if r]


def _active_admins(store: Store) -> int:
    return sum(1 for row in _rows(store, "SELECT roles FROM users WHERE active = 1")
               if "admin" in _roles(row))


def _locked_until(row) -> datetime | None:
    text = row["locked_until"]
    return datetime.fromisoformat(text) if text else None


def _account(store: Store, row) -> Account:
    locked = _locked_until(row)
    still = locked is not None and locked > store.clock()
    return Account(row["id"], row["login"], row["display_name"], tuple(_roles(row)),
                   bool(row["active"]), bool(row["must_change"]),
                   row["locked_until"] if still else None)


def account_problems(login: str, display_name: str = "",
                     password: str | None = None) -> dict[str, str]:
    """What the store would refuse in these fields of an account, by field (`login`,
    `display_name`, `password`), in the words it would use: forms check as the person types.
    `password` None: not checked."""
    problems: dict[str, str] = {}
    for check in (lambda: _check_names(login, display_name),
                  lambda: None if password is None else _check_password(password, login)):
        try:
            check()
        except InvalidRecord as error:
            for name, message in error.problems:
                problems.setdefault(name, message)
    return problems


def _check_names(login: str, display_name: str) -> tuple[str, str]:
    problems = []
    login = (login or "").strip()
    display_name = (display_name or "").strip() or login
    if not login:
        problems.append(("login", "is required"))
    elif len(login) > 40 or not login.replace(".", "").replace("-", "").replace("_", "") \
            .isalnum() or not login.isascii():
        problems.append(("login", "use up to 40 letters, digits, '.', '-' or '_'"))
    if len(display_name) > 80:
        problems.append(("display_name", "must be at most 80 characters"))
    if problems:
        raise InvalidRecord(problems)
    return login.lower(), display_name


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(sorted(set(roles)))
    unknown = [r for r in chosen if r not in ROLES]
    if unknown or not chosen:
        raise InvalidRecord([("roles", f"choose one or more of {', '.join(ROLES)}"
                              + (f" (not {', '.join(unknown)})" if unknown else ""))])
    return chosen


def _check_password(password: str, login: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidRecord([("password", f"must have at least {MIN_PASSWORD} characters")])
    if password.strip().lower() == (login or "").strip().lower():
        raise InvalidRecord([("password", "must not be the login name")])


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 90 else f"{(seconds + 59) // 60} min"
