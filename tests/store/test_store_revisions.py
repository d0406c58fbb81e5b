"""No lost updates: every write to a visit names the revision it is based on, and a write based
on an older one than the saved one is refused (VisitChanged), never saved over another's."""

from __future__ import annotations

import threading

import pytest
from staff import signed
from store_helpers import TickingClock, visit_doc

from ocrebill_gui import store as st

ROUNDS = 30  # two writers: 60 edits


def test_two_writers_on_one_file_lose_no_edit(store, setup):
    """Two Store objects (two connections, as two workstations or windows) edit one draft at
    once: in each round both read the visit, then both save an edit of what they read. One
    saves, the other is refused as stale; whatever was reported saved is in the visit."""
    db_path = store.path
    first = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=1)
    both_read, both_wrote = threading.Barrier(2, timeout=30), threading.Barrier(2, timeout=30)
    outcomes: dict[str, list[tuple[str, str]]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with st.open_store(db_path, clock=TickingClock()) as store:
                for n in range(ROUNDS):
                    visit = st.get_visit(store, signed(), first.visit_id)
                    document = {**visit.document,
                                "note": visit.document.get("note", "") + f" {name}{n}"}
                    both_read.wait()
                    try:
                        st.save_draft(store, signed(name), document, visit_id=first.visit_id,
                                      expected_revision=visit.revision)
                        outcomes[name].append(("saved", f"{name}{n}"))
                    except st.VisitChanged:
                        outcomes[name].append(("stale", f"{name}{n}"))
                    both_wrote.wait()
        except BaseException as exc:  # shown by the test, not lost in the thread
            errors.append(exc)
            both_read.abort()
            both_wrote.abort()

    for name in outcomes:
        signed(name)  # before the threads start: each then only writes
    threads = [threading.Thread(target=writer, args=(name,)) for name in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    results = outcomes["a"] + outcomes["b"]
    saved = [edit for what, edit in results if what == "saved"]
    stale = [edit for what, edit in results if what == "stale"]
    assert len(results) == 2 * ROUNDS
    assert (len(saved), len(stale)) == (ROUNDS, ROUNDS)  # one of each pair, every round
    with st.open_store(db_path, read_only=True) as store:
        visit = st.get_visit(store, signed(), first.visit_id)
    landed = visit.document["note"].split()
    assert sorted(landed) == sorted(saved), "every edit reported saved is there, no other"
    assert visit.revision == 1 + ROUNDS


def test_a_write_names_the_revision_it_is_based_on(store, setup):
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=1)
    with pytest.raises(TypeError, match="expected_revision"):
        st.save_draft(store, signed("nurse"), visit_doc(), visit_id=saved.visit_id)  # type: ignore
    with pytest.raises(TypeError, match="expected_revision"):
        st.save_draft(store, signed("nurse"), visit_doc(), visit_id=saved.visit_id,
                      expected_revision=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected_revision"):
        st.finalize_visit(store, signed("biller"), saved.visit_id)  # type: ignore[call-arg]
    assert st.get_visit(store, signed(), saved.visit_id).revision == 1


def test_finalize_amend_reopen_and_discard_refuse_a_stale_revision(store, setup):
    _patient, _coverage, auth, lot = setup
    saved = st.create_draft(store, signed("nurse"), visit_doc(), patient_id=1)
    edited = st.save_draft(store, signed("nurse"), visit_doc(dose=300), visit_id=saved.visit_id,
                           expected_revision=saved.revision)
    for stale_write in (
            lambda: st.finalize_visit(store, signed("biller"), saved.visit_id,
                                      expected_revision=saved.revision),
            lambda: st.discard_draft(store, signed("nurse"), saved.visit_id,
                                     expected_revision=saved.revision)):
        with pytest.raises(st.VisitChanged, match="reload it"):
            stale_write()
    assert st.get_visit(store, signed(), saved.visit_id).status == "draft"
    final = st.finalize_visit(store, signed("biller"), saved.visit_id,
                              expected_revision=edited.revision).visit
    for stale_write in (
            lambda: st.amend_visit(store, signed("biller"), saved.visit_id, visit_doc(), "dose",
                                   expected_revision=edited.revision),
            lambda: st.reopen_visit(store, signed("biller"), saved.visit_id, "wrong patient",
                                    expected_revision=edited.revision)):
        with pytest.raises(st.VisitChanged, match="reload it"):
            stale_write()
    assert st.get_visit(store, signed(), saved.visit_id) == final  # nothing changed
    assert st.get_vial_lot(store, signed(), lot.id).on_hand == 9
    assert st.get_authorization(store, signed(), auth.id).remaining_units == 900
    assert [a.kind for a in st.visit_amendments(store, signed(), saved.visit_id)] == []
