"""The demo infusion centre's history, planned in plain Python before anything is written.

Patients follow the Ocrevus label: two 300 mg induction doses 14 days apart, then 600 mg about
every 6 months (some on the 2-hour infusion, some switched to Zunovo 920 mg SC once it had a
code). Commercial and Medicaid patients have 12-month prior authorizations that are renewed
when they run out of dates or units, except a few that lapsed (their last visit is held as a
draft). Vials come from lots received every few weeks. Everything comes from one
random.Random(seed), so a seed and a "today" always give the same centre.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from ocrebill_gui.core.catalog import default_catalog

ZUNOVO_FROM = date(2025, 6, 1)  # first Zunovo visits (J2351 is effective from 2025-04-01)
FY2026 = date(2025, 10, 1)  # G35 split into G35.A/B0/C0... (ICD-10-CM FY2026)

USER_PAYER: dict[str, Any] = {
    "id": "demo-lakeside-health", "name": "Lakeside Health Plan (demo)",
    "program": "commercial", "monoclonal_admin": "complex", "waste_modifiers": "jw_jz",
    "prior_auth_required": True, "ndc_unit": "UN",
    "source": "demo data: a user-edited profile that codes monoclonals as complex",
    "notes": ["Fictional plan of the demo database."],
}
PAYER_WEIGHTS = [("medicare", 34), ("medicaid", 10), ("unitedhealthcare", 14), ("anthem", 10),
                 ("cigna", 10), ("aetna", 10), (USER_PAYER["id"], 12)]
FAMILY = ["Demo", "Sample", "Example", "Testcase", "Placeholder", "Müller-Demo", "Núñez-Demo",
          "Østby-Demo", "Çelik-Demo", "Dvořák-Demo", "Żak-Demo", "Fictional", "Mock",
          "Pretend", "Dummy", "Sampleton"]
GIVEN = ["Ada", "Ana", "Björn", "Chloé", "Dolores", "Émile", "Grace", "Jürgen", "Léa", "Noé",
         "Zoë", "Iñigo", "Kai", "Maya", "Omar", "Priya", "Sven", "Tomás", "Wen", "Yusuf"]
STREETS = ["Example Street", "Sample Avenue", "Demo Road", "Test Lane", "Placeholder Court"]

PRODUCT_UNITS = {"ind": 300, "maint": 600, "zunovo": 920}
# Days between lot deliveries, shelf life in days, vial NDC, short lot code.
LOT_RULES = {
    "ocrevus": (28, 540, "50242015001", "OCR"),
    "ocrevus-zunovo": (56, 540, "50242055401", "ZUN"),
    "methylprednisolone": (56, 720, "00009004722", "MP"),
    "diphenhydramine": (56, 720, "63323066401", "DPH"),
}


class Draws:
    """Fast deterministic draws from one random.Random (randint is slow at 10^5 scale)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.random = self.rng.random

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def pick(self, options):
        return options[int(self.random() * len(options))]

    def weighted(self, options, weights):
        mark = self.random() * sum(weights)
        for option, weight in zip(options, weights, strict=True):
            mark -= weight
            if mark < 0:
                return option
        return options[-1]

    def sample(self, population: range, count: int) -> list[int]:
        return self.rng.sample(population, count)


@dataclass(slots=True)
class PlannedPatient:
    ref: str
    name: str
    birth_date: date
    sex: str
    mrn: str
    address: str
    phone: str
    payer: str
    member_id: str
    group_number: str
    setting: str
    dx_after_fy2026: str  # G35.A (relapsing-remitting) or G35.B0 (primary progressive)


@dataclass(slots=True)
class PlannedAuth:
    patient: int
    number: str
    product: str
    approved: int
    valid_from: date
    valid_to: date
    used: int = 0


@dataclass(slots=True)
class PlannedVisit:
    patient: int
    day: date
    kind: str  # ind, maint, zunovo
    variant: str  # std, short, pause, inprogress
    slot: str  # start of the visit, HH:MM
    finalized: bool = True
    auth: int | None = None
    remaining: int | None = None  # units left on the authorization before this visit


@dataclass(slots=True)
class PlannedLot:
    product: str
    ndc: str
    lot: str
    received: date
    expires: date
    used: int = 0
    leftover: int = 0
    spare: bool = False  # on the shelf, never used by the plan's visits


@dataclass(slots=True)
class DemoPlan:
    today: date
    patients: list[PlannedPatient] = field(default_factory=list)
    auths: list[PlannedAuth] = field(default_factory=list)
    visits: list[PlannedVisit] = field(default_factory=list)
    lots: list[PlannedLot] = field(default_factory=list)


def _weekday(day: date, today: date) -> date:
    if day == today:
        return day
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _schedule(rng: Draws, count: int, last: date, today: date) -> list[date]:
    """`count` visit days ending on `last`: induction 1 and 2 (14 days apart), then ~6-monthly."""
    if count == 1:
        return [last]
    if count == 2:
        return [_weekday(last - timedelta(days=14), today), last]
    maintenance = [last]
    for _ in range(count - 3):
        maintenance.append(maintenance[-1] - timedelta(days=182 + rng.between(-10, 10)))
    ind2 = maintenance[-1] - timedelta(days=168 + rng.between(-7, 7))
    days = [ind2 - timedelta(days=14), ind2, *reversed(maintenance)]
    return [_weekday(d, today) for d in days]


def _patients(rng: Draws, count: int) -> list[PlannedPatient]:
    payers, weights = zip(*PAYER_WEIGHTS, strict=True)
    out = []
    for n in range(1, count + 1):
        payer = rng.weighted(payers, weights)
        member = (f"{rng.between(1, 9)}DM{rng.between(0, 9)}{rng.between(1000000, 9999999)}"
                  if payer == "medicare" else f"DM{rng.between(10_000_000, 99_999_999)}")
        out.append(PlannedPatient(
            # Every family name (the accented ones too) appears once there are 16 patients.
            ref=f"P-{n:05d}", name=f"{FAMILY[(n - 1) % len(FAMILY)]}, {rng.pick(GIVEN)}",
            birth_date=date(rng.between(1950, 2002), rng.between(1, 12), rng.between(1, 28)),
            sex=rng.weighted(["F", "M"], [72, 28]), mrn=f"DEMO-{n:06d}",
            address=f"{rng.between(1, 999)} {rng.pick(STREETS)}, Springfield, IL 62701",
            phone=f"(555) 01{rng.between(0, 9)}-{rng.between(0, 9999):04d}",
            payer=payer, member_id=member,
            group_number="" if payer in ("medicare", "medicaid") else f"G{rng.between(100, 999)}",
            setting="hospital_outpatient" if rng.random() < 0.12 else "office",
            dx_after_fy2026=rng.weighted(["G35.A", "G35.B0"], [85, 15])))
    return out


def _pa_required(payer: str) -> bool:
    if payer == USER_PAYER["id"]:
        return True
    profile = default_catalog().payers[payer]
    return profile.prior_auth_required or profile.prior_auth_unit_limit is not None


RUNNING_SLOT = "08:30"  # today's infusions still running: the visit began here, drip at 09:00


def running_slot(now: time | None) -> str:
    """When today's still-running visits began: 08:30 (the drip started at 09:00), or, for a
    demo made before 09:30, an hour before `now` (at 00:00 at the earliest: made before
    00:30, the drip starts at 00:30)."""
    if now is None:
        return RUNNING_SLOT
    began = max(0, now.hour * 60 + now.minute - 60)
    began -= began % 15
    slot = f"{began // 60:02d}:{began % 60:02d}"
    return min(slot, RUNNING_SLOT)


def plan_demo(patients: int, visits: int, seed: int, today: date,
              now: time | None = None) -> DemoPlan:
    """The whole demo centre for these sizes, seed and day (`now`: the time of day it is made
    at, if it is made on `today`)."""
    running = running_slot(now)
    rng = Draws(seed)
    plan = DemoPlan(today=today, patients=_patients(rng, patients))
    per = [visits // patients] * patients
    for index in rng.sample(range(patients), visits % patients):
        per[index] += 1
    todays = set(rng.sample(range(patients), min(patients, max(4, patients // 8))))
    lapsed = set(rng.sample(range(patients), max(1, patients // 25)))
    for index, patient in enumerate(plan.patients):
        if not per[index]:
            continue
        last = today if index in todays else today - timedelta(days=rng.between(1, 170))
        days = _schedule(rng, per[index], last, today)
        switch = rng.random() < 0.18
        mine: list[PlannedVisit] = []
        for number, day in enumerate(days):
            kind = "ind" if number < 2 else "maint"
            if kind == "maint" and switch and day >= ZUNOVO_FROM:
                kind = "zunovo"
            if kind == "zunovo":
                variant, slot = "std", "10:00"
            elif day == today and rng.random() < 0.5:
                variant, slot = "inprogress", running
            else:
                roll = rng.random()
                variant = ("pause" if roll < 0.08 else
                           "short" if kind == "maint" and roll < 0.38 else "std")
                slot = {"short": "12:30", "pause": "08:00"}.get(variant, "08:30")
            mine.append(PlannedVisit(patient=index, day=day, kind=kind, variant=variant,
                                     slot=slot, finalized=day != today))
        if _pa_required(patient.payer):
            _authorize(rng, plan, index, mine, lapsed=index in lapsed)
        plan.visits.extend(mine)
    plan.visits.sort(key=lambda v: (v.day, v.slot, v.patient))
    _lots(rng, plan)
    return plan


def _authorize(rng: Draws, plan: DemoPlan, patient: int, mine: list[PlannedVisit],
               lapsed: bool) -> None:
    """Give the patient's visits authorizations, renewed when out of dates or units."""
    current: dict[str, int] = {}
    for position, visit in enumerate(mine):
        product = "ocrevus-zunovo" if visit.kind == "zunovo" else "ocrevus"
        units = PRODUCT_UNITS[visit.kind]
        auth_index = current.get(product)
        auth = plan.auths[auth_index] if auth_index is not None else None
        renew = auth is None or visit.day > auth.valid_to or auth.approved - auth.used < units
        if renew and lapsed and auth is not None and position == len(mine) - 1:
            visit.finalized = False  # the renewal lapsed: held for the biller, and the old
            continue  # authorization does not cover it (issue 13): the visit has none
        if renew:
            start = visit.day - timedelta(days=rng.between(5, 25))
            approved = 1840 if product == "ocrevus-zunovo" else 1200
            plan.auths.append(PlannedAuth(
                patient=patient, number=f"PA-D{len(plan.auths) + 1:06d}", product=product,
                approved=approved, valid_from=start, valid_to=start + timedelta(days=364)))
            auth_index = current[product] = len(plan.auths) - 1
            auth = plan.auths[auth_index]
        assert auth is not None and auth_index is not None
        visit.auth = auth_index
        visit.remaining = auth.approved - auth.used
        if visit.finalized:
            auth.used += units


def _lots(rng: Draws, plan: DemoPlan) -> None:
    """Lots delivered every few weeks from before the first visit; each visit takes its vials
    from the newest lot received at least two days before."""
    first = plan.visits[0].day if plan.visits else plan.today
    for product, (every, shelf, ndc, code) in LOT_RULES.items():
        start = max(first, ZUNOVO_FROM) if product == "ocrevus-zunovo" else first
        day = start - timedelta(days=every + rng.between(0, 9))
        while day <= plan.today - timedelta(days=3):
            plan.lots.append(PlannedLot(product=product, ndc=ndc,
                                        lot=f"D{code}{day:%y%m%d}", received=day,
                                        expires=day + timedelta(days=shelf)))
            day += timedelta(days=every + rng.between(-3, 3))
    # A few lots on the shelf that expire soon (or did), never used by the plan's visits.
    for product, days_left, vials in (("ocrevus", 21, 3), ("methylprednisolone", 45, 5),
                                      ("ocrevus-zunovo", -12, 1)):
        _, shelf, ndc, code = LOT_RULES[product]
        received = plan.today + timedelta(days=days_left - shelf)
        plan.lots.append(PlannedLot(product=product, ndc=ndc, lot=f"D{code}X{days_left + 100}",
                                    received=received,
                                    expires=plan.today + timedelta(days=days_left),
                                    leftover=vials, spare=True))
    for lot in plan.lots:
        if lot.leftover == 0 and lot.received >= plan.today - timedelta(days=70):
            lot.leftover = rng.between(2, 12)


def lot_finder(plan: DemoPlan):
    """A function day, product -> index of the lot a visit on that day takes vials from."""
    import bisect

    by_product: dict[str, tuple[list[date], list[int]]] = {}
    for index, lot in enumerate(plan.lots):
        if lot.spare:
            continue
        days, ids = by_product.setdefault(lot.product, ([], []))
        days.append(lot.received)
        ids.append(index)

    def find(day: date, product: str) -> int:
        days, ids = by_product[product]
        position = bisect.bisect_right(days, day - timedelta(days=2)) - 1
        return ids[max(position, 0)]

    return find
