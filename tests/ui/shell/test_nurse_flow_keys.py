"""The nurse's whole flow with the keyboard alone (key events only, no mouse event anywhere):
open today's visit from the list, add two premedications with dose and vial, Given, Start,
Pause, Resume, Stop, correct a time, add a diagnosis; then the biller signs in through
File > Switch user and finalizes. The clock is moved between steps as the day goes by."""

from __future__ import annotations

import staff
from shell_helpers import DAY, visit_document

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QApplication, Qt

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the keyboard is now."""
    target = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None, "the keyboard is nowhere"
    qtbot.keyClick(target, k, modifier)


def type_here(qtbot, text: str) -> None:
    """Typed where the keyboard is, key by key (the first may open an editor that takes the
    rest)."""
    for char in text:
        qtbot.keyClicks(QApplication.focusWidget(), char)


def tab_to(qtbot, widget, most: int = 60) -> None:
    """Tab until the keyboard is on `widget`."""
    for _ in range(most):
        if widget.hasFocus():
            return
        key(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.objectName()}")


def focused(qtbot, widget) -> None:
    qtbot.waitUntil(widget.hasFocus)


def test_the_nurse_flow_and_the_biller_finalizing_by_keyboard_alone(
        qtbot, store, clinic, layout, clock):
    from ocrebill_gui.ui.main_window import MainWindow

    document = visit_document()
    document["diagnoses"] = []
    document["administrations"][0]["events"] = []  # booked: Ocrevus 600 mg, two vials
    visit_id = api.create_draft(store, staff.signed("nurse"), document,
                                patient_id=clinic["rivera"]).visit_id
    staff.account(store, "joe", ["biller"])
    clock.set(f"{DAY}T08:55")
    window = MainWindow(layout, clock=clock)
    qtbot.addWidget(window)
    window.show()
    window.attach_store(store, staff.session(store, "kim", ["nurse"]))
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    # Today's list: Ctrl+1, down to the third visit, Enter.
    key(qtbot, Qt.Key.Key_1, CTRL)
    today = window.page("today")
    focused(qtbot, today.view)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    editor = window.front_editor()
    assert editor is not None and editor.visit_id == visit_id
    focused(qtbot, editor.diagnoses.search)  # no diagnosis yet: the cursor starts there

    # Premedications: Alt+M to the drug, its first letter, Ctrl+M; dose, Tab to the vials,
    # the vial size, Add vial; F5 gives it.
    for letter, dose, size_down, at in ((Qt.Key.Key_M, "125", 1, "09:00"),
                                        (Qt.Key.Key_D, "50", 0, "09:05")):
        key(qtbot, Qt.Key.Key_M, ALT)
        focused(qtbot, editor.add_product)
        qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new search, not "md"
        key(qtbot, letter)
        key(qtbot, Qt.Key.Key_M, CTRL)
        card = editor.cards[-1]
        focused(qtbot, card.dose)
        type_here(qtbot, dose)
        tab_to(qtbot, card.vials.picker)
        for _ in range(size_down):
            key(qtbot, Qt.Key.Key_Down)
        tab_to(qtbot, card.vials.add_button)
        key(qtbot, Qt.Key.Key_Space)
        clock.set(f"{DAY}T{at}")
        key(qtbot, Qt.Key.Key_F5)  # Given
    methylpred, diphenhydramine = editor.presenter.administrations[1:]
    assert (methylpred["product"], methylpred["dose_mg"]) == ("methylprednisolone", 125)
    assert [v["mg"] for v in methylpred["vials"]] == [125]
    assert (diphenhydramine["product"], diphenhydramine["dose_mg"]) == ("diphenhydramine", 50)
    assert [v["mg"] for v in diphenhydramine["vials"]] == [50]
    assert [e["kind"] for e in methylpred["events"]] == ["given"]
    assert diphenhydramine["events"][0]["at"].endswith("09:05")

    # The infusion: F5 F6 F7 F8 as the clock goes on (the premeds' card is the one in use;
    # the keys go to the infusion, the one they apply to).
    for at, k in (("09:30", Qt.Key.Key_F5), ("10:00", Qt.Key.Key_F6),
                  ("10:10", Qt.Key.Key_F7), ("12:45", Qt.Key.Key_F8)):
        clock.set(f"{DAY}T{at}")
        key(qtbot, k)
    events = editor.presenter.events(0)
    assert [(e["kind"], e["at"][11:16]) for e in events] == [
        ("start", "09:30"), ("pause", "10:00"), ("resume", "10:10"), ("stop", "12:45")]

    # Correct the start: Tab to the infusion's events, the first row, its time, type it.
    key(qtbot, Qt.Key.Key_M, ALT)
    timeline = editor.cards[0].timeline
    tab_to(qtbot, timeline.events_view)
    for _ in range(4):
        key(qtbot, Qt.Key.Key_Up)
    key(qtbot, Qt.Key.Key_Right)  # the Time column
    assert timeline.events_view.currentIndex().row() == 0
    type_here(qtbot, "0925")
    key(qtbot, Qt.Key.Key_Return)
    # The table commits a typed value once the key has been handled (a queued call).
    qtbot.waitUntil(lambda: editor.presenter.events(0)[0]["at"][11:16] == "09:25")

    # A diagnosis: Ctrl+D, the code, Enter.
    key(qtbot, Qt.Key.Key_D, CTRL)
    focused(qtbot, editor.diagnoses.search)
    type_here(qtbot, "G35.A")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.presenter.diagnoses == ["G35.A"])
    key(qtbot, Qt.Key.Key_S, CTRL)  # saved now (it also saves by itself)
    assert not editor.finalize_button.isEnabled()  # a nurse does not finalize

    # The biller: File > Switch user (Alt+F, S), their login, Tab, password, Enter.
    key(qtbot, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    key(qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.sign_in_panel is not None)
    login = window.sign_in_panel.form.login
    focused(qtbot, login)
    type_here(qtbot, "joe")
    key(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, staff.PASSWORD)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session is not None and window.session.login == "joe"
                    and not window.locked)
    # The offscreen platform leaves the closed File menu the active window (a window manager
    # gives the activation back to the main window; tried under Xvfb).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(qtbot, Qt.Key.Key_1, CTRL)
    focused(qtbot, today.view if today is window.pages.get("today") else
            window.page("today").view)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    editor = window.front_editor()
    assert editor.visit_id == visit_id
    qtbot.waitUntil(lambda: editor.isAncestorOf(QApplication.focusWidget()))
    key(qtbot, Qt.Key.Key_F, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Finalize
    visit = api.get_visit(store, staff.signed(), visit_id)
    assert visit.status == "finalized" and visit.finalized_by == "joe"
    stored = visit.document["administrations"]
    assert [a["product"] for a in stored] == ["ocrevus", "methylprednisolone",
                                              "diphenhydramine"]
    assert stored[0]["events"][0]["at"][11:16] == "09:25"
    assert visit.document["diagnoses"] == ["G35.A"]
    window.close()
