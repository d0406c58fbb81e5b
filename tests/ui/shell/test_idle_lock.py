"""Automatic logoff: after the practice's idle minutes (or Ctrl+L) the window saves the drafts,
closes its dialogs and shows no patient data until someone signs in; the same person goes on
where they were, someone else gets fresh screens with the visit tabs closed. The idle clock is
injected (`seconds`), so minutes pass without waiting."""

from __future__ import annotations

import time

import pytest
from shell_helpers import type_text
import staff
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.ui.idle_lock import IdleWatch
from ocrebill_gui.ui.qt import (
    QAbstractItemView,
    QApplication,
    QKeySequence,
    QMessageBox,
    QModelIndex,
    Qt,
    QTabBar,
    QWidget,
)
from ocrebill_gui.ui.sign_in import SignInForm

NAMES = ("Müller", "Rivera", "Mulligan")  # the clinic's patients


class Seconds:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


@pytest.fixture
def nurse_window(qtbot, store, clinic, layout, clock, seconds):
    """The main window signed in as Kim Nurse, its idle lock on the `seconds` clock."""
    from ocrebill_gui.ui.main_window import MainWindow

    staff.account(store, "amy", ["front_desk"], name="Amy Desk")
    main = MainWindow(layout, clock=clock, idle_seconds=seconds)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.attach_store(store, staff.session(store, "kim", ["nurse"], name="Kim Nurse"))
    main.activateWindow()
    yield main
    for editor in list(main.editors):
        editor.close()


def shown_texts() -> list[str]:
    """Every text a person could read on screen now: each visible widget's text, title and
    tooltip, tab labels and the cells of visible tables and lists."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if not widget.isVisible():
            continue
        texts.append(widget.windowTitle() if widget.isWindow() else "")
        for getter in ("text", "toolTip", "placeholderText", "title"):
            value = getattr(widget, getter, None)
            if callable(value):
                try:
                    texts.append(str(value()))
                except TypeError:  # a getter that wants arguments: not a text
                    pass
        if isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts += cells(widget.model())
    return texts


def cells(model) -> list[str]:
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a list model (QStringListModel's is private): one column
        columns = 1
    return [str(model.index(r, c).data()) for r in range(model.rowCount(root))
            for c in range(columns)]


def named(texts: list[str]) -> list[str]:
    return [t for t in texts if any(name in t for name in NAMES)]


def test_idle_minutes_save_the_draft_then_hide_every_patient_name(nurse_window, store,
                                                                  clinic, seconds, qtbot):
    window = nurse_window
    editor = window.open_visit(clinic["running"])
    editor.presenter.set("administrations[0].dose_mg", 590)  # typed, not yet saved
    before = api.get_visit(store, signed(), clinic["running"]).revision
    box = QMessageBox(window)  # any dialog open at the time, with a patient in it
    box.setText("Müller, Ada: discard the changes?")
    box.show()
    type_text(window.search, "Mul")
    assert named(shown_texts()), "the names are on screen while signed in"

    seconds.advance(4.9)
    window.idle.check()
    assert not window.locked  # not yet
    seconds.advance(0.2)
    window.idle.check()  # what the idle timer calls when it wakes up

    assert window.locked
    saved = api.get_visit(store, signed(), clinic["running"])
    assert saved.revision > before
    assert saved.document["administrations"][0]["dose_mg"] == 590  # the draft, saved first
    assert not box.isVisible()
    assert window.search.text() == ""
    assert named(shown_texts()) == []
    assert window.windowTitle() == store.path.name
    assert window.user_label.text() == "Locked"
    assert not window.lock_action.isEnabled() and not window.toolbar.isVisible()


def test_input_keeps_the_window_open(nurse_window, seconds, qtbot):
    window = nurse_window
    seconds.advance(4)
    qtbot.keyClick(window.page("today").view, Qt.Key.Key_Down)  # a key press: still here
    seconds.advance(4)
    window.idle.check()
    assert not window.locked and window.idle.remaining() == pytest.approx(60)
    seconds.advance(1)
    window.idle.check()
    assert window.locked


def test_the_practice_sets_the_minutes(store, clinic, layout, clock, seconds, qtbot):
    from ocrebill_gui.ui.main_window import MainWindow

    api.save_practice(store, signed("admin"),
                      demo_practice().model_copy(update={"idle_lock_minutes": 2}))
    window = MainWindow(layout, clock=clock, idle_seconds=seconds)
    qtbot.addWidget(window)
    window.attach_store(store, staff.session(store))
    assert window.idle.remaining() == pytest.approx(120)


def test_the_same_person_goes_on_where_they_were(nurse_window, clinic, qtbot):
    window = nurse_window
    editor = window.open_visit(clinic["running"])
    qtbot.keySequence(window, QKeySequence("Ctrl+L"))
    assert window.locked
    form = window.sign_in_panel.form
    assert isinstance(form, SignInForm) and form.login.text() == "kim"
    assert "Kim Nurse (nurse) is signed in" in window.sign_in_panel.note.text()
    qtbot.waitUntil(form.password.hasFocus)
    qtbot.keyClicks(form.password, staff.PASSWORD)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    assert not window.locked and window.session.login == "kim"
    assert window.user_label.text() == "Signed in as Kim Nurse (nurse)"
    assert window.editors == [editor] and window.current_page == "visits"
    assert window.idle.running


def test_someone_else_gets_fresh_screens_and_the_visit_tabs_close(nurse_window, store, clinic,
                                                                  seconds, qtbot):
    window = nurse_window
    editor = window.open_visit(clinic["running"])
    editor.presenter.set("administrations[0].dose_mg", 580)
    old_today = window.page("today")
    window.switch_user()  # File > Switch user
    form = window.sign_in_panel.form
    assert window.locked and form.login.text() == ""
    assert api.get_visit(store, signed(), clinic["running"]).document["administrations"][0][
        "dose_mg"] == 580
    qtbot.keyClicks(form.login, "amy")
    qtbot.keyClicks(form.password, staff.PASSWORD)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    assert window.session.login == "amy"
    assert window.user_label.text() == "Signed in as Amy Desk (front desk)"
    assert window.editors == [] and window.visit_window is None
    assert not window.page_actions["visits"].isEnabled()
    assert window.page("today") is not old_today  # built again for Amy's roles
    assert not window.new_visit_action.isEnabled()  # a front desk account records no visit


def test_the_watch_wakes_itself_up(qtbot):
    """The real timer, a short limit: `idle` comes without anyone calling check()."""
    watch = IdleWatch(seconds=time.monotonic)
    with qtbot.waitSignal(watch.idle, timeout=3000):
        watch.start(0.05)
    assert not watch.running


def test_a_hidden_screen_keeps_nothing_readable_in_the_window(nurse_window):
    window = nurse_window
    window.show_page("patients")
    window.lock()
    hidden = [w for w in window.findChildren(QWidget) if w.isVisible()
              and w.objectName() in ("patientsPage", "todayPage", "patientList")]
    assert hidden == []


def test_the_lock_closes_a_save_dialog_and_nothing_is_saved(nurse_window, seconds, qtbot,
                                                            tmp_path):
    """The save dialogs are Qt's own (a native one is no widget: the lock could not close it,
    and its folder listing would stay over the locked window): the lock rejects it."""
    from ocrebill_gui.ui.file_dialogs import ask_save_path
    from ocrebill_gui.ui.qt import QFileDialog, QTimer

    window = nurse_window
    seen = []

    def idle_while_open():
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QFileDialog) and w.isVisible()]
        seen.extend(dialogs)
        if dialogs:
            seconds.advance(6)
            window.idle.check()
        else:
            QTimer.singleShot(20, idle_while_open)

    QTimer.singleShot(0, idle_while_open)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    chosen = ask_save_path(window, "Save the superbill as PDF", str(folder / "out.pdf"),
                           "PDF files (*.pdf)")
    assert seen and seen[0].testOption(QFileDialog.Option.DontUseNativeDialog)
    assert chosen is None and window.locked
    assert not any(isinstance(w, QFileDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())
    assert list(folder.iterdir()) == []
