"""No live SQLite database on a network drive (issue 12).

SQLite's file locking is unreliable on network file systems (SMB/CIFS, NFS, sshfs...) and its
WAL mode, which OcreBill uses, does not work over one at all (the -shm file is shared memory
of one machine): two workstations writing one file there corrupt it sooner or later. So
`open_store` refuses a database whose file is on one, with the reason and the way to share a
practice between workstations: OcreBill's PostgreSQL server (docs/server.md).

Only the live database is refused: `ocrebill backup` may write its copy to a network folder
(a copy written once, never opened as a database there).

How a network location is recognised, on each system (the parsing is pure functions over the
mount table's text or the path, testable without a network mount):

- Linux: the mount holding the resolved path in /proc/self/mountinfo (the longest mount point
  that contains it; of two mounts on one point the later, which hides the earlier), and its
  file system type among NETWORK_TYPES (or a share's folder in GNOME's gvfs FUSE mount);
- macOS: statfs(2) of the path: the file system type name (smbfs, nfs, afpfs, webdav...) or a
  mount without MNT_LOCAL;
- Windows: a UNC path (\\\\server\\share, \\\\?\\UNC\\server\\share) or a drive letter mapped
  to a share (GetDriveTypeW: DRIVE_REMOTE).

Anything that cannot be found out (no /proc, a failing call) lets the database open: the
check keeps people from a known trap, it does not stand in the way of a local file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from ocrebill_gui.store.errors import StoreError

# Linux file system types (as /proc shows them) that live on another machine.
NETWORK_TYPES = frozenset({
    "cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "ncpfs", "ncp", "9p", "afs",
    "ceph", "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs", "fuse.davfs2", "sshfs",
    "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "lustre", "gpfs", "coda",
    "orangefs", "pvfs2", "beegfs", "fuse.beegfs",
})
# macOS statfs f_fstypename values of network file systems.
MACOS_NETWORK_TYPES = frozenset({"smbfs", "nfs", "afpfs", "webdav", "ftp", "cifs", "macfuse"})
# GNOME's gvfs mounts every share it opens below one FUSE mount, a folder per share.
GVFS_TYPE = "fuse.gvfsd-fuse"
GVFS_NETWORK = ("smb-share:", "sftp:", "ftp:", "dav:", "davs:", "afp-volume:", "nfs:")
MNT_LOCAL = 0x00001000  # macOS statfs f_flags: stored locally
DRIVE_REMOTE = 4  # Windows GetDriveTypeW


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str
    source: str


_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """/proc writes a space, tab, newline and backslash in a path as \\040, \\011, \\012,
    \\134."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of /proc/self/mountinfo, in its order (man 5 proc: ID PARENT MAJ:MIN ROOT
    MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS)."""
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        try:
            dash = fields.index("-", 6)
            point, fstype, source = fields[4], fields[dash + 1], fields[dash + 2]
        except (ValueError, IndexError):
            continue  # not a mount line
        mounts.append(Mount(_unescape(point), fstype, _unescape(source)))
    return mounts


def parse_mounts(text: str) -> list[Mount]:
    """The mounts of /proc/mounts or /etc/mtab (SOURCE MOUNT_POINT FSTYPE OPTIONS 0 0)."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[1]), fields[2], _unescape(fields[0])))
    return mounts


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount holding the absolute, resolved `path`: the longest mount point containing it;
    the later of two on the same point (it hides the earlier)."""
    found: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = point == "/" or path == point or path.startswith(point + "/")
        if inside and (found is None or len(point) >= len(found.point.rstrip("/") or "/")):
            found = mount
    return found


def linux_network_mount(path: str, mountinfo: str) -> Mount | None:
    """The network mount holding `path` (resolved), or None when it is on a local one."""
    mount = mount_of(path, parse_mountinfo(mountinfo))
    if mount is None:
        return None
    if mount.fstype.lower() == GVFS_TYPE:
        share = path[len(mount.point.rstrip("/")) + 1:].split("/", 1)[0]
        return mount if share.startswith(GVFS_NETWORK) else None
    return mount if mount.fstype.lower() in NETWORK_TYPES else None


def macos_network_type(fstypename: str, flags: int) -> str | None:
    """statfs's type name when the file system is a network one (by name, or not local)."""
    if fstypename.lower() in MACOS_NETWORK_TYPES or not flags & MNT_LOCAL:
        return fstypename or "network"
    return None


def windows_share(path: str, drive_type: Callable[[str], int]) -> str | None:
    """The share holding a Windows `path` (\\\\server\\share, or the mapped drive X:), or None
    when it is local. `drive_type(root)`: GetDriveTypeW of a drive root such as 'X:\\'."""
    text = path.replace("/", "\\")
    upper = text.upper()
    if upper.startswith("\\\\?\\UNC\\"):
        return "\\\\" + "\\".join(text[8:].split("\\")[:2])
    if upper.startswith(("\\\\?\\", "\\\\.\\")):  # a local path in long or device form
        text = text[4:]
    elif text.startswith("\\\\"):
        return "\\\\" + "\\".join(text[2:].split("\\")[:2])
    drive = PureWindowsPath(text).drive
    if len(drive) == 2 and drive[1] == ":" and drive_type(drive + "\\") == DRIVE_REMOTE:
        return drive
    return None


def network_location(path: str | os.PathLike[str]) -> str | None:
    """What network file system or share holds the database file `path` ('cifs on
    //nas/clinic', '\\\\nas\\clinic', 'smbfs'), or None for a local file or when it cannot be
    told."""
    if sys.platform == "win32":
        return _windows_location(path)
    target = _resolved(Path(path))
    if sys.platform == "darwin":
        return _macos_location(target)
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as table:
            mount = linux_network_mount(os.fspath(target), table.read())
    except OSError:
        return None
    return None if mount is None else f"{mount.fstype} on {mount.source}"


def refuse_network_drive(path: str | os.PathLike[str]) -> None:
    """StoreError when the database file `path` is on a network file system or share."""
    where = network_location(path)
    if where is not None:
        raise StoreError(
            f"{path} is on a network drive ({where}). OcreBill does not open a database there: "
            "SQLite's file locking is unreliable on network file systems and its WAL mode does "
            "not work over them, so workstations sharing the file would corrupt it. Keep the "
            "database on this computer's own disk, or, to share one practice between "
            "workstations, run OcreBill's PostgreSQL server (see docs/server.md) and point "
            "each workstation at it. (Backups may go to a network folder.)")


def _resolved(path: Path) -> Path:
    """The absolute path with symbolic links followed as far as it exists."""
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):
        return path.expanduser().absolute()


def _windows_location(path: str | os.PathLike[str]) -> str | None:
    import ctypes

    def drive_type(root: str) -> int:
        if sys.platform != "win32":  # ctypes.windll is Windows' only (mypy: the same check)
            raise OSError("not Windows")
        return int(ctypes.windll.kernel32.GetDriveTypeW(root))

    try:
        return windows_share(os.fspath(Path(path).expanduser().absolute()), drive_type)
    except (OSError, AttributeError, ValueError):
        return None


def _macos_location(path: Path) -> str | None:
    import ctypes
    import ctypes.util

    class StatFs(ctypes.Structure):  # struct statfs (64-bit inodes), <sys/mount.h>
        _fields_ = [("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32),
                    ("f_blocks", ctypes.c_uint64), ("f_bfree", ctypes.c_uint64),
                    ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
                    ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2),
                    ("f_owner", ctypes.c_uint32), ("f_type", ctypes.c_uint32),
                    ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
                    ("f_fstypename", ctypes.c_char * 16),
                    ("f_mntonname", ctypes.c_char * 1024),
                    ("f_mntfromname", ctypes.c_char * 1024),
                    ("f_reserved", ctypes.c_uint32 * 8)]

    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        statfs = libc["statfs$INODE64"] if hasattr(libc, "statfs$INODE64") else libc.statfs
        info = StatFs()
        if existing is None or statfs(os.fsencode(existing), ctypes.byref(info)) != 0:
            return None
    except (OSError, AttributeError, TypeError):
        return None
    return macos_network_type(info.f_fstypename.decode("utf-8", "replace"), info.f_flags)


__all__ = ["MNT_LOCAL", "NETWORK_TYPES", "Mount", "linux_network_mount", "macos_network_type",
           "mount_of", "network_location", "parse_mountinfo", "parse_mounts",
           "refuse_network_drive", "windows_share"]
