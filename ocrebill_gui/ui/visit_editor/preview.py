"""The live superbill preview beside the editor: summary strip, claim lines, findings.

It shows whatever ClaimResult the presenter holds. While the form cannot be computed the last
good result stays visible but greyed, under a line that says why, never a traceback.
"""

from __future__ import annotations

from typing import TypedDict

from ocrebill_gui.core.claim import ClaimResult
from ocrebill_gui.ui.qt import (
    QAbstractItemView,
    QFontMetrics,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListView,
    QModelIndex,
    QPainter,
    QPalette,
    QSize,
    QSizePolicy,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ocrebill_gui.ui.style import set_tone
from ocrebill_gui.ui.visit_editor.preview_models import ClaimLinesModel, FindingsModel


class SummaryNumbers(TypedDict):
    drug_units: dict[str, int]  # billed units by drug code, most first
    wasted_units: int
    infusion_minutes: int
    untimed: int
    running: int
    errors: int
    warnings: int
    infos: int


def summary_numbers(result: ClaimResult) -> SummaryNumbers:
    """Drug units per drug code (administered; waste apart), infusion minutes, the infusions
    still running or not timed yet, and finding counts."""
    units: dict[str, int] = {}
    wasted = 0
    for line in result.lines:
        if not line.code[:1].isalpha():
            continue
        if "JW" in line.modifiers:
            wasted += line.units
        else:
            units[line.code] = units.get(line.code, 0) + line.units
    timed = [a for a in result.administrations if a.running_minutes is not None]
    untimed = [a for a in result.administrations  # timed services whose times are unusable
               if a.running_minutes is None and a.role == "not_coded" and a.family]
    return {
        "drug_units": dict(sorted(units.items(), key=lambda item: -item[1])),
        "wasted_units": wasted,
        "infusion_minutes": sum(a.running_minutes or 0 for a in timed),
        "untimed": len(untimed),
        "running": sum(1 for f in result.findings if f.rule == "timeline-no-stop"),
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "infos": result.count("info"),
    }


def summary_text(numbers: SummaryNumbers, place_of_service: str) -> tuple[str, str]:
    """Two short lines: 'Drug units: J2350 600, J2930 1 (+ 60 wasted)' and
    'Infusion: 210 min · POS 11'."""
    drugs = ", ".join(f"{code} {count}" for code, count in numbers["drug_units"].items())
    units = f"Drug units: {drugs or 'none billed'}"
    if numbers["wasted_units"]:
        units += f" (+ {numbers['wasted_units']} wasted)"
    time = f"Infusion: {numbers['infusion_minutes']} min"
    if numbers["running"]:  # its minutes count once it is stopped
        time += f" + {numbers['running']} without a stop yet"
    if numbers["untimed"]:
        time += f" + {numbers['untimed']} without usable times"
    return units, f"{time} \u00b7 POS {place_of_service}"


def section_title(text: str) -> QLabel:
    """A panel's title: bold, 1.2 times the font."""
    title = QLabel(text)
    title.setObjectName("sectionTitle")
    font = title.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    title.setFont(font)
    return title


class QuietLabel(QWidget):
    """A one-line label that repaints itself on a new text without asking its parents for a
    new layout (a QLabel would; in the preview that relaid the whole window on every edit).
    Long text is elided; the whole text is in the tooltip and the accessible name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() + 2)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - reads like QLabel's
        if text != self._text:
            self._text = text
            self.setToolTip(text)
            self.setAccessibleName(text)
            self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                              self.width())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         shown)


class SummaryStrip(QFrame):
    """One line of the numbers a biller checks first.

    Its size never depends on the numbers (fixed height, labels that do not ask for more
    width), so a new result repaints the strip alone instead of laying out the whole window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryStrip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QGridLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setVerticalSpacing(2)
        self.numbers = QuietLabel()
        self.numbers.setObjectName("summaryNumbers")
        self.times = QuietLabel()
        self.times.setObjectName("summaryTimes")
        self.errors = QLabel()
        self.errors.setObjectName("summaryErrors")
        self.warnings = QLabel()
        self.warnings.setObjectName("summaryWarnings")
        bold = self.errors.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        for label in (self.errors, self.warnings):
            label.setFont(bold)
            label.setFixedSize(metrics.horizontalAdvance("999 warnings") + 4,
                               metrics.lineSpacing() + 2)  # fixed both ways: no relayout
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.numbers, 0, 0)
        layout.addWidget(self.times, 1, 0)
        layout.addWidget(self.errors, 0, 1)
        layout.addWidget(self.warnings, 1, 1)
        layout.setColumnStretch(0, 1)
        for label in (self.errors, self.warnings):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.setFixedHeight(metrics.lineSpacing() * 2 + 18)

    def show_result(self, result: ClaimResult | None) -> None:
        if result is None:
            self.errors.setText("")
            self.warnings.setText("")
            self.numbers.setText("Nothing to bill yet")
            self.times.setText("")
            return
        numbers = summary_numbers(result)
        units, times = summary_text(numbers, result.place_of_service)
        self.numbers.setText(units)
        self.times.setText(times)
        self._count(self.errors, numbers["errors"], "error")
        self._count(self.warnings, numbers["warnings"], "warning")

    def _count(self, label: QLabel, count: int, severity: str) -> None:
        label.setText(f"{count} {severity}{'s' if count != 1 else ''}")
        set_tone(label, severity if count else "muted")  # the same tone again: no repaint


class PreviewPanel(QWidget):
    """Claim lines and findings; emits finding_activated(path) when a finding is clicked."""

    finding_activated = Signal(str, str)  # (field path or "", administration id or "")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("superbillPreview")
        self.lines_model = ClaimLinesModel(self)
        self.findings_model = FindingsModel(self)

        title = section_title("Superbill preview")
        font = title.font()
        self.stale_note = QLabel()
        self.stale_note.setObjectName("staleNote")
        self.stale_note.setWordWrap(True)
        self.stale_note.hide()
        self.summary = SummaryStrip(self)

        self.lines_view = QTableView(self)
        self.lines_view.setObjectName("claimLines")
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.setWordWrap(True)
        self.lines_view.verticalHeader().hide()
        header = self.lines_view.horizontalHeader()
        for column in range(ClaimLinesModel.DESCRIPTION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ClaimLinesModel.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        # Two text lines per claim line (description, then why): a fixed height, so that an
        # edit does not make the view measure every cell again (the tooltip has it all).
        rows = self.lines_view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 10)

        findings_title = QLabel("Findings")
        findings_title.setFont(font)
        self.findings_view = QListView(self)
        self.findings_view.setObjectName("findings")
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setWordWrap(True)
        self.findings_view.setUniformItemSizes(False)
        self.findings_view.setSpacing(2)
        self.findings_view.setIconSize(QSize(20, 20))
        self.findings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_view.setToolTip("Click a finding (or press Enter) to go to its field")
        self.findings_view.clicked.connect(self._activate)
        self.findings_view.activated.connect(self._activate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.stale_note)
        layout.addWidget(self.lines_view, 3)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("findingExplanation")
        self.explanation.setWordWrap(True)
        set_tone(self.explanation, "muted")
        self.findings_view.selectionModel().currentChanged.connect(self._explain)
        self.findings_model.modelReset.connect(lambda: self.explanation.setText(""))
        layout.addWidget(findings_title)
        layout.addWidget(self.findings_view, 2)
        layout.addWidget(self.explanation)

    def show_result(self, result: ClaimResult | None, *, stale: bool, problem_count: int) -> None:
        """Display a claim result; `stale` greys it and says the form needs fixing first."""
        self.lines_model.set_lines(result.lines if result else [])
        self.findings_model.set_findings(result.findings if result else [])
        self.summary.show_result(result)
        for view in (self.lines_view, self.findings_view, self.summary):  # greyed when stale
            view.setEnabled(not stale)
        if stale:
            fields = f"{problem_count} field{'s' if problem_count != 1 else ''}"
            before = "the last computable version, greyed" if result else "nothing yet"
            self.stale_note.setText(f"Not up to date: fix the {fields} marked in the form "
                                    f"(showing {before}).")
            set_tone(self.stale_note, "warning")
        self.stale_note.setVisible(stale)

    def set_explanations(self, explanations: dict[str, str]) -> None:
        """What each finding rule means (the findings catalog), shown for the current one."""
        self.findings_model.explanations = dict(explanations)

    def _explain(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.explanation.setText("")
            return
        finding = self.findings_model.finding(current.row())
        text = self.findings_model.explanation(current.row())
        self.explanation.setText(f"{finding.rule}: {text}" if text else "")

    def _activate(self, index: QModelIndex) -> None:
        finding = self.findings_model.finding(index.row())
        self.finding_activated.emit(finding.field or "", finding.administration or "")
