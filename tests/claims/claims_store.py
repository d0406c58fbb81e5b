"""A practice database ready to send claims (issue 15): a practice with a ZIP+4 address and a
clearinghouse, two made-up patients with coverages that name the payer's claim-office id,
finalized visits (two office ones, one hospital outpatient) with their providers, and one
lacking a payer id. A fixed clock, so that an export of it is a golden file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from example_visits import load_example
from staff import signed

from ocrebill_gui import store
from ocrebill_gui.core.practice import demo_practice

CLOCK = datetime(2026, 12, 7, 8, 0)  # the golden files' fixed clock (claim_parties.CLOCK)
PRACTICE = {**json.loads(demo_practice().model_dump_json()),
            "address_lines": ["100 Example Parkway, Suite 200", "Springfield, IL 62701-1234"],
            "tax_id": "00-1234567",
            "clearinghouse": {"sender_id": "LAKESIDE01", "receiver_id": "CLEARHOUSE",
                              "receiver_name": "Example Clearinghouse",
                              "contact_name": "Billing Office",
                              "contact_phone": "(555) 010-0100"}}
PROVIDERS = {"rendering": {"name": "Rivera, Ana", "npi": "1987654328",
                           "taxonomy": "2084N0400X"},
             "ordering": {"name": "Chen, Wei", "npi": "1456789019"}}


class FixedClock:
    """Always CLOCK (UTC): every stamp of the database is the same moment."""

    def __call__(self) -> datetime:
        return CLOCK.replace(tzinfo=UTC)


def _visit(db: store.Store, patient_id: int, example: str, *, providers: bool = True,
           day: str | None = None) -> int:
    document = load_example(example)[0]
    if providers:
        document["providers"] = PROVIDERS
    if day:
        document["date_of_service"] = day
        for admin in document.get("administrations") or []:
            for event in admin.get("events") or []:
                event["at"] = day + event["at"][10:]
    saved = store.create_draft(db, signed("nurse"), document, patient_id=patient_id)
    store.finalize_visit(db, signed("biller"), saved.visit_id, expected_revision=1,
                         allow_errors=True)
    return saved.visit_id


def claims_database(path: Path, *, clock: object | None = None) -> dict[str, int]:
    """Make the database at `path`; the visit ids by name: office, second_office,
    outpatient, lacking (no payer id on its coverage)."""
    db = store.open_store(path, clock=clock or FixedClock())
    try:
        store.save_practice(db, signed("admin", ["admin"]), PRACTICE)
        patients = {}
        for key, name, office_id in (("ready", "Okafor, Grace", "EXH01"),
                                     ("lacking", "Doe, Jamie", "")):
            patient = store.add_patient(db, signed("desk"), {
                "name": name, "ref": f"P-{key}", "birth_date": "1984-02-17", "sex": "F",
                "address": "12 Elm Street, Springfield, IL 62704"})
            store.add_coverage(db, signed("desk"), {
                "patient_id": patient.id, "payer": "unitedhealthcare",
                "member_id": "XQ7710023", "group_number": "GRP4410",
                "effective_from": "2020-01-01", "plan_type": "commercial",
                "claim_office_id": office_id})
            patients[key] = patient.id
        return {
            "office": _visit(db, patients["ready"], "01-standard-600mg"),
            "second_office": _visit(db, patients["ready"], "05-waste-jw-line",
                                    day="2026-09-15"),
            "outpatient": _visit(db, patients["ready"], "06-facility-premeds"),
            "lacking": _visit(db, patients["lacking"], "01-standard-600mg"),
        }
    finally:
        db.close()
