"""No change by a passing mouse wheel: pickers and spin boxes take the wheel only with focus.

Scrolling a long form, the wheel passes over combo boxes and spin boxes; Qt gives each of them
the wheel (and the focus, their default policy being WheelFocus), so one tick changed Setting
from Office to Hospital outpatient and the draft saved it. One event filter on the application
covers every window and dialog:
- every QComboBox and QAbstractSpinBox (QSpinBox, QDoubleSpinBox, QDateEdit, QTimeEdit...) is
  given StrongFocus when it is polished: focus by click or Tab, never by the wheel;
- a wheel event over one that does not have the focus goes to the scroll area around it (the
  form scrolls on), and the widget itself never sees it. With the focus, the wheel changes the
  value as usual: the person chose the field.
"""

from __future__ import annotations

from ocrebill_gui.ui.qt import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QEvent,
    QObject,
    QPointF,
    Qt,
    QWheelEvent,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox)


def take_wheel_focus_away(widget: QWidget) -> None:
    """Focus by click or Tab only (the wheel no longer gives it)."""
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area `widget` sits in (its viewport's owner), if any."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """The application's event filter described above (one per application)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            take_wheel_focus_away(watched)
        elif kind == QEvent.Type.Wheel and isinstance(watched, GUARDED) \
                and isinstance(event, QWheelEvent) and not watched.hasFocus():
            self._pass_to_scroll_area(watched, event)
            return True
        return False

    @staticmethod
    def _pass_to_scroll_area(widget: QWidget, event: QWheelEvent) -> None:
        area = scroll_area_of(widget)
        if area is None:
            event.ignore()
            return
        viewport = area.viewport()
        at = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
        passed = QWheelEvent(at, event.globalPosition(), event.pixelDelta(),
                             event.angleDelta(), event.buttons(), event.modifiers(),
                             event.phase(), event.inverted(), event.source())
        QApplication.sendEvent(viewport, passed)
        event.accept()


_guard: WheelGuard | None = None


def install(app: QApplication) -> WheelGuard:
    """Guard every picker and spin box of `app` (those already made too). Idempotent."""
    global _guard
    if _guard is None:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
        for widget in app.allWidgets():
            if isinstance(widget, GUARDED):
                take_wheel_focus_away(widget)
    return _guard


def uninstall(app: QApplication) -> None:
    """Tests: take the guard off again."""
    global _guard
    if _guard is not None:
        app.removeEventFilter(_guard)
        _guard.deleteLater()
        _guard = None


__all__ = ["WheelGuard", "install", "scroll_area_of", "take_wheel_focus_away", "uninstall"]
