"""Compare the lines a biller proposes with the computed ones and name the known mistakes
(billing-rules.md section 9): units per vial, extra hours, J7512, S9342, JW without JZ..."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ocrebill_gui.core.claim import ClaimLine
from ocrebill_gui.core.context import Context
from ocrebill_gui.core.drug_lines import DrugBill
from ocrebill_gui.core.visit import ProposedLine

EXTRA_HOUR_CODES = {"96366", "96415", "96361"}
FAMILY_SWAP = {"96365": "96413", "96366": "96415", "96367": "96417", "96374": "96409",
               "96375": "96411", "96372": "96401"}
FAMILY_SWAP.update({v: k for k, v in list(FAMILY_SWAP.items())})
UNCLASSIFIED = {"J3490", "J3590", "J9999", "C9399"}


def compare_proposed(ctx: Context, lines: list[ClaimLine], bills: list[DrugBill]) -> None:
    proposed = ctx.document.proposed_lines
    if not proposed:
        return
    want: dict[str, dict[tuple[str, ...], float]] = defaultdict(lambda: defaultdict(float))
    for line in lines:
        want[line.code][tuple(sorted(line.modifiers))] += line.units
    have: dict[str, dict[tuple[str, ...], float]] = defaultdict(lambda: defaultdict(float))
    for offered in proposed:
        have[offered.code.strip().upper()][tuple(sorted(m.upper() for m in offered.modifiers))] \
            += offered.units
    bill_by_code = {b.code.code: b for b in bills}
    explained: set[str] = set()
    for code in sorted(have):
        field = f"proposed_lines[{_index(proposed, code)}]"
        if code in want:
            _compare_code(ctx, code, want[code], have[code], bill_by_code.get(code), field)
            explained.add(code)
        elif FAMILY_SWAP.get(code) in want:
            ctx.add("proposed-family",
                    f"{code} proposed, but payer profile '{ctx.payer.name}' codes this "
                    f"administration as {FAMILY_SWAP[code]}", field=field)
            explained.update({code, FAMILY_SWAP[code]})
        elif _special(ctx, code, sum(have[code].values()), field):
            explained.add(code)
        else:
            ctx.add("proposed-extra-line",
                    f"{code} is proposed but nothing recorded in the visit supports it",
                    field=field)
            explained.add(code)
    for code in sorted(set(want) - explained):
        units = sum(want[code].values())
        ctx.add("proposed-missing-line",
                f"{code} x{units:g} is computed from the visit but not proposed",
                field="proposed_lines")


def _index(proposed: Sequence[ProposedLine], code: str) -> int:
    return next(i for i, line in enumerate(proposed) if line.code.strip().upper() == code)


def _compare_code(ctx: Context, code: str, want: dict[tuple[str, ...], float],
                  have: dict[tuple[str, ...], float], bill: DrugBill | None,
                  field: str) -> None:
    want_units, have_units = sum(want.values()), sum(have.values())
    if bill is not None:
        vials = sum(len(a.vials) for a in ctx.document.administrations
                    if a.product == bill.product.id and a.source == "purchased")
        if have_units < want_units and vials and have_units == vials:
            ctx.add("proposed-per-vial",
                    f"{code} x{have_units:g} counts vials; {bill.product.short} bills "
                    f"{bill.code.unit_mg:g} mg per unit: {code} x{want_units:g}", field=field)
            return
        if have_units != want_units:
            ctx.add("proposed-units",
                    f"{code} x{have_units:g} proposed; the dose gives x{want_units:g} "
                    f"({bill.code.unit_mg:g} mg per unit, rounded up)", field=field)
            return
        if set(want) != set(have):
            expected = " + ".join(f"{code}{'-' + '-'.join(m) if m else ''} x{u:g}"
                                  for m, u in sorted(want.items()))
            ctx.add("proposed-waste-modifier",
                    f"{code}: modifiers should be {expected} (JZ when nothing is discarded, a "
                    "separate JW line for discarded drug)", field=field)
        return
    if have_units != want_units:
        rule = "proposed-extra-hours" if code in EXTRA_HOUR_CODES else "proposed-units"
        ctx.add(rule, f"{code} x{have_units:g} proposed; the recorded times give x{want_units:g}",
                field=field)


def _not_effective(ctx: Context, code: str, field: str) -> bool:
    """A product code proposed on a date it was not in effect: name the code that was (R10)."""
    day = ctx.document.date_of_service
    for product_id in sorted(ctx.products_given):
        product = ctx.catalog.products[product_id]
        own = next((c for c in product.codes if c.code == code), None)
        if own is None or own.effective_on(day):
            continue
        when = (f"from {own.effective_from.isoformat()}" if day < own.effective_from
                else f"until {own.effective_to.isoformat() if own.effective_to else '?'}")
        current = product.code_for(1, day) or ctx.catalog.unclassified_code(
            ctx.document.setting, day)
        instead = (f"; on {day.isoformat()} {product.short} is billed as {current.code}"
                   + (" x1 with its NDC" if not product.codes_on(day) else "")
                   if current else "")
        ctx.add("proposed-code-not-effective",
                f"{code} was not in effect on {day.isoformat()} (in effect {when}){instead}",
                field=field)
        return True
    return False


def _special(ctx: Context, code: str, units: float, field: str) -> bool:
    products = ctx.products_given
    day = ctx.document.date_of_service
    if _not_effective(ctx, code, field):
        return True
    if code == "J7512":
        ctx.add("proposed-oral-prednisone",
                "J7512 is oral prednisone; IV methylprednisolone is J2920 (up to 40 mg) or "
                "J2930 (up to 125 mg)", field=field)
        return True
    if code == "S9342":
        ctx.add("proposed-enteral-nutrition",
                "S9342 is enteral nutrition, not home drug infusion", field=field)
        return True
    if code in UNCLASSIFIED or code.startswith("C9"):
        if any(a.source == "trial_sponsor" for a in ctx.document.administrations):
            ctx.add("proposed-unclassified-trial",
                    f"{code}: sponsor-supplied trial drug is not billed at all (use Q0/Q1, Z00.6 "
                    "and the NCT number instead)", field=field)
            return True
        zunovo = ctx.catalog.products.get("ocrevus-zunovo")
        own = zunovo.codes_on(day) if zunovo else []
        if "ocrevus-zunovo" in products and own:
            ctx.add("proposed-old-code",
                    f"{code}: Ocrevus Zunovo has its own code, {own[0].code}", field=field)
            return True
    if code in EXTRA_HOUR_CODES:
        ctx.add("proposed-extra-hours",
                f"{code} x{units:g} proposed, but no recorded running time earns an extra hour "
                "(it needs more than 30 min beyond the last full hour)", field=field)
        return True
    return False
