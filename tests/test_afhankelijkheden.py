"""The dependency lock (issue 12, point 15): every runtime and dev dependency pinned with hashes,
in step with pyproject.toml, and installed from the lock by make and audited from it by CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)")


def _lock(naam: str) -> dict[str, tuple[str, int]]:
    """name → (version, number of sha256 hashes) of a pip-compile lock file."""
    uit: dict[str, tuple[str, int]] = {}
    huidig = None
    for regel in (ROOT / naam).read_text().splitlines():
        if m := _PIN.match(regel):
            huidig = canonicalize_name(m.group(1))
            uit[huidig] = (m.group(2), 0)
        elif huidig and regel.strip().startswith("--hash=sha256:"):
            versie, n = uit[huidig]
            uit[huidig] = (versie, n + 1)
        elif not regel.startswith(" "):
            huidig = None
    return uit


def _eisen(*extras: str) -> list[Requirement]:
    eisen = [Requirement(e) for e in PYPROJECT["project"]["dependencies"]]
    for extra in extras:
        eisen += [Requirement(e) for e in PYPROJECT["project"]["optional-dependencies"][extra]]
    return eisen


@pytest.mark.parametrize(("bestand", "extras"), [("requirements.lock", ()),
                                                 ("requirements-dev.lock", ("dev",))])
def test_every_dependency_is_pinned_with_hashes_within_pyproject(bestand, extras):
    lock = _lock(bestand)
    assert lock, bestand
    assert all(n > 0 for _v, n in lock.values()), "a pin without a hash"
    for eis in _eisen(*extras):
        naam = canonicalize_name(eis.name)
        assert naam in lock, f"{eis.name} is not in {bestand}: run `make lock`"
        assert eis.specifier.contains(lock[naam][0], prereleases=True), (eis, lock[naam])


def test_the_runtime_lock_agrees_with_the_dev_lock():
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    assert {k: v for k, (v, _n) in runtime.items()} == {
        k: dev[k][0] for k in runtime}


def test_make_installs_from_the_locks_and_ci_audits_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements.lock" in makefile
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    assert "pip-audit -r requirements-dev.lock" in (ROOT / ".ci" / "run").read_text()
