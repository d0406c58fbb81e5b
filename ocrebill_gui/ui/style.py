"""The app's look: one style sheet generated from the current palette, light or dark.

The system decides light or dark (`QStyleHints.colorScheme`); where the platform theme does not
supply a matching palette (offscreen, some Linux desktops) we build one. The style sheet is
derived from palette roles, never fixed colours, and is rebuilt whenever the palette or the
system colour scheme changes, so a switch to dark mode restyles the running app. Sizes are in
points and font-relative units so the app reads the same at 100 % and 200 % scaling.

`OCREBILL_COLOR_SCHEME=light|dark` overrides the system (screenshots, testing).
"""

from __future__ import annotations

import os

from ocrebill_gui.ui.qt import QApplication, QColor, QObject, QPalette, Qt

# Severity accents: the only colours not taken from the palette, each with a light- and a
# dark-background variant chosen for contrast (WCAG AA against Base).
_ACCENTS = {
    "error": ("#b3261e", "#ff8a80"),
    "warning": ("#8a5a00", "#ffcc66"),
    "info": ("#1f5fa8", "#8ab4f8"),
    "ok": ("#1e6b34", "#81c995"),
}


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def accent(name: str, palette: QPalette | None = None) -> QColor:
    """The colour for a severity ('error', 'warning', 'info', 'ok') on this palette."""
    palette = palette or QApplication.palette()
    light, dark = _ACCENTS[name]
    return QColor(dark if is_dark(palette) else light)


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


def _mix(a: QColor, b: QColor, share_of_b: float) -> str:
    """a blended toward b, as #rrggbb."""
    def channel(x: int, y: int) -> int:
        return round(x + (y - x) * share_of_b)
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()),
                  channel(a.blue(), b.blue())).name()


def style_sheet(palette: QPalette) -> str:
    """The app's style sheet for this palette."""
    role = QPalette.ColorRole
    window, text = palette.color(role.Window), palette.color(role.WindowText)
    base, highlight = palette.color(role.Base), palette.color(role.Highlight)
    line = _mix(window, text, 0.22)
    subtle = _mix(window, text, 0.06)
    muted = _mix(text, window, 0.35)
    error, warning, ok = (accent(n, palette).name() for n in ("error", "warning", "ok"))
    return f"""
QMainWindow, QDialog {{ background: {window.name()}; }}
QToolBar {{ border: none; border-bottom: 1px solid {line}; padding: 3px 6px; spacing: 4px; }}
QToolBar QToolButton {{ padding: 4px 10px; border-radius: 4px; }}
QToolBar QToolButton:checked {{ background: {_mix(window, highlight, 0.22)};
    color: {text.name()}; font-weight: 600; }}
QToolBar QToolButton:hover {{ background: {subtle}; }}
QTableView {{ gridline-color: {subtle}; border: 1px solid {line}; border-radius: 4px;
    selection-background-color: {highlight.name()}; }}
QHeaderView::section {{ background: {subtle}; border: none; border-bottom: 1px solid {line};
    border-right: 1px solid {line}; padding: 4px 6px; font-weight: 600; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QPlainTextEdit {{
    padding: 3px 5px; border: 1px solid {line}; border-radius: 4px; background: {base.name()}; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus,
QPlainTextEdit:focus {{ border: 1px solid {highlight.name()}; }}
QLineEdit[invalid="true"], QDateEdit[invalid="true"], QComboBox[invalid="true"],
QSpinBox[invalid="true"] {{ border: 1px solid {error}; }}
QLineEdit:read-only {{ background: {subtle}; }}
QPushButton {{ padding: 4px 14px; border: 1px solid {line}; border-radius: 4px;
    background: {palette.color(role.Button).name()}; }}
QPushButton:hover {{ border-color: {highlight.name()}; }}
QPushButton:focus {{ border: 1px solid {highlight.name()}; }}
QPushButton:default {{ background: {highlight.name()};
    color: {palette.color(role.HighlightedText).name()}; border-color: {highlight.name()}; }}
QPushButton:disabled {{ color: {muted}; background: {subtle}; border-color: {subtle}; }}
QGroupBox {{ border: 1px solid {line}; border-radius: 6px; margin-top: 1.2em;
    padding: 0.6em 0.5em 0.4em 0.5em; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 0.7em; padding: 0 0.3em; }}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="subtitle"] {{ font-size: 11pt; font-weight: 600; }}
QLabel[role="muted"] {{ color: {muted}; }}
QLabel[role="fieldError"] {{ color: {error}; }}
QLabel[role="banner-warning"] {{ color: {warning}; font-weight: 600; }}
QLabel[role="banner-ok"] {{ color: {ok}; }}
QStatusBar {{ border-top: 1px solid {line}; }}
QSplitter::handle {{ background: {line}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
"""


def _wanted_scheme() -> Qt.ColorScheme:
    forced = os.environ.get("OCREBILL_COLOR_SCHEME", "").strip().lower()
    if forced == "dark":
        return Qt.ColorScheme.Dark
    if forced == "light":
        return Qt.ColorScheme.Light
    return QApplication.styleHints().colorScheme()


class AppStyle(QObject):
    """Keeps the application's palette and style sheet in step with the system scheme."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        app.setStyle("Fusion")
        app.styleHints().colorSchemeChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Pick the palette for the wanted scheme and regenerate the style sheet from it."""
        self._app.setPalette(QPalette())  # back to the platform's own palette
        palette = self._app.palette()
        wanted = _wanted_scheme()
        if wanted == Qt.ColorScheme.Dark and not is_dark(palette):
            palette = dark_palette()
        elif wanted == Qt.ColorScheme.Light and is_dark(palette):
            palette = self._app.style().standardPalette()
        self._app.setPalette(palette)
        self._app.setStyleSheet(style_sheet(palette))


def install(app: QApplication) -> AppStyle:
    """Style the app now and whenever the system switches between light and dark."""
    return AppStyle(app)
