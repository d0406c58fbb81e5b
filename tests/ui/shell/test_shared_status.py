"""Two workstations on one practice (ui/shared_status.py): two main windows, each with a store
of its own on the same database (the test server, or one SQLite file as two processes have
it). The status bar names the server and counts the other workstation; a visit open on one
shows a banner on the other saying who has it, gone once they close it; a visit added on one
shows in the other's Today list at its next poll."""

from __future__ import annotations

import pytest
import staff
from shell_helpers import DAY, visit_document
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.shared_status import BANNER

pytestmark = pytest.mark.gui


@pytest.fixture(params=["sqlite", "postgres"])
def where(request, tmp_path):
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    return tmp_path / "shared.sqlite"


@pytest.fixture
def practice(where):
    """A patient with a visit today on the database; (where, visit id)."""
    with api.open_store(where) as store:
        patient = api.add_patient(store, signed("desk"), {"name": "Rivera, Ana"})
        visit = api.create_draft(store, signed("nurse"), visit_document(),
                                 patient_id=patient.id).visit_id
        staff.account(store, "ana", name="Ana Rivera")
        staff.account(store, "kim", name="Kim Lee")
    return where, visit


@pytest.fixture
def open_window(qtbot, tmp_path, clock, monkeypatch):
    """open_window(where, login, workstation): a main window on its own store, signed in."""
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.settings import WindowLayout

    made = []

    def make(where, login: str, workstation: str):
        monkeypatch.setenv("OCREBILL_WORKSTATION", workstation)
        store = api.open_store(where)
        main = MainWindow(WindowLayout(tmp_path / f"{login}.ini"), clock=clock)
        qtbot.addWidget(main)
        main.show()
        main.attach_store(store, staff.session(store, login))
        qtbot.waitExposed(main)
        made.append((main, store))
        return main

    yield make
    for main, store in made:
        for editor in list(main.editors):
            editor.close()
        main.close()
        store.close()


def test_the_status_bar_names_the_server_and_the_other_workstations(practice, open_window):
    where, _visit = practice
    desk = open_window(where, "ana", "FRONTDESK-2")
    chair = open_window(where, "kim", "CHAIR-4")
    desk.shared.poll()
    text = desk.shared.label.text()
    assert desk.shared.label.isVisible() and "1 other workstation connected" in text
    assert "CHAIR-4: Kim Lee" in desk.shared.label.toolTip()
    if isinstance(where, str):  # a server: its database and host, never the password file
        assert text.startswith("Server: ") and " on 127.0.0.1" in text
        assert "passfile" not in text + desk.shared.label.toolTip()
    else:
        assert text.startswith("File shared.sqlite")
    chair.close()  # leaves at once
    desk.shared.poll()
    if isinstance(where, str):
        assert desk.shared.label.text().endswith("no other workstation connected")
    else:
        assert not desk.shared.label.isVisible()  # one PC, one app: nothing to say


def _banner(main, visit_id):
    tab = next(t for t in main.visit_window.visit_tabs() if t.visit_id == visit_id)
    return tab.findChild(type(main.shared.label), BANNER)


def test_a_visit_open_elsewhere_shows_who_has_it(practice, open_window):
    where, visit = practice
    desk = open_window(where, "ana", "FRONTDESK-2")
    chair = open_window(where, "kim", "CHAIR-4")
    desk.open_visit(visit)
    desk.shared.poll()  # leased to the front desk
    assert _banner(desk, visit) is None
    chair.open_visit(visit)
    chair.shared.poll()
    banner = _banner(chair, visit)
    assert banner is not None and banner.isVisible()
    assert banner.text().startswith("Open at FRONTDESK-2 by Ana Rivera since ")
    assert banner.text().endswith(": your changes may be refused")
    desk.visit_tab("close")
    desk.shared.poll()  # the lease let go
    chair.shared.poll()  # and taken here
    assert not _banner(chair, visit).isVisible()
    desk.open_visit(visit)
    desk.shared.poll()
    assert _banner(desk, visit).text().startswith("Open at CHAIR-4 by Kim Lee since ")


def test_lists_refresh_when_another_workstation_changes_them(practice, open_window):
    where, _visit = practice
    desk = open_window(where, "ana", "FRONTDESK-2")
    chair = open_window(where, "kim", "CHAIR-4")
    today = desk.show_page("today")
    rows = today.model.rowCount()
    desk.shared.poll()
    assert desk.shared.refreshes == 0  # the chair's sign-in changes no list
    patient = api.add_patient(chair.store, chair.session, {"name": "Mulligan, Tom"})
    api.create_draft(chair.store, chair.session, visit_document(), patient_id=patient.id)
    assert today.model.rowCount() == rows  # not yet: the next poll
    desk.shared.poll()
    assert today.model.rowCount() == rows + 1 and desk.shared.refreshes == 1
    desk.shared.poll()
    assert desk.shared.refreshes == 1  # nothing new: no refresh
    chair.shared.poll()
    seen = chair.shared.refreshes
    desk.open_visit(_visit)  # opening a visit is an audited read, not a change
    chair.shared.poll()
    assert chair.shared.refreshes == seen
    assert visit_document()["date_of_service"] == DAY  # the day Today shows


def test_a_database_out_of_reach_is_said_and_polled_less_often(practice, open_window,
                                                               monkeypatch):
    from ocrebill_gui.store import StoreError, presence

    where, _visit = practice
    desk = open_window(where, "ana", "FRONTDESK-2")
    real = presence.change_mark

    def gone(store):
        raise StoreError("Cannot reach the server")

    monkeypatch.setattr(presence, "change_mark", gone)
    desk.shared.poll()
    assert desk.shared.label.text().endswith("not reachable, trying again")
    assert desk.shared.timer.interval() == 2 * desk.shared.poll_ms
    desk.shared.poll()
    assert desk.shared.timer.interval() == 4 * desk.shared.poll_ms
    monkeypatch.setattr(presence, "change_mark", real)
    desk.shared.poll()
    assert desk.shared.timer.interval() == desk.shared.poll_ms
    assert "not reachable" not in desk.shared.label.text()
