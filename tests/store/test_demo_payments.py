"""The demo's payers pay what its estimates expect (store/demo_payments.py): the claims
worklist flags a small deliberate few of the paid claims UNDERPAID, as in a real clinic."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store.estimates import estimate_for_visit

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def paid(tmp_path_factory):
    """(visit id, amount paid, adjustments, charge total, the estimate's payer amount or None
    as the worklist reads it) of every paid claim of a 200-visit demo."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    st.create_demo_database(path, visits=200, seed=3, today=TODAY)
    with st.open_store(path) as store:
        rows = store.conn.execute(
            "SELECT c.visit_id, r.amount_paid, r.adjustments, v.charges FROM claims c "
            "JOIN remittances r ON r.claim_id = c.id JOIN visits v ON v.id = c.visit_id "
            "WHERE c.status = 'paid'").fetchall()
        found = []
        for visit_id, amount, adjustments, charges in rows:
            estimate = estimate_for_visit(store, signed(), visit_id)
            amount_due = estimate.totals.payer_pays
            expected = None if estimate.partial and not amount_due else amount_due
            found.append((visit_id, Decimal(amount), json.loads(adjustments),
                          Decimal(json.loads(charges)["total"]), expected))
    return found


def test_a_few_paid_claims_are_underpaid(paid):
    compared = [row for row in paid if row[4] is not None]
    underpaid = [row for row in compared if row[1] < row[4]]
    assert len(paid) > 100 and len(compared) > 30
    assert 1 <= len(underpaid) <= 0.05 * len(paid), [(r[0], r[1], r[4]) for r in underpaid]


def test_the_others_are_paid_what_the_estimate_expects(paid):
    for visit_id, amount, adjustments, total, expected in paid:
        assert amount + sum(Decimal(a["amount"]) for a in adjustments) == total, visit_id
        assert all(Decimal(a["amount"]) >= 0 for a in adjustments), visit_id  # allowed <= billed
        if expected is not None and amount >= expected:
            assert amount == expected, visit_id
