"""The demo centre's claims as a biller finds them (issue 15): each finalized visit's claim in
the status its age gives it, remittances for the decided ones, and the audit entries of each
change, written with executemany inside demo_writer's transaction.

    visit                              claim
    the last 2 days with visits        ready (finalized, not yet sent)
    the 3 days with visits before      printed the next day (CMS-1500, UB-04 for hospital
                                       outpatient) or exported (one 837 a day and kind, its
                                       ISA13 taken from control_numbers)
    the 5 days with visits before      submitted 2 days after the visit
    older, up to 30 days               submitted; a third of those 20 days old or more paid
    31 days and more                   paid (a remittance: allowed amount, CO-45, PR-2), a
                                       few denied with a reason code, a few still waiting
                                       (paid what the estimate at the demo prices expects,
                                       a deliberate few less: demo_payments.py)

(Days with visits, not calendar days, for the recent ones: a small demo has few visits a day,
and a biller trying it still finds claims of each kind.)

The audit log gets each change of the newest HISTORIES claims as the store would write it
(all of a small demo's; a 100,000-visit demo's older ones are counted in its 'create' entry,
like its patients and coverages, so that it is still built in seconds).

Everything is a function of the visit's number and day (no random draws), so a seed and a
day give the same claims. The one replacement (frequency 7) is made afterwards through the
store (demo_extras.py): the first denied visit amended as a biller would.

Obviously fake: payer claim-office ids DEMO01..DEMO07, payer claim numbers DMC..., a
fictional clearinghouse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring as _quote
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from ocrebill_gui.core.practice import ClearinghouseSettings
from ocrebill_gui.store.demo_payments import DemoPayments, Expected

# The payer's id for claims (loop 2010BB NM109) and plan type, per demo payer.
PAYER_CLAIM_IDS = {"medicare": ("DEMO01", "medicare"), "medicaid": ("DEMO02", "medicaid"),
                   "unitedhealthcare": ("DEMO03", "commercial"),
                   "anthem": ("DEMO04", "commercial"), "cigna": ("DEMO05", "commercial"),
                   "aetna": ("DEMO06", "commercial"),
                   "demo-lakeside-health": ("DEMO07", "commercial")}
PRACTICE_ADDRESS = ["100 Example Parkway, Suite 200", "Springfield, IL 62701-0100"]
CLEARINGHOUSE = ClearinghouseSettings(
    sender_id="DEMOSUBMIT01", receiver_id="DEMOCLEARING",
    receiver_name="Example Clearinghouse (demo)", contact_name="Demo Biller",
    contact_phone="5550100100", usage="T")
# What the payer allows of the charge, and its share of that (the rest: coinsurance, PR-2).
_ALLOWED = {"medicare": (Decimal("0.62"), Decimal("0.80")),
            "medicaid": (Decimal("0.50"), Decimal("1.00"))}
_COMMERCIAL = (Decimal("0.78"), Decimal("0.80"))
# (group-reason codes, why in words) of the demo's denials.
DENIALS = (
    (["CO-197"], "Precertification/authorization absent"),
    (["CO-16", "N290"], "Claim lacks information: missing/invalid rendering provider id"),
    (["CO-50"], "Not deemed a medical necessity by the payer"),
    (["CO-11"], "The diagnosis is inconsistent with the procedure"),
)
CENT = Decimal("0.01")
HISTORIES = 5000  # claims (the newest) whose changes the demo writes to the audit log
CLAIM_SQL = ("INSERT INTO claims (id, visit_id, status, frequency, replaces_claim_id, "
             "payer_claim_number, form, printed_at, export_file, control_number, exported_at, "
             "submitted_at, decided_at, denial_reason, created_at, created_by, changed_at, "
             "changed_by) VALUES (?, ?, ?, '1', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
REMITTANCE_SQL = ("INSERT INTO remittances (id, claim_id, received_on, amount_paid, "
                  "patient_responsibility, adjustments, denial_codes, note, created_at, "
                  "created_by, changed_at, changed_by) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)")

AuditEntry = tuple[str, str, str, str, str, str | None, str]


@cache
def _stamp(day: date, clock: str) -> str:
    return f"{day.isoformat()}T{clock}:00.000+00:00"


def _json(value: object) -> str:
    """json.dumps of a str, int or None (ensure_ascii=False), without its call's cost: the
    demo writes a few entries per visit."""
    if value is None:
        return "null"
    return _quote(value) if isinstance(value, str) else str(value)


def _changes(*items: tuple[str, object, object]) -> str:
    """changes_json's text of (field, before, after) triplets."""
    return "[" + ", ".join(f'{{"field": "{f}", "before": {_json(b)}, "after": {_json(a)}}}'
                           for f, b, a in items) + "]"


def _created(values: dict) -> str:
    """The changes text of insert_recorded's entry: the new record."""
    record = ", ".join(f"{_quote(k)}: {_json(v)}" for k, v in values.items())
    return f'[{{"field": "record", "before": null, "after": {{{record}}}}}]'


@dataclass
class DemoClaims:
    """The rows and audit entries of the demo's claims (entries not yet in time order)."""

    today: date
    actor: str
    recent: list[date]  # the days with finalized visits, the latest first
    claims: list[tuple] = field(default_factory=list)
    remittances: list[tuple] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)
    interchanges: dict[tuple[date, str], int] = field(default_factory=dict)
    denied: int = 0
    history_after: int = 0  # visits numbered above it have their claim's history in the log
    histories: int = 0
    payments: DemoPayments | None = None  # what the payers pay (demo_payments.py)
    _ranks: dict[date, int] | None = None

    def add(self, visit_id: int, day: date, setting: str, payer: str, finalized_at: str,
            charge: Decimal, expected: Callable[[], Expected | None] | None = None) -> None:
        """The claim of a visit finalized at `finalized_at`, charged `charge` in all;
        `expected` gives its estimate at the demo prices (demo_payments.py), which a paid
        claim's remittance pays (None: the payer's usual ratios of the charge)."""
        age = (self.today - day).days
        rank = self._rank(day)
        spread = visit_id * 2654435761 % 1000  # an even spread over the visits
        claim_id = len(self.claims) + 1
        entity, actor = str(claim_id), self.actor
        # Its changes in the audit log: for the newest HISTORIES claims (all of a small demo);
        # the older ones of a large demo are counted in the demo's 'create' entry, as its
        # patients and visits are (building it stays fast: ~5 entries a claim).
        log = self.entries if visit_id > self.history_after else None
        if log is not None:
            self.histories += 1
            log.append((finalized_at, actor, "claim", entity, "create", None,
                        '[{"field": "record", "before": null, "after": {"visit_id": '
                        f'{visit_id}, "status": "ready", "frequency": "1"}}}}]'))
        number = form = printed = export_file = control = exported = submitted = None
        decided_on = reason = None
        status, changed = "ready", finalized_at
        if rank >= 2:
            out_day = day + timedelta(days=1)
            hospital = setting == "hospital_outpatient"
            if spread % 2:  # printed on the form of its setting
                form = "ub04" if hospital else "cms1500"
                changed = printed = _stamp(out_day, "15:00")
                status = "printed"
                if log is not None:
                    log.append((changed, actor, "claim", entity, "print", None, _changes(
                        ("status", "ready", status), ("form", None, form),
                        ("printed_at", None, changed))))
            else:  # in the day's 837
                kind = "837i" if hospital else "837p"
                isa13 = self.interchanges.setdefault((out_day, kind),
                                                     len(self.interchanges) + 1)
                export_file = f"claims-{out_day.isoformat()}.{kind}"
                control = f"{isa13:09d}"
                changed = exported = _stamp(out_day, "16:00")
                status = "exported"
                if log is not None:
                    log.append((changed, actor, "claim", entity, "export", None, _changes(
                        ("status", "ready", status), ("export_file", None, export_file),
                        ("control_number", None, control), ("exported_at", None, changed))))
        if rank >= 5:
            before, status = status, "submitted"
            changed = submitted = _stamp(day + timedelta(days=2), "09:00")
            if log is not None:
                log.append((changed, actor, "claim", entity, "submit", None,
                            f'[{{"field": "status", "before": "{before}", "after": '
                            f'"submitted"}}, {{"field": "submitted_at", "before": null, '
                            f'"after": "{changed}"}}]'))
        decided = None
        if rank < 10:
            pass  # not decided yet
        elif age > 30 and not 30 <= spread < 45:  # 1.5 % still wait for the payer
            decided = day + timedelta(days=14 + spread % 14)
        elif age >= 20 and spread < 300:
            decided = day + timedelta(days=14 + spread % 6)
        if decided is not None:
            received = decided.isoformat()
            at = _stamp(decided, "11:00")
            remittance_id = len(self.remittances) + 1
            if age > 30 and spread < 30:  # 3 % denied
                # The first is the missing rendering provider: demo_extras.py amends that
                # visit and sends its replacement.
                codes, why = DENIALS[spread % len(DENIALS) if self.denied else 1]
                self.denied += 1
                remittance = {"claim_id": claim_id, "received_on": received,
                              "amount_paid": "0.00", "patient_responsibility": None,
                              "adjustments": "[]", "denial_codes": json.dumps(codes),
                              "note": None}
                status, reason = "denied", why
                number = f"DMC{decided:%y%j}{visit_id:07d}"
                decision = _changes(("decided_at", None, received), ("status", "submitted",
                                    "denied"), ("denial_reason", None, why))
                action = "deny"
            else:
                estimate = expected() if expected is not None else None
                if estimate is not None and self.payments is not None:
                    paid, share, adjustments = self.payments.payment(estimate, charge)
                else:
                    paid, share, adjustments = _payment(_ALLOWED.get(payer, _COMMERCIAL),
                                                        charge)
                remittance = {"claim_id": claim_id, "received_on": received,
                              "amount_paid": paid, "patient_responsibility": share,
                              "adjustments": adjustments, "denial_codes": None, "note": None}
                status, action = "paid", "pay"
                decision = (f'[{{"field": "decided_at", "before": null, "after": "{received}"}}'
                            ', {"field": "status", "before": "submitted", "after": "paid"}]')
            self.remittances.append((
                remittance_id, claim_id, received, remittance["amount_paid"],
                remittance["patient_responsibility"], remittance["adjustments"],
                remittance["denial_codes"], at, actor, at, actor))
            if log is not None:
                log.append((at, actor, "remittance", str(remittance_id), "create", None,
                            _created(remittance)))
                log.append((at, actor, "claim", entity, action, None, decision))
            decided_on, changed = received, at
            if number is not None:  # the biller keys a denied claim's payer number
                changed = _stamp(decided, "11:05")
                if log is not None:
                    log.append((changed, actor, "claim", entity, "update", None, _changes(
                        ("payer_claim_number", None, number))))
        self.claims.append((claim_id, visit_id, status, number, form, printed, export_file,
                            control, exported, submitted, decided_on, reason, finalized_at,
                            actor, changed, actor))

    def _rank(self, day: date) -> int:
        """How many days with visits came after this one (10: any older)."""
        if self._ranks is None:
            self._ranks = {recent: rank for rank, recent in enumerate(self.recent[:10])}
        return self._ranks.get(day, 10)  # the recent days are every day with visits then

    def control_numbers(self) -> Iterator[tuple[str, int, str, str]]:
        """control_numbers rows: every ISA13, GS06 and ST02 the exports took is used."""
        if not self.interchanges:
            return
        last = max(self.interchanges)[0]
        for kind in ("isa", "gs", "st"):
            yield kind, len(self.interchanges), _stamp(last, "16:00"), self.actor


@cache
def _payment(terms: tuple[Decimal, Decimal], charge: Decimal) -> tuple[str, str, str]:
    """(amount paid, patient responsibility, adjustments JSON) of a claim charged `charge`
    under the payer's (allowed ratio, payer's share); a few charges repeat over the demo."""
    ratio, share = terms
    allowed = (charge * ratio).quantize(CENT)
    paid = (allowed * share).quantize(CENT)
    coinsurance = allowed - paid
    adjustments = [{"group": "CO", "reason": "45", "amount": str(charge - allowed)}]
    if coinsurance:
        adjustments.append({"group": "PR", "reason": "2", "amount": str(coinsurance)})
    return str(paid), str(coinsurance), json.dumps(adjustments)
