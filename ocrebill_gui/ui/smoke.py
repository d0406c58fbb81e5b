"""`ocrebill --smoke`: check an installation (a bundle above all) end to end, then exit.

Each step goes through the code the app itself runs, so a module or data file missing from a
bundle fails here and not in front of a nurse:

0. Qt started first: a platform plugin that cannot start aborts the process (no Python
   cleanup runs), so it must do so before any patient data, even fictional, is in the temp area;
1. an encrypted demo database (SQLCipher, its key file, as `ocrebill --demo` makes it) in a
   new temp folder (mkdtemp: 0700), removed afterwards whatever happens short of a crash or
   SIGKILL;
2. the main window on it, shown until it has painted (the real platform plugin, or offscreen);
   the demo nurse signs in on its sign-in screen (argon2id, the real parameters);
3. a draft visit opened in the visit editor, which computes its claim (catalog, payer
   profiles, ICD-10 code table), and the diagnosis search the editor's type-ahead runs;
4. that visit's superbill rendered by the editor's Save-as-PDF path (reportlab, fonts), in
   memory only.

One line per step on stdout; exit 0 when all worked, else 1 with the step that failed and why
on stderr. The user's database and window layout are never touched.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIGN_IN_AS = "nurse"  # a demo account (store/demo_accounts.py)
PAINT_TIMEOUT_MS = 10_000
SEARCH = "G35"  # multiple sclerosis: the diagnosis of nearly every Ocrevus visit


class SmokeFailed(Exception):
    """A step ran but did not give what it should: the message says what."""


def run_smoke(say: Callable[[str], None] = print) -> int:
    """Run every step; 0 when all worked, 1 after saying on stderr which step failed."""
    work: Path | None = None
    closing: list[Callable[[], Any]] = []
    step = "start Qt"
    try:
        from ocrebill_gui.ui.app import create_application

        create_application(["ocrebill"])

        step = "create the demo database"
        from ocrebill_gui import store as api

        work = Path(tempfile.mkdtemp(prefix="ocrebill-smoke-"))
        path = work / "smoke.sqlite"
        summary = api.create_demo_database(path, encrypt=True)  # as --demo makes it
        from ocrebill_gui.store.db import file_is_encrypted
        from ocrebill_gui.store.demo_accounts import open_demo

        store = open_demo(path)  # its key unwrapped with the demo's public password
        closing.append(store.close)
        if not summary.encrypted or not file_is_encrypted(path):
            raise SmokeFailed(f"{path} was not encrypted")
        say(f"encrypted database created at {path}: {summary.visits} demo visits, "
            f"{summary.patients} patients")

        step = "show the main window"
        window = _show_main_window(store, work, closing)
        say(f"main window shown: {window.windowHandle().title()!r} "
            f"(Qt platform {_platform_name()})")

        step = "sign in"
        from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD

        panel = window.sign_in_panel
        if panel is None or panel.submit(SIGN_IN_AS, DEMO_PASSWORD) is None:
            why = (getattr(panel.form, "message", None) if panel is not None else None)
            raise SmokeFailed(f"the demo account {SIGN_IN_AS} could not sign in: "
                              f"{why.text() if why is not None else 'no sign-in screen'}")
        session = window.session
        say(f"signed in as {session.login} ({session.display_name}, {session.roles_text})")

        step = "open a visit in the visit editor"
        visit = _visit_to_open(api, store, session)
        editor = window.open_visit(visit.id)
        if editor is None:
            raise SmokeFailed(f"visit {visit.id} did not open")
        _settle()
        presenter = editor.presenter
        if presenter.result is None or presenter.stale:
            raise SmokeFailed(f"visit {visit.id} has no claim: {presenter.problems}")
        claim = presenter.result
        say(f"visit {visit.id} ({visit.date_of_service}, {visit.status}) computed: "
            f"{len(claim.lines)} claim lines ({', '.join(line.code for line in claim.lines)}), "
            f"{len(claim.findings)} findings")

        step = "search the diagnoses"
        from ocrebill_gui.core.icd10 import icd10_index

        found = icd10_index().search(SEARCH)
        if not found:
            raise SmokeFailed(f"no ICD-10-CM code found for {SEARCH!r}")
        say(f"diagnosis search {SEARCH!r}: {len(found)} codes, first {found[0].code} "
            f"{found[0].description!r}")

        step = "render the superbill"
        from ocrebill_gui.ui.visit_editor.printing import pdf_bytes

        data = pdf_bytes(store, "superbill", presenter.document, claim,
                         draft=editor.status != "finalized")
        pages = page_count(data)
        if not data.startswith(b"%PDF-") or pages < 1:
            raise SmokeFailed(f"not a PDF ({len(data)} bytes starting {data[:8]!r})")
        say(f"superbill rendered: {len(data):,} bytes, {pages} page{'s' if pages != 1 else ''}")

        step = "close the window and the database"
        _close(closing)
        shutil.rmtree(work)
        work = None
        say("temporary database removed; done")
        return 0
    except Exception as exc:  # noqa: BLE001 - every failure is reported, with its step
        print(f"ocrebill --smoke: failed to {step}: {_describe(exc)}", file=sys.stderr)
        return 1
    finally:
        _close(closing, quiet=True)  # after a failure: whatever is still open
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _show_main_window(store: Any, work: Path, closing: list[Callable[[], Any]]) -> Any:
    """The main window on `store` (its layout file in `work`), once it has painted."""
    from ocrebill_gui.ui.app import AfterFirstPaint
    from ocrebill_gui.ui.clock import SystemClock
    from ocrebill_gui.ui.main_window import MainWindow
    from ocrebill_gui.ui.qt import QEventLoop
    from ocrebill_gui.ui.settings import WindowLayout

    window = MainWindow(WindowLayout(work / "layout.ini"), clock=SystemClock())
    closing.insert(0, window.close)  # before the store: the editors save their drafts
    window.attach_store(store)
    loop = QEventLoop()
    AfterFirstPaint(window, loop.quit, fallback_ms=PAINT_TIMEOUT_MS)
    window.show()
    loop.exec()
    handle = window.windowHandle()
    if not window.isVisible() or handle is None or not handle.isExposed():
        raise SmokeFailed(f"the main window was not on screen after {PAINT_TIMEOUT_MS} ms")
    return window


def _visit_to_open(api: Any, store: Any, session: Any) -> Any:
    """A draft without errors (computed afresh when opened), else any visit."""
    drafts = api.find_visits(store, session, status="draft", limit=50)
    chosen = next((v for v in drafts if not v.errors), None)
    chosen = chosen or next(iter(drafts or api.find_visits(store, session, limit=1)), None)
    if chosen is None:
        raise SmokeFailed("the demo database has no visits")
    return chosen


def _platform_name() -> str:
    from ocrebill_gui.ui.qt import QApplication

    return QApplication.platformName()


def _settle(rounds: int = 5) -> None:
    from ocrebill_gui.ui.qt import QApplication

    for _ in range(rounds):
        QApplication.processEvents()


def _close(closing: list[Callable[[], Any]], *, quiet: bool = False) -> None:
    while closing:
        close = closing.pop(0)
        try:
            close()
        except Exception:
            if not quiet:
                raise


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by reportlab (no object streams: each page object has
    `/Type /Page`; the page tree has `/Type /Pages`)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def _describe(exc: BaseException) -> str:
    """The error in one line, with where it was raised: enough to find a module or data file
    missing from a bundle, without a traceback."""
    text = f"{type(exc).__name__}: {exc}" if not isinstance(exc, SmokeFailed) else str(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    if frames and not isinstance(exc, SmokeFailed):
        last = frames[-1]
        text += f" (at {Path(last.filename).name}:{last.lineno})"
    return text
