"""Main window and forms fixtures: a clinic in a real SQLite file in tmp_path, a clock standing
at 10:15 on 2026-03-10, and a layout file of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from shell_helpers import DAY, visit_document
import staff
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.clock import FakeClock
from ocrebill_gui.ui.settings import WindowLayout


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(f"{DAY}T10:15")


@pytest.fixture
def layout(tmp_path: Path) -> WindowLayout:
    return WindowLayout(tmp_path / "layout.ini")


@pytest.fixture
def clinic(store: api.Store) -> dict[str, int]:
    """Three patients (two whose names start with "Mul"), Medicare coverage with its benefits
    verified, a lot on the shelf, and two visits today: one finished, one still running (an
    error finding)."""
    ids = {}
    for key, name in (("muller", "Müller, Ada"), ("rivera", "Rivera, Ana"),
                      ("mulligan", "Mulligan, Tom")):
        ids[key] = api.add_patient(store, signed("desk"), {"name": name,
                                                   "birth_date": "1979-05-12"}).id
    medicare = api.add_coverage(store, signed("desk"), {
        "patient_id": ids["rivera"], "payer": "medicare", "member_id": "1EG4TE5MK73",
        "effective_from": "2020-01-01"})
    api.add_benefits(store, signed("desk"), {  # verified: no benefits warning on her visit
        "coverage_id": medicare.id, "product": "ocrevus", "verified_on": "2026-02-27",
        "deductible_remaining": "0", "coinsurance_percent": "20"})
    api.add_vial_lot(store, signed("pharmacy"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                         "lot": "H0123", "expires": "2027-08-31",
                                         "received": "2026-02-01", "received_vials": 6})
    ids["done"] = api.create_draft(store, signed("nurse"), visit_document(),
                                   patient_id=ids["rivera"]).visit_id
    ids["running"] = api.create_draft(store, signed("nurse"), visit_document(stop=False),
                                      patient_id=ids["muller"]).visit_id
    return ids


@pytest.fixture
def window(qtbot, store, clinic, layout, clock, monkeypatch):
    """The main window on the clinic's database, shown, signed in as desk.amy (front desk,
    nurse and biller). A test may end with typed, unsaved patient edits: closing the window
    then asks what to do with them (a modal question no one would answer here), so Discard
    is the answer unless the test says otherwise."""
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.patients.form import UnsavedChanges

    monkeypatch.setattr(UnsavedChanges, "ask", classmethod(lambda cls, *args: "discard"))
    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.show()
    main.attach_store(store, staff.session(store, "desk.amy"))
    qtbot.waitExposed(main)
    yield main
    for editor in list(main.editors):
        editor.close()

