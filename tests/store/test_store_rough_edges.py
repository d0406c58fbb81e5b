"""Rough edges of a shared store (issue 12): two workstations creating the tables of one empty
server database at the same instant, a NUL character typed into a field (refused by the
store's input checks in the same words on a file and on a server), and copying a practice off
a server without holding whole tables in memory."""

from __future__ import annotations

import subprocess
import textwrap

import pytest
from staff import signed
from store_helpers import PYTHON, TickingClock, populated, script_env, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store import server
from ocrebill_gui.store.migrations import SCHEMA_VERSION
from ocrebill_gui.store.server_copy import copy_database, table_counts

NUL = "\x00"

# argv: database URL, go-file. Opens the database once released; prints "ok" or the error.
OPENER = """
    import os, sys, time
    from ocrebill_gui import store as st
    url, go = sys.argv[1:]
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    try:
        st.open_store(url).close()
        print("ok", flush=True)
    except st.StoreError as exc:
        print(f"error: {exc}", flush=True)
"""


@pytest.mark.slow
def test_two_workstations_opening_an_empty_server_database_at_once(pg_server, tmp_path):
    for attempt in range(4):
        name = f"empty{attempt}"
        url = pg_server.create_database(name)  # no tables at all
        go = tmp_path / f"go{attempt}"
        try:
            procs = [subprocess.Popen([PYTHON, "-c", textwrap.dedent(OPENER), url, str(go)],
                                      env=script_env(), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
            for proc in procs:
                assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
            go.touch()
            said = [proc.communicate(timeout=120) for proc in procs]
            assert [out.strip() for out, _err in said] == ["ok", "ok"], said
            with st.open_store(url) as store:
                assert server.schema_version(store.db) == SCHEMA_VERSION
                assert st.check_database(store, signed()).ok
        finally:
            pg_server.drop_database(name)


def test_tables_committed_between_two_reads_are_read_again_inside_the_lock(pg_server,
                                                                         monkeypatch):
    """The instant the race above hits at random, made certain: the opener reads 'no version'
    just before the other workstation commits the tables, then finds tables. Read again
    inside the writers' lock they are OcreBill's, not another program's."""
    url = pg_server.create_database("racing")
    real = server.schema_version
    reads = []

    def version_then_other_workstation(db):
        version = real(db)
        reads.append(version)
        if len(reads) == 1:
            monkeypatch.setattr(server, "schema_version", real)  # the other workstation's
            st.open_store(url).close()  # creates and commits the schema
            monkeypatch.setattr(server, "schema_version", version_then_other_workstation)
        return version

    monkeypatch.setattr(server, "schema_version", version_then_other_workstation)
    try:
        with st.open_store(url) as store:
            assert reads[0] == 0 and reads[-1] == SCHEMA_VERSION
            assert st.count_patients(store, signed()) == 0
    finally:
        pg_server.drop_database("racing")


def test_another_programs_tables_are_still_refused_after_the_second_read(pg_server):
    import psycopg

    url = pg_server.create_database("other_program")
    try:
        with psycopg.connect(url, autocommit=True) as other:
            other.execute("CREATE TABLE recipes (name text)")
        for read_only in (False, True):
            with pytest.raises(st.UnreadableDatabase, match="tables of another program"):
                st.open_store(url, read_only=read_only)
    finally:
        pg_server.drop_database("other_program")


# --------------------------------------------------------------------------- NUL characters


@pytest.mark.parametrize("field", ["name", "address", "mrn"])
def test_a_nul_in_a_patient_field_is_refused_naming_the_field(store, field):
    values = {"name": "Rivera, Ana", "address": "1 Main St", "mrn": "MRN-7"}
    values[field] = values[field][:3] + NUL + values[field][3:]
    with pytest.raises(st.InvalidRecord) as refused:
        st.add_patient(store, signed("frontdesk"), values)
    assert refused.value.problems == [(field, "must not contain the control character U+0000 "
                                              "(NUL)")]
    assert st.count_patients(store, signed()) == 0


def test_tabs_and_line_breaks_stay_other_control_characters_are_refused(store):
    patient = st.add_patient(store, signed("frontdesk"),
                             {"name": "Rivera, Ana", "address": "1 Main St\nApt 2\tBack"})
    assert st.get_patient(store, signed(), patient.id).address == "1 Main St\nApt 2\tBack"
    with pytest.raises(st.InvalidRecord, match=r"phone: .*U\+001B"):
        st.add_patient(store, signed("frontdesk"), {"name": "Lee, Bo", "phone": "555\x1b1"})


def test_a_nul_in_other_records_and_in_a_reason_is_refused_in_words(store):
    patient, coverage, _auth, _lot = populated(store)
    with pytest.raises(st.InvalidRecord, match=r"^member_id: .*\(NUL\)$"):
        st.add_coverage(store, signed("frontdesk"), {
            "patient_id": patient.id, "payer": "aetna", "member_id": "W12" + NUL,
            "effective_from": "2021-01-01"})
    with pytest.raises(st.InvalidRecord, match=r"^lot: .*\(NUL\)$"):
        st.add_vial_lot(store, signed("nurse"), {
            "product": "ocrevus", "ndc": "50242-0150-01", "lot": "H9" + NUL,
            "expires": "2027-08-31", "received": "2026-01-02", "received_vials": 1})
    draft = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=patient.id)
    done = st.finalize_visit(store, signed("biller"), draft.visit_id,
                             expected_revision=draft.revision)
    with pytest.raises(st.InvalidRecord, match=r"^reason: .*\(NUL\)$"):
        st.reopen_visit(store, signed("biller"), draft.visit_id, "wrong" + NUL,
                        expected_revision=done.visit.revision)
    assert st.get_visit(store, signed(), draft.visit_id).status == "finalized"
    assert st.check_database(store, signed()).ok


def test_a_nul_typed_into_the_search_finds_what_the_text_without_it_finds(store):
    populated(store)
    assert [p.name for p in st.search_patients(store, signed(), "mül" + NUL)] == ["Müller, Ada"]
    assert st.search_patients(store, signed(), NUL) == []


# --------------------------------------------------------------------- copying off a server


def test_copying_off_a_server_streams_the_rows(pg_url, tmp_path, monkeypatch):
    """Every table comes off the server in chunks: no statement of the copy is read whole."""
    import psycopg

    with st.open_store(pg_url, clock=TickingClock()) as source:
        patient, *_ = populated(source)
        for day in ("2026-03-04", "2026-03-05"):
            st.create_draft(source, signed("nurse"), visit_doc(day=day), patient_id=patient.id)
        expected = table_counts(source)

        def whole(*_args, **_kwargs):
            raise AssertionError("a table was read whole off the server")

        with monkeypatch.context() as patched:
            patched.setattr(psycopg.Cursor, "fetchall", whole)
            with st.open_store(tmp_path / "copy.sqlite") as target:
                copied = copy_database(source, target)
        assert copied == expected
    with st.open_store(tmp_path / "copy.sqlite") as target:
        assert table_counts(target) == expected
        assert st.check_database(target, signed()).ok
