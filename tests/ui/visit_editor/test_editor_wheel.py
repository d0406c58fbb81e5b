"""A passing mouse wheel changes no picker (ui/wheel_guard.py): over a combo box or spin box
without the focus the form scrolls on; with the focus (click or Tab) the wheel is the field's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ocrebill_gui.ui import wheel_guard
from ocrebill_gui.ui.qt import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QPoint,
    QPointF,
    Qt,
    QWheelEvent,
    QWidget,
)


@pytest.fixture
def guard(qapp):
    wheel_guard.install(qapp)
    yield
    wheel_guard.uninstall(qapp)


def wheel_down(widget: QWidget, ticks: int = 1) -> None:
    """One notch of an ordinary mouse wheel, towards the user, over the middle of `widget`."""
    at = QPointF(widget.rect().center())
    event = QWheelEvent(at, QPointF(widget.mapToGlobal(at.toPoint())), QPoint(0, 0),
                        QPoint(0, -120 * ticks), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _short_editor(editor):
    editor.resize(1400, 520)  # the form taller than its view: there is something to scroll
    scroll_bar = editor.form_scroll.verticalScrollBar()
    editor.form_scroll.widget().adjustSize()
    assert scroll_bar.maximum() > 0
    scroll_bar.setValue(0)
    return scroll_bar


def test_a_wheel_over_the_unfocused_setting_changes_nothing_and_scrolls(guard, qtbot,
                                                                        ocrevus_editor):
    editor = ocrevus_editor
    scroll_bar = _short_editor(editor)
    setting = editor.visit_section.setting
    editor.diagnoses.search.setFocus()
    qtbot.waitUntil(editor.diagnoses.search.hasFocus)
    revision = editor.presenter.revision

    wheel_down(setting)

    assert setting.currentData() == "office"
    assert editor.presenter.get("setting") == "office"
    assert editor.presenter.revision == revision
    assert scroll_bar.value() > 0  # the form scrolled instead
    assert not setting.hasFocus()


def test_every_picker_and_spin_box_of_the_editor_refuses_the_passing_wheel(
        guard, qtbot, ocrevus_editor):
    editor = ocrevus_editor
    _short_editor(editor)
    editor.diagnoses.search.setFocus()
    qtbot.waitUntil(editor.diagnoses.search.hasFocus)
    guarded = [*editor.findChildren(QComboBox), *editor.findChildren(QAbstractSpinBox)]
    assert editor.visit_section.day in guarded and editor.cards[0].route in guarded
    for widget in guarded:
        assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus, widget.objectName()
    before = {w: (w.currentIndex() if isinstance(w, QComboBox) else w.text()) for w in guarded}
    document = editor.presenter.document.copy()
    for widget in guarded:
        editor.form_scroll.ensureWidgetVisible(widget)
        wheel_down(widget)
        wheel_down(widget, -1)
        wheel_down(widget, -1)
    after = {w: (w.currentIndex() if isinstance(w, QComboBox) else w.text()) for w in guarded}
    assert after == before
    assert editor.presenter.document == document


def test_with_the_focus_the_wheel_is_the_fields(guard, qtbot, ocrevus_editor):
    setting = ocrevus_editor.visit_section.setting
    setting.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(setting.hasFocus)
    wheel_down(setting)
    assert ocrevus_editor.presenter.get("setting") == "hospital_outpatient"


def test_without_the_guard_the_same_wheel_changed_the_setting(qtbot, ocrevus_editor):
    """What the guard prevents (so the tests above can fail)."""
    setting = ocrevus_editor.visit_section.setting
    ocrevus_editor.diagnoses.search.setFocus()
    qtbot.waitUntil(ocrevus_editor.diagnoses.search.hasFocus)
    wheel_down(setting)
    assert ocrevus_editor.presenter.get("setting") == "hospital_outpatient"


def test_the_app_is_guarded_from_the_start(tmp_path):
    """create_application installs the guard (in a process of its own: it styles the app)."""
    code = ("from ocrebill_gui.ui.app import create_application\n"
            "from ocrebill_gui.ui.qt import QComboBox, QDateEdit\n"
            "app = create_application(['ocrebill'])\n"
            "widgets = [QComboBox(), QDateEdit()]\n"
            "for widget in widgets:\n"
            "    widget.ensurePolished()\n"
            "print(*(w.focusPolicy().name for w in widgets))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], env=env, text=True,
                         capture_output=True, check=True, timeout=60).stdout.split()
    assert out == ["StrongFocus", "StrongFocus"]
