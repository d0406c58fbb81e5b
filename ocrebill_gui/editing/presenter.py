"""The visit editor's presenter: form state in, visit document and claim result out. No Qt.

Widgets never build documents or call the engine themselves: they call the presenter's edit
methods with what the person typed, and redraw when it tells its listeners that something
changed. Every edit recomputes the claim synchronously (the engine takes well under a
millisecond), so the preview is never behind the form.

Input that cannot be judged by the engine (a time typed as "25:99") is a *local problem*;
input the engine rejects (InvalidVisit) is a *document problem*. Both are reported by path so
the editor can show each message beside its field; while either exists the last good claim
result stays on screen, marked stale.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ocrebill_gui.core import ClaimResult, InvalidVisit, compute
from ocrebill_gui.core.catalog import Catalog, Product, default_catalog
from ocrebill_gui.editing import docpath
from ocrebill_gui.editing.timeparse import iso_minute
from ocrebill_gui.editing.undo_steps import UndoHost, UndoStep

VISIT_FORMAT = "ocrebill.visit/1"
UNDO_DEPTH = 50


def blank_document(day: date, *, setting: str = "office", payer: str = "") -> dict:
    """A new visit: today, in the office, nothing recorded yet."""
    return {"format": VISIT_FORMAT, "date_of_service": day.isoformat(), "setting": setting,
            "payer": payer, "diagnoses": [], "administrations": []}



THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
TakeTyped = Callable[[], tuple[bool, Any]]


def number_value(text: str) -> Any:
    """What a typed amount puts in the document: a number when it reads as one (1,000 is a
    thousand; 600,5 is not a number here), None when empty, else the text itself so that the
    engine's validation names the problem ("must be a number")."""
    cleaned = text.strip()
    if THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    if not cleaned:
        return None
    try:
        value: Any = float(cleaned)
    except ValueError:
        return cleaned
    return int(value) if value.is_integer() else value


class VisitPresenter:
    """Holds one visit document being edited and its latest claim result."""

    def __init__(self, document: dict, *, catalog: Catalog | None = None,
                 billed: ClaimResult | None = None, may_edit: bool = True) -> None:
        """`billed`: a finalized visit's claim as it was finalized, shown as it is (read-only)
        rather than recomputed with today's catalog and payer profiles. `may_edit` False: the
        person's roles do not allow recording the visit, so it stays read-only (amended too)."""
        self.document: dict = copy.deepcopy(document)
        self.catalog = catalog or default_catalog()
        self.result: ClaimResult | None = None  # the last good result
        self.document_problems: dict[str, str] = {}
        self.local_problems: dict[str, str] = {}
        self.revision = 0  # bumped by every edit; autosave compares it
        self.may_edit = may_edit
        self.read_only = billed is not None or not may_edit
        self.finalized = billed is not None  # read-only because billed, not for want of a role
        self._listeners: list[Callable[[], None]] = []
        self._event_undo: dict[str, list[list[dict]]] = {}
        self._typing: dict[str, TakeTyped] = {}
        self.undo_host: UndoHost | None = None  # the editor's undo stack, when there is one
        self._replaying = False
        if billed is None:
            self.recompute()
        else:
            self.result = billed

    # -- observing -------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def notify(self) -> None:
        """Redraw the listeners without an edit (a message beside a field came or went)."""
        for listener in list(self._listeners):
            listener()

    def _changed(self, *, taken: bool = False) -> None:
        if not taken:
            self._take_typed()  # a value typed a moment ago counts from this edit on
        self.revision += 1
        self.recompute()
        for listener in list(self._listeners):
            listener()

    def use_catalog(self, catalog: Catalog) -> None:
        """The payer profiles changed elsewhere (the Payers screen): compute with these now.
        Counts as an edit, so the draft is saved with its new claim."""
        self.catalog = catalog
        self._changed()

    def show_billed(self, document: dict, claim: ClaimResult | None) -> None:
        """The visit was finalized: show it as stored (its payer profile inline) and its claim
        as billed; read-only from now on."""
        self.read_only = self.finalized = True
        self.document = copy.deepcopy(document)
        if claim is not None:
            self.result = claim

    def make_editable(self) -> None:
        """Amending: edits are allowed again (to whom may make them) and the claim is
        recomputed from here on."""
        self.read_only = not self.may_edit
        self.finalized = False
        self.recompute()

    @property
    def problems(self) -> dict[str, str]:
        """Every current input problem by path (local ones win on the same path)."""
        return {**self.document_problems, **self.local_problems}

    @property
    def stale(self) -> bool:
        """True while the preview shows an older result because the form is not computable."""
        return bool(self.document_problems or self.local_problems)

    def recompute(self) -> None:
        try:
            self.result = compute(self.document, catalog=self.catalog)
            self.document_problems = {}
        except InvalidVisit as exc:
            problems: dict[str, str] = {}
            for path, message in exc.problems:
                problems.setdefault(path, message)
            self.document_problems = problems

    # -- undo ----------------------------------------------------------------------------------
    def _record(self, text: str, undo: Callable[[], None], redo: Callable[[], None],
                administration: str | None = None) -> None:
        if self.undo_host is not None and not self._replaying:
            self.undo_host.push(UndoStep(text, undo, redo, administration))

    def replay(self, change: Callable[[], None]) -> None:
        """Apply a step's undo or redo (recorded as nothing new), then redraw and recompute."""
        if self.read_only:
            return
        self._replaying = True
        try:
            change()
        finally:
            self._replaying = False
        self._changed()

    def _admin(self, admin_id: str) -> dict | None:
        return next((a for a in self.administrations if a.get("id") == admin_id), None)

    def _name(self, admin: dict) -> str:
        product = self.catalog.products.get(admin.get("product", ""))
        return product.short if product else str(admin.get("product", ""))

    def _cards_move(self) -> None:
        """Administrations come or go: typing and messages held by place are dropped."""
        for path in [p for p in self._typing if p.startswith("administrations[")]:
            del self._typing[path]
        self._drop_local("administrations[")

    def findings_at(self, path: str) -> list[str]:
        """The messages of the engine's findings about `path` or a field below it."""
        if self.result is None:
            return []
        return [f.message for f in self.result.findings if f.field is not None and (
            f.field == path or f.field.startswith((f"{path}.", f"{path}[")))]

    # -- plain fields ------------------------------------------------------------------------
    def get(self, path: str, default: Any = None) -> Any:
        return docpath.get(self.document, path, default)

    def set(self, path: str, value: Any) -> None:
        """Store a value at a document path (None removes it) and recompute."""
        if self.read_only or docpath.get(self.document, path) == value:
            return
        docpath.put(self.document, path, value)
        self._changed()

    def set_many(self, values: dict[str, Any]) -> None:
        """Several fields in one edit (one recompute), e.g. a picked patient."""
        if self.read_only:
            return
        for path, value in values.items():
            docpath.put(self.document, path, value)
        self._changed()

    def set_local_problem(self, path: str, message: str | None) -> None:
        """Report (or clear, with None) a problem the engine cannot see, e.g. a bad time."""
        if self.local_problems.get(path) == message:
            return
        if message is None:
            self.local_problems.pop(path, None)
        else:
            self.local_problems[path] = message
        self.notify()

    def set_number(self, path: str, text: str) -> None:
        """A typed amount: a number when it reads as one, else the text itself so that the
        engine's validation names the problem ("must be a number") beside the field."""
        self.set(path, number_value(text))

    # -- typing in progress ------------------------------------------------------------------
    def problem_with(self, path: str, value: Any) -> str | None:
        """What the engine would say about `value` at `path` (None: it is valid there), the
        document left as it is: a field checks what is typed before it counts."""
        trial = copy.deepcopy(self.document)
        docpath.put(trial, path, value)
        try:
            compute(trial, catalog=self.catalog)
        except InvalidVisit as exc:
            return next((message for where, message in exc.problems
                         if where == path or where.startswith(path + ".")), None)
        return None

    def hold_typing(self, path: str, take: TakeTyped) -> None:
        """A field whose valid text waits for a pause in typing before it counts: `take()`
        gives (True, value) once and forgets it, or (False, None). Any other edit, a save,
        a print, F5... takes it first (`commit_typing`), so nothing typed is left behind."""
        self._typing[path] = take

    def stop_typing(self, path: str, take: TakeTyped) -> None:
        if self._typing.get(path) == take:  # the same field's (bound methods compare equal)
            del self._typing[path]

    def commit_typing(self) -> bool:
        """Count what is typed and valid now, without waiting for the pause; True if it
        changed the document."""
        if self.read_only or not self._take_typed():
            return False
        self._changed(taken=True)
        return True

    def _take_typed(self) -> bool:
        changed = False
        for path, take in list(self._typing.items()):
            ready, value = take()
            if ready and not self.read_only and docpath.get(self.document, path) != value:
                docpath.put(self.document, path, value)
                changed = True
        return changed

    # -- diagnoses ---------------------------------------------------------------------------
    @property
    def diagnoses(self) -> list[str]:
        return list(self.document.get("diagnoses", []))

    def set_diagnoses(self, codes: list[str]) -> None:
        before = self.diagnoses
        after = [c.strip().upper() for c in codes if c.strip()]
        gone = [c for c in before if c not in after]
        if not self.read_only and len(gone) == 1 and len(after) == len(before) - 1:
            code, place = gone[0], before.index(gone[0])

            def put_back() -> None:
                now = self.diagnoses
                if code not in now:
                    now.insert(min(place, len(now)), code)
                    self.document["diagnoses"] = now

            def take_out() -> None:
                self.document["diagnoses"] = [c for c in self.diagnoses if c != code]

            self._record(f"Remove diagnosis {code}", put_back, take_out)
        self.set("diagnoses", after)

    # -- administrations ---------------------------------------------------------------------
    @property
    def administrations(self) -> list[dict]:
        return self.document.setdefault("administrations", [])

    def product(self, index: int) -> Product | None:
        admins = self.administrations
        return self.catalog.products.get(admins[index].get("product", "")) if index < len(
            admins) else None

    def _new_id(self, product: str) -> str:
        taken = {a.get("id") for a in self.administrations}
        base = product
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def add_administration(self, product_id: str) -> int:
        """Add an administration of a catalog product with its usual route; returns its index."""
        product = self.catalog.products[product_id]
        admin: dict[str, Any] = {"id": self._new_id(product_id), "product": product_id,
                                 "route": product.routes[0], "source": "purchased",
                                 "events": [], "vials": []}
        if len(product.label_doses_mg) == 1:
            admin["dose_mg"] = whole(product.label_doses_mg[0])
        if self.read_only:
            return -1
        self.administrations.append(admin)
        self._changed()
        return len(self.administrations) - 1

    def change_product(self, index: int, product_id: str) -> None:
        """Another product for an administration: keep times, drop vials of the old product."""
        admin = self.administrations[index]
        if admin.get("product") == product_id or self.read_only:
            return
        product = self.catalog.products[product_id]
        before, admin_id, name = copy.deepcopy(admin), admin.get("id", ""), self._name(admin)
        admin["product"] = product_id
        admin["vials"] = []  # the old product's vials go: an undo step brings them back
        if admin.get("route") not in product.routes:
            admin["route"] = product.routes[0]
        after = copy.deepcopy(admin)

        def as_it_was(wanted: dict) -> Callable[[], None]:
            def change() -> None:
                found = self._admin(admin_id)
                if found is not None:
                    found.clear()
                    found.update(copy.deepcopy(wanted))
            return change

        self._record(f"Change {name} to {product.short}", as_it_was(before), as_it_was(after))
        self._changed()

    def remove_administration(self, index: int) -> None:
        if self.read_only:
            return
        self._take_typed()  # typed into the cards before they move up a place
        self._cards_move()  # the cards below move up: their typing and messages too
        removed = self.administrations.pop(index)
        kept, admin_id = copy.deepcopy(removed), removed.get("id", "")

        def put_back() -> None:
            if self._admin(admin_id) is None:
                self._cards_move()
                admins = self.administrations
                admins.insert(min(index, len(admins)), copy.deepcopy(kept))

        def take_out() -> None:
            self._cards_move()
            self.document["administrations"] = [a for a in self.administrations
                                                if a.get("id") != admin_id]

        self._record(f"Remove {self._name(removed)}", put_back, take_out)
        self._changed()

    def set_primary(self, index: int, primary: bool) -> None:
        """Mark (or unmark) an administration as the primary reason for the visit: one per
        visit, so marking one unmarks the others, in one edit."""
        if self.read_only:
            return
        admins = self.administrations
        if primary:
            wanted = [i == index for i in range(len(admins))]
        else:
            wanted = [bool(a.get("primary")) and i != index for i, a in enumerate(admins)]
        if wanted == [bool(a.get("primary")) for a in admins]:
            return
        for admin, on in zip(admins, wanted, strict=True):
            if on:
                admin["primary"] = True
            else:
                admin.pop("primary", None)
        self._changed()

    def add_vial(self, index: int, vial: dict) -> None:
        if self.read_only:
            return
        self.administrations[index].setdefault("vials", []).append(dict(vial))
        self._changed()

    def remove_vial(self, index: int, vial_index: int) -> None:
        if self.read_only:
            return
        admin = self.administrations[index]
        vial = admin["vials"].pop(vial_index)
        admin_id = admin.get("id", "")

        def put_back() -> None:
            found = self._admin(admin_id)
            if found is not None:
                vials = found.setdefault("vials", [])
                vials.insert(min(vial_index, len(vials)), dict(vial))

        def take_out() -> None:
            found = self._admin(admin_id)
            vials = found.get("vials", []) if found is not None else []
            if vial in vials:
                vials.pop(vial_index if vials[vial_index:vial_index + 1] == [vial]
                          else vials.index(vial))

        lot = vial.get("lot") or vial.get("ndc", "")
        self._record(f"Remove vial {lot} ({self._name(admin)})", put_back, take_out)
        self._changed()

    # -- the timeline ------------------------------------------------------------------------
    def events(self, index: int) -> list[dict]:
        return list(self.administrations[index].get("events", []))

    def _set_events(self, index: int, events: list[dict], what: str) -> None:
        admin = self.administrations[index]
        stack = self._event_undo.setdefault(admin["id"], [])
        before = copy.deepcopy(admin.get("events", []))
        stack.append(before)
        del stack[:-UNDO_DEPTH]
        admin["events"] = events
        admin_id, after = admin["id"], copy.deepcopy(events)

        def timeline_as(wanted: list[dict]) -> Callable[[], None]:
            def change() -> None:
                found = self._admin(admin_id)
                if found is not None:
                    found["events"] = copy.deepcopy(wanted)
                    self._drop_local(f"administrations[{self.administrations.index(found)}]"
                                     ".events")
            return change

        self._record(f"{what} ({self._name(admin)})", timeline_as(before), timeline_as(after),
                     admin_id)
        self._drop_local(f"administrations[{index}].events")
        self._changed()

    def stamp(self, index: int, kind: str, at: datetime) -> None:
        """Record a timeline event (start/pause/resume/stop/given) at a minute."""
        if self.read_only:
            return
        self._set_events(index, [*self.events(index), {"at": iso_minute(at), "kind": kind}],
                         f"{kind.capitalize()} at {at:%H:%M}")

    def retime_event(self, index: int, event_index: int, at: datetime) -> None:
        if self.read_only:
            return
        events = copy.deepcopy(self.events(index))
        events[event_index]["at"] = iso_minute(at)
        kind = str(events[event_index].get("kind", "")).capitalize()
        self._set_events(index, events, f"Change the {kind} time to {at:%H:%M}")

    def delete_event(self, index: int, event_index: int) -> None:
        if self.read_only:
            return
        events = self.events(index)
        kind = str(events[event_index].get("kind", "")).capitalize()
        del events[event_index]
        self._set_events(index, events, f"Delete the {kind} event")

    def can_undo_events(self, index: int) -> bool:
        admin_id = self.administrations[index]["id"]
        if self.undo_host is not None:
            return self.undo_host.can_undo_of(admin_id)
        return bool(self._event_undo.get(admin_id))

    def undo_events(self, index: int) -> bool:
        """Put the timeline back as it was before its last change; False if nothing to undo.
        With an undo host, its undo stack does it (when its last step is this timeline's)."""
        admin = self.administrations[index]
        if self.undo_host is not None:
            return not self.read_only and self.undo_host.undo_of(admin["id"])
        stack = self._event_undo.get(admin["id"])
        if not stack or self.read_only:
            return False
        admin["events"] = stack.pop()
        self._drop_local(f"administrations[{index}].events")
        self._changed()
        return True

    def _drop_local(self, prefix: str) -> None:
        for path in [p for p in self.local_problems if p.startswith(prefix)]:
            del self.local_problems[path]

    # -- day ---------------------------------------------------------------------------------
    @property
    def date_of_service(self) -> date | None:
        try:
            return date.fromisoformat(self.document.get("date_of_service", ""))
        except (TypeError, ValueError):
            return None

    @property
    def zone(self) -> ZoneInfo | None:
        """The practice's time zone the document carries (R8), None without a valid one:
        running minutes at the chair are real minutes across a clock change, as billed."""
        name = self.document.get("time_zone")
        try:
            return ZoneInfo(name) if isinstance(name, str) and name else None
        except (ValueError, ZoneInfoNotFoundError):
            return None


def whole(value: float) -> int | float:
    """600.0 as 600, so a document keeps whole milligrams as integers."""
    return int(value) if float(value).is_integer() else value
