"""Input errors: every offending field named by its document path, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails


class InvalidVisit(ValueError):
    """The visit document cannot be computed; `problems` holds (path, message) pairs."""

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in self.problems))

    def lines(self) -> list[str]:
        return [f"{path}: {message}" for path, message in self.problems]


def shown(value: object, limit: int = 40, *, quote: bool = True) -> str:
    """A value someone typed, as a message may repeat it: at most `limit` characters (a 1 MB
    string is not echoed back), and every character that is not printable (a line break, an
    escape sequence, a lone surrogate) escaped as Python writes it, so that a message stays
    one line that any terminal can show."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "..."
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                       for ch in text)
    return f"'{text}'" if quote else text


def format_path(loc: Iterable[str | int]) -> str:
    """('administrations', 0, 'dose_mg') -> 'administrations[0].dose_mg'. A name from the
    document (a key of an extra field or of a fee schedule) is shown() as a value is; a path
    deeper than a message can hold keeps its first and last steps."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = shown(part, 30, quote=False)
            out += f".{name}" if out else name
    if len(out) > 120:
        out = f"{out[:60]}...{out[-40:]}"
    return out or "document"


_MESSAGES = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "too_short": "must have at least one entry",
    "literal_error": None,  # pydantic's own text lists the allowed values
    "date_from_datetime_parsing": "must be a date such as 2026-03-04",
    "date_parsing": "must be a date such as 2026-03-04",
    "date_type": "must be a date such as 2026-03-04",
    "datetime_parsing": "must be a local date-time such as 2026-03-04T09:00",
    "datetime_from_date_parsing": "must be a local date-time such as 2026-03-04T09:00",
    "datetime_type": "must be a local date-time such as 2026-03-04T09:00",
    "model_type": "must be an object",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
    "finite_number": "must be a number (not NaN or infinity)",
}


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "greater_than":
        return f"must be greater than {_num(ctx.get('gt'))}"
    if kind == "greater_than_equal":
        return f"must be at least {_num(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"must be at most {_num(ctx.get('le'))}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "must be a number" if kind.startswith("float") else "must be a whole number"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    fixed = _MESSAGES.get(kind)
    if fixed:
        return fixed
    return error["msg"][0].lower() + error["msg"][1:]


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def from_validation_error(exc: ValidationError) -> InvalidVisit:
    """Turn pydantic's errors into one InvalidVisit with document paths."""
    problems: list[tuple[str, str]] = []
    for error in exc.errors():
        loc = list(error["loc"])
        # A `str | PayerProfile` union reports both branches; name the field once.
        if loc and loc[0] == "payer" and len(loc) > 1 and loc[1] in ("str", "PayerProfile"):
            if loc[1] == "str" and len(loc) == 2:
                continue
            loc = ["payer", *loc[2:]]
        problems.append((format_path(loc), _message(error)))
    return InvalidVisit(problems or [("document", "is not a valid visit document")])
