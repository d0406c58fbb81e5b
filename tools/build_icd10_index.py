"""Build data/icd10cm-fy2026.tsv.gz, the compact ICD-10-CM index the engine and the app read.

simple-icd-10-cm ships the whole FY2026 tabular list but takes ~1.3 s and ~200 MB to import, too
slow for every `ocrebill compute`. This writes one line per code: CODE, 1 if billable (a leaf)
else 0, and the description. Run it again when the package ships a new fiscal year:

    python tools/build_icd10_index.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

import simple_icd_10_cm as icd

OUT = Path(__file__).resolve().parent.parent / "data" / "icd10cm-fy2026.tsv.gz"


def main() -> None:
    rows = []
    for code in icd.get_all_codes(with_dots=True):
        if not (icd.is_category_or_subcategory(code) or icd.is_extended_subcategory(code)):
            continue
        description = " ".join(icd.get_description(code).split())
        rows.append(f"{code}\t{1 if icd.is_leaf(code) else 0}\t{description}\n")
    rows.sort()
    # mtime=0 keeps the file byte-identical between runs.
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write("".join(rows).encode("utf-8"))
    print(f"{OUT}: {len(rows)} codes, {sum(r.split(chr(9))[1] == '1' for r in rows)} billable")


if __name__ == "__main__":
    main()
