"""Asking for a reason: finalizing despite error findings, or amending a finalized visit.

`ReasonDialog.ask(...)` returns the reason typed, or None when cancelled; the action button
stays disabled until a reason is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from ocrebill_gui.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.visit_editor.palette import severity_icon


class ReasonDialog(QDialog):
    def __init__(self, title: str, explanation: str, errors: Sequence[str], action: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reasonDialog")
        text = QLabel(explanation, self)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        if errors:
            listing = QListWidget(self)  # a few read-only lines: no model needed
            for message in errors:
                listing.addItem(message)
                listing.item(listing.count() - 1).setIcon(severity_icon("error"))
            listing.setWordWrap(True)
            layout.addWidget(listing)
        label = QLabel("&Reason (kept in the audit log):", self)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(self.fontMetrics().height() * 5)
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.action = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.action.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(
            lambda: self.action.setEnabled(bool(self.reason.toPlainText().strip())))
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, explanation: str, action: str,
            errors: Sequence[str] = ()) -> str | None:
        dialog = cls(title, explanation, errors, action, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason.toPlainText().strip() or None
