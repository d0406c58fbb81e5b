"""The audit log's hash chain, its head anchor, and the seal over each finalized visit's claim.

Every audit row carries `prev_hash` (the hash of the row before it; 64 zeros for row 1) and
`hash` = SHA-256(prev_hash + canonical content), or HMAC-SHA256 with `key` when the store has
one (the database key, once the file is encrypted). The canonical content is the JSON array

    [id, at, actor, entity, entity_id, action, reason, changes]

written with `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`, where `changes` is
the row's changes column as stored (a JSON text, embedded as a string). Ids are contiguous from
1, and `at` never goes backwards (a writer whose clock is behind the last entry writes the last
entry's time). A one-row table, `audit_head`, holds the newest id, hash and time; it is written
in the same transaction as every append, by OcreBill's code (never by a trigger).

Finalize and amend entries carry the field `claim_sha256`: the SHA-256 of the claim result JSON
exactly as written to visits.claim. The schema-5 migration sealed the claims of visits already
finalized with one `seal` entry each (actor `ocrebill-migration`): the claim as stored *then*,
not proof of what was finalized before the chain existed. Rows before the migration's
`chain-start` entry were chained as found: a gap or a time going backwards among them is
reported as a notice, not as damage.

What `verify_audit` finds (check_database reports the first row or visit, by id, with its time,
action and entity, never patient data):

- an edited row (any field, or its hash), a row without a hash: its hash does not match;
- a deleted row in the middle: the ids jump, and the next row's prev_hash does not link;
- a row inserted out of order, or a back-dated row: the link breaks, or `at` goes backwards;
- rows deleted from, or added at, the end: the head anchor names another last row;
- a finalized visit whose stored claim was edited: its newest finalize/amend/seal entry
  records another digest (or there is none).

What it cannot find without a key: someone who knows this algorithm and may write the file
can append rows with correct hashes *and* rewrite the head, or rewrite the chain from any row
on; an edited claim with a forged amend entry appended is caught by the head anchor only if the
head is left alone. With a key (HMAC), forging needs the key too. No chain notices a file
replaced as a whole by an older copy (keep backups, and compare the head with one).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS = "0" * 64
CLAIM_FIELD = "claim_sha256"
COVERING_ACTIONS = ("finalize", "amend", "seal")
MIGRATION_ACTOR = "ocrebill-migration"
CHAIN_START = ("database", "audit_log", "chain-start")  # (entity, entity_id, action)

# (at, actor, entity, entity_id, action, reason, changes JSON): a row before it is chained.
Entry = tuple[str, str, str, str, str, str | None, str]

INSERT_SQL = ("INSERT INTO audit_log (id, at, actor, entity, entity_id, action, reason, "
              "changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
HEAD_SQL = ("INSERT INTO audit_head (id, last_id, last_hash, last_at, keyed) "
            "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, "
            "last_hash = excluded.last_hash, last_at = excluded.last_at, keyed = excluded.keyed")
_ROWS_SQL = ("SELECT id, at, actor, entity, entity_id, action, reason, changes, prev_hash, hash "
             "FROM audit_log ORDER BY id")


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps's output
_text = json.encoder.encode_basestring  # the encoder's own, for a string (ensure_ascii=False)


def canonical(row_id: int, at: str, actor: str, entity: str, entity_id: str, action: str,
              reason: str | None, changes: str) -> str:
    """The content a row's hash covers (see the module docstring); never change it."""
    if type(row_id) is int and all(type(v) is str for v in (at, actor, entity, entity_id,
                                                             action, changes)) \
            and (reason is None or type(reason) is str):
        # What the encoder writes for these types, in a third of its time (100k-row logs).
        return (f"[{row_id},{_text(at)},{_text(actor)},{_text(entity)},{_text(entity_id)},"
                f"{_text(action)},{'null' if reason is None else _text(reason)},"
                f"{_text(changes)}]")
    return _CANONICAL.encode([row_id, at, actor, entity, entity_id, action, reason, changes])


def entry_hash(prev_hash: str, content: str, key: bytes | None = None) -> str:
    data = (prev_hash + content).encode("utf-8", "surrogatepass")
    if key:
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def claim_digest(claim_json: str) -> str:
    """The SHA-256 of a claim result JSON as stored in visits.claim."""
    return hashlib.sha256(claim_json.encode("utf-8", "surrogatepass")).hexdigest()


def _tail(conn: sqlite3.Connection) -> tuple[int, str, str]:
    """(last id, last hash, last time) to append after: the head anchor, never behind the
    table (an id is never reused, even after rows were forged at the end)."""
    head = conn.execute("SELECT last_id, last_hash, last_at FROM audit_head "
                        "WHERE id = 1").fetchone()
    last = conn.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    if head is not None:
        last_id, last_hash, last_at = head
        if last is not None:
            last_id, last_at = max(last_id, last[0]), max(last_at or "", last[2] or "")
        return last_id, last_hash, last_at or ""
    if last is not None:
        return last[0], last[1] or GENESIS, last[2] or ""
    return 0, GENESIS, ""


def append_entries(conn: sqlite3.Connection, entries: Iterable[Entry],
                   key: bytes | None = None) -> int:
    """Chain and insert entries after the last one, and move the head; inside the caller's
    write transaction (which serialises appenders). Returns the number written."""
    last_id, last_hash, last_at = _tail(conn)
    rows = []
    for at, actor, entity, entity_id, action, reason, changes in entries:
        last_id += 1
        at = max(at, last_at)  # a clock behind the log: the last entry's time
        digest = entry_hash(last_hash, canonical(last_id, at, actor, entity, entity_id, action,
                                                 reason, changes), key)
        rows.append((last_id, at, actor, entity, entity_id, action, reason, changes,
                     last_hash, digest))
        last_hash, last_at = digest, at
    if rows:
        conn.executemany(INSERT_SQL, rows)
        conn.execute(HEAD_SQL, (last_id, last_hash, last_at, 1 if key else 0))
    return len(rows)


def changes_json(changes: Iterable[tuple[str, object, object]]) -> str:
    return json.dumps([{"field": f, "before": b, "after": a} for f, b, a in changes],
                      ensure_ascii=False, default=str)


# ----------------------------------------------------------------------------- schema 5


def install_chain(conn: sqlite3.Connection, now: str | None = None) -> None:
    """The schema-5 migration's work, in its transaction: the hash columns and the head,
    the chain over the rows already there (in id order, as found), then, when the log or
    the finalized visits were not empty, a chain-start entry and one seal entry per
    finalized visit covering its claim as stored now."""
    conn.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT")
    conn.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    conn.execute("""CREATE TABLE audit_head (
                      id INTEGER PRIMARY KEY CHECK (id = 1),
                      last_id INTEGER NOT NULL,
                      last_hash TEXT NOT NULL,
                      last_at TEXT,
                      keyed INTEGER NOT NULL DEFAULT 0)""")
    chained = _chain_existing(conn)
    sealed = conn.execute("SELECT count(*) FROM visits WHERE status = 'finalized' "
                          "AND claim IS NOT NULL").fetchone()[0]
    if not chained and not sealed:
        return
    now = now or datetime.now(UTC).isoformat(timespec="milliseconds")
    entity, entity_id, action = CHAIN_START
    start: Entry = (now, MIGRATION_ACTOR, entity, entity_id, action,
                    "schema 5: the audit log is hash-chained from here on; the rows before "
                    "were chained as found, and each finalized visit's claim sealed as stored "
                    "now", changes_json([("chained_rows", None, chained),
                                         ("sealed_visits", None, sealed)]))
    seals = ((now, MIGRATION_ACTOR, "visit", str(visit_id), "seal",
              "schema 5: the claim as stored when the audit chain began",
              changes_json([(CLAIM_FIELD, None, claim_digest(claim))]))
             for visit_id, claim in conn.execute(
                 "SELECT id, claim FROM visits WHERE status = 'finalized' "
                 "AND claim IS NOT NULL ORDER BY id"))
    append_entries(conn, _chain_of([start], seals))


def _chain_of(*parts: Iterable[Entry]) -> Iterator[Entry]:
    for part in parts:
        yield from part


def key_chain(conn: sqlite3.Connection, key: bytes) -> int:
    """Chain the whole log again as an HMAC under `key`, in the caller's transaction: a plain
    database being encrypted (`ocrebill encrypt`, an encrypted demo), whose unkeyed chain was
    verified first. Returns the number of rows."""
    return _chain_existing(conn, key)


def _chain_existing(conn: sqlite3.Connection, key: bytes | None = None) -> int:
    """Hash the rows already in the log, in id order (the update trigger is lifted for it)."""
    last_hash, count = GENESIS, 0
    updates = []
    for row_id, at, actor, entity, entity_id, action, reason, changes in conn.execute(
            "SELECT id, at, actor, entity, entity_id, action, reason, changes FROM audit_log "
            "ORDER BY id").fetchall():
        digest = entry_hash(last_hash, canonical(row_id, at, actor, entity, entity_id, action,
                                                 reason, changes), key)
        updates.append((last_hash, digest, row_id))
        last_hash = digest
        count += 1
    if updates:
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                               "name = 'audit_log_no_update'").fetchone()
        if trigger:
            conn.execute("DROP TRIGGER audit_log_no_update")
        conn.executemany("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", updates)
        if trigger:
            conn.execute(trigger[0])
        last = conn.execute("SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        conn.execute(HEAD_SQL, (last[0], last_hash, last[1], 1 if key else 0))
    return count


# ----------------------------------------------------------------------------- checking


@dataclass
class AuditVerdict:
    """What verify_audit found: `problems` (the first of each kind named), `notices`."""

    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    rows: int = 0
    visits: int = 0  # finalized visits whose claim was checked


def describe(row_id: int, at: object, action: object, entity: object,
             entity_id: object) -> str:
    """A row as messages name it: id, time, action and record; never patient data."""
    return f"audit row {row_id} ({_short(at)}, {_short(action)} {_short(entity)} " \
           f"{_short(entity_id)})"


def _short(value: object) -> str:
    text = "?" if value is None else str(value)
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _when(at: object) -> datetime | None:
    if not isinstance(at, str):
        return None
    try:
        value = datetime.fromisoformat(at)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def verify_audit(conn: sqlite3.Connection, key: bytes | None = None) -> AuditVerdict:
    """Walk the chain in id order, then the finalized visits' claims (module docstring)."""
    verdict = AuditVerdict()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "audit_head" not in tables:
        verdict.problems.append("the audit log has no hash chain (schema before 5)")
        return verdict
    head = conn.execute("SELECT last_id, last_hash, keyed FROM audit_head "
                        "WHERE id = 1").fetchone()
    if head is not None and bool(head[2]) != bool(key):
        verdict.problems.append(
            "the audit chain is keyed with the database key: it cannot be verified without it"
            if head[2] else "a key was given, but the audit chain is not keyed")
        return verdict
    start_id = _chain_start(conn)
    chain: list[str] = []
    covering: dict[str, tuple[int, str, str, str]] = {}
    expected_id, last_hash, last_when = 1, GENESIS, None
    last = None
    for row in conn.execute(_ROWS_SQL):
        row_id, at, actor, entity, entity_id, action, reason, changes, prev, digest = row
        verdict.rows += 1
        when = _when(at)
        found = _row_mismatches(row, expected_id, last_hash, last_when, when, key)
        if found:
            name = describe(row_id, at, action, entity, entity_id)
            for what, before_start_is_a_note in found:
                if before_start_is_a_note and row_id < start_id:
                    verdict.notices.append(f"before the audit chain began: {name}: {what}")
                else:
                    chain.append(f"{name}: {what}")
        if entity == "visit" and action in COVERING_ACTIONS:
            covering[entity_id] = (row_id, action, actor, changes)
        expected_id = row_id + 1
        last_hash = digest if isinstance(digest, str) else ""
        last_when = when or last_when
        last = (row_id, digest, at, action, entity, entity_id)
    if head is None:
        if last is not None:
            chain.append(f"the audit head is missing (the log ends at {describe(*_at(last))})")
    elif last is None or head[0] != last[0] or head[1] != last[1]:
        ends = "is empty" if last is None else f"ends at {describe(*_at(last))}"
        chain.append(f"the audit head says the log ends at row {head[0]}, but it {ends}: rows "
                     "were deleted from or added at the end")
    if chain:
        verdict.problems.append(_first(chain, "mismatch", "mismatches", " after it"))
    _verify_claims(conn, covering, verdict)
    return verdict


def _first(found: list[str], one: str, many: str, where: str = "") -> str:
    """The first problem found, and how many more ("(and 3 more visits)")."""
    more = len(found) - 1
    return found[0] + (f" (and {more} more {one if more == 1 else many}{where})" if more else "")


def _row_mismatches(row: tuple, expected_id: int, last_hash: str, last_when: datetime | None,
                    when: datetime | None, key: bytes | None) -> list[tuple[str, bool]]:
    """What is wrong with one row, each with whether it is only a note before the chain
    began (gaps and clock steps in rows chained as they were found)."""
    row_id, at, actor, entity, entity_id, action, reason, changes, prev, digest = row
    found = []
    if row_id != expected_id:
        missing = (f"row {expected_id} is" if row_id == expected_id + 1
                   else f"rows {expected_id}..{row_id - 1} are")
        found.append((f"{missing} missing before it (deleted)" if row_id > expected_id
                      else "its id is out of order", True))
    if prev != last_hash:
        found.append(("does not link to the row before it (a row was inserted, deleted or "
                      "changed before it)", False))
    content = canonical(row_id, at, actor, entity, entity_id, action, reason, changes)
    if not digest or not isinstance(prev, str) \
            or not hmac.compare_digest(str(digest), entry_hash(prev, content, key)):
        found.append(("its content does not match its hash (the row was edited, or written "
                      "without the chain)", False))
    if when is None:
        found.append(("its time is not a date-time with a time zone", False))
    elif last_when is not None and when < last_when:
        found.append(("its time is earlier than the row before it (back-dated)", True))
    return found


def _at(last: tuple) -> tuple:
    row_id, _digest, at, action, entity, entity_id = last
    return row_id, at, action, entity, entity_id


def _chain_start(conn: sqlite3.Connection) -> int:
    """The first row OcreBill wrote with the chain: the migration's chain-start entry, or 1
    (a log chained from its first row)."""
    entity, entity_id, action = CHAIN_START
    row = conn.execute("SELECT id FROM audit_log WHERE entity = ? AND entity_id = ? AND "
                       "action = ? AND actor = ? ORDER BY id LIMIT 1",
                       (entity, entity_id, action, MIGRATION_ACTOR)).fetchone()
    return 1 if row is None else int(row[0])


def _verify_claims(conn: sqlite3.Connection, covering: dict[str, tuple[int, str, str, str]],
                   verdict: AuditVerdict) -> None:
    bad: list[str] = []
    sealed = 0
    for visit_id, claim in conn.execute("SELECT id, claim FROM visits WHERE status = "
                                        "'finalized' AND claim IS NOT NULL ORDER BY id"):
        verdict.visits += 1
        entry = covering.get(str(visit_id))
        if entry is None:
            bad.append(f"visit {visit_id}: finalized, but no finalize or amend entry in the "
                       "audit log covers its claim")
            continue
        row_id, action, actor, changes = entry
        recorded = _claim_digest_in(changes)
        by = (f"the seal the schema-5 migration wrote (audit row {row_id}: the claim as "
              "stored when the chain began)" if action == "seal" and actor == MIGRATION_ACTOR
              else f"its {_short(action)} entry (audit row {row_id})")
        if action == "seal" and actor == MIGRATION_ACTOR:
            sealed += 1
        if recorded is None:
            bad.append(f"visit {visit_id}: {by} records no claim digest")
        elif not hmac.compare_digest(recorded, claim_digest(claim)):
            bad.append(f"visit {visit_id}: its stored claim does not match {by} (the claim "
                       "was changed outside OcreBill)")
    if bad:
        verdict.problems.append(_first(bad, "visit", "visits"))
    if sealed:
        verdict.notices.append(
            f"{sealed} finalized visit{'s were' if sealed != 1 else ' was'} finalized before "
            "the audit chain began: their claims are covered by the schema-5 migration's "
            "seal (the claim as stored then), not by their finalize entries")


# How changes_json writes the claim's digest; a quote inside a JSON string is escaped, so this
# can only match the structure itself. Anything else is read as JSON.
_CLAIM_AFTER = re.compile(r'"field": "claim_sha256", "before": (?:null|"[0-9a-f]{64}"), '
                          r'"after": "([0-9a-f]{64})"')


def _claim_digest_in(changes: str) -> str | None:
    found = _CLAIM_AFTER.search(changes) if isinstance(changes, str) else None
    if found is not None:
        return found.group(1)
    try:
        items = json.loads(changes)
    except (TypeError, ValueError):
        return None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("field") == CLAIM_FIELD:
            after = item.get("after")
            return after if isinstance(after, str) else None
    return None
