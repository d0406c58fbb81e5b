"""The practice's time zone (R8) goes into every document the editor writes; a document's own
time zone is kept, and a finalized visit reads as billed."""

from __future__ import annotations

from staff import signed

from ocrebill_gui import store as api

DAY = "2026-03-04"


def two_drugs(**marks: bool) -> dict:
    """Methylprednisolone pushed at 09:00, then Ocrevus 600 mg 09:30-13:00."""
    admins = [
        {"id": "mp", "product": "methylprednisolone", "route": "iv_push", "dose_mg": 100,
         "events": [{"at": f"{DAY}T09:00", "kind": "given"}]},
        {"id": "ocr", "product": "ocrevus", "route": "iv_infusion", "dose_mg": 600,
         "events": [{"at": f"{DAY}T09:30", "kind": "start"},
                    {"at": f"{DAY}T13:00", "kind": "stop"}]}]
    for admin in admins:
        if marks.get(admin["id"]):
            admin["primary"] = True
    return {"format": "ocrebill.visit/1", "date_of_service": DAY, "setting": "office",
            "payer": "medicare", "diagnoses": ["G35.A"], "administrations": admins}


PRACTICE = {"name": "Lakeside", "npi": "1234567893", "tax_id": "00-0000000",
            "time_zone": "America/Chicago"}


def test_a_new_visit_carries_the_practice_time_zone(store, make_editor, patient):
    before = make_editor(patient_id=patient.id)
    assert "time_zone" not in before.presenter.document  # no practice set up: none to fill
    api.save_practice(store, signed("admin"), PRACTICE)
    editor = make_editor(patient_id=patient.id)
    assert editor.presenter.document["time_zone"] == "America/Chicago"
    editor.presenter.set_diagnoses(["G35.A"])
    assert editor.save_now()
    assert api.visit_document(store, signed(), editor.visit_id)["time_zone"] == "America/Chicago"


def test_an_opened_draft_gets_the_time_zone_but_keeps_its_own(store, make_editor, patient):
    api.save_practice(store, signed("admin"), PRACTICE)
    plain = api.create_draft(store, signed("nurse"), two_drugs(), patient_id=patient.id).visit_id
    own = api.create_draft(store, signed("nurse"), {**two_drugs(), "time_zone": "America/Denver"},
                           patient_id=patient.id).visit_id
    editor = make_editor(plain)
    assert editor.presenter.document["time_zone"] == "America/Chicago"
    editor.presenter.set("setting", "home")  # the next save writes it
    assert editor.save_now()
    assert api.visit_document(store, signed(), plain)["time_zone"] == "America/Chicago"
    assert make_editor(own).presenter.document["time_zone"] == "America/Denver"


def test_a_finalized_visit_reads_as_billed_without_a_time_zone_added(store, make_editor,
                                                                     patient):
    visit_id = api.create_draft(store, signed("nurse"), two_drugs(ocr=True),
                                patient_id=patient.id).visit_id
    api.finalize_visit(store, signed("biller"), visit_id, expected_revision=1)
    api.save_practice(store, signed("admin"), PRACTICE)
    editor = make_editor(visit_id)
    assert "time_zone" not in editor.presenter.document
