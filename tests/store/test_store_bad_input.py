"""`ocrebill import` of several files, and the databases it must refuse (issue 10)."""

from __future__ import annotations

import json
import sqlite3

from staff import signed
from store_helpers import example

from ocrebill_gui import store as st
from ocrebill_gui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_bad_file_between_two_good_ones(tmp_path, capsys, cli_staff):
    a, bad, b = tmp_path / "a.json", tmp_path / "bad.json", tmp_path / "b.json"
    a.write_text(json.dumps(example("01-standard-600mg")))
    broken = example("05-waste-jw-line")
    broken["patient"] = "Rivera, Ana"  # raised an AttributeError before
    broken["administrations"][0]["dose_mg"] = "600"
    bad.write_text(json.dumps(broken))
    other = example("06-facility-premeds")
    other["patient"]["id"] = "P-OTHER"
    b.write_text(json.dumps(other))
    db = cli_staff(tmp_path / "db.sqlite")
    code, out, err = run(capsys, "--db", str(db), "import", str(a), str(bad), str(b))
    assert code == 2
    assert out.splitlines()[0].startswith(f"{a}: imported as visit 1 (draft")
    assert any(line.startswith(f"{b}: imported as visit 2 (draft") for line in out.splitlines())
    assert out.splitlines()[-1] == "2 imported, 0 already stored, 1 rejected"
    assert err.splitlines()[0] == f"{bad}: rejected, nothing saved:"
    assert "  patient: must be an object" in err.splitlines()
    assert any(line.startswith("  administrations[0].dose_mg: ") for line in err.splitlines())
    with st.open_store(db, read_only=True) as store:
        assert st.count_visits(store, signed()) == 2


def test_import_refuses_a_sqlite_file_of_another_program(tmp_path, capsys):
    alien = tmp_path / "other.sqlite"
    conn = sqlite3.connect(alien)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.commit()
    conn.close()
    before = alien.read_bytes()
    source = tmp_path / "visit.json"
    source.write_text(json.dumps(example()))
    for argv in (["import", str(source)], ["demo"], ["visits"], ["check"]):
        code, _, err = run(capsys, "--db", str(alien), *argv)
        assert code == 1, argv
        assert "not an OcreBill database" in err or "not a readable OcreBill" in err, argv
    assert alien.read_bytes() == before, "no OcreBill tables were added"
    conn = sqlite3.connect(alien)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["recipes"]
    conn.close()


def test_an_empty_file_becomes_a_database(tmp_path, capsys, cli_staff):
    empty = tmp_path / "new.sqlite"
    empty.touch()  # what a "new file" menu or `touch` makes
    cli_staff(empty)  # opened as a new database, given its staff
    source = tmp_path / "visit.json"
    source.write_text(json.dumps(example()))
    code, out, _ = run(capsys, "--db", str(empty), "import", str(source))
    assert code == 0 and "1 imported" in out


def test_a_db_in_a_folder_that_does_not_exist_is_refused_not_created(tmp_path, capsys):
    missing = tmp_path / "typo" / "ocrebill.sqlite"
    source = tmp_path / "visit.json"
    source.write_text(json.dumps(example()))
    code, _, err = run(capsys, "--db", str(missing), "import", str(source))
    assert code == 1 and f"{missing}: no such database" in err  # import makes no database
    code, _, err = run(capsys, "--db", str(missing), "demo", "--visits", "5")
    assert code == 1 and f"{missing.parent}: no such folder" in err
    assert not missing.parent.exists()
    try:
        st.open_store(missing)
    except st.StoreError as exc:
        assert "no such folder" in str(exc)
    else:
        raise AssertionError("open_store created a folder")
    assert not missing.parent.exists()


def test_the_user_data_folder_is_still_created_on_first_run(tmp_path, monkeypatch):
    default = tmp_path / "data" / "OcreBill" / "ocrebill.sqlite"
    monkeypatch.setattr("ocrebill_gui.store.db.default_db_path", lambda: default)
    monkeypatch.delenv("OCREBILL_DB", raising=False)
    with st.open_store() as store:
        assert store.path == default
    assert default.exists()


def test_a_database_that_refuses_stops_the_import_with_a_summary(tmp_path, capsys,
                                                                 monkeypatch, cli_staff):
    db = cli_staff(tmp_path / "db.sqlite")
    files = [tmp_path / f"{name}.json" for name in ("a", "b", "c")]
    for index, path in enumerate(files):
        document = example()
        document["patient"]["id"] = f"P-{index}"
        path.write_text(json.dumps(document))
    real = st.import_document

    def disk_fills_up(store, actor, document, **kwargs):
        if document["patient"]["id"] == "P-1":
            raise st.DiskFullError("The disk holding db.sqlite is full: the change was not "
                                   "saved and nothing was lost.")
        return real(store, actor, document, **kwargs)

    monkeypatch.setattr(st, "import_document", disk_fills_up)
    code, out, err = run(capsys, "--db", str(db), "import", *map(str, files))
    assert code == 1
    assert err.splitlines() == [f"{files[1]}: not imported: The disk holding db.sqlite is full: "
                                "the change was not saved and nothing was lost."]
    assert out.splitlines()[-1] == ("1 imported, 0 already stored, 0 rejected, 2 not imported "
                                    f"(stopped at {files[1]})")
