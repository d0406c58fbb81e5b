"""Colours that follow the system palette: readable in light and dark themes alike.

Qt has no palette role for "error" or "warning", so these pick a shade by how light the window
background is, instead of hard-coding colours that only work on white. `set_tone` also sets the
`role` property the app's style sheet (ui/style.py) styles, so that the sheet, when present,
colours the text the same way everywhere.
"""

from __future__ import annotations

from ocrebill_gui.ui.qt import QApplication, QColor, QIcon, QPalette, QStyle, QWidget

_SHADES = {  # severity -> (on a light background, on a dark background)
    "error": ("#b3261e", "#ff8a80"),
    "warning": ("#8a5300", "#ffcc66"),
    "info": ("#1f5fa8", "#8ab4f8"),
    "ok": ("#1b6e3a", "#7fd49b"),
}
_BANNER = {"error": ("#fde7e6", "#5c1a16"), "warning": ("#fff4d6", "#4d3a00")}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def severity_color(palette: QPalette, severity: str) -> QColor:
    light, dark = _SHADES.get(severity, _SHADES["info"])
    return QColor(dark if is_dark(palette) else light)


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


# tone -> the style sheet's QLabel role (ui/style.py)
_ROLES = {"error": "fieldError", "warning": "banner-warning", "ok": "banner-ok", "muted": "muted",
          "": ""}


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label's text for a tone ("error", "warning", "ok", "muted" or "" = normal)."""
    role = _ROLES.get(tone, "")
    if widget.property("role") != role:
        widget.setProperty("role", role)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    palette = widget.palette()
    text = QPalette.ColorRole.WindowText
    if tone in _SHADES:
        palette.setColor(text, severity_color(palette, tone))
    elif tone == "muted":
        palette.setColor(text, QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
    else:
        palette.setColor(text, QApplication.palette().color(text))
    widget.setPalette(palette)
