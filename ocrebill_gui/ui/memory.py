"""Keeping a long day's memory flat: Python's cycle collector, told about the app's shape.

A visit editor's Python side is full of reference cycles (widgets whose signals are connected
to lambdas and methods of the editor that owns them). When an editor is let go, its C++ widgets
are deleted at once, but its Python objects (the presenter, the document, the last claim, ~0.5 MB
an editor) wait for a full collection, which CPython runs rarely: measured, twenty visits opened
one after another left ~8 MB of such garbage. So:

- once the first screen is up, everything alive is moved out of the collector's sight
  (`gc.freeze()`: modules, classes, the catalogs, the main window; they live as long as the app),
  which makes a full collection ~1 ms instead of ~20 ms, for these calls and for Python's own;
- when an editor is let go, a full collection runs right after, from the event loop.
"""

from __future__ import annotations

import gc

from ocrebill_gui.ui.qt import QTimer


def freeze_start_up_objects() -> None:
    """Collect, then set aside everything alive now: call once the app is up, with no
    short-lived screen open (whatever is frozen is never collected)."""
    gc.collect()
    gc.freeze()


def collect_soon() -> None:
    """A full collection once control is back in the event loop (after a screen let go)."""
    QTimer.singleShot(0, gc.collect)
