"""Helpers for the worklist's tests: claim-ready visits in a test's store, and choosing rows
or a Show filter on the page as a biller does."""

from __future__ import annotations

import json

from example_visits import load_example
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.qt import QItemSelectionModel
from ocrebill_gui.ui.worklist.model import SHOW

PROVIDERS = {"rendering": {"name": "Okafor, Grace", "npi": "1234567893"},
             "ordering": {"name": "Chen, Wei", "npi": "1456789019"}}


def patient(store: api.Store, key: str, office_id: str, payer: str = "medicare") -> int:
    patient = api.add_patient(store, signed("desk"), {
        "name": f"Rivera, {key.title()}", "ref": f"P-{key}", "birth_date": "1979-05-12",
        "sex": "F", "address": "12 Elm St, Springfield, IL 62704"})
    api.add_coverage(store, signed("desk"), {
        "patient_id": patient.id, "payer": payer, "member_id": "1EG4TE5MK73",
        "effective_from": "2020-01-01", "plan_type": "medicare", "claim_office_id": office_id})
    return patient.id


def visit(store: api.Store, patient: int, example: str, day: str, *,
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



def choose(page, visits: list[int]) -> None:
    """Select the rows of these visits (Ctrl+click each)."""
    selection = page.view.selectionModel()
    selection.clearSelection()
    for number, row in enumerate(page.model.records()):
        if row.visit_id in visits:
            selection.select(page.model.index(number, 0),
                             QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)


def show(page, text: str) -> None:
    """Pick the Show filter whose text starts with `text`."""
    page.show_filter.setCurrentIndex(next(i for i, (t, _k, _s) in enumerate(SHOW)
                                          if t.startswith(text)))
