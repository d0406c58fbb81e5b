"""Reference data a clinic updates itself (issue 16): CMS's ASP quarters, ICD-10-CM code sets
per fiscal year and the practice's fee schedule, as core's parsers read them
(core/asp_file.py, core/icd10_order_file.py, core/fee_schedule.py).

An import replaces what the database holds for the same period (an ASP quarter, a fiscal
year; the fee schedule is one file, replaced whole) in one transaction: the file is parsed
before anything is written, so a bad file changes nothing. Each import is listed in
`reference_imports` (file name, period, rows, who and when) and audited, with a summary of
what changed against what was there before (the same period, else the latest earlier one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ocrebill_gui.core.asp_file import AspFile
from ocrebill_gui.core.code_sets import CodeSets, DiagnosisCodeSet
from ocrebill_gui.core.fee_schedule import FeeRow, FeeSchedule
from ocrebill_gui.core.icd10_order_file import Icd10OrderFile
from ocrebill_gui.store.accounts import reads, writes
from ocrebill_gui.store.audit import check_actor, record
from ocrebill_gui.store.db import Store, writing

KINDS = {"asp": "ASP prices", "icd10cm": "ICD-10-CM codes", "fees": "fee schedule"}
SHOWN = 20  # codes named per list in a summary; the counts are always whole


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed: codes added and ended, prices moved (code, before, after),
    against `compared_with` (the period replaced or the latest earlier one; None: the first)."""

    kind: str
    period: str
    file_name: str
    rows: int
    compared_with: str | None
    replaced: bool
    added: tuple[str, ...]
    ended: tuple[str, ...]
    moved: tuple[tuple[str, str, str], ...]

    def text(self) -> str:
        head = (f"{KINDS[self.kind]} {self.period} from {self.file_name}: {self.rows} rows"
                + (" (replacing the earlier import)" if self.replaced else ""))
        if self.compared_with is None:
            return head + "; the first of its kind in this database"
        against = ("the earlier import" if self.compared_with == self.period
                   else self.compared_with)
        lines = [head + f"; against {against}:",
                 _listed("added", self.added), _listed("ended", self.ended),
                 _listed("price moved", [f"{c} {a} -> {b}" for c, a, b in self.moved])]
        return "\n".join(lines)


@dataclass(frozen=True)
class ReferenceImport:
    kind: str
    period: str
    file_name: str
    rows: int
    imported_at: str
    imported_by: str


def _listed(what: str, items) -> str:
    items = list(items)
    shown = ", ".join(items[:SHOWN]) + (f", ... ({len(items) - SHOWN} more)"
                                        if len(items) > SHOWN else "")
    return f"  {what}: {len(items)}" + (f" ({shown})" if items else "")


@writes("reference.write")
def import_asp(store: Store, actor: str, asp: AspFile) -> ImportSummary:
    """Save a parsed ASP quarter, replacing that quarter's earlier import."""
    quarter = str(asp.quarter)
    rows = [(quarter, p.hcpcs, p.short_description, p.dosage, _dec(p.payment_limit),
             _dec(p.coinsurance_percent), p.notes) for p in asp.prices.values()]
    new = {p.hcpcs: _dec(p.payment_limit) or "" for p in asp.prices.values()}
    with writing(store):
        before, against = _previous(store, "asp_prices", "quarter", quarter,
                                    "hcpcs, coalesce(payment_limit, '')")
        store.conn.execute("DELETE FROM asp_prices WHERE quarter = ?", (quarter,))
        store.conn.executemany(
            "INSERT INTO asp_prices (quarter, hcpcs, short_description, dosage, payment_limit,"
            " coinsurance_percent, notes) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return _finish(store, actor, "asp", quarter, asp.source_name, len(rows), before,
                       new, against)


@writes("reference.write")
def import_icd10cm(store: Store, actor: str, order_file: Icd10OrderFile) -> ImportSummary:
    """Save a fiscal year's ICD-10-CM code set, replacing that year's earlier import."""
    year = order_file.fiscal_year
    rows = [(year, c.code, int(c.billable), c.short_description, c.long_description)
            for c in order_file.codes]
    new = {c.code: "" for c in order_file.codes}
    with writing(store):
        before, against = _previous(store, "icd10_codes", "fiscal_year", year, "code, ''")
        store.conn.execute("DELETE FROM icd10_codes WHERE fiscal_year = ?", (year,))
        store.conn.executemany(
            "INSERT INTO icd10_codes (fiscal_year, code, billable, short_description, "
            "long_description) VALUES (?, ?, ?, ?, ?)", rows)
        period = f"FY{year}"
        return _finish(store, actor, "icd10cm", period, order_file.source_name, len(rows),
                       before, new, None if against is None else f"FY{against}")


@writes("reference.write")
def import_fees(store: Store, actor: str, schedule: FeeSchedule) -> ImportSummary:
    """Save the practice's fee schedule, replacing the one imported before (the file holds
    every row with its dates: the schedule in force on any day is the file's)."""
    rows = [(r.code, r.modifier, r.setting, r.payer, str(r.amount),
             r.effective_from.isoformat(), r.effective_to.isoformat() if r.effective_to else None,
             r.note) for r in schedule.rows]
    new = {_fee_key(r[:4], r[5]): r[4] for r in rows}
    starts = min(r.effective_from for r in schedule.rows).isoformat()
    ends = [r.effective_to for r in schedule.rows]
    last = max((end for end in ends if end is not None), default=None)
    period = f"{starts} to " + ("open" if None in ends or last is None else last.isoformat())
    with writing(store):
        old = store.conn.execute(
            "SELECT code, modifier, setting, payer, effective_from, amount FROM fee_rows"
        ).fetchall()
        before = {_fee_key(tuple(r[:4]), r[4]): r[5] for r in old}
        last = store.conn.execute(
            "SELECT period FROM reference_imports WHERE kind = 'fees'").fetchone()
        store.conn.execute("DELETE FROM fee_rows")
        store.conn.execute("DELETE FROM reference_imports WHERE kind = 'fees'")
        store.conn.executemany(
            "INSERT INTO fee_rows (code, modifier, setting, payer, amount, effective_from, "
            "effective_to, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return _finish(store, actor, "fees", period, schedule.source_name, len(rows), before,
                       new, None if last is None else f"the schedule of {last[0]}",
                       replaced=last is not None)


@reads("store.read")
def list_reference_data(store: Store) -> list[ReferenceImport]:
    """Every import held, by kind then latest period first."""
    rows = store.conn.execute(
        "SELECT kind, period, file_name, row_count, imported_at, imported_by "
        "FROM reference_imports ORDER BY kind, period DESC").fetchall()
    return [ReferenceImport(*r) for r in rows]


def store_code_sets(store: Store) -> CodeSets:
    """The ICD-10-CM code sets the database holds (empty before any import): for the
    engine, like the catalog, read without a session (codes are no patient data). Built once
    per Store and import (a year is ~74,000 codes): the cache is checked against the imports
    listed, so another workstation's import is seen at the next call."""
    stamp = tuple(store.conn.execute(
        "SELECT count(*), max(imported_at), sum(row_count) FROM reference_imports "
        "WHERE kind = 'icd10cm'").fetchone())
    cached = store.__dict__.get("_reference_code_sets")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    code_sets = _read_code_sets(store) if stamp[0] else CodeSets()
    store.__dict__["_reference_code_sets"] = (stamp, code_sets)
    return code_sets


def _read_code_sets(store: Store) -> CodeSets:
    sets: dict[int, list[tuple[str, bool, str]]] = {}
    for year, code, billable, text in store.conn.execute(
            "SELECT fiscal_year, code, billable, long_description FROM icd10_codes"):
        sets.setdefault(int(year), []).append((code, bool(billable), text))
    names = dict(store.conn.execute(
        "SELECT period, file_name FROM reference_imports WHERE kind = 'icd10cm'").fetchall())
    return CodeSets(DiagnosisCodeSet.from_codes(year, codes, source=names.get(f"FY{year}", ""))
                    for year, codes in sorted(sets.items()))


def store_fee_schedule(store: Store) -> FeeSchedule | None:
    """The fee schedule imported (None before any): no session, like the catalog."""
    name = store.conn.execute(
        "SELECT file_name FROM reference_imports WHERE kind = 'fees'").fetchone()
    if name is None:
        return None
    rows = store.conn.execute(
        "SELECT code, modifier, setting, payer, amount, effective_from, effective_to, note "
        "FROM fee_rows ORDER BY code, effective_from").fetchall()
    return FeeSchedule(source_name=name[0], rows=tuple(
        FeeRow(code=r[0], modifier=r[1], setting=r[2], payer=r[3], amount=Decimal(r[4]),
               effective_from=date.fromisoformat(r[5]),
               effective_to=date.fromisoformat(r[6]) if r[6] else None, note=r[7] or "",
               line=0) for r in rows))


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _fee_key(key: Iterable[str], start: str) -> str:
    code, modifier, setting, payer = key
    return " ".join(p for p in (code, modifier, setting, payer and f"payer {payer}",
                                f"from {start}") if p)


def _previous(store: Store, table: str, column: str, period, columns: str
              ) -> tuple[dict[str, str], object]:
    """The rows of the same period if imported, else of the latest earlier one, as
    {code: price}; and which period that was (None: nothing to compare with)."""
    found = store.conn.execute(f"SELECT max({column}) FROM {table} WHERE {column} <= ?",
                               (period,)).fetchone()[0]
    if found is None:
        return {}, None
    rows = store.conn.execute(f"SELECT {columns} FROM {table} WHERE {column} = ?", (found,))
    return {r[0]: r[1] for r in rows}, found


def _finish(store: Store, actor: str, kind: str, period: str, file_name: str, count: int,
            before: dict[str, str], after: dict[str, str], against: object, *,
            replaced: bool | None = None) -> ImportSummary:
    actor = check_actor(actor)
    now = store.now()
    summary = ImportSummary(
        kind=kind, period=period, file_name=file_name, rows=count,
        compared_with=None if against is None else str(against),
        replaced=(str(against) == period) if replaced is None else replaced,
        added=tuple(sorted(after.keys() - before.keys())),
        ended=tuple(sorted(before.keys() - after.keys())),
        moved=tuple((c, before[c], after[c]) for c in sorted(after.keys() & before.keys())
                    if before[c] != after[c]))
    store.conn.execute("DELETE FROM reference_imports WHERE kind = ? AND period = ?",
                       (kind, period))
    store.conn.execute(
        "INSERT INTO reference_imports (kind, period, file_name, row_count, summary, "
        "imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (kind, period, file_name, count,
         json.dumps({"added": len(summary.added), "ended": len(summary.ended),
                     "moved": len(summary.moved), "against": summary.compared_with}),
         now, actor))
    record(store, actor, "reference_data", f"{kind}:{period}", "import",
           [("file", None, file_name), ("rows", None, count),
            ("added", None, len(summary.added)), ("ended", None, len(summary.ended)),
            ("moved", None, len(summary.moved))])
    return summary
