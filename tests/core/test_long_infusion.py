"""An infusion running past its label's longest run plus an hour (core/long_infusion.py),
judged at an injected `now`."""

from __future__ import annotations

from datetime import datetime

import pytest

from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.core.long_infusion import (
    hours,
    label_longest_minutes,
    long_run,
    long_runs,
    run_minutes,
)

DAY = "2026-03-10"


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hhmm}")


def ocrevus(dose: float | None = 600, events: list[tuple[str, str]] = (("start", "09:00"),),
            route: str = "iv_infusion") -> dict:
    return {"id": "ocr", "product": "ocrevus", "route": route, "dose_mg": dose,
            "events": [{"kind": kind, "at": f"{DAY}T{hhmm}"} for kind, hhmm in events]}


def test_the_label_times_come_from_the_catalog():
    product = default_catalog().products["ocrevus"]
    assert label_longest_minutes(product, 600) == 210  # about 3.5 h (billing-rules.md 1)
    assert label_longest_minutes(product, 300) == 150  # about 2.5 h
    assert label_longest_minutes(product, 450) == 210  # another dose: the longest
    assert label_longest_minutes(default_catalog().products["diphenhydramine"], 50) is None


@pytest.mark.parametrize(("now", "flagged"), [("13:30", False), ("13:31", True),
                                              ("15:30", True)])
def test_600_mg_is_flagged_after_3_5_hours_plus_one(now, flagged):
    product = default_catalog().products["ocrevus"]
    run = long_run(ocrevus(), product, at(now))
    assert (run is not None) is flagged
    if run is not None:
        assert run.label_minutes == 210 and run.product == "Ocrevus"
        assert "longer than the label's 3.5 h plus an hour" in run.text()


def test_300_mg_has_its_own_limit():
    product = default_catalog().products["ocrevus"]
    assert long_run(ocrevus(300), product, at("12:30")) is None  # 2.5 h + 1 h
    assert long_run(ocrevus(300), product, at("12:31")).running_minutes == 211


def test_paused_minutes_do_not_count():
    product = default_catalog().products["ocrevus"]
    paused = ocrevus(events=[("start", "09:00"), ("pause", "10:00"), ("resume", "12:00")])
    assert run_minutes(paused["events"], at("15:30")) == 270
    assert long_run(paused, product, at("15:30")) is None  # 4.5 h run of 6.5 h on the chair
    assert long_run(paused, product, at("15:31")) is not None
    still_paused = ocrevus(events=[("start", "09:00"), ("pause", "10:00")])
    assert long_run(still_paused, product, at("23:00")) is None  # 1 h run so far


def test_a_stopped_infusion_a_push_or_an_unknown_product_is_never_flagged():
    catalog = default_catalog()
    product = catalog.products["ocrevus"]
    stopped = ocrevus(events=[("start", "09:00"), ("stop", "16:00")])
    assert long_run(stopped, product, at("20:00")) is None
    assert long_run(ocrevus(route="iv_push"), product, at("20:00")) is None
    assert long_run(ocrevus(), None, at("20:00")) is None
    assert long_run(ocrevus(events=[]), product, at("20:00")) is None


def test_a_document_lists_each_long_infusion():
    document = {"administrations": [ocrevus(), {**ocrevus(), "id": "two", "dose_mg": 300},
                                    {"id": "x", "product": "nope", "route": "iv_infusion"},
                                    "not a mapping"]}
    assert long_runs(document, default_catalog(), at("12:00")) == []
    found = long_runs(document, default_catalog(), at("15:30"))
    assert [(r.administration, r.running_minutes) for r in found] == [("ocr", 390), ("two", 390)]


def test_unreadable_times_are_skipped():
    events = [{"kind": "start", "at": "09:00?"}, {"kind": "start", "at": f"{DAY}T09:00"},
              {"kind": "lunch", "at": f"{DAY}T10:00"}]
    assert run_minutes(events, at("10:00")) == 60


@pytest.mark.parametrize(("minutes", "text"), [(45, "45 min"), (60, "1 h"), (210, "3.5 h"),
                                               (390, "6.5 h"), (395, "6 h 35 min")])
def test_hours(minutes, text):
    assert hours(minutes) == text
