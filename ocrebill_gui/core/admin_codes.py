"""Administration codes: one initial service by hierarchy, then sequential, concurrent, push,
repeat-push, injection and hydration codes, each with the running time that justifies it."""

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
    minutes_not_overlapping,
    overlap_minutes,
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
        return self.timeline.first_time


def code_services(ctx: Context, pointers: list[int]) -> tuple[list[Service], list[ClaimLine]]:
    services = [_service(ctx, a) for a in ctx.document.administrations]
    coded = [s for s in services if s.timeline.usable and s.kind != "oral"]
    # The initial service is chosen by what was given, not by whether its times are complete
    # yet: a running infusion without a stop stays the initial service (and gets no codes
    # until it has one), so a premed push does not flip from +96375 to 96374 and back.
    candidates = [s for s in services if s.kind != "oral" and (
        s.family != "hydration" or (s.timeline.usable and s.minutes > 30))]
    initial = max(candidates, key=lambda s: _rank(ctx, s), default=None)
    if initial is not None and not initial.timeline.usable:
        initial.role = "initial"
        initial.explanation = "initial service: no codes until its times are complete"
    elif initial is not None:
        _code_initial(ctx, initial)
    infusions = [s for s in coded if s.kind == "infusion" and s.family != "hydration"]
    infused_products = {initial.admin.product} if initial and initial.kind == "infusion" else set()
    pushed: dict[str, datetime] = {}
    if initial is not None and initial.kind == "push" and initial.at is not None:
        pushed[initial.admin.product] = initial.at
    concurrent_used = False
    for service in sorted(coded, key=_chronological):
        if service is initial:
            continue
        family = ctx.catalog.families[service.family] if service.family else None
        if service.family == "hydration":
            _code_hydration(ctx, service, infusions)
        elif service.kind == "infusion":
            assert family is not None
            earlier = [o for o in infusions if o is not service
                       and (o is initial or _chronological(o) < _chronological(service))]
            overlapping = [o for o in earlier if overlap_minutes(o.intervals, service.intervals)]
            if overlapping:
                if concurrent_used or family.concurrent is None:
                    service.explanation = "concurrent infusion: reportable once per visit"
                    ctx.add("concurrent-once",
                            f"{ctx.product(service.admin).short} ran at the same time as another "
                            "drug, but the concurrent code was already used",
                            admin=service.admin.id,
                            field=f"{ctx.admin_path(service.admin)}.events")
                else:
                    concurrent_used = True
                    service.role = "concurrent"
                    service.codes = [(family.concurrent, 1)]
                    other = ctx.product(overlapping[0].admin).short
                    service.explanation = (f"{service.minutes} running min overlapping {other}: "
                                           "concurrent infusion")
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
            service.explanation = "subcutaneous/intramuscular injection"
    if initial is not None and not initial.codes and any(
            s.codes for s in services if s is not initial):
        ctx.add("addons-without-initial",
                f"The add-on codes of this visit need {ctx.product(initial.admin).short} as "
                "their initial service, which has no codes until its times are complete",
                admin=initial.admin.id, field=f"{ctx.admin_path(initial.admin)}.events")
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
        if timeline.usable and timeline.running_minutes <= PUSH_MAX_MINUTES:
            kind = "push"
            if product.role != "hydration":
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


def _rank(ctx: Context, s: Service) -> tuple:
    product = ctx.product(s.admin)
    start = s.at.timestamp() if s.at else 0.0
    return (FAMILY_RANK[s.family or "hydration"], KIND_RANK.get(s.kind, 0), s.admin.primary,
            product.role == "treatment", s.minutes, -start)


def _chronological(s: Service) -> tuple:
    return (s.at or datetime.max, s.admin.id)


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
    elif s.kind == "push":
        assert family.push_initial is not None
        s.codes = [(family.push_initial, 1)]
        s.explanation = "push: the initial service"
    else:
        assert family.injection is not None
        s.codes = [(family.injection, 1)]
        s.explanation = "injection: the initial service"


def _code_sequential(ctx: Context, s: Service, family: FamilyCodes) -> None:
    assert family.sequential is not None and family.sequential_extra_hour is not None
    extra = extra_hours(s.minutes)
    s.role = "sequential"
    s.codes = [(family.sequential, 1), (family.sequential_extra_hour, extra)]
    s.explanation = _hours_text(s.minutes, extra, s.timeline.paused_minutes).replace(
        "initial", "sequential")
    _explain_time(ctx, s, extra)


def _code_push(ctx: Context, s: Service, family: FamilyCodes, pushed: dict[str, datetime]) -> None:
    product = s.admin.product
    assert s.at is not None
    previous = pushed.get(product)
    pushed[product] = s.at
    if previous is None:
        assert family.push_new_drug is not None
        s.role = "push"
        s.codes = [(family.push_new_drug, 1)]
        s.explanation = "push of a new drug after the initial service"
        return
    gap = int((s.at - previous).total_seconds() // 60)
    short = ctx.product(s.admin).short
    if gap <= REPEAT_PUSH_GAP:
        s.explanation = f"repeat push {gap} min after the previous one: not reportable"
        ctx.add("repeat-push-too-soon",
                f"{short} pushed again {gap} min after the previous push (needs more than 30)",
                admin=s.admin.id, field=f"{ctx.admin_path(s.admin)}.events")
    elif ctx.document.setting != "hospital_outpatient" or family.push_repeat is None:
        s.explanation = "repeat push of the same drug: facility only"
        ctx.add("repeat-push-office",
                f"{short} pushed again {gap} min later: the repeat-push code is for hospital "
                "outpatient (facility) claims only", admin=s.admin.id,
                field=f"{ctx.admin_path(s.admin)}.events")
    else:
        s.role = "repeat_push"
        s.codes = [(family.push_repeat, 1)]
        s.explanation = f"same drug pushed again {gap} min after the previous push"


def _code_hydration(ctx: Context, s: Service, infusions: list[Service]) -> None:
    own = minutes_not_overlapping(s.intervals, [o.intervals for o in infusions])
    units = hydration_units(own)
    if units == 0:
        overlapped = s.minutes - own
        why = (f"{own} min not overlapping other infusions" if overlapped
               else f"{s.minutes} running min")
        s.explanation = f"hydration {why}: needs 31+"
        ctx.add("hydration-too-short",
                f"Hydration not reportable: {why} (more than 30 needed; hydration running "
                "concurrently with another infusion never counts)", admin=s.admin.id,
                field=f"{ctx.admin_path(s.admin)}.events")
        return
    s.role = "hydration"
    s.codes = [(ctx.catalog.families["hydration"].subsequent or "96361", units)]
    s.explanation = f"hydration {own} min not overlapping other infusions"


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
