"""Segments as tuples of elements, and their text: `*` between elements, `:` between the parts
of a composite, `~` after each segment (a newline after it too, for people reading the file)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
TERMINATOR = "~"
_DELIMITERS = re.compile(r"[*:^~\r\n]")

Segment = tuple[str, ...]


@lru_cache(maxsize=8192)
def clean(value: object) -> str:
    """A data value with no delimiter in it (a '*' in a name would split the element), without
    the whitespace X12 does not want at its ends, in ASCII. Cached: a batch repeats its names,
    NPIs and codes on every claim and line."""
    text = _DELIMITERS.sub(" ", str(value))
    if not text.isascii():  # X12's character set is ASCII: "Núñez" goes as "Nunez"
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def seg(tag: str, *elements: object) -> Segment:
    """A segment; trailing empty elements are dropped, as X12 requires."""
    values = [clean(e) if not isinstance(e, Composite) else str(e) for e in elements]
    while values and values[-1] == "":
        values.pop()
    return (tag, *values)


class Composite(str):
    """A composite element, already joined with ':' (its parts cleaned)."""


def composite(*parts: object) -> Composite:
    values = [clean(p) for p in parts]
    while values and values[-1] == "":
        values.pop()
    return Composite(COMPONENT.join(values))


def d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def render(segments: Iterable[Segment], *, newline: bool = True) -> str:
    end = TERMINATOR + ("\n" if newline else "")
    return "".join(ELEMENT.join(s) + end for s in segments)
