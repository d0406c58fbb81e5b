"""The key of an encrypted database, wrapped for each staff account and for a recovery key.

An encrypted database (SQLCipher, a random 256-bit key) cannot be read before the key is
known, and its users table is inside it: the wrapped keys live in a small sidecar next to it,
`NAME.sqlite.keys` (JSON, 0600, written whole through files.write_private_bytes):

    {"format": "ocrebill-keys", "version": 1, "demo": false,
     "accounts": {LOGIN: {"kdf": "argon2id", "salt", "time_cost", "memory_cost",
                          "parallelism", "nonce", "wrapped"}},
     "recovery": {"kdf": "hkdf-sha256", "salt", "nonce", "wrapped"},
     "disabled": [LOGIN...], "reset": [LOGIN...],
     "failures": {LOGIN: {"count", "locked_until"}},
     "previous": {LOGIN: [ENTRY...]}}

Each account's entry is the database key sealed with AES-256-GCM under a key derived from the
account's password with argon2id (its salt and parameters beside it; the login is the
associated data, so entries cannot be swapped between accounts). The recovery entry is sealed
under a key derived (HKDF) from the recovery key, 160 random bits shown once to the
administrator as 8 groups of 4 base32 characters. Nothing in the sidecar reveals the key
without a password or the recovery key; a changed byte makes its entry fail to open.

The users table cannot be read before unlocking, so the lock after failed attempts for an
encrypted file is kept here too (`failures`: the same back-off as accounts.py), and so is what
the sign-in screen needs before unlocking (`demo`). A disabled account's entry is removed
(`disabled` keeps its login so that it hears that it is disabled): whoever knew its password
can no longer unwrap the key from the sidecar on disk (they may have copied it before: the
database key is not changed).

A new password is written to two places, the wrap here and the hash in the users table, and a
crash may come between the two. So the new wrap is written first, with the one it replaces
kept under `previous` (keep_wrap, inside the database transaction), and the old one is dropped
only once the transaction has committed (forget_previous); unlocking tries the current entry,
then the previous ones. Killed before the commit, the old password still unlocks the key and
still signs in; killed after it, the new one does both. The next sign-in on the database
settles the entry (settle_wrap): the wrap that opens with the password the database accepted
stays, the others go. (Until then an old password still unwraps the key: no more than a copy
of the key file taken before the change would give.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ocrebill_gui.files import write_private_bytes
from ocrebill_gui.store.errors import StoreError

SUFFIX = ".keys"
FORMAT = "ocrebill-keys"
VERSION = 1
KEY_BYTES = 32
RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters, 8 groups of 4

# argon2-cffi's PasswordHasher defaults (RFC 9106's second recommendation): 64 MiB, 3 passes.
ARGON2 = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
# Demo databases: the password ("demo") is public, so the wrap protects nothing; cheap
# parameters keep `ocrebill demo` and `scripts/run --demo` fast.
DEMO_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}

MAX_PREVIOUS = 3  # wraps kept from password changes not yet settled
FREE_FAILURES = 4
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)
WRONG = "Wrong login name or password"


class KeyFileError(StoreError):
    """The sidecar is missing, damaged or does not open with what was given."""


class UnlockRefused(StoreError):
    """Wrong login or password, wrong recovery key, a disabled or locked account."""


def sidecar_path(db_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(db_path)}{SUFFIX}")


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def raw_key_pragma(key: bytes) -> str:
    """`PRAGMA key` in SQLCipher's raw form: no key derivation (the key is random already)."""
    if len(key) != KEY_BYTES:
        raise StoreError("A database key has 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def audit_key(key: bytes) -> bytes:
    """The audit chain's HMAC key, derived from the database key with its own label."""
    return hmac.new(key, b"ocrebill audit chain v1", hashlib.sha256).digest()


# --- recovery key ----------------------------------------------------------------------

def new_recovery_key() -> str:
    text = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def _recovery_bytes(recovery_key: str) -> bytes:
    text = "".join(ch for ch in (recovery_key or "").upper() if ch.isalnum())
    text = text.replace("0", "O").replace("1", "I").replace("8", "B")  # misread characters
    try:
        raw = base64.b32decode(text)
    except ValueError:  # binascii.Error, a bad base32 text, is one
        raw = b""
    if len(raw) != RECOVERY_BYTES:
        raise UnlockRefused("That is not a recovery key: it has 8 groups of 4 letters and "
                            "digits, as shown when the database was created")
    return raw


# cryptography (~7 MB resident) and argon2 are imported when a key is wrapped or unwrapped,
# not with this module: a plain database's sign-in screen and day list never need them.

def _seal(key: bytes, nonce: bytes, data: bytes, associated: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key).encrypt(nonce, data, associated)


def _open_sealed(key: bytes, nonce: bytes, sealed: bytes, associated: bytes) -> bytes | None:
    """The data, or None when `key` does not open it (a wrong password or recovery key)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(nonce, sealed, associated)
    except InvalidTag:
        return None


def _hkdf(secret: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                info=b"ocrebill recovery wrap v1").derive(secret)


# --- the sidecar -------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


@dataclass
class Sidecar:
    path: Path
    data: dict

    @property
    def demo(self) -> bool:
        return bool(self.data.get("demo"))

    @property
    def logins(self) -> list[str]:
        return sorted(self.data.get("accounts", {}))

    def save(self) -> None:
        text = json.dumps(self.data, indent=1, sort_keys=True) + "\n"
        write_private_bytes(self.path, text.encode("utf-8"), force=True)


def read_sidecar(db_path: str | os.PathLike[str]) -> Sidecar:
    path = sidecar_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"{db_path} is encrypted but its key file {path.name} is missing: put "
                        "it back beside the database (from the backup it came with)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeyFileError(f"{path} cannot be read ({exc}): restore it from a backup of the "
                        "database, or open the database with its recovery key") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("accounts"), dict):
        raise KeyFileError(f"{path} is not an OcreBill key file: restore it from a backup, or "
                        "open the database with its recovery key")
    if data.get("version") != VERSION:
        raise KeyFileError(f"{path} was written by another OcreBill version (key file version "
                        f"{data.get('version')}): update OcreBill")
    return Sidecar(path, data)


def create_sidecar(db_path: str | os.PathLike[str], key: bytes, recovery_key: str, *,
                   demo: bool = False) -> Sidecar:
    sidecar = Sidecar(sidecar_path(db_path), {"format": FORMAT, "version": VERSION,
                                              "demo": demo, "accounts": {}, "disabled": [],
                                              "reset": [], "failures": {}})
    set_recovery(sidecar, key, recovery_key)
    return sidecar


def set_recovery(sidecar: Sidecar, key: bytes, recovery_key: str, *,
                 keep_previous: bool = False) -> None:
    """Seal `key` under `recovery_key` (not saved). `keep_previous`: the entry it replaces
    still opens until forget_previous_recovery(), so a recovery key that was never shown
    (killed before) never leaves the database without a working one."""
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    sealed = _seal(_hkdf(_recovery_bytes(recovery_key), salt), nonce, key, b"recovery")
    replaced = sidecar.data.get("recovery")
    sidecar.data["recovery"] = {"kdf": "hkdf-sha256", "salt": _b64(salt), "nonce": _b64(nonce),
                                "wrapped": _b64(sealed)}
    if keep_previous and replaced is not None:
        sidecar.data["recovery_previous"] = replaced


def forget_previous_recovery(sidecar: Sidecar) -> bool:
    """The new recovery key has been shown: the one it replaced no longer opens (saved)."""
    if sidecar.data.pop("recovery_previous", None) is None:
        return False
    sidecar.save()
    return True


def _derive(password: str, salt: bytes, params: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=int(params["time_cost"]),
                           memory_cost=int(params["memory_cost"]),
                           parallelism=int(params["parallelism"]), hash_len=KEY_BYTES,
                           type=Type.ID)


def set_wrap(sidecar: Sidecar, login: str, password: str, key: bytes, *,
             params: dict | None = None) -> None:
    """Seal `key` for `login` under its password (replacing an older entry); not saved."""
    login = login.strip().lower()
    chosen = dict(params or (DEMO_ARGON2 if sidecar.demo else ARGON2))
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = _seal(_derive(password, salt, chosen), nonce, key, _aad(login))
    sidecar.data["accounts"][login] = {"kdf": "argon2id", "salt": _b64(salt), **chosen,
                                       "nonce": _b64(nonce), "wrapped": _b64(sealed)}
    _unlist(sidecar, login)
    sidecar.data.setdefault("failures", {}).pop(login, None)


def remove_wrap(sidecar: Sidecar, login: str, *, why: str = "disabled") -> None:
    """No wrap for `login`: "disabled" (it hears so), or "reset" (an account whose password is
    not known here: enabled again, or there before `ocrebill encrypt`; a password reset by an
    administrator wraps the key for it)."""
    login = login.strip().lower()
    sidecar.data["accounts"].pop(login, None)
    sidecar.data.get("previous", {}).pop(login, None)
    _unlist(sidecar, login)
    sidecar.data[why].append(login)


def _unlist(sidecar: Sidecar, login: str) -> None:
    for name in ("disabled", "reset"):
        listed = sidecar.data.setdefault(name, [])
        if login in listed:
            listed.remove(login)


# --- keeping the key file in step with the users table (store/accounts.py) ---------------

def keep_wrap(store, login: str, password: str) -> None:
    """An account created or given a new password on an encrypted store: wrap the key for it,
    the entry it replaces kept under `previous` until the database has committed (a plain
    store: nothing to do). Called inside the transaction that stores the password's hash."""
    if getattr(store, "key", None) is None:
        return
    login = login.strip().lower()
    sidecar = read_sidecar(store.path)
    replaced = sidecar.data["accounts"].get(login)
    set_wrap(sidecar, login, password, store.key)
    if replaced is not None:
        kept = sidecar.data.setdefault("previous", {}).setdefault(login, [])
        kept.insert(0, replaced)
        del kept[MAX_PREVIOUS:]
    sidecar.save()


def forget_previous(store, login: str) -> None:
    """The database has committed `login`'s new password: its previous wraps go."""
    if getattr(store, "key", None) is None or store.conn.in_transaction:
        return  # inside a caller's transaction: the next sign-in settles it
    sidecar = read_sidecar(store.path)
    if sidecar.data.get("previous", {}).pop(login.strip().lower(), None) is not None:
        sidecar.save()


def settle_wrap(store, login: str, password: str) -> None:
    """`login` signed in on the open encrypted store with `password`: of its wraps (after a
    crash between a password change's two writes, the new and the previous ones), the one that
    opens with it stays, the others go. Nothing to do (no write) when there is no previous."""
    if getattr(store, "key", None) is None:
        return
    login = login.strip().lower()
    sidecar = read_sidecar(store.path)
    previous = sidecar.data.get("previous", {}).get(login)
    if not previous:
        return
    for entry in _entries(sidecar, login):
        if _unwrap_entry(sidecar, login, entry, password) == store.key:
            sidecar.data["accounts"][login] = entry
            del sidecar.data["previous"][login]
            _save_quietly(sidecar)
            return


def keep_active(store, login: str, active: bool) -> None:
    """A disabled account's wrap is removed; enabled again, it needs a password reset."""
    if getattr(store, "key", None) is None:
        return
    sidecar = read_sidecar(store.path)
    if not active:
        remove_wrap(sidecar, login)
    elif login not in sidecar.data["accounts"]:
        remove_wrap(sidecar, login, why="reset")
    sidecar.save()


def _aad(login: str) -> bytes:
    return b"account:" + login.encode("utf-8")


def unwrap(sidecar: Sidecar, login: str, password: str) -> bytes | None:
    """The key, or None when the password opens none of `login`'s entries: the current one,
    then those kept from before a password change that may not have been committed
    (KeyFileError when an entry is damaged)."""
    for entry in _entries(sidecar, login):
        key = _unwrap_entry(sidecar, login, entry, password)
        if key is not None:
            return key
    return None


def _entries(sidecar: Sidecar, login: str) -> list[dict]:
    current = sidecar.data["accounts"].get(login)
    if current is None:
        return []
    previous = sidecar.data.get("previous", {}).get(login) or []
    return [current, *(e for e in previous if isinstance(e, dict))]


def _unwrap_entry(sidecar: Sidecar, login: str, entry: dict, password: str) -> bytes | None:
    try:
        salt, nonce, sealed = (_unb64(entry[k]) for k in ("salt", "nonce", "wrapped"))
        params = {k: int(entry[k]) for k in ARGON2}
        if entry.get("kdf") != "argon2id" or not 1 <= params["time_cost"] <= 100 \
                or not 8 <= params["memory_cost"] <= 4 * 1024 * 1024 \
                or not 1 <= params["parallelism"] <= 64:
            raise ValueError("unknown key derivation")
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError(f"{sidecar.path}: the entry of {login} is damaged ({exc}): ask an "
                        "administrator to reset the password, or use the recovery key") from None
    key = _open_sealed(_derive(password, salt, params), nonce, sealed, _aad(login))
    return key if key is not None and len(key) == KEY_BYTES else None


# --- unlocking ---------------------------------------------------------------------------

def unlock(db_path: str | os.PathLike[str], login: str, password: str, *,
           now: datetime | None = None) -> bytes:
    """The database key for a login name and password, or UnlockRefused (the same words as
    accounts.sign_in). Failures count towards a lock with a growing back-off, kept in the
    sidecar (not written when the sidecar is read-only)."""
    sidecar = read_sidecar(db_path)
    now = now or datetime.now(UTC)
    login = (login or "").strip().lower()
    if login in sidecar.data.get("disabled", []) and login not in sidecar.data["accounts"]:
        raise UnlockRefused(f"The account {login} is disabled: ask an administrator")
    if login in sidecar.data.get("reset", []) and login not in sidecar.data["accounts"]:
        raise UnlockRefused(f"{login} cannot open this encrypted database yet: ask an "
                            "administrator to reset the password")
    if login not in sidecar.data["accounts"]:
        _derive(password or "-", b"\0" * 16, DEMO_ARGON2 if sidecar.demo else ARGON2)
        raise UnlockRefused(WRONG)
    failures = sidecar.data.setdefault("failures", {}).get(login) or {}
    locked = failures.get("locked_until")
    if locked:
        locked_until = datetime.fromisoformat(locked)
        if locked_until > now:
            wait = int((locked_until - now).total_seconds()) + 1
            raise UnlockRefused(f"Too many failed attempts for {login}: try again in "
                                f"{_duration(wait)}, or ask an administrator to reset the "
                                "password")
    key = unwrap(sidecar, login, password or "")
    if key is None:
        count = int(failures.get("count", 0)) + 1
        until: datetime | None = None
        if count > FREE_FAILURES:
            until = (now + min(FIRST_LOCK * 2 ** (count - FREE_FAILURES - 1), LONGEST_LOCK))
        sidecar.data["failures"][login] = {
            "count": count, "locked_until": until.isoformat(timespec="seconds") if until
            else None}
        _save_quietly(sidecar)
        raise UnlockRefused(WRONG)
    if failures:
        sidecar.data["failures"].pop(login, None)
        _save_quietly(sidecar)
    return key


def unlock_with_recovery(db_path: str | os.PathLike[str], recovery_key: str) -> bytes:
    sidecar = read_sidecar(db_path)
    raw = _recovery_bytes(recovery_key)
    entries = [sidecar.data.get("recovery") or {}]
    if isinstance(sidecar.data.get("recovery_previous"), dict):
        entries.append(sidecar.data["recovery_previous"])
    for entry in entries:
        try:
            salt, nonce, sealed = (_unb64(entry[k]) for k in ("salt", "nonce", "wrapped"))
        except (KeyError, TypeError, ValueError):
            raise KeyFileError(f"{sidecar.path}: its recovery entry is damaged: restore the key "
                               "file from a backup") from None
        key = _open_sealed(_hkdf(raw, salt), nonce, sealed, b"recovery")
        if key is not None:
            return key
    raise UnlockRefused("Wrong recovery key: nothing was opened")


def _save_quietly(sidecar: Sidecar) -> None:
    try:
        sidecar.save()
    except OSError:
        pass  # a read-only folder: the attempt is not counted


def _duration(seconds: int) -> str:
    return f"{seconds} s" if seconds < 90 else f"{(seconds + 59) // 60} min"


__all__ = ["ARGON2", "DEMO_ARGON2", "KeyFileError", "Sidecar", "UnlockRefused", "audit_key",
           "create_sidecar", "forget_previous", "keep_active", "keep_wrap", "new_key",
           "new_recovery_key", "read_sidecar", "remove_wrap", "set_wrap", "settle_wrap",
           "sidecar_path", "unlock", "unlock_with_recovery", "unwrap"]
