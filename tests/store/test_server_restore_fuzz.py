"""`ocrebill server restore` fed broken backups: a dump with bytes flipped or cut short, its
manifest mangled, a database file damaged. Never a traceback: exit 1 or 2 with a message that
names the file and what is wrong. Nothing is left on the server but when a restore was whole
and then failed its checks (its rows against the manifest, `ocrebill check`), which says not
to use that database. Mutations come from a fixed seed, so a failure reproduces."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from pg_fixtures import TEMPLATE

from ocrebill_gui.cli import main
from ocrebill_gui.store import server_backup
from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD
from ocrebill_gui.store.errors import StoreError
from ocrebill_gui.store.server_backup import read_manifest
from ocrebill_gui.store.server_copy import TABLES

SEED = 20261207
ROUNDS = int(os.environ.get("OCREBILL_FUZZ_ROUNDS", "12"))  # flipped copies of each backup


@pytest.fixture(scope="module")
def backups(pg_server, tmp_path_factory) -> Iterator[dict[str, Path]]:
    """A small demo practice on the server, backed up both ways: {"dump", "manifest",
    "sqlite"}; $OCREBILL_PASSWORD_FILE set for the module (the demo's administrator)."""
    from ocrebill_gui.store.server_copy import demo_on_server

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed here")
    folder = tmp_path_factory.mktemp("backups")
    password = folder / "password"
    password.write_text(f"{DEMO_PASSWORD}\n")
    password.chmod(0o600)
    saved = {k: os.environ.get(k) for k in ("OCREBILL_PASSWORD_FILE", "OCREBILL_USER",
                                             "OCREBILL_DB")}
    os.environ["OCREBILL_PASSWORD_FILE"] = str(password)
    os.environ.pop("OCREBILL_USER", None)
    os.environ.pop("OCREBILL_DB", None)
    name = f"fuzzsrc{os.getpid()}"
    url = pg_server.create_database(name, template=TEMPLATE)
    try:
        demo_on_server(url, visits=5)
        made = {"dump": folder / "clinic.dump", "sqlite": folder / "clinic.sqlite"}
        assert main(["--db", url, "backup", str(made["dump"]), "--user", "admin"]) == 0
        assert main(["--db", url, "backup", str(made["sqlite"]), "--user", "admin",
                     "--logical"]) == 0
        made["manifest"] = Path(f"{made['dump']}.json")
        yield made
    finally:
        pg_server.drop_database(name)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Target:
    """An empty database to restore onto, made again when a restore left anything in it."""

    def __init__(self, server, name: str) -> None:
        self.server, self.name = server, name
        self.url = server.create_database(name)

    def tables(self) -> int:
        with psycopg.connect(self.url) as conn:
            return conn.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_schema = 'public'").fetchone()[0]

    def rows(self) -> int:
        """Rows of the practice's tables (not the schema's version row)."""
        with psycopg.connect(self.url) as conn:
            there = {r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public'")}
            return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in TABLES if t in there)

    def renew(self) -> None:
        self.server.drop_database(self.name)
        self.url = self.server.create_database(self.name)


@pytest.fixture
def target(pg_server) -> Iterator[Target]:
    made = Target(pg_server, f"fuzzdst{os.getpid()}")
    yield made
    pg_server.drop_database(made.name)


def restore(capsys, backup: Path, target: Target) -> tuple[int, str]:
    """Run the command; a refusal names the file and leaves nothing on the server."""
    code = main(["server", "restore", str(backup), target.url, "--user", "admin"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), (code, err)
    if code != 0:
        assert str(backup) in err, err
        assert "ocrebill-restore-" not in err  # the backup named, not the copy read
    if code != 0 and target.rows():  # restored, then its rows or chain failed the checks
        assert "do not use this database" in err or "found:" in err, err
    if target.tables():
        target.renew()
    return code, err


def flipped(data: bytes, rng: random.Random, count: int) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def mutations(data: bytes, rng: random.Random, keep: int = 0) -> list[tuple[str, bytes]]:
    """Cut short at several lengths, bytes flipped here and there (beyond the first `keep`
    bytes, so the file is still taken for what it claims to be), garbage appended."""
    cuts = [keep, keep + 1, keep + 20, len(data) // 3, len(data) // 2, len(data) - 1]
    found = [(f"cut at {n}", data[:n]) for n in cuts if 0 <= n < len(data)]
    for n in range(ROUNDS):
        head, body = data[:keep], data[keep:]
        found.append((f"flips {n}", head + flipped(body, rng, 1 + n % 4)))
    found.append(("garbage after", data + bytes(rng.randrange(256) for _ in range(64))))
    return found


@pytest.mark.slow
def test_a_damaged_dump_is_refused_whole_naming_it(backups, target, tmp_path, capsys,
                                                   monkeypatch):
    monkeypatch.setattr(server_backup, "READ_SECONDS", 10.0)  # one that loops is stopped
    rng = random.Random(SEED)
    data = backups["dump"].read_bytes()
    results = []
    for what, mutated in mutations(data, rng, keep=5):  # PGDMP: still taken for a dump
        dump = tmp_path / "broken.dump"
        dump.write_bytes(mutated)
        shutil.copyfile(backups["manifest"], f"{dump}.json")
        code, err = restore(capsys, dump, target)
        results.append((what, code))
    refused = [what for what, code in results if code != 0]
    assert len(refused) >= len(results) // 2, results  # most damage is found


@pytest.mark.slow
def test_a_damaged_database_file_is_refused_naming_it(backups, target, tmp_path, capsys):
    rng = random.Random(SEED + 1)
    data = backups["sqlite"].read_bytes()
    for what, mutated in mutations(data, rng, keep=16):  # "SQLite format 3\0"
        path = tmp_path / "broken.sqlite"
        path.write_bytes(mutated)
        restore(capsys, path, target)


@pytest.mark.parametrize("text", [
    "", "{", "[]", "null", '"text"', "{}", '{"format": "other/1"}',
    '{"format": "ocrebill.server-backup/1"}',
    '{"format": "ocrebill.server-backup/1", "counts": [], "audit_head_hash": "x"}',
    '{"format": "ocrebill.server-backup/1", "counts": {"visits": "5"}, "audit_head_hash": ""}',
    '{"format": "ocrebill.server-backup/1", "counts": {"visits": -1}, "audit_head_hash": ""}',
    '{"format": "ocrebill.server-backup/1", "counts": {"visits": true}, "audit_head_hash": ""}',
    '{"format": "ocrebill.server-backup/1", "counts": {}, "audit_head_hash": 7}',
    "[" * 100_000, "\udcff"])
def test_a_mangled_manifest_is_refused_before_anything_is_restored(backups, target, tmp_path,
                                                                   capsys, text):
    dump = tmp_path / "clinic.dump"
    shutil.copyfile(backups["dump"], dump)
    Path(f"{dump}.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    code, err = restore(capsys, dump, target)
    assert code == 1 and "clinic.dump.json" in err, err
    assert target.tables() == 0  # refused before anything was restored


def test_other_files_are_refused_naming_them(backups, target, tmp_path, capsys):
    folder = tmp_path / "a folder.dump"
    folder.mkdir()
    empty = tmp_path / "empty.dump"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"PGDMP")
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    keyed = tmp_path / "keyed.sqlite"
    keyed.write_bytes(os.urandom(4096))
    Path(f"{keyed}.keys").write_text("{}")
    for path in (folder, empty, junk, text, keyed, tmp_path / "missing.dump"):
        code, _err = restore(capsys, path, target)
        assert code in (1, 2)
    manifest_folder = tmp_path / "clinic.dump"
    shutil.copyfile(backups["dump"], manifest_folder)
    Path(f"{manifest_folder}.json").mkdir()
    code, err = restore(capsys, manifest_folder, target)
    assert code == 1 and "clinic.dump.json" in err


def test_a_dump_pg_restore_cannot_finish_reading_is_stopped(backups, target, tmp_path, capsys,
                                                           monkeypatch):
    """A flipped bit in a data block sent pg_restore round in circles for good (seen in this
    fuzzing): the dump is read whole into nothing first, and stopped after a time in
    proportion to its size; nothing reaches the server."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    fake = bin_folder / "pg_restore"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(server_backup, "READ_SECONDS", 1.0)
    monkeypatch.setattr(server_backup, "READ_SECONDS_PER_MB", 0.0)
    code, err = restore(capsys, backups["dump"], target)
    assert code == 1 and f"{backups['dump']} is damaged: pg_restore had not read it after 1 s" \
        in err, err
    assert target.tables() == 0


json_values = hs.recursive(
    hs.none() | hs.booleans() | hs.integers() | hs.floats(allow_nan=True) | hs.text(max_size=8),
    lambda inner: hs.lists(inner, max_size=4) | hs.dictionaries(hs.text(max_size=8), inner,
                                                                 max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=json_values | hs.dictionaries(hs.sampled_from(["visits", "patients", "x"]),
                                            json_values, max_size=3),
       head=json_values, extra=hs.dictionaries(hs.text(max_size=8), json_values, max_size=2))
def test_any_manifest_is_read_whole_or_refused_naming_it(tmp_path, counts, head, extra):
    dump = tmp_path / "m.dump"
    manifest = {**extra, "format": "ocrebill.server-backup/1", "counts": counts,
                "audit_head_hash": head}
    Path(f"{dump}.json").write_text(json.dumps(manifest))
    try:
        read = read_manifest(dump)
    except StoreError as exc:
        assert "m.dump.json" in str(exc)
        return
    assert read is not None
    assert all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
               for v in read["counts"].values())
    assert isinstance(read["audit_head_hash"], str)
