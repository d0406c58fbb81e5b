"""Files that hold patient data: private to their owner, whole or absent, never replacing
another file unless asked.

On POSIX a file made here is 0600 and a folder 0700 whatever the umask (the mode is set after
creating, since creating masks it with the umask). A file is written beside its destination
under a recognisable temporary name (`PARTIAL_SUFFIX`), flushed to disk and then moved into
place, so a reader never sees half of it; without `force` an existing destination is refused
with FileExistsError naming it (checked again at the last moment: a hard link, which fails on
an existing name, moves the file into place where the file system has them). No Qt, no store:
the store, the reports, the command line and the app all write through these.
"""

from __future__ import annotations

import errno
import os
import stat
import uuid
from pathlib import Path

POSIX = os.name == "posix"
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
PARTIAL_SUFFIX = ".ocrebill-partial"


def exists_error(path: str | os.PathLike[str]) -> FileExistsError:
    """The FileExistsError for `path` (its `filename` names it), for callers that check first."""
    return FileExistsError(errno.EEXIST, "already exists", os.fspath(path))


def private_folder(path: str | os.PathLike[str]) -> Path:
    """The folder `path`, created if missing (its missing parents with the usual modes), made
    0700 on POSIX. For OcreBill's own folders: an existing one is tightened too."""
    folder = Path(path)
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if POSIX:
        os.chmod(folder, PRIVATE_FOLDER)
    return folder


def create_private(path: str | os.PathLike[str]) -> Path:
    """A new empty file at `path`, 0600 from its first moment (never an existing file:
    FileExistsError)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        if POSIX:
            os.fchmod(descriptor, PRIVATE_FILE)  # a umask such as 0277 took the owner's bits
    finally:
        os.close(descriptor)
    return Path(path)


def make_private(path: str | os.PathLike[str]) -> bool:
    """Take the group's and others' permissions off an existing file of this user (POSIX);
    True when its mode changed. A missing file, another user's file or a file system without
    POSIX modes is left as it is."""
    if not POSIX:
        return False
    try:
        info = os.stat(path)
        mode = stat.S_IMODE(info.st_mode)
        if info.st_uid != os.geteuid() or not mode & 0o077:
            return False
        os.chmod(path, mode & 0o700)
    except OSError:
        return False
    return True


def partial_path(path: str | os.PathLike[str]) -> Path:
    """A name beside `path` for its copy on the way (`.NAME.TOKEN.ocrebill-partial`)."""
    target = Path(path)
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}{PARTIAL_SUFFIX}")


def write_private_bytes(path: str | os.PathLike[str], data: bytes, *, force: bool) -> Path:
    """Write `data` to `path`, private and whole: a 0600 partial file beside it, flushed to
    disk, then moved into place. An existing `path` is replaced only with `force`; otherwise
    FileExistsError and nothing is written."""
    target = Path(path)
    if not force and os.path.lexists(target):
        raise exists_error(target)
    partial = create_private(partial_path(target))
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    put_in_place(partial, target, force=force)
    return target


def put_in_place(partial: str | os.PathLike[str], path: str | os.PathLike[str], *,
                 force: bool) -> None:
    """Move the finished file `partial` to `path` (same folder). Without `force` an existing
    `path` is refused (FileExistsError). The partial file is gone afterwards either way."""
    try:
        if force:
            os.replace(partial, path)
            return
        try:
            os.link(partial, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise exists_error(path) from None
        except OSError:  # no hard links on this file system (FAT, some shares)
            if os.path.lexists(path):
                raise exists_error(path) from None
            os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)


__all__ = ["PARTIAL_SUFFIX", "create_private", "exists_error", "make_private", "partial_path",
           "private_folder", "put_in_place", "write_private_bytes"]
