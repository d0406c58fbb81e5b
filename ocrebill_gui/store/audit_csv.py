"""The audit log as a CSV file (the viewer's Export and `ocrebill audit --csv`).

One row per entry, oldest first: id, time (UTC, as stored), user, action, record, the patient
it is about (id and name), reason, the changes (the stored JSON) and the row's chain hash.
The file holds patient data: it is written owner-only (0600) beside its final name and moved
there when complete, so a failed export leaves nothing half-written. A cell that a spreadsheet
would run as a formula (starting with = + - @ or a tab) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import errno
import json
import os
from pathlib import Path
from typing import Any

from ocrebill_gui.store.audit_query import iter_entries
from ocrebill_gui.store.db import Store
from ocrebill_gui.store.errors import StoreError

HEADER = ["id", "at_utc", "user", "action", "entity", "entity_id", "patient_id",
          "patient_ref", "patient_name", "reason", "changes", "hash"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_csv(store: Store, path: str | os.PathLike[str], *, force: bool = False,
              **filters: Any) -> int:
    target = Path(path).expanduser()
    if target.is_dir():
        raise StoreError(f"{target} is a folder: give the CSV file's name.")
    if not target.parent.is_dir():
        raise StoreError(f"The folder {target.parent} does not exist: nothing was written.")
    if os.path.lexists(target) and not force:
        raise FileExistsError(errno.EEXIST, "already exists", str(target))
    partial = target.with_name(f".{target.name}.partial")
    count = 0
    try:
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for entry in iter_entries(store, **filters):
                changes = json.dumps([c.model_dump() for c in entry.changes],
                                     ensure_ascii=False, default=str)
                writer.writerow([_cell(v) for v in (
                    entry.id, entry.at, entry.actor, entry.action, entry.entity,
                    entry.entity_id, entry.patient_id, entry.patient_ref, entry.patient_name,
                    entry.reason, changes, entry.hash)])
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
