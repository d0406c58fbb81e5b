"""ui/qt.py, the Qt seam, shows mypy the same names it hands out at run time: its
TYPE_CHECKING imports (typed by PySide6's own .pyi stubs) list exactly the names of _NAMES,
each from the same PySide6 module, so no Qt name reaches a ui module as Any."""

from __future__ import annotations

import ast
from pathlib import Path

from ocrebill_gui.ui import qt

SEAM = Path(qt.__file__)


def _type_checking_imports() -> dict[str, set[str]]:
    tree = ast.parse(SEAM.read_text())
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for item in node.body:
                assert isinstance(item, ast.ImportFrom) and item.module, ast.unparse(item)
                names.setdefault(item.module, set()).update(a.asname or a.name
                                                            for a in item.names)
    return names


def test_the_typed_imports_are_the_names_handed_out() -> None:
    expected = {module: set(names) for module, names in qt._NAMES.items()}
    assert _type_checking_imports() == expected
