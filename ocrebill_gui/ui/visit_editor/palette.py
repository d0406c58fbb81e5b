"""Colours that follow the system palette: readable in light and dark themes alike.

Qt has no palette role for "error" or "warning", so these pick a shade by how light the window
background is, instead of hard-coding colours that only work on white. `set_tone` sets the
text colour only (ui/style.py's roles also set the font).
"""

from __future__ import annotations

from ocrebill_gui.ui.qt import QApplication, QColor, QIcon, QPalette, QStyle, QWidget
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


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label's text for a tone ("error", "warning", "ok", "muted" or "" = normal).
    Only the text colour: the label keeps its own font (ui/style.py's set_role sets both)."""
    palette = widget.palette()
    text = QPalette.ColorRole.WindowText
    if tone in ("error", "warning", "info", "ok"):
        palette.setColor(text, severity_color(palette, tone))
    elif tone == "muted":
        palette.setColor(text, QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
    else:
        palette.setColor(text, QApplication.palette().color(text))
    widget.setPalette(palette)
