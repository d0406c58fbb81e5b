"""Why a finalized visit went out over its errors: the biller's reason and login, from the
audit entry of its last finalize (where the store records them), for the printed documents."""

from __future__ import annotations

from ocrebill_gui.store.accounts import reads
from ocrebill_gui.store.db import Store


@reads("patients.read")
def errors_accepted(store: Store, visit_id: int) -> tuple[str, str] | None:
    """(reason, who) when the visit's last finalize overrode errors with a reason; None when
    it was finalized without one (or is not finalized)."""
    row = store.conn.execute(
        "SELECT reason, actor FROM audit_log WHERE entity = 'visit' AND entity_id = ? "
        "AND action = 'finalize' ORDER BY id DESC LIMIT 1", (str(visit_id),)).fetchone()
    if row is None or not row[0]:
        return None
    status = store.conn.execute("SELECT status FROM visits WHERE id = ?",
                                (visit_id,)).fetchone()
    return (row[0], row[1]) if status is not None and status[0] == "finalized" else None
