"""The dialogs of ui/crash.py, loaded the first time one is shown (not on the start-up path):
the crash dialog (one line of what went wrong, where the log is, Copy details, Close) and the
plain message for a problem a person can act on."""

from __future__ import annotations

import platform

from ocrebill_gui import __version__
from ocrebill_gui.logs import exception_text, log_dir, message_of
from ocrebill_gui.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QGuiApplication,
    QLabel,
    QLibraryInfo,
    QMessageBox,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)


def details(error: BaseException) -> str:
    """The text "Copy details" copies: version, platform and the scrubbed traceback."""
    return "\n".join([
        f"OcreBill {__version__}",
        f"Python {platform.python_version()}, Qt {QLibraryInfo.version().toString()}, "
        f"{platform.platform()}",
        "",
        exception_text(error),
    ])


class CrashDialog(QDialog):
    """One line of what went wrong, where the log is, Copy details and Close."""

    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("OcreBill hit a problem")
        self.details = details(error)
        self.message = QLabel(
            f"<b>Something went wrong:</b> {_escape(message_of(error))}", self)
        self.message.setObjectName("crashMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        advice = QLabel(
            "What you were doing may not have finished. Drafts are saved as you type, so "
            "check the visit you were in, then go on. If it happens again, press Copy details "
            "and send them to whoever supports OcreBill (they hold no patient data).\n\n"
            f"The log: {log_dir()}", self)
        advice.setWordWrap(True)
        advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setObjectName("copyDetails")
        self.copy_button.clicked.connect(self.copy_details)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(advice)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_box(message: str, parent: QWidget | None) -> QMessageBox:
    """A warning with the message and Close: a problem to act on, not a bug."""
    box = QMessageBox(QMessageBox.Icon.Warning, "OcreBill could not finish", message,
                      QMessageBox.StandardButton.Close, parent)
    box.setObjectName("plainProblem")
    return box
