"""Does this PySide6 drop a reference to None on every call of a void method?

PySide6 6.12.0 was seen to return None from void methods (QWidget.hide(), ...) without taking
a reference to it on Python 3.11. Each call then leaves None's reference count one lower; the
app calls such methods all day, and after some minutes CPython aborts with
"Fatal Python error: none_dealloc: deallocating None". This script is the evidence behind
the `PySide6-Essentials<6.12` cap in pyproject.toml. Run it with the Python and PySide6 to
check (a throw-away venv is fine):

    python -m venv /tmp/v && /tmp/v/bin/pip install 'PySide6-Essentials==6.12.0'
    QT_QPA_PLATFORM=offscreen /tmp/v/bin/python tools/pyside612_none_refcount.py

It prints None's reference count before and after 100,000 calls of label.hide() and exits
0 when the count held, 1 when it fell, and is killed by SIGABRT when the count reaches zero
before the loop ends (the crash itself). Python 3.12 and newer make None immortal (PEP 683):
there the count cannot fall and the bug cannot show, whatever the PySide6.
"""

from __future__ import annotations

import os
import sys

CALLS = 100_000


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import PySide6
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([])
    label = QLabel("x")
    before = sys.getrefcount(None)
    print(f"Python {sys.version.split()[0]}, PySide6 {PySide6.__version__}: None's reference "
          f"count {before}, calling label.hide() {CALLS:,} times", flush=True)
    for _ in range(CALLS):
        label.hide()
    after = sys.getrefcount(None)
    lost = before - after
    print(f"None's reference count after the calls: {after}")
    del app
    if lost >= CALLS // 2:  # other objects come and go; a leak per call is unmistakable
        print(f"BROKEN: {lost:,} references to None lost, about one per call")
        return 1
    print("fine: void methods keep None's reference count")
    return 0


if __name__ == "__main__":
    sys.exit(main())
