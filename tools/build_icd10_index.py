"""Build data/icd10cm-fy2026.tsv.gz, the compact ICD-10-CM index the engine and the app read.

simple-icd-10-cm ships the whole FY2026 tabular list but takes ~1.3 s and ~200 MB to import, too
slow for every `ocrebill compute`. This writes one line per code: CODE, 1 if billable (a leaf)
else 0, and the description (after one empty first line); and the same without descriptions.
Run it again when the package ships a new fiscal year:

    python tools/build_icd10_index.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

import simple_icd_10_cm as icd

DATA = Path(__file__).resolve().parent.parent / "data"
OUT = DATA / "icd10cm-fy2026.tsv.gz"
CODES = DATA / "icd10cm-fy2026-codes.tsv.gz"


def main() -> None:
    rows = []
    seen: set[str] = set()
    for code in icd.get_all_codes(with_dots=True):
        # A block made of one category has that category's code: list each code once.
        if code in seen or not (icd.is_category_or_subcategory(code)
                                or icd.is_extended_subcategory(code)):
            continue
        seen.add(code)
        description = " ".join(icd.get_description(code).split())
        rows.append(f"{code}\t{1 if icd.is_leaf(code) else 0}\t{description}\n")
    rows.sort()
    # A leading newline lets every row, the first included, be found as b"\nCODE\t".
    _write(OUT, "\n" + "".join(rows))
    # Codes and flags only (~1 MB unpacked): all that checking a claim's diagnoses needs.
    _write(CODES, "\n" + "".join(r.rsplit("\t", 1)[0] + "\n" for r in rows))
    billable = sum(r.split("\t")[1] == "1" for r in rows)
    print(f"{OUT}, {CODES.name}: {len(rows)} codes, {billable} billable")


def _write(path: Path, text: str) -> None:
    # mtime=0 keeps the file byte-identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()
