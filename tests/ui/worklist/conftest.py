"""The worklist's fixtures: a practice with claims to work on in a real SQLite file in tmp_path
(tests/ui/conftest.py's `store`), a clock on 2026-12-07, and the main window signed in as a
biller (with front desk and nurse: the staff account)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import staff
from example_visits import load_example
from staff import signed
from worklist_helpers import patient, visit

from ocrebill_gui import store as api
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.ui.clock import FakeClock
from ocrebill_gui.ui.settings import WindowLayout

TODAY = "2026-12-07"
CLEARINGHOUSE = {"sender_id": "LAKESIDE01", "receiver_id": "CLEARHOUSE",
                 "receiver_name": "Example Clearinghouse", "contact_name": "Billing Office",
                 "contact_phone": "555-010-0100"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(f"{TODAY}T10:15")


@pytest.fixture
def layout(tmp_path: Path) -> WindowLayout:
    return WindowLayout(tmp_path / "layout.ini")


@pytest.fixture
def claims(store: api.Store) -> dict[str, int]:
    """Office visits ready to send on three days, a hospital-outpatient one, one lacking
    what a claim needs (no providers, no payer id), and a draft with errors."""
    api.save_practice(store, signed("admin"), {
        **json.loads(demo_practice().model_dump_json()), "clearinghouse": CLEARINGHOUSE,
        "address_lines": ["100 Example Parkway", "Springfield, IL 62701-1234"]})
    ready = patient(store, "ready", "MCR01")
    lacking = patient(store, "lacking", "")
    ids = {
        "office1": visit(store, ready, "01-standard-600mg", "2026-12-01"),
        "office2": visit(store, ready, "01-standard-600mg", "2026-12-03"),
        "office3": visit(store, ready, "01-standard-600mg", "2026-11-20"),
        "outpatient": visit(store, ready, "06-facility-premeds", "2026-12-02"),
        "lacking": visit(store, lacking, "01-standard-600mg", "2026-12-04", providers=None),
    }
    draft = load_example("01-standard-600mg")[0] | {"payer": "medicare"}
    del draft["administrations"][0]["events"][1]  # still running: an error finding
    ids["draft"] = api.create_draft(store, signed("nurse"), draft, patient_id=ready).visit_id
    ids["patient"] = ready
    return ids


@pytest.fixture
def window(qtbot, store, claims, layout, clock):
    """The main window on the claims database, signed in as the staff account (front desk,
    nurse, biller)."""
    from ocrebill_gui.ui.main_window import MainWindow

    main = MainWindow(layout, clock=clock)
    qtbot.addWidget(main)
    main.show()
    main.attach_store(store, staff.session(store))
    qtbot.waitExposed(main)
    yield main
    for editor in list(main.editors):
        editor.close()


@pytest.fixture
def page(window):
    return window.show_page("worklist")


@pytest.fixture
def told(monkeypatch, tmp_path: Path) -> dict[str, list]:
    """The save dialog answers a file in tmp_path named as suggested; the batch summaries and
    the print previews are recorded instead of shown."""
    from ocrebill_gui.ui.worklist import batch_print, progress

    seen: dict[str, list] = {"save": [], "summary": [], "preview": []}

    def save(parent, title, suggested, name_filter):
        seen["save"].append(title)
        return str(tmp_path / suggested)

    monkeypatch.setattr("ocrebill_gui.ui.file_dialogs.ask_save_path", save)
    monkeypatch.setattr(progress.Summary, "tell", classmethod(
        lambda cls, parent, title, text, details: seen["summary"].append((text, details))))
    monkeypatch.setattr(batch_print, "preview",
                        lambda parent, path, title: seen["preview"].append(path.name))
    return seen
