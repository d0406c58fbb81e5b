"""`ocrebill server init | migrate | restore` and `ocrebill backup` of a server, on the test
suite's throwaway PostgreSQL: the first administrator on an empty database, a practice moved
from a file (plain and encrypted) with every table's rows compared and the audit chain
verified, backups (pg_dump and the store's own export) loaded back, and the refusals."""

from __future__ import annotations

import os
import stat

import psycopg
import pytest

from ocrebill_gui import store as st
from ocrebill_gui.cli import main
from ocrebill_gui.store.accounts import sign_in
from ocrebill_gui.store.audit_chain import verify_audit
from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD
from ocrebill_gui.store.server_copy import TABLES, table_counts


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def password(tmp_path, monkeypatch):
    """$OCREBILL_PASSWORD_FILE: the demo accounts' password, in a private file."""
    path = tmp_path / "password"
    path.write_text(f"{DEMO_PASSWORD}\n")
    path.chmod(0o600)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(path))
    monkeypatch.delenv("OCREBILL_USER", raising=False)
    monkeypatch.delenv("OCREBILL_DB", raising=False)
    return path


@pytest.fixture
def empty_db(pg_server):
    """A database with nothing in it at all (no OcreBill tables either)."""
    name = f"empty{os.getpid()}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# --- init ----------------------------------------------------------------------------------


def test_init_makes_the_schema_and_the_administrator(empty_db, tmp_path, capsys, monkeypatch):
    secret = tmp_path / "pw"
    secret.write_text("Correct-Horse-9\n")
    secret.chmod(0o600)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret))
    code, out, err = run(capsys, "server", "init", empty_db, "--user", "Pat",
                         "--name", "Pat Lee")
    assert code == 0, err
    assert "administrator pat (Pat Lee) created on postgresql://" in out
    assert "passfile" not in out and "superuser" in err  # the test server's role is one
    with st.open_store(empty_db) as store:
        assert sign_in(store, "pat", "Correct-Horse-9").roles == {"admin"}
    code, _out, err = run(capsys, "server", "init", empty_db, "--user", "kim")
    assert code == 1 and "is not empty (users: 1 row" in err and "nothing was written" in err


def test_init_refuses_what_it_must(pg_server, empty_db, tmp_path, capsys, monkeypatch):
    secret = tmp_path / "pw"
    secret.write_text("short\n")
    secret.chmod(0o600)
    monkeypatch.setenv("OCREBILL_PASSWORD_FILE", str(secret))
    code, _out, err = run(capsys, "server", "init", empty_db, "--user", "pat")
    assert code == 2 and "password: must have at least" in err
    with psycopg.connect(empty_db, autocommit=True) as conn:  # nothing was made
        assert conn.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_schema = 'public'").fetchone()[0] == 0
        conn.execute("CREATE TABLE recipes (name text)")
    secret.write_text("Correct-Horse-9\n")
    code, _out, err = run(capsys, "server", "init", empty_db, "--user", "pat")
    assert code == 1 and "tables of another program (recipes)" in err
    code, _out, err = run(capsys, "server", "init",
                          "postgresql://pat@db.clinic.lan/clinic?sslmode=disable", "--user", "p")
    assert code == 2 and "sslmode=disable is refused for db.clinic.lan" in err
    code, _out, err = run(capsys, "server", "init", str(tmp_path / "a.sqlite"), "--user", "p")
    assert code == 2 and "is not a server" in err


# --- migrate -------------------------------------------------------------------------------


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypted"])
def test_migrate_moves_a_file_and_proves_it(tmp_path, pg_url, password, capsys, encrypt):
    path = tmp_path / "clinic.sqlite"
    st.create_demo_database(path, visits=120, encrypt=encrypt)
    code, out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "admin")
    assert code == 0, err
    for table in TABLES:
        assert any(line.split()[:1] == [table] and line.rstrip().endswith("ok")
                   for line in out.splitlines()), table
    rows = int(out.split("audit chain verified: ")[1].split()[0])
    assert ("chained again in SHA-256" in out) is encrypt
    with st.open_store(pg_url) as server:
        verdict = verify_audit(server.conn)
        assert verdict.problems == [] and verdict.rows == rows
        entry = server.conn.execute("SELECT actor, entity, action, changes FROM audit_log "
                                    "ORDER BY id DESC LIMIT 1").fetchone()
        nurse = sign_in(server, "nurse", DEMO_PASSWORD)  # the file's accounts work there
        assert st.count_visits(server, nurse) == 120
        assert entry[:3] == ("admin", "database", "migrate")
        assert '"source", "before": null, "after": "clinic.sqlite"' in entry[3]
    # the file's head hash is what the entry records: its chain ends there
    key = None
    if encrypt:
        from ocrebill_gui.store.keys import unlock

        key = unlock(path, "admin", DEMO_PASSWORD)
    with st.open_store(path, key=key) as source:
        head = source.conn.execute("SELECT last_hash FROM audit_head").fetchone()[0]
        assert verify_audit(source.conn, source.audit_key).problems == []
    assert head in entry[3]
    code, _out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "admin")
    assert code == 1 and "is not empty" in err


def test_migrate_refusals(tmp_path, pg_url, password, capsys):
    path = tmp_path / "clinic.sqlite"
    st.create_demo_database(path, visits=10, encrypt=True)
    code, _out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "nurse")
    assert code == 1 and "administrator" in err.lower()
    code, _out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "nobody")
    assert code == 1 and "Cannot sign in as nobody" in err
    code, _out, err = run(capsys, "server", "migrate", str(tmp_path / "no.sqlite"), pg_url,
                          "--user", "admin")
    assert code == 2 and "no such database file" in err
    with st.open_store(pg_url) as server:
        assert sum(table_counts(server).values()) == 0  # nothing written by any of them


def test_a_mismatch_names_the_table(tmp_path, pg_url, password, capsys, monkeypatch):
    """Rows lost on the way (a copy that skips visit_amendments rows, here) are named."""
    from ocrebill_gui.store import server_move

    path = tmp_path / "clinic.sqlite"
    st.create_demo_database(path, visits=10, encrypt=False)
    real = server_move.table_counts

    def counted(store):
        counts = real(store)
        if not isinstance(store.path, os.PathLike):  # the server's, after the move
            counts["vial_uses"] -= 1
        return counts

    monkeypatch.setattr(server_move, "table_counts", counted)
    code, out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "admin")
    assert code == 1 and "the rows of vial_uses on the server are not the source's" in err
    assert any(line.startswith("vial_uses") and "MISMATCH" in line for line in out.splitlines())


# --- a 10,000-visit practice -----------------------------------------------------------------


def test_a_ten_thousand_visit_demo_moves_with_counts_and_chain(tmp_path, pg_url, password,
                                                              capsys):
    path = tmp_path / "big.sqlite"
    st.create_demo_database(path, visits=10_000, encrypt=True)
    code, out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "admin")
    assert code == 0, err
    with st.open_store(pg_url) as server:
        counts = table_counts(server)
        assert counts["visits"] == 10_000
        verdict = verify_audit(server.conn)
        assert verdict.problems == [] and verdict.rows == counts["audit_log"]
    assert f"audit chain verified: {counts['audit_log']} entries" in out


# --- backups of a server ----------------------------------------------------------------------


@pytest.fixture
def practice(pg_url, password):
    """A demo practice on the server; (url, counts)."""
    from ocrebill_gui.store.server_copy import demo_on_server

    demo_on_server(pg_url, visits=80)
    with st.open_store(pg_url) as store:
        return pg_url, table_counts(store)


def _other_db(pg_server, request, name: str) -> str:
    """An empty database (a dump brings its own tables; a file goes onto any empty one)."""
    database = f"{name}{os.getpid()}"
    url = pg_server.create_database(database)
    request.addfinalizer(lambda: pg_server.drop_database(database))
    return url


@pytest.mark.parametrize("logical", [False, True], ids=["pg_dump", "logical"])
def test_a_server_backup_goes_back_onto_an_empty_database(practice, tmp_path, capsys,
                                                          pg_server, request, logical):
    import shutil

    if not logical and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here")
    url, counts = practice
    folder = tmp_path / "usb"
    folder.mkdir()
    argv = ["--db", url, "backup", f"{folder}/", "--user", "admin"]
    code, out, err = run(capsys, *argv, *(["--logical"] if logical else []))
    assert code == 0, err
    written = sorted(folder.iterdir())
    backup = written[0]
    assert backup.suffix == (".sqlite" if logical else ".dump")
    assert len(written) == (1 if logical else 2)  # a dump has its manifest beside it
    assert all(_mode(p) == 0o600 for p in written)
    assert ("pg_dump, custom format" in out) is not logical
    assert not [p for p in folder.iterdir() if "partial" in p.name]
    code, _out, err = run(capsys, "--db", url, "backup", str(backup), "--user", "admin",
                          *(["--logical"] if logical else []))
    assert code == 2 and "already exists" in err
    if logical:  # the export is an OcreBill database file: it opens as one
        with st.open_store(backup) as copy:
            assert table_counts(copy) == {**counts, "audit_log": counts["audit_log"] + 1}
    target = _other_db(pg_server, request, "restored")
    before = backup.read_bytes()
    code, out, err = run(capsys, "server", "restore", str(backup), target, "--user", "admin")
    assert code == 0, err
    assert backup.read_bytes() == before  # restored from a copy: the backup stays as it was
    assert "every table's rows match" in out
    with st.open_store(target) as restored:
        got = table_counts(restored)
        assert verify_audit(restored.conn).problems == []
        nurse = sign_in(restored, "nurse", DEMO_PASSWORD)
        assert st.count_visits(restored, nurse) == 80
    # the backup's sign-in is in it (+1); restoring a database file signs in to a copy of it
    # (+1) and records itself (+1), the backup file untouched; a dump is the database as it was
    assert got == {**counts, "audit_log": counts["audit_log"] + (3 if logical else 1)}
    if logical:
        with st.open_store(backup) as copy:
            assert table_counts(copy)["audit_log"] == counts["audit_log"] + 1


def test_a_dump_with_a_manifest_that_disagrees_is_refused(practice, tmp_path, capsys,
                                                          pg_server, request):
    import json
    import shutil

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here")
    url, _counts = practice
    dump = tmp_path / "clinic.dump"
    assert run(capsys, "--db", url, "backup", str(dump), "--user", "admin")[0] == 0
    manifest = tmp_path / "clinic.dump.json"
    data = json.loads(manifest.read_text())
    data["counts"]["patients"] += 1
    manifest.write_text(json.dumps(data))
    with_schema = _other_db(pg_server, request, "schema")
    st.open_store(with_schema).close()  # OcreBill's tables, no rows
    code, out, err = run(capsys, "server", "restore", str(dump), with_schema)
    assert code == 1 and "OcreBill's tables, without rows: a dump brings its own" in err
    target = _other_db(pg_server, request, "wrong")
    code, out, err = run(capsys, "server", "restore", str(dump), target)
    assert code == 1 and "the rows of patients on the server are not the source's" in err
    code, _out, err = run(capsys, "server", "restore", str(dump), target)
    assert code == 1 and "is not empty" in err


def test_without_a_usable_pg_dump_the_backup_is_the_stores_own_export(practice, tmp_path,
                                                                     capsys, monkeypatch):
    from ocrebill_gui.store import server_backup

    url, counts = practice
    monkeypatch.setattr(server_backup.shutil, "which", lambda name: None)
    code, out, err = run(capsys, "--db", url, "backup", str(tmp_path / "b.sqlite"),
                         "--user", "admin")
    assert code == 0, err
    assert "the store's own export, an OcreBill database file: pg_dump is not installed" in out
    assert _mode(tmp_path / "b.sqlite") == 0o600
    with st.open_store(tmp_path / "b.sqlite") as copy:
        assert table_counts(copy)["visits"] == counts["visits"]
    with st.open_store(url) as store:  # a pg_dump older than the server is not used
        monkeypatch.setattr(server_backup.shutil, "which", lambda name: "/usr/bin/pg_dump")
        monkeypatch.setattr(server_backup.subprocess, "run", lambda *a, **k: type(
            "Done", (), {"stdout": "pg_dump (PostgreSQL) 9.6.24\n"})())
        found, why = server_backup.pg_dump_usable(store)
    assert found is None and why.startswith("pg_dump 9 is older than the server")


def test_a_table_the_copy_does_not_know_is_never_left_behind(tmp_path, pg_url, password,
                                                           capsys):
    """A table with rows that server_copy.TABLES does not name (added by a later migration)
    stops the move before anything is written, naming it."""
    import sqlite3

    path = tmp_path / "clinic.sqlite"
    st.create_demo_database(path, visits=5, encrypt=False)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE referrals (id INTEGER PRIMARY KEY, note TEXT)")
        conn.execute("INSERT INTO referrals (note) VALUES ('x')")
    conn.close()
    code, _out, err = run(capsys, "server", "migrate", str(path), pg_url, "--user", "admin")
    assert code == 1 and "referrals hold rows that this OcreBill does not know how to copy" \
        in err
    with st.open_store(pg_url) as server:
        assert sum(table_counts(server).values()) == 0
