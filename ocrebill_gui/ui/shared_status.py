"""The app knows it is shared (store/presence.py): several workstations on one server, or two
OcreBill windows on one file.

`SharedWatch` belongs to the main window. Once someone has signed in it polls the database
every POLL_MS (one or two single-row reads) and:

- shows in the status bar where the practice lives (a server: its database and host, never a
  password) and how many other workstations are connected (a heartbeat each, every
  presence.HEARTBEAT seconds; the names in the tooltip);
- refreshes the lists (Today, Patients, Inventory: the one in front now, the others when next
  shown) when another workstation wrote something (the audit chain's head moved);
- leases each open visit to this app, and puts a banner over a visit's tab that another
  workstation has open: "Open at FRONTDESK-2 by Ana Rivera since 10:42: your changes may be
  refused" (the store's revision check refuses a save based on an older revision). The lease
  is let go when the tab closes, and taken as soon as the other side lets go.

A database that cannot be reached for a moment is not an error here: the status bar says so and
the polls come less often (up to once a minute) until it answers again.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from ocrebill_gui.ui.qt import QLabel, QObject, Qt, QTimer, QVBoxLayout, QWidget
from ocrebill_gui.ui.style import set_role

if TYPE_CHECKING:
    from ocrebill_gui.store.presence import Me, Presence
    from ocrebill_gui.ui.main_window import MainWindow

POLL_MS = 2000
MAX_POLL_MS = 60_000
NOT_IN_LISTS = {"user"}  # sign-ins and accounts: no list shows them
BANNER = "leaseBanner"


class SharedWatch(QObject):
    def __init__(self, window: MainWindow, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(window)
        from ocrebill_gui.store.presence import workstation_name

        self.window = window
        self.session_id = uuid.uuid4().hex
        self.workstation = workstation_name()
        self.label = QLabel()
        self.label.setObjectName("sharedStatus")
        self.label.setContentsMargins(0, 0, 12, 0)  # apart from "Signed in as ..."
        self.label.hide()
        window.statusBar().insertPermanentWidget(0, self.label)
        self.poll_ms = poll_ms
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        self._mark: int | None = None
        self._held: set[int] = set()
        self._last_beat = 0.0
        self.refreshes = 0  # lists refreshed for another workstation's change
        window.session_started.connect(self.start)

    @property
    def me(self) -> Me:
        from ocrebill_gui.store.presence import Me

        session = self.window.session
        assert session is not None
        return Me(self.session_id, self.workstation, session.login, session.display_name)

    def start(self) -> None:
        """Someone signed in: announce this workstation and start polling."""
        self._last_beat = 0.0
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        """The window closes: this workstation and its leases go at once."""
        from ocrebill_gui.store import StoreError
        from ocrebill_gui.store.presence import leave

        self.timer.stop()
        store = self.window.store
        if store is None or self.window.session is None:
            return
        try:
            leave(store, self.session_id)
        except StoreError:
            pass  # stale in presence.STALE seconds anyway
        self._held.clear()

    def poll(self) -> None:
        import sqlite3

        from ocrebill_gui.store import StoreError

        if self.window.store is None or self.window.session is None:
            return
        try:
            self._poll()
        except (StoreError, sqlite3.Error):  # busy, unreachable, or closed under us
            self.label.setText(self._where() + " \u00b7 not reachable, trying again")
            self.label.show()
            # a server that does not answer holds each try up to its connect timeout: try
            # less often (up to once a minute) until it answers again
            self.timer.setInterval(min(self.timer.interval() * 2, MAX_POLL_MS))
            return
        self.timer.setInterval(self.poll_ms)

    def _poll(self) -> None:
        from ocrebill_gui.store import presence

        store = self.window.store
        assert store is not None, "poll() looked"
        if time.monotonic() - self._last_beat >= presence.HEARTBEAT:
            presence.heartbeat(store, self.me)
            self._last_beat = time.monotonic()
        mark = presence.change_mark(store)
        if self._mark is not None and mark != self._mark and not self.window.locked \
                and presence.changed_since(store, self._mark) - NOT_IN_LISTS:
            self.refreshes += 1
            self.window.refresh_lists()
        self._mark = mark
        if not self.window.locked:
            self._leases()
        self._show(presence.others(store, self.session_id))

    # -- the status bar -----------------------------------------------------------------

    def _where(self) -> str:
        from pathlib import Path

        store = self.window.store
        assert store is not None, "asked while polling it"
        path = store.path
        return f"File {path.name}" if isinstance(path, Path) else f"Server: {path.name}"

    def _show(self, others: list[Presence]) -> None:
        from pathlib import Path

        store = self.window.store
        assert store is not None, "shown while polling it"
        on_file = isinstance(store.path, Path)
        count = len({(p.workstation, p.login) for p in others})
        if on_file and not count:
            self.label.clear()
            self.label.hide()  # one PC, one app: nothing to say
            return
        if count:
            text = f"{count} other workstation{'s' if count != 1 else ''} connected"
        else:
            text = "no other workstation connected"
        self.label.setText(f"{self._where()} \u00b7 {text}")
        names = "\n".join(f"{p.workstation}: {p.display_name}" for p in others)
        self.label.setToolTip(f"{store.path}" + (f"\n{names}" if names else ""))
        self.label.show()

    # -- leases -------------------------------------------------------------------------

    def _leases(self) -> None:
        from ocrebill_gui.store import presence

        store, tabs = self.window.store, {}
        assert store is not None, "_poll()'s"
        if self.window.visit_window is not None:
            for tab in self.window.visit_window.visit_tabs():
                editor_id = getattr(tab.editor, "visit_id", None) if tab.editor else None
                visit_id = editor_id if editor_id is not None else tab.visit_id
                if visit_id is not None:
                    tabs[visit_id] = tab
        for visit_id in self._held - tabs.keys():
            presence.release_lease(store, visit_id, self.session_id)
            self._held.discard(visit_id)
        for visit_id, tab in tabs.items():
            holder = None if visit_id in self._held else presence.take_lease(
                store, visit_id, self.me)
            if holder is None:
                self._held.add(visit_id)
            show_banner(tab, holder)


def show_banner(tab: QWidget, holder: Presence | None) -> QLabel | None:
    """The banner over a visit's tab saying who else has it open (hidden when nobody)."""
    banner = tab.findChild(QLabel, BANNER, Qt.FindChildOption.FindDirectChildrenOnly)
    if holder is None:
        if banner is not None:
            banner.hide()
        return banner
    if banner is None:
        banner = QLabel()
        banner.setObjectName(BANNER)
        banner.setWordWrap(True)
        banner.setContentsMargins(8, 4, 8, 4)
        set_role(banner, "banner-warning")
        layout = tab.layout()
        assert isinstance(layout, QVBoxLayout), "a visit tab's"
        layout.insertWidget(0, banner)
    since = datetime.fromisoformat(holder.since).astimezone().strftime("%H:%M")
    banner.setText(f"Open at {holder.workstation} by {holder.display_name} since {since}: "
                   "your changes may be refused")
    banner.show()
    return banner
