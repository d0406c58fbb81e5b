"""`ocrebill demo`: a demo database of a fictional infusion centre, fast enough for 100,000
visits.

demo_plan.py decides who comes when; this module turns the plan into visit documents from a
few clinically realistic templates (induction 300 mg, maintenance 600 mg over 3.5 h or 2 h,
a pause for an infusion reaction, Zunovo 920 mg SC, today's infusions still running), gets
their claim results from demo_claims.ClaimCache, and writes everything with executemany in one
transaction into a new file that replaces the target only when complete.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from functools import partial
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from pydantic import BaseModel, ConfigDict

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.core.visit import PayerProfile
from ocrebill_gui.files import create_private
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.demo_accounts import add_demo_accounts
from ocrebill_gui.store.demo_claims import ClaimCache, period_of
from ocrebill_gui.store.demo_plan import (
    FY2026,
    LOT_RULES,
    USER_PAYER,
    DemoPlan,
    lot_finder,
    plan_demo,
)
from ocrebill_gui.store.demo_billing import CLEARINGHOUSE, PRACTICE_ADDRESS
from ocrebill_gui.store.demo_extras import add_demo_extras
from ocrebill_gui.store.demo_payments import DemoPayments
from ocrebill_gui.store.demo_prices import add_demo_prices
from ocrebill_gui.store.demo_providers import DEMO_PROVIDERS, add_demo_providers

if TYPE_CHECKING:
    from ocrebill_gui.store.server import ServerAddress
from ocrebill_gui.store.demo_writer import write_plan
from ocrebill_gui.store.errors import InvalidRecord, StoreError, sqlite_errors
from ocrebill_gui.store.keys import (
    Sidecar,
    audit_key,
    create_sidecar,
    new_key,
    new_recovery_key,
    set_wrap,
    sidecar_path,
)
from ocrebill_gui.store.migrations import PAGE_SIZE, migrate
from ocrebill_gui.store.visits import running_since_of, summary_text

DEFAULT_PATIENTS = 40
DEFAULT_VISITS = 200
VISITS_PER_PATIENT = 5  # patients = visits / 5 when only --visits is given
BENEFITS_DAYS = demo_practice().benefits_verification_days
ACTOR = "demo"

_NDC_DASHED = {"ocrevus": "50242-0150-01", "ocrevus-zunovo": "50242-0554-01",
               "methylprednisolone": "00009-0047-22", "diphenhydramine": "63323-0664-01"}
_VIAL_MG = {"ocrevus": 300, "ocrevus-zunovo": 920, "methylprednisolone": 125,
            "diphenhydramine": 50}
_RUN_MINUTES = {("ind", "std"): 150, ("ind", "pause"): 150, ("maint", "std"): 210,
                ("maint", "short"): 120, ("maint", "pause"): 210, ("maint", "inprogress"): 0,
                ("ind", "inprogress"): 0}


class DemoSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    patients: int
    visits: int
    finalized: int
    drafts: int
    claims_computed: int  # distinct engine runs; the other results were reused
    seconds: float
    encrypted: bool = False


@dataclass(frozen=True)
class Template:
    """One kind of visit: its document with placeholders, and what it takes from stock."""

    text: str  # JSON with %(name)s placeholders
    summary: str
    running: str | None  # clock time of the start of an infusion without a stop ('09:30')
    vials: tuple[tuple[str, int], ...]  # (product, vials opened)


def _vial(product: str, tag: str) -> dict:
    return {"ndc": _NDC_DASHED[product], "lot": f"@L_{tag}@", "expires": f"@X_{tag}@",
            "mg": _VIAL_MG[product]}


def _template(kind: str, variant: str, slot: str) -> Template:
    start = datetime.strptime(slot, "%H:%M")

    def at(minutes: int) -> str:
        return f"@D@T{(start + timedelta(minutes=minutes)):%H:%M}"

    def given(admin_id: str, product: str, route: str, mg: float, minute: int,
              tag: str | None) -> dict:
        admin = {"id": admin_id, "product": product, "route": route, "dose_mg": mg,
                 "events": [{"at": at(minute), "kind": "given"}]}
        if tag:
            admin["vials"] = [_vial(product, tag)]
        return admin

    admins = [given("mp", "methylprednisolone", "iv_push", 100, 0, "MP"),
              given("dph", "diphenhydramine", "iv_push", 50, 5, "DPH"),
              given("apap", "acetaminophen-oral", "oral", 650, 5, None)]
    vials = {"methylprednisolone": 1, "diphenhydramine": 1}
    if kind == "zunovo":
        admins.append(given("zun", "ocrevus-zunovo", "subcutaneous", 920, 30, "ZUN"))
        vials["ocrevus-zunovo"] = 1
        admins[0]["primary"] = True  # an injection is never the initial IV service (R2)
    else:
        dose = 300 if kind == "ind" else 600
        run = _RUN_MINUTES[(kind, variant)]
        events = [{"at": at(30), "kind": "start"}]
        if variant == "pause":  # infusion reaction: stop the drip, treat, resume slower
            events += [{"at": at(90), "kind": "pause"}, {"at": at(120), "kind": "resume"}]
            admins.append(given("dph2", "diphenhydramine", "iv_push", 25, 95, "DPH"))
            vials["diphenhydramine"] = 2
        if variant != "inprogress":
            events.append({"at": at(30 + run + (30 if variant == "pause" else 0)),
                           "kind": "stop"})
        admins.append({"id": "ocr", "product": "ocrevus", "route": "iv_infusion",
                       "dose_mg": dose, "vials": [_vial("ocrevus", "OCR")] * (dose // 300),
                       "events": events, "primary": True})  # as the nurse marks it (R1)
        vials["ocrevus"] = dose // 300
    document: dict[str, Any] = {"format": "ocrebill.visit/1", "date_of_service": "@D@",
                                "setting": "@SET@",
                "payer": "@PAYER@", "patient": "@PATIENT@", "providers": "@PROVIDERS@",
                "diagnoses": ["@DX@"], "administrations": admins}
    if demo_practice().time_zone:
        document["time_zone"] = demo_practice().time_zone
    # Every event is on the visit's day: the time is the template's, the day the visit's.
    since = running_since_of(json.loads(json.dumps(document).replace("@D@", "2000-01-03")))
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).replace("%", "%%")
    for marker, name in (('"@PAYER@"', "payer"), ('"@PATIENT@"', "patient"),
                         ('"@PROVIDERS@"', "providers"), ('["@DX@"]', "dx_and_pa")):
        text = text.replace(marker, f"%({name})s")
    text = text.replace("@D@", "%(d)s").replace("@SET@", "%(setting)s")
    for tag in ("MP", "DPH", "ZUN", "OCR"):
        text = text.replace(f"@L_{tag}@", f"%(L_{tag})s").replace(f"@X_{tag}@", f"%(X_{tag})s")
    return Template(text=text, summary=summary_text(document),
                    running=since[11:] if since else None,
                    vials=tuple(sorted(vials.items())))




def _providers(patient: int) -> str:
    """The visit document's providers of a patient's visits: the patient's own neurologist
    orders, one of the suite's rendering providers gives (the names and NPIs of the demo's
    provider records; neither changes the claim result, only their absence would)."""
    rendering = [p for p in DEMO_PROVIDERS if p["role"] == "rendering"]
    ordering = [p for p in DEMO_PROVIDERS if p["role"] == "ordering"]

    def ref(fields: dict) -> dict:
        return {k: fields[k] for k in ("name", "npi", "taxonomy") if k in fields}

    return json.dumps({"rendering": ref(rendering[patient % 3 // 2]),
                       "ordering": ref(ordering[patient % len(ordering)])},
                      ensure_ascii=False, separators=(",", ":"))


def build_documents(plan: DemoPlan, cache: ClaimCache):
    """Yield (visit, document JSON, CachedClaim, template, lots used) in the plan's order."""
    templates: dict[tuple[str, str, str], Template] = {}
    find_lot = lot_finder(plan)
    patient_values = [{
        "setting": p.setting, "payer": f'"{p.payer}"',
        "patient": json.dumps({"id": p.ref, "name": p.name,
                               "birth_date": p.birth_date.isoformat(),
                               "member_id": p.member_id},
                              ensure_ascii=False, separators=(",", ":")),
        "providers": _providers(number),
    } for number, p in enumerate(plan.patients)]
    auth_texts: dict[int, tuple[str, str, str, str]] = {}
    current_day: date | None = None
    day_tokens: dict[str, str] = {}
    for visit in plan.visits:
        if visit.day != current_day:  # visits come sorted by day: redo day-bound values
            current_day = visit.day
            period = period_of(current_day)
            pre_fy2026 = current_day < FY2026
            day_tokens = {"d": current_day.isoformat()}
            day_lots = {}
            for product, (_, _, _, tag) in LOT_RULES.items():
                lot = plan.lots[find_lot(current_day, product)]
                day_lots[product] = lot
                day_tokens[f"L_{tag}"] = lot.lot
                day_tokens[f"X_{tag}"] = lot.expires.isoformat()
            expired = tuple(sorted(p for p, lot in day_lots.items() if lot.expires < current_day))
            # Each template with this day's date and lots filled in, and the lots it takes.
            of_the_day: dict[tuple[str, str, str], tuple[str, list]] = {}
        key = (visit.kind, visit.variant, visit.slot)
        filled = of_the_day.get(key)
        if filled is None:
            template = templates.get(key)
            if template is None:
                template = templates[key] = _template(*key)
            partial = template.text
            for name in ("setting", "payer", "patient", "providers", "dx_and_pa"):
                partial = partial.replace(f"%({name})s", f"%%({name})s")
            filled = of_the_day[key] = (
                partial % day_tokens, [day_lots[product] for product, _ in template.vials])
        else:
            template = templates[key]
        patient = plan.patients[visit.patient]
        dx = "G35" if pre_fy2026 else patient.dx_after_fy2026
        values = dict(patient_values[visit.patient])
        if visit.auth is None:
            values["dx_and_pa"] = f'["{dx}"]'
            pa_state, pa_tokens = None, None
        else:
            texts = auth_texts.get(visit.auth)
            if texts is None:
                auth = plan.auths[visit.auth]
                texts = auth_texts[visit.auth] = (auth.number, auth.valid_from.isoformat(),
                                                  auth.valid_to.isoformat(), str(auth.approved))
            # ISO dates compare like the dates they spell. The whole approval is part of the
            # state: a finding says "N of its TOTAL approved units left".
            pa_state = (texts[1] <= day_tokens["d"] <= texts[2], visit.remaining, texts[3])
            values["dx_and_pa"] = (
                f'["{dx}"],"prior_authorization":{{"number":"{texts[0]}","valid_from":'
                f'"{texts[1]}","valid_to":"{texts[2]}","approved_units":'
                f'{max(0, visit.remaining or 0)},"approved_units_total":{texts[3]}}}')
            pa_tokens = {"PA": texts[0], "PAF": texts[1], "PAT": texts[2]}
        if not visit.finalized:
            # A draft shows what the store's engine document holds (visit_documents.py): the
            # benefits verification block, none recorded (the demo records none for them).
            product = "ocrevus-zunovo" if visit.kind == "zunovo" else "ocrevus"
            values["dx_and_pa"] += (f',"benefits_verification":{{"product":"{product}",'
                                    f'"within_days":{BENEFITS_DAYS}}}')
        text = filled[0] % values
        claim_key = (key, patient.setting, patient.payer, dx, pa_state, expired, period,
                     visit.finalized)
        yield (visit, text, cache.claim(claim_key, text, day_tokens, pa_tokens), template,
               filled[1])


def create_demo_database(path: str | os.PathLike[str] | ServerAddress, *,
                         patients: int | None = None, visits: int | None = None, seed: int = 1,
                         today: date | None = None, now: datetime | None = None,
                         encrypt: bool = False) -> DemoSummary:
    """Build a demo database at `path`: a new file, or an existing store with no patients and
    no visits (replaced). The file appears only when complete.

    Defaults: 40 patients and 200 visits; with only `visits` given, one patient per 5 visits.
    Deterministic for a given seed and `today` (default: the day of `now`, itself the current
    time by default, so the demo always has a day's worklist with infusions still running;
    made before 09:30, those started an hour before `now` rather than at 09:00, so that
    Stop works; the day's finished visits keep their usual times).

    `encrypt`: an encrypted file (SQLCipher, a new random key; `ocrebill demo --encrypt`):
    written encrypted from the start, its audit chain keyed as it is written and its visits
    encrypted on a second thread while the next ones are made (demo_cipher.py: no plain page
    reaches the disk), with a key file whose wraps for the four demo accounts use cheap
    argon2id parameters: their password is public, the wraps protect nothing, and the demo is
    still made in a moment.

    `path` may name a PostgreSQL server's empty database (store/server.py): the demo is made
    in a file, then copied there (server_copy.demo_on_server)."""
    from ocrebill_gui.store.server import ServerAddress, is_server

    if isinstance(path, ServerAddress) or is_server(path):
        from ocrebill_gui.store.server_copy import demo_on_server

        return demo_on_server(path, patients=patients, visits=visits, seed=seed, today=today,
                              now=now, encrypt=encrypt)
    problems = []
    if patients is not None and (not isinstance(patients, int) or patients < 1):
        problems.append(("patients", "must be a whole number, 1 or more"))
    if visits is not None and (not isinstance(visits, int) or visits < 0):
        problems.append(("visits", "must be a whole number, 0 or more"))
    if problems:
        raise InvalidRecord(problems)
    if patients is None:
        patients = (DEFAULT_PATIENTS if visits is None
                    else max(DEFAULT_PATIENTS, -(-visits // VISITS_PER_PATIENT)))
    visits = DEFAULT_VISITS if visits is None else visits
    if today is None:
        now = now or datetime.now()
        today = now.date()
    made_at = now.time() if now is not None and now.date() == today else None
    target = Path(path).expanduser()
    started = time.perf_counter()
    _refuse_if_in_use(target)
    plan = plan_demo(patients, visits, seed, today, made_at)
    building = target.with_name(f".{target.name}.demo-{os.getpid()}")
    building.unlink(missing_ok=True)
    try:
        create_private(building)  # 0600 like every database: os.replace keeps the mode
        key = new_key() if encrypt else None
        summary_counts, computed = _build(building, plan, key)
        sidecar = _demo_key_file(target, key) if key is not None else None
        with open(building, "rb+") as handle:
            os.fsync(handle.fileno())
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        if sidecar is not None:
            sidecar.save()
        else:
            sidecar_path(target).unlink(missing_ok=True)
        os.replace(building, target)
    except sqlite_errors() as exc:
        raise StoreError(f"Cannot build the demo database at {target}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        building.unlink(missing_ok=True)
    finalized, drafts = summary_counts
    return DemoSummary(path=str(target), patients=patients, visits=len(plan.visits),
                       finalized=finalized, drafts=drafts, claims_computed=computed,
                       seconds=round(time.perf_counter() - started, 3), encrypted=encrypt)


def _demo_key_file(target: Path, key: bytes) -> Sidecar:
    """The key file of an encrypted demo: the four accounts' cheap wraps (and a recovery
    key nobody sees: the demo's password is public)."""
    from ocrebill_gui.store.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    sidecar = create_sidecar(target, key, new_recovery_key(), demo=True)
    for login, _name, _role in DEMO_ACCOUNTS:
        set_wrap(sidecar, login, DEMO_PASSWORD, key)
    return sidecar


def _refuse_if_in_use(target: Path) -> None:
    from ocrebill_gui.store.db import file_is_encrypted, folder_for, open_store

    if not target.exists():
        folder_for(target)
        return
    if file_is_encrypted(target):
        raise StoreError(f"{target} is an encrypted database: demo data only goes into a new "
                         "file (choose one with --db).")
    with open_store(target, create=False) as existing:
        people = existing.conn.execute("SELECT count(*) FROM patients").fetchone()[0]
        seen = existing.conn.execute("SELECT count(*) FROM visits").fetchone()[0]
        staff = existing.conn.execute("SELECT count(*) FROM users").fetchone()[0]
    if people or seen:
        raise StoreError(f"{target} already holds {people} patients and {seen} visits: demo "
                         "data only goes into a new file (choose one with --db).")
    if staff:
        raise StoreError(f"{target} already has {staff} staff account(s): demo data only goes "
                         "into a new file (choose one with --db).")


def _build(building: Path, plan: DemoPlan,
           key: bytes | None = None) -> tuple[tuple[int, int], int]:
    chain_key = None if key is None else audit_key(key)
    insert_visits = kept = None
    if key is None:
        conn = sqlite3.connect(building)
    else:
        from ocrebill_gui.store import demo_cipher

        conn = demo_cipher.connect_building(building, key)
        insert_visits = partial(demo_cipher.insert_visits_alongside, conn)
        kept = demo_cipher.INDEXED_WHILE_WRITING
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = OFF")  # a new file: a failure deletes it
        conn.execute("PRAGMA synchronous = OFF")
        migrate(sqlite_utils.Database(conn, execute_plugins=False))
        catalog = default_catalog().with_payers(
            {USER_PAYER["id"]: PayerProfile.model_validate(USER_PAYER)})
        practice = demo_practice().model_copy(update={
            "demo": True, "address_lines": PRACTICE_ADDRESS, "clearinghouse": CLEARINGHOUSE})
        cache = ClaimCache(catalog, practice)
        # Secondary indexes are built once at the end (a sorted build), not row by row; an
        # encrypted build keeps the visits' (demo_cipher.py).
        indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND sql IS NOT NULL AND tbl_name IS NOT ?", (kept,)).fetchall()
        conn.execute("BEGIN")
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        counts = write_plan(conn, plan, build_documents(plan, cache), ACTOR,
                            practice=practice.model_dump_json(),
                            user_payer=PayerProfile.model_validate(USER_PAYER).model_dump_json(),
                            audit_key=chain_key, insert_visits=insert_visits,
                            payments=DemoPayments(catalog))
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        # Through the accounts module (its rules, its audit entries), on this connection.
        # Never later than now: the audit log never goes backwards, so an entry in the future
        # would give every real entry after it that future time (a demo's today may lie ahead).
        morning = min(datetime.combine(plan.today, datetime.min.time().replace(hour=6)
                                       ).astimezone(), datetime.now().astimezone())
        demo_store = Store(db=sqlite_utils.Database(conn, execute_plugins=False),
                           path=building, clock=lambda: morning, audit_key=chain_key)
        add_demo_accounts(demo_store)
        add_demo_providers(demo_store, ACTOR)  # issue 13: the practice's providers
        # Verifications, a co-pay enrolment and a replacement claim, through the store.
        add_demo_extras(demo_store, ACTOR, plan.today)
        # Made-up ASP quarters and fee schedule (not CMS's): the Expected payment panel
        # prices the demo's visits and the worklist can flag an underpaid claim.
        days = [plan.today] + ([plan.visits[0].day, plan.visits[-1].day] if plan.visits
                               else [])  # the plan's visits come sorted by day
        add_demo_prices(demo_store, ACTOR, min(days), max(days))
        # Foreign keys hold by construction (ids come from the plan); the tests check them
        # with PRAGMA foreign_key_check on demo databases.
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return counts, cache.computed
