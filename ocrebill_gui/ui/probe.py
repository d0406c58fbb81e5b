"""Start-up measurements for tests/benchmarks, switched on by $OCREBILL_PROBE; never imported
otherwise. The benchmark starts the real `ocrebill` command and reads one line per stage on
stdout; the app quits after the stage asked for:

Each line is `probe STAGE PERF_COUNTER PEAK_KB`.

- `first-paint`: the main window has painted (the figure compared with a bare Qt window);
- `sign-in`: the sign-in screen has painted (the database open: `ocrebill --demo` builds its
  demo first), then the app quits;
- `ready`: the database is open, the demo nurse signed in on the sign-in screen, or in the
  unlock dialog of an encrypted database (the benchmark's database is a demo one), and
  today's visits are listed (`sign-in-refused`
  instead, and the app quits, when the database has no demo accounts); the peak starts afresh
  after the sign-in, whose password check takes 64 MiB for a moment (`forget_peak`);
- `open-visits=N`: N visits opened in visit editors, all left open (for peak memory);
- `browse-visits=N`: N visits opened one after another, each closed before the next (a biller
  going through a day's list).
"""

from __future__ import annotations

import resource
import time

from typing import TYPE_CHECKING

from ocrebill_gui.ui.qt import QApplication, QEvent, QTimer

if TYPE_CHECKING:
    from pathlib import Path

    from ocrebill_gui.store.server import ServerAddress
    from ocrebill_gui.ui.main_window import MainWindow


class Probe:
    def __init__(self, spec: str, app: QApplication) -> None:
        self.stage, _, count = spec.partition("=")
        self.count = int(count or 0)
        self._app = app

    def _say(self, stage: str) -> None:
        print(f"probe {stage} {time.perf_counter():.4f} {peak_kb()}", flush=True)

    def _quit(self) -> None:
        """Quit the way a person does: close the windows (the layout is saved)."""
        QTimer.singleShot(0, self._app.closeAllWindows)

    def painted(self) -> bool:
        """Report the first paint; True when the app should stop here (before the database)."""
        self._say("first-paint")
        if self.stage == "first-paint":
            self._quit()
            return True
        return False

    def answer_unlock(self, path: Path | ServerAddress) -> None:
        """An encrypted database: its unlock dialog answered as the demo nurse, typed into its
        fields as a person would (`sign-in-refused` and quit when that does not open it)."""
        from ocrebill_gui.ui.unlock import UnlockDialog, needs_unlock

        if not needs_unlock(path):
            return

        def answer() -> None:
            dialog = next((w for w in QApplication.topLevelWidgets()
                           if isinstance(w, UnlockDialog) and w.isVisible()), None)
            if dialog is None:  # not up yet
                QTimer.singleShot(10, answer)
                return
            from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD

            dialog.login.setText("nurse")
            dialog.password.setText(DEMO_PASSWORD)
            if not dialog.submit():
                self._say("sign-in-refused")
                dialog.done(0)
            forget_peak()  # the unlock's argon2id, as for the sign-in below

        QTimer.singleShot(0, answer)

    def ready(self, window: MainWindow) -> None:
        panel = window.sign_in_panel
        if self.stage == "sign-in":
            if panel is None:
                self._say("sign-in-missing")
                self._quit()
                return
            from ocrebill_gui.ui.app import AfterFirstPaint

            def signed_in_shown() -> None:
                self._say("sign-in")
                self._quit()

            AfterFirstPaint(panel, signed_in_shown)
            return
        if panel is not None:
            from ocrebill_gui.store.demo_accounts import DEMO_PASSWORD

            if panel.submit("nurse", DEMO_PASSWORD) is None:  # not a demo database of today's
                self._say("sign-in-refused")
                self._quit()
                return
            forget_peak()
        self._say("ready")
        if self.stage == "ready":
            self._quit()
            return
        if self.stage in ("open-visits", "browse-visits"):
            from ocrebill_gui import store as api

            assert window.store is not None and window.session is not None  # signed in above
            visits = api.find_visits(window.store, window.session, limit=self.count)
            for visit in visits:
                editor = window.open_visit(visit.id)
                _settle()
                if self.stage == "browse-visits" and editor is not None:
                    editor.close()
                    _settle()
            self._say(f"opened-{len(visits)}")
            for editor in list(window.editors):
                editor.close()
            self._quit()


def forget_peak() -> None:
    """Start the peak afresh (Linux; elsewhere nothing): the sign-in's password check takes
    argon2id's 64 MiB for ~0.2 s and gives them back at once, which is not what the memory
    benchmark measures (the app's own footprint through a day's work)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")  # 5: reset the peak resident set size (proc(5))
    except OSError:
        pass


def peak_kb() -> int:
    """This process's peak resident memory in KB: VmHWM, which starts afresh at exec (the
    rusage figure would include the parent's peak when the parent forked us)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: KB on Linux only


def _settle() -> None:
    """Let painting, timers and deferred deletions run, as between two clicks."""
    for _ in range(3):
        QApplication.processEvents()
        # processEvents() leaves deleteLater() for the event loop to do; do it now, as the
        # loop would between two clicks.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

