"""Today's Needs attention is read on a worker thread with a connection of its own
(ui/attention_reader.py): on a plain file, an encrypted one (its key) and a server; a store
gone meanwhile is said, not raised; asked again while reading, it reads once more."""

from __future__ import annotations

import threading
from datetime import date

from staff import signed

from ocrebill_gui import store as api
from ocrebill_gui.store import keys
from ocrebill_gui.ui.attention_reader import BackgroundRead, ReadOutcome

TODAY = date(2026, 3, 10)


def threads_and_patients(own, who, day):
    """Which thread read, and the patients seen through the worker's own connection."""
    rows = own.conn.execute("SELECT count(*) FROM patients").fetchone()[0]
    return threading.current_thread().name, own.read_only, rows, day


def read_once(qtbot, store) -> ReadOutcome:
    reader = BackgroundRead(store, signed(), threads_and_patients)
    with qtbot.waitSignal(reader.done, timeout=10000) as blocker:
        reader.start(TODAY)
    return blocker.args[0]


def with_a_patient(store):
    api.add_patient(store, signed("desk"), {"name": "Rivera, Ana", "birth_date": "1979-05-12"})
    return store


def test_a_plain_file_is_read_on_another_thread_read_only(qtbot, tmp_path):
    with with_a_patient(api.open_store(tmp_path / "plain.sqlite")) as store:
        outcome = read_once(qtbot, store)
    assert outcome.error is None
    assert outcome.lists == ("attention-read", True, 1, TODAY)


def test_an_encrypted_file_is_read_with_its_key(qtbot, tmp_path):
    with with_a_patient(api.open_store(tmp_path / "secret.sqlite", key=keys.new_key())) as store:
        outcome = read_once(qtbot, store)
    assert outcome.error is None and outcome.lists[2] == 1


def test_a_server_is_reached_again_at_its_address(qtbot, pg_url):
    with with_a_patient(api.open_store(pg_url)) as store:
        outcome = read_once(qtbot, store)
    assert outcome.error is None and outcome.lists[:3] == ("attention-read", True, 1)


def test_a_store_gone_meanwhile_is_said(qtbot, tmp_path):
    path = tmp_path / "gone.sqlite"
    store = api.open_store(path)
    store.close()
    path.unlink()
    outcome = read_once(qtbot, store)
    assert outcome.lists is None and "no such database" in str(outcome.error)


def test_asked_again_while_reading_it_reads_once_more_and_shows_the_later(qtbot, tmp_path):
    started, release = threading.Event(), threading.Event()
    days = []

    def slow(own, who, day):
        days.append(day)
        started.set()
        release.wait(10)
        return day

    with api.open_store(tmp_path / "x.sqlite") as store:
        reader = BackgroundRead(store, signed(), slow)
        shown = []
        reader.done.connect(lambda outcome: shown.append(outcome.lists))
        reader.start(TODAY)
        assert started.wait(10) and reader.busy
        reader.start(date(2026, 3, 11))
        reader.start(date(2026, 3, 12))
        release.set()
        qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown == [date(2026, 3, 12)] and days == [TODAY, date(2026, 3, 12)]
