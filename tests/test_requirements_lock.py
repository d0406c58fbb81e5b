"""requirements.lock (what scripts/bootstrap installs, so what CI tests) agrees with the ranges
in pyproject.toml: every requirement, of the runtime, the test extra and the build, is pinned
in it, with hashes, at a version its range allows. A range changed without `scripts/lock`
fails here."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of each `name==version` entry of the lock (an entry is its
    line and the indented lines under it)."""
    text = (ROOT / "requirements.lock").read_text()
    pins = {}
    for entry in re.split(r"\n(?=[^\s#])", text):
        head = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", entry)
        if head:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", entry)
            pins[canonicalize_name(head[1])] = (head[2], hashes)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    texts = [*project["project"]["dependencies"],
             *project["project"]["optional-dependencies"]["test"],
             *project["build-system"]["requires"]]
    return [Requirement(text) for text in texts]


def test_every_requirement_is_pinned_with_hashes_inside_its_range():
    pins = _pins()
    assert len(pins) > 20  # the parse found the entries
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run scripts/lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, outside {requirement}: run scripts/lock")
        assert hashes, f"{name} has no hash in requirements.lock"
        for extra in requirement.extras:  # reportlab[accel]: what the extra adds is pinned too
            for needed in requires(requirement.name) or []:
                wanted = Requirement(needed)
                if wanted.marker and wanted.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(wanted.name) in pins, f"{wanted} of {requirement}"


def test_pip_itself_is_pinned():
    """bootstrap installs the lock with the venv's pip, which the lock then replaces: pip's
    own version is the lock's, not whatever is newest that day."""
    assert "pip" in _pins()
