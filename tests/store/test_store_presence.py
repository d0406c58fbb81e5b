"""Who else works on the database (store/presence.py), on both backends: other apps counted
while their heartbeat is fresh, a visit's lease held by the first app and taken over once it
closes the visit or goes stale, and the change mark that tells lists to refresh."""

from __future__ import annotations

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


STALE_TIME = "2000-01-01T00:00:00.000+00:00"


def _goes_quiet(store, me: Me) -> None:
    """`me` stopped renewing long ago (a crash, a cable out): its rows' heartbeat is old."""
    from ocrebill_gui.store.db import writing

    with writing(store):
        for table in ("workstations", "visit_leases"):
            store.conn.execute(f"UPDATE {table} SET heartbeat = ? WHERE session_id = ?",
                               [STALE_TIME, me.session_id])


def test_other_workstations_count_while_their_heartbeat_is_fresh(where):
    desk, chair = _two(where, TickingClock())
    with desk, chair:
        presence.heartbeat(desk, DESK)
        assert presence.others(chair, CHAIR.session_id)[0].workstation == "FRONTDESK-2"
        presence.heartbeat(chair, CHAIR)
        assert [p.display_name for p in presence.others(desk, DESK.session_id)] == ["Kim Lee"]
        _goes_quiet(desk, DESK)
        assert presence.others(chair, CHAIR.session_id) == []
        presence.heartbeat(chair, CHAIR)  # and its row is cleared
        assert desk.conn.execute("SELECT count(*) FROM workstations").fetchone()[0] == 1
        presence.heartbeat(desk, DESK)
        presence.leave(desk, DESK.session_id)
        assert presence.others(chair, CHAIR.session_id) == []


def test_a_visit_is_leased_to_the_first_app_until_it_lets_go(where):
    desk, chair = _two(where, TickingClock())
    with desk, chair:
        assert presence.take_lease(desk, 7, DESK) is None
        assert presence.take_lease(desk, 7, DESK) is None  # its own: kept
        holder = presence.take_lease(chair, 7, CHAIR)
        assert (holder.workstation, holder.display_name) == ("FRONTDESK-2", "Ana Rivera")
        assert presence.lease_holder(desk, 7, DESK.session_id) is None  # not someone else
        presence.release_lease(desk, 7, DESK.session_id)
        assert presence.take_lease(chair, 7, CHAIR) is None
        assert presence.lease_holder(desk, 7, DESK.session_id).workstation == "CHAIR-4"
        presence.heartbeat(chair, CHAIR)  # renewed: still the chair's
        assert presence.take_lease(desk, 7, DESK) is not None
        _goes_quiet(chair, CHAIR)  # a holder that stops renewing loses the lease
        assert presence.take_lease(desk, 7, DESK) is None
        assert presence.lease_holder(chair, 7, CHAIR.session_id).workstation == "FRONTDESK-2"


def test_on_a_server_presence_keeps_the_servers_time(pg_url):
    """A workstation whose clock is hours off is neither stale nor fresh for ever."""
    from datetime import UTC, datetime

    wrong = TickingClock(datetime(2020, 1, 1, tzinfo=UTC))
    with st.open_store(pg_url, clock=wrong) as desk, st.open_store(pg_url) as chair:
        presence.heartbeat(desk, DESK)
        assert [p.workstation for p in presence.others(chair, CHAIR.session_id)] == [
            "FRONTDESK-2"]
        started = desk.conn.execute("SELECT started_at FROM workstations").fetchone()[0]
        assert started.startswith(str(datetime.now(UTC).year))


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
