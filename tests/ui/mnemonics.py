"""Keyboard reach of a window: the Alt+letter mnemonics of what shows in it (menu bar titles,
labels, buttons, check boxes, group boxes, tabs) must be unique, and a label that names a
field must have that field as its buddy (Alt+letter goes there)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
)

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget is root or widget.isVisibleTo(root)


def menu_problems(menu) -> list[str]:
    """Inside one menu, a letter opens one entry: the visible entries' letters are unique."""
    owners: dict[str, list[str]] = {}
    for action in menu.actions():
        if action.isVisible() and not action.isSeparator():
            letter = mnemonic(action.text())
            if letter:
                owners.setdefault(letter, []).append(repr(action.text()))
            if action.menu() is not None:
                owners_problems = menu_problems(action.menu())
                owners.setdefault("", []).extend(owners_problems)
    nested = owners.pop("", [])
    title = menu.title()
    return nested + [f"menu {title!r}: Alt+{letter.upper()} is used {len(who)} times: "
                     f"{', '.join(who)}" for letter, who in owners.items() if len(who) > 1]


def keyboard_problems(root: QWidget, letters: dict | None = None) -> list[str]:
    """What keeps `root` (a window, a dialog) from being used by Alt+letter alone."""
    owners: dict[str, list[str]] = {}

    def note(letter: str | None, what: str) -> None:
        if letter:
            owners.setdefault(letter, []).append(what)

    problems: list[str] = []
    if isinstance(root, QMainWindow):
        for action in root.menuBar().actions():
            if action.isVisible():
                note(mnemonic(action.text()), f"menu {action.text()!r}")
            if action.menu() is not None:
                problems += menu_problems(action.menu())
    for label in root.findChildren(QLabel):
        if not _shown(label, root) or label.textFormat() == label.textFormat().RichText:
            continue
        letter = mnemonic(label.text())
        if letter:
            if label.buddy() is None:
                problems.append(f"label {label.text()!r} has a mnemonic but no buddy")
            elif _shown(label.buddy(), root):
                note(letter, f"label {label.text()!r}")
    for button in root.findChildren(QAbstractButton):
        if _shown(button, root) and button.isEnabled():
            note(mnemonic(button.text()), f"button {button.text()!r}")
    for box in root.findChildren(QGroupBox):
        if _shown(box, root):
            note(mnemonic(box.title()), f"group {box.title()!r}")
    for bar in root.findChildren(QTabBar):
        if _shown(bar, root):
            for index in range(bar.count()):
                note(mnemonic(bar.tabText(index)), f"tab {bar.tabText(index)!r}")
    for form in root.findChildren(QFormLayout):
        parent = form.parentWidget()
        if parent is None or not _shown(parent, root):
            continue
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = item.widget() if item is not None else None
            if not isinstance(label, QLabel) or not label.text().strip():
                continue
            if not _shown(label, root):
                continue
            if label.buddy() is None and field is not None:
                problems.append(f"label {label.text()!r} has no buddy")
    if letters is not None:
        letters.update(owners)
    problems += [f"Alt+{letter.upper()} is used {len(who)} times: {', '.join(who)}"
                 for letter, who in owners.items() if len(who) > 1]
    return problems
