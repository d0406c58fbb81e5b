"""Moving a file onto a server copies every table the schema has (issue 13 added providers
and reorder_levels): only the presence tables, which say who works now, stay behind."""

from __future__ import annotations

import sqlite3

from ocrebill_gui import store as st
from ocrebill_gui.store.server_copy import TABLES

NOT_COPIED = {"workstations", "visit_leases"}  # who is working now: not the practice's data


def test_every_table_of_the_schema_is_copied(tmp_path):
    st.open_store(tmp_path / "new.sqlite").close()
    conn = sqlite3.connect(tmp_path / "new.sqlite")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%'")}
    conn.close()
    assert tables - NOT_COPIED == set(TABLES)
