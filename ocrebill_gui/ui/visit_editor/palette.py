"""Colours that follow the system palette: readable in light and dark themes alike.

Qt has no palette role for "error" or "warning", so these pick a shade by how light the window
background is, instead of hard-coding colours that only work on white. Label text tones are
ui/style.py's `set_tone`, which also follows a switch between light and dark.
"""

from __future__ import annotations

from ocrebill_gui.ui.qt import QApplication, QColor, QIcon, QPalette, QStyle
from ocrebill_gui.ui.style import accent, is_dark

_BANNER = {"error": ("#fde7e6", "#5c1a16"), "warning": ("#fff4d6", "#4d3a00")}


def severity_color(palette: QPalette, severity: str) -> QColor:
    """The app's one set of severity accents (ui/style.py), for this palette."""
    return accent(severity if severity in ("error", "warning", "ok") else "info", palette)


def banner_background(palette: QPalette, severity: str = "error") -> QColor:
    light, dark = _BANNER.get(severity, _BANNER["error"])
    return QColor(dark if is_dark(palette) else light)


_ICONS: dict[str, QIcon] = {}


def severity_icon(severity: str) -> QIcon:
    """The style's critical / warning / information icon (looked up once per severity)."""
    icon = _ICONS.get(severity)
    if icon is None:
        pixmap = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                  "warning": QStyle.StandardPixmap.SP_MessageBoxWarning}.get(
            severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
        icon = _ICONS[severity] = QApplication.style().standardIcon(pixmap)
    return icon
