"""The database, its -wal/-shm, the user data folder and backups are private (0600 files, a
0700 folder) under the usual umask 022; a backup never replaces a file unless forced; a
killed backup leaves nothing behind once OcreBill starts again."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import textwrap
from pathlib import Path

import pytest
from staff import signed
from store_helpers import PYTHON, REPO, populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.files import make_private, private_folder, write_private_bytes

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
              pytest.mark.usefixtures("usual_umask")]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.ocrebill-partial*"))


def notes(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f".{database.name}.backup-*.note"))


def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path):
    path = tmp_path / "clinic.sqlite"
    with st.open_store(path) as store:
        populated(store)  # writes: the WAL holds them until a checkpoint
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)


def test_the_user_data_folder_is_made_private_and_kept_so(tmp_path, monkeypatch):
    monkeypatch.delenv("OCREBILL_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    path = st.default_db_path()
    assert path.parent == tmp_path / "share" / "OcreBill"
    with st.open_store():
        pass
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert mode(tmp_path / "share") == 0o755  # the folders above are not OcreBill's
    os.chmod(path.parent, 0o755)  # as an older OcreBill made it
    os.chmod(path, 0o644)
    with st.open_store():
        pass
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)


def test_an_older_readable_database_is_made_owner_only_when_opened_for_writing(tmp_path):
    path = tmp_path / "old.sqlite"
    st.open_store(path).close()
    os.chmod(path, 0o644)
    with st.open_store(path, read_only=True):
        pass
    assert mode(path) == 0o644, "a read-only open changes nothing"
    with st.open_store(path) as store:
        populated(store)
        assert mode(path) == 0o600 and mode(Path(f"{path}-wal")) == 0o600
    os.chmod(path, 0o664)  # shared with the group on purpose: still owner-only afterwards
    st.open_store(path).close()
    assert mode(path) == 0o600


def test_a_demo_database_is_private(tmp_path):
    path = tmp_path / "demo.sqlite"
    st.create_demo_database(path, patients=2, visits=3)
    assert mode(path) == 0o600


def test_a_folder_given_with_db_keeps_its_mode(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir(mode=0o755)
    st.open_store(folder / "clinic.sqlite").close()
    assert mode(folder) == 0o755 and mode(folder / "clinic.sqlite") == 0o600


@pytest.mark.sqlite_only
def test_a_backup_is_private_and_replaces_a_file_only_when_forced(store, tmp_path):
    populated(store)
    st.create_draft(store, signed("nurse"), visit_doc(), patient_id=1)
    dest = tmp_path / "copies" / "monday.sqlite"
    dest.parent.mkdir()
    report = st.backup_database(store, signed(), dest)
    assert report.path == dest and mode(dest) == 0o600
    dest.write_bytes(b"last week's")
    os.chmod(dest, 0o644)
    with pytest.raises(st.BackupExists, match=f"{dest} already exists: nothing was written"):
        st.backup_database(store, signed(), dest)
    assert dest.read_bytes() == b"last week's"
    assert st.backup_database(store, signed(), dest, force=True).visits == 1
    assert mode(dest) == 0o600
    assert partials(dest.parent) == [] and notes(store.path) == []


BACKUP_THAT_HANGS = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, "tests")  # run from the repository
    from staff import signed
    from ocrebill_gui import store as st
    from ocrebill_gui.store import backup

    def copy_then_hang(store, copy):
        original(store, copy)
        print("copied", flush=True)
        time.sleep(120)

    original, backup.copy_into = backup.copy_into, copy_then_hang
    with st.open_store(sys.argv[1]) as store:
        st.backup_database(store, signed(), sys.argv[2])
""")


@pytest.mark.sqlite_only
def test_a_killed_backup_leaves_nothing_behind_after_the_next_start(store, tmp_path):
    populated(store)
    store.close()
    dest = tmp_path / "usb"
    dest.mkdir()
    run = subprocess.Popen([PYTHON, "-c", BACKUP_THAT_HANGS, str(store.path), f"{dest}/"],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert run.stdout.readline() == "copied\n", run.stderr.read()
        [partial] = partials(dest)
        assert mode(partial) == 0o600  # the whole database is in it already
        assert len(notes(store.path)) == 1
        st.open_store(store.path).close()  # another start while the backup runs
        assert partials(dest) == [partial], "a running backup's copy is not touched"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        run.kill()
        run.communicate(timeout=30)
    assert run.returncode == -signal.SIGKILL
    assert partials(dest) == [partial] and len(notes(store.path)) == 1
    st.open_store(store.path, read_only=True).close()  # the next start (print, the app)
    assert list(dest.iterdir()) == [] and notes(store.path) == []


@pytest.mark.sqlite_only
def test_a_note_never_removes_a_file_that_is_not_a_partial_copy(store, tmp_path):
    precious = tmp_path / "precious.sqlite"
    precious.write_bytes(b"data")
    note = store.path.with_name(f".{store.path.name}.backup-123456789abc.note")
    note.write_bytes(os.fsencode(str(precious)))
    st.open_store(store.path).close()
    assert precious.read_bytes() == b"data" and not note.exists()


def test_private_files_whatever_the_umask(tmp_path):
    os.umask(0o277)  # even one that takes the owner's write bit
    path = write_private_bytes(tmp_path / "a.pdf", b"%PDF", force=False)
    assert mode(path) == 0o600
    with pytest.raises(FileExistsError) as refused:
        write_private_bytes(path, b"other", force=False)
    assert refused.value.filename == str(path) and path.read_bytes() == b"%PDF"
    os.chmod(path, 0o644)
    write_private_bytes(path, b"other", force=True)
    assert path.read_bytes() == b"other" and mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]  # no partial file left
    folder = private_folder(tmp_path / "new" / "pdfs")
    assert mode(folder) == 0o700
    loose = tmp_path / "loose"
    loose.write_bytes(b"")
    os.chmod(loose, 0o664)
    assert make_private(loose) and mode(loose) == 0o600
    assert not make_private(loose) and not make_private(tmp_path / "missing")
