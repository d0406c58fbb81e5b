"""Document paths ("administrations[0].vials[1].expires"): read, write and relate them.

The engine names every finding and every input problem by such a path; the editor uses the same
paths to store edits and to find the widget a message belongs to. Pure Python.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Key = str | int


def split(path: str) -> list[Key]:
    """'administrations[0].dose_mg' -> ['administrations', 0, 'dose_mg']."""
    return [int(index) if index else name for name, index in _TOKEN.findall(path)]


def join(keys: list[Key]) -> str:
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def get(document: Any, path: str, default: Any = None) -> Any:
    node = document
    for key in split(path):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def put(document: dict, path: str, value: Any) -> None:
    """Set the value at `path` (None removes a dict key), creating dicts on the way."""
    keys = split(path)
    node: Any = document
    for key in keys[:-1]:
        if isinstance(key, str) and key not in node:
            node[key] = {}
        node = node[key]
    last = keys[-1]
    if value is None and isinstance(last, str):
        node.pop(last, None)
    else:
        node[last] = value


def parents(path: str) -> list[str]:
    """The path and its ancestors, longest first: a.b[1].c, a.b[1], a.b, a."""
    keys = split(path)
    return [join(keys[:n]) for n in range(len(keys), 0, -1)]
