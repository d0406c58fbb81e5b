"""The app's log (ocrebill_gui/logs.py): private files in the log folder, no patient data in
them, rotation, and hard crashes written to crash.log by faulthandler."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

from ocrebill_gui import logs


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_and_the_crash_file_are_private_in_a_private_folder(log_files):
    logging.getLogger("ocrebill.test").info("visit %d opened", 12)
    log_files.handler.flush()
    assert log_files.folder == Path(os.environ["OCREBILL_LOG_DIR"])
    text = log_files.log.read_text()
    assert "OcreBill" in text and "started" in text and "visit 12 opened" in text
    if os.name == "posix":
        assert _mode(log_files.folder) == 0o700
        assert _mode(log_files.log) == 0o600
        assert _mode(log_files.crash) == 0o600


def test_rotated_files_stay_private(log_files, monkeypatch):
    handler = log_files.handler
    monkeypatch.setattr(handler, "maxBytes", 2000)
    for number in range(200):
        logging.getLogger("ocrebill.test").info("visit %d saved %s", number, "x" * 40)
    handler.flush()
    rotated = sorted(log_files.folder.glob(f"{logs.LOG_NAME}.*"))
    assert [p.name for p in rotated] == [f"{logs.LOG_NAME}.{n}" for n in range(1, 5)]
    if os.name == "posix":
        assert {_mode(p) for p in [log_files.log, *rotated]} == {0o600}


def test_registered_patient_data_and_quoted_values_never_reach_the_file(log_files):
    logs.keep_out("Rivera, Ana", "1EG4TE5MK73")
    logger = logging.getLogger("ocrebill.test")
    logger.info("saved the visit of %s", "RIVERA, ANA")  # a slip of the discipline: caught
    typed = "".join(["Mü", "ller, Ada 9", "x0"])  # not in this file's source lines
    try:
        int(typed)
    except ValueError:
        logger.exception("a typed dose")
    try:
        raise KeyError("member 1EG4TE5MK73")
    except KeyError:
        logger.error("lookup", exc_info=True)
    log_files.handler.flush()
    text = log_files.log.read_text()
    for secret in ("Rivera", "RIVERA", "Müller", "9x0", "1EG4TE5MK73"):
        assert secret not in text
    assert "ValueError: invalid literal for int() with base 10: '<redacted>'" in text
    assert "saved the visit of <redacted>" in text
    assert "test_logs.py" in text and "int(typed)" in text  # the frames, to find the bug


def test_the_log_files_defaults_to_the_user_log_files(monkeypatch):
    monkeypatch.delenv("OCREBILL_LOG_DIR", raising=False)
    from platformdirs import user_log_dir

    assert logs.log_dir() == Path(user_log_dir("OcreBill", appauthor=False))


def test_no_log_files_is_no_reason_not_to_start(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("OCREBILL_LOG_DIR", str(blocker / "logs"))
    assert logs.start_logging() is None


def test_a_hard_crash_leaves_its_stack_in_crash_log(tmp_path):
    folder = tmp_path / "logs"
    code = ("from ocrebill_gui.logs import start_logging\n"
            "start_logging()\n"
            "import faulthandler\n"
            "faulthandler._sigsegv()\n")
    env = {**os.environ, "OCREBILL_LOG_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    crash = (folder / logs.CRASH_NAME).read_text()
    assert "Segmentation fault" in crash and "<string>" in crash
    assert b"Segmentation fault" not in done.stderr  # the file, not a console nobody sees
