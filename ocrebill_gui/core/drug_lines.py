"""Drug lines: billing units per product per visit, JW/JZ waste lines, NDC and its quantity.

With vials recorded, the vials decide the code (R6): each vial is billed under the code of its
size, the dose taken from the larger vials first (R13: 125 mg + 40 mg vials for 165 mg are
J2930 x1 + J2920 x1), and administered + JW units are exactly the units of what was opened.
Without vials the dose decides. A product without a code of its own on the date of service is
billed under the catalog's not-otherwise-classified code x1 (R10, R11). NDC quantities are the
real amounts: given on the drug line, discarded on the JW line (R7).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ocrebill_gui.core.catalog import Product, ProductCode, billing_units
from ocrebill_gui.core.claim import ClaimLine
from ocrebill_gui.core.context import Context
from ocrebill_gui.core.visit import Administration, Vial, format_ndc

SOURCE_WORDS = {
    "patient_supplied": "supplied by the patient",
    "free_drug_program": "from a free-drug program",
    "trial_sponsor": "supplied by a clinical-trial sponsor",
}


@dataclass(frozen=True)
class DrugBill:
    """The lines of one product under one code, and what the other rules need to know."""

    product: Product
    code: ProductCode
    lines: list[ClaimLine]
    administered_units: int
    discarded_units: int | None
    representative: str  # the administration id the lines are attached to
    given_mg: float = 0.0
    unclassified: bool = False  # a not-otherwise-classified code, billed x1 (R11)

    @property
    def billed_units(self) -> int:
        return sum(line.units for line in self.lines)


@dataclass(frozen=True)
class _Part:
    """What one code of a product carries: the amount given under it and its vials."""

    code: ProductCode
    given_mg: float
    vials: list[Vial]

    @property
    def opened_mg(self) -> float:
        return sum(v.mg for v in self.vials)


def drug_bills(ctx: Context, pointers: list[int]) -> list[DrugBill]:
    """The DrugBills of every billable product bought by the practice, in order of first
    appearance (a product billed under two codes gives two)."""
    groups: dict[str, list[Administration]] = {}
    for admin in ctx.document.administrations:
        product = ctx.product(admin)
        if admin.source != "purchased":
            if product.billable:
                ctx.add("drug-not-billed-source",
                        f"{product.short} {SOURCE_WORDS[admin.source]}: no drug line; "
                        "its administration is still billed",
                        admin=admin.id, field=f"{ctx.admin_path(admin)}.source")
            continue
        if product.billable and admin.dose_mg is not None:
            groups.setdefault(product.id, []).append(admin)
    bills: list[DrugBill] = []
    for admins in groups.values():
        bills.extend(_bill_product(ctx, admins, pointers))
    return bills


def vial_parts(product: Product, codes: list[ProductCode], total_mg: float,
               vials: list[Vial]) -> list[_Part] | None:
    """Split a dose over the codes of the vials opened: each vial under the smallest code
    that covers its size in one unit (else the largest), the dose taken from the larger
    vials first. None when the vials hold less than the dose."""
    by_size = sorted(codes, key=lambda c: c.unit_mg)
    if sum(v.mg for v in vials) + 1e-9 < total_mg:
        return None
    left = total_mg
    given: dict[str, float] = {}
    opened: dict[str, list[Vial]] = {}
    chosen: dict[str, ProductCode] = {}
    for vial in sorted(vials, key=lambda v: -v.mg):
        code = next((c for c in by_size if vial.mg <= c.unit_mg + 1e-9), by_size[-1])
        take = min(vial.mg, left)
        left -= take
        chosen[code.code] = code
        given[code.code] = given.get(code.code, 0.0) + take
        opened.setdefault(code.code, []).append(vial)
    order = sorted(chosen, key=lambda c: -chosen[c].unit_mg)
    return [_Part(chosen[c], given[c], opened[c]) for c in order]


def _bill_product(ctx: Context, admins: list[Administration],
                  pointers: list[int]) -> list[DrugBill]:
    first = admins[0]
    product = ctx.product(first)
    day = ctx.document.date_of_service
    total_mg = sum(a.dose_mg or 0 for a in admins)
    vials = [v for a in admins for v in a.vials]
    _check_vials(ctx, product, admins)
    codes = product.codes_on(day)
    if not codes:
        return _bill_unclassified(ctx, product, admins, total_mg, vials, pointers)
    parts = vial_parts(product, codes, total_mg, vials) if vials else None
    if vials and parts is None:
        ctx.add("dose-exceeds-vials",
                f"{product.short}: {_mg(total_mg)} mg given but the opened vials hold only "
                f"{_mg(sum(v.mg for v in vials))} mg: record every vial opened or correct the "
                "dose", admin=first.id, field=f"{ctx.admin_path(first)}.vials")
    if parts is None:  # no vials, or too few: the dose decides the code, waste is unknown
        code = product.code_for(total_mg, day)
        assert code is not None
        ndc = _line_ndc(product, vials) or product.default_ndc(code)
        _warn_several_ndcs(ctx, product, first, vials)
        units = billing_units(total_mg, code.unit_mg)
        return [_bill(ctx, product, code, units, None, total_mg, None, ndc, first, pointers,
                      vials_recorded=bool(vials))]
    bills = []
    for part in parts:
        _warn_several_ndcs(ctx, product, first, part.vials)
        units = billing_units(part.given_mg, part.code.unit_mg)
        opened_units = billing_units(part.opened_mg, part.code.unit_mg)
        bills.append(_bill(ctx, product, part.code, units, opened_units - units, part.given_mg,
                           part.opened_mg, _line_ndc(product, part.vials), first, pointers))
    return bills


def _bill_unclassified(ctx: Context, product: Product, admins: list[Administration],
                       total_mg: float, vials: list[Vial], pointers: list[int]) -> list[DrugBill]:
    """R10/R11: before the product's own code existed, the catalog's not-otherwise-classified
    code of the setting, x1 with the NDC and the real quantity; JW x1 for a discarded amount."""
    first = admins[0]
    day = ctx.document.date_of_service
    noc = ctx.catalog.unclassified_code(ctx.document.setting, day)
    own = min((c.effective_from for c in product.codes), default=None)
    since = f" ({product.codes[0].code} from {own.isoformat()})" if own else ""
    if noc is None:
        ctx.add("code-not-effective",
                f"{product.name} has no billing code effective on {day.isoformat()}{since}",
                admin=first.id, field=f"{ctx.admin_path(first)}.product")
        return []
    ctx.add("code-unclassified",
            f"{product.short} had no code of its own on {day.isoformat()}{since}: billed as "
            f"{noc.code} x1 with its NDC and quantity", admin=first.id,
            field=f"{ctx.admin_path(first)}.product")
    opened_mg = sum(v.mg for v in vials)
    if vials and opened_mg + 1e-9 < total_mg:
        ctx.add("dose-exceeds-vials",
                f"{product.short}: {_mg(total_mg)} mg given but the opened vials hold only "
                f"{_mg(opened_mg)} mg: record every vial opened or correct the dose",
                admin=first.id, field=f"{ctx.admin_path(first)}.vials")
        vials_known = False
    else:
        vials_known = bool(vials)
    waste_mg = opened_mg - total_mg if vials_known else None
    discarded = None if waste_mg is None else (1 if waste_mg > 1e-9 else 0)
    ndc = _line_ndc(product, vials) or product.default_ndc(None)
    _warn_several_ndcs(ctx, product, first, vials)
    return [_bill(ctx, product, noc, 1, discarded, total_mg,
                  opened_mg if vials_known else None, ndc, first, pointers,
                  vials_recorded=bool(vials), unclassified=True)]


def _bill(ctx: Context, product: Product, code: ProductCode, units: int,
          discarded: int | None, given_mg: float, opened_mg: float | None, ndc: str | None,
          first: Administration, pointers: list[int], *, vials_recorded: bool = True,
          unclassified: bool = False) -> DrugBill:
    """The drug line of one code, with JZ or a JW line as the payer and setting want."""
    payable = not (ctx.document.setting == "hospital_outpatient"
                   and product.packaged_in_hospital_outpatient)
    waste_rules = product.single_dose and payable and ctx.payer.waste_modifiers != "none"
    where = f"{ctx.admin_path(first)}.vials"
    given = f"{_mg(given_mg)} mg given"
    unit_text = ("x1, not otherwise classified" if unclassified else
                 f"{units} unit{'s' if units != 1 else ''} of {_mg(code.unit_mg)} mg")
    main = _line(ctx, code, units, [], ndc, given_mg, first, pointers, product)
    lines = [main]
    opened = f"{_mg(opened_mg)} mg opened" if opened_mg is not None else ""
    if not waste_rules:
        reason = ("packaged in hospital outpatient: no JW/JZ" if not payable
                  else "payer wants no waste modifiers" if product.single_dose
                  else "not a single-dose container: no JW/JZ")
        lines[0] = main.model_copy(update={"why": f"{given}, {unit_text}; {reason}"})
    elif opened_mg is None and vials_recorded:  # fewer vials than the dose: said already
        lines[0] = main.model_copy(update={"why": f"{given}, {unit_text}; waste not computable"})
    elif opened_mg is None:
        ctx.add("waste-not-documented",
                f"{product.short}: no vials recorded, so waste is unknown"
                + ("; JZ assumes none was discarded" if ctx.payer.waste_modifiers == "jw_jz"
                   else ""), admin=first.id, field=where)
        mods = ["JZ"] if ctx.payer.waste_modifiers == "jw_jz" else []
        lines[0] = main.model_copy(update={"modifiers": mods,
                                           "why": f"{given}, {unit_text}; vials not recorded"})
    elif not discarded:
        mods = ["JZ"] if ctx.payer.waste_modifiers == "jw_jz" else []
        # Left in a vial but not a whole billing unit ("up to 125 mg"): nothing to bill as
        # waste, which is not the same as nothing left.
        waste = "no billable waste" if opened_mg > given_mg else "no waste"
        tail = f"{waste}, JZ" if mods else waste
        lines[0] = main.model_copy(update={"modifiers": mods,
                                           "why": f"{given} of {opened}, {unit_text}: {tail}"})
    else:
        waste_mg = opened_mg - given_mg
        if units:
            lines[0] = main.model_copy(update={"why": f"{given} of {opened}, {unit_text}"})
        else:  # a vial of this size was opened and nothing given from it: only waste
            lines = []
        total = f"x{units} administered + {code.code}-JW x{discarded} = {units + discarded}"
        whole = min((v.mg for v in product.vials), default=None)
        if whole is not None and waste_mg >= whole - 1e-9:  # a vial the dose did not need
            ctx.add("waste-whole-vial",
                    f"{product.short}: {_mg(waste_mg)} mg discarded, a whole {_mg(whole)} mg "
                    f"vial or more: {_mg(opened_mg)} mg opened for {given}. Check the vials "
                    f"recorded; if it was opened, {code.code} {total} units",
                    admin=first.id, field=where)
        else:
            ctx.add("waste-jw",
                    f"{product.short}: {_mg(waste_mg)} mg discarded: {code.code} {total} "
                    + ("lines" if unclassified else "units of the opened vials"),
                    admin=first.id, field=where)
        lines.append(_line(ctx, code, discarded, ["JW"], ndc, waste_mg, first, pointers, product)
                     .model_copy(update={"why": f"{_mg(waste_mg)} mg discarded from "
                                                "single-dose vials: JW line"}))
    return DrugBill(product, code, [line for line in lines if line.units > 0], units, discarded,
                    first.id, given_mg, unclassified)


def _line(ctx: Context, code: ProductCode, units: int, modifiers: list[str], ndc: str | None,
          mg: float, admin: Administration, pointers: list[int], product: Product) -> ClaimLine:
    quantity = None
    unit = None
    if ndc is not None:
        unit = ctx.payer.ndc_unit
        vial = product.vial_for_ndc(ndc)
        if unit == "UN":
            per = vial.mg if vial else (product.vials[0].mg if product.vials else None)
            quantity = _round(mg / per) if per else None
        else:
            concentration = (vial.mg / vial.ml) if vial else product.concentration_mg_per_ml
            quantity = _round(mg / concentration) if concentration else None
    return ClaimLine(code=code.code, modifiers=modifiers, units=units, ndc=ndc,
                     ndc_unit=unit if quantity is not None else None, ndc_quantity=quantity,
                     diagnosis_pointers=pointers, administration=admin.id, label=code.label)


def _check_vials(ctx: Context, product: Product, admins: list[Administration]) -> None:
    """Sample packages, other products' NDCs, expiry, a lot not recorded: once per product."""
    for admin in admins:
        for index, vial in enumerate(admin.vials):
            where = f"{ctx.admin_path(admin)}.vials[{index}]"
            if vial.ndc in product.sample_ndcs:
                ctx.add("ndc-sample",
                        f"NDC {format_ndc(vial.ndc)} is a sample package of {product.short}: "
                        "samples are never billable. If a sample was given, set the drug source "
                        "to free drug (no drug line); otherwise correct the NDC",
                        admin=admin.id, field=f"{where}.ndc")
            elif product.vials and product.vial_for_ndc(vial.ndc) is None:
                known = ", ".join(format_ndc(v.ndc) for v in product.vials)
                ctx.add("ndc-other-product",
                        f"NDC {format_ndc(vial.ndc)} is not a known {product.short} package "
                        f"(known: {known})", admin=admin.id, field=f"{where}.ndc")
            if vial.expires is not None and vial.expires < ctx.document.date_of_service:
                ctx.add("vial-expired",
                        f"{product.short} lot {vial.lot or '?'} expired on "
                        f"{vial.expires.isoformat()}, before the date of service",
                        admin=admin.id, field=f"{where}.expires")
            if not (vial.lot or "").strip():
                ctx.add("vial-lot-missing",
                        f"{product.short} vial {index + 1} (NDC {format_ndc(vial.ndc)}): lot "
                        "not recorded", admin=admin.id, field=f"{where}.lot")


def _warn_several_ndcs(ctx: Context, product: Product, first: Administration,
                       vials: list[Vial]) -> None:
    """Vials of several NDCs behind one line (vials of different sizes billed under a code
    each, R13, are not this)."""
    ndcs = list(dict.fromkeys(v.ndc for v in vials))
    if len(ndcs) > 1:
        ctx.add("ndc-multiple",
                f"{product.short}: vials of {len(ndcs)} NDCs were opened "
                f"({', '.join(format_ndc(n) for n in ndcs)}); the line shows the largest",
                admin=first.id, field=f"{ctx.admin_path(first)}.vials")


def _line_ndc(product: Product, vials: list[Vial]) -> str | None:
    """The NDC for a drug line from its vials: the product's own packages first (a stray
    foreign NDC never heads the line), then the one that carried the most drug."""
    mg_by_ndc: defaultdict[str, float] = defaultdict(float)
    for vial in vials:
        mg_by_ndc[vial.ndc] += vial.mg
    if not mg_by_ndc:
        return None
    return max(mg_by_ndc, key=lambda ndc: (product.vial_for_ndc(ndc) is not None,
                                           mg_by_ndc[ndc]))


def _round(value: float) -> int | float:
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def _mg(value: float) -> str:
    return f"{value:g}"
