"""Asking where to save a file, in Qt's own dialog rather than the desktop's native one.

A native dialog (GTK's, the portal's, Windows') is not a Qt widget: the idle lock cannot
close it, so a folder listing would stay on screen over the locked window for as long as
nobody came back. Qt's dialog is a QDialog like any other: the lock rejects it (nothing is
saved) and the sign-in covers the window. It asks before replacing a file, as the native
ones do.
"""

from __future__ import annotations

from ocrebill_gui.ui.qt import QDialog, QFileDialog, QWidget


def ask_save_path(parent: QWidget | None, title: str, suggested: str,
                  name_filter: str) -> str | None:
    """The path chosen to save to, or None when cancelled (or closed by the idle lock)."""
    dialog = QFileDialog(parent, title, suggested, name_filter)
    dialog.setObjectName("saveFileDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(suggested)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.selectedFiles()
        return chosen[0] if chosen and chosen[0] else None
    finally:
        dialog.deleteLater()
