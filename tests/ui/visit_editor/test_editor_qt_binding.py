"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 on Python 3.11 dropped one
reference to None on every void call (label.hide(), ...), and the editor, which makes thousands
of such calls, aborted with "deallocating None". pyproject pins below it; this keeps it so."""

from __future__ import annotations

import sys

from ocrebill_gui.ui.qt import QLabel, QWidget


def test_void_calls_keep_the_reference_count_of_none(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    label = QLabel(parent)
    label.hide()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.clear()
        label.hide()
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 100
