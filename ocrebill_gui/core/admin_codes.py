"""Administration codes: one initial service, then sequential, concurrent, push, repeat-push,
injection and hydration codes, each with the running time that justifies it.

The initial service (R1, R2, R12): in the office and at home the administration marked
`primary` among the IV drug services; in hospital outpatient, or with none marked, the
hierarchy (complex > therapeutic > hydration, infusion > push). An SC/IM injection is never the
initial IV service, and hydration is initial only when no drug was infused or pushed.
Hydration is one service over all its bags (R4, R14). An add-on is reported only beside one of
its CPT parents (R12, data/admin-codes.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ocrebill_gui.core.catalog import FamilyCodes
from ocrebill_gui.core.claim import AdministrationSummary, ClaimLine, Family, Role
from ocrebill_gui.core.context import Context
from ocrebill_gui.core.timeline import (
    Interval,
    Timeline,
    extra_hours,
    hydration_units,
    merged,
    minutes_between,
    running_at,
    total_minutes,
    without,
)
from ocrebill_gui.core.visit import Administration

Kind = Literal["infusion", "push", "injection", "oral"]
FAMILY_RANK = {"complex": 3, "therapeutic": 2, "hydration": 1}
KIND_RANK = {"infusion": 3, "push": 2, "injection": 1}
PUSH_MAX_MINUTES = 15
REPEAT_PUSH_GAP = 30


@dataclass
class Service:
    """One administration as the coding rules see it."""

    admin: Administration
    timeline: Timeline
    kind: Kind
    family: Family | None
    role: Role = "not_coded"
    codes: list[tuple[str, int]] = field(default_factory=list)
    explanation: str = ""

    @property
    def minutes(self) -> int:
        return self.timeline.running_minutes

    @property
    def intervals(self) -> list[Interval]:
        return self.timeline.intervals

    @property
    def at(self) -> datetime | None:
        return self.timeline.first_time or self.timeline.started_at

    @property
    def iv_drug(self) -> bool:
        """An IV drug service that can be the initial one (not hydration, oral or SC/IM)."""
        return self.kind in ("infusion", "push") and self.family != "hydration"


def code_services(ctx: Context, pointers: list[int]) -> tuple[list[Service], list[ClaimLine]]:
    services = [_service(ctx, a) for a in ctx.document.administrations]
    coded = [s for s in services if s.timeline.usable and s.kind != "oral"]
    hydration = [s for s in coded if s.family == "hydration"]
    initial = _choose_initial(ctx, services, hydration)
    if initial is not None and initial.family == "hydration":
        _code_hydration(ctx, hydration, [], initial=True)
    elif initial is not None and not initial.timeline.usable:
        # Chosen by what was given, not by whether its times are complete yet: a running
        # infusion stays the initial service (with no codes until it has a stop), so a premed
        # push does not flip from +96375 to 96374 and back.
        initial.role = "initial"
        initial.explanation = "initial service: no codes until its times are complete"
    elif initial is not None:
        _code_initial(ctx, initial)
    drug_infusions = [s for s in services if s.admin.route == "iv_infusion"
                      and s.family not in (None, "hydration")]
    infused_products = {initial.admin.product} if initial and initial.kind == "infusion" else set()
    pushed: dict[str, datetime] = {}
    if initial is not None and initial.kind == "push" and initial.at is not None:
        pushed[initial.admin.product] = initial.at
    concurrent_used = False
    for service in sorted(coded, key=_chronological):
        if service is initial or service.family == "hydration":
            continue
        family = ctx.catalog.families[service.family] if service.family else None
        if service.kind == "infusion":
            assert family is not None
            if _started_during_another(ctx, service, drug_infusions, initial):
                concurrent_used = _code_concurrent(ctx, service, family, concurrent_used)
            elif service.admin.product in infused_products:
                service.explanation = "same drug infused again: not a sequential infusion"
                ctx.add("same-drug-infusion",
                        f"{ctx.product(service.admin).short} was infused twice: record one "
                        "infusion with a pause instead of two",
                        admin=service.admin.id, field=f"{ctx.admin_path(service.admin)}.events")
            else:
                _code_sequential(ctx, service, family)
            infused_products.add(service.admin.product)
        elif service.kind == "push":
            assert family is not None
            _code_push(ctx, service, family, pushed)
        elif service.kind == "injection":
            assert family is not None and family.injection is not None
            service.role = "injection"
            service.codes = [(family.injection, 1)]
            service.explanation = "subcutaneous/intramuscular injection: a stand-alone code"
    if hydration and (initial is None or initial.family != "hydration"):
        _code_hydration(ctx, hydration, _drug_infusion_time(ctx, drug_infusions), initial=False)
    _drop_addons_without_parent(ctx, services, initial)
    lines = [
        ClaimLine(code=code, modifiers=[], units=units, diagnosis_pointers=pointers,
                  administration=s.admin.id, label=ctx.catalog.label(code), why=s.explanation)
        for s in services for code, units in s.codes if units > 0
    ]
    return services, lines


def summaries(services: list[Service]) -> list[AdministrationSummary]:
    return [
        AdministrationSummary(
            id=s.admin.id,
            running_minutes=(s.minutes if s.admin.route == "iv_infusion" and s.timeline.usable
                             else None),
            family=s.family, role=s.role, product=s.admin.product,
            codes=[c for c, u in s.codes if u > 0], explanation=s.explanation)
        for s in services
    ]


def _service(ctx: Context, admin: Administration) -> Service:
    timeline = ctx.timelines[admin.id]
    product = ctx.product(admin)
    kind: Kind
    if admin.route == "oral":
        kind = "oral"
    elif admin.route in ("subcutaneous", "intramuscular"):
        kind = "injection"
    elif admin.route == "iv_push":
        kind = "push"
    else:
        kind = "infusion"
        # The 15-minute push rule is for drugs: a hydration bag of any length counts (R14).
        if (product.role != "hydration" and timeline.usable
                and timeline.running_minutes <= PUSH_MAX_MINUTES):
            kind = "push"
            ctx.add("infusion-as-push",
                    f"{product.short} ran {timeline.running_minutes} min (15 or less): "
                    "reported as a push", admin=admin.id,
                    field=f"{ctx.admin_path(admin)}.events")
    family: Family | None
    if kind == "oral":
        family = None
    elif product.role == "hydration":
        family = "hydration"
    elif product.monoclonal and ctx.payer.monoclonal_admin == "complex":
        family = "complex"
    else:
        family = "therapeutic"
    return Service(admin, timeline, kind, family)


def _choose_initial(ctx: Context, services: list[Service],
                    hydration: list[Service]) -> Service | None:
    """R1, R2, R12, R15: see the module's docstring."""
    drugs = [s for s in services if s.iv_drug]
    if not drugs:
        if hydration and _hydration_minutes(ctx, hydration, []) > 30:
            return min(hydration, key=_chronological)
        return None
    by_hierarchy = max(drugs, key=lambda s: _rank(ctx, s))
    if ctx.document.setting == "hospital_outpatient":
        return by_hierarchy
    marked = [s for s in drugs if s.admin.primary]
    if marked:
        return max(marked, key=lambda s: _rank(ctx, s))
    if len({s.admin.product for s in drugs}) > 1:
        names = " or ".join(dict.fromkeys(ctx.product(s.admin).short for s in drugs))
        elsewhere = [a for a in ctx.document.administrations if a.primary]
        why = (f"{ctx.product(elsewhere[0]).short} is marked, but only an IV drug (infusion or "
               "push) can be the initial service: an injection is coded on its own, hydration "
               "is never initial beside a drug. " if elsewhere else "")
        ctx.add("office-primary-unmarked",
                f"{why}Mark the primary reason for the visit ({names}): in the office it is the "
                f"initial service; until one is marked, {ctx.product(by_hierarchy.admin).short} "
                "is chosen by the hierarchy", admin=by_hierarchy.admin.id,
                field=f"{ctx.admin_path(by_hierarchy.admin)}.primary")
    return by_hierarchy


def _rank(ctx: Context, s: Service) -> tuple[int, int, bool, bool, float, float]:
    product = ctx.product(s.admin)
    start = s.at.timestamp() if s.at else 0.0
    return (FAMILY_RANK[s.family or "hydration"], KIND_RANK.get(s.kind, 0), s.admin.primary,
            product.role == "treatment", s.minutes, -start)


def _chronological(s: Service) -> tuple[datetime, str]:
    return (s.at or datetime.max, s.admin.id)


def _started_during_another(ctx: Context, service: Service, drug_infusions: list[Service],
                            initial: Service | None) -> bool:
    """R5: concurrent is decided at the start: another drug's infusion (the initial one, or
    one that started earlier) was running when this one started."""
    start = service.at
    assert start is not None
    for other in drug_infusions:
        if other is service or other.admin.product == service.admin.product:
            continue
        if other is not initial and _chronological(other) >= _chronological(service):
            continue
        if running_at(start, _infusion_time(ctx, other)):
            return True
    return False


def _code_concurrent(ctx: Context, s: Service, family: FamilyCodes, used: bool) -> bool:
    """+96368 once per visit, not time-based; none in the complex family. Returns whether the
    visit's concurrent code is used now."""
    path = f"{ctx.admin_path(s.admin)}.events"
    name = ctx.product(s.admin).short
    s.role = "concurrent"
    if family.concurrent is None:
        s.explanation = "started while another drug ran: the complex family has no concurrent code"
        ctx.add("concurrent-complex",
                f"{name} started while another drug was running: the complex drug family has no "
                "concurrent code, so it is not reported on its own", admin=s.admin.id, field=path)
        return used
    if used:
        s.explanation = "concurrent infusion: reportable once per visit"
        ctx.add("concurrent-once",
                f"{name} ran at the same time as another drug, but the concurrent code was "
                "already used", admin=s.admin.id, field=path)
        return used
    s.codes = [(family.concurrent, 1)]
    s.explanation = "started while another drug was running: concurrent infusion, once"
    return True


def _infusion_time(ctx: Context, s: Service) -> list[Interval]:
    """When a drug infusion ran: its running intervals, or for one still without a stop, from
    its start to the visit's last recorded event (R4)."""
    if s.timeline.usable:
        return s.intervals
    start = s.timeline.started_at
    if start is None:
        return []
    end = max((e.at for a in ctx.document.administrations for e in a.events), default=start)
    return [(start, end)] if end > start else []


def _drug_infusion_time(ctx: Context, drug_infusions: list[Service]) -> list[Interval]:
    return [i for s in drug_infusions for i in _infusion_time(ctx, s)]


def _hours_text(minutes: int, extra: int, paused: int) -> str:
    paused_text = f" ({paused} min paused excluded)" if paused else ""
    hours = {0: "initial only", 1: "initial + 1 extra hour"}.get(extra,
                                                                   f"initial + {extra} extra hours")
    return f"{minutes} running min{paused_text}: {hours}"


def _code_initial(ctx: Context, s: Service) -> None:
    assert s.family is not None
    family = ctx.catalog.families[s.family]
    s.role = "initial"
    if s.kind == "infusion":
        extra = extra_hours(s.minutes)
        s.codes = [(family.initial, 1), (family.extra_hour, extra)]
        s.explanation = _hours_text(s.minutes, extra, s.timeline.paused_minutes)
        _explain_time(ctx, s, extra)
    else:
        assert s.kind == "push" and family.push_initial is not None
        s.codes = [(family.push_initial, 1)]
        s.explanation = "push: the initial service"


def _code_sequential(ctx: Context, s: Service, family: FamilyCodes) -> None:
    assert family.sequential is not None and family.sequential_extra_hour is not None
    extra = extra_hours(s.minutes)
    s.role = "sequential"
    s.codes = [(family.sequential, 1), (family.sequential_extra_hour, extra)]
    s.explanation = _hours_text(s.minutes, extra, s.timeline.paused_minutes).replace(
        "initial", "sequential")
    _explain_time(ctx, s, extra)


def _code_push(ctx: Context, s: Service, family: FamilyCodes, pushed: dict[str, datetime]) -> None:
    """A push after the initial service. `pushed` holds each drug's last *reported* push (R3):
    a push that is not reported does not restart the 30 minutes."""
    product = s.admin.product
    assert s.at is not None
    previous = pushed.get(product)
    if previous is None:
        assert family.push_new_drug is not None
        pushed[product] = s.at
        s.role = "push"
        s.codes = [(family.push_new_drug, 1)]
        s.explanation = "push of a new drug after the initial service"
        return
    gap = minutes_between(previous, s.at, s.timeline.zone)
    short = ctx.product(s.admin).short
    if gap <= REPEAT_PUSH_GAP:
        s.explanation = (f"repeat push {gap} min after the last reported one: not reportable")
        ctx.add("repeat-push-too-soon",
                f"{short} pushed again {gap} min after its last reported push (needs more "
                "than 30)", admin=s.admin.id, field=f"{ctx.admin_path(s.admin)}.events")
    elif ctx.document.setting != "hospital_outpatient" or family.push_repeat is None:
        s.explanation = "repeat push of the same drug: facility only"
        ctx.add("repeat-push-office",
                f"{short} pushed again {gap} min later: the repeat-push code is for hospital "
                "outpatient (facility) claims only", admin=s.admin.id,
                field=f"{ctx.admin_path(s.admin)}.events")
    else:
        pushed[product] = s.at
        s.role = "repeat_push"
        s.codes = [(family.push_repeat, 1)]
        s.explanation = f"same drug pushed again {gap} min after its last reported push"


def _hydration_minutes(ctx: Context, bags: list[Service], drug_time: list[Interval]) -> int:
    """R4: the visit's hydration minutes, added up over all bags (time two bags ran together
    counted once), less every minute a drug infusion ran."""
    zone = bags[0].timeline.zone if bags else None
    own = merged(i for s in bags for i in s.intervals)
    return total_minutes(without(own, drug_time), zone)


def _code_hydration(ctx: Context, bags: list[Service], drug_time: list[Interval], *,
                    initial: bool) -> None:
    """One hydration service over all bags, its codes on the first bag: 96360 (+96361 per
    extra hour) as the initial service, else 96361 x (0 if H <= 30 else (H - 31) // 60 + 1)."""
    first = min(bags, key=_chronological)
    minutes = _hydration_minutes(ctx, bags, drug_time)
    bags_text = f" over {len(bags)} bags" if len(bags) > 1 else ""
    for other in bags:
        if other is not first:
            other.explanation = "hydration: counted with the first bag"
    if initial:
        family = ctx.catalog.families["hydration"]
        extra = extra_hours(minutes)
        first.role = "initial"
        first.codes = [(family.initial, 1), (family.extra_hour, extra)]
        first.explanation = f"hydration {minutes} min{bags_text}: the initial service" + (
            f" + {extra} extra hour{'s' if extra != 1 else ''}" if extra else "")
        return
    units = hydration_units(minutes)
    all_minutes = total_minutes(merged(i for s in bags for i in s.intervals), first.timeline.zone)
    overlapped = all_minutes - minutes
    why = (f"{minutes} min{bags_text} not overlapping drug infusions" if overlapped
           else f"{minutes} running min{bags_text}")
    if units == 0:
        first.explanation = f"hydration {why}: needs 31+"
        ctx.add("hydration-too-short",
                f"Hydration not reportable: {why} (more than 30 needed; hydration running "
                "concurrently with a drug infusion never counts)", admin=first.admin.id,
                field=f"{ctx.admin_path(first.admin)}.events")
        return
    first.role = "hydration"
    first.codes = [(ctx.catalog.families["hydration"].subsequent or "96361", units)]
    first.explanation = f"hydration {why}"


def _drop_addons_without_parent(ctx: Context, services: list[Service],
                                initial: Service | None) -> None:
    """R12: an add-on is reported only with one of its parent codes on the claim. Dropping one
    can orphan another (96366 of a dropped 96367), so repeat until nothing changes. While the
    initial infusion waits for its stop, the add-ons waiting for it are named in one finding."""
    parents = ctx.catalog.addon_parents
    waiting = initial is not None and not initial.codes and not initial.timeline.usable
    held: list[str] = []
    while True:
        present = {code for s in services for code, units in s.codes if units > 0}
        orphans = [(s, code) for s in services for code, units in s.codes
                   if units > 0 and code in parents and not parents[code] & present]
        if not orphans:
            break
        for service, code in orphans:
            service.codes = [(c, u) for c, u in service.codes if c != code]
            needs = ", ".join(sorted(parents[code]))
            name = ctx.product(service.admin).short
            service.explanation += f"; +{code} not reported without {needs}"
            if waiting:
                held.append(f"+{code} ({name})")
                continue
            ctx.add("addon-without-parent",
                    f"+{code} ({name}) is an add-on and none of its parent codes ({needs}) "
                    "is on the claim: not reported", admin=service.admin.id,
                    field=f"{ctx.admin_path(service.admin)}.events")
    if held:
        assert initial is not None
        ctx.add("addons-without-initial",
                f"{', '.join(held)} {'is' if len(held) == 1 else 'are'} not reported until "
                f"{ctx.product(initial.admin).short}, the initial service, has its times "
                "complete", admin=initial.admin.id, field=f"{ctx.admin_path(initial.admin)}.events")


def _explain_time(ctx: Context, s: Service, extra: int) -> None:
    """Say why the hour count is what it is where people often get it wrong."""
    name = ctx.product(s.admin).short
    if s.timeline.paused_minutes:
        ctx.add("pause-excluded",
                f"{name}: {s.timeline.paused_minutes} paused min excluded; {s.minutes} running "
                "min count", admin=s.admin.id, field=f"{ctx.admin_path(s.admin)}.events")
    naive = max(0, -(-(s.minutes - 60) // 60))
    if s.minutes > 60 and naive != extra:
        ctx.add("extra-hour-rule",
                f"{name}: {s.minutes} running min = {extra} extra hour"
                f"{'s' if extra != 1 else ''}, not {naive}: an extra hour needs more than 30 "
                "min beyond the last full hour", admin=s.admin.id,
                field=f"{ctx.admin_path(s.admin)}.events")
