"""Browser fixtures: Debian's Chromium through Playwright (sync API), the app served from a
thread on a loopback port with a fresh SQLite database per test, axe-core injected on demand.

Never ``playwright install``: the browser is /usr/bin/chromium (skip when it is missing).
Screenshots go to test-artifacts/ (git-ignored; CI keeps them as artefacts).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from load.server import GEBRUIKERS, WACHTWOORD, ThreadServer, prepare_database

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
ARTEFACTEN = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian package chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Live:
    """A running app: ``url``, the Flask ``app`` (for config and database checks)."""

    def __init__(self, app, server: ThreadServer, database):
        self.app = app
        self.server = server
        self.url = server.url
        self.database = database

    def vul(self, code: str, jaar: int, status: str = "ingediend", bezetting=None) -> None:
        """Store complete figures (the model's estimates, whole numbers) for a gemeente."""
        from app.extensions import db
        from app.models import InvoerRij
        from app.services.normensets import actieve_rij, als_normenset
        from formatie.referentie import load_referentie
        from formatie.schatting import geschatte_invoer

        with self.app.app_context():
            rij = actieve_rij()
            normenset = als_normenset(rij)
            ref = load_referentie()
            waarden = geschatte_invoer(normenset, ref)[ref.index[code]]
            db.session.add(InvoerRij(
                gemeente_code=code, jaar=jaar, status=status, normenset_id=rij.id,
                waarden={s: float(np.round(v)) for s, v in
                         zip(normenset.invoer_sleutels, waarden, strict=True)},
                bezetting=bezetting or {}))
            db.session.commit()
            db.session.remove()


@contextmanager
def live_app(tmp_path, **config):
    """The app with a fresh SQLite database, served on loopback; ``config`` adds settings
    (``THEMA=...``)."""
    from app import create_app
    from app.extensions import db

    database = prepare_database("sqlite", tmp_path)
    app = create_app({"SECRET_KEY": "browser-test", "SQLALCHEMY_DATABASE_URI": database.url,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, **config},
                     instance_path=str(tmp_path / "instance"))
    server = ThreadServer(app).start()
    try:
        yield Live(app, server, database)
    finally:
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def live(tmp_path):
    with live_app(tmp_path) as app:
        yield app


@pytest.fixture
def context(browser):
    ctx = browser.new_context(locale="nl-NL", accept_downloads=True,
                              viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that records console errors (a CSP violation shows up there)."""
    p = context.new_page()
    p.console_fouten = []
    p.on("console", lambda m: p.console_fouten.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.console_fouten.append(str(e)))
    return p


def login(page, url: str, rol: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("E-mailadres").fill(GEBRUIKERS[rol][0])
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(url + "/")


def screenshot(page, naam: str) -> None:
    (ARTEFACTEN / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTEN / "screenshots" / f"{naam}.png"), full_page=True)


def axe(page) -> list[dict]:
    """Run axe-core (vendored) for WCAG 2.1 A/AA; the violations, compactly.

    Injected through the DevTools protocol (page.evaluate), which the page's CSP does not
    govern, so the app's CSP stays exactly as in production.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    uitkomst = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +"
        " n.failureSummary)}))", AXE_TAGS)
    return uitkomst


def geen_csp_fouten(page) -> None:
    csp = [m for m in page.console_fouten if "Content Security Policy" in m or "Refused" in m]
    assert csp == [], csp


@pytest.fixture
def sso_live(tmp_path):
    """The app with single sign-on against the real npm oidc-provider (tests/oidc), both on
    loopback; ``url``, ``app``, ``provider``. Skips without node or tests/oidc/node_modules."""
    from oidc.servers import reden_om_over_te_slaan, sso_app_met_provider

    if reden := reden_om_over_te_slaan():
        pytest.skip(reden)
    live, provider = sso_app_met_provider(tmp_path)
    live.provider = provider
    yield live
    provider.stop()
    live.stop()
