"""Re-export of the shared example loader of tests/conftest.py under an unambiguous name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_root_conftest", Path(__file__).resolve().parents[2] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
load_example = _root.load_example
