"""Forms that check what people type as they type it, with each message beside its field.

A `FormGrid` lays out rows of label | field, each field's message right under it. The form's
owner collects the values, asks the store's validator (the same one that guards the database,
so messages match what a save would say) and hands the problems back: each one is shown at its
field once that field has been touched (or after a save attempt), and `valid` says whether Save
may be enabled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from ocrebill_gui.ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.style import mark_invalid, set_role

_W = TypeVar("_W", bound=QWidget)
_US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def date_text(text: str) -> str | None:
    """What a date field holds, for the validator: ISO for "2026-03-04" or "3/4/2026" (US
    month/day/year), None when empty, else the text itself (the validator names the problem)."""
    text = text.strip()
    if not text:
        return None
    match = _US_DATE.match(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


DATE_FORMS = "2026-03-04 or 3/4/2026 (month/day/year)"


class DateField(QLineEdit):
    """A date typed as 2026-03-04 or 3/4/2026; empty means no date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD or M/D/YYYY")
        self.setMaxLength(10)

    def value(self) -> str | None:
        return date_text(self.text())

    def set_value(self, value: date | None) -> None:
        self.setText(value.isoformat() if value else "")


class FieldMessage(QLabel):
    """The message beside a field: hidden while the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "fieldError")
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


def _changed_signal(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.editTextChanged if widget.isEditable() else widget.currentIndexChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    raise TypeError(f"no change signal known for {type(widget).__name__}")


class FormGrid(QGridLayout):
    """Rows of label | field, the field's message right under it (as in the visit editor; a
    message in a narrow third column was cut to "must be a"); tab order follows the rows (the
    order they are added). Edits are checked once `go_live()` was called."""

    def __init__(self, on_change: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnStretch(1, 1)
        self.setHorizontalSpacing(10)
        self.setVerticalSpacing(4)
        self._on_change = on_change
        self.fields: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}
        self.captions: dict[str, str] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self._problems: dict[str, str] = {}
        self._live = False

    def add(self, key: str, label: str, widget: _W, *, note: str | None = None) -> _W:
        """Add a row; `note` is a muted hint under the field. Returns `widget`."""
        row = self.rowCount()
        caption = QLabel(label)
        caption.setBuddy(widget)
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        message = FieldMessage()
        message.setObjectName(f"{key}Message")
        widget.setObjectName(key)
        self.addWidget(caption, row, 0)
        self.addWidget(widget, row, 1)
        self.addWidget(message, row + 1, 1)  # hidden, so no room taken, while all is well
        if note:
            hint = QLabel(note)
            set_role(hint, "muted")
            hint.setWordWrap(True)
            self.addWidget(hint, row + 2, 1)
        self.fields[key], self.messages[key] = widget, message
        self.captions[key] = label.replace("&", "")
        _changed_signal(widget).connect(lambda *_: self._edited(key))
        return widget

    def go_live(self) -> None:
        """Every row is there: from now on edits are checked (not while the form is built)."""
        self._live = True

    def _edited(self, key: str) -> None:
        if self._live:
            self._touched.add(key)
            self._on_change()

    def show_problems(self, problems: Mapping[str, str]) -> str:
        """Show each problem beside its field (touched fields only, unless after a save
        attempt); return the text of problems no field owns."""
        problems = self._attribute(problems)
        for key, text in list(problems.items()):  # say both ways a date field takes
            if isinstance(self.fields.get(key), DateField) and text.startswith("must be a date"):
                problems[key] = f"must be a date such as {DATE_FORMS}"
        self._problems = problems
        for key, message in self.messages.items():
            visible = self._show_all or key in self._touched
            message.show_message(problems.get(key) if visible else None)
            mark_invalid(self.fields[key], bool(visible and key in problems))
        return "; ".join(text for key, text in problems.items() if key not in self.messages)

    def _attribute(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Give a record-level message that starts with a field's name ("valid_to is before
        valid_from") to that field, naming the other field as its label does ("is before
        'Valid from'")."""
        owned: dict[str, str] = {}
        for key, text in problems.items():
            if key not in self.messages:
                first, _, rest = text.partition(" ")
                if first in self.messages and rest:
                    for other, caption in self.captions.items():
                        if caption:
                            rest = re.sub(rf"\b{re.escape(other)}\b", _quoted(caption), rest)
                    key, text = first, rest.replace("_", " ")
            owned.setdefault(key, text)
        return owned

    def touch(self, key: str) -> None:
        """Show `key`'s message from now on, as if typed into (another field made it
        required)."""
        self._touched.add(key)

    def reveal_all(self) -> None:
        """After a save attempt: show every problem, touched or not."""
        self._show_all = True
        self.show_problems(self._problems)

    def reset(self) -> None:
        """A fresh record: nothing touched, no messages yet."""
        self._touched.clear()
        self._show_all = False


def _quoted(caption: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement giving the caption in quotes, taken as it is (no backslash
    escapes)."""
    return lambda _match: f"'{caption}'"


def problems_of(error: Exception) -> dict[str, str]:
    """(field, message) pairs of the store's InvalidRecord as a dict (first message wins)."""
    problems: dict[str, str] = {}
    for path, message in getattr(error, "problems", [("", str(error))]):
        problems.setdefault(str(path).split(".")[0].split("[")[0], message)
    return problems


def validator(model: type) -> Callable[[Mapping[str, Any]], dict[str, str]]:
    """A validate function from one of the store's input models (PatientFields...): the
    same rules, and the same words, as the save itself."""

    def validate(values: Mapping[str, Any]) -> dict[str, str]:
        from ocrebill_gui.store import InvalidRecord
        from ocrebill_gui.store.records import validated

        try:
            validated(model, values)
        except InvalidRecord as error:
            return problems_of(error)
        return {}

    return validate


class RecordDialog(QDialog):
    """A small dialog around a FormGrid: Save is enabled only while the input is valid, and
    calls `save(values)`; a store error keeps the dialog open with the message beside the
    field. Subclasses build their rows in `build(grid)` and return values from `values()`."""

    def __init__(self, title: str, save: Callable[[dict[str, Any]], Any],
                 validate: Callable[[dict[str, Any]], Mapping[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save, self._validate = save, validate
        self.result_record: Any = None
        self.grid = FormGrid(self.check)
        self.build(self.grid)
        self.grid.go_live()
        self.general = FieldMessage()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        self._shown_values: dict[str, Any] | None = None  # as first shown: edits differ
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addWidget(self.general)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        self.check()

    def build(self, grid: FormGrid) -> None:
        raise NotImplementedError

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self._shown_values is None:  # the record as loaded: what Cancel compares with
            self._shown_values = self.values()
        super().showEvent(event)

    @property
    def edited(self) -> bool:
        """Whether something was typed since the dialog was shown."""
        return self._shown_values is not None and self.values() != self._shown_values

    def cancel(self) -> None:
        """Cancel, Escape or the window's close button: typed edits are saved, discarded or
        kept (the dialog stays) as the person answers. reject() itself closes without asking
        (the idle lock closes every dialog)."""
        if not self.edited:
            self.reject()
            return
        what = f"\u201c{self.windowTitle()}\u201d"
        problem = self.unsavable()
        answer = (UnsavedChanges.ask(self, what, problem) if problem
                  else UnsavedChanges.ask(self, what))
        if answer == "save":
            self.accept()  # stays open, with the reason beside its field, when it cannot
        elif answer == "discard":
            self.reject()

    def unsavable(self) -> str | None:
        """Why Save is off (the first field and its problem), or None while it may save."""
        if self.save_button.isEnabled():
            return None
        return (first_problem(self.grid, self._validate(self.values()))
                or self.general.text() or "the store refused it")

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.spontaneous() and self.isVisible() and self.edited:  # the title bar's X
            event.ignore()
            self.cancel()
            return
        super().closeEvent(event)

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def check(self) -> bool:
        problems = self._validate(self.values())
        self.general.show_message(self.grid.show_problems(problems))
        self.save_button.setEnabled(not problems)
        QTimer.singleShot(0, self, self._fit_height)  # once the messages are laid out
        return not problems

    def _fit_height(self) -> None:
        """Grow to the height the wrapped lines need at this width: a dialog grows for its
        widgets' minimum sizes, not for text that wraps, so a hint under a field was cut
        when an error line appeared above it."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        if not self.check():
            self.grid.reveal_all()
            return
        saved = save_or_say(lambda: self._save(self.values()), self.grid, self.general,
                            self.save_button)
        if saved is not None:
            self.result_record = saved
            super().accept()


def first_problem(grid: FormGrid, problems: Mapping[str, str]) -> str | None:
    """The first field's problem as the Unsaved changes question names it ("Amount: ...")."""
    for key, message in problems.items():
        caption = grid.captions.get(key) or key
        return f"{caption}: {message}" if caption else message
    return None


def save_or_say(save: Callable[[], Any], grid: FormGrid, general: FieldMessage,
                save_button: Any = None) -> Any:
    """Run a form's save through the store: the saved record, or None after saying why at
    the fields concerned (the store's own check refused it: Save stays off until an edit) or
    on the general line (the database could not be written: Save may be tried again)."""
    from ocrebill_gui.store import InvalidRecord, StoreError

    try:
        return save()
    except InvalidRecord as error:
        grid.reveal_all()
        general.show_message(grid.show_problems(problems_of(error)))
        if save_button is not None:
            save_button.setEnabled(False)
    except StoreError as error:
        general.show_message(str(error))
    return None


class UnsavedChanges:
    """Edits not saved yet, and the form is about to show something else or close: "save",
    "discard" or "cancel" (stay). Tests monkeypatch `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, what: str, problem: str | None = None) -> str:
        """`problem`: why the form cannot be saved yet; then Save is left out and Cancel (back
        to the form) is the default."""
        from ocrebill_gui.ui.qt import QMessageBox

        buttons = QMessageBox.StandardButton
        if problem:
            answer = QMessageBox.question(
                parent, "Unsaved changes",
                f"{what} has changes that cannot be saved yet ({problem}). Discard them, or "
                "Cancel to go back to the form?", buttons.Discard | buttons.Cancel,
                buttons.Cancel)
            return "discard" if answer == buttons.Discard else "cancel"
        answer = QMessageBox.question(
            parent, "Unsaved changes", f"{what} has changes that are not saved. Save them?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


class Confirm:
    """Yes/no questions, as data: tests monkeypatch `Confirm.ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, question: str) -> bool:
        from ocrebill_gui.ui.qt import QMessageBox

        answer = QMessageBox.question(parent, title, question,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget | None, title: str, message: str) -> None:
        """Say why something was not done (the store's own words)."""
        from ocrebill_gui.ui.qt import QMessageBox

        QMessageBox.information(parent, title, message)

    @classmethod
    def text(cls, parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
        """One line of text, or None when cancelled."""
        from ocrebill_gui.ui.qt import QInputDialog

        text, ok = QInputDialog.getText(parent, title, label, text=value)
        return text.strip() if ok and text.strip() else None
