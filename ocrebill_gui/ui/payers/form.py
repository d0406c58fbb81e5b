"""One payer profile: read-only when shipped, editable when it is the user's own."""

from __future__ import annotations

from typing import Any

from ocrebill_gui.core.visit import PayerProfile
from ocrebill_gui.ui.forms import FieldMessage, FormGrid, validator
from ocrebill_gui.ui.qt import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import set_role

PROGRAMS = [("Medicare", "medicare"), ("Medicaid", "medicaid"), ("Commercial", "commercial")]
ADMIN = [("Therapeutic (96365/96366...)", "therapeutic"),
         ("Complex / chemotherapy (96413/96415...)", "complex")]
WASTE = [("JW for waste, JZ when none", "jw_jz"), ("JW only", "jw_only"),
         ("None (bill the amount given)", "none")]
NDC_UNITS = [("ML (millilitres)", "ML"), ("UN (units / vials)", "UN")]
_check = validator(PayerProfile)


def _combo(choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(text, value)
    return combo


class PayerProfileForm(QWidget):
    """Shows a profile; `changed` fires on every edit of an editable one."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profile: PayerProfile | None = None
        self._editable = False
        self._loaded: dict[str, Any] = {}
        self.grid = FormGrid(self._edited)
        self.payer_id = self.grid.add("id", "Id", QLineEdit())
        self.payer_id.setReadOnly(True)
        self.name = self.grid.add("name", "&Name", QLineEdit())
        self.program = self.grid.add("program", "Program &type", _combo(PROGRAMS))
        self.medicare_advantage = self.grid.add("medicare_advantage", "",
                                                QCheckBox("Medicare &Advantage plan"))
        self.monoclonal_admin = self.grid.add("monoclonal_admin", "&Monoclonals coded as",
                                              _combo(ADMIN))
        self.waste_modifiers = self.grid.add("waste_modifiers", "&Waste modifiers",
                                             _combo(WASTE))
        self.prior_auth_required = self.grid.add("prior_auth_required", "",
                                                 QCheckBox("&Prior authorization always "
                                                           "required"))
        self.prior_auth_unit_limit = self.grid.add(
            "prior_auth_unit_limit", "PA above &units", QLineEdit(),
            note="Above this many billing units of a monoclonal an authorization is required;"
                 " empty for no such limit")
        self.ndc_unit = self.grid.add("ndc_unit", "N&DC unit", _combo(NDC_UNITS))
        self.notes = self.grid.add("notes", "N&otes", QPlainTextEdit())
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(self.fontMetrics().height() * 7)
        self.source = QLabel()
        self.source.setWordWrap(True)
        set_role(self.source, "muted")
        self.general = FieldMessage()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addWidget(self.source)
        layout.addWidget(self.general)
        self.grid.go_live()

    @property
    def profile(self) -> PayerProfile | None:
        return self._profile

    def set_profile(self, profile: PayerProfile | None, *, editable: bool) -> None:
        self._profile, self._editable = profile, editable and profile is not None
        p = profile
        self.payer_id.setText(p.id if p else "")
        self.name.setText(p.name if p else "")
        for combo, value in ((self.program, p.program if p else "commercial"),
                             (self.monoclonal_admin, p.monoclonal_admin if p else "therapeutic"),
                             (self.waste_modifiers, p.waste_modifiers if p else "jw_jz"),
                             (self.ndc_unit, p.ndc_unit if p else "ML")):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.medicare_advantage.setChecked(bool(p and p.medicare_advantage))
        self.prior_auth_required.setChecked(bool(p and p.prior_auth_required))
        limit = p.prior_auth_unit_limit if p else None
        self.prior_auth_unit_limit.setText("" if limit is None else str(limit))
        self.notes.setPlainText("\n".join(p.notes) if p else "")
        self.source.setText(f"Source: {p.source}" if p and p.source else "")
        for widget in (self.name, self.prior_auth_unit_limit):
            widget.setReadOnly(not self._editable)
        self.notes.setReadOnly(not self._editable)
        for control in (self.program, self.monoclonal_admin, self.waste_modifiers, self.ndc_unit,
                        self.medicare_advantage, self.prior_auth_required):
            control.setEnabled(self._editable)
        self._loaded = self.values()
        self.grid.reset()
        self.problems()

    def values(self) -> dict[str, Any]:
        limit = self.prior_auth_unit_limit.text().strip()
        source = self._profile.source if self._profile else None
        return {"id": self.payer_id.text(), "name": self.name.text().strip(),
                "program": self.program.currentData(),
                "monoclonal_admin": self.monoclonal_admin.currentData(),
                "waste_modifiers": self.waste_modifiers.currentData(),
                "prior_auth_required": self.prior_auth_required.isChecked(),
                "prior_auth_unit_limit": (int(limit) if limit.isdigit() else limit or None),
                "ndc_unit": self.ndc_unit.currentData(),
                "medicare_advantage": self.medicare_advantage.isChecked(),
                "source": source,
                "notes": [line.strip() for line in self.notes.toPlainText().splitlines()
                          if line.strip()]}

    @property
    def editable(self) -> bool:
        return self._editable

    @property
    def dirty(self) -> bool:
        return self._editable and self.values() != self._loaded

    def problems(self) -> dict[str, str]:
        found = _check(self.values()) if self._editable else {}
        self.general.show_message(self.grid.show_problems(found))
        return found

    def _edited(self) -> None:
        if self._editable:
            self.problems()
            self.changed.emit()
