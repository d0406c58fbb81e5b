"""Drug lines: billing units per product per visit, JW/JZ waste lines, NDC and its quantity."""

from __future__ import annotations

from collections import Counter
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
    """The drug lines of one product and what the other rules need to know about them."""

    product: Product
    code: ProductCode
    lines: list[ClaimLine]
    administered_units: int
    discarded_units: int | None
    representative: str  # the administration id the lines are attached to

    @property
    def billed_units(self) -> int:
        return sum(line.units for line in self.lines)


def drug_bills(ctx: Context, pointers: list[int]) -> list[DrugBill]:
    """One DrugBill per billable product bought by the practice, in order of first appearance."""
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
    bills = []
    for admins in groups.values():
        bill = _bill_product(ctx, admins, pointers)
        if bill is not None:
            bills.append(bill)
    return bills


def _bill_product(ctx: Context, admins: list[Administration],
                  pointers: list[int]) -> DrugBill | None:
    first = admins[0]
    product = ctx.product(first)
    day = ctx.document.date_of_service
    total_mg = sum(a.dose_mg or 0 for a in admins)
    code = product.code_for(total_mg, day)
    if code is None:
        ctx.add("code-not-effective",
                f"{product.name} has no billing code effective on {day.isoformat()}",
                admin=first.id, field=f"{ctx.admin_path(first)}.product")
        return None
    units = billing_units(total_mg, code.unit_mg)
    vials = [v for a in admins for v in a.vials]
    ndc = _line_ndc(ctx, product, admins, vials)
    payable = not (ctx.document.setting == "hospital_outpatient"
                   and product.packaged_in_hospital_outpatient)
    waste_rules = product.single_dose and payable and ctx.payer.waste_modifiers != "none"

    opened_mg = sum(v.mg for v in vials)
    discarded: int | None = None
    if vials:
        discarded = billing_units(opened_mg, code.unit_mg) - units
        if discarded < 0:
            ctx.add("dose-exceeds-vials",
                    f"{product.short}: {_mg(total_mg)} mg given but the opened vials hold only "
                    f"{_mg(opened_mg)} mg: record every vial opened or correct the dose",
                    admin=first.id, field=f"{ctx.admin_path(first)}.vials")
            discarded = None

    given = f"{_mg(total_mg)} mg given"
    opened = f"{_mg(opened_mg)} mg opened ({len(vials)} vial{'s' if len(vials) != 1 else ''})"
    unit_text = f"{units} unit{'s' if units != 1 else ''} of {_mg(code.unit_mg)} mg"
    main = _line(ctx, code, units, [], ndc, total_mg, first, pointers, product)
    lines = [main]
    if not waste_rules:
        reason = ("packaged in hospital outpatient: no JW/JZ" if not payable
                  else "payer wants no waste modifiers" if product.single_dose
                  else "not a single-dose container: no JW/JZ")
        lines[0] = main.model_copy(update={"why": f"{given}, {unit_text}; {reason}"})
    elif discarded is None and not vials:
        ctx.add("waste-not-documented",
                f"{product.short}: no vials recorded, so waste is unknown"
                + ("; JZ assumes none was discarded" if ctx.payer.waste_modifiers == "jw_jz"
                   else ""),
                admin=first.id, field=f"{ctx.admin_path(first)}.vials")
        mods = ["JZ"] if ctx.payer.waste_modifiers == "jw_jz" else []
        lines[0] = main.model_copy(update={"modifiers": mods,
                                           "why": f"{given}, {unit_text}; vials not recorded"})
    elif discarded == 0:
        mods = ["JZ"] if ctx.payer.waste_modifiers == "jw_jz" else []
        tail = "no waste, JZ" if mods else "no waste"
        lines[0] = main.model_copy(update={"modifiers": mods,
                                           "why": f"{given} of {opened}: {tail}"})
    elif discarded is not None:
        waste_mg = min(opened_mg - total_mg, discarded * code.unit_mg)
        lines[0] = main.model_copy(update={"why": f"{given} of {opened}"})
        ctx.add("waste-jw",
                f"{product.short}: {_mg(opened_mg - total_mg)} mg discarded: {code.code} "
                f"x{units} administered + {code.code}-JW x{discarded} = {units + discarded} "
                "units of the opened vials", admin=first.id, field=f"{ctx.admin_path(first)}.vials")
        lines.append(_line(ctx, code, discarded, ["JW"], ndc, waste_mg, first, pointers, product)
                     .model_copy(update={"why": f"{_mg(opened_mg - total_mg)} mg discarded "
                                                f"from single-dose vials: JW line"}))
    else:
        lines[0] = main.model_copy(update={"why": f"{given}; waste not computable"})
    return DrugBill(product, code, lines, units, discarded, first.id)


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


def _line_ndc(ctx: Context, product: Product, admins: list[Administration],
              vials: list[Vial]) -> str | None:
    """The NDC for the drug line: the vials' (the one with most mg), else the catalog default.
    Checks each vial on the way: sample packages, other products' NDCs, expiry."""
    mg_by_ndc: Counter[str] = Counter()
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
            mg_by_ndc[vial.ndc] += vial.mg
    if len(mg_by_ndc) > 1:
        ctx.add("ndc-multiple",
                f"{product.short}: vials of {len(mg_by_ndc)} NDCs were opened "
                f"({', '.join(format_ndc(n) for n in mg_by_ndc)}); the line shows the largest",
                admin=admins[0].id, field=f"{ctx.admin_path(admins[0])}.vials")
    if mg_by_ndc:
        # The product's own packages first (a stray foreign NDC never heads the line), then
        # the NDC that carried the most drug.
        return max(mg_by_ndc, key=lambda ndc: (product.vial_for_ndc(ndc) is not None,
                                               mg_by_ndc[ndc]))
    return product.default_ndc()


def _round(value: float) -> int | float:
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def _mg(value: float) -> str:
    return f"{value:g}"
