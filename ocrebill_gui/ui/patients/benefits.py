"""Benefits verifications of a coverage (issue 13, item 5): the list (Patients, Coverage,
Benefits...) and the dialog with every answer the plan gave, checked as it is typed by the
store's own rules (store/benefits.BenefitsFields), so a bad amount is named at its field in
the words a save would use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from ocrebill_gui.core.front_desk_alerts import reverification_standing
from ocrebill_gui.core.catalog import default_catalog
from ocrebill_gui.store import Store, StoreError
from ocrebill_gui.store import benefits as api
from ocrebill_gui.store.accounts import Session
from ocrebill_gui.store.benefits import Benefits, BenefitsFields
from ocrebill_gui.ui.forms import Confirm, DateField, FormGrid, RecordDialog, validator
from ocrebill_gui.ui.models.paged import Column, PagedTableModel
from ocrebill_gui.ui.patients.benefits_text import (
    BENEFITS,
    METHODS,
    cost_share,
    dollars,
    percent_text,
    yes_no,
)
from ocrebill_gui.ui.permissions import gate
from ocrebill_gui.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.style import set_role
from ocrebill_gui.ui.views import fit_columns, fit_height, record_table

Choice = tuple[str, Any]
YES_NO: list[Choice] = [("", None), ("Yes", True), ("No", False)]
MONEY_HINT = "Dollars and cents, e.g. 1,500.00; empty when the plan did not say"


def _combo(choices: Sequence[Choice]) -> QComboBox:
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def _choose(combo: QComboBox, value: Any) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


class BenefitsDialog(RecordDialog):
    """One verification of a coverage: who said what, when, about which drug."""

    MONEY = ("deductible_total", "deductible_remaining", "out_of_pocket_max",
             "out_of_pocket_remaining", "copay")
    TEXT = ("reference", "representative", "site_of_care_rule")
    CHOICES = ("method", "benefit", "buy_and_bill_allowed", "specialty_pharmacy_mandate",
               "in_network", "prior_auth_required")

    def __init__(self, coverage_id: int, products: Sequence[Choice], today: date,
                 save: Callable[[dict[str, Any]], Benefits], parent: QWidget | None = None,
                 benefits: Benefits | None = None) -> None:
        self._coverage_id, self._products, self._today = coverage_id, products, today
        super().__init__("Edit benefits verification" if benefits else
                         "Record benefits verification", save, validator(BenefitsFields),
                         parent)
        if benefits is not None:
            self.show_benefits(benefits)

    def build(self, grid: FormGrid) -> None:
        money = {"deductible_total": "Deductib&le", "deductible_remaining": "Deductible le&ft",
                 "out_of_pocket_max": "Out-of-pocket ma&x",
                 "out_of_pocket_remaining": "Out-of-pocket lef&t"}
        self.product = grid.add("product", "&Drug", _combo(self._products))
        self.verified_on = grid.add("verified_on", "&Verified on", DateField())
        self.verified_on.set_value(self._today)
        self.method = grid.add("method", "&Method", _combo(
            [("", None), *((text, key) for key, text in METHODS.items())]))
        self.reference = grid.add("reference", "&Reference", QLineEdit())
        self.reference.setPlaceholderText("the call's or portal's reference number")
        self.representative = grid.add("representative", "Re&presentative", QLineEdit())
        self.benefit = grid.add("benefit", "&Benefit", _combo(
            [("", None), *((text, key) for key, text in BENEFITS.items())]))
        self.buy_and_bill_allowed = grid.add("buy_and_bill_allowed", "B&uy and bill allowed",
                                             _combo(YES_NO))
        self.specialty_pharmacy_mandate = grid.add(
            "specialty_pharmacy_mandate", "Specialty p&harmacy mandate", _combo(YES_NO))
        self.site_of_care_rule = grid.add("site_of_care_rule", "Site &of care rule",
                                          QLineEdit())
        self.in_network = grid.add("in_network", "&In network", _combo(YES_NO))
        self.money: dict[str, QLineEdit] = {}
        for key, label in money.items():
            self.money[key] = grid.add(key, label, QLineEdit())
            self.money[key].setPlaceholderText("$0.00")
        self.coinsurance_percent = grid.add("coinsurance_percent", "Coi&nsurance %",
                                            QLineEdit())
        self.coinsurance_percent.setPlaceholderText("e.g. 20")
        self.money["copay"] = grid.add("copay", "Cop&ay", QLineEdit(), note=MONEY_HINT)
        self.money["copay"].setPlaceholderText("$0.00")
        self.prior_auth_required = grid.add("prior_auth_required", "PA re&quired",
                                            _combo(YES_NO))
        self.next_verification = grid.add("next_verification", "N&ext re-verification",
                                          DateField(), note="When to ask the plan again")

    def show_benefits(self, benefits: Benefits) -> None:
        found = benefits.verification
        _choose(self.product, benefits.product)
        self.verified_on.set_value(found.verified_on)
        for key in self.CHOICES:
            _choose(getattr(self, key), getattr(found, key))
        for key in self.TEXT:
            getattr(self, key).setText(getattr(found, key) or "")
        for key, field in self.money.items():
            amount = getattr(found, key)
            field.setText("" if amount is None else f"{amount:,.2f}")
        self.coinsurance_percent.setText(percent_text(found.coinsurance_percent).rstrip("%"))
        self.next_verification.set_value(found.next_verification)
        self.grid.reset()
        self.check()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "coverage_id": self._coverage_id, "product": self.product.currentData() or "",
            "verified_on": self.verified_on.value(),
            "next_verification": self.next_verification.value(),
            "coinsurance_percent": self.coinsurance_percent.text()}
        values |= {key: getattr(self, key).currentData() for key in self.CHOICES}
        values |= {key: getattr(self, key).text() for key in self.TEXT}
        values |= {key: field.text() for key, field in self.money.items()}
        return values

    @classmethod
    def ask(cls, parent: QWidget | None, coverage_id: int, products: Sequence[Choice],
            today: date, save: Callable[[dict[str, Any]], Benefits],
            benefits: Benefits | None = None) -> Benefits | None:
        """Show the dialog; the saved verification, or None when cancelled."""
        dialog = cls(coverage_id, products, today, save, parent, benefits)
        return dialog.result_record if dialog.exec() else None


class BenefitsModel(PagedTableModel[Benefits]):
    """A coverage's verifications, the latest first (a handful: one page)."""

    def __init__(self, store: Store, session: Session, coverage_id: int,
                 product_names: dict[str, str], today: date, parent: Any = None) -> None:
        self._store, self._session, self._coverage_id = store, session, coverage_id

        def due(b: Benefits) -> str | None:  # the rule of Today's benefits-due alert
            return reverification_standing(b.next_verification, today)

        columns = [
            Column[Benefits]("Verified", lambda b: b.verified_on.isoformat()),
            Column[Benefits]("Drug", lambda b: product_names.get(b.product, b.product)),
            Column[Benefits]("How", lambda b: METHODS.get(b.verification.method or "", "")),
            Column[Benefits]("Deductible left",
                             lambda b: dollars(b.verification.deductible_remaining)),
            Column[Benefits]("Patient pays", lambda b: cost_share(
                b.verification.model_dump(include={"coinsurance_percent", "copay"}))),
            Column[Benefits]("OOP left",
                             lambda b: dollars(b.verification.out_of_pocket_remaining)),
            Column[Benefits]("PA required",
                             lambda b: yes_no(b.verification.prior_auth_required)),
            Column[Benefits]("Re-verify by", lambda b: b.next_verification.isoformat()
                             if b.next_verification else "", attention=due,
                             tooltip=lambda b: {"error": "Overdue: verify again",
                                                "warning": "Due soon: verify again"}.get(
                                                    due(b) or "")),
        ]
        super().__init__(columns, self._page, parent=parent)

    def _page(self, limit: int, offset: int) -> list[Benefits]:
        if offset:
            return []
        return api.benefits_of(self._store, self._session, self._coverage_id)


class BenefitsListDialog(QDialog):
    """Patients, Coverage, Benefits...: the verifications of the chosen coverage, with Record,
    Edit and Delete for the front desk (coverage.write); read-only for the others."""

    def __init__(self, store: Store, session: Session, coverage_id: int, coverage_text: str,
                 products: Sequence[Choice], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Benefits verifications \u00b7 {coverage_text}")
        self._store, self._session, self._coverage_id = store, session, coverage_id
        self._products, self._today = list(products), today
        shipped = default_catalog().products  # short names: the table fits without scrolling
        names = {value: shipped[value].short if value in shipped else text
                 for text, value in self._products}
        self.model = BenefitsModel(store, session, coverage_id, names, today, self)
        self.view = record_table(self.model, name="benefitsTable",
                                 on_activate=lambda _b: self.edit())
        fit_columns(self.view)
        self.empty = QLabel("No verification recorded for this coverage yet.")
        self.empty.setObjectName("benefitsEmpty")
        set_role(self.empty, "muted")
        self.add_button = QPushButton("&Record verification\u2026")
        self.add_button.setObjectName("addBenefits")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("&Edit\u2026")
        self.edit_button.setObjectName("editBenefits")
        self.edit_button.clicked.connect(self.edit)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setObjectName("deleteBenefits")
        self.delete_button.clicked.connect(self.delete)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        header = self.view.horizontalHeader()  # every column without scrolling sideways
        columns = sum(header.sectionSize(i) for i in range(header.count()))
        self.setMinimumWidth(max(columns + 60, self.fontMetrics().averageCharWidth() * 100))
        self._shown()

    def _shown(self) -> None:
        fit_height(self.view, least=3)
        self.empty.setVisible(self.model.rowCount() == 0)
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        gate(self.add_button, self._session, "coverage.write")
        chosen = self.chosen() is not None
        gate(self.edit_button, self._session, "coverage.write", when=chosen)
        gate(self.delete_button, self._session, "coverage.write", when=chosen)

    def chosen(self) -> Benefits | None:
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _reload(self, select: int | None = None) -> None:
        self.model.reload()
        rows = [b.id for b in self.model.records()]
        if select in rows:
            self.view.selectRow(rows.index(select))
        self._shown()

    def add(self) -> None:
        if not self.add_button.isEnabled():
            return
        saved = BenefitsDialog.ask(
            self, self._coverage_id, self._products, self._today,
            lambda values: api.add_benefits(self._store, self._session, values))
        if saved is not None:
            self._reload(saved.id)

    def edit(self) -> None:
        current = self.chosen()
        if current is None or not self.edit_button.isEnabled():
            return
        saved = BenefitsDialog.ask(
            self, self._coverage_id, self._products, self._today,
            lambda values: api.update_benefits(self._store, self._session, current.id,
                                               values), current)
        if saved is not None:
            self._reload(saved.id)

    def delete(self) -> None:
        current = self.chosen()
        if current is None or not self.delete_button.isEnabled() or not Confirm.ask(
                self, "Delete benefits verification",
                f"Delete the verification of {current.verified_on.isoformat()}? Only one "
                "recorded by mistake should go: record a new one when the plan says "
                "something else."):
            return
        try:
            api.delete_benefits(self._store, self._session, current.id)
        except StoreError as error:
            Confirm.tell(self, "Not deleted", str(error))
            return
        self._reload()

    @classmethod
    def show_for(cls, parent: QWidget | None, store: Store, session: Session,
                 coverage_id: int, coverage_text: str, products: Sequence[Choice],
                 today: date) -> None:
        cls(store, session, coverage_id, coverage_text, products, today, parent).exec()
