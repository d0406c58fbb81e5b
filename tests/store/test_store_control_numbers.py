"""X12 control numbers kept in the database (issue 15), on both backends: handed out in order,
kept across reopening, never the same number twice even with exports running at once, only
to someone allowed to export, and refused (not wrapped around) once nine digits are used."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.core.x12 import InterchangeSettings
from ocrebill_gui.core.x12.envelope import envelope
from ocrebill_gui.store.accounts import NotAllowed
from ocrebill_gui.store.db import writing

BILLER = signed("biller", ("biller",))
NURSE = signed("nurse", ("nurse",))


def test_numbers_go_up_per_kind_and_survive_reopening(store, where):
    numbers = st.StoreControlNumbers(store, BILLER)
    assert [numbers.next_interchange(), numbers.next_interchange()] == [1, 2]
    assert [numbers.next_group(), numbers.next_transaction(), numbers.next_transaction()] \
        == [1, 1, 2]
    store.close()
    again = st.open_store(where)
    try:
        numbers = st.StoreControlNumbers(again, BILLER)
        assert (numbers.next_interchange(), numbers.next_group(),
                numbers.next_transaction()) == (3, 2, 3)
        assert again.conn.execute("SELECT changed_by FROM control_numbers WHERE kind = 'isa'"
                                  ).fetchone()[0] == "biller"
    finally:
        again.close()


def test_concurrent_exports_never_share_a_number(store, where):
    taken: list[tuple[int, int, int]] = []
    failures: list[BaseException] = []

    def export() -> None:
        other = st.open_store(where)
        try:
            numbers = st.StoreControlNumbers(other, BILLER)
            for _ in range(15):
                taken.append((numbers.next_interchange(), numbers.next_group(),
                              numbers.next_transaction()))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            other.close()

    threads = [threading.Thread(target=export) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures
    assert len(taken) == 60
    for kind in range(3):
        assert sorted(t[kind] for t in taken) == list(range(1, 61))


def test_a_file_written_with_store_numbers_carries_them(store):
    settings = InterchangeSettings(sender_id="OCRE", receiver_id="CLEARING",
                                   submitter_name="Clinic", submitter_id="OCRE",
                                   contact_name="Biller", contact_phone="5550100",
                                   receiver_name="Clearinghouse")
    st.take_control_number(store, BILLER, "isa")  # 1 went into an earlier file
    segments = envelope([[("BHT", "0019")]], settings, st.StoreControlNumbers(store, BILLER),
                        datetime(2026, 3, 4, 9, 30), "005010X222A1")
    isa, gs, st_, *_rest, ge, iea = segments
    assert (isa[13], gs[6], st_[2], ge[2], iea[2]) == ("000000002", "1", "0001", "1",
                                                       "000000002")


def test_only_someone_allowed_to_export_takes_numbers(store):
    with pytest.raises(NotAllowed):
        st.StoreControlNumbers(store, NURSE)
    with pytest.raises(NotAllowed):
        st.take_control_number(store, NURSE, "isa")
    assert store.conn.execute("SELECT count(*) FROM control_numbers").fetchone()[0] == 0


def test_an_unknown_kind_is_named(store):
    with pytest.raises(st.InvalidRecord) as refused:
        st.take_control_number(store, BILLER, "iea")
    assert dict(refused.value.problems) == {"kind": "must be isa, gs or st"}


def test_the_last_nine_digit_number_is_never_wrapped_around(store):
    numbers = st.StoreControlNumbers(store, BILLER)
    numbers.next_group()
    with writing(store):
        store.conn.execute("UPDATE control_numbers SET last_used = 999999998 "
                           "WHERE kind = 'gs'")
    assert numbers.next_group() == 999_999_999
    with pytest.raises(st.StoreError, match="every group \\(GS06\\) control number"):
        numbers.next_group()
    assert numbers.next_interchange() == 1
