"""Herkomst in a real browser, as a gemeente user: "Gebruik schattingen voor lege velden",
one own count, Indienen; the form marks the estimates (a visible label that is also the
field's accessible description), the result page says how much of the hours rest on them and
links to the field to fill in first, and the chain's norm bron opens from the keyboard.
Screenshots: test-artifacts/screenshots/herkomst-*.png.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from formatie.herkomst import SCHATTING, SOORTEN

from .conftest import axe, geen_csp_fouten, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JAAR = datetime.now(UTC).year
PAD = f"/gemeente/0200/{JAAR}"
LABEL = SOORTEN[SCHATTING].label


def test_estimates_are_labelled_on_the_form_and_counted_on_the_result_page(live, page):
    login(page, live.url, "gemeente")
    page.goto(live.url + PAD)
    page.get_by_role("link", name="Gebruik schattingen voor lege velden").click()
    leerplichtigen = page.get_by_role("textbox", name=re.compile("^Leerplichtigen"))
    expect(leerplichtigen).not_to_have_value("")
    expect(leerplichtigen).to_have_accessible_description(re.compile(re.escape(LABEL), re.I))
    expect(page.locator("#leerplichtigen-eenheid")).to_contain_text(LABEL, ignore_case=True)
    page.locator("#meldingen_16uur").fill("250")
    page.locator("#bezetting_leerplicht").fill("3")
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_url(live.url + PAD + "/resultaat")

    zin = page.locator("#herkomst-zin")
    expect(zin).to_have_text(re.compile(r"^\d+\u00a0% van de uren rust op CBS-schattingen\."))
    aandeel = int(re.match(r"\d+", zin.inner_text()).group(0))
    assert 50 < aandeel < 100  # one own count among estimates
    screenshot(page, "herkomst-resultaat")
    schending = axe(page)
    assert schending == [], schending
    geen_csp_fouten(page)

    # the chain: where the volume comes from, and the norm's bron from the keyboard
    keten = page.locator("#keten-leerplicht")
    rij = keten.get_by_role("row", name=re.compile("^Behandeling melding 16 uur"))
    expect(rij).to_contain_text("eigen telling")
    samenvatting = rij.locator("summary")
    expect(samenvatting).to_have_text(re.compile(r"^(gepubliceerd|afgeleid|aanname)"))
    samenvatting.focus()
    page.keyboard.press("Enter")
    expect(rij.locator("details")).to_have_attribute("open", "")
    expect(rij.locator("details p")).to_be_visible()

    # the first estimate to replace links to its field on the form
    eerste = page.locator("#eerst-invullen a").first
    naam = eerste.inner_text()
    eerste.click()
    page.wait_for_url(re.compile(re.escape(live.url + PAD) + "#[a-z0-9_]+$"))
    veld = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"label[for={veld}]")).to_have_text(naam)
    expect(page.locator(f"#{veld}-eenheid")).to_contain_text(LABEL, ignore_case=True)
    expect(page.locator("#meldingen_16uur-eenheid")).not_to_contain_text(LABEL,
                                                                         ignore_case=True)
    expect(page.get_by_text("uw eigen telling:")).to_have_count(0)
    screenshot(page, "herkomst-formulier")
