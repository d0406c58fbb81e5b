"""A small form dialog for the records the editor creates on the spot: a patient, a coverage,
a prior authorization. Dialogs return data: `RecordDialog.ask(...)` gives the saved record or
None, so a caller's test needs one monkeypatch.

The dialog does not know the store: it calls `save(values)`, and an error with `problems`
(the store's InvalidRecord) puts each message beside its field and keeps the dialog open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ocrebill_gui.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.visit_editor.fields import MessageLabel


@dataclass(frozen=True)
class FieldSpec:
    """One input: `kind` is "text", "date", "int" or "choice" (with (label, value) choices)."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    default: Any = None
    choices: Sequence[tuple[str, Any]] = field(default_factory=tuple)
    hint: str = ""


def read_value(spec: FieldSpec, text: str) -> Any:
    """The typed text as the record wants it; ValueError with a message otherwise."""
    text = text.strip()
    if not text:
        if spec.required:
            raise ValueError("is required")
        return None
    if spec.kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("must be a date such as 2026-03-04") from None
    if spec.kind == "int":
        if not text.isdigit():
            raise ValueError("must be a whole number")
        return int(text)
    return text


class RecordDialog(QDialog):
    def __init__(self, title: str, specs: Sequence[FieldSpec],
                 save: Callable[[dict[str, Any]], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("recordDialog")
        self.specs = list(specs)
        self.save = save
        self.record: Any = None
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.messages: dict[str, MessageLabel] = {}
        form = QFormLayout()
        for spec in self.specs:
            widget: QLineEdit | QComboBox
            if spec.kind == "choice":
                widget = QComboBox(self)
                for label, value in spec.choices:
                    widget.addItem(label, value)
                if spec.default is not None:
                    widget.setCurrentIndex(max(0, widget.findData(spec.default)))
            else:
                widget = QLineEdit(self)
                widget.setPlaceholderText(spec.hint or {"date": "YYYY-MM-DD"}.get(spec.kind, ""))
                if spec.default is not None:
                    widget.setText(str(spec.default))
                widget.textEdited.connect(lambda _t, s=spec: self._check(s))
            widget.setObjectName(spec.name)
            message = MessageLabel(self)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(message)
            form.addRow(spec.label + (" *" if spec.required else ""), box)
            self.inputs[spec.name] = widget
            self.messages[spec.name] = message
        self.general = MessageLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

    def _check(self, spec: FieldSpec) -> bool:
        widget = self.inputs[spec.name]
        if isinstance(widget, QComboBox):
            return True
        try:
            read_value(spec, widget.text())
        except ValueError as exc:
            self.messages[spec.name].show_message(str(exc))
            return False
        self.messages[spec.name].show_message(None)
        return True

    def values(self) -> dict[str, Any] | None:
        """What was typed, or None (with messages shown) when a field cannot be read."""
        ok = all([self._check(spec) for spec in self.specs])
        if not ok:
            return None
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.inputs[spec.name]
            value = (widget.currentData() if isinstance(widget, QComboBox)
                     else read_value(spec, widget.text()))
            if value is not None:
                out[spec.name] = value
        return out

    def try_save(self) -> None:
        values = self.values()
        if values is None:
            return
        try:
            self.record = self.save(values)
        except Exception as exc:  # noqa: BLE001 - store errors are shown, never raised at people
            problems = getattr(exc, "problems", None)
            if not problems:
                self.general.show_message(str(exc))
                return
            for name, message in problems:
                target = self.messages.get(str(name).split(".")[0])
                (target or self.general).show_message(
                    message if target else f"{name}: {message}")
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, specs: Sequence[FieldSpec],
            save: Callable[[dict[str, Any]], Any]) -> Any:
        """Show the dialog; the saved record, or None when cancelled."""
        dialog = cls(title, specs, save, parent)
        return dialog.record if dialog.exec() == QDialog.DialogCode.Accepted else None
