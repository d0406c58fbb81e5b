"""The PostgreSQL backend's own parts: the SQL rewrites (dialect.py), where --db points
(server.py: URLs, TLS, named connections), what a person is told when the server says no, and
the server's schema against the file's."""

from __future__ import annotations

import json
import os
import re
import sqlite3

import pytest
from pg_server import free_port
from staff import signed
from store_helpers import TickingClock

from ocrebill_gui import store as st
from ocrebill_gui.store.dialect import NotPortable, placeholders, returns_id, to_postgres
from ocrebill_gui.store.server import ServerAddress, server_address

# --- the SQL -----------------------------------------------------------------------------


@pytest.mark.parametrize(("sqlite", "postgres"), [
    ("SELECT * FROM visits WHERE id = ? AND status = ?",
     "SELECT * FROM visits WHERE id = %s AND status = %s"),
    ("SELECT a.id FROM audit_log a WHERE a.entity_id = CAST(:patient AS TEXT) LIMIT :limit",
     "SELECT a.id FROM audit_log a WHERE a.entity_id = CAST(%(patient)s AS TEXT) "
     "LIMIT %(limit)s"),
    ("SELECT 'what? 10% at 08:00' || ? FROM x", "SELECT 'what? 10% at 08:00' || %s FROM x"),
    ("SELECT 'it''s ?' , \"odd?name\", ? , x::text, 5 % 2",
     "SELECT 'it''s ?' , \"odd?name\", %s , x::text, 5 %% 2"),
])
def test_placeholders_are_psycopgs_and_quoted_text_is_left_alone(sqlite, postgres):
    assert placeholders(sqlite) == postgres


def test_engine_statements_have_their_server_equivalent_or_are_refused():
    assert to_postgres("PRAGMA integrity_check") == "SELECT 'ok'"
    assert "information_schema.tables" in to_postgres(
        "SELECT name   FROM sqlite_master WHERE type = 'table'")
    with pytest.raises(NotPortable, match="SQLite's own"):
        to_postgres("PRAGMA journal_mode = WAL")
    assert to_postgres("SELECT 5 % 2", with_params=False) == "SELECT 5 % 2"


def test_an_insert_into_a_table_keyed_by_id_returns_the_id():
    assert returns_id("INSERT INTO visits (patient_id) VALUES (?)") == "visits"
    assert returns_id("  insert into users (login) values (?)") == "users"
    assert returns_id("INSERT INTO patient_words (word) VALUES (?)") is None
    assert returns_id("INSERT INTO audit_head (id) VALUES (1) RETURNING id") is None


# --- where --db points -------------------------------------------------------------------


def test_a_file_path_stays_a_file_and_a_url_is_a_server(tmp_path):
    assert st.resolve_db_path(str(tmp_path / "a.sqlite")) == tmp_path / "a.sqlite"
    address = st.resolve_db_path("postgresql://nurse@127.0.0.1:5433/clinic")
    assert isinstance(address, ServerAddress)
    assert (address.host, address.port, address.dbname, address.user) == (
        "127.0.0.1", 5433, "clinic", "nurse")
    assert str(address) == "postgresql://nurse@127.0.0.1:5433/clinic"
    assert "sslmode" not in address.conninfo  # loopback: TLS is not required
    env = st.resolve_db_path(None, {"OCREBILL_DB": "postgres://biller@localhost/clinic"})
    assert isinstance(env, ServerAddress) and env.loopback


def test_a_server_elsewhere_is_reached_with_tls_only():
    remote = server_address("postgresql://desk@db.clinic.lan/ocrebill")
    assert "sslmode=require" in remote.conninfo
    checked = server_address("postgresql://desk@10.0.0.5/ocrebill?sslrootcert=/etc/ca.pem")
    assert "sslmode=verify-full" in checked.conninfo
    for weak in ("disable", "allow", "prefer"):
        with pytest.raises(st.StoreError, match=f"sslmode={weak} is refused for db.clinic.lan"):
            server_address(f"postgresql://desk@db.clinic.lan/ocrebill?sslmode={weak}")
    with pytest.raises(st.StoreError, match="names no database"):
        server_address("postgresql://desk@db.clinic.lan")


def test_the_password_never_shows(tmp_path):
    address = server_address("postgresql://desk:s3cret-pw@db.clinic.lan/ocrebill")
    assert "s3cret-pw" not in str(address) + repr(address) + address.name
    port = free_port()  # nothing listens there
    with pytest.raises(st.StoreError) as refused:
        st.open_store(f"postgresql://desk:s3cret-pw@127.0.0.1:{port}/ocrebill")
    assert "Cannot reach the server" in str(refused.value)
    assert "s3cret-pw" not in str(refused.value)


def test_a_named_connection_comes_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("OCREBILL_CONFIG_DIR", str(tmp_path))
    with pytest.raises(st.StoreError, match="no named connections"):
        server_address("server:clinic")
    settings = tmp_path / "servers.json"
    settings.write_text(json.dumps({"clinic": {
        "url": "postgresql://desk@db.clinic.lan/ocrebill", "sslrootcert": "/etc/ca.pem",
        "password": "from-settings"}}))
    os.chmod(settings, 0o644)
    with pytest.raises(st.StoreError, match="others may read it: chmod 600"):
        server_address("server:clinic")
    os.chmod(settings, 0o600)
    address = st.resolve_db_path("server:clinic")
    assert "sslmode=verify-full" in address.conninfo and "from-settings" in address.conninfo
    assert "from-settings" not in str(address)
    with pytest.raises(st.StoreError, match=r"no connection named 'lab'.*known: clinic"):
        st.open_store("server:lab")


def test_a_refused_address_is_said_when_it_is_opened():
    """--db is resolved before a command or the app can say anything: a URL that cannot be
    used is refused by open_store, where every refusal to open is reported."""
    address = st.resolve_db_path("postgresql://desk:pw-1@db.clinic.lan/ocrebill?sslmode=allow")
    assert str(address) == "postgresql://desk@db.clinic.lan/ocrebill?sslmode=allow"
    with pytest.raises(st.StoreError, match="sslmode=allow is refused for db.clinic.lan"):
        st.open_store(address)


def test_a_server_has_no_encryption_at_rest_key(pg_url):
    from ocrebill_gui.store.encryption import create_encrypted_database, encrypt_database

    with pytest.raises(st.StoreError, match="encryption at rest .* is for database files"):
        st.open_store(pg_url, key=bytes(32))
    for convert in (lambda: encrypt_database(pg_url, "admin", "Correct-Horse-9"),
                    lambda: create_encrypted_database(pg_url, "admin", "Admin",
                                                      "Correct-Horse-9")):
        with pytest.raises(st.StoreError, match="is a server: encryption at rest"):
            convert()


# --- the server's answers ----------------------------------------------------------------


def test_a_wrong_password_is_a_clear_refusal(pg_server, tmp_path):
    wrong = tmp_path / "pgpass"
    wrong.write_text(f"127.0.0.1:{pg_server.port}:*:ocrebill:not-the-password\n")
    wrong.chmod(0o600)
    url = pg_server.url("postgres").split("?")[0] + f"?passfile={wrong}"
    with pytest.raises(st.StoreError, match="refused the sign-in of its database user") as no:
        st.open_store(url)
    assert "not-the-password" not in str(no.value)


def test_no_such_database_and_another_programs_database(pg_server):
    missing = pg_server.url("no_such_db")
    with pytest.raises(st.StoreError, match="has no such database"):
        st.open_store(missing)
    url = pg_server.create_database("recipes")
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True) as other:
            other.execute("CREATE TABLE recipes (name text)")
        with pytest.raises(st.UnreadableDatabase, match="tables of another program"):
            st.open_store(url)
        with psycopg.connect(url, autocommit=True) as other:
            assert [r[0] for r in other.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public'")] == ["recipes"]  # nothing added
    finally:
        pg_server.drop_database("recipes")


def test_a_newer_schema_is_refused_untouched(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE ocrebill_schema SET version = 99")
    with pytest.raises(st.NewerSchemaError, match="database schema 99"):
        st.open_store(pg_url)


def test_a_read_only_connection_refuses_writes(pg_url):
    with st.open_store(pg_url, read_only=True) as store:
        with pytest.raises(st.ReadOnlyError):
            st.add_patient(store, signed("frontdesk"), {"name": "Rivera, Ana"})


def test_a_lost_connection_is_reopened_for_the_next_read(pg_url, pg_server):
    import time

    with st.open_store(pg_url, clock=TickingClock()) as store:
        st.add_patient(store, signed("frontdesk"), {"name": "Rivera, Ana"})
        pid = store.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        with pg_server.admin() as admin:  # the server drops the client (as in a restart)
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                [pid]).fetchone():
                time.sleep(0.01)
        with pytest.raises(st.StoreError, match="connection to the server .* was lost"):
            st.count_patients(store, signed())
        assert st.count_patients(store, signed()) == 1  # connected again


# --- the same schema ---------------------------------------------------------------------


def _sqlite_schema(path) -> dict:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    schema = {}
    for table in tables:
        columns = {name: (kind.upper() in ("INTEGER", "INT"), bool(notnull) or pk > 0, pk)
                   for _cid, name, kind, notnull, _default, pk in
                   conn.execute(f'PRAGMA table_info("{table}")')}
        unique = sorted(tuple(c[2] for c in conn.execute(f'PRAGMA index_info("{name}")'))
                        for _seq, name, is_unique, origin, _partial in conn.execute(
                            f'PRAGMA index_list("{table}")') if is_unique and origin != "pk")
        keys = sorted((r[3], r[2], r[4]) for r in conn.execute(
            f'PRAGMA foreign_key_list("{table}")'))
        schema[table] = (columns, unique, keys)
    conn.close()
    return schema


def _server_schema(url) -> dict:
    import psycopg

    schema = {}
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_name <> 'ocrebill_schema'")]
        for table in tables:
            pk = {name: n + 1 for n, name in enumerate(r[0] for r in conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass "
                "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)", [table]))}
            columns = {name: (kind in ("integer", "bigint"), nullable == "NO", pk.get(name, 0))
                       for name, kind, nullable in conn.execute(
                           "SELECT column_name, data_type, is_nullable FROM "
                           "information_schema.columns WHERE table_name = %s", [table])}
            unique = sorted(tuple(r[0]) for r in conn.execute(
                "SELECT array_agg(a.attname ORDER BY array_position(i.indkey, a.attnum)) "
                "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass "
                "AND i.indisunique AND NOT i.indisprimary GROUP BY i.indexrelid", [table]))
            keys = sorted(conn.execute(
                "SELECT kcu.column_name, ccu.table_name, ccu.column_name FROM "
                "information_schema.table_constraints tc JOIN "
                "information_schema.key_column_usage kcu USING (constraint_name) JOIN "
                "information_schema.constraint_column_usage ccu USING (constraint_name) "
                "WHERE tc.table_name = %s AND tc.constraint_type = 'FOREIGN KEY'", [table]))
            schema[table] = (columns, unique, keys)
    return schema


def test_the_server_schema_is_the_files(tmp_path, pg_url):
    """Tables, columns (integer or text, NOT NULL, key), unique indexes and foreign keys of
    a new file and a new server database are the same: pg_schema.py follows migrations.py."""
    st.open_store(tmp_path / "new.sqlite").close()
    file_schema = _sqlite_schema(tmp_path / "new.sqlite")
    server_schema = _server_schema(pg_url)
    assert sorted(server_schema) == sorted(file_schema)
    for table, (columns, unique, keys) in file_schema.items():
        assert server_schema[table][0] == columns, table
        # SQLite spells a column's UNIQUE as an automatic index; so does PostgreSQL
        assert server_schema[table][1] == unique, table
        assert [tuple(k) for k in server_schema[table][2]] == keys, table


# --- a practice copied from a file onto a server -----------------------------------------


def test_a_demo_file_copied_onto_a_server_has_every_row_and_a_sound_chain(tmp_path, pg_url):
    from ocrebill_gui.store.audit_chain import verify_audit
    from ocrebill_gui.store.server_copy import copy_database, table_counts

    path = tmp_path / "demo.sqlite"
    st.create_demo_database(path, visits=300)
    with st.open_store(path) as source, st.open_store(pg_url) as target:
        copied = copy_database(source, target)
        assert copied == table_counts(source) == table_counts(target)
        assert copied["visits"] == 300 and copied["audit_log"] > 0
        verdict = verify_audit(target.conn)
        assert verdict.problems == [] and verdict.rows == copied["audit_log"]
        assert st.check_database(target, signed()).ok
        some = st.find_visits(source, signed(), limit=20)
        assert st.find_visits(target, signed(), limit=20) == some
        assert [st.get_visit(target, signed(), v.id) for v in some] == [
            st.get_visit(source, signed(), v.id) for v in some]
        assert st.search_patients(target, signed(), "a", limit=30) == st.search_patients(
            source, signed(), "a", limit=30)
        # the server goes on from there: new ids after the copied ones, the chain continues
        patient = st.add_patient(target, signed("frontdesk"), {"name": "Rivera, Ana"})
        assert patient.id == copied["patients"] + 1
        assert verify_audit(target.conn).problems == []
        with pytest.raises(st.StoreError, match="is not empty .* nothing was copied"):
            copy_database(source, target)


def test_a_demo_goes_onto_an_empty_server_database_only(pg_url):
    from ocrebill_gui.store.accounts import sign_in
    from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD

    summary = st.create_demo_database(pg_url, visits=50, encrypt=True)  # encrypt: files only
    assert summary.path.startswith("postgresql://") and "passfile" not in summary.path
    with st.open_store(pg_url) as store:
        nurse = sign_in(store, "nurse", DEMO_PASSWORD)
        assert st.count_visits(store, nurse) == summary.visits == 50
    with pytest.raises(st.StoreError, match="is not empty"):
        st.create_demo_database(pg_url, visits=10)


@pytest.mark.parametrize(("error", "kind", "words"), [
    ("DiskFull", st.DiskFullError, "disk of the server .* is full: the change was not saved"),
    ("LockNotAvailable", st.DatabaseInUse, "busy: another workstation kept it locked"),
    ("DeadlockDetected", st.DatabaseInUse, "Nothing was changed: try again"),
    ("ReadOnlySqlTransaction", st.ReadOnlyError, "is read-only: nothing was saved"),
    ("InsufficientPrivilege", st.ReadOnlyError, "may not do this .* grant it"),
    ("AdminShutdown", st.StoreError, "connection to the server .* was lost"),
    ("UndefinedTable", st.UnreadableDatabase, "not a complete OcreBill database"),
    ("RaiseException", st.StoreError, "Database error on .*: the audit log is append-only"),
])
def test_each_server_error_is_a_store_error_in_words(error, kind, words):
    import psycopg.errors

    from ocrebill_gui.store.server_errors import as_store_error

    raised = getattr(psycopg.errors, error)("the audit log is append-only")
    translated = as_store_error(raised, "postgresql://desk@db.clinic.lan:5432/ocrebill")
    assert type(translated) is kind
    assert re.search(words, str(translated)), str(translated)


def test_an_audit_row_edited_on_the_server_is_named_by_the_check(pg_url):
    """The append-only triggers stop OcreBill and anyone without the table's ownership; an
    owner who lifts them and edits a row is still caught by the chain, as in a file."""
    import psycopg

    with st.open_store(pg_url, clock=TickingClock()) as store:
        st.add_patient(store, signed("frontdesk"), {"name": "Rivera, Ana"})
        st.add_patient(store, signed("frontdesk"), {"name": "Okafor, Ben"})
        assert st.check_database(store, signed()).ok
    with psycopg.connect(pg_url, autocommit=True) as owner:
        owner.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        owner.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 1")
    with st.open_store(pg_url) as store:
        report = st.check_database(store, signed())
    assert not report.ok
    assert report.audit[0].startswith("audit row 1 (") and "does not match its hash" in \
        report.audit[0]
