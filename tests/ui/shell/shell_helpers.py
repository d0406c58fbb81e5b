"""Helpers for the main window and form tests."""

from __future__ import annotations

from ocrebill_gui.ui.qt import QApplication, QEvent, QKeyEvent, Qt, QWidget

DAY = "2026-03-10"


def visit_document(day: str = DAY, *, payer: str = "medicare", stop: bool = True) -> dict:
    """Ocrevus 600 mg over 3.5 h with two vials; without `stop`, the infusion is running."""
    events = [{"at": f"{day}T09:00", "kind": "start"}]
    if stop:
        events.append({"at": f"{day}T12:30", "kind": "stop"})
    vial = {"ndc": "50242-0150-01", "lot": "H0123", "expires": "2027-08-31", "mg": 300}
    return {"format": "ocrebill.visit/1", "date_of_service": day, "setting": "office",
            "payer": payer, "diagnoses": ["G35.A"],
            "administrations": [{"id": "ocr", "product": "ocrevus", "route": "iv_infusion",
                                 "dose_mg": 600, "vials": [vial, vial], "events": events}]}


def type_text(widget: QWidget, text: str) -> None:
    """Type per character with key events (qtbot.keyClicks aborts on non-ASCII text)."""
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def column_texts(model, column: int = 0) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]
