"""tests/conftest.py itself: the run's own PostgreSQL database and the skip summary.

Each test runs a tiny pytest session in a subprocess (one model test), as `make test` would,
without the TEST_DATABASE_URL that this very run may have set.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def pytest_sessie(**omgeving) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("TEST_DATABASE_URL", "TEST_POSTGRES", "PYTEST_XDIST_WORKER",
                        "PYTEST_ADDOPTS")}
    env.update(omgeving)
    uit = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "tests/test_model.py::test_hand_computed_chain"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert uit.returncode == 0, uit.stdout + uit.stderr
    return uit.stdout


def postgres_bereikbaar() -> bool:
    try:
        psycopg.connect(PG_SERVER, connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


@pytest.mark.slow  # seconds; make test-snel leaves it out
@pytest.mark.skipif(not postgres_bereikbaar(),
                    reason="PostgreSQL is niet bereikbaar op 127.0.0.1:5432")
def test_a_run_creates_its_own_postgresql_database_and_drops_it_afterwards():
    uitvoer = pytest_sessie()
    assert "Overgeslagen en waarom" in uitvoer
    naam = re.search(r"meegetest in de tijdelijke database (formatie_test_\w+) op "
                     r"127\.0\.0\.1:5432 \(na afloop verwijderd\)", uitvoer).group(1)
    with psycopg.connect(PG_SERVER) as conn:
        bestaat = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               (naam,)).fetchone()
    assert bestaat is None


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_test_postgres_0_runs_on_sqlite_only_and_says_so():
    uitvoer = pytest_sessie(TEST_POSTGRES="0")
    assert ("PostgreSQL: uitgezet (TEST_POSTGRES=0): de PostgreSQL-varianten van de webtests "
            "zijn niet verzameld.") in uitvoer
    assert "Hypothesis-profiel: ci (alle voorbeelden)." in uitvoer


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_the_dev_profile_is_named_in_the_summary():
    uitvoer = pytest_sessie(TEST_POSTGRES="0", PYTEST_ADDOPTS="--hypothesis-profile=dev")
    assert "Hypothesis-profiel: dev (weinig voorbeelden)." in uitvoer


def test_without_npm_make_says_the_single_sign_on_tests_are_skipped_and_so_does_the_summary(
        tmp_path, monkeypatch):
    """`make test` installs the OpenID Connect provider with npm where npm is; without it the
    target says so, and the skip reason names npm (the summary groups it under the provider)."""
    import shutil

    from conftest import _soort
    from oidc import servers

    leeg = tmp_path / "bin"
    leeg.mkdir()
    uit = subprocess.run(["make", "--no-print-directory", "oidc"], cwd=ROOT,
                         env={"PATH": str(leeg)}, capture_output=True, text=True, check=False,
                         executable=shutil.which("make"))
    assert uit.returncode == 0, uit.stderr
    assert "npm not found: the single sign-on tests will be skipped" in uit.stdout
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is missing (Debian package nodejs)")
    (leeg / "node").symlink_to(node)  # node without npm, and no installed provider
    monkeypatch.setenv("PATH", str(leeg))
    monkeypatch.setattr(servers, "MAP", tmp_path / "oidc")
    reden = servers.reden_om_over_te_slaan()
    assert reden.startswith("npm is missing (Debian package npm)")
    assert _soort(reden) == "OpenID Connect-provider (node)"
    # the vendored CSS's packages are another matter, named as such
    assert _soort("vendor/node_modules ontbreekt: `npm ci --prefix vendor` (make vendor)") == \
        "NL Design System-pakketten (npm)"
