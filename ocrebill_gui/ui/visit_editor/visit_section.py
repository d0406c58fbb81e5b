"""Date of service and setting (with its place of service code)."""

from __future__ import annotations

from ocrebill_gui.core.visit import PLACE_OF_SERVICE
from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import QComboBox, QDate, QDateEdit, QFormLayout, QLabel, QWidget
from ocrebill_gui.ui.visit_editor.fields import FieldRegistry

SETTINGS = {"office": "Office", "hospital_outpatient": "Hospital outpatient", "home": "Home"}


class VisitSection(QWidget):
    def __init__(self, presenter: VisitPresenter, registry: FieldRegistry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.day = QDateEdit(self)
        self.day.setObjectName("dateOfService")
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setCalendarPopup(True)
        self.day.dateChanged.connect(self._day_changed)
        self.day_message = FieldMessage(self)
        self.setting = QComboBox(self)
        self.setting.setObjectName("setting")
        for key, label in SETTINGS.items():
            self.setting.addItem(f"{label} (place of service {PLACE_OF_SERVICE[key]})", key)
        self.setting.currentIndexChanged.connect(
            lambda _i: presenter.set("setting", self.setting.currentData()))
        self.setting_message = FieldMessage(self)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Date of servi&ce", self.day)
        form.addRow("", self.day_message)
        form.addRow("Se&tting", self.setting)
        form.addRow("", self.setting_message)
        for caption in self.findChildren(QLabel):
            if caption.text() == "Date of servi&ce":
                caption.setBuddy(self.day)
            elif caption.text() == "Se&tting":
                caption.setBuddy(self.setting)
        registry.register("date_of_service", self.day, self.day_message)
        registry.register("setting", self.setting, self.setting_message)
        QWidget.setTabOrder(self.day, self.setting)
        self.refresh()

    def _day_changed(self, value: QDate) -> None:
        self.presenter.set("date_of_service", value.toString("yyyy-MM-dd"))

    def refresh(self) -> None:
        day = self.presenter.date_of_service
        if day is not None and self.day.date().toPython() != day:
            self.day.blockSignals(True)
            self.day.setDate(QDate(day.year, day.month, day.day))
            self.day.blockSignals(False)
        index = self.setting.findData(self.presenter.get("setting"))
        if index >= 0 and index != self.setting.currentIndex():
            self.setting.blockSignals(True)
            self.setting.setCurrentIndex(index)
            self.setting.blockSignals(False)
        read_only = self.presenter.read_only
        self.day.setReadOnly(read_only)
        self.setting.setEnabled(not read_only)


