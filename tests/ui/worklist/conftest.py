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

from ocrebill_gui import store as api
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.ui.clock import FakeClock
from ocrebill_gui.ui.settings import WindowLayout

TODAY = "2026-12-07"
CLEARINGHOUSE = {"sender_id": "LAKESIDE01", "receiver_id": "CLEARHOUSE",
                 "receiver_name": "Example Clearinghouse", "contact_name": "Billing Office",
                 "contact_phone": "555-010-0100"}
PROVIDERS = {"rendering": {"name": "Okafor, Grace", "npi": "1234567893"},
             "ordering": {"name": "Chen, Wei", "npi": "1456789019"}}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(f"{TODAY}T10:15")


@pytest.fixture
def layout(tmp_path: Path) -> WindowLayout:
    return WindowLayout(tmp_path / "layout.ini")


def _patient(store: api.Store, key: str, office_id: str, payer: str = "medicare") -> int:
    patient = api.add_patient(store, signed("desk"), {
        "name": f"Rivera, {key.title()}", "ref": f"P-{key}", "birth_date": "1979-05-12",
        "sex": "F", "address": "12 Elm St, Springfield, IL 62704"})
    api.add_coverage(store, signed("desk"), {
        "patient_id": patient.id, "payer": payer, "member_id": "1EG4TE5MK73",
        "effective_from": "2020-01-01", "plan_type": "medicare", "claim_office_id": office_id})
    return patient.id


def _visit(store: api.Store, patient: int, example: str, day: str, *,
           providers: dict | None = PROVIDERS, finalize: bool = True) -> int:
    document = load_example(example)[0] | {"payer": "medicare"}
    document = json.loads(json.dumps(document).replace(document["date_of_service"], day))
    if providers:
        document["providers"] = providers
    visit_id = api.create_draft(store, signed("nurse"), document, patient_id=patient).visit_id
    if finalize:
        api.finalize_visit(store, signed("biller"), visit_id, expected_revision=1,
                           allow_errors=True)
    return visit_id


@pytest.fixture
def claims(store: api.Store) -> dict[str, int]:
    """Office visits ready to send on three days, a hospital-outpatient one, one lacking
    what a claim needs (no providers, no payer id), and a draft with errors."""
    api.save_practice(store, signed("admin"), {
        **json.loads(demo_practice().model_dump_json()), "clearinghouse": CLEARINGHOUSE,
        "address_lines": ["100 Example Parkway", "Springfield, IL 62701-1234"]})
    ready = _patient(store, "ready", "MCR01")
    lacking = _patient(store, "lacking", "")
    ids = {
        "office1": _visit(store, ready, "01-standard-600mg", "2026-12-01"),
        "office2": _visit(store, ready, "01-standard-600mg", "2026-12-03"),
        "office3": _visit(store, ready, "01-standard-600mg", "2026-11-20"),
        "outpatient": _visit(store, ready, "06-facility-premeds", "2026-12-02"),
        "lacking": _visit(store, lacking, "01-standard-600mg", "2026-12-04", providers=None),
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
