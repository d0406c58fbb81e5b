"""Benefits verifications as the front desk and the nurse read them: money in dollars with
cents, yes/no answers, and the compact line the visit editor shows (no Qt here)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

METHODS = {"phone": "Phone", "portal": "Portal", "271": "271 (electronic)"}
BENEFITS = {"medical": "Medical", "pharmacy": "Pharmacy"}


def dollars(amount: Decimal | float | None) -> str:
    """'$1,500.00'; an empty text when the plan did not say."""
    return "" if amount is None else f"${Decimal(str(amount)):,.2f}"


def percent_text(value: Decimal | float | None) -> str:
    return "" if value is None else f"{Decimal(str(value)).normalize():f}%"


def yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def cost_share(block: Mapping[str, Any]) -> str:
    """'20% coinsurance, copay $35.00' (what the patient pays of a claim), or ''."""
    parts = []
    if block.get("coinsurance_percent") is not None:
        parts.append(f"{percent_text(block['coinsurance_percent'])} coinsurance")
    if block.get("copay") is not None:
        parts.append(f"copay {dollars(block['copay'])}")
    return ", ".join(parts)


def visit_line(block: Mapping[str, Any] | None, drug: str = "") -> str:
    """The visit editor's line for its `benefits_verification` block: 'Benefits of Ocrevus
    verified 2026-02-20: deductible $250.50 left, 20% coinsurance, out-of-pocket $4,100.00
    left; re-verify by 2026-08-20'. '' without a block (no coverage or no drug to verify)."""
    if not block:
        return ""
    of = f" of {drug}" if drug else ""
    if not block.get("verified_on"):
        return (f"Benefits{of}: no verification recorded for this coverage (Patients, "
                "Coverage, Benefits\u2026)")
    parts = []
    if block.get("deductible_remaining") is not None:
        parts.append(f"deductible {dollars(block['deductible_remaining'])} left")
    if cost_share(block):
        parts.append(cost_share(block))
    if block.get("out_of_pocket_remaining") is not None:
        parts.append(f"out-of-pocket {dollars(block['out_of_pocket_remaining'])} left")
    said = ": " + ", ".join(parts) if parts else ""
    again = (f"; re-verify by {block['next_verification']}"
             if block.get("next_verification") else "")
    return f"Benefits{of} verified {block['verified_on']}{said}{again}"
