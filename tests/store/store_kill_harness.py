"""Run by test_store_robustness: forks writers that save, re-save and finalize visits as fast
as they can, and kills each with SIGKILL at a random moment.

    python store_kill_harness.py DB ROUNDS SEED [KEY]

KEY (hex): the database is encrypted with it (SQLCipher), and checked through it. DB may be a
postgresql:// URL: the writers are then clients of that server.

Prints one JSON line per round: whether the writer died of SIGKILL, what it had reported as
committed (a line is written only after its transaction committed), and the quick_check of
the file right after the kill. Importing the store once and forking keeps rounds fast; the
writers are real processes killed by a real signal.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import sys
import time

from staff import signed
from store_helpers import populated, visit_doc

from ocrebill_gui import store as st
from ocrebill_gui.store.db import connect_encrypted

NOTE = "x" * 40_000  # a long document makes each commit span many pages of the WAL
KEY = bytes.fromhex(sys.argv[4]) if __name__ == "__main__" and len(sys.argv) > 4 else None


def writer(db: str, round_no: int, out: int) -> None:
    store = st.open_store(db, key=KEY)
    patient_id = st.list_patients(store, signed(), limit=1)[0].id
    n = 0
    while True:
        doc = visit_doc(day=f"2026-{1 + n % 12:02d}-{1 + n % 27:02d}", dose=300)
        doc["note"] = f"{round_no}-{n} {NOTE}"
        os.write(out, b"B\n")  # a save begins: a kill before its report line is mid-save
        saved = st.create_draft(store, signed("killer"), doc, patient_id=patient_id)
        os.write(out, f"D {saved.visit_id} {round_no}-{n}\n".encode())
        doc["note"] = f"{round_no}-{n}b {NOTE}"
        os.write(out, b"B\n")
        updated = st.save_draft(store, signed("killer"), doc, visit_id=saved.visit_id,
                                expected_revision=saved.revision)
        os.write(out, f"U {saved.visit_id} {round_no}-{n}b\n".encode())
        if n % 2:
            os.write(out, b"B\n")
            st.finalize_visit(store, signed("killer"), saved.visit_id, allow_errors=True,
                              expected_revision=updated.revision)
            os.write(out, f"F {saved.visit_id}\n".encode())
        n += 1


def quick_check(db: str) -> list[str]:
    """SQLite's quick_check of the file right after the kill; a server's files are the
    server's: that it still answers, and the tables read (test_store_robustness checks what
    they hold)."""
    if db.startswith("postgresql://"):
        with st.open_store(db, read_only=True) as store:
            store.conn.execute("SELECT count(*) FROM visits").fetchone()
        return ["ok"]
    conn = sqlite3.connect(db) if KEY is None else connect_encrypted(db, KEY)
    check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    conn.close()
    return check


def main() -> None:
    db, rounds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    server = db.startswith("postgresql://")
    signed("killer")  # before the writers fork: they start writing at once
    with st.open_store(db, key=KEY) as store:
        if not st.count_patients(store, signed()):
            populated(store, approved_units=None, vials=100_000)
    for round_no in range(rounds):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                writer(db, round_no, write_end)
            except BaseException as exc:  # report, so the test shows why it stopped
                os.write(write_end, f"E {type(exc).__name__}: {exc}\n".encode())
            os._exit(3)
        os.close(write_end)
        # a client of a server first connects and signs in to it (TCP, SCRAM): longer rounds
        time.sleep(rng.uniform(0.1, 0.5) if server else rng.uniform(0.05, 0.3))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
        os.close(read_end)
        check = quick_check(db)
        print(json.dumps({
            "round": round_no,
            "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
            "lines": b"".join(chunks).decode().splitlines(), "quick_check": check,
        }), flush=True)


if __name__ == "__main__":
    main()
