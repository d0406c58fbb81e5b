"""Which widget edits which document path, and the message beside it (ui/forms.FieldMessage,
as on every other form).

Findings and input problems name document paths ("administrations[0].vials[1].expires"); the
registry finds the widget that owns the longest registered prefix of such a path, so a message
lands beside the closest field and a clicked finding focuses it.
"""

from __future__ import annotations

from collections.abc import Callable

from ocrebill_gui.editing import docpath
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import QScrollArea, Qt, QWidget

FocusHook = Callable[[str], None]


class FieldRegistry:
    """path -> (widget to focus, label for its messages, optional focus hook)."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, FieldMessage | None, FocusHook | None]] = {}

    def register(self, path: str, widget: QWidget, message: FieldMessage | None = None,
                 on_focus: Callable[[str], None] | None = None) -> None:
        self._fields[path] = (widget, message, on_focus)

    def unregister_prefix(self, prefix: str) -> None:
        for path in [p for p in self._fields if p == prefix or p.startswith(prefix + ".")
                     or p.startswith(prefix + "[")]:
            del self._fields[path]

    def owner(self, path: str) -> str | None:
        """The registered path closest to `path` (itself or its nearest ancestor)."""
        for candidate in docpath.parents(path):
            if candidate in self._fields:
                return candidate
        return None

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """Put each message beside its field; return those no field owns."""
        by_owner: dict[str, list[str]] = {}
        unowned: dict[str, str] = {}
        for path, message in problems.items():
            owner = self.owner(path)
            label = self._fields[owner][1] if owner else None
            if owner is None or label is None:
                unowned[path] = message
                continue
            prefix = "" if path == owner else f"{_tail(path, owner)}: "
            by_owner.setdefault(owner, []).append(prefix + message)
        for path, (_widget, label, _hook) in self._fields.items():
            if label is not None:
                label.show_message("\n".join(by_owner.get(path, [])) or None)
        return unowned

    def focus(self, path: str) -> QWidget | None:
        """Put the keyboard focus in the field a path is about; scroll it into view."""
        owner = self.owner(path)
        if owner is None:
            return None
        widget, _label, on_focus = self._fields[owner]
        scroller = widget.parentWidget()
        while scroller is not None and not isinstance(scroller, QScrollArea):
            scroller = scroller.parentWidget()
        if scroller is not None:
            scroller.ensureWidgetVisible(widget)
        if on_focus is not None:
            on_focus(path)  # the hook picks the exact spot (a row, a button)
        else:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return widget


def _tail(path: str, owner: str) -> str:
    """The part of `path` below `owner`, readable: 'vials[1].expires' -> 'vial 2 expires';
    below a list it names the item: 'events[1].at' under 'events' -> 'event 2'."""
    owner_keys = docpath.split(owner)
    rest = docpath.split(path)[len(owner_keys):]
    words: list[str] = []
    if rest and isinstance(rest[0], int) and owner_keys and isinstance(owner_keys[-1], str):
        words.append(_singular(owner_keys[-1]))
    for position, key in enumerate(rest):
        if isinstance(key, int):
            words.append(str(key + 1))
            continue
        plural_then_index = position + 1 < len(rest) and isinstance(rest[position + 1], int)
        words.append((_singular(key) if plural_then_index else key).replace("_", " "))
    if len(words) > 1 and words[-1] == "at":  # an event's time: the event says it
        words.pop()
    return " ".join(words)


def _singular(key: str) -> str:
    if key == "diagnoses":
        return "diagnosis"
    return key[:-1] if key.endswith("s") else key
