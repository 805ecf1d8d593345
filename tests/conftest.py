"""Shared fixtures, the hypothesis profiles, the run's PostgreSQL database and the skip summary.

Web fixtures (app, client, runner, auth) live in tests/web/conftest.py.

PostgreSQL: ``TEST_DATABASE_URL`` when it is set. Otherwise, when a server answers on
127.0.0.1:5432 (trust auth, user ``postgres``, as on this machine kind and in CI), this run
creates its own throwaway database ``formatie_test_<pid>_<random>`` and drops it at the end;
never a shared database. ``TEST_POSTGRES=0`` turns PostgreSQL off (``make test-snel``). pytest-
xdist workers inherit the controller's database (every test makes its own schema in it).

The run ends with "Overgeslagen en waarom": PostgreSQL, Chromium, LibreOffice, the OpenID Connect
provider (node) and deselected markers, so nobody mistakes a partial run for a full one.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import vijandig
from hypothesis import HealthCheck, settings
from werkzeug.routing.rules import Rule

from formatie.normenset_toml import load_normenset, standaard_normenset
from formatie.schatting import landelijke_invoer
from formatie.werkboek.schrijven import exporteer_werkboek

DATA = Path(__file__).parent / "data"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"

# Example counts: see tests/profielen.py. Function-scoped fixtures are fine in our property
# tests (each example reuses the app and resets what it needs itself).
settings.register_profile("ci", deadline=None)
settings.register_profile("dev", max_examples=5, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))



def _gedeelde_url_bouwers() -> None:
    """Let every app of this test process share werkzeug's compiled URL builders.

    The suite builds a fresh app for almost every web test, and werkzeug compiles two URL
    builder functions per rule (an AST through ``compile``) for each: ~95 ms per app, more
    than most web tests take themselves. The compiled function depends only on the rule's
    text, its parsed trace and its defaults (the rule object comes in as an argument), so it
    is cached on exactly those; an app with a different rule still gets its own builder."""
    origineel = Rule._compile_builder
    cache: dict[tuple, object] = {}

    def _compile_builder(self, append_unknown: bool = True):
        sleutel = (self.rule, self.host, self.subdomain, self.merge_slashes,
                   tuple(self._trace), repr(sorted((self.defaults or {}).items())),
                   append_unknown)
        if sleutel not in cache:
            cache[sleutel] = origineel(self, append_unknown)
        return cache[sleutel]

    Rule._compile_builder = _compile_builder


_gedeelde_url_bouwers()

_postgres: dict[str, str] = {}  # what this process did about PostgreSQL, for the summary


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _maak_testdatabase() -> str:
    """Create ``formatie_test_…`` on the local server; its SQLAlchemy URL."""
    naam = f"formatie_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=2) as conn:
        conn.execute(f'CREATE DATABASE "{naam}"')
    _postgres["database"] = naam
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{naam}"


def _kies_postgres() -> None:
    """Decide on PostgreSQL for this run. At import time, not in pytest_configure: a
    sub-directory's conftest (tests/web/conftest.py) may be imported before the configure
    hooks run, and it reads TEST_DATABASE_URL when imported. xdist workers inherit the
    controller's environment, so they do nothing here."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if os.environ.get("TEST_DATABASE_URL"):
        _postgres["status"] = "TEST_DATABASE_URL"
        return
    if os.environ.get("TEST_POSTGRES", "").strip().lower() in {"0", "nee", "no", "false"}:
        _postgres["status"] = "uit"
        return
    try:
        os.environ["TEST_DATABASE_URL"] = _maak_testdatabase()
        _postgres["status"] = "tijdelijk"
    except psycopg.Error as fout:
        _postgres["status"] = "onbereikbaar"
        _postgres["reden"] = str(fout).strip().splitlines()[0] if str(fout).strip() else ""


_kies_postgres()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test on the national workbook (``landelijk_werkboek`` and what is made from it) is
    slow: exporting all 342 gemeenten takes seconds, so ``make test-snel`` leaves them out."""
    landelijk = {"landelijk_werkboek", "dimensiebom", "miljoen_rijen"}
    for item in items:
        namen = set(getattr(item, "fixturenames", ()))
        if hasattr(item, "callspec"):  # also through request.getfixturevalue(param)
            namen |= {p for p in item.callspec.params.values() if isinstance(p, str)}
        if namen & landelijk:
            item.add_marker(pytest.mark.slow)


def pytest_unconfigure(config):
    naam = _postgres.get("database")
    if _is_worker(config) or not naam:
        return
    with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)')
    os.environ.pop("TEST_DATABASE_URL", None)


def _soort(reden: str) -> str:
    laag = reden.lower()
    if "chromium" in laag:
        return "Chromium"
    if "soffice" in laag or "libreoffice" in laag or "uno" in laag:
        return "LibreOffice"
    if "test_database_url" in laag or "postgres" in laag:
        return "PostgreSQL"
    if "vendor/node_modules" in laag:
        return "NL Design System-pakketten (npm)"
    if "oidc" in laag or "node" in laag:
        return "OpenID Connect-provider (node)"
    return "overig"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A short Dutch account of what did not run, and why."""
    if _is_worker(config):
        return
    tr = terminalreporter
    tr.section("Overgeslagen en waarom")
    status = _postgres.get("status")
    if status == "tijdelijk":
        tr.write_line(f"PostgreSQL: meegetest in de tijdelijke database {_postgres['database']} "
                      "op 127.0.0.1:5432 (na afloop verwijderd).")
    elif status == "TEST_DATABASE_URL":
        tr.write_line("PostgreSQL: meegetest in de database uit TEST_DATABASE_URL.")
    elif status == "uit":
        tr.write_line("PostgreSQL: uitgezet (TEST_POSTGRES=0): de PostgreSQL-varianten van de "
                      "webtests zijn niet verzameld.")
    else:
        tr.write_line("PostgreSQL: niet bereikbaar op 127.0.0.1:5432"
                      + (f" ({_postgres['reden']})" if _postgres.get("reden") else "")
                      + ": de PostgreSQL-varianten van de webtests zijn niet verzameld.")
    per_soort: Counter[str] = Counter()
    redenen: dict[str, str] = {}
    for rapport in tr.stats.get("skipped", []):
        longrepr = rapport.longrepr
        reden = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reden = reden.removeprefix("Skipped: ")
        soort = _soort(reden)
        per_soort[soort] += 1
        redenen.setdefault(soort, reden)
    for soort in ("PostgreSQL", "Chromium", "LibreOffice", "OpenID Connect-provider (node)",
                  "NL Design System-pakketten (npm)", "overig"):
        if per_soort[soort]:
            tr.write_line(f"{soort}: {per_soort[soort]} tests overgeslagen ({redenen[soort]}).")
    markers = config.getoption("markexpr") or ""
    for soort in ("Chromium", "LibreOffice", "OpenID Connect-provider (node)"):
        if not per_soort[soort] and not markers:
            tr.write_line(f"{soort}: niets overgeslagen.")
    if markers:
        # Under xdist the workers deselect, so the controller cannot count them.
        gedeselecteerd = len(tr.stats.get("deselected", []))
        tr.write_line(f"Niet geselecteerd: -m '{markers}'"
                      + (f" ({gedeselecteerd} tests)" if gedeselecteerd else "") + ".")
    volledig = settings.default.max_examples >= settings.get_profile("ci").max_examples
    profiel = "ci (alle voorbeelden)" if volledig else "dev (weinig voorbeelden)"
    tr.write_line(f"Hypothesis-profiel: {profiel}.")


@pytest.fixture
def klein():
    """A small normenset with round numbers (tests/data/klein.toml)."""
    return load_normenset(DATA / "klein.toml")


@pytest.fixture
def data_dir():
    return DATA


@pytest.fixture(scope="session")
def klein_normenset():
    """Session-scoped copy of `klein` for hypothesis tests (function fixtures are not reset
    between examples)."""
    return load_normenset(DATA / "klein.toml")


@pytest.fixture(scope="session")
def klein_tekst():
    return (DATA / "klein.toml").read_text()


@pytest.fixture(scope="session")
def landelijk_werkboek() -> bytes:
    """The largest real workbook: all 342 gemeenten in the default normenset."""
    n = standaard_normenset()
    return exporteer_werkboek(n, landelijke_invoer(n))


@pytest.fixture(scope="session")
def dimensiebom(landelijk_werkboek) -> bytes:
    """Issue 12, point 1: Toelichting declares A1:XFD1048576 and has a cell in the last row."""
    return vijandig.dimensiebom(landelijk_werkboek)


@pytest.fixture(scope="session")
def miljoen_rijen(landelijk_werkboek) -> bytes:
    """Issue 12, point 3: a million real rows on Invoer, within the upload's byte limit."""
    return vijandig.veel_rijen(landelijk_werkboek)
