"""Backups that never finished: their partial copies are found and removed.

A backup is written to a partial file beside its destination and only then renamed into place.
Killed on the way (SIGKILL, a crash, a power cut), it would leave that copy, with every
patient in it, on the backup drive for good. So while it runs, a backup keeps a note beside the
database (`.NAME.backup-TOKEN.note`, 0600) naming its partial file, and holds the note: locked
on POSIX (flock), open on Windows (which then lets nobody rename it). The next time OcreBill
opens the database, and before the next backup, `remove_unfinished` removes the partial copy
(and its SQLite journals) of every note nobody holds, and the note. A path in a note is
removed only when its name is a partial file's (files.PARTIAL_SUFFIX). A database in a folder
OcreBill may not write gets no note: its killed backups are not tracked.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ocrebill_gui.files import PARTIAL_SUFFIX, POSIX, PRIVATE_FILE

# SQLite's companions of a database file: a partial copy may have any of them.
COMPANIONS = ("", "-journal", "-wal", "-shm")


def _notes(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f".{database.name}.backup-*.note"))


@contextmanager
def noted(database: Path, partial: Path) -> Iterator[None]:
    """While the block runs, a note beside `database` names `partial`; gone afterwards."""
    database = database.resolve()
    descriptor, note = _new_note(database)
    try:
        if descriptor is not None:
            os.write(descriptor, os.fsencode(str(partial.resolve())))
        yield
    finally:
        if descriptor is not None:
            with suppress(OSError):
                os.unlink(note)
            os.close(descriptor)


def _new_note(database: Path) -> tuple[int | None, Path]:
    """A new note, held: (descriptor, path); (None, path) when the folder takes none."""
    while True:
        note = database.with_name(f".{database.name}.backup-{uuid.uuid4().hex[:12]}.note")
        try:
            descriptor = os.open(note, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except OSError:
            return None, note
        if not POSIX:
            return descriptor, note
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX)  # only a cleaner may hold it, for a moment
        try:
            if os.path.samestat(os.fstat(descriptor), os.stat(note)):
                return descriptor, note
        except FileNotFoundError:
            pass
        os.close(descriptor)  # a cleaner took it, still empty, for a dead backup's: again


def remove_unfinished(database: str | os.PathLike[str]) -> list[Path]:
    """Remove the partial copies left by backups of `database` that were killed, and their
    notes; returns the files removed. Best effort: what cannot be removed stays."""
    removed: list[Path] = []
    try:
        notes = _notes(Path(database).resolve())
    except OSError:
        return removed
    for note in notes:
        with suppress(OSError):
            removed += _clean(note)
    return removed


def _clean(note: Path) -> list[Path]:
    if POSIX:
        import fcntl

        descriptor = os.open(note, os.O_RDWR)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []  # that backup is still running
            text = os.read(descriptor, 65536)
            os.unlink(note)
        finally:
            os.close(descriptor)
    else:
        claimed = note.with_name(note.name + ".claimed")
        os.replace(note, claimed)  # refused while the backup holds it open
        text = claimed.read_bytes()
        claimed.unlink()
    partial = Path(os.fsdecode(text)) if text else None
    if partial is None or not partial.name.endswith(PARTIAL_SUFFIX):
        return []
    gone = []
    for suffix in COMPANIONS:
        path = Path(f"{partial}{suffix}")
        with suppress(FileNotFoundError):
            path.unlink()
            gone.append(path)
    return gone
