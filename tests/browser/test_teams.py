"""Teams in a real browser (Chromium): the beheerder reads a teams CSV on the Teams page, opens
the team page and sees the same team total and shares as its JSON; the team's coordinator
logs in, finds the team in the menu, enters the team's bezetting once (verschil and the
coverage sentence follow) and opens a member's result with its aandeel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from formatie.getallen import format_getal

from .conftest import axe, geen_csp_fouten, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JAAR = datetime.now(UTC).year
KLEIN = ("0744", "1723", "0798")  # Baarle-Nassau, Alphen-Chaam, Hilvarenbeek


def test_team_journey(live, page, tmp_path):
    for code in KLEIN:
        live.vul(code, JAAR)
    csv = tmp_path / "teams.csv"
    csv.write_text("team,functie,gemeentecode,soort\n" + "".join(
        f"RBL Klein,leerplicht,{c},rbl\n" for c in KLEIN), encoding="utf-8")
    login(page, live.url, "beheerder")
    page.get_by_role("link", name="Teams").first.click()
    page.wait_for_url(f"{live.url}/teams")
    page.get_by_label("Teams (CSV-bestand)").set_input_files(str(csv))
    page.get_by_role("button", name="Teams inlezen").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("De teams zijn opgeslagen")
    assert axe(page) == []
    page.get_by_role("link", name="RBL Klein").click()
    expect(page.locator("h1")).to_contain_text("Team RBL Klein")
    j = page.request.get(page.url + "/resultaat.json").json()
    (team,) = j["teams"]
    expect(page.locator("#teamtotaal")).to_contain_text(format_getal(team["fte_totaal"], 2))
    leden = page.locator("#leden")
    for aandeel in team["aandelen"].values():
        expect(leden).to_contain_text(format_getal(aandeel, 2))
    keten = page.locator("#keten")
    expect(keten.get_by_role("rowheader", name="Vaste basis", exact=True)).to_have_count(1)
    expect(page.locator("#bereik")).to_contain_text(format_getal(team["bereik_totaal"]["p90"], 2))
    screenshot(page, "20-team")
    assert axe(page) == []
    geen_csp_fouten(page)

    # the coordinator: the menu leads to the team, a member's result shows its aandeel
    from sqlalchemy import select

    from app.extensions import db
    from app.models import TeamRij, User

    from .conftest import WACHTWOORD

    with live.app.app_context():
        rij = db.session.scalar(select(TeamRij))
        user = User(email="team@test.nl", role="team", team_id=rij.id, active=True)
        user.set_password(WACHTWOORD)
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    page.context.clear_cookies()
    page.goto(live.url + "/login")
    page.get_by_label("E-mailadres").fill("team@test.nl")
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live.url + "/")
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Team RBL Klein")
    # the coordinator enters the team's bezetting once: verschil and the coverage sentence
    page.get_by_label("Leerplicht: fte in dienst in het team").fill("2,5")
    page.get_by_role("button", name="Bezetting opslaan").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("De bezetting van team RBL Klein")
    expect(page.locator("#dekking")).to_contain_text("Met 2,5 fte leerplicht is de werklast")
    expect(page.locator("#teambezetting-stand")).to_contain_text(
        format_getal(2.5 - team["fte_totaal"], 2).replace("-", "−"))
    assert axe(page) == []
    page.get_by_role("link", name="Baarle-Nassau").click()
    expect(page.locator("#team-leerplicht")).to_contain_text(
        format_getal(team["aandelen"]["0744"], 2))
    assert axe(page) == []
    assert page.request.get(f"{live.url}/gemeente/0200/{JAAR}/resultaat").status == 404
    geen_csp_fouten(page)
