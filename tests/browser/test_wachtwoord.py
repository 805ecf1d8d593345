"""The forced password change in Chromium: a beheerder resets a password, the one-time
password is shown once, the user logs in with it, is kept on the change page until a new
password is chosen, and goes on with the new one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import axe, geen_csp_fouten, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NIEUW = "een-zelfgekozen-wachtwoord"


def test_after_a_reset_the_user_must_choose_a_new_password(live, browser, page):
    login(page, live.url, "beheerder")
    page.goto(live.url + "/gebruikers")
    assert axe(page) == []
    page.get_by_role("button", name="Wachtwoord opnieuw instellen voor gemeente@test.nl").click()
    page.wait_for_url(live.url + "/gebruikers/*/wachtwoord")
    eenmalig = page.locator("code.wachtwoord").inner_text()
    assert len(eenmalig) >= 16
    assert axe(page) == []
    screenshot(page, "wachtwoord-eenmalig")
    geen_csp_fouten(page)

    ctx = browser.new_context(locale="nl-NL")
    gebruiker = ctx.new_page()
    gebruiker.goto(live.url + "/login")
    gebruiker.get_by_label("E-mailadres").fill("gemeente@test.nl")
    gebruiker.get_by_label("Wachtwoord").fill(eenmalig)
    gebruiker.get_by_role("button", name="Inloggen").click()
    gebruiker.wait_for_url(live.url + "/wachtwoord")
    assert gebruiker.get_by_role("heading", name="Wachtwoord wijzigen").is_visible()
    assert axe(gebruiker) == []
    screenshot(gebruiker, "wachtwoord-gedwongen")
    gebruiker.goto(live.url + f"/gemeente/0200/{datetime.now(UTC).year}")
    assert gebruiker.url == live.url + "/wachtwoord"  # nothing else until it is done

    gebruiker.get_by_label("Huidig wachtwoord").fill(eenmalig)
    gebruiker.get_by_label("Nieuw wachtwoord (minstens 12 tekens)").fill(NIEUW)
    gebruiker.get_by_label("Herhaal het nieuwe wachtwoord").fill(NIEUW + "x")
    gebruiker.get_by_role("button", name="Wachtwoord wijzigen").click()
    assert "niet gelijk" in gebruiker.get_by_role("alert").inner_text()
    assert axe(gebruiker) == []
    gebruiker.get_by_label("Huidig wachtwoord").fill(eenmalig)
    gebruiker.get_by_label("Nieuw wachtwoord (minstens 12 tekens)").fill(NIEUW)
    gebruiker.get_by_label("Herhaal het nieuwe wachtwoord").fill(NIEUW)
    gebruiker.get_by_role("button", name="Wachtwoord wijzigen").click()
    gebruiker.wait_for_url(live.url + "/")
    assert "Uw wachtwoord is gewijzigd." in gebruiker.get_by_role("status").first.inner_text()
    gebruiker.goto(live.url + f"/gemeente/0200/{datetime.now(UTC).year}")
    assert gebruiker.url.endswith(f"/gemeente/0200/{datetime.now(UTC).year}")
    ctx.close()
