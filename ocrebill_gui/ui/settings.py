"""Window layout remembered between runs: geometry, toolbar/dock state, splitters, columns.

Stored in one INI file (`layout.ini`) in the user's config folder from platformdirs, or in
`$OCREBILL_CONFIG_DIR`; the path is resolved when the app starts, never at import time, and
tests pass their own file. The keys and their defaults are all here: widgets ask this class,
they never read QSettings themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

from ocrebill_gui.ui.qt import QByteArray, QHeaderView, QMainWindow, QSettings, QSplitter, QWidget

LAYOUT_VERSION = 1


def default_layout_path() -> Path:
    """The layout file for this user: $OCREBILL_CONFIG_DIR/layout.ini or the config folder."""
    folder = os.environ.get("OCREBILL_CONFIG_DIR")
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir("ocrebill", appauthor=False)
    return Path(folder) / "layout.ini"


class WindowLayout:
    """Saves and restores the layout of named windows and their splitters and table headers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        if self._settings.value("version", LAYOUT_VERSION, int) != LAYOUT_VERSION:
            self._settings.clear()  # an older layout would restore nonsense: start fresh
        self._settings.setValue("version", LAYOUT_VERSION)

    def restore_window(self, name: str, window: QWidget) -> bool:
        """Put `window` back where it was; False when nothing was saved (caller picks a size)."""
        geometry = self._settings.value(f"{name}/geometry")
        if not isinstance(geometry, QByteArray) or not window.restoreGeometry(geometry):
            return False
        state = self._settings.value(f"{name}/state")
        if isinstance(window, QMainWindow) and isinstance(state, QByteArray):
            window.restoreState(state)
        return True

    def save_window(self, name: str, window: QWidget) -> None:
        self._settings.setValue(f"{name}/geometry", window.saveGeometry())
        if isinstance(window, QMainWindow):
            self._settings.setValue(f"{name}/state", window.saveState())

    def restore_part(self, key: str, part: QSplitter | QHeaderView) -> bool:
        """Restore a splitter's sizes or a table header's column widths and order; False when
        nothing was saved."""
        state = self._settings.value(f"parts/{key}")
        return isinstance(state, QByteArray) and part.restoreState(state)

    def save_part(self, key: str, part: QSplitter | QHeaderView) -> None:
        self._settings.setValue(f"parts/{key}", part.saveState())

    def open_visits(self, who: str) -> tuple[list[int], int]:
        """The visit tabs `who` (a database and a user, ui/main_window) had open when they
        last left (ids only, never names), and which was in front."""
        text = str(self._settings.value(f"openVisits/{who}", "") or "")
        ids = [int(part) for part in text.split(",") if part.strip().isdigit()]
        stored = self._settings.value(f"openVisits/{who}.front", 0)
        try:
            front = int(stored) if isinstance(stored, int | str) else 0
        except ValueError:
            front = 0
        return ids, min(max(front, 0), max(len(ids) - 1, 0))

    def save_open_visits(self, who: str, ids: list[int], front: int) -> None:
        self._settings.setValue(f"openVisits/{who}", ",".join(str(i) for i in ids))
        self._settings.setValue(f"openVisits/{who}.front", front)

    def sync(self) -> None:
        """Write to disk now (Qt also writes on its own when the app quits)."""
        self._settings.sync()
