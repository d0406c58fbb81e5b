"""core, store and reports never import Qt (the architecture's one direction of dependency)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ocrebill_gui"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_qt_outside_ui() -> None:
    offenders = [str(p.relative_to(PACKAGE)) for layer in ("core", "store", "reports", "cli")
                 for p in (PACKAGE / layer).rglob("*.py")
                 if {"PySide6", "shiboken6"} & imported_modules(p)]
    assert offenders == []


def test_compute_process_loads_neither_qt_nor_reportlab_nor_the_icd_package() -> None:
    code = ("import sys, json; from ocrebill_gui.cli import main; "
            "main(['compute', sys.argv[1], '--json']); "
            "bad = [m for m in ('PySide6', 'reportlab', 'simple_icd_10_cm', 'sqlite_utils') "
            "if m in sys.modules]; print('LOADED', bad, file=sys.stderr)")
    example = Path(__file__).resolve().parents[1] / "fixtures/visits/01-standard-600mg.json"
    run = subprocess.run([sys.executable, "-c", code, str(example)], capture_output=True,
                         text=True, timeout=60)
    assert "LOADED []" in run.stderr, run.stderr
