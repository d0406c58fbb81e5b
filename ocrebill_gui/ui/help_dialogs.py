"""Help > Keyboard shortcuts (F1) and Help > About.

The shortcut list is read from the main window's menus (ui/menus.py): each entry's text and
key as the menu shows them, so the list cannot drift from what the keys do. About names the
version, the code sets and where the data comes from (the data files' own source notes), and
the licences of what is bundled: the libraries' from their installed metadata, the fonts' and
the code sets' below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING

from ocrebill_gui import __version__
from ocrebill_gui.paths import data_dir
from ocrebill_gui.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QSortFilterProxyModel,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.views import read_only_table

if TYPE_CHECKING:
    from ocrebill_gui.ui.main_window import MainWindow

CODE_SET = "ICD-10-CM FY2026 (in effect 2025-10-01 to 2026-09-30)"
DATA_FILES = {"products.json": "Products, HCPCS codes, billing units and NDCs",
              "admin-codes.json": "Drug administration codes",
              "payers.json": "Payer profiles",
              "diagnosis-rules.json": "Diagnosis rules",
              "findings.json": "Findings"}
# What ships besides the Python libraries (whose licences come from their metadata).
BUNDLED = [
    ("ICD-10-CM FY2026 code titles", "public domain (CDC National Center for Health Statistics),"
     " read through simple-icd-10-cm"),
    ("DejaVu Sans fonts (the PDFs)", "Bitstream Vera / DejaVu licence (free, with the fonts' "
     "own names kept)"),
]


def shortcut_rows(window: MainWindow) -> list[tuple[str, str, str]]:
    """(menu, command, keys) of every menu entry that has a key, in menu order."""
    rows: list[tuple[str, str, str]] = []
    for menu in window.menus.menus():
        title = menu.title().replace("&", "")
        for action in menu.actions():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            if action.isSeparator() or not keys:
                continue
            row = (title, action.text().replace("&", "").rstrip("."), keys)
            if all(r[1:] != row[1:] for r in rows):  # New visit is in File and Visit
                rows.append(row)
    return rows


class ShortcutsDialog(QDialog):
    """Every key of the menus, filterable by typing."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        for row in shortcut_rows(window):
            self.model.appendRow([QStandardItem(text) for text in row])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("shortcutFilter")
        self.filter.setPlaceholderText("Type to filter: finalize, F5, tab...")
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        label = QLabel("&Find", self)
        label.setBuddy(self.filter)
        self.table = read_only_table(self.proxy, name="shortcutTable", parent=self, multi=True)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel("Menu entries without a key: Alt and the underlined letter of the menu, "
                      "then of the entry. In lists, Enter opens the row.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 620)

    @classmethod
    def show_for(cls, window: MainWindow) -> None:
        cls(window).exec()


def data_sources() -> list[tuple[str, str]]:
    """(what, its source note) from each shipped data file's own "source" field."""
    sources = []
    for name, what in DATA_FILES.items():
        try:
            note = json.loads((data_dir() / name).read_text(encoding="utf-8")).get("source", "")
        except (OSError, ValueError):
            note = "(file not found)"
        sources.append((what, note))
    return sources


def library_licences() -> list[tuple[str, str, str]]:
    """(library, version, licence) of OcreBill's dependencies, from their metadata."""
    try:
        wanted = [r for r in metadata.requires("ocrebill") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:  # a bundle without the project's own metadata
        return []
    rows = []
    for requirement in wanted:
        name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
        try:
            info = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        licence = _first(info, "License-Expression")
        if not licence:
            text = _first(info, "License").strip()
            licence = text.splitlines()[0][:60] if text and len(text) < 200 else ""
        if not licence:
            classifiers = [c.rsplit("::", 1)[-1].strip() for c in info.get_all("Classifier") or []
                           if c.startswith("License ::")]
            licence = ", ".join(classifiers) or "see the package"
        rows.append((_first(info, "Name") or name, _first(info, "Version"), licence))
    return rows


def _first(info: metadata.PackageMetadata, field: str) -> str:
    """A metadata field's (first) value, "" when the package does not give it."""
    values = info.get_all(field)
    return str(values[0]) if values else ""


def about_html() -> str:
    def table(rows: Sequence[tuple[str, ...]]) -> str:
        cells = "".join("<tr>" + "".join(f"<td>{_escape(c)}</td>" for c in row) + "</tr>"
                        for row in rows)
        return f"<table cellspacing='0' cellpadding='3'>{cells}</table>"

    return (f"<h2>OcreBill {__version__}</h2>"
            "<p>Infusion billing for MS infusion centres: what happened at the chair in, "
            "correct claim lines out. MIT licence.</p>"
            f"<h3>Code sets</h3><p>Diagnoses: {CODE_SET}. HCPCS and CPT administration codes "
            "with their effective dates in the product catalog.</p>"
            f"<h3>Data sources</h3>{table(data_sources())}"
            f"<h3>Bundled data and fonts</h3>{table(BUNDLED)}"
            f"<h3>Libraries</h3>{table(library_licences())}")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About OcreBill")
        self.text = QTextEdit(self)
        self.text.setObjectName("aboutText")
        self.text.setReadOnly(True)
        self.text.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)

    @classmethod
    def show_for(cls, parent: QWidget) -> None:
        cls(parent).exec()
