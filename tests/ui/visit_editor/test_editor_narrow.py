"""The editor fits a narrow window (a laptop beside the chair, half a screen): a long title or
"finalized by ... at ..." wraps instead of holding it at ~930 px."""

from __future__ import annotations


def test_the_editor_can_be_narrow_with_a_long_state_line(ocrevus_editor, qtbot):
    editor = ocrevus_editor
    editor.status_note = ("finalized by Kimberly Nurse-Practitioner at 2026-03-04T16:30:00+00:00"
                          " (authorization 1234567890 units taken)")
    editor._show_state()
    assert editor.minimumSizeHint().width() <= 720
    editor.resize(720, 800)
    qtbot.waitUntil(lambda: editor.width() == 720)
    assert editor.state_label.height() > editor.state_label.fontMetrics().height()  # wrapped
