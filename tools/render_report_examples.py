"""Render the example PDFs and their page images committed under docs/reports/.

Both documents are of the same visit (the shared example with a JW waste line): the superbill
shows its drug, waste and administration lines, the checklist items done and items that need
attention. Both use the demo practice and a fixed print time, so the files only change when the
documents do. Needs poppler's pdftoppm for the PNGs:

    .venv/bin/python tools/render_report_examples.py
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

from ocrebill_gui.core import compute
from ocrebill_gui.core.engine import parse_visit
from ocrebill_gui.core.practice import demo_practice
from ocrebill_gui.reports import render_pdf, write_pdf

ROOT = Path(__file__).resolve().parent.parent
VISITS = ROOT / "tests" / "fixtures" / "visits"
OUT = ROOT / "docs" / "reports"
EXAMPLE = "05-waste-jw-line"  # one visit for both documents, as a biller prints them
EXAMPLES = {"superbill": EXAMPLE, "checklist": EXAMPLE}
PRINTED_AT = datetime(2026, 3, 4, 16, 30)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, example in EXAMPLES.items():
        document = parse_visit(json.loads((VISITS / f"{example}.json").read_text()))
        data = render_pdf(kind, document, compute(document), demo_practice(),
                          printed_at=PRINTED_AT)
        pdf = write_pdf(data, OUT / f"{kind}.pdf", force=True)  # regenerated in place
        for old in OUT.glob(f"{kind}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(OUT / kind)], check=True)
        pages = sorted(OUT.glob(f"{kind}-*.png"))
        print(f"{pdf.relative_to(ROOT)} ({example}): {len(pages)} page(s), "
              + ", ".join(p.name for p in pages))


if __name__ == "__main__":
    main()
