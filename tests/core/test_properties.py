"""Property-based tests: random timelines and amounts never crash the engine and keep its
invariants (running minutes, monotone units, administered + JW = opened vials)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from builders import PAYER, visit
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrebill_gui.core import compute
from ocrebill_gui.core.catalog import billing_units, default_catalog

START = datetime(2026, 3, 4, 7, 0)


@st.composite
def timelines(draw) -> tuple[list[dict], int]:
    """A valid start (pause resume)* stop timeline and its running minutes."""
    t = START + timedelta(minutes=draw(st.integers(0, 120)))
    events = [{"at": t.isoformat(timespec="minutes"), "kind": "start"}]
    running = 0
    for _ in range(draw(st.integers(0, 3))):
        run = draw(st.integers(0, 90))
        pause = draw(st.integers(0, 40))
        t += timedelta(minutes=run)
        running += run
        events.append({"at": t.isoformat(timespec="minutes"), "kind": "pause"})
        t += timedelta(minutes=pause)
        events.append({"at": t.isoformat(timespec="minutes"), "kind": "resume"})
    run = draw(st.integers(0, 240))
    running += run
    t += timedelta(minutes=run)
    events.append({"at": t.isoformat(timespec="minutes"), "kind": "stop"})
    return events, running


def ocrevus_with(events: list[dict], dose: float = 600, vials: int = 2) -> dict:
    return {"id": "ocr", "product": "ocrevus", "route": "iv_infusion", "dose_mg": dose,
            "events": events,
            "vials": [{"ndc": "50242-0150-01", "mg": 300} for _ in range(vials)]}


def units_of(result, *codes: str) -> int:
    return sum(line.units for line in result.lines if line.code in codes)


@settings(max_examples=200, deadline=None)
@given(timelines())
def test_running_minutes_are_the_sum_of_running_intervals(timeline) -> None:
    events, running = timeline
    result = compute(visit(ocrevus_with(events)))
    if running == 0:  # stopped in the minute it started: times that cannot be used
        assert result.administrations[0].running_minutes is None
        assert any(f.rule == "timeline-order" for f in result.findings)
    else:
        assert result.administrations[0].running_minutes == running


@settings(max_examples=150, deadline=None)
@given(timelines(), st.integers(1, 200))
def test_more_running_time_never_means_fewer_units(timeline, more: int) -> None:
    events, _ = timeline
    longer = [dict(e) for e in events]
    stop = datetime.fromisoformat(longer[-1]["at"]) + timedelta(minutes=more)
    longer[-1]["at"] = stop.isoformat(timespec="minutes")
    admin_codes = ("96365", "96366", "96374")
    before = compute(visit(ocrevus_with(events)))
    after = compute(visit(ocrevus_with(longer)))
    assert units_of(after, *admin_codes) >= units_of(before, *admin_codes)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.5, 1800, allow_nan=False), st.integers(1, 6),
       st.sampled_from(["jw_jz", "jw_only"]))
def test_administered_plus_jw_equals_opened_vial_units(dose: float, vials: int, waste) -> None:
    doc = visit(ocrevus_with([{"at": "2026-03-04T09:00", "kind": "start"},
                              {"at": "2026-03-04T12:00", "kind": "stop"}], dose, vials),
                payer={**PAYER, "waste_modifiers": waste})
    result = compute(doc)
    drug = [line for line in result.lines if line.code == "J2350"]
    administered = sum(line.units for line in drug if "JW" not in line.modifiers)
    assert administered == billing_units(dose, 1)
    if dose <= vials * 300:
        assert sum(line.units for line in drug) == vials * 300
        assert not any("JW" in line.modifiers and "JZ" in line.modifiers for line in drug)
    else:
        assert any(f.rule == "dose-exceeds-vials" for f in result.findings)


EVENT = st.fixed_dictionaries({
    "at": st.datetimes(min_value=datetime(2026, 3, 3), max_value=datetime(2026, 3, 5)).map(
        lambda d: d.isoformat(timespec="minutes")),
    "kind": st.sampled_from(["start", "pause", "resume", "stop", "given"]),
})
ADMIN = st.fixed_dictionaries({
    "id": st.text("abcdef", min_size=1, max_size=3),
    "product": st.sampled_from(["ocrevus", "ocrevus-zunovo", "methylprednisolone",
                                "diphenhydramine", "acetaminophen-oral", "acetaminophen-iv",
                                "normal-saline", "rituximab", "ublituximab", "natalizumab"]),
    "route": st.sampled_from(["iv_infusion", "iv_push", "subcutaneous", "intramuscular",
                              "oral"]),
    "dose_mg": st.floats(1, 2000),
    "events": st.lists(EVENT, min_size=1, max_size=6),
    "source": st.sampled_from(["purchased", "patient_supplied"]),
    "primary": st.booleans(),
})


@settings(max_examples=300, deadline=None)
@given(st.lists(ADMIN, min_size=1, max_size=5, unique_by=lambda a: a["id"]),
       st.sampled_from(["office", "hospital_outpatient", "home"]),
       st.sampled_from(["medicare", "medicaid", "anthem", "aetna"]))
def test_random_visits_never_crash_and_have_one_initial_service(admins, setting, payer) -> None:
    result = compute(visit(*admins, setting=setting, payer=payer))
    assert sum(1 for a in result.administrations if a.role == "initial") <= 1
    assert all(line.units > 0 for line in result.lines)
    initial_codes = {"96365", "96413", "96360", "96374", "96409"}
    assert sum(line.units for line in result.lines if line.code in initial_codes) <= 1
    # Every finding names the field it is about: clicking it in the app goes somewhere.
    assert all(f.field for f in result.findings), [f.rule for f in result.findings
                                                   if not f.field]


# --- R6, R7, R10 and the calendar (2026-12-07) ---------------------------------------------

def _vial_code(product, vial_mg: float):
    """The code a vial of this size bills under (R6): the smallest 'up to' unit that covers it,
    else the largest."""
    codes = sorted(product.codes, key=lambda c: c.unit_mg)
    return next((c for c in codes if vial_mg <= c.unit_mg), codes[-1])


BILLED_PRODUCTS = [p for p in default_catalog().products.values() if p.codes and p.vials]


@st.composite
def drug_with_vials(draw):
    """A billable product, some of its own vials (sizes mixed) and a dose they can hold."""
    product = draw(st.sampled_from(BILLED_PRODUCTS))
    sizes = draw(st.lists(st.sampled_from(product.vials), min_size=1, max_size=5))
    opened = sum(v.mg for v in sizes)
    dose = draw(st.floats(0.001, opened, allow_nan=False))
    return product, sizes, round(dose, 3) or 0.001


def _drug_visit(product, sizes, dose, setting: str = "office") -> dict:
    route = product.routes[0] if product.routes[0] != "oral" else "iv_push"
    admin = {"id": "d", "product": product.id, "route": route, "dose_mg": dose,
             "vials": [{"ndc": v.ndc, "mg": v.mg} for v in sizes]}
    admin["events"] = ([{"at": "2026-03-04T09:00", "kind": "start"},
                        {"at": "2026-03-04T10:00", "kind": "stop"}] if route == "iv_infusion"
                       else [{"at": "2026-03-04T09:00", "kind": "given"}])
    return visit(admin, setting=setting)


@settings(max_examples=300, deadline=None)
@given(drug_with_vials())
def test_administered_plus_jw_units_are_the_units_opened_for_every_product(case) -> None:
    """R6 for every product: per code, administered + JW units are the billing units of the
    vials billed under that code, so together they never exceed what was opened."""
    product, sizes, dose = case
    result = compute(_drug_visit(product, sizes, dose))
    opened_units: dict[str, int] = {}
    mg_by_code: dict[str, float] = {}
    for vial in sizes:
        code = _vial_code(product, vial.mg)
        mg_by_code[code.code] = mg_by_code.get(code.code, 0) + vial.mg
    for code_id, mg in mg_by_code.items():
        unit = next(c.unit_mg for c in product.codes if c.code == code_id)
        opened_units[code_id] = billing_units(mg, unit)
    billed: dict[str, int] = {}
    for line in result.lines:
        if line.code in {c.code for c in product.codes}:
            billed[line.code] = billed.get(line.code, 0) + line.units
    for code_id, units in billed.items():
        assert units == opened_units[code_id], (code_id, billed, opened_units)
    assert sum(billed.values()) <= sum(opened_units.values())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(BILLED_PRODUCTS), st.integers(1, 5), st.data())
def test_ndc_quantities_add_up_to_what_was_opened(product, count: int, data) -> None:
    """R7: the drug line carries what was given and the JW line what was discarded, in real
    amounts; for vials of one package they add up to the package's mL opened (3 decimals)."""
    vial = data.draw(st.sampled_from(product.vials))
    dose = round(data.draw(st.floats(0.001, vial.mg * count, allow_nan=False)), 3) or 0.001
    result = compute(_drug_visit(product, [vial] * count, dose))
    lines = [line for line in result.lines if line.ndc == vial.ndc]
    per_ml = vial.mg / vial.ml
    drug = [line for line in lines if "JW" not in line.modifiers]
    waste = [line for line in lines if "JW" in line.modifiers]
    assert len(drug) == 1 and len(waste) <= 1
    assert drug[0].ndc_quantity == pytest.approx(dose / per_ml, abs=1e-3)
    if waste:  # what was given and what was discarded: all that was opened
        assert drug[0].ndc_quantity + waste[0].ndc_quantity == pytest.approx(
            vial.ml * count, abs=1.5e-3)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BILLED_PRODUCTS), st.floats(0.001, 5000, allow_nan=False),
       st.sampled_from(["office", "hospital_outpatient", "home"]))
def test_no_line_ever_has_zero_units(product, dose: float, setting: str) -> None:
    """R10: any positive dose bills at least one unit, with or without vials."""
    result = compute(_drug_visit(product, [], round(dose, 3) or 0.001, setting))
    assert result.lines and all(line.units >= 1 for line in result.lines)


def _shift(doc: dict, days: int) -> dict:
    moved = json.loads(json.dumps(doc))
    moved["date_of_service"] = (date.fromisoformat(doc["date_of_service"])
                                + timedelta(days=days)).isoformat()
    for admin in moved["administrations"]:
        for event in admin["events"]:
            event["at"] = (datetime.fromisoformat(event["at"])
                           + timedelta(days=days)).isoformat(timespec="minutes")
    return moved


def _codes(result) -> dict:
    return result.summed_lines()


# 2026-03-04 plus these many days stays inside FY2026 (same ICD-10-CM code set) and away from
# both of Chicago's clock changes (2026-03-08 and 2026-11-01).
SHIFTS = st.integers(-50, 200).filter(lambda n: not 2 <= n <= 6)


@settings(max_examples=200, deadline=None)
@given(st.lists(ADMIN, min_size=1, max_size=4, unique_by=lambda a: a["id"]),
       st.sampled_from(["office", "hospital_outpatient", "home"]), SHIFTS,
       st.sampled_from([None, "America/Chicago"]))
def test_shifting_a_visit_by_whole_days_gives_the_same_codes(admins, setting, days, zone):
    doc = visit(*admins, setting=setting)
    if zone:
        doc["time_zone"] = zone
    before, after = compute(doc), compute(_shift(doc, days))
    assert _codes(after) == _codes(before)
    assert {f.rule for f in after.findings} == {f.rule for f in before.findings}
