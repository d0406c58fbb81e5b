"""The main window: a toolbar (New visit, the four screens, Find patient) over the current
screen. It opens in steps so the first paint is quick: the frame is shown at once, then
`attach_store` shows the sign-in once the database is open, and the screens come once someone
has signed in. Screens other than Today are built the first time they are shown; the visit
editor is imported on the first visit opened, in the visit window (one tab per open visit).

Signed in, the screens follow the session's roles (ui/permissions.py). After the practice's
idle minutes without input (ui/idle_lock.py), or File > Lock now (Ctrl+L), the window saves the
drafts, closes its dialogs and hides every screen behind the sign-in: the same person goes on
where they were, someone else (File > Switch user too) gets fresh screens, the open visits saved
and closed.

This module imports only Qt: the store, the engine and the editor load after the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.idle_lock import IdleWatch
from ocrebill_gui.ui.menus import WindowMenus
from ocrebill_gui.ui.qt import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QShortcut,
    QSize,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QToolBar,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.session_control import SessionControl
from ocrebill_gui.ui.settings import WindowLayout
from ocrebill_gui.ui.style import set_role

if TYPE_CHECKING:
    from collections.abc import Callable

    from ocrebill_gui.store import Store
    from ocrebill_gui.store.accounts import Session
    from ocrebill_gui.ui.shared_status import SharedWatch
    from ocrebill_gui.ui.sign_in import SignInPanel
    from ocrebill_gui.ui.visit_editor import VisitEditor
    from ocrebill_gui.ui.visit_window import VisitWindow

SEARCH_DELAY_MS = 150  # the patient search runs when typing pauses this long
PAGES = [("today", "&Today", "Ctrl+1"), ("patients", "&Patients", "Ctrl+2"),
         ("inventory", "&Inventory", "Ctrl+3"), ("payers", "Pa&yers", "Ctrl+4"),
         ("visits", "&Visits", "Ctrl+5"), ("audit", "&Audit log", "Ctrl+6"),
         ("worklist", "&Claims", "Ctrl+7")]
# Screens in View only: the toolbar has no room left for its search box (issue 13: Ctrl+8).
MENU_PAGES = [("attention", "Need&s attention", "Ctrl+8")]


@runtime_checkable
class _Reloads(Protocol):
    """A screen that shows the database's records: reloaded after another window's save."""

    def refresh(self) -> None: ...


@runtime_checkable
class _KeepsLayout(Protocol):
    """A screen with column widths or dividers to remember."""

    def save_layout(self) -> None: ...


class MainWindow(SessionControl, QMainWindow):
    """Today's visits, Patients, Inventory and Payers; open visits are tabs of the Visits
    page. `session_started` once someone has signed in and their first screen is up."""

    session_started = Signal()

    def __init__(self, layout: WindowLayout, *, clock: Clock,
                 idle_seconds: Callable[[], float] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("")  # the application display name ("OcreBill") alone
        self._layout, self._clock = layout, clock
        self.store: Store | None = None
        self.session: Session | None = None
        self.sign_in_panel: SignInPanel | None = None
        self.pages: dict[str, QWidget] = {}
        self._stale: set[str] = set()  # pages to reload before they are shown again
        self.visit_window: VisitWindow | None = None
        self.shared: SharedWatch | None = None  # once the database is open
        self.stack = QStackedWidget()
        self.placeholder = QLabel("Opening the database...")
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.placeholder, "muted")
        self.stack.addWidget(self.placeholder)
        # The screens, or the sign-in in their place: a hidden screen shows nothing.
        self.gate = QStackedWidget()
        self.gate.addWidget(self.stack)
        self.setCentralWidget(self.gate)
        self._build_menu()
        self._build_toolbar()
        self.menus = WindowMenus(self)
        self.user_label = QLabel("Not signed in")
        self.user_label.setObjectName("signedInAs")
        self.statusBar().addPermanentWidget(self.user_label)
        self.idle = IdleWatch(self, **({"seconds": idle_seconds} if idle_seconds else {}))
        self.idle.idle.connect(self.lock)
        if not layout.restore_window("main", self):
            self._default_geometry()

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        self.toolbar = bar
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.new_visit_action = QAction("&New visit", self)
        self.new_visit_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_visit_action.setToolTip("Start a new visit (Ctrl+N)")
        self.new_visit_action.triggered.connect(lambda: self.new_visit(None))
        bar.addAction(self.new_visit_action)
        bar.addSeparator()
        self.page_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for key, text, shortcut in PAGES + MENU_PAGES:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setShortcut(shortcut)
            action.setToolTip(f"{text.replace('&', '')} ({shortcut})")
            action.triggered.connect(lambda _checked=False, k=key: self.go_to_page(k))
            group.addAction(action)
            if (key, text, shortcut) in PAGES:
                bar.addAction(action)
            self.page_actions[key] = action
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText("Find patient: name, MRN, member id (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 36)
        self.search.setMaximumWidth(self.fontMetrics().averageCharWidth() * 56)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_now)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_entered)
        bar.addWidget(self.search)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._search_entered)  # Down, like Enter: into the results
        for action in (self.new_visit_action, *self.page_actions.values()):
            action.setEnabled(False)
        self.search.setEnabled(False)

    def _default_geometry(self) -> None:
        screen = QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        size = QSize(1360, 860)
        if available is not None:
            size = size.boundedTo(available.size() * 0.92)
            self.resize(size)
            self.move(available.center() - self.rect().center())
        else:
            self.resize(size)

    # -- the database ---------------------------------------------------------------------

    def attach_store(self, store: Store, session: Session | None = None) -> None:
        """The database is open: the sign-in, or straight to `session`'s screens (tests,
        smoke test)."""
        self.store = store
        self.setWindowTitle(store.path.name)  # shown as "NAME - OcreBill"
        self.statusBar().showMessage(f"Database {store.path}")
        from ocrebill_gui.ui.shared_status import SharedWatch

        self.shared = SharedWatch(self)  # other workstations, leases, their changes
        if session is not None:
            self.start_session(session)
        else:
            self._ask_sign_in()

    def page(self, key: str) -> Any:
        """The screen `key`, built on first use."""
        if key not in self.pages:
            self.pages[key] = self._build_page(key)
            self.stack.addWidget(self.pages[key])
        return self.pages[key]

    def _build_page(self, key: str) -> QWidget:
        assert self.store is not None and self.session is not None, "sign in first"
        store, layout, clock, session = self.store, self._layout, self._clock, self.session
        if key == "today":
            from ocrebill_gui.ui.today import TodayPage

            today = TodayPage(store, clock.now().date(), layout, session, clock=clock)
            today.open_visit.connect(self.open_visit)
            today.new_visit.connect(lambda: self.new_visit(None))
            from ocrebill_gui.ui.attention import open_from

            open_from(self, today.attention)
            return today
        if key == "attention":  # issue 13: alerts and doses due without a planned visit
            from ocrebill_gui.ui.attention import AttentionPage, open_from

            attention = AttentionPage(store, session, clock, layout)
            open_from(self, attention)
            attention.plan_visit.connect(self.new_visit)
            return attention
        if key == "patients":
            from ocrebill_gui.ui.patients.page import PatientsPage

            patients = PatientsPage(store, session, clock, layout)
            patients.open_visit.connect(self.open_visit)
            patients.searched.connect(self._show_search_text)
            patients.new_visit.connect(self.new_visit)
            return patients
        if key == "inventory":
            from ocrebill_gui.ui.inventory.page import InventoryPage

            return InventoryPage(store, session, clock, layout)
        if key == "visits":
            return self._visits()
        if key == "payers":
            from ocrebill_gui.ui.payers.page import PayersPage

            return PayersPage(store, session, layout)
        if key == "audit":  # the audit log viewer: for administrators and billers
            from ocrebill_gui.ui.audit.page import AuditPage

            audit = AuditPage(store, session, layout)
            audit.open_visit.connect(self.open_visit)
            return audit
        if key == "worklist":  # issue 15: the biller's claims to print, export, follow up
            from ocrebill_gui.ui.worklist.page import WorklistPage

            worklist = WorklistPage(store, session, clock, layout)
            worklist.open_visit.connect(self.open_visit)
            return worklist
        raise KeyError(key)

    def show_page(self, key: str) -> Any:
        if key not in self.page_actions or self.store is None:
            key = "today"
        key = self.page_for_session(key)  # a screen the roles do not open: their first one
        page = self.page(key)
        if key in self._stale:
            self._stale.discard(key)
            page.refresh()
        self.stack.setCurrentWidget(page)
        self.page_actions[key].setChecked(True)
        self.menus.refresh()
        return page

    def go_to_page(self, key: str) -> None:
        """Ctrl+1..6: the screen, with the keyboard in its list (Enter opens the row)."""
        page = self.show_page(key)
        focus = getattr(page, "focus_table", None)
        if focus is not None:
            focus()
            return
        from ocrebill_gui.ui.qt import QTableView

        lists = [v for v in page.findChildren(QTableView) if v.isVisibleTo(page)]
        if lists:  # the screen's first list; Down picks its first row
            lists[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def step_day(self, days: int) -> None:
        """Alt+Left / Alt+Right on Today: the day before or after; 0: back to today."""
        if self.current_page == "today":
            self.page("today").step(days)

    @property
    def current_page(self) -> str:
        return next((k for k, p in self.pages.items() if p is self.stack.currentWidget()), "")

    # -- finding patients -----------------------------------------------------------------

    def focus_search(self) -> None:
        """Ctrl+F: the patient search; in a new visit without a patient yet, the visit's own
        patient search (choosing whom the visit is for)."""
        editor = self.front_editor()
        if editor is not None and editor.patient.patient_id is None \
                and not editor.presenter.read_only:
            editor.patient.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _show_search_text(self, text: str) -> None:
        """The patient list searched for `text` itself (a saved patient found by id): the box
        says so, without searching again."""
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self._search_timer.stop()

    def _search_changed(self, _text: str) -> None:
        self._search_timer.start()  # one search when typing pauses, not one per keystroke

    @property
    def search_pending(self) -> bool:
        """Typed text waiting for the pause before it is searched."""
        return self._search_timer.isActive()

    def _search_now(self) -> None:
        text = self.search.text()
        if self.store is None or self.locked or not self.may("patients.read"):
            return
        if not text.strip() and self.current_page != "patients":
            return
        page = self.show_page("patients")
        page.set_search_text(text)

    def _search_entered(self) -> None:
        if self._search_timer.isActive():  # Enter before the pause: search now
            self._search_timer.stop()
            self._search_now()
        if self.store is not None and self.current_page == "patients":
            self.page("patients").list_view.setFocus()

    # -- visits ---------------------------------------------------------------------------

    @property
    def editors(self) -> list[VisitEditor]:
        """The visit editors open now (tabs of the visit window)."""
        return self.visit_window.editors() if self.visit_window is not None else []

    def open_visit(self, visit_id: int) -> VisitEditor | None:
        """Bring up the editor of this visit (its tab, made if needed)."""
        if self.store is None or self.locked or not self.may("patients.read"):
            return None
        return self._visits().open(visit_id)

    def new_visit(self, patient_id: int | None = None) -> VisitEditor | None:
        if self.store is None or self.locked or not self.may("visits.draft"):
            return None
        return self._visits().open(None, patient_id)

    def front_editor(self) -> VisitEditor | None:
        """The editor of the visit tab in front while the Visits screen shows, else None."""
        if self.visit_window is None or self.current_page != "visits" or self.locked:
            return None
        tab = self.visit_window.current_tab()
        return tab.editor if tab is not None else None

    def visit_tab(self, what: str) -> None:
        """Ctrl+W closes the visit in front (its draft saved first); Ctrl+Tab and
        Ctrl+Shift+Tab go to the next or previous visit tab."""
        if self.visit_window is None or self.current_page != "visits":
            return
        tabs = self.visit_window.tabs
        if what == "close":
            self.visit_window.close_current()
        elif tabs.count() > 1:
            step = 1 if what == "next" else -1
            tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())
        self.menus.refresh()

    def show_shortcuts(self) -> None:
        from ocrebill_gui.ui.help_dialogs import ShortcutsDialog

        ShortcutsDialog.show_for(self)

    def show_about(self) -> None:
        from ocrebill_gui.ui.help_dialogs import AboutDialog

        AboutDialog.show_for(self)

    def _visits(self) -> VisitWindow:
        if self.visit_window is None:
            from ocrebill_gui.ui.visit_window import VisitWindow

            self.visit_window = VisitWindow(self._layout, self._make_editor)
            self.visit_window.visit_changed.connect(self._visit_changed)
            self.visit_window.wanted.connect(self._show_visits)
            self.visit_window.emptied.connect(self._visits_emptied)
            self.visit_window.tabs.currentChanged.connect(lambda _i: self.menus.refresh())
            self.pages["visits"] = self.visit_window
            self.stack.addWidget(self.visit_window)
        return self.visit_window

    def _show_visits(self) -> None:
        self.page_actions["visits"].setEnabled(True)
        self.show_page("visits")

    def _visits_emptied(self) -> None:
        self.page_actions["visits"].setEnabled(False)
        self.show_page("today")

    def _make_editor(self, visit_id: int | None, patient_id: int | None) -> VisitEditor:
        from ocrebill_gui.ui.visit_editor import VisitEditor  # heavy: loaded on first use

        assert self.store is not None and self.session is not None, "signed in"
        return VisitEditor(self.store, visit_id, clock=self._clock, session=self.session,
                           patient_id=patient_id)

    def refresh_lists(self) -> None:
        """Another workstation changed the database: the lists show it (ui/shared_status)."""
        self._visit_changed(0)

    def _visit_changed(self, _visit_id: int) -> None:
        """A visit was saved (every autosave) or finalized: the page in front is reloaded now,
        the others when they next come to the front."""
        for key in ("today", "patients", "inventory", "worklist", "attention"):
            page = self.pages.get(key)
            if page is None:
                continue
            if page is self.stack.currentWidget():
                assert isinstance(page, _Reloads), key
                page.refresh()
            else:
                self._stale.add(key)

    # -- closing --------------------------------------------------------------------------

    def remember_open_visits(self) -> None:
        """The signed-in person's open visit tabs (ids), to restore at their next sign-in."""
        if self.session is not None and self.visit_window is not None:
            ids, front = self.visit_window.open_visit_ids()
            self._layout.save_open_visits(self._visits_key(), ids, front)

    def restore_open_visits(self) -> None:
        """The tabs this person had open when they last left, behind their first screen;
        visits gone since (or not theirs to read) are left out."""
        from ocrebill_gui import store as api
        from ocrebill_gui.store import StoreError

        if self.session is None or self.store is None or not self.may("patients.read"):
            return
        ids, front = self._layout.open_visits(self._visits_key())
        tabs = []
        for index, visit_id in enumerate(ids):
            try:
                visit = api.get_visit(self.store, self.session, visit_id)
            except StoreError:
                front -= index < front
                continue
            name = api.get_patient(self.store, self.session, visit.patient_id).name
            tabs.append((visit_id, f"Visit {visit_id} \u00b7 {name} \u00b7 "
                                   f"{visit.document.get('date_of_service', '')}"))
        if tabs:
            self._visits().restore(tabs, front)
            self.page_actions["visits"].setEnabled(True)

    def _visits_key(self) -> str:
        """Whose open visits in which database: ids mean nothing in another one (a new demo
        has other visits under the same numbers)."""
        import hashlib

        assert self.session is not None and self.store is not None
        where = hashlib.sha256(str(self.store.path).encode()).hexdigest()[:12]
        return f"{where}.user{self.session.user_id}"

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not all(page.confirm_leave() for page in self.pages.values()
                   if hasattr(page, "confirm_leave")):
            event.ignore()  # unsaved patient edits the person chose to keep
            return
        self.remember_open_visits()
        if self.visit_window is not None and not self.visit_window.close_all():
            event.ignore()  # an editor could not save its draft: keep everything open
            return
        self.idle.stop()
        if self.shared is not None:
            self.shared.stop()
        self.save_layout()
        super().closeEvent(event)

    def save_layout(self) -> None:
        self._layout.save_window("main", self)
        for page in self.pages.values():
            assert isinstance(page, _KeepsLayout), page
            page.save_layout()
        self._layout.sync()
