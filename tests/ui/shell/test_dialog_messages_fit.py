"""A dialog grows with the messages under its fields: nothing under them is clipped or
overlapped (the authorization dialog's hint was cut when an error line appeared)."""

from __future__ import annotations

from datetime import date

from shell_helpers import type_text

from ocrebill_gui.ui.patients.dialogs import AuthorizationDialog
from ocrebill_gui.ui.qt import QLabel


def test_the_hint_stays_whole_when_errors_appear(qtbot):
    dialog = AuthorizationDialog([("Medicare 1EG4TE5MK73", 1)], [("Ocrevus", "ocrevus")],
                                 date(2026, 3, 10), lambda values: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(dialog.approved_units, "12x")
    dialog.valid_from.clear()
    type_text(dialog.valid_from, "2027-01-01")
    dialog.valid_to.clear()
    type_text(dialog.valid_to, "2026-01-01")
    dialog.number.clear()
    type_text(dialog.number, " ")
    dialog.grid.reveal_all()
    qtbot.wait(50)
    shown = [label for label in dialog.findChildren(QLabel) if label.isVisible()]
    messages = [label for label in shown if label.objectName().endswith("Message")
                and label.text()]
    assert len(messages) >= 2, [m.text() for m in messages]
    for label in shown:
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    boxes = sorted((label.geometry() for label in shown if label.x() > 50),
                   key=lambda r: r.top())
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper.bottom() < lower.top(), "two lines drawn over each other"
    assert boxes[-1].bottom() < dialog.buttons.geometry().top()
