"""The visit's rendering provider and ordering physician (issue 13, item 4): two lists of the
practice's active providers of each role; the choice is written into the document's
`providers` (a copy: a finalized visit keeps the names it was billed with)."""

from __future__ import annotations

from typing import Any

from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.store import Store
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.providers import default_providers, list_providers
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import QComboBox, QFormLayout, QLabel, QWidget
from ocrebill_gui.ui.visit_editor.fields import FieldRegistry

ROLES = (("rendering", "Rendering provider", "renderingProvider"),
         ("ordering", "Ordering physician", "orderingProvider"))
NONE_TEXT = "(none)"


def provider_text(block: dict[str, Any]) -> str:
    return f"{block.get('name', '')} (NPI {block.get('npi', '')})"


class ProvidersSection(QWidget):
    def __init__(self, store: Store, session: Session, presenter: VisitPresenter,
                 registry: FieldRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.session, self.presenter = store, session, presenter
        self.combos: dict[str, QComboBox] = {}
        self.messages: dict[str, FieldMessage] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for role, label, name in ROLES:
            combo = QComboBox(self)
            combo.setObjectName(name)
            combo.activated.connect(lambda _i, r=role: self._chosen(r))
            message = FieldMessage(self)
            text = QLabel(label, self)
            text.setBuddy(combo)
            form.addRow(text, combo)
            form.addRow("", message)
            registry.register(f"providers.{role}", combo, message)
            self.combos[role], self.messages[role] = combo, message
        self.offered = list_providers(store, session, active_only=True)
        self.refresh()

    @property
    def rendering(self) -> QComboBox:
        return self.combos["rendering"]

    @property
    def ordering(self) -> QComboBox:
        return self.combos["ordering"]

    def _chosen(self, role: str) -> None:
        current = dict(self.presenter.get("providers") or {})
        block = self.combos[role].currentData()
        if block:
            current[role] = dict(block)
        else:
            current.pop(role, None)
        self.presenter.set("providers", current)

    def fill_defaults(self, patient_id: int | None) -> None:
        """A visit that names no providers yet gets the patient's latest, else the practice's
        defaults (store.default_providers); a visit that has `providers` keeps them."""
        if (patient_id is None or self.presenter.read_only
                or self.presenter.get("providers") is not None):
            return
        chosen = default_providers(self.store, self.session, patient_id)
        self.presenter.set("providers", {r: b for r, b in chosen.items() if b})

    def refresh(self) -> None:
        named = self.presenter.get("providers") or {}
        offered = self.offered
        for role, combo in self.combos.items():
            current = named.get(role) if isinstance(named, dict) else None
            blocks = [p.document_block() for p in offered if p.role == role]
            if current and not any(b["npi"] == current.get("npi") for b in blocks):
                blocks.insert(0, dict(current))  # named on the visit, no longer offered
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NONE_TEXT, None)
            for block in blocks:
                combo.addItem(provider_text(block), block)
            index = next((i for i in range(1, combo.count()) if current
                          and combo.itemData(i)["npi"] == current.get("npi")), 0)
            combo.setCurrentIndex(index)
            combo.setEnabled(not self.presenter.read_only)
            combo.blockSignals(False)
