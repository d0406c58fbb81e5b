"""Visit editor fixtures: a real SQLite store in tmp_path, a FakeClock and an editor factory."""

from __future__ import annotations

from collections.abc import Callable

from editor_helpers import enter_ocrevus
import pytest
import staff
from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.ui.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock("2026-03-04T08:45")


@pytest.fixture
def make_editor(qtbot, store, clock) -> Callable:
    from ocrebill_gui.ui.visit_editor import VisitEditor

    def make(visit_id: int | None = None, *, actor: str = "nurse.kim",
             roles: tuple[str, ...] = staff.EVERY_ROLE_BUT_ADMIN,
             patient_id: int | None = None) -> VisitEditor:
        """An editor for `actor` signed in (made with `roles` if missing)."""
        editor = VisitEditor(store, visit_id, clock=clock, session=staff.session(
            store, actor, roles), patient_id=patient_id)
        qtbot.addWidget(editor)
        editor.resize(1400, 900)
        editor.show()
        qtbot.waitExposed(editor)
        return editor

    return make


@pytest.fixture
def patient(store):
    """A registered patient with traditional Medicare (no authorization needed)."""
    person = api.add_patient(store, signed("desk"),
                             {"name": "Rivera, Ana", "birth_date": "1979-05-12"})
    api.add_coverage(store, signed("desk"), {"patient_id": person.id, "payer": "medicare",
                                     "member_id": "1EG4TE5MK73", "effective_from": "2020-01-01"})
    api.add_vial_lot(store, signed("pharmacy"), {"product": "ocrevus", "ndc": "50242-0150-01",
                                         "lot": "H0123", "expires": "2027-08-31",
                                         "received": "2026-02-01", "received_vials": 6})
    return person


@pytest.fixture
def ocrevus_editor(make_editor, patient):
    """An editor on a new visit of the patient: G35.A, Ocrevus 600 mg with two vials, not
    started yet."""
    editor = make_editor(patient_id=patient.id)
    enter_ocrevus(editor)
    return editor
