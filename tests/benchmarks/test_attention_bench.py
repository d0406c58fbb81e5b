"""The front desk's lists on a 100,000-visit demo database (20,000 patients): the patients due
within 30 days without a planned visit (store/dose_history.doses_due), everything Needs
attention reads (store/attention.front_desk_lists + inventory_alerts), what Today's panel reads
a moment after the day's visits show (the same without the due list), each as if the visits
had just changed, and Needs attention again when nothing changed (the dose history kept);
and previous_dose_date filled for one draft (one patient's finalized visits, every save).

Run: scripts/benchmarks -k attention
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from bench_util import median_ms, report
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.store.attention import front_desk_lists, inventory_alerts
from ocrebill_gui.store.dose_history import _LAST, doses_due, with_previous_doses

TODAY = "2026-11-27"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("attention") / "demo.sqlite"
    subprocess.run([sys.executable, "-m", "ocrebill_gui", "--db", str(path), "demo", "--today",
                    TODAY, "--visits", "100000", "--plain"], check=True, capture_output=True,
                   cwd=REPO)
    return path


def test_due_list_alerts_and_previous_dose_on_100k_visits(demo):
    today = date.fromisoformat(TODAY)
    who = signed()
    load = os.getloadavg()[0]
    with st.open_store(demo) as store:
        due = doses_due(store, who, today)
        alerts, _ = front_desk_lists(store, who, today, within_days=None)
        def fresh(read):  # each time as if the visits had changed: no reading kept
            return lambda: (_LAST.clear(), read())

        due_ms = median_ms(fresh(lambda: doses_due(store, who, today)), repeat=5, warmup=1)
        page_ms = median_ms(fresh(lambda: (front_desk_lists(store, who, today, within_days=30),
                                           inventory_alerts(store, who, today))),
                            repeat=5, warmup=1)
        today_ms = median_ms(fresh(lambda: (front_desk_lists(store, who, today,
                                                             within_days=None),
                                            inventory_alerts(store, who, today))),
                             repeat=5, warmup=1)
        again_ms = median_ms(lambda: (front_desk_lists(store, who, today, within_days=30),
                                      inventory_alerts(store, who, today)), repeat=5, warmup=1)
        patient_id, document = store.conn.execute(
            "SELECT patient_id, document FROM visits WHERE status = 'draft' AND "
            "date_of_service = ? LIMIT 1", (TODAY,)).fetchone()
        import json

        doc = json.loads(document)
        fill_ms = median_ms(lambda: with_previous_doses(store, doc, patient_id), repeat=50)
        visits = st.count_visits(store, who)
    report("attention-100k", {
        "visits": visits, "load_average_before": round(load, 2),
        "due_within_30_days_rows": len(due), "patient_alerts": len(alerts),
        "due_list_median_ms": round(due_ms, 1),
        "needs_attention_page_median_ms": round(page_ms, 1),
        "today_panel_read_median_ms": round(today_ms, 1),
        "needs_attention_again_nothing_changed_median_ms": round(again_ms, 1),
        "previous_dose_fill_one_draft_median_ms": round(fill_ms, 3),
        "command": "scripts/benchmarks -k attention"})
