"""The practice's rendering providers and ordering/referring physicians: a list with Add and
Edit, and the form, whose NPI is checked as it is typed with the store's own words
(core/npi.py through store.providers.ProviderFields)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocrebill_gui.core.providers import ROLE_NAMES
from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.providers import (
    Provider,
    ProviderFields,
    add_provider,
    list_providers,
    update_provider,
)
from ocrebill_gui.ui.forms import FormGrid, RecordDialog, validator
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStandardItem,
    QStandardItemModel,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.views import read_only_table

COLUMNS = ("Role", "Name", "NPI", "Taxonomy", "Default", "Active")


class ProviderDialog(RecordDialog):
    """Add or correct one provider."""

    def __init__(self, save: Callable[[dict[str, Any]], Provider],
                 provider: Provider | None = None, parent: QWidget | None = None) -> None:
        self._provider = provider
        title = "Correct a provider" if provider else "Add a provider"
        super().__init__(title, save, validator(ProviderFields), parent)

    def build(self, grid: FormGrid) -> None:
        self.role = grid.add("role", "&Role", QComboBox())
        for role, text in ROLE_NAMES.items():
            self.role.addItem(text[0].upper() + text[1:], role)
        self.name = grid.add("name", "&Name", QLineEdit())
        self.name.setPlaceholderText("Last, First (as on the NPI registry)")
        self.npi = grid.add("npi", "N&PI", QLineEdit())
        self.npi.setPlaceholderText("10 digits")
        self.taxonomy = grid.add("taxonomy", "&Taxonomy code", QLineEdit(),
                                 note="optional, e.g. 2084N0400X (neurology)")
        self.is_default = grid.add("is_default", "&Default", QCheckBox(
            "Offer it first on new visits"))
        self.active = grid.add("active", "&Active", QCheckBox("Offered on visits"))
        self.active.setChecked(True)
        provider = self._provider
        if provider is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(provider.role)))
            self.name.setText(provider.name)
            self.npi.setText(provider.npi)
            self.taxonomy.setText(provider.taxonomy)
            self.is_default.setChecked(provider.is_default)
            self.active.setChecked(provider.active)

    def values(self) -> dict[str, Any]:
        return {"role": self.role.currentData(), "name": self.name.text(),
                "npi": self.npi.text(), "taxonomy": self.taxonomy.text(),
                "is_default": self.is_default.isChecked(), "active": self.active.isChecked()}


class ProvidersDialog(QDialog):
    """Every provider of the practice; the front desk and the administrator add and
    correct them, the others see the list."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("providersDialog")
        self.setWindowTitle("Providers")
        self.store, self.session = store, session
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = read_only_table(self.model, name="providersTable", parent=self, multi=True)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.add_button = QPushButton("&Add provider", self)
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("&Edit", self)
        self.edit_button.clicked.connect(self.edit)
        gate(self.add_button, session, "providers.write")
        gate(self.edit_button, session, "providers.write")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(self.fontMetrics().averageCharWidth() * 110, 420)
        self.reload()

    def reload(self) -> None:
        self.providers = list_providers(self.store, self.session)
        self.model.setRowCount(0)
        for p in self.providers:
            cells = (ROLE_NAMES[p.role], p.name, p.npi, p.taxonomy or "-",
                     "yes" if p.is_default else "", "yes" if p.active else "no")
            self.model.appendRow([QStandardItem(text) for text in cells])
        self.table.resizeColumnsToContents()

    def add(self) -> Provider | None:
        dialog = ProviderDialog(lambda v: add_provider(self.store, self.session, v),
                                parent=self)
        return self._after(dialog)

    def edit(self) -> Provider | None:
        row = self.table.currentIndex().row()
        if not 0 <= row < len(self.providers) or not self.edit_button.isEnabled():
            return None
        chosen = self.providers[row]
        dialog = ProviderDialog(
            lambda v: update_provider(self.store, self.session, chosen.id, v), chosen, self)
        return self._after(dialog)

    def _after(self, dialog: ProviderDialog) -> Provider | None:
        saved = dialog.result_record if dialog.exec() else None
        if saved is not None:
            self.reload()
        return saved
