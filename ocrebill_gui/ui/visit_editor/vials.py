"""Vials opened for one administration: picked from the vial-lot inventory, flagged when a lot
has expired by the date of service or has fewer vials on hand than this visit opens; a vial
recorded shows the engine's findings about it (expired, lot not recorded).

A lot may also be added without inventory (the catalog's NDC, lot unknown) so that a practice
that does not track stock can still document the vials that drive waste and the NDC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ocrebill_gui.core.catalog import Product
from ocrebill_gui.core.visit import format_ndc
from ocrebill_gui.editing.lots import LotChoice, lot_flags, vial_flags
from ocrebill_gui.editing.presenter import VisitPresenter
from ocrebill_gui.ui.forms import FieldMessage
from ocrebill_gui.ui.qt import (
    QAbstractTableModel,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.views import read_only_table
from ocrebill_gui.ui.visit_editor.palette import severity_color
from ocrebill_gui.ui.visit_editor.typed_vial import TYPED, TypedVialDialog

AnyIndex = QModelIndex | QPersistentModelIndex


class VialsModel(QAbstractTableModel):
    """The vials of one administration, with a Flags column for expired or short lots."""

    COLUMNS = ("NDC", "Lot", "Expires", "mg", "Flags")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[dict, list[str]]] = []

    def set_rows(self, rows: list[tuple[dict, list[str]]]) -> None:
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        vial, flags = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [vial.get("ndc", ""), vial.get("lot") or "\u2014", vial.get("expires") or "",
                    f"{vial.get('mg', '')}", "; ".join(flags)][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and flags and index.column() == 4:
            return severity_color(QApplication.palette(), "warning")
        return None


class VialsWidget(QWidget):
    """Lot picker, Add/Remove buttons and the table of vials opened."""

    def __init__(self, presenter: VisitPresenter, admin_index: int, lots: list[LotChoice],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.admin_index = admin_index
        self.lots = lots
        self.picker = QComboBox(self)
        self.picker.setObjectName("lotPicker")
        self.picker.setToolTip("Vial lots of this product in the inventory; expired lots and "
                               "lots without enough vials on hand are flagged. A patient-"
                               "supplied or free-drug vial: its NDC, lot and expiry typed")
        self.add_button = QPushButton("Add vial", self)
        self.add_button.setObjectName("addVial")
        self.add_button.setToolTip("Add one opened vial of the chosen lot")
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button = QPushButton("Remove vial", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.model = VialsModel(self)
        self.table = read_only_table(self.model, name="vials", parent=self, multi=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(self.fontMetrics().height() * 7)
        self.message = FieldMessage(self)
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        self.setFocusProxy(self.picker)
        self._items: list[tuple[str, LotChoice | str]] = []
        self.refresh()

    def choices(self, product: Product | None, day: date | None = None) -> list[LotChoice]:
        """Usable inventory lots first (soonest expiry first), then the catalog's vial sizes;
        an expired, quarantined or recalled lot last, flagged: never the default choice."""
        own = sorted(self.lots, key=lambda c: (c.expires or date.max, c.lot or ""))
        catalog = [LotChoice(v.ndc, None, None, v.mg) for v in (product.vials if product else [])]
        usable = [c for c in own if c.usable_on(day)]
        return usable + catalog + [c for c in own if not c.usable_on(day)]

    def refresh(self) -> None:
        product = self.presenter.product(self.admin_index)
        day = self.presenter.date_of_service
        opened = self._opened_per_lot()
        on_hand = {c.lot_id: c.on_hand or 0 for c in self.lots if c.lot_id is not None}
        items: list[tuple[str, LotChoice | str]] = [(_choice_text(choice, lot_flags(
            choice, day, opened.get(choice.lot_id, 0) + 1 if choice.lot_id is not None else 0)),
            choice) for choice in self.choices(product, day)]
        supplied = (self.presenter.administrations[self.admin_index].get("source")
                    or "purchased") != "purchased"  # typed first: no stock lot is theirs
        if supplied and product is not None and product.vials:  # typed from the carton
            items.insert(0, (TYPED_TEXT, TYPED))
        if items != self._items:  # rebuilt only when a choice or its flags changed
            self._items = items
            current = self.picker.currentData()
            self.picker.blockSignals(True)
            self.picker.clear()
            for text, choice in items:
                self.picker.addItem(text, choice)
            # The same lot stays chosen; otherwise the first: a usable one when there is one,
            # typing when the vial is patient-supplied or free drug.
            kept = 0 if supplied else next((i for i, (_t, c) in enumerate(items)
                                            if _same_choice(c, current, day)), 0)
            self.picker.setCurrentIndex(kept if items else -1)
            self.picker.blockSignals(False)
        vials = self.presenter.administrations[self.admin_index].get("vials", [])
        path = f"administrations[{self.admin_index}].vials"
        self.model.set_rows([(dict(v), vial_flags(v, on_hand, opened, self.presenter.findings_at(
            f"{path}[{row}]"))) for row, v in enumerate(vials)])
        read_only = self.presenter.read_only
        self.add_button.setEnabled(not read_only and self.picker.count() > 0)
        self.remove_button.setEnabled(not read_only and bool(vials))
        self.picker.setEnabled(not read_only)

    def _opened_per_lot(self) -> dict[int, int]:
        opened: dict[int, int] = {}
        for admin in self.presenter.administrations:
            for vial in admin.get("vials", []):
                if vial.get("lot_id") is not None:
                    opened[vial["lot_id"]] = opened.get(vial["lot_id"], 0) + 1
        return opened

    def add_chosen(self) -> None:
        choice = self.picker.currentData()
        if choice == TYPED:
            self.add_typed()
        elif isinstance(choice, LotChoice):
            self.presenter.add_vial(self.admin_index, choice.vial())

    def add_typed(self) -> None:
        """A vial typed by hand (NDC, lot, expiry): patient-supplied or free drug, not taken
        from the inventory."""
        product = self.presenter.product(self.admin_index)
        if product is None or self.presenter.read_only:
            return
        vial = TypedVialDialog.ask(self, product)
        if vial is not None:
            self.presenter.add_vial(self.admin_index, vial)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.model.rowCount() - 1
        if row >= 0:
            self.presenter.remove_vial(self.admin_index, row)

    def focus_vial(self, path: str) -> None:
        marker = ".vials["
        if marker in path and self.model.rowCount():
            row = min(int(path.split(marker, 1)[1].split("]", 1)[0]), self.model.rowCount() - 1)
            self.table.setCurrentIndex(self.model.index(row, 2 if path.endswith("expires")
                                                        else 1))
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.picker.setFocus(Qt.FocusReason.OtherFocusReason)


TYPED_TEXT = "Type NDC, lot and expiry (patient-supplied or free drug)\u2026"


def _same_choice(choice: LotChoice | str, current: object, day: date | None) -> bool:
    """Whether `choice` is the one chosen before a refresh (a lot still usable, or typing)."""
    if isinstance(choice, LotChoice) and isinstance(current, LotChoice):
        return (choice.lot_id == current.lot_id and choice.ndc == current.ndc
                and choice.lot == current.lot and choice.usable_on(day))
    return choice == TYPED and current == TYPED


def _choice_text(choice: LotChoice, flags: list[str]) -> str:
    if choice.lot_id is None and choice.lot is None:
        return f"{format_ndc(choice.ndc)} \u00b7 {choice.mg:g} mg \u00b7 lot not tracked"
    expires = f" \u00b7 exp {choice.expires.isoformat()}" if choice.expires else ""
    stock = f" \u00b7 {choice.on_hand} on hand" if choice.on_hand is not None else ""
    warning = f"  \u26a0 {', '.join(flags)}" if flags else ""
    return f"Lot {choice.lot} \u00b7 {choice.mg:g} mg{expires}{stock}{warning}"
