"""A visit of two drugs for the tests of the primary administration (R1, R15): the presenter's
(tests/editing) and the editor's (tests/ui/visit_editor)."""

from __future__ import annotations

DAY = "2026-03-04"
VIAL = {"ndc": "50242-0150-01", "lot": "H0123", "expires": "2027-08-31", "mg": 300}


def two_drugs(setting: str = "office", **marks: bool) -> dict:
    """Methylprednisolone pushed at 09:00, then Ocrevus 600 mg 09:30-13:00; `marks` sets
    `primary` by administration id."""
    admins = [
        {"id": "mp", "product": "methylprednisolone", "route": "iv_push", "dose_mg": 100,
         "events": [{"at": f"{DAY}T09:00", "kind": "given"}]},
        {"id": "ocr", "product": "ocrevus", "route": "iv_infusion", "dose_mg": 600,
         "vials": [VIAL, VIAL], "events": [{"at": f"{DAY}T09:30", "kind": "start"},
                                           {"at": f"{DAY}T13:00", "kind": "stop"}]}]
    for admin in admins:
        if marks.get(admin["id"]):
            admin["primary"] = True
    return {"format": "ocrebill.visit/1", "date_of_service": DAY, "setting": setting,
            "payer": "medicare", "diagnoses": ["G35.A"], "administrations": admins}


def primaries(document: dict) -> list[str]:
    return [a["id"] for a in document["administrations"] if a.get("primary")]
