"""The app's log: a rotating file in the user log folder, and Python's fault handler beside it.

    start_logging()   # once, when the app starts: ocrebill.log (+ .1 .. .4) and crash.log

The folder is platformdirs' user log folder for OcreBill (~/.local/state/OcreBill/log on
Linux, ~/Library/Logs/OcreBill, %LOCALAPPDATA%\\OcreBill\\Logs), or $OCREBILL_LOG_DIR. Every
file is 0600 in a 0700 folder. The log says what happened by id (visit 12, patient 7, the
staff login), never with patient data: the code logs ids only, and `PatientDataFilter` is the
net under that habit. It takes out of every record (its message and its traceback) whatever
was registered with `keep_out()` (the app registers the patient of each visit it opens) and,
in the message of an exception, any quoted text: the value an exception quotes
(`KeyError('Rivera, Ana')`, `invalid literal for int(): '9x0'`) may be anything typed.

`faulthandler` writes a hard crash (a segfault in Qt, an abort) with every thread's stack to
crash.log: the packaged app has no console for it to go to. No Qt here (ui/crash.py shows the
dialog), so the command line could use it too.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import re
import sys
import threading
import traceback
from dataclasses import dataclass
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO

from ocrebill_gui.files import POSIX, PRIVATE_FILE, private_folder

LOG_NAME = "ocrebill.log"
CRASH_NAME = "crash.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
# 'text' or "text" in an exception's message: the values it quotes.
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")

log = logging.getLogger("ocrebill")


def log_dir() -> Path:
    """Where the log files go: $OCREBILL_LOG_DIR, else the user log folder (not created)."""
    override = os.environ.get("OCREBILL_LOG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("OcreBill", appauthor=False))


# -- keeping patient data out ------------------------------------------------------------------

_kept_out: set[str] = set()
_kept_out_lock = threading.Lock()
_KEEP_OUT_LIMIT = 2000  # the patients of the visits opened in one run: a handful


def keep_out(*texts: str | None) -> None:
    """Never write these (a patient's name, MRN, member id) to the log, in any case."""
    with _kept_out_lock:
        for text in texts:
            if text and len(text.strip()) >= 4 and len(_kept_out) < _KEEP_OUT_LIMIT:
                _kept_out.add(text.strip().casefold())


def forget_kept_out() -> None:
    """Tests: start from an empty list."""
    with _kept_out_lock:
        _kept_out.clear()


def scrub(text: str) -> str:
    """`text` with every registered value replaced by <redacted>."""
    with _kept_out_lock:
        values = sorted(_kept_out, key=len, reverse=True)
    for value in values:
        if value in text.casefold():
            text = re.sub(re.escape(value), REDACTED, text, flags=re.IGNORECASE)
    return text


def scrub_quoted(text: str) -> str:
    """`text` with every quoted value replaced by '<redacted>' (for exception messages)."""
    return _QUOTED.sub(f"'{REDACTED}'", text)


def exception_text(error: BaseException) -> str:
    """The traceback of `error` for the log or a bug report: the code's lines as they are,
    the messages of the exceptions without their quoted values or registered patient data."""
    lines: list[str] = []
    for part in traceback.TracebackException.from_exception(error).format():
        if part.startswith(("Traceback ", "  File ", "    ", "\nDuring handling",
                            "\nThe above exception")):
            lines.append(part)
        else:  # "ValueError: the message" (and its following lines)
            lines.append(scrub_quoted(part))
    return scrub("".join(lines)).rstrip("\n")


def message_of(error: BaseException) -> str:
    """`Type: message` of an exception, scrubbed as in `exception_text`."""
    text = str(error)
    name = type(error).__qualname__
    return scrub(scrub_quoted(f"{name}: {text}" if text else name))


class PatientDataFilter(logging.Filter):
    """Scrubs every record that reaches the file: registered values out of the message, the
    traceback formatted here without quoted values (the handler then uses this text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = exception_text(record.exc_info[1])
            record.exc_info = None
        return True


# -- the files ---------------------------------------------------------------------------------

class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files are 0600 from their first byte, rotated ones too."""

    def _open(self) -> TextIOWrapper:  # the hook RotatingFileHandler opens each new file through
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                             PRIVATE_FILE)
        if POSIX:
            os.fchmod(descriptor, PRIVATE_FILE)
        return open(descriptor, "a", encoding=self.encoding or "utf-8",  # noqa: SIM115
                    errors="backslashreplace")


@dataclass
class LogFiles:
    """The files of this run (the crash file stays open: faulthandler writes to its
    descriptor when the process dies)."""

    folder: Path
    log: Path
    crash: Path
    handler: logging.Handler
    crash_file: IO[str] | None

    def close(self) -> None:
        """Stop logging to these files (tests; the app keeps them to the end)."""
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()
        if self.crash_file is not None:
            if faulthandler.is_enabled():
                faulthandler.disable()
            self.crash_file.close()
            self.crash_file = None


_started: LogFiles | None = None


def start_logging(level: int = logging.INFO) -> LogFiles | None:
    """Log to the user log folder from now on, and dump hard crashes to crash.log. Idempotent;
    None (nothing logged, nothing raised) when the folder cannot be made: a log is never a
    reason not to start."""
    global _started
    if _started is not None:
        return _started
    try:
        folder = private_folder(log_dir())
        handler = PrivateRotatingFileHandler(folder / LOG_NAME, maxBytes=MAX_BYTES,
                                             backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PatientDataFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    crash_file = _enable_fault_handler(folder / CRASH_NAME)
    _started = LogFiles(folder, folder / LOG_NAME, folder / CRASH_NAME, handler, crash_file)
    from ocrebill_gui import __version__

    log.info("OcreBill %s started (Python %s, %s, pid %d)", __version__,
             sys.version.split()[0], sys.platform, os.getpid())
    return _started


def stop_logging() -> None:
    """Undo `start_logging` (tests)."""
    global _started
    if _started is not None:
        _started.close()
        _started = None


def _enable_fault_handler(path: Path) -> IO[str] | None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        if POSIX:
            os.fchmod(descriptor, PRIVATE_FILE)
        crash_file = open(descriptor, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        faulthandler.enable(crash_file, all_threads=True)
    except (OSError, RuntimeError, ValueError):
        return None
    return crash_file


__all__ = ["CRASH_NAME", "LOG_NAME", "LogFiles", "PatientDataFilter", "exception_text",
           "forget_kept_out", "keep_out", "log_dir", "message_of", "scrub", "scrub_quoted",
           "start_logging", "stop_logging"]
