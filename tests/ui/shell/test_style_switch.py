"""Light or dark, as the system says, and switching while the app runs: text roles, tones
and field messages are recoloured with the palette, none keeps the old theme's colour."""

from __future__ import annotations

import pytest

from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import QApplication, QLabel, QPalette, QWidget
from ocrebill_gui.ui.style import accent, install, is_dark, set_role, set_tone

TEXT = QPalette.ColorRole.WindowText


@pytest.fixture
def app_style(qapp, monkeypatch):
    before = QApplication.palette()
    monkeypatch.setenv("OCREBILL_COLOR_SCHEME", "light")
    style = install(qapp)
    yield style
    style.deleteLater()
    QApplication.setPalette(before)


def test_colours_follow_a_switch_to_dark_and_back(qtbot, app_style, monkeypatch):
    host = QWidget()
    host.show()
    qtbot.addWidget(host)
    message = FieldMessage(host)
    message.show_message("must be a date such as 2026-03-04")
    count = QLabel("2 warnings", host)
    set_tone(count, "warning")
    title = QLabel("Today", host)
    set_role(title, "title")
    quiet = QLabel("0 errors", host)
    set_tone(quiet, "muted")
    hint = QLabel("5 visits", host)
    set_role(hint, "muted")
    light = QApplication.palette()
    assert not is_dark(light)
    assert message.palette().color(TEXT) == accent("error", light)
    assert count.palette().color(TEXT) == accent("warning", light)

    monkeypatch.setenv("OCREBILL_COLOR_SCHEME", "dark")
    app_style.refresh()  # what the system's colorSchemeChanged does
    QApplication.processEvents()  # the palette reaches child widgets through the event loop
    dark = QApplication.palette()
    assert is_dark(dark)
    assert message.palette().color(TEXT) == accent("error", dark) != accent("error", light)
    assert count.palette().color(TEXT) == accent("warning", dark)
    assert title.palette().color(TEXT) == dark.color(TEXT)
    # a muted tone and the muted role are one grey, on either palette
    assert quiet.palette().color(TEXT) == hint.palette().color(TEXT) != dark.color(TEXT)

    monkeypatch.setenv("OCREBILL_COLOR_SCHEME", "light")
    app_style.refresh()
    QApplication.processEvents()
    assert count.palette().color(TEXT) == accent("warning", QApplication.palette())
