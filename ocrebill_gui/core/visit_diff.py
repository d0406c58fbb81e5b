"""The differences between two visit documents, by document path, and putting one side back.

A save refused because someone else saved the visit first (VisitChanged) leaves the editor
with the user's document ("yours") and the stored one ("saved now"): `differences` lists each
path where they differ, and `reapply` writes one of yours onto the reloaded document. A dict
key or list item only one side has is one difference (the whole item); lists of plain values
(diagnosis codes) are compared whole. Pure Python: no Qt.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

MISSING = None  # what a side that lacks the path shows


@dataclass(frozen=True)
class Difference:
    path: str
    yours: Any
    theirs: Any


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _plain_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, dict | list) for v in value)


def differences(yours: Any, theirs: Any, path: str = "") -> list[Difference]:
    """Every path where `yours` and `theirs` differ, in document order (yours first)."""
    if yours == theirs:
        return []
    if isinstance(yours, dict) and isinstance(theirs, dict):
        out: list[Difference] = []
        for key in [*yours, *(k for k in theirs if k not in yours)]:
            out += differences(yours.get(key), theirs.get(key), _child(path, key))
        return out
    if (isinstance(yours, list) and isinstance(theirs, list)
            and not (_plain_list(yours) and _plain_list(theirs))):
        out = []
        for index in range(max(len(yours), len(theirs))):
            mine = yours[index] if index < len(yours) else MISSING
            saved = theirs[index] if index < len(theirs) else MISSING
            out += differences(mine, saved, _child(path, index))
        return out
    return [Difference(path, copy.deepcopy(yours), copy.deepcopy(theirs))]


def _split(path: str) -> list[str | int]:
    keys: list[str | int] = []
    for part in path.replace("[", ".[").split("."):
        if part:
            keys.append(int(part[1:-1]) if part.startswith("[") else part)
    return keys


def reapply(document: dict[str, Any], difference: Difference) -> None:
    """Write your value of `difference` into `document` (the reloaded one), in place: a key
    you did not have is removed, a list item only you had is appended, one only the saved
    document has is removed. Raises ValueError when the path no longer fits the document."""
    keys = _split(difference.path)
    node: Any = document
    try:
        for key in keys[:-1]:
            node = node[key]
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"{difference.path}: no longer in the visit as saved now") from exc
    last, value = keys[-1], copy.deepcopy(difference.yours)
    if isinstance(node, dict) and isinstance(last, str):
        if value is MISSING:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int):
        if last < len(node):
            if value is MISSING:
                del node[last]
            else:
                node[last] = value
        elif value is not MISSING:
            node.append(value)
    else:
        raise ValueError(f"{difference.path}: no longer in the visit as saved now")
