"""One administration as a card: product, route, dose, drug source, vials and the timeline.

The card writes every change to the presenter and redraws from it; it registers its fields
by document path so that messages appear beside them and findings can focus them.
"""

from __future__ import annotations

from ocrebill_gui.core.long_infusion import LongRun, long_run
from ocrebill_gui.editing.lots import LotChoice
from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.ui.clock import Clock
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.visit_editor.fields import FieldRegistry
from ocrebill_gui.ui.visit_editor.timeline import RunningBanner, TimelineWidget
from ocrebill_gui.ui.visit_editor.typed_number import TypedNumber
from ocrebill_gui.ui.visit_editor.vials import VialsWidget

ROUTES = {"iv_infusion": "IV infusion", "iv_push": "IV push", "subcutaneous": "Subcutaneous",
          "intramuscular": "Intramuscular", "oral": "Oral"}
# What the "Primary reason for the visit" mark does in each setting (spec 5, R1, R12, R15).
_CHOOSES = ("the administration marked here is the initial service (e.g. 96365) and the others "
            "are coded after it. Mark one when several drugs were given: unmarked, the "
            "hierarchy decides and the claim asks for a mark. One per visit.")
PRIMARY_TIPS = {
    "office": f"Office: {_CHOOSES}",
    "home": f"Home: {_CHOOSES}",
    "hospital_outpatient": "Hospital outpatient: the hierarchy chooses the initial service "
                           "(complex > therapeutic > hydration, infusion > push); this mark "
                           "only breaks a tie between equal services. One per visit.",
}
PRIMARY_TIP = ("The primary reason for the encounter: in the office and at home it is the "
               "initial service; in hospital outpatient it breaks a tie. One per visit.")

SOURCES = {"purchased": "Purchased (buy and bill)",
           "patient_supplied": "Patient / specialty pharmacy",
           "free_drug_program": "Free drug program", "trial_sponsor": "Clinical-trial sponsor"}


def _number_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _set_combo(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    if index >= 0 and index != combo.currentIndex():
        combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)


class AdministrationCard(QGroupBox):
    """Everything recorded about one administration."""

    remove_requested = Signal(int)

    def __init__(self, presenter: VisitPresenter, index: int, clock: Clock,
                 lots: list[LotChoice], registry: FieldRegistry,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.index = index
        self.setObjectName(f"administration_{index}")
        path = f"administrations[{index}]"
        catalog = presenter.catalog

        self.product = QComboBox(self)
        self.product.setObjectName("product")
        for product in catalog.products.values():
            self.product.addItem(product.name, product.id)
        self.product.currentIndexChanged.connect(self._product_chosen)
        self.route = QComboBox(self)
        self.route.setObjectName("route")
        self.route.currentIndexChanged.connect(
            lambda _i: presenter.set(f"{path}.route", self.route.currentData()))
        self.remove = QPushButton("Remove", self)
        self.remove.setToolTip("Remove this administration from the visit")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self.index))

        self.dose = QLineEdit(self)
        self.dose.setObjectName("dose")
        self.dose.setPlaceholderText("mg given")
        self.dose.setToolTip("The amount administered, in mg")
        self.dose.setMaximumWidth(self.fontMetrics().horizontalAdvance("000000 mg given") + 20)
        self.dose_typing = TypedNumber(self.dose, presenter, f"{path}.dose_mg")
        self.dose_message = FieldMessage(self)
        self.source = QComboBox(self)
        self.source.setObjectName("source")
        for key, name in SOURCES.items():
            self.source.addItem(name, key)
        self.source.currentIndexChanged.connect(
            lambda _i: presenter.set(f"{path}.source", self.source.currentData()))
        self.primary = QCheckBox("Primary reason for the visit", self)
        self.primary.setObjectName("primary")
        self.primary.toggled.connect(lambda on: presenter.set_primary(self.index, on))

        self.vials = VialsWidget(presenter, index, lots, self)
        self.timeline = TimelineWidget(presenter, index, clock, self)
        self.clock = clock
        self.long_run: LongRun | None = None
        self.long_banner = RunningBanner(self)  # running past the label's time plus an hour
        self.long_banner.setObjectName("longRunBanner")
        self.timeline.ticker.timeout.connect(self._show_long_run)  # every second it runs
        self.message = FieldMessage(self)

        top = QHBoxLayout()
        top.addWidget(self.product, 2)
        top.addWidget(self.route, 1)
        top.addWidget(self.remove)
        dose_row = QHBoxLayout()
        dose_row.addWidget(self.dose)
        dose_row.addWidget(QLabel("mg", self))
        dose_row.addWidget(self.dose_message, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        # Alt+letters for the card being worked in only (show_mnemonics): unique in the window.
        self._mnemonics = [(QLabel("Dose", self), "&Dose", self.dose),
                           (QLabel("Drug source", self), "Drug &source", self.source),
                           (QLabel("Vials", self), "Via&ls", self.vials.picker),
                           (self.timeline.at_label, "&At", self.timeline.time_box)]
        for label, _text, buddy in self._mnemonics:
            label.setBuddy(buddy)
        form.addRow(self._mnemonics[0][0], dose_row)
        form.addRow(self._mnemonics[1][0], self.source)
        form.addRow("", self.primary)
        form.addRow(self._mnemonics[2][0], self.vials)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.long_banner)
        layout.addWidget(self.timeline)

        registry.register(path, self.product, self.message)
        registry.register(f"{path}.product", self.product, self.message)
        registry.register(f"{path}.route", self.route, self.message)
        registry.register(f"{path}.dose_mg", self.dose, self.dose_message)
        registry.register(f"{path}.source", self.source, self.message)
        registry.register(f"{path}.primary", self.primary, self.message, self._focus_primary)
        registry.register(f"{path}.vials", self.vials.picker, self.vials.message,
                          self.vials.focus_vial)
        registry.register(f"{path}.events", self.timeline.events_view, self.timeline.message,
                          self.timeline.focus_events)
        QWidget.setTabOrder(self.product, self.route)
        QWidget.setTabOrder(self.route, self.dose)
        QWidget.setTabOrder(self.dose, self.source)
        QWidget.setTabOrder(self.source, self.primary)
        QWidget.setTabOrder(self.primary, self.vials.picker)
        self.refresh()

    def _focus_primary(self, _path: str) -> None:
        """A finding asks for the mark: focus the box as the keyboard would, so that its
        focus frame shows where to look (after a mouse click the style draws none)."""
        self.primary.setFocus(Qt.FocusReason.TabFocusReason)
        QTimer.singleShot(0, self.primary, self._show_focus_frame)  # after the click is done

    def _show_focus_frame(self) -> None:
        self.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
        self.primary.update()

    def _product_chosen(self, _index: int) -> None:
        product_id = self.product.currentData()
        if product_id:
            self.presenter.change_product(self.index, product_id)

    def show_mnemonics(self, on: bool) -> None:
        """Alt+D (dose), Alt+S (source), Alt+L (vials), Alt+A (the time) for this card, or
        none (another card is the one in use)."""
        for label, text, _buddy in self._mnemonics:
            label.setText(text if on else text.replace("&", ""))

    def refresh(self) -> None:
        """Redraw from the presenter's document."""
        admin = self.presenter.administrations[self.index]
        product = self.presenter.product(self.index)
        self.setTitle(f"{self.index + 1}. {product.name if product else admin.get('product')}")
        _set_combo(self.product, admin.get("product"))
        routes = product.routes if product else list(ROUTES)
        if [self.route.itemData(i) for i in range(self.route.count())] != list(routes):
            self.route.blockSignals(True)
            self.route.clear()
            for route in routes:
                self.route.addItem(ROUTES[route], route)
            self.route.blockSignals(False)
        _set_combo(self.route, admin.get("route"))
        _set_combo(self.source, admin.get("source", "purchased"))
        typed = self.dose.text().strip().replace(",", "")  # keep the text while it is typed
        if not self.dose_typing.busy and typed != _number_text(admin.get("dose_mg")):
            self.dose.setText(_number_text(admin.get("dose_mg")))
        self.primary.blockSignals(True)
        self.primary.setChecked(bool(admin.get("primary")))
        self.primary.blockSignals(False)
        self.primary.setToolTip(PRIMARY_TIPS.get(self.presenter.get("setting"), PRIMARY_TIP))
        hydration = product is not None and product.role == "hydration"
        self.dose.setPlaceholderText("optional" if hydration else "mg given")
        read_only = self.presenter.read_only
        for widget in (self.product, self.route, self.source, self.primary, self.remove):
            widget.setEnabled(not read_only)
        self.dose.setReadOnly(read_only)
        self.vials.refresh()
        self.timeline.refresh()
        self._show_long_run()

    def _show_long_run(self) -> None:
        """Flag an infusion running past its label's longest run plus an hour (not once the
        visit is finalized: its banner says Amend)."""
        admin = self.presenter.administrations[self.index] \
            if self.index < len(self.presenter.administrations) else {}
        run = None if self.presenter.read_only else long_run(
            admin, self.presenter.product(self.index), self.clock.now())
        if run != self.long_run:
            self.long_run = run
            self.long_banner.show_text(run.text() if run else None)

