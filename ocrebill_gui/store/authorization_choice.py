"""Which prior authorization a visit uses: always one that belongs to the visit's coverage and
covers its drug on its date of service, or none (issue 13: the old plan's PA stayed on a visit
moved to Medicare and was printed on its superbill).

A visit says how its authorization is chosen (`visits.authorization_choice`):
- "auto": the coverage's authorization valid for the visit's monoclonal on its date, most
  units left first; re-chosen whenever the coverage, the drug or the date changes;
- "chosen": the one the biller picked; when a change of coverage, drug or date leaves it not
  covering the visit, the visit goes back to "auto" (a stale choice is never kept);
- "none": no authorization, on purpose (none is needed, or the biller bills without one).

A finalized visit keeps the one it was billed with: finalizing refuses a chosen one that no
longer covers the visit (someone corrected the authorization meanwhile), with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ocrebill_gui.store.authorizations import authorization_for, get_authorization
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.errors import InvalidRecord
from ocrebill_gui.store.records import Authorization

CHOICES = ("auto", "none", "chosen")


def visit_day(document: Mapping[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(document.get("date_of_service")))
    except ValueError:
        return None


def why_not(store: Store, auth: Authorization, coverage_id: int | None,
            document: Mapping[str, Any]) -> str | None:
    """Why `auth` cannot be the authorization of this visit (None when it can)."""
    from ocrebill_gui.core.catalog import default_catalog
    from ocrebill_gui.store.visit_documents import authorized_product

    if auth.coverage_id != coverage_id:
        return (f"authorization {auth.number} belongs to another coverage than the visit's"
                if coverage_id is not None else
                f"authorization {auth.number} needs the visit's coverage: choose it first")
    product, day = authorized_product(document), visit_day(document)
    if product is not None and auth.product != product:
        products = default_catalog().products
        names = [products[p].short if p in products else p for p in (auth.product, product)]
        return f"authorization {auth.number} is for {names[0]}, not {names[1]}"
    if day is not None and not auth.valid_on(day):
        return (f"authorization {auth.number} is valid {auth.valid_from.isoformat()} to "
                f"{auth.valid_to.isoformat()}, not on {day.isoformat()}")
    return None


def automatic(store: Store, coverage_id: int | None,
              document: Mapping[str, Any]) -> Authorization | None:
    """The coverage's authorization for the visit's monoclonal, valid on its date."""
    from ocrebill_gui.store.visit_documents import authorized_product

    product, day = authorized_product(document), visit_day(document)
    if coverage_id is None or product is None or day is None:
        return None
    return authorization_for.inside(store, coverage_id, product, day)


def settle(store: Store, coverage_id: int | None, document: Mapping[str, Any],
           choice: str, authorization_id: int | None, *,
           refuse_stale: bool = False) -> tuple[str, Authorization | None]:
    """(choice, authorization in use) for a visit of `coverage_id` holding `document`.

    A "chosen" authorization that does not cover the visit (another coverage, drug or date)
    is re-chosen automatically, or refused with the reason (InvalidRecord naming
    authorization_id) when `refuse_stale`: a choice made now is refused, one carried over
    from before a change gives way."""
    if choice not in CHOICES:
        raise InvalidRecord([("authorization_choice", f"must be one of {', '.join(CHOICES)}")])
    if choice == "none":
        return "none", None
    if choice == "chosen" and authorization_id is not None:
        auth = get_authorization.inside(store, authorization_id)
        reason = why_not(store, auth, coverage_id, document)
        if reason is None:
            return "chosen", auth
        if refuse_stale:
            raise InvalidRecord([("authorization_id", reason + ": choose another one, "
                                  "automatic or none")])
    return "auto", automatic(store, coverage_id, document)
