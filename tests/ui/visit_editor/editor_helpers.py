"""Helpers for the visit editor tests: fill the editor's small dialogs the way a person would
(typing, clicking), and read the preview's lines the way the examples compare them."""

from __future__ import annotations

from ocrebill_gui.ui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTimer,
)


def when_open(kind: type, act) -> None:
    """Run `act(dialog)` once the modal dialog of this kind is up; a dialog still open after
    it (Save stayed disabled) is cancelled, so a failing test fails instead of hanging."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, poll)


def fill_next_dialog(qtbot, values: dict[str, str], *, button: str = "Save",
                     done: list | None = None) -> None:
    """When the next modal dialog opens, type `values` into its fields (by object name;
    combo boxes pick the item whose data or text matches) and press `button`."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, fill)
            return
        for name, text in values.items():
            widget = dialog.findChild(QLineEdit, name) or dialog.findChild(QComboBox, name)
            assert widget is not None, f"no field {name} in {dialog.windowTitle()}"
            if isinstance(widget, QComboBox):
                index = widget.findData(text)
                widget.setCurrentIndex(index if index >= 0 else widget.findText(text))
            else:
                widget.clear()
                qtbot.keyClicks(widget, text)
        target = next(b for b in dialog.findChildren(QPushButton)
                      if b.text().replace("&", "") == button)
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        if done is not None:
            done.append(dialog.windowTitle())

    QTimer.singleShot(0, fill)


def answer_next_reason(qtbot, reason: str | None, *, action: str) -> None:
    """Type a reason into the next ReasonDialog and press `action`, or cancel it (None)."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, fill)
            return
        if reason is None:
            dialog.reject()
            return
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit, "reason"), reason)
        target = next(b for b in dialog.findChildren(QPushButton) if b.text() == action)
        assert target.isEnabled()
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)


def click_finding(qtbot, editor, rule: str) -> None:
    """Click the preview's first finding of `rule`, as a person would."""
    model = editor.preview.findings_model
    row = next(r for r in range(model.rowCount()) if model.finding(r).rule == rule)
    view = editor.preview.findings_view
    rect = view.visualRect(model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def preview_lines(editor) -> dict[tuple[str, tuple[str, ...]], int]:
    """The preview's claim lines, summed per (code, modifiers), read from the Qt model."""
    model = editor.preview.lines_model
    totals: dict[tuple[str, tuple[str, ...]], int] = {}
    for row in range(model.rowCount()):
        code = model.index(row, model.CODE).data()
        modifiers = tuple(model.index(row, model.MODIFIERS).data().split())
        totals[(code, modifiers)] = totals.get((code, modifiers), 0) + int(
            model.index(row, model.UNITS).data())
    return totals


def expected_lines(expected: dict) -> dict[tuple[str, tuple[str, ...]], int]:
    totals: dict[tuple[str, tuple[str, ...]], int] = {}
    for line in expected["lines"]:
        key = (line["code"], tuple(line["modifiers"]))
        totals[key] = totals.get(key, 0) + line["units"]
    return totals


def enter_ocrevus(editor) -> None:
    """G35.A, Ocrevus 600 mg with two vials of the first lot, not started yet."""
    editor.presenter.set_diagnoses(["G35.A"])
    editor.add_product.setCurrentIndex(editor.add_product.findData("ocrevus"))
    editor.add_administration()
    card = editor.cards[0]
    card.dose.setText("600")
    card.dose.textEdited.emit("600")
    card.vials.add_chosen()
    card.vials.add_chosen()
