"""Who else works on the database (store/presence.py), on both backends: other apps counted
while their heartbeat is fresh, a visit's lease held by the first app and taken over once it
closes the visit or goes stale, and the change mark that tells lists to refresh."""

from __future__ import annotations

from datetime import timedelta

from staff import signed
from store_helpers import TickingClock

from ocrebill_gui import store as st
from ocrebill_gui.store import presence
from ocrebill_gui.store.audit import record_read
from ocrebill_gui.store.presence import Me


def _two(where, clock):
    return (st.open_store(where, clock=clock), st.open_store(where, clock=clock))


DESK = Me("s-desk", "FRONTDESK-2", "ana", "Ana Rivera")
CHAIR = Me("s-chair", "CHAIR-4", "kim", "Kim Lee")


def test_other_workstations_count_while_their_heartbeat_is_fresh(where):
    clock = TickingClock()
    desk, chair = _two(where, clock)
    with desk, chair:
        presence.heartbeat(desk, DESK)
        assert presence.others(chair, CHAIR.session_id)[0].workstation == "FRONTDESK-2"
        presence.heartbeat(chair, CHAIR)
        assert [p.display_name for p in presence.others(desk, DESK.session_id)] == ["Kim Lee"]
        clock.advance(timedelta(seconds=presence.STALE + 1))
        presence.heartbeat(chair, CHAIR)  # the desk went quiet (crashed, unplugged)
        assert presence.others(chair, CHAIR.session_id) == []
        presence.heartbeat(desk, DESK)
        presence.leave(desk, DESK.session_id)
        assert presence.others(chair, CHAIR.session_id) == []


def test_a_visit_is_leased_to_the_first_app_until_it_lets_go(where):
    clock = TickingClock()
    desk, chair = _two(where, clock)
    with desk, chair:
        assert presence.take_lease(desk, 7, DESK) is None
        assert presence.take_lease(desk, 7, DESK) is None  # its own: kept
        holder = presence.take_lease(chair, 7, CHAIR)
        assert (holder.workstation, holder.display_name) == ("FRONTDESK-2", "Ana Rivera")
        assert presence.lease_holder(desk, 7, DESK.session_id) is None  # not someone else
        presence.release_lease(desk, 7, DESK.session_id)
        assert presence.take_lease(chair, 7, CHAIR) is None
        assert presence.lease_holder(desk, 7, DESK.session_id).workstation == "CHAIR-4"
        # a holder that stops its heartbeat loses the lease after STALE seconds
        clock.advance(timedelta(seconds=presence.STALE - 5))
        presence.heartbeat(chair, CHAIR)
        clock.advance(timedelta(seconds=10))
        assert presence.take_lease(desk, 7, DESK) is not None  # renewed 10 s ago
        clock.advance(timedelta(seconds=presence.STALE))
        assert presence.take_lease(desk, 7, DESK) is None


def test_the_change_mark_moves_with_writes_not_with_reads(where):
    desk, chair = _two(where, TickingClock())
    with desk, chair:
        mark = presence.change_mark(chair)
        patient = st.add_patient(desk, signed("frontdesk"), {"name": "Rivera, Ana"})
        assert presence.change_mark(chair) > mark
        assert presence.changed_since(chair, mark) == {"patient"}
        mark = presence.change_mark(chair)
        record_read(desk, signed("frontdesk"), "patient", patient.id, "view")
        assert presence.changed_since(chair, mark) == set()  # a read is not a change
        presence.heartbeat(desk, DESK)
        presence.take_lease(desk, 1, DESK)
        assert presence.changed_since(chair, mark) == set()  # nor is presence
