"""The claims worklist screen on a 100,000-visit demo database (issue 15, item 5): the page
built (its first 200 rows, sorted by date of service), each Show filter, a header click per
sortable column (and back to the list's own order), and scrolling to 2,000 rows; and a batch
of 100 CMS-1500 claims built into pages and one PDF (the worklist's Print forms... without
its dialogs), with the demo's providers and the payers' claim-office ids filled in so the
claims can be printed.

Run: scripts/benchmarks -k worklist
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from bench_util import median_ms, report
from staff import signed

from ocrebill_gui import store as st
from ocrebill_gui.ui.clock import FakeClock
from ocrebill_gui.ui.qt import Qt
from ocrebill_gui.ui.settings import WindowLayout

TODAY = "2026-11-27"
REPO = Path(__file__).resolve().parents[2]
PROVIDERS = {"rendering": {"name": "Okafor, Grace", "npi": "1234567893"},
             "ordering": {"name": "Chen, Wei", "npi": "1456789019"}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("worklist") / "demo.sqlite"
    subprocess.run([sys.executable, "-m", "ocrebill_gui", "--db", str(path), "demo", "--today",
                    TODAY, "--visits", "100000", "--plain"], check=True, capture_output=True,
                   cwd=REPO)
    return path


def _printable(store, visit_ids: list[int]) -> None:
    """The visits get providers and their coverages a claim-office id (raw SQL: the demo's
    documents are the test's to change)."""
    for visit_id in visit_ids:
        (text,) = store.conn.execute("SELECT document FROM visits WHERE id = ?",
                                     (visit_id,)).fetchone()
        store.conn.execute("UPDATE visits SET document = ? WHERE id = ?",
                           (json.dumps(json.loads(text) | {"providers": PROVIDERS}), visit_id))
    store.conn.execute("UPDATE coverages SET claim_office_id = 'PAYER01' "
                       "WHERE claim_office_id IS NULL OR claim_office_id = ''")
    store.conn.commit()


def test_the_worklist_on_100k_visits(qtbot, demo, tmp_path):
    from ocrebill_gui.ui.worklist.claim_forms import FormBatch
    from ocrebill_gui.ui.worklist.page import WorklistPage

    who = signed("biller", ("biller",))
    load = os.getloadavg()[0]
    figures: dict[str, object] = {}
    with st.open_store(demo) as store:
        layout = WindowLayout(tmp_path / "layout.ini")
        clock = FakeClock(f"{TODAY}T10:00")
        pages: list = []
        figures["page_built_first_200_rows_ms"] = round(median_ms(
            lambda: pages.append(WorklistPage(store, who, clock, layout)), repeat=5,
            warmup=1), 1)
        page = pages[-1]
        qtbot.addWidget(page)
        for index, name in ((1, "drafts_with_errors"), (2, "to_send_ready"),
                            (4, "submitted"), (7, "everything"), (0, "work_to_do")):
            figures[f"show_{name}_ms"] = round(median_ms(
                lambda i=index: (page.show_filter.setCurrentIndex(i),
                                 page.model.reload()), repeat=3, warmup=1), 1)
        model = page.model
        for column, name in ((0, "date"), (1, "status"), (2, "patient"), (3, "payer"),
                             (7, "visit"), (8, "findings")):
            def click(c=column):
                model.sort(c, Qt.SortOrder.DescendingOrder)
                model.sort(-1)
            figures[f"sort_by_{name}_and_back_ms"] = round(median_ms(click, repeat=3,
                                                                     warmup=1), 1)

        def scroll():
            model.reload()
            while model.rowCount() < 2000:
                model.fetchMore()
        figures["scroll_to_2000_rows_ms"] = round(median_ms(scroll, repeat=3, warmup=1), 1)
        ids = [r.visit_id for r in model.records() if r.form == "cms1500"
               and r.status != "draft"][:100]
        _printable(store, ids)

        def batch():
            forms = FormBatch("cms1500")
            for _ in forms.steps(store, who, ids, today=date.fromisoformat(TODAY)):
                pass
            assert len(forms.printed) == len(ids), list(forms.left_out.values())[:1]
            return forms.pdf(store)
        figures["cms1500_100_claims_built_and_pdf_ms"] = round(median_ms(batch, repeat=3,
                                                                         warmup=1), 1)
        figures["visits"] = st.count_visits(store, who)
    report("worklist-100k", {**figures, "load_average_before": round(load, 2),
                             "command": "scripts/benchmarks -k worklist"})
