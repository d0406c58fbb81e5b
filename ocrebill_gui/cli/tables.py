"""Plain-text tables a biller can read in a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from ocrebill_gui.core.claim import ClaimResult

SEVERITY_MARK = {"error": "ERROR", "warning": "WARN ", "info": "info "}


def text_table(rows: Sequence[tuple[str, ...]], *,
               right: tuple[int, ...] = (0,)) -> list[str]:
    """Rows as aligned lines (the first row a header, ruled under): columns in `right` are
    aligned right (ids), the others left."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for index, cells in enumerate(rows):
        out.append("  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                             for i, c in enumerate(cells)).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def claim_table(result: ClaimResult) -> str:
    rows = [("Code", "Mod", "Units", "NDC", "Description", "Why")]
    for line in result.lines:
        rows.append((line.code, " ".join(line.modifiers), str(line.units), line.ndc_entry,
                     line.label, line.why))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [f"Place of service {result.place_of_service}", ""]
    for index, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i == 2 else cell.ljust(widths[i])
                 for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    if not result.lines:
        out.append("(no billable lines)")
    out.append("")
    for summary in result.administrations:
        minutes = f"{summary.running_minutes} min" if summary.running_minutes is not None else ""
        out.append(f"  {summary.id}: {summary.product} {summary.role} {summary.family or ''} "
                   f"{minutes}".rstrip())
    out.append("")
    counts = ", ".join(f"{result.count(s)} {s}{'s' if result.count(s) != 1 else ''}"
                       for s in ("error", "warning", "info"))
    out.append(f"Findings: {counts}")
    for finding in result.findings:
        out.append(f"  {SEVERITY_MARK[finding.severity]} {finding.rule}: {finding.message}")
    return "\n".join(out)
