"""Robustness with real files and real processes: SIGKILL in the middle of saving, two
processes on one file, a read-only file, a full disk."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from staff import signed
from store_helpers import PYTHON, REPO, populated, script_env, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.cli import main
from ocrebill_gui.store import db as store_db

pytestmark = pytest.mark.slow
HERE = Path(__file__).parent


def _env() -> dict[str, str]:
    return script_env()


def _script(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-c", textwrap.dedent(code), *args], env=_env(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("kind", ["plain", "encrypted", "server"])
def test_sigkill_while_saving_never_corrupts_or_loses_a_committed_visit(tmp_path, kind,
                                                                        request):
    """A writer killed mid-save, thirty times: a file (plain or encrypted) stays sound, and
    on a PostgreSQL server (tests/pg_fixtures.py) the client dies, the server rolls back."""
    key = bytes(range(32)) if kind == "encrypted" else None
    db = request.getfixturevalue("pg_url") if kind == "server" else tmp_path / "killed.sqlite"
    rounds = 30
    done = subprocess.run([PYTHON, str(HERE / "store_kill_harness.py"), str(db), str(rounds),
                           "20261127", *([key.hex()] if key else [])], env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(reports) == rounds
    committed: dict[int, str] = {}
    finalized: set[int] = set()
    mid_save = 0
    for report in reports:
        assert report["killed"], report["lines"][-3:]
        assert report["quick_check"] == ["ok"], report
        assert not [line for line in report["lines"] if line.startswith("E ")], report
        mid_save += bool(report["lines"]) and report["lines"][-1] == "B"
        for line in report["lines"]:
            if line == "B":
                continue
            kind, visit_id, *rest = line.split()
            if kind in "DU":
                committed[int(visit_id)] = rest[0]
            elif kind == "F":
                finalized.add(int(visit_id))
    assert len(committed) > rounds  # the writers got work done between kills
    assert mid_save >= rounds // 2  # most kills landed inside a save, not between saves
    if key is not None:
        assert not db.read_bytes().startswith(b"SQLite format 3")
    with st.open_store(db, key=key) as store:
        check = st.check_database(store, signed())
        assert check.ok, check
        for visit_id, marker in committed.items():
            visit = st.get_visit(store, signed(), visit_id)
            # The last reported save of each visit is there, or the one after it (committed
            # just before the kill, not reported yet).
            note = visit.document["note"].split()[0]
            allowed = {marker} if marker.endswith("b") else {marker, f"{marker}b"}
            assert note in allowed, (visit_id, marker, note)
            if visit_id in finalized:
                assert visit.finalized and visit.claim is not None
        lot = st.list_vial_lots(store, signed())[0]
        taken = store.conn.execute("SELECT coalesce(sum(vials), 0) FROM vial_uses"
                                   ).fetchone()[0]
        assert lot.received_vials - lot.on_hand == taken
        finalized_now = st.count_visits(store, signed(), status="finalized")
        assert finalized_now >= len(finalized)
        assert taken == finalized_now  # one 300 mg vial per finalized visit, never half


WRITER = """
    import sys
    from staff import signed
    from store_helpers import visit_doc
    from ocrebill_gui import store as st
    db, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with st.open_store(db) as store:
        patient = st.list_patients(store, signed(), limit=1)[0]
        for n in range(count):
            doc = visit_doc(dose=300)
            doc["note"] = f"{tag}-{n}"
            saved = st.create_draft(store, signed(tag), doc, patient_id=patient.id)
            st.finalize_visit(store, signed(tag), saved.visit_id, allow_errors=True,
                              expected_revision=saved.revision)
    print("done")
"""


def test_two_processes_writing_one_file_both_succeed(tmp_path):
    db = tmp_path / "shared.sqlite"
    with st.open_store(db) as store:
        populated(store, approved_units=None, vials=1000)
    procs = [subprocess.Popen([PYTHON, "-c", textwrap.dedent(WRITER), str(db), tag, "40"],
                              env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for tag in ("left", "right")]
    results = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0 and out.strip() == "done", err
    with st.open_store(db) as store:
        assert st.check_database(store, signed()).ok
        notes = sorted(st.get_visit(store, signed(), v.id).document["note"]
                       for v in st.find_visits(store, signed(), limit=1000))
        assert notes == sorted(f"{tag}-{n}" for tag in ("left", "right") for n in range(40))
        assert st.list_vial_lots(store, signed())[0].on_hand == 1000 - 80


HOLDER = """
    import sys, time
    from staff import signed
    from ocrebill_gui import store as st
    from ocrebill_gui.store.db import writing
    with st.open_store(sys.argv[1]) as store:
        with writing(store):
            st.add_patient(store, signed("holder"), {"name": "Holder, Long"})
            print("locked", flush=True)
            sys.stdin.readline()
    print("released", flush=True)
"""


def test_the_second_writer_gets_a_clear_in_use_message(tmp_path, capsys, monkeypatch,
                                                       cli_staff):
    db = tmp_path / "busy.sqlite"
    with st.open_store(db) as store:
        patient, *_ = populated(store)
    cli_staff(db)
    doc_file = tmp_path / "visit.json"
    doc_file.write_text(json.dumps(visit_doc()))
    holder = subprocess.Popen([PYTHON, "-c", textwrap.dedent(HOLDER), str(db)], env=_env(),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(store_db, "DEFAULT_BUSY_TIMEOUT", 0.3)
        code = main(["--db", str(db), "import", str(doc_file)])
        err = capsys.readouterr().err
        assert code == 1
        assert "is in use by another OcreBill window or command" in err
        assert "Nothing was changed" in err and "Traceback" not in err
        with st.open_store(db, busy_timeout=0.3) as store:
            # reading works
            assert st.get_patient(store, signed(), patient.id).name == "Müller, Ada"
            with pytest.raises(st.DatabaseInUse):
                st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    finally:
        holder.communicate(input="\n", timeout=30)
    assert holder.returncode == 0
    with st.open_store(db) as store:
        assert st.count_visits(store, signed()) == 0  # the loser wrote nothing
        assert [p.name for p in st.list_patients(store, signed())] == ["Holder, Long",
                                                                       "Müller, Ada"]
        assert st.check_database(store, signed()).ok


@pytest.fixture
def read_only_file(tmp_path, cli_staff):
    """A database file the OS refuses to write, even for root (immutable attribute), or by
    permissions when not root; the commands sign in as `staff`."""
    db = tmp_path / "locked.sqlite"
    with st.open_store(db) as store:
        populated(store)
    cli_staff(db)
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("needs chattr to make a file read-only for root")
        subprocess.run(["chattr", "+i", str(db)], check=True)
        try:
            yield db
        finally:
            subprocess.run(["chattr", "-i", str(db)], check=True)
    else:
        db.chmod(0o444)
        yield db
        db.chmod(0o644)


def test_a_read_only_file_gives_a_clear_error_and_no_half_written_visit(read_only_file,
                                                                        tmp_path):
    digest = hashlib.sha256(read_only_file.read_bytes()).hexdigest()
    doc_file = tmp_path / "visit.json"
    doc_file.write_text(json.dumps(visit_doc()))
    env = {**_env(), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([PYTHON, "-m", "ocrebill_gui", "--db", str(read_only_file), "import",
                           str(doc_file)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "is read-only: nothing was saved" in done.stderr and "Traceback" not in done.stderr
    listed = subprocess.run([PYTHON, "-m", "ocrebill_gui", "--db", str(read_only_file),
                             "visits"], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0 and "No visits match." in listed.stdout
    with st.open_store(read_only_file) as store:
        assert store.read_only
        with pytest.raises(st.ReadOnlyError):
            st.create_draft(store, signed("nurse"), visit_doc(), patient_id=1)
    assert hashlib.sha256(read_only_file.read_bytes()).hexdigest() == digest


@pytest.mark.sqlite_only
def test_a_full_database_refuses_the_save_and_keeps_everything_else(store, setup):
    """PRAGMA max_page_count caps the file: SQLite then fails exactly as on a full disk."""
    patient, _, auth, lot = setup
    kept = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    waiting = [st.create_draft(store, signed("nurse"), visit_doc(day=f"2026-04-{d:02d}"),
                               patient_id=patient.id).visit_id for d in range(1, 29)]
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = visit_doc(day="2026-04-01")
    big["note"] = "y" * 200_000
    with pytest.raises(st.DiskFullError, match="is full: the change was not saved"):
        st.create_draft(store, signed("nurse"), big, patient_id=patient.id)
    assert st.count_visits(store, signed()) == 29
    filler = visit_doc(day="2026-05-01")
    with pytest.raises(st.DiskFullError):  # use up the free space left in the pages
        for _ in range(1000):
            st.create_draft(store, signed("nurse"), filler, patient_id=patient.id)
    # Finalizing when the disk fills up fails whole: still a draft, nothing taken.
    failed = None
    for visit_id in waiting:
        try:
            st.finalize_visit(store, signed("biller"), visit_id, allow_errors=True,
                              expected_revision=1)
        except st.DiskFullError:
            failed = visit_id
            break
    assert failed is not None
    assert st.get_visit(store, signed(), failed).status == "draft"
    assert not store.conn.execute("SELECT 1 FROM vial_uses WHERE visit_id = ?",
                                  (failed,)).fetchone()
    finalized = st.count_visits(store, signed(), status="finalized")
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 10 - 2 * finalized
    assert st.get_authorization(store, signed(), auth.id).used_units == 600 * finalized
    assert len(st.audit_entries(store, signed(), "visit", failed)) == 1  # its creation only
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert st.create_draft(store, signed("nurse"), big, patient_id=patient.id).saved
    assert st.finalize_visit(store, signed("biller"), failed, allow_errors=True,
                             expected_revision=1).visit.finalized
    assert st.get_visit(store, signed(), kept.visit_id).document == visit_doc()
    assert st.check_database(store, signed()).ok


FILL_TMPFS = """
    import json, sys
    from staff import signed
    from store_helpers import populated, visit_doc
    from ocrebill_gui import store as st
    db = sys.argv[1]
    saved, error = {}, None
    with st.open_store(db) as store:
        patient = populated(store)[0]
        for n in range(10_000):
            doc = visit_doc()
            doc["note"] = f"{n} " + "z" * 30_000
            try:
                draft = st.create_draft(store, signed("nurse"), doc, patient_id=patient.id)
                saved[draft.visit_id] = n
            except st.StoreError as exc:
                error = [type(exc).__name__, str(exc)]
                break
    with st.open_store(db, read_only=True) as store:
        found = {v: int(st.get_visit(store, signed(), v).document["note"].split()[0])
                 for v in saved}
        report = st.check_database(store, signed())
    print(json.dumps({"error": error, "saved": len(saved), "same": found == saved,
                      "ok": report.ok}))
"""


def test_a_really_full_disk_gives_a_clear_error_and_loses_nothing(tmp_path):
    """An 8 MiB tmpfs in a private mount namespace (unshare): the disk really fills up."""
    if shutil.which("unshare") is None or sys.platform != "linux":
        pytest.skip("needs unshare(1) on Linux for a private tmpfs")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces unavailable: {probe.stderr.decode().strip()}")
    disk = tmp_path / "small-disk"
    disk.mkdir()
    code = textwrap.dedent(FILL_TMPFS)
    script = (f'mount -t tmpfs -o size=8m tmpfs "{disk}" && '
              f'exec "{PYTHON}" -c "$0" "{disk}/full.sqlite"')
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script, code], env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["error"][0] == "DiskFullError", report
    assert "is full: the change was not saved and nothing was lost" in report["error"][1]
    assert report["saved"] > 3 and report["same"] and report["ok"]
