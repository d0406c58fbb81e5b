"""Long batches (a day's claim forms, an 837 of hundreds of claims) with a progress dialog that
can be cancelled, while the window stays responsive.

The work reads the database, whose connection belongs to the UI thread (SQLite's, and the
store's transactions), so it runs there, a slice at a time: `steps` is an iterator that does one
claim per `next()` and yields a line for the dialog; a zero-delay timer runs steps for about
SLICE_MS, then lets Qt paint and handle input (Cancel among it) before the next slice.

    job = ChunkedJob(parent, "Printing claim forms", steps, total=len(ids))
    job.finished.connect(lambda completed: ...)   # completed: not cancelled
    job.start()
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ocrebill_gui.ui.qt import QObject, QProgressDialog, Qt, QTimer, QWidget, Signal

SLICE_MS = 40  # work this long between two turns of the event loop
SHOW_AFTER_MS = 400  # a batch done sooner never shows its dialog


def progress_dialog(parent: QWidget, title: str, total: int) -> QProgressDialog:
    """A window-modal progress dialog with Cancel, shown once the work takes SHOW_AFTER_MS."""
    dialog = QProgressDialog(title, "Cancel", 0, max(total, 1), parent)
    dialog.setObjectName("batchProgress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    return dialog


class ChunkedJob(QObject):
    """Runs `steps` to the end (or until Cancel), `total` of them, then emits `finished`."""

    finished = Signal(bool)

    def __init__(self, parent: QWidget, title: str, steps: Iterator[str], total: int) -> None:
        super().__init__(parent)
        self._steps, self.total = steps, total
        self.done = 0
        self.running = False
        self.cancelled = False
        self.dialog = progress_dialog(parent, title, total)
        self.dialog.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)

    def start(self) -> None:
        self.running = True
        self.dialog.setValue(0)
        self._timer.start()

    def cancel(self) -> None:
        """Stop before the next step; what was done stays done."""
        if self.running:
            self.cancelled = True
            self._end(False)

    def _slice(self) -> None:
        until = time.perf_counter() + SLICE_MS / 1000
        while self.running:
            try:
                text = next(self._steps)
            except StopIteration:
                self._end(True)
                return
            self.done += 1
            self.dialog.setLabelText(text)
            self.dialog.setValue(min(self.done, self.total))
            if time.perf_counter() >= until:
                return

    def _end(self, completed: bool) -> None:
        self.running = False
        self._timer.stop()
        self.dialog.reset()  # stops its timer that would show it later, over the summary
        self.dialog.hide()
        self.dialog.deleteLater()
        self.finished.emit(completed)


class Summary:
    """What a batch did, and each claim left out with its reasons in a list that can be read
    whole and copied (a message box wrapped those lines to a few words each). Tests replace
    `tell`."""

    @classmethod
    def tell(cls, parent: QWidget | None, title: str, text: str, details: list[str]) -> None:
        from ocrebill_gui.ui.qt import (
            QDialog,
            QDialogButtonBox,
            QLabel,
            QPlainTextEdit,
            QVBoxLayout,
        )

        dialog = QDialog(parent)
        dialog.setObjectName("batchSummary")
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        said = QLabel(text)
        said.setWordWrap(True)
        layout.addWidget(said)
        if details:
            layout.addWidget(QLabel(f"Left out ({len(details)}):"))
            listed = QPlainTextEdit("\n".join(details))
            listed.setReadOnly(True)
            listed.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            layout.addWidget(listed, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(dialog.accept)
        layout.addWidget(buttons)
        em = dialog.fontMetrics().averageCharWidth()
        dialog.resize(em * 100, dialog.fontMetrics().height() * (14 if details else 6))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()
        dialog.exec()
        dialog.deleteLater()


class Cancelled(Exception):
    """The person pressed Cancel in a StepProgress."""


class StepProgress:
    """Progress for work that runs in one call and reports each step through a callback
    (store/claim_export.build_export's `progress(done, total)`): each report updates the
    dialog and lets Qt handle input and paint; after Cancel the next report raises Cancelled,
    which ends the call before it wrote anything."""

    def __init__(self, parent: QWidget, title: str, total: int) -> None:
        self.dialog = progress_dialog(parent, title, total)
        self._last = 0.0

    def step(self, done: int, total: int) -> None:
        if self.dialog.wasCanceled():
            raise Cancelled
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, total))
        now = time.perf_counter()
        if now - self._last >= SLICE_MS / 1000:  # a turn of the event loop every slice
            self._last = now
            from ocrebill_gui.ui.qt import QApplication

            QApplication.processEvents()
            if self.dialog.wasCanceled():
                raise Cancelled

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
