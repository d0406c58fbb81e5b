"""The app's look, in one place: the Fusion style, a light or dark palette, and a few named
roles for text (title, subtitle, muted, field error, banners) derived from that palette.

The system decides light or dark (`QStyleHints.colorScheme`); where the platform theme does not
supply a matching palette (offscreen, some Linux desktops) we build one, and everything is
restyled when the system switches. Sizes are relative to the system font, so the app reads the
same at 100 % and 200 % scaling. `OCREBILL_COLOR_SCHEME=light|dark` overrides the system.

Why no Qt style sheet: an application-wide style sheet puts every widget under
QStyleSheetStyle, which measured about 5 MB and twice the build time per open visit editor (20
open visits: 324 MB with a one-rule sheet, 221 MB without). Palette roles give the same control
over colour at no cost per widget.
"""

from __future__ import annotations

import os

from ocrebill_gui.ui.qt import QApplication, QColor, QFont, QObject, QPalette, Qt, QWidget

# Severity accents: the only colours not taken from the palette, each with a light- and a
# dark-background variant chosen for contrast against Base and Window.
_ACCENTS = {
    "error": ("#b3261e", "#ff8a80"),
    "warning": ("#8a5a00", "#ffcc66"),
    "info": ("#1f5fa8", "#8ab4f8"),
    "ok": ("#1e6b34", "#81c995"),
}
# Text roles: (font size factor, bold, colour: None = the palette's text, "muted", or accent).
ROLES: dict[str, tuple[float, bool, str | None]] = {
    "title": (1.45, True, None),
    "subtitle": (1.15, True, None),
    "muted": (1.0, False, "muted"),
    "fieldError": (1.0, False, "error"),
    "banner-warning": (1.0, True, "warning"),
    "banner-ok": (1.0, False, "ok"),
}


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def accent(name: str, palette: QPalette | None = None) -> QColor:
    """The colour for a severity ('error', 'warning', 'info', 'ok') on this palette."""
    palette = palette or QApplication.palette()
    light, dark = _ACCENTS[name]
    return QColor(dark if is_dark(palette) else light)


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """`a` blended toward `b`."""
    def channel(x: int, y: int) -> int:
        return round(x + (y - x) * share_of_b)
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()),
                  channel(a.blue(), b.blue()))


def dark_palette() -> QPalette:
    """A dark palette for platforms that report dark mode but paint light (Fusion style)."""
    role = QPalette.ColorRole
    palette = QPalette()
    colours = {
        role.Window: "#202124", role.WindowText: "#e8eaed", role.Base: "#17181a",
        role.AlternateBase: "#26282b", role.ToolTipBase: "#303134", role.ToolTipText: "#e8eaed",
        role.PlaceholderText: "#9aa0a6", role.Text: "#e8eaed", role.Button: "#2d2f33",
        role.ButtonText: "#e8eaed", role.BrightText: "#ffffff", role.Light: "#3c4043",
        role.Midlight: "#34373b", role.Mid: "#4a4d51", role.Dark: "#121314",
        role.Shadow: "#000000", role.Highlight: "#3d6fb4", role.HighlightedText: "#ffffff",
        role.Link: "#8ab4f8", role.LinkVisited: "#c58af9",
    }
    for colour_role, value in colours.items():
        palette.setColor(colour_role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for colour_role in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, colour_role, QColor("#6f7378"))
    return palette


def _role_colour(kind: str, palette: QPalette) -> QColor:
    if kind == "muted":
        return mix(palette.color(QPalette.ColorRole.WindowText),
                   palette.color(QPalette.ColorRole.Window), 0.35)
    return accent(kind, palette)


def set_role(widget: QWidget, role: str) -> None:
    """Give a label one of the named text roles (ROLES); kept when the palette changes."""
    widget.setProperty("textRole", role)
    _apply_role(widget, role, QApplication.palette())


def _apply_role(widget: QWidget, role: str, app_palette: QPalette) -> None:
    scale, bold, colour = ROLES[role]
    font = QFont()  # only what is set here; the family and the rest are inherited
    if scale != 1.0:
        font.setPointSizeF(QApplication.font().pointSizeF() * scale)
    font.setBold(bold)
    widget.setFont(font)
    palette = QPalette()  # likewise: only the text colour is the role's own
    if colour is not None:
        palette.setColor(QPalette.ColorRole.WindowText, _role_colour(colour, app_palette))
    widget.setPalette(palette)


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label's text for a tone ("error", "warning", "info", "ok", "muted" or "" for
    normal text), keeping its own font (set_role sets both); kept when the palette changes."""
    if widget.property("textTone") == tone:
        return  # nothing to repaint
    widget.setProperty("textTone", tone)
    _apply_tone(widget, tone, QApplication.palette())


def _apply_tone(widget: QWidget, tone: str, app_palette: QPalette) -> None:
    palette = widget.palette()
    text = QPalette.ColorRole.WindowText
    if tone in _ACCENTS or tone == "muted":  # the same colours as the text roles
        palette.setColor(text, _role_colour(tone, app_palette))
    else:
        palette.setColor(text, app_palette.color(text))
    widget.setPalette(palette)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Tint an input whose value is refused (its message stands beside it)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    _apply_invalid(widget, QApplication.palette())


def _apply_invalid(widget: QWidget, app_palette: QPalette) -> None:
    palette = QPalette()  # empty: the field inherits everything again
    if widget.property("invalid"):
        base = app_palette.color(QPalette.ColorRole.Base)
        palette.setColor(QPalette.ColorRole.Base, mix(base, accent("error", app_palette), 0.12))
    elif widget.property("readOnlyLook"):  # the window's colour: nothing to type into
        palette.setColor(QPalette.ColorRole.Base, app_palette.color(QPalette.ColorRole.Window))
    widget.setPalette(palette)


def show_read_only(root: QWidget) -> None:
    """Text fields under `root` that are read-only look it (the window's colour where the
    editable ones are white), and the others look editable again; still focusable, to read
    and copy. Fields keep their state's look when the palette changes."""
    from ocrebill_gui.ui.qt import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit

    fields: list[QLineEdit | QAbstractSpinBox | QPlainTextEdit | QTextEdit] = [
        *root.findChildren(QLineEdit), *root.findChildren(QAbstractSpinBox),
        *root.findChildren(QPlainTextEdit), *root.findChildren(QTextEdit)]
    for widget in fields:
        if isinstance(widget.parentWidget(), QAbstractSpinBox):
            continue  # a spin box's own line edit: the box decides
        read_only = widget.isReadOnly()
        if bool(widget.property("readOnlyLook")) != read_only:
            widget.setProperty("readOnlyLook", read_only)
            _apply_invalid(widget, QApplication.palette())


def _wanted_scheme() -> Qt.ColorScheme:
    forced = os.environ.get("OCREBILL_COLOR_SCHEME", "").strip().lower()
    if forced == "dark":
        return Qt.ColorScheme.Dark
    if forced == "light":
        return Qt.ColorScheme.Light
    return QApplication.styleHints().colorScheme()


class AppStyle(QObject):
    """Keeps the application's palette and text roles in step with the system scheme."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        app.setStyle("Fusion")
        app.styleHints().colorSchemeChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Pick the palette for the wanted scheme; re-apply the roles derived from it."""
        self._app.setPalette(QPalette())  # back to the platform's own palette
        palette = self._app.palette()
        wanted = _wanted_scheme()
        if wanted == Qt.ColorScheme.Dark and not is_dark(palette):
            palette = dark_palette()
        elif wanted == Qt.ColorScheme.Light and is_dark(palette):
            palette = self._app.style().standardPalette()
        self._app.setPalette(palette)
        for widget in QApplication.allWidgets():
            role = widget.property("textRole")
            if role in ROLES:
                _apply_role(widget, role, palette)
            tone = widget.property("textTone")
            if isinstance(tone, str):
                _apply_tone(widget, tone, palette)
            if widget.property("invalid") or widget.property("readOnlyLook"):
                _apply_invalid(widget, palette)


def install(app: QApplication) -> AppStyle:
    """Style the app now and whenever the system switches between light and dark."""
    return AppStyle(app)
