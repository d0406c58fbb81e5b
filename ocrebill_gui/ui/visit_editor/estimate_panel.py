"""The visit editor's Expected payment panel, below the superbill preview (issue 16, item 3).

Read-only: per claim line the allowed amount, what the payer is expected to pay and the
patient's share, the totals (marked partial when a line has no price), what the co-pay
programme is expected to cover, and the chosen line's sources (ASP quarter, fee schedule,
payer profile, benefits verification). It follows the presenter: every change of the visit
re-estimates it with what was read of the database when the visit was opened
(editing/estimating.py), so typing stays quick. Keyboard: Tab reaches the lines; the arrow keys
choose a line and its sources show below.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ocrebill_gui.core.estimate import Estimate, EstimateLine
from ocrebill_gui.editing.estimating import EditorEstimator, Unavailable
from ocrebill_gui.ui.qt import (
    QHeaderView,
    QLabel,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ocrebill_gui.ui.style import set_tone
from ocrebill_gui.ui.views import read_only_table
from ocrebill_gui.ui.visit_editor.preview import QuietLabel, section_title
from ocrebill_gui.ui.visit_editor.preview_models import PreparedRowsModel

if TYPE_CHECKING:
    from ocrebill_gui.ui.visit_editor.editor import VisitEditor


def money(amount: Decimal | None) -> str:
    """'$35,757.60'; 'no price' when unknown."""
    return "no price" if amount is None else f"${amount:,.2f}"


def sources_text(line: EstimateLine) -> str:
    """Where each amount of a line comes from, one per line."""
    parts = [f"{line.code}{' ' + ' '.join(line.modifiers) if line.modifiers else ''}: "
             f"allowed: {line.allowed_source}"]
    if line.payment_source:
        parts.append(f"payer: {line.payment_source}")
    if line.patient_source:
        parts.append(f"patient: {line.patient_source}")
    return "\n".join(parts)


def total_of(result: Estimate, name: str) -> Decimal | None:
    """A total of the estimate, None when no line has that amount (unknown, not $0.00)."""
    if all(getattr(line, name) is None for line in result.lines):
        return None
    return getattr(result.totals, name)


def totals_text(result: Estimate) -> str:
    def shown(name: str) -> str:
        amount = total_of(result, name)
        return "unknown" if amount is None else money(amount)

    text = (f"Total{' (partial)' if result.partial else ''}: allowed {shown('allowed')}, "
            f"payer {shown('payer_pays')}, patient {shown('patient_share')}")
    if result.method == "medicare_part_b":
        text += f" (sequestration {shown('sequestration')})"
    return text


def programme_text(result: Estimate) -> str:
    cover = result.programme
    if cover is None:
        return ""
    if not cover.eligible:
        return f"{cover.name}: not eligible"
    return (f"{cover.name}: covers {money(cover.total)}; the patient then owes "
            f"{money(result.patient_after_programme)}")


class EstimateLinesModel(PreparedRowsModel):
    """The estimate's lines: code and modifiers, units, allowed, payer, patient; the sources
    in the tooltip."""

    COLUMNS = ("Code", "Units", "Allowed", "Payer", "Patient")
    RIGHT = frozenset({1, 2, 3, 4})

    def rows_of(self, items: list[Any]) -> tuple[list[tuple[str, ...]], list[str | None]]:
        return ([(f"{x.code} {' '.join(x.modifiers)}".strip(), str(x.units), money(x.allowed),
                  _or_dash(x.payer_pays, x.allowed), _or_dash(x.patient_share, x.allowed))
                 for x in items], [sources_text(x) for x in items])

    def set_lines(self, lines: list[EstimateLine]) -> None:
        self.set_items(lines)

    def line(self, row: int) -> EstimateLine:
        return self._items[row]


def _or_dash(amount: Decimal | None, allowed: Decimal | None) -> str:
    """A share: the amount, 'unknown' when the line is priced but the split is not known."""
    if amount is None:
        return "-" if allowed is None else "unknown"
    return money(amount)


class EstimatePanel(QWidget):
    """Expected payment of the visit open in `editor`: the editor calls `refresh` whenever it
    redraws (every change of the visit, its patient or coverage)."""

    def __init__(self, editor: VisitEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("estimatePanel")
        self.editor = editor
        self.estimator = EditorEstimator(editor.store, editor.session)
        self.result: Estimate | None = None
        self.model = EstimateLinesModel(self)
        title = section_title("Expected payment")
        self.lines_view = read_only_table(self.model, name="estimateLines", parent=self)
        self.lines_view.setAccessibleName("Expected payment per claim line")
        self.lines_view.setTabKeyNavigation(False)
        header = self.lines_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)  # every column stretches already
        rows = self.lines_view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        self.totals = QuietLabel(self)
        self.totals.setObjectName("estimateTotals")
        bold = self.totals.font()
        bold.setBold(True)
        self.totals.setFont(bold)
        self.programme = QuietLabel(self)
        self.programme.setObjectName("estimateProgramme")
        self.sources = QLabel(self)
        self.sources.setObjectName("estimateSources")
        self.sources.setWordWrap(True)
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_tone(self.sources, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addWidget(title)
        layout.addWidget(self.lines_view, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.programme)
        layout.addWidget(self.sources)
        self.lines_view.selectionModel().currentRowChanged.connect(self._show_sources)
        self.model.modelReset.connect(self._show_sources)

    def refresh(self) -> None:
        """Estimate the editor's visit as it is now."""
        editor = self.editor
        presenter = editor.presenter
        patient = getattr(editor, "patient", None)
        found = self.estimator.estimate(
            presenter.document, None if presenter.stale else presenter.result,
            catalog=presenter.catalog, patient_id=getattr(patient, "patient_id", None),
            coverage_id=getattr(patient, "coverage_id", None), visit_id=editor.visit_id)
        if isinstance(found, Unavailable):
            self.result = None
            self.model.set_lines([])
            self.totals.setText(found.reason)
            self.programme.setText("")
            self._show_sources()
            return
        self.result = found
        self.model.set_lines(found.lines)
        self.totals.setText(totals_text(found))
        set_tone(self.totals, "warning" if found.partial else "")
        self.programme.setText(programme_text(found))
        self._show_sources()

    def _show_sources(self, *_args: object) -> None:
        """The chosen line's sources, else the estimate's notes."""
        index = self.lines_view.currentIndex()
        if index.isValid() and index.row() < self.model.rowCount():
            text = sources_text(self.model.line(index.row()))
        else:
            notes = self.result.notes if self.result is not None else []
            text = "\n".join(notes) or "Choose a line to see where its amounts come from."
        self.sources.setText(text)
