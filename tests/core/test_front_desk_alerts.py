"""The front desk's alerts: authorizations against the next dose, benefits, lots, stock."""

from dataclasses import dataclass
from datetime import date

import pytest

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.dose_schedule import NextDose
from ocrebill_gui.core.front_desk_alerts import (
    authorization_alerts,
    benefits_alert,
    lot_alert,
    stock_alert,
    units_for_dose,
)

TODAY = date(2026, 12, 7)
CATALOG = default_catalog()


@dataclass
class Auth:
    number: str
    valid_from: date
    valid_to: date
    remaining_units: int | None
    product: str = "ocrevus"


@dataclass
class Lot:
    lot: str
    expires: date
    on_hand: int
    product: str = "ocrevus"


def dose(due, mg=600):
    return NextDose("ocrevus", mg, due, None, "maintenance dose")


def kinds(alerts):
    return [(a.kind, a.severity) for a in alerts]


def test_units_for_a_dose_follow_the_code_unit():
    assert units_for_dose(CATALOG, "ocrevus", 600, TODAY) == 600  # J2350: 1 mg
    assert units_for_dose(CATALOG, "rituximab", 1000, TODAY) == 100  # J9312: 10 mg
    assert units_for_dose(CATALOG, "no-such-drug", 600, TODAY) is None


def test_an_authorization_that_covers_the_next_dose_says_nothing():
    auth = Auth("PA-1", date(2026, 6, 1), date(2027, 5, 31), 600)
    assert authorization_alerts([auth], dose(date(2027, 1, 20)), CATALOG, TODAY) == []


def test_too_few_units_left_for_the_next_dose():
    auth = Auth("PA-1", date(2026, 6, 1), date(2027, 5, 31), 300)
    [alert] = authorization_alerts([auth], dose(date(2027, 1, 20)), CATALOG, TODAY)
    assert (alert.kind, alert.severity, alert.when) == ("authorization-short", "error",
                                                        date(2027, 1, 20))
    assert "PA-1 has 300 units left" in alert.text and "needs 600" in alert.text


def test_ending_before_the_next_dose_and_a_renewal_that_takes_over():
    old = Auth("PA-1", date(2026, 1, 1), date(2026, 12, 31), 600)
    alerts = authorization_alerts([old], dose(date(2027, 1, 20)), CATALOG, TODAY)
    # The error names PA-1 ending: no second "ending" warning about the same authorization.
    assert kinds(alerts) == [("authorization-ends-before-dose", "error")]
    renewal = Auth("PA-2", date(2027, 1, 1), date(2027, 12, 31), 1200)
    assert authorization_alerts([old, renewal], dose(date(2027, 1, 20)), CATALOG, TODAY) == []


def test_another_authorization_ending_keeps_its_warning_beside_the_error():
    ending = Auth("PA-1", date(2026, 1, 1), date(2026, 12, 20), 600)
    later = Auth("PA-2", date(2027, 2, 1), date(2027, 12, 31), 1200)  # after the dose
    alerts = authorization_alerts([ending, later], dose(date(2027, 1, 20)), CATALOG, TODAY)
    assert kinds(alerts) == [("authorization-ends-before-dose", "error"),
                             ("authorization-ending", "warning")]
    assert "PA-2 starts" in alerts[0].text and "PA-1 ends" in alerts[1].text


def test_an_overdue_dose_is_checked_for_today():
    auth = Auth("PA-1", date(2026, 1, 1), date(2026, 12, 6), 600)
    # Ended yesterday: not live, so nothing to say about it; no live authorization at all is
    # the visit's own finding (pa-missing), not an alert on an authorization.
    assert authorization_alerts([auth], dose(date(2026, 11, 1)), CATALOG, TODAY) == []
    current = Auth("PA-2", date(2026, 12, 10), date(2027, 12, 9), 1200)
    [alert] = authorization_alerts([current], dose(date(2026, 11, 1)), CATALOG, TODAY)
    assert alert.kind == "authorization-ends-before-dose" and "starts 2026-12-10" in alert.text


def test_another_products_authorization_is_not_this_dose_s():
    other = Auth("PA-9", date(2026, 1, 1), date(2027, 12, 31), 0, product="natalizumab")
    assert authorization_alerts([other], dose(date(2027, 1, 20)), CATALOG, TODAY) == []


@pytest.mark.parametrize(("last", "reverify", "expected"), [
    (None, None, ("benefits-due", "warning")),
    (date(2026, 6, 1), date(2027, 3, 1), None),
    (date(2026, 6, 1), date(2026, 12, 20), ("benefits-due", "warning")),
    (date(2026, 6, 1), date(2026, 12, 1), ("benefits-due", "error")),
])
def test_benefits_due(last, reverify, expected):
    alert = benefits_alert(last, reverify, TODAY, "Lakeside PPO (primary)")
    assert (None if alert is None else (alert.kind, alert.severity)) == expected


def test_lots_expiring_and_expired_with_vials_on_hand():
    assert lot_alert(Lot("L1", date(2027, 3, 1), 4), TODAY) is None
    soon = lot_alert(Lot("L2", date(2026, 12, 30), 4), TODAY)
    assert soon.kind == "lot-expiring" and "23 days" in soon.text
    gone = lot_alert(Lot("L3", date(2026, 12, 1), 2), TODAY)
    assert gone.kind == "lot-expired" and gone.severity == "error"
    assert lot_alert(Lot("L4", date(2026, 12, 1), 0), TODAY) is None


def test_stock_at_or_below_the_reorder_level():
    assert stock_alert("Ocrevus", 5, 4) is None
    assert stock_alert("Ocrevus", 4, 4).kind == "stock-low"
    assert stock_alert("Ocrevus", 0, None) is None
