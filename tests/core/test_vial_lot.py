"""A vial recorded without its lot number (added from the catalog, not the inventory) is a
finding of the engine, `vial-lot-missing`, a warning about that vial's lot field: the editor's
findings list, the PDFs and `ocrebill compute` all get it from there (the vials card used to
flag it on its own)."""

from __future__ import annotations

import json
import subprocess
import sys

from ocrebill_gui.core import compute
from ocrebill_gui.core.catalog import default_catalog


def without_lot(visit: dict, *which: int) -> dict:
    for index in which:
        visit["administrations"][0]["vials"][index].pop("lot")
    return visit


def lot_findings(visit: dict) -> list:
    return [f for f in compute(visit).findings if f.rule == "vial-lot-missing"]


def test_a_vial_without_its_lot_is_a_warning_about_that_vial(standard_visit):
    [finding] = lot_findings(without_lot(standard_visit, 1))
    assert finding.severity == "warning"
    assert finding.field == "administrations[0].vials[1].lot"
    assert finding.administration == standard_visit["administrations"][0]["id"]
    assert finding.message == "Ocrevus vial 2 (NDC 50242-0150-01): lot not recorded"


def test_each_vial_without_a_lot_is_named_and_a_blank_lot_counts_as_none(standard_visit):
    standard_visit["administrations"][0]["vials"][0]["lot"] = "  "
    found = lot_findings(without_lot(standard_visit, 1))
    assert [f.field for f in found] == ["administrations[0].vials[0].lot",
                                         "administrations[0].vials[1].lot"]


def test_vials_with_their_lots_have_no_such_finding(standard_visit):
    assert lot_findings(standard_visit) == []
    del standard_visit["administrations"][0]["vials"]  # no vials: waste's own warning, not this
    assert lot_findings(standard_visit) == []


def test_the_rule_is_in_the_catalog_of_findings():
    rule = default_catalog().rules["vial-lot-missing"]
    assert rule.severity == "warning" and "lot" in rule.explanation


def test_ocrebill_compute_prints_it(standard_visit, tmp_path):
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(without_lot(standard_visit, 0)))
    run = subprocess.run([sys.executable, "-m", "ocrebill_gui", "compute", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "vial-lot-missing" in run.stdout
    assert "Ocrevus vial 1 (NDC 50242-0150-01): lot not recorded" in run.stdout
    run = subprocess.run([sys.executable, "-m", "ocrebill_gui", "compute", str(path), "--json"],
                         capture_output=True, text=True, timeout=60)
    findings = json.loads(run.stdout)["findings"]
    assert {"rule": "vial-lot-missing", "severity": "warning",
            "message": "Ocrevus vial 1 (NDC 50242-0150-01): lot not recorded",
            "administration": standard_visit["administrations"][0]["id"],
            "field": "administrations[0].vials[0].lot"} in findings
