"""No live database on a network drive (issue 12, item 4): the mount table and Windows paths
parsed from fabricated text (no network mount needed), and open_store refusing such a file
with the reason and the advice, while a backup may still be written to a network folder."""

from __future__ import annotations

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store import network_drive as nd
from ocrebill_gui.store.errors import StoreError

# /proc/self/mountinfo of a workstation: local disks, a bind mount, an SMB share whose mount
# point has a space (\040), an NFS home, sshfs, a share mounted over a local folder, gvfs.
MOUNTINFO = "\n".join([
    "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
    "25 22 0:23 / /proc rw,nosuid shared:12 - proc proc rw",
    "30 22 252:2 / /home rw,relatime shared:2 - ext4 /dev/vda2 rw",
    "31 22 252:2 /clinic/data /srv/ocrebill rw,relatime shared:2 - ext4 /dev/vda2 rw",
    r"40 22 0:50 / /mnt/Clinic\040Share rw,relatime shared:20 - cifs //nas/clinic rw,vers=3.1.1",
    "41 30 0:51 / /home/nfsuser rw,relatime shared:21 - nfs4 fileserver:/export/home rw",
    "42 30 0:52 / /home/kim/remote rw,nosuid shared:22 - fuse.sshfs kim@server:/data rw",
    "43 22 0:53 / /mnt/backups rw,relatime shared:23 - nfs nas:/backups rw",
    "44 43 252:1 /local /mnt/backups/scratch rw shared:24 - ext4 /dev/vda1 rw",
    "45 22 0:54 / /srv/over rw shared:25 - ext4 /dev/vda3 rw",
    "46 22 0:55 / /srv/over rw shared:26 - smb3 //nas/over rw",
    "47 22 0:56 / /run/user/1000/gvfs rw,nosuid shared:27 - fuse.gvfsd-fuse gvfsd-fuse rw",
    "not a mount line",
])


@pytest.mark.parametrize(("path", "network"), [
    ("/home/kim/ocrebill.sqlite", None),
    ("/srv/ocrebill/ocrebill.sqlite", None),  # a bind mount of a local disk
    ("/mnt/Clinic Share/ocrebill.sqlite", "cifs on //nas/clinic"),
    ("/mnt/Clinic Share", "cifs on //nas/clinic"),
    ("/mnt/Clinic Shared/ocrebill.sqlite", None),  # a longer name is not inside the share
    ("/home/nfsuser/db/ocrebill.sqlite", "nfs4 on fileserver:/export/home"),
    ("/home/kim/remote/ocrebill.sqlite", "fuse.sshfs on kim@server:/data"),
    ("/mnt/backups/ocrebill.sqlite", "nfs on nas:/backups"),
    ("/mnt/backups/scratch/ocrebill.sqlite", None),  # a local disk mounted inside the share
    ("/srv/over/ocrebill.sqlite", "smb3 on //nas/over"),  # the later mount hides the earlier
    ("/run/user/1000/gvfs/smb-share:server=nas,share=clinic/o.sqlite",
     "fuse.gvfsd-fuse on gvfsd-fuse"),
    ("/run/user/1000/gvfs/mtp:host=phone/o.sqlite", None),  # a phone on USB: local
])
def test_the_mount_holding_a_path_says_whether_it_is_on_the_network(path, network) -> None:
    mount = nd.linux_network_mount(path, MOUNTINFO)
    assert (None if mount is None else f"{mount.fstype} on {mount.source}") == network


def test_mount_points_with_escaped_characters_are_read_as_named() -> None:
    mounts = nd.parse_mountinfo(r"50 22 0:60 / /mnt/a\040b\011c\134d rw - cifs //s/x\040y rw")
    assert mounts == [nd.Mount("/mnt/a b\tc\\d", "cifs", "//s/x y")]
    assert nd.parse_mounts(r"//nas/clinic /mnt/Clinic\040Share cifs rw 0 0") == [
        nd.Mount("/mnt/Clinic Share", "cifs", "//nas/clinic")]


def test_macos_network_file_systems_by_name_or_without_mnt_local() -> None:
    assert nd.macos_network_type("smbfs", 0) == "smbfs"
    assert nd.macos_network_type("nfs", nd.MNT_LOCAL) == "nfs"
    assert nd.macos_network_type("apfs", nd.MNT_LOCAL) is None
    assert nd.macos_network_type("osxfuse", 0) == "osxfuse"  # not local: sshfs through FUSE


@pytest.mark.parametrize(("path", "share"), [
    (r"\\nas\clinic\ocrebill.sqlite", r"\\nas\clinic"),
    ("//nas/clinic/ocrebill.sqlite", r"\\nas\clinic"),
    (r"\\?\UNC\nas\clinic\db\ocrebill.sqlite", r"\\nas\clinic"),
    (r"Z:\OcreBill\ocrebill.sqlite", "Z:"),  # mapped to a share
    (r"C:\Users\kim\ocrebill.sqlite", None),
    (r"\\?\C:\Users\kim\ocrebill.sqlite", None),
    (r"\\?\Z:\ocrebill.sqlite", "Z:"),
])
def test_windows_unc_paths_and_mapped_drives(path, share) -> None:
    def drive_type(root: str) -> int:
        assert root in ("C:\\", "Z:\\")
        return nd.DRIVE_REMOTE if root == "Z:\\" else 3  # DRIVE_FIXED

    assert nd.windows_share(path, drive_type) == share


def test_open_store_refuses_a_database_on_a_network_drive(tmp_path, monkeypatch) -> None:
    share = tmp_path / "Clinic Share"
    share.mkdir()
    escaped = str(share).replace(" ", "\\040")
    table = f"22 1 252:1 / / rw - ext4 /dev/vda1 rw\n40 22 0:50 / {escaped} rw - cifs //nas/c rw"

    def read_table(path, *args, **kwargs):
        assert path == "/proc/self/mountinfo"
        return __import__("io").StringIO(table)

    monkeypatch.setattr(nd, "open", read_table, raising=False)
    monkeypatch.setattr(nd.sys, "platform", "linux")
    for target in (share / "new.sqlite", share / "sub" / ".." / "x.sqlite"):
        with pytest.raises(StoreError) as refused:
            st.open_store(target)
        message = str(refused.value)
        assert "network drive (cifs on //nas/c)" in message
        assert "locking is unreliable" in message and "WAL" in message
        assert "PostgreSQL server" in message and "docs/server.md" in message
    assert list(share.iterdir()) == []  # nothing created there
    with st.open_store(tmp_path / "local.sqlite") as store:  # beside the share: fine
        assert store.path.exists()


def test_a_backup_may_go_to_a_network_folder(tmp_path, monkeypatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    table = f"22 1 252:1 / / rw - ext4 /dev/vda1 rw\n40 22 0:50 / {share} rw - nfs nas:/b rw"
    monkeypatch.setattr(nd, "open", lambda *a, **k: __import__("io").StringIO(table),
                        raising=False)
    monkeypatch.setattr(nd.sys, "platform", "linux")
    with st.open_store(tmp_path / "live.sqlite") as store:
        report = st.backup_database(store, signed(), share / "backup.sqlite")
    assert report.path.exists() and nd.network_location(report.path) == "nfs on nas:/b"


def test_this_machines_own_files_are_not_refused(tmp_path) -> None:
    assert nd.network_location(tmp_path / "ocrebill.sqlite") is None
