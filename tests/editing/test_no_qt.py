"""The editing package is the visit editor without Qt: importing any of its modules (in a fresh
interpreter, so nothing else loaded PySide6 first) loads no PySide6 module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ocrebill_gui.editing

MODULES = sorted(f"ocrebill_gui.editing.{m.name}"
                 for m in pkgutil.iter_modules(ocrebill_gui.editing.__path__))


def test_the_package_has_the_editors_logic():
    assert {"ocrebill_gui.editing.presenter", "ocrebill_gui.editing.timeparse",
            "ocrebill_gui.editing.live_timeline", "ocrebill_gui.editing.docpath"} <= set(MODULES)


def test_importing_the_editing_package_loads_no_qt():
    code = (f"import {', '.join(MODULES)}; import sys; "
            "loaded = sorted(m for m in sys.modules if m.startswith('PySide6')); "
            "assert not loaded, loaded")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
