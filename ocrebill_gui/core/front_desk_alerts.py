"""What the front desk must act on before a patient's next dose: the rules, without the store.

Each function takes plain values (the store's records fit the small protocols below) and
returns `Alert`s: a kind, how urgent, the date that matters and a sentence that names the
authorization, lot or coverage by its number, never the patient (the list shows the patient
beside it; the sentence may also reach a log).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

from ocrebill_gui.core.catalog import Catalog, billing_units
from ocrebill_gui.core.dose_schedule import NextDose

Severity = Literal["error", "warning", "info"]
SOON_DAYS = 30


@dataclass(frozen=True)
class Alert:
    kind: Literal["authorization-short", "authorization-ends-before-dose",
                  "authorization-ending", "benefits-due", "lot-expiring", "lot-expired",
                  "stock-low"]
    severity: Severity
    when: date | None
    text: str


class AuthorizationLike(Protocol):
    number: str
    product: str
    valid_from: date
    valid_to: date
    remaining_units: int | None


class LotLike(Protocol):
    product: str
    lot: str
    expires: date
    on_hand: int


def units_for_dose(catalog: Catalog, product: str, mg: float, day: date) -> int | None:
    """The billing units a dose of `mg` takes from an authorization (None: no code that day)."""
    found = catalog.products.get(product)
    code = found.code_for(mg, day) if found else None
    return billing_units(mg, code.unit_mg) if code else None


def authorization_alerts(auths: Sequence[AuthorizationLike], next_dose: NextDose | None,
                         catalog: Catalog, today: date) -> list[Alert]:
    """For one coverage's authorizations of the next dose's product (any others are ignored):
    an error when none will cover the next scheduled dose (ended by then, or too few units
    left), and a warning for each ending within 30 days that no later one takes over from
    (not for the one the error already says ends before the dose: said once, as the error)."""
    product = next_dose.product if next_dose else None
    live = [a for a in auths if a.valid_to >= today and (product is None or a.product == product)]
    alerts: list[Alert] = []
    named: str | None = None  # the authorization of the next dose's error
    if next_dose is not None and next_dose.due is not None and live:
        found, named = _next_dose_alert(live, next_dose, next_dose.due, catalog, today)
        alerts.extend(found)
    for auth in live:
        next_day = auth.valid_to + timedelta(days=1)
        followed = any(other.valid_from <= next_day <= other.valid_to
                       and other.product == auth.product for other in live)
        if auth.number == named:
            continue
        if auth.valid_to <= today + timedelta(days=SOON_DAYS) and not followed:
            alerts.append(Alert("authorization-ending", "warning", auth.valid_to,
                                f"Authorization {auth.number} ends "
                                f"{auth.valid_to.isoformat()} "
                                f"({(auth.valid_to - today).days} days)"))
    return alerts


def _next_dose_alert(live: Sequence[AuthorizationLike], next_dose: NextDose, due: date,
                     catalog: Catalog, today: date) -> tuple[list[Alert], str | None]:
    """The error when no live authorization covers the next dose, and the number of the
    authorization it says ends (or starts) outside the dose's date."""
    when = max(due, today)  # an overdue dose is given as soon as it can be
    needed = units_for_dose(catalog, next_dose.product, next_dose.mg, when)
    valid = [a for a in live if a.valid_from <= when <= a.valid_to]
    if any(needed is None or a.remaining_units is None or a.remaining_units >= needed
           for a in valid):
        return [], None
    dose = f"the next dose ({next_dose.mg:g} mg, due {due.isoformat()})"
    if valid:
        best = max(valid, key=lambda a: a.remaining_units or 0)
        return [Alert("authorization-short", "error", due,
                      f"Authorization {best.number} has {best.remaining_units} units left; "
                      f"{dose} needs {needed}")], None  # its end date: another matter
    last = max(live, key=lambda a: a.valid_to)
    if last.valid_to < when:
        return [Alert("authorization-ends-before-dose", "error", last.valid_to,
                      f"Authorization {last.number} ends {last.valid_to.isoformat()}, before "
                      f"{dose}: ask the plan for a renewal")], last.number
    return [Alert("authorization-ends-before-dose", "error", last.valid_from,
                  f"Authorization {last.number} starts {last.valid_from.isoformat()}, after "
                  f"{dose}")], last.number


def no_units_left(auth: AuthorizationLike) -> bool:
    """An authorization with a unit limit whose units are all used."""
    return auth.remaining_units is not None and auth.remaining_units <= 0


def authorization_standing(auth: AuthorizationLike, today: date) -> Severity | None:
    """How an authorization stands on `today`, for its row in a list (the same 30 days as its
    alert): "error" once it has ended or has no units left, "warning" when it ends within
    SOON_DAYS days, else None."""
    if auth.valid_to < today or no_units_left(auth):
        return "error"
    return "warning" if auth.valid_to <= today + timedelta(days=SOON_DAYS) else None


def benefits_alert(last_verified: date | None, reverify_on: date | None, today: date,
                   coverage_label: str) -> Alert | None:
    """Benefits never verified for a coverage, or due for re-verification within 30 days."""
    if last_verified is None:
        return Alert("benefits-due", "warning", None,
                     f"Benefits of {coverage_label} have not been verified")
    standing = reverification_standing(reverify_on, today)
    if reverify_on is not None and standing is not None:
        return Alert("benefits-due", standing, reverify_on, f"Benefits of {coverage_label}: "
                     f"re-verify by {reverify_on.isoformat()} (last verified "
                     f"{last_verified.isoformat()})")
    return None


def reverification_standing(reverify_on: date | None, today: date) -> Severity | None:
    """A verification's re-verify-by date on `today`: "error" once past, "warning" within
    SOON_DAYS days, else None (none set: None)."""
    if reverify_on is None or reverify_on > today + timedelta(days=SOON_DAYS):
        return None
    if reverify_on < today:
        return "error"
    return "warning"


def lot_alert(lot: LotLike, today: date) -> Alert | None:
    """A lot with vials on the shelf that has expired or expires within 30 days."""
    if lot.on_hand <= 0:
        return None
    if lot.expires < today:
        return Alert("lot-expired", "error", lot.expires,
                     f"Lot {lot.lot} ({lot.product}) expired {lot.expires.isoformat()} with "
                     f"{lot.on_hand} vial(s) on hand: set them aside")
    if lot.expires <= today + timedelta(days=SOON_DAYS):
        return Alert("lot-expiring", "warning", lot.expires,
                     f"Lot {lot.lot} ({lot.product}) expires {lot.expires.isoformat()} "
                     f"({(lot.expires - today).days} days, {lot.on_hand} vial(s) on hand)")
    return None


def stock_alert(product_label: str, on_hand: int, reorder_level: int | None) -> Alert | None:
    """Vials on hand (usable lots only) at or below the product's reorder level."""
    if reorder_level is None or on_hand > reorder_level:
        return None
    return Alert("stock-low", "warning", None,
                 f"{product_label}: {on_hand} vial(s) on hand, at or below the reorder level "
                 f"of {reorder_level}")
