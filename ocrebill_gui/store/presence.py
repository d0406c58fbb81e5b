"""Who else works on this practice's database now: workstations, leases on open visits, and a
change mark for lists to refresh. The same on both backends (a server, or two OcreBill
processes on one file); no Qt.

- **Workstations.** Each running app (one `session_id` per window) keeps a row in
  `workstations` with its workstation name (the computer's, or $OCREBILL_WORKSTATION), who is
  signed in, and a heartbeat it renews every HEARTBEAT seconds. A row whose heartbeat is older
  than STALE is gone (the app crashed, the network went): it no longer counts.
- **Leases.** A visit open in an app is leased to it (`visit_leases`: visit id, session,
  workstation, who, since, heartbeat, renewed with the workstation's). Another app opening the
  visit finds the lease and says who has it; it takes the lease over once the holder closes
  the visit or goes stale. A lease is advice, not a lock: the store's revision check still
  refuses a save based on an older revision (VisitChanged).
- **Changes.** Every write the store makes appends to the audit log in its transaction, and
  `audit_head.last_id` moves with it: `change_mark` is that number (one indexed row, cheap to
  poll), and `changed_since` names the kinds of record written after a mark (reads that are
  audited, such as opening a visit, are not changes).

Presence is not patient data and is not audited: staff names and computer names only.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from ocrebill_gui.store.db import Store, writing

HEARTBEAT = 30  # seconds between renewals
STALE = 120  # seconds without a heartbeat: gone
READ_ACTIONS = ("open", "view", "print", "export")  # audited reads, not changes
WORKSTATION_VAR = "OCREBILL_WORKSTATION"


def workstation_name() -> str:
    """This computer as other workstations see it: $OCREBILL_WORKSTATION, else its name."""
    name = os.environ.get(WORKSTATION_VAR, "").strip() or socket.gethostname() or "this PC"
    return name[:60]


@dataclass(frozen=True)
class Presence:
    """Another app on the database, or the holder of a lease."""

    workstation: str
    login: str
    display_name: str
    since: str  # UTC ISO time: started, or leased


@dataclass(frozen=True)
class Me:
    """This app, as it appears to the others."""

    session_id: str
    workstation: str
    login: str
    display_name: str


def _now(store: Store) -> str:
    """The time presence is stamped with: on a server the server's clock, so that the
    workstations' clocks, set or not, never make one another look stale; on a file (one PC)
    the store's."""
    if getattr(store.db, "dialect", "sqlite") == "postgresql":
        return store.conn.execute("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                                  "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"+00:00\"')").fetchone()[0]
    return store.now()


def _cutoff(now: str) -> str:
    return (datetime.fromisoformat(now) - timedelta(seconds=STALE)).isoformat(
        timespec="milliseconds")


def heartbeat(store: Store, me: Me) -> None:
    """This app is here (its row made or renewed), its leases renewed, and what went stale
    cleared. Nothing on a read-only database."""
    if store.read_only:
        return
    now = _now(store)
    cutoff = _cutoff(now)
    with writing(store):
        conn = store.conn
        conn.execute("DELETE FROM workstations WHERE heartbeat < ?", [cutoff])
        conn.execute("DELETE FROM visit_leases WHERE heartbeat < ?", [cutoff])
        conn.execute("INSERT INTO workstations (session_id, workstation, login, display_name, "
                     "started_at, heartbeat) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) "
                     "DO UPDATE SET workstation = excluded.workstation, login = excluded.login, "
                     "display_name = excluded.display_name, heartbeat = excluded.heartbeat",
                     [me.session_id, me.workstation, me.login, me.display_name, now, now])
        conn.execute("UPDATE visit_leases SET heartbeat = ? WHERE session_id = ?",
                     [now, me.session_id])


def leave(store: Store, session_id: str) -> None:
    """This app is closing: its row and its leases go at once."""
    if store.read_only:
        return
    with writing(store):
        store.conn.execute("DELETE FROM visit_leases WHERE session_id = ?", [session_id])
        store.conn.execute("DELETE FROM workstations WHERE session_id = ?", [session_id])


def others(store: Store, session_id: str) -> list[Presence]:
    """The other apps with a fresh heartbeat, by workstation."""
    rows = store.conn.execute(
        "SELECT workstation, login, display_name, started_at FROM workstations "
        "WHERE session_id <> ? AND heartbeat >= ? ORDER BY workstation, login",
        [session_id, _cutoff(_now(store))]).fetchall()
    return [Presence(*row) for row in rows]


def lease_holder(store: Store, visit_id: int, session_id: str) -> Presence | None:
    """Who else has the visit open (a fresh lease of another app), or None."""
    row = store.conn.execute(
        "SELECT workstation, login, display_name, since FROM visit_leases WHERE visit_id = ? "
        "AND session_id <> ? AND heartbeat >= ?",
        [visit_id, session_id, _cutoff(_now(store))]).fetchone()
    return Presence(*row) if row else None


def take_lease(store: Store, visit_id: int, me: Me) -> Presence | None:
    """Lease the visit to this app, unless another app holds it: then its holder (nothing
    written). Read first, so that a visit held elsewhere costs no write transaction."""
    holder = lease_holder(store, visit_id, me.session_id)
    if holder is not None or store.read_only:
        return holder
    now = _now(store)
    with writing(store):
        holder = lease_holder(store, visit_id, me.session_id)  # again, inside the lock
        if holder is not None:
            return holder
        store.conn.execute(
            "INSERT INTO visit_leases (visit_id, session_id, workstation, login, display_name, "
            "since, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (visit_id) DO UPDATE "
            "SET session_id = excluded.session_id, workstation = excluded.workstation, "
            "login = excluded.login, display_name = excluded.display_name, since = CASE WHEN "
            "visit_leases.session_id = excluded.session_id THEN visit_leases.since ELSE "
            "excluded.since END, heartbeat = excluded.heartbeat",
            [visit_id, me.session_id, me.workstation, me.login, me.display_name, now, now])
    return None


def release_lease(store: Store, visit_id: int, session_id: str) -> None:
    if store.read_only:
        return
    with writing(store):
        store.conn.execute("DELETE FROM visit_leases WHERE visit_id = ? AND session_id = ?",
                           [visit_id, session_id])


def change_mark(store: Store) -> int:
    """A number that grows with every write to the database (the audit chain's head)."""
    row = store.conn.execute("SELECT last_id FROM audit_head WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def changed_since(store: Store, mark: int) -> set[str]:
    """The kinds of record written after `mark` (audit entities: visit, patient, ...)."""
    marks = ", ".join("?" for _ in READ_ACTIONS)
    return {row[0] for row in store.conn.execute(
        f"SELECT DISTINCT entity FROM audit_log WHERE id > ? AND action NOT IN ({marks})",
        [mark, *READ_ACTIONS]).fetchall()}
