"""The Qt plugins OcreBill uses on Linux find every library they link to: the desktop ones
(xcb for X11, Wayland), offscreen, CUPS printing, compose-key input. The tests run offscreen,
so without this a library missing for the desktop (libxcb-cursor0 on a fresh Debian: Qt
aborts before the window opens) would pass unseen. scripts/bootstrap installs them; a Qt
update that links one more fails here, naming it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="Qt's plugins link system libraries this way on Linux")

USED = [
    "plugins/platforms/libqxcb.so",
    "plugins/platforms/libqwayland*.so",
    "plugins/platforms/libqoffscreen.so",
    "plugins/xcbglintegrations/*.so",
    "plugins/wayland-shell-integration/libxdg-shell.so",
    "plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
    "plugins/wayland-decoration-client/libbradient.so",
    "plugins/printsupport/libcupsprintersupport.so",
    "plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "lib/libQt6XcbQpa.so.6",
    "lib/libQt6WaylandClient.so.6",
    "lib/libQt6Widgets.so.6",
    "lib/libQt6PrintSupport.so.6",
]


def test_the_qt_plugins_find_every_library_they_need():
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    ldd = shutil.which("ldd")
    assert ldd, "ldd (libc-bin) is missing"
    files = [path for pattern in USED for path in sorted(qt.glob(pattern))]
    assert len(files) >= len(USED), "a plugin moved: update USED"
    missing: dict[str, set[str]] = {}
    for path in files:
        out = subprocess.run([ldd, str(path)], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            if "not found" in line:
                missing.setdefault(line.split()[0], set()).add(path.name)
    assert not missing, ("missing system libraries (add their Debian packages to "
                         f"scripts/bootstrap): {missing}")
