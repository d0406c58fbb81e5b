"""Visit-level checks: prior authorization, doses and intervals, routes, setting, trials."""

from __future__ import annotations

from datetime import timedelta

from ocrebill_gui.core.context import Context
from ocrebill_gui.core.diagnoses import diagnosis_rules
from ocrebill_gui.core.drug_lines import DrugBill
from ocrebill_gui.core.timeline import Timeline
from ocrebill_gui.core.visit import Administration

INDUCTION_GAP_DAYS = (10, 21)  # second 300 mg induction dose: two weeks after the first
MAINTENANCE_MIN_DAYS = 140  # 20 weeks (5 months)


def check_prior_authorization(ctx: Context, bills: list[DrugBill]) -> None:
    payer = ctx.payer
    # R9: administered and JW units both count against the approval (both are billed).
    units = sum(b.billed_units for b in bills if b.product.monoclonal)
    traditional_medicare = payer.program == "medicare" and not payer.medicare_advantage
    if traditional_medicare and payer.prior_auth_required:
        # One clear finding about the profile, not an error about a missing authorization
        # that traditional Medicare never asks for.
        ctx.add("pa-medicare-traditional",
                f"Payer profile '{payer.name}' requires prior authorization, but traditional "
                "Medicare has none for Part B drugs (only Medicare Advantage plans do): no "
                "authorization is asked for; correct the profile", field="payer")
    over_limit = payer.prior_auth_unit_limit is not None and units > payer.prior_auth_unit_limit
    required = units > 0 and not traditional_medicare and (payer.prior_auth_required
                                                           or over_limit)
    auth = ctx.document.prior_authorization
    if auth is None:
        if required:
            why = ("the payer requires one" if payer.prior_auth_required
                   else f"{units} units exceed the payer's limit of {payer.prior_auth_unit_limit}")
            ctx.add("pa-missing", f"No prior authorization recorded: {why}",
                    field="prior_authorization")
        return
    day = ctx.document.date_of_service
    if not auth.valid_from <= day <= auth.valid_to:
        ctx.add("pa-dates",
                f"Authorization {auth.number} is valid {auth.valid_from.isoformat()} to "
                f"{auth.valid_to.isoformat()}; the date of service {day.isoformat()} is outside",
                field="prior_authorization.valid_to" if day > auth.valid_to
                else "prior_authorization.valid_from")
    if auth.approved_units is not None and units > auth.approved_units:
        total = auth.approved_units_total
        approved = (f"has {auth.approved_units} of its {total} approved units left"
                    if total is not None and total != auth.approved_units
                    else f"approves {auth.approved_units}")
        ctx.add("pa-units", f"{units} units billed but authorization {auth.number} {approved}",
                field="prior_authorization.approved_units")


def check_administrations(ctx: Context) -> None:
    for admin in ctx.document.administrations:
        product = ctx.product(admin)
        path = ctx.admin_path(admin)
        if admin.route not in product.routes:
            usual = " or ".join(r.replace("_", " ") for r in product.routes)
            ctx.add("route-unusual",
                    f"{product.short} is given {usual}, not {admin.route.replace('_', ' ')}",
                    admin=admin.id, field=f"{path}.route")
        if product.label_doses_mg and admin.dose_mg is not None \
                and admin.dose_mg not in product.label_doses_mg:
            doses = " or ".join(f"{d:g}" for d in product.label_doses_mg)
            ctx.add("dose-off-label",
                    f"{product.short}: {admin.dose_mg:g} mg is not a label dose ({doses} mg)",
                    admin=admin.id, field=f"{path}.dose_mg")
        timeline = ctx.timelines[admin.id]
        _check_event_dates(ctx, admin, path, timeline)
        typical = product.typical_minutes.get(f"{admin.dose_mg:g}") if admin.dose_mg else None
        if typical and timeline.usable and timeline.running_minutes > typical + 60:
            ctx.add("running-time-long",
                    f"{product.short} ran {timeline.running_minutes} min for {admin.dose_mg:g} mg "
                    f"(about {typical} usual): is the 1-hour observation inside the stop time? "
                    "Observation is not infusion time", admin=admin.id, field=f"{path}.events")
        shortest = product.shortest_minutes.get(f"{admin.dose_mg:g}") if admin.dose_mg else None
        if shortest and timeline.usable and timeline.intervals \
                and timeline.running_minutes < shortest - 10:
            ctx.add("running-time-short",
                    f"{product.short} {admin.dose_mg:g} mg ran {timeline.running_minutes} min; "
                    f"the label's shortest run is {shortest} min: check the start and stop "
                    "times", admin=admin.id, field=f"{path}.events")
        _check_interval(ctx, admin, path)


def _check_event_dates(ctx: Context, admin: Administration, path: str,
                       timeline: Timeline) -> None:
    """Events belong to the date of service; an infusion that started that day and ran past
    midnight stays billed on it (R8). Times on a daylight-saving change are pointed out (R14)."""
    day = ctx.document.date_of_service
    short = ctx.product(admin).short
    next_day = day + timedelta(days=1)
    starts_on_day = bool(admin.events) and admin.events[0].at.date() == day
    for number, event in enumerate(admin.events, start=1):
        dated = event.at.date()
        if dated == day or (dated == next_day and starts_on_day
                            and admin.route == "iv_infusion" and event.kind != "start"):
            continue
        ctx.add("timeline-other-day",
                f"{short}: event {number} ({event.kind} {event.at:%H:%M}) is dated "
                f"{dated.isoformat()}; expected {day.isoformat()}, the date of service",
                admin=admin.id, field=f"{path}.events")
        break
    else:
        if starts_on_day and any(e.at.date() == next_day for e in admin.events):
            ctx.add("infusion-past-midnight",
                    f"{short} ran past midnight: its codes go on the date of service, "
                    f"{day.isoformat()}", admin=admin.id, field=f"{path}.events")
    for number, at, change in timeline.unclear:
        read = ("happens twice (clocks went back): read as its first occurrence"
                if change == "repeated" else
                "never happened (clocks went forward): read as standard time")
        ctx.add("time-clock-change",
                f"{short}: event {number} at {at:%H:%M} {read}; check the time",
                admin=admin.id, field=f"{path}.events")


def _check_interval(ctx: Context, admin: Administration, path: str) -> None:
    if admin.previous_dose_date is None or admin.product != "ocrevus" or admin.dose_mg is None:
        return
    days = (ctx.document.date_of_service - admin.previous_dose_date).days
    if days < 0:
        ctx.add("previous-dose-after-visit",
                f"Previous Ocrevus dose dated {admin.previous_dose_date.isoformat()}, after this "
                f"visit's date of service {ctx.document.date_of_service.isoformat()}: correct "
                "the previous dose's date", admin=admin.id, field=f"{path}.previous_dose_date")
        return
    low, high = INDUCTION_GAP_DAYS
    if admin.dose_mg == 300 and low <= days <= high:
        return
    if days < MAINTENANCE_MIN_DAYS:
        ctx.add("dose-interval-short",
                f"Previous Ocrevus dose {days} days ago: maintenance doses need at least 20 weeks "
                "(140 days); the second 300 mg induction dose comes about 14 days after the first",
                admin=admin.id, field=f"{path}.previous_dose_date")


def check_providers(ctx: Context) -> None:
    """A claim without its rendering provider or ordering physician (core/providers.py). A
    document without `providers` at all (another system's, or older) is not checked."""
    providers = ctx.document.providers
    if providers is None:
        return
    if providers.rendering is None:
        ctx.add("provider-rendering-missing", "No rendering provider on the visit: the claim "
                "needs who gave the service (name and NPI)", field="providers.rendering")
    if providers.ordering is None:
        ctx.add("provider-ordering-missing", "No ordering/referring physician on the visit: a "
                "drug claim names who ordered the infusion (name and NPI)",
                field="providers.ordering")


def check_benefits(ctx: Context) -> None:
    """No benefits verification of the visit's coverage and drug within the practice's days
    before the date of service, or one whose re-verification date has passed (the
    `benefits_verification` extension, as the store writes it). A document without it is
    not checked."""
    block = ctx.document.benefits_verification
    if block is None:
        return
    day, within = ctx.document.date_of_service, block.within_days
    product = ctx.catalog.products.get(block.product or "")
    drug = f" of {product.short}" if product is not None else ""
    wanted = f"record one within {within} days before the date of service"
    if block.verified_on is None:
        problem = f"No benefits verification{drug} recorded for this coverage: {wanted}"
    elif block.verified_on > day:
        problem = (f"The benefits verification{drug} is of {block.verified_on.isoformat()}, "
                   f"after the date of service: {wanted}")
    elif (day - block.verified_on).days > within:
        problem = (f"The latest benefits verification{drug} is of "
                   f"{block.verified_on.isoformat()}, {(day - block.verified_on).days} days "
                   f"before the date of service: {wanted}")
    elif block.next_verification is not None and block.next_verification < day:
        problem = (f"The benefits verification{drug} of {block.verified_on.isoformat()} was "
                   f"due for re-verification on {block.next_verification.isoformat()}, before "
                   "the date of service: verify the benefits again")
    else:
        return
    ctx.add("benefits-not-verified", problem, field="benefits_verification")


def check_setting(ctx: Context) -> None:
    doc = ctx.document
    if doc.setting == "home":
        medicare = " Medicare does not pay S-codes." if ctx.payer.program == "medicare" else ""
        ctx.add("home-infusion-coding",
                "Home infusion: bill the payer's per-diem S-code (S9329 or S9379) with nursing "
                "visits 99601/99602 and the drug line; the office administration codes shown may "
                "not apply; S9342 is enteral nutrition, not drug infusion." + medicare,
                field="setting")
    trial = [a for a in doc.administrations if a.source == "trial_sponsor"]
    if trial and ctx.payer.program == "medicare":
        missing = []
        if diagnosis_rules().clinical_trial_code not in doc.diagnoses:
            missing.append("diagnosis Z00.6")
        needs = "; ".join(missing) if missing else "all recorded here"
        ctx.add("trial-requirements",
                "Clinical-trial visit: add Q0/Q1 modifiers, Z00.6, the 8-digit NCT number and "
                f"(UB-04) condition code 30; sponsor drug is not billed. Missing: {needs}",
                admin=trial[0].id, field="diagnoses")


def note_monoclonal_family(ctx: Context) -> None:
    given = [ctx.catalog.products[p] for p in sorted(ctx.products_given)]
    names = ", ".join(p.short for p in given if p.monoclonal)
    if not names:
        return
    if ctx.payer.monoclonal_admin == "complex":
        ctx.add("monoclonal-family",
                f"{names}: coded with complex drug administration codes as payer profile "
                f"'{ctx.payer.name}' says (CMS TDL 12397)", field="payer")
    elif ctx.payer.program == "medicare":
        ctx.add("monoclonal-family",
                f"{names}: coded therapeutic (96365/96366) per the profile; Medicare also "
                "accepts complex codes (96413/96415) since CMS TDL 12397 (Dec 2023) when the "
                "code's elements are met", field="payer")
