"""What the demo centre's front desk and biller did through the store itself, after the fast
write (demo.py): a few benefits verifications, one co-pay programme enrolment with a claim to
the programme, and one replacement claim (the first denied visit amended and its frequency-7
claim ready to send). Each through its module's rules and audit entries, as `actor`.

Only patients with no draft visit get a verification or the enrolment: a draft's document
holds what the store's engine document holds (store/visit_documents.py), and the demo writes
its drafts with no verification and no programme.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from ocrebill_gui.store.db import Store

# What the plans said (made up; plausible for 2026 plans).
_BENEFITS: dict[str, dict[str, Any]] = {
    "medicare": {"method": "portal", "benefit": "medical", "buy_and_bill_allowed": True,
                 "in_network": True, "deductible_total": "257.00",
                 "deductible_remaining": "0.00", "coinsurance_percent": "20",
                 "prior_auth_required": False},
    "commercial": {"method": "phone", "benefit": "medical", "buy_and_bill_allowed": True,
                   "specialty_pharmacy_mandate": False, "in_network": True,
                   "deductible_total": "1500.00", "deductible_remaining": "350.00",
                   "out_of_pocket_max": "6000.00", "out_of_pocket_remaining": "3900.00",
                   "coinsurance_percent": "20", "copay": "0.00", "prior_auth_required": True},
}
VERIFICATIONS = 3
RECENT_DAYS = 120  # patients seen within these days get the verifications and the enrolment


def add_demo_extras(store: Store, actor: str, today: date) -> None:
    on = min(today, date.today())  # never in the future (a demo's today may lie ahead)
    candidates = _without_drafts(store, today - timedelta(days=RECENT_DAYS))
    _verifications(store, actor, candidates, on)
    _copay(store, actor, candidates, on)
    _replacement(store, actor)


def _without_drafts(store: Store, since: date) -> list[tuple[int, int, str, str]]:
    """(patient id, coverage id, plan type, last date of service) of patients seen since
    `since` with no draft, the latest visit first. (A demo patient's draft is their last
    visit: one seen since then has it since then too.)"""
    rows = store.conn.execute(
        "SELECT v.patient_id, c.id, c.plan_type, max(v.date_of_service) FROM visits v "
        "JOIN coverages c ON c.id = v.coverage_id WHERE v.date_of_service >= ? "
        "GROUP BY v.patient_id, c.id, c.plan_type HAVING sum(v.status = 'draft') = 0 "
        "ORDER BY 4 DESC, 1", (since.isoformat(),)).fetchall()
    return [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]


def _verifications(store: Store, actor: str, candidates: list, on: date) -> None:
    """Verified a week ago for the next infusion, one of each kind of plan first."""
    from ocrebill_gui.store.benefits import add_benefits

    chosen: list[tuple[int, str]] = []
    for kind in ("medicare", "commercial"):
        chosen += [(c, k) for _p, c, k, _day in candidates if k == kind][:1]
    chosen += [(c, k) for _p, c, k, _day in candidates
               if k in _BENEFITS and (c, k) not in chosen]
    for number, (coverage_id, kind) in enumerate(chosen[:VERIFICATIONS]):
        verified = on - timedelta(days=7 + number)
        add_benefits.inside(store, actor, {
            "coverage_id": coverage_id, "product": "ocrevus", "verified_on": verified,
            "reference": f"DEMO-REF-{verified:%Y%m%d}-{number + 1:02d}",
            "representative": "Demo representative" if kind != "medicare" else "",
            "next_verification": verified + timedelta(days=180), **_BENEFITS[kind]})


def _copay(store: Store, actor: str, candidates: list, on: date) -> None:
    """A commercial patient enrolled in the manufacturer's co-pay programme in January, with
    a claim to it for the drug part of their latest visit."""
    from ocrebill_gui.store import copay

    enrolled = date(on.year, 1, 15)
    for patient_id, _coverage, kind, last in candidates:
        if kind != "commercial" or date.fromisoformat(last) < enrolled:
            continue
        copay.enrol.inside(store, actor, {"patient_id": patient_id,
                                          "card_id": f"DEMO-COPAY-{patient_id:05d}",
                                          "enrolled_on": enrolled})
        visit_id = store.conn.execute(
            "SELECT id FROM visits WHERE patient_id = ? AND date_of_service = ?",
            (patient_id, last)).fetchone()[0]
        copay.add_programme_claim.inside(store, actor, {"visit_id": visit_id, "part": "drug",
                                                        "amount_claimed": "1000.00"})
        return


def _replacement(store: Store, actor: str) -> None:
    """The visit of the first denial (its rendering provider's id was refused): the biller
    amends the rendering provider; the denied claim is replaced by a frequency-7 claim."""
    from ocrebill_gui.store.demo_providers import DEMO_PROVIDERS
    from ocrebill_gui.store.lifecycle import amend_visit
    from ocrebill_gui.store.visits import get_visit

    row = store.conn.execute(
        "SELECT c.visit_id FROM remittances r JOIN claims c ON c.id = r.claim_id "
        "WHERE r.denial_codes LIKE '%N290%' ORDER BY r.id LIMIT 1").fetchone()
    if row is None:
        return
    visit = get_visit.inside(store, int(row[0]))
    document = json.loads(json.dumps(visit.document))
    rendering = [p for p in DEMO_PROVIDERS if p["role"] == "rendering"]
    given = document["providers"]["rendering"]["npi"]
    other = next(p for p in rendering if p["npi"] != given)
    document["providers"]["rendering"] = {k: other[k] for k in ("name", "npi", "taxonomy")}
    amend_visit.inside(store, actor, visit.id, document,
                       "Denied CO-16/N290: the infusion was given by "
                       f"{other['name']}, not the provider on the claim; corrected for "
                       "the replacement claim", allow_errors=True,
                       expected_revision=visit.revision)
