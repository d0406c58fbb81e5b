"""The billing checklist: the seed article's printable checklist, corrected by billing-rules.md,
evaluated for one visit.

Every automatic item is derived from the visit document and its claim result: the engine's
findings decide what is wrong (an error finding makes its item *not done*, a warning makes it
*needs attention*), the document and the claim lines say why the rest is done. Items only a
person can confirm (the authorization verified with the payer, eligibility...) are *manual*.
The GUI shows the same checklist live; the reports print it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ocrebill_gui.core.catalog import Catalog, Product, billing_units, default_catalog
from ocrebill_gui.core.claim import ClaimLine, ClaimResult, Finding
from ocrebill_gui.core.drug_lines import vial_parts
from ocrebill_gui.core.engine import parse_visit, resolve_payer
from ocrebill_gui.core.timeline import extra_hours, timeline_of, zone_of
from ocrebill_gui.core.visit import Administration, PayerProfile, VisitDocument

Verdict = Literal["done", "not_done", "attention", "manual"]

VERDICT_TEXT: dict[Verdict, str] = {
    "done": "Done",
    "not_done": "Not done",
    "attention": "Needs attention",
    "manual": "To confirm",
}

CLAIM_FORMS = {
    "office": "CMS-1500 (837P)",
    "home": "CMS-1500 (837P)",
    "hospital_outpatient": "UB-04 (837I), type of bill 13x",
}
SETTING_TEXT = {"office": "office", "hospital_outpatient": "hospital outpatient", "home": "home"}


@dataclass(frozen=True)
class ItemSpec:
    """One line of the printed checklist: its wording, how it corrects the seed article, and
    the finding rules (data/findings.json) that are about it."""

    id: str
    title: str
    correction: str = ""
    rules: tuple[str, ...] = ()


AUTOMATIC: tuple[ItemSpec, ...] = (
    ItemSpec("prior-authorization",
             "Prior authorization active on the date of service and covering the units billed",
             "Traditional Medicare needs no prior authorization for Part B drugs; Medicare "
             "Advantage and most other plans do.",
             ("pa-missing", "pa-dates", "pa-units", "pa-medicare-traditional")),
    ItemSpec("drug-units", "Drug billed in billing units (J2350: 1 mg each), not per vial", "",
             ("proposed-per-vial", "proposed-units", "code-not-effective", "proposed-old-code",
              "proposed-code-not-effective", "dose-off-label")),
    ItemSpec("initial-service", "One initial administration code for the encounter",
             "The initial code is the payer's family: 96365 (therapeutic) or 96413 "
             "(complex); an injection-only visit has no infusion code.",
             ("same-drug-infusion", "addons-without-initial", "addon-without-parent",
              "office-primary-unmarked")),
    ItemSpec("extra-hours",
             "Extra hours only for more than 30 min beyond the last full hour of running time",
             "Running time only, without pauses or observation: 90 min is the initial hour "
             "alone, 150 min adds 1 extra hour.",
             ("proposed-extra-hours", "running-time-long", "running-time-short")),
    ItemSpec("admin-family",
             "Administration family as the payer profile says (therapeutic or complex)",
             "The payer decides: Medicare accepts the complex codes 96413/96415 for these "
             "drugs since CMS TDL 12397 when their elements are met.",
             ("proposed-family",)),
    ItemSpec("waste",
             "JZ on the drug line, or a JW line for drug discarded from single-dose vials",
             "Since July 2023 every single-dose drug line carries JW (amount discarded) or "
             "JZ (nothing discarded).",
             ("dose-exceeds-vials", "waste-not-documented", "proposed-waste-modifier",
              "waste-whole-vial")),
    ItemSpec("premedications",
             "Premedications billed with their own codes, or packaged in hospital outpatient",
             "IV methylprednisolone is J2920 (up to 40 mg) or J2930 (up to 125 mg); J7512 "
             "is oral prednisone.",
             ("proposed-oral-prednisone",)),
    ItemSpec("stop-times", "Start and stop time recorded for every infusion", "",
             ("timeline-no-stop", "timeline-no-start", "timeline-order", "timeline-wrong-event",
              "timeline-given-missing", "timeline-other-day", "time-clock-change")),
    ItemSpec("diagnosis", "Diagnosis billable on the date of service",
             "Since Oct 1, 2025 MS is G35.A-G35.D (G35 alone is a category, not billable); "
             "Z51.11 (chemotherapy encounter) is not for MS.",
             ("dx-unknown", "dx-category", "dx-g35-category", "dx-not-yet-valid",
              "dx-neoplasm-encounter", "dx-no-ms-indication", "dx-off-label",
              "dx-code-set-outdated")),
    ItemSpec("ndc", "NDC on each drug line: N4, 11 digits, unit qualifier and quantity", "",
             ("ndc-sample", "ndc-other-product", "ndc-multiple", "vial-expired",
              "vial-lot-missing")),
    ItemSpec("setting", "Place of service and claim form match the setting", "",
             ("home-infusion-coding", "trial-requirements", "proposed-enteral-nutrition",
              "proposed-unclassified-trial")),
    ItemSpec("providers", "Rendering provider and ordering physician named, with NPIs", "",
             ("provider-rendering-missing", "provider-ordering-missing")),
    ItemSpec("findings", "Every error fixed and every warning reviewed"),
)

# Error and warning rules with no item of their own: the "findings" item counts them.
SUMMARY_ONLY_RULES = ("dose-interval-short", "previous-dose-after-visit", "route-unusual",
                      "proposed-missing-line", "proposed-extra-line", "benefits-not-verified",
                      "copay-ineligible-coverage", "copay-under-age", "copay-before-enrolment")

MANUAL: tuple[ItemSpec, ...] = (
    ItemSpec("authorization-verified",
             "Authorization verified with the payer: number, dates, units, site of care"),
    ItemSpec("eligibility",
             "Eligibility and benefits checked for the date of service (office or facility "
             "benefit)"),
    ItemSpec("clinical-notes", "Clinical notes document the MS type behind the diagnosis code"),
    ItemSpec("infusion-record",
             "Infusion record signed: times, doses and vial lots match this visit"),
)


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    verdict: Verdict
    reason: str
    correction: str = ""

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT[self.verdict]


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]

    @property
    def automatic(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.verdict != "manual"]

    @property
    def manual(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.verdict == "manual"]

    def count(self, verdict: Verdict) -> int:
        return sum(1 for i in self.items if i.verdict == verdict)

    def item(self, item_id: str) -> ChecklistItem:
        return next(i for i in self.items if i.id == item_id)

    @property
    def ready(self) -> bool:
        """Every automatic item done (the manual ones are still a person's to tick)."""
        return all(i.verdict == "done" for i in self.automatic)


def evaluate_checklist(document: VisitDocument | Mapping[str, Any], claim: ClaimResult, *,
                       catalog: Catalog | None = None) -> Checklist:
    """Evaluate every checklist item for one visit and the claim result computed from it."""
    visit = _Visit(parse_visit(document), claim, catalog or default_catalog())
    items = []
    for spec in AUTOMATIC:
        if spec.id == "providers" and visit.doc.providers is None:
            continue  # a document from elsewhere that does not keep providers (as findings)
        findings = [f for f in claim.findings if f.rule in spec.rules]
        verdict, reason = _EVALUATORS[spec.id](visit)
        verdict, reason = _overrule(verdict, reason, findings)
        items.append(ChecklistItem(spec.id, spec.title, verdict, reason, spec.correction))
    items += [ChecklistItem(s.id, s.title, "manual", "", s.correction) for s in MANUAL]
    return Checklist(tuple(items))


def _overrule(verdict: Verdict, reason: str, findings: list[Finding]) -> tuple[Verdict, str]:
    """An error finding about the item makes it not done, a warning needs attention: the
    finding's message is then the reason (the engine's words, as on screen)."""
    errors = [f.message for f in findings if f.severity == "error"]
    if errors:
        return "not_done", _first(errors)
    warnings = [f.message for f in findings if f.severity == "warning"]
    if warnings and verdict == "done":
        return "attention", _first(warnings)
    return verdict, reason


def _first(messages: list[str]) -> str:
    return messages[0] + (f" (+{len(messages) - 1} more)" if len(messages) > 1 else "")


class _Visit:
    """What the evaluators read: the document, its claim result, payer and catalog."""

    def __init__(self, document: VisitDocument, claim: ClaimResult, catalog: Catalog):
        self.doc = document
        self.claim = claim
        self.catalog = catalog
        self.payer: PayerProfile = resolve_payer(document, catalog)

    def product(self, admin: Administration) -> Product:
        return self.catalog.products[admin.product]

    def drug_lines(self) -> list[ClaimLine]:
        codes = {c.code for p in self.catalog.products.values() for c in p.codes}
        codes |= {c.code for c in self.catalog.unclassified}
        return [line for line in self.claim.lines if line.code in codes]

    def admin(self, admin_id: str) -> Administration:
        return next(a for a in self.doc.administrations if a.id == admin_id)

    def expected_drug_units(self, line: ClaimLine) -> tuple[Product | None, float, int | None]:
        """The product of a drug line, the mg it carries and the units the document gives it,
        worked out again from the doses and vials (a stale claim shows up here)."""
        first = next((a for a in self.doc.administrations if a.id == line.administration), None)
        if first is None:
            return None, 0.0, None
        product = self.product(first)
        admins = [a for a in self.doc.administrations if a.product == product.id
                  and a.source == "purchased" and a.dose_mg is not None]
        total = sum(a.dose_mg or 0 for a in admins)
        day = self.doc.date_of_service
        codes = product.codes_on(day)
        if not codes:
            return product, total, 1
        vials = [vial for a in admins for vial in a.vials]
        parts = vial_parts(product, codes, total, vials) if vials else None
        if parts is None:
            code = product.code_for(total, day)
            units = billing_units(total, code.unit_mg) if code else None
            return product, total, units if code and code.code == line.code else None
        part = next((p for p in parts if p.code.code == line.code), None)
        if part is None:
            return product, total, None
        return product, part.given_mg, billing_units(part.given_mg, part.code.unit_mg)

    def purchased(self, code: str) -> list[Administration]:
        """The purchased administrations billed under a drug code."""
        return [a for a in self.doc.administrations
                if a.source == "purchased" and any(c.code == code for c in self.product(a).codes)]

    def monoclonal_units(self) -> int:
        return sum(line.units for line in self.drug_lines()
                   if any(self.product(a).monoclonal for a in self.purchased(line.code)))

    def infusions(self) -> list[Administration]:
        return [a for a in self.doc.administrations if a.route == "iv_infusion"]


def _mg(value: float) -> str:
    return f"{value:g}"


def _join(parts: list[str]) -> str:
    return "; ".join(parts)


def _prior_authorization(v: _Visit) -> tuple[Verdict, str]:
    auth = v.doc.prior_authorization
    units = v.monoclonal_units()
    if auth is None:
        if v.payer.program == "medicare" and not v.payer.medicare_advantage:
            return "done", "Not required: traditional Medicare has no prior authorization for " \
                           "Part B drugs"
        return "done", f"Not required by payer profile '{v.payer.name}' for {units} units"
    covered = f"{units} of {auth.approved_units} units approved" \
        if auth.approved_units is not None else "no unit limit recorded"
    return "done", (f"{auth.number} valid {auth.valid_from.isoformat()} to "
                    f"{auth.valid_to.isoformat()}; {covered}")


def _drug_units(v: _Visit) -> tuple[Verdict, str]:
    parts = []
    for line in v.drug_lines():
        if "JW" in line.modifiers or line.units == 0:
            continue
        product, mg, want = v.expected_drug_units(line)
        label = v.catalog.label(line.code)
        unit_mg = next((c.unit_mg for c in product.codes if c.code == line.code), None) \
            if product else None
        per = ""
        if unit_mg is not None:
            per = f" ({'up to ' if 'up to' in label else ''}{_mg(unit_mg)} mg per unit)"
        elif product is not None:
            per = " (not otherwise classified: x1 with the NDC)"
        if want is not None and line.units != want:
            return "not_done", (f"{line.code} x{line.units} for {_mg(mg)} mg: should be "
                                f"x{want}{per}, never per vial")
        parts.append(f"{line.code} x{line.units} for {_mg(mg)} mg{per}")
    if parts:
        return "done", _join(parts)
    not_bought = [f.message for f in v.claim.findings if f.rule == "drug-not-billed-source"]
    return "done", not_bought[0] if not_bought else "No billable drug on this visit"


def _initial_service(v: _Visit) -> tuple[Verdict, str]:
    initial = [s for s in v.claim.administrations if s.role == "initial"]
    coded = [a for a in v.doc.administrations if a.route != "oral"]
    if len(initial) > 1:
        return "not_done", f"{len(initial)} initial services: only one per encounter"
    if not initial:
        if not coded:
            return "done", "Oral medication only: no administration code"
        injections = [s for s in v.claim.administrations if s.role == "injection" and s.codes]
        if injections and all(a.route in ("subcutaneous", "intramuscular") for a in coded):
            text = ", ".join(f"{s.codes[0]} for {v.product(v.admin(s.id)).name}"
                             for s in injections)
            return "done", f"{text}: an injection is coded on its own, no initial IV service"
        names = ", ".join(v.product(a).name for a in coded)
        return "not_done", f"No initial service can be coded: no usable times for {names}"
    summary = initial[0]
    admin = next(a for a in v.doc.administrations if a.id == summary.id)
    if not summary.codes:
        return "not_done", (f"No initial service can be coded: no usable times for "
                            f"{v.product(admin).name}")
    code = summary.codes[0]
    if v.doc.setting == "hospital_outpatient":
        why = "by hierarchy (facility)"
    elif admin.primary:
        why = "the primary reason for the visit"
    else:
        why = "by hierarchy until the primary reason is marked"
    return "done", f"{code} for {v.product(admin).name}, {why}"


def _extra_hours(v: _Visit) -> tuple[Verdict, str]:
    parts = []
    unusable = False
    by_id = {s.id: s for s in v.claim.administrations}
    for admin in v.infusions():
        summary = by_id.get(admin.id)
        timeline = timeline_of(admin, zone_of(v.doc))
        if summary is None or not timeline.usable:
            unusable = True
            continue
        if summary.family is None or summary.role not in ("initial", "sequential"):
            continue  # a push, concurrent or hydration infusion has no extra hours
        family = v.catalog.families[summary.family]
        code = family.extra_hour if summary.role == "initial" else family.sequential_extra_hour
        # Minutes from the document, units from the claim: a stale claim shows up here.
        minutes = timeline.running_minutes
        want = extra_hours(minutes)
        billed = sum(line.units for line in v.claim.lines
                     if line.administration == admin.id and line.code == code)
        paused = timeline.paused_minutes
        paused_text = f" ({paused} min paused excluded)" if paused else ""
        if billed != want:
            return "not_done", (f"{minutes} running min{paused_text} = {code} x{want}, but the "
                                f"claim has x{billed}")
        hours = f"{code} x{want}" if want else "no extra hour (the first needs 91+ min)"
        parts.append(f"{minutes} running min{paused_text}: {hours}")
    if unusable:
        return "not_done", _join(["Infusion times incomplete: extra hours cannot be counted",
                                  *parts])
    if parts:
        return "done", _join(parts)
    if not v.infusions():
        return "done", "No infusion on this visit: no extra hours"
    return "done", "No initial or sequential infusion on this visit: no extra hours"


def _admin_family(v: _Visit) -> tuple[Verdict, str]:
    wanted = v.payer.monoclonal_admin
    monoclonal_ids = {a.id for a in v.doc.administrations
                      if v.product(a).monoclonal and a.route != "oral"}
    coded = [s for s in v.claim.administrations if s.id in monoclonal_ids and s.codes]
    wrong = [s for s in coded if s.family != wanted]
    if wrong:
        return "not_done", (f"Coded {wrong[0].family}, but payer profile '{v.payer.name}' says "
                            f"{wanted}: recompute the claim")
    if not monoclonal_ids:
        return "done", "No monoclonal antibody given: therapeutic codes"
    codes = sorted({c for s in coded for c in s.codes})
    used = f" ({', '.join(codes)})" if codes else ""
    return "done", f"{wanted.capitalize()} family{used} per payer profile '{v.payer.name}'"


def _waste(v: _Visit) -> tuple[Verdict, str]:
    parts: list[str] = []
    verdict: Verdict = "done"
    for line in v.drug_lines():
        if "JW" in line.modifiers:
            continue
        admins = v.purchased(line.code)
        product = v.product(admins[0]) if admins else None
        given = sum(a.dose_mg or 0 for a in admins)
        opened = sum(vial.mg for a in admins for vial in a.vials)
        jw = [w for w in v.claim.lines if w.code == line.code and "JW" in w.modifiers]
        if "JZ" in line.modifiers:
            used = f"{_mg(given)} of {_mg(opened)} mg used" if opened else "vials not recorded"
            waste = "no billable waste" if opened > given else "no waste"
            parts.append(f"{line.code}: JZ appended: {used}, {waste}")
        elif jw:
            parts.append(f"{line.code}: JW line for {sum(w.units for w in jw)} units: "
                         f"{_mg(given)} of {_mg(opened)} mg used, {_mg(opened - given)} mg "
                         "discarded")
        elif product is not None and not product.single_dose:
            parts.append(f"{line.code}: not a single-dose container, no JW/JZ")
        elif product is not None and v.doc.setting == "hospital_outpatient" \
                and product.packaged_in_hospital_outpatient:
            parts.append(f"{line.code}: packaged in hospital outpatient, no JW/JZ")
        elif v.payer.waste_modifiers == "none":
            parts.append(f"{line.code}: payer '{v.payer.name}' wants the exact amount, no "
                         "JW/JZ")
        elif v.payer.waste_modifiers == "jw_only":
            if opened:
                parts.append(f"{line.code}: no billable waste ({_mg(given)} of {_mg(opened)} "
                             f"mg used), and payer '{v.payer.name}' takes JW only")
            else:
                verdict = "attention" if verdict == "done" else verdict
                parts.append(f"{line.code}: vials not recorded, so waste is unknown (payer "
                             f"'{v.payer.name}' takes JW only)")
        else:
            verdict = "not_done"
            parts.insert(0, f"{line.code}: neither JZ nor a JW line for a single-dose vial")
    return verdict, _join(parts) if parts else "No billable drug: no waste modifiers"


def _premedications(v: _Visit) -> tuple[Verdict, str]:
    premeds = [a for a in v.doc.administrations if v.product(a).role == "premedication"]
    if not premeds:
        if any(v.product(a).monoclonal and a.route == "iv_infusion"
               for a in v.doc.administrations):
            return "attention", ("No premedication recorded: the label calls for IV "
                                 "methylprednisolone and an antihistamine before each infusion; "
                                 "record them if given")
        return "done", "No premedication recorded"
    packaged = v.doc.setting == "hospital_outpatient"
    parts = []
    for admin in premeds:
        product = v.product(admin)
        line = next((line for line in v.drug_lines() if "JW" not in line.modifiers
                     and any(c.code == line.code for c in product.codes)), None)
        if admin.route == "oral" or not product.billable:
            parts.append(f"{product.short}: oral, no drug line")
        elif admin.source != "purchased":
            parts.append(f"{product.short}: not bought by the practice, no drug line")
        elif line is None:
            return "not_done", f"{product.short} was given but has no drug line"
        else:
            tail = " (packaged)" if packaged and product.packaged_in_hospital_outpatient else ""
            parts.append(f"{line.code} x{line.units} {product.short} {_mg(admin.dose_mg or 0)} "
                         f"mg{tail}")
    return "done", _join(parts)


def _stop_times(v: _Visit) -> tuple[Verdict, str]:
    infusions = v.infusions()
    if not infusions:
        return "done", "No IV infusion: one given time per push or injection"
    stops = []
    for admin in infusions:
        timeline = timeline_of(admin, zone_of(v.doc))
        if not timeline.usable or timeline.last_time is None:
            assert timeline.problem is not None
            return "not_done", f"{v.product(admin).short}: {timeline.problem[1]}"
        stops.append((v.product(admin).short, f"{timeline.last_time:%H:%M}"))
    if len(stops) == 1:
        return "done", f"Stop time recorded: {stops[0][1]}"
    return "done", "Stop times recorded: " + ", ".join(f"{n} {t}" for n, t in stops)


def _diagnosis(v: _Visit) -> tuple[Verdict, str]:
    codes = list(v.doc.diagnoses)
    if len(codes) == 1:
        return "done", f"Diagnosis {codes[0]} is billable for this date"
    return "done", f"Diagnoses {', '.join(codes)} are billable for this date"


def _ndc(v: _Visit) -> tuple[Verdict, str]:
    parts = []
    missing = []
    for line in v.drug_lines():
        if line.ndc_entry:
            entry = f"{line.code}{'-' + '-'.join(line.modifiers) if line.modifiers else ''} " \
                    f"{line.ndc_entry}"
            parts.append(entry)
        else:
            missing.append(line.code)
    if missing:
        return "attention", f"No NDC on {', '.join(missing)}: record the vials"
    return "done", _join(parts) if parts else "No drug line: no NDC needed"


def _setting(v: _Visit) -> tuple[Verdict, str]:
    pos = v.doc.place_of_service
    if v.claim.place_of_service != pos:
        return "not_done", (f"The claim says place of service {v.claim.place_of_service}, the "
                            f"visit {pos}: recompute the claim")
    text = f"POS {pos} {SETTING_TEXT[v.doc.setting]}: {CLAIM_FORMS[v.doc.setting]}"
    if v.doc.setting == "hospital_outpatient":
        text += ", revenue codes 0636 (drug with NDC) and 0260 (IV therapy)"
    return "done", text


def _providers(v: _Visit) -> tuple[Verdict, str]:
    providers = v.doc.providers
    assert providers is not None  # evaluate_checklist leaves the item out otherwise
    named = [f"{role} {p.label}" for role, p in (("rendering", providers.rendering),
                                                  ("ordering", providers.ordering)) if p]
    return ("done" if len(named) == 2 else "attention"), _join(named) or "None named"


def _findings(v: _Visit) -> tuple[Verdict, str]:
    errors, warnings = v.claim.count("error"), v.claim.count("warning")
    if errors:
        extra = f" and {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        return "not_done", f"{errors} error{'s' if errors != 1 else ''}{extra} open"
    if warnings:
        return "attention", f"{warnings} warning{'s' if warnings != 1 else ''} to review"
    return "done", "No errors or warnings open"


_EVALUATORS = {
    "prior-authorization": _prior_authorization,
    "drug-units": _drug_units,
    "initial-service": _initial_service,
    "extra-hours": _extra_hours,
    "admin-family": _admin_family,
    "waste": _waste,
    "premedications": _premedications,
    "providers": _providers,
    "stop-times": _stop_times,
    "diagnosis": _diagnosis,
    "ndc": _ndc,
    "setting": _setting,
    "findings": _findings,
}
