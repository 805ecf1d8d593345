"""End-to-end journeys in a real browser (Chromium), as users would go through them."""

from __future__ import annotations

import io
import math
import re
import time
from datetime import UTC, datetime

import numpy as np
import openpyxl
import pytest
from playwright.sync_api import expect

from formatie.getallen import format_getal, format_invoer

from .conftest import axe, geen_csp_fouten, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JAAR = datetime.now(UTC).year
EIGEN = "0200"  # Apeldoorn (the gemeente user's), region MC11 with 0150 Deventer


def _schattingen(live, code: str) -> dict[str, float]:
    from app.services.normensets import actieve_rij, als_normenset
    from formatie.referentie import load_referentie
    from formatie.schatting import geschatte_invoer

    with live.app.app_context():
        normenset = als_normenset(actieve_rij())
    ref = load_referentie()
    rij = geschatte_invoer(normenset, ref)[ref.index[code]]
    return {s: float(np.round(v)) for s, v in zip(normenset.invoer_sleutels, rij, strict=True)}


def _invoer_uit_db(live, code: str):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InvoerRij

    with live.app.app_context():
        inv = db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == code,
                                                     InvoerRij.jaar == JAAR))
        uit = None if inv is None else (inv.version, dict(inv.waarden), dict(inv.bezetting),
                                        inv.status)
        db.session.remove()
    return uit


def _werkboek_fte(data: bytes) -> dict[str, dict[str, float]]:
    """Resultaat sheet: per gemeentecode the cached fte_* values (key row 3)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb["Resultaat"]
    rijen = list(ws.iter_rows(values_only=True))
    kop_index = next(i for i, r in enumerate(rijen) if r and r[0] == "gemeentecode")
    kop = rijen[kop_index]
    uit = {}
    for r in rijen[kop_index + 1:]:
        if r and isinstance(r[0], str) and r[0].isdigit() and len(r[0]) == 4:
            uit[r[0]] = {k: v for k, v in zip(kop, r, strict=False)
                         if isinstance(k, str) and k.startswith("fte_")}
    return uit


def _download(page, pad: str, linktekst: str = "Download als Excel-scenario") -> bytes:
    """Click the download link on the page (it must point at ``pad``); the xlsx bytes."""
    link = page.get_by_role("link", name=linktekst)
    expect(link).to_have_count(1)
    assert pad.endswith(link.get_attribute("href"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as f:
        data = f.read()
    assert data[:2] == b"PK"
    return data


def _json(page, url: str) -> dict:
    r = page.request.get(url)
    assert r.status == 200, r.text()[:300]
    return r.json()


def test_gemeente_journey(live, page):
    """Log in, fill in with decimal commas, a mistake, the error summary, correct, submit,
    the result chain and chart, the Excel download with the same fte as the page and JSON."""
    login(page, live.url, "gemeente")
    screenshot(page, "01-overzicht-gemeente")
    page.get_by_role("link", name="Apeldoorn").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Invoer Apeldoorn {JAAR}")
    screenshot(page, "02-invoer-leeg")
    waarden = _schattingen(live, EIGEN)
    waarden["casusoverleggen"] = 12.5  # decimal comma: "12,5"
    for sleutel, waarde in waarden.items():
        page.locator(f"#{sleutel}").fill(format_invoer(waarde))
    page.locator("#bezetting_leerplicht").fill("7,25")
    # the Doorstroompunt is regional: its bezetting is not asked here
    expect(page.locator("#bezetting_doorstroompunt")).to_have_count(0)
    # the mistake: a thousands separator in the wrong place and text
    page.locator("#scholen").fill("12,3,4")
    page.locator("#luxe_verzuim").fill("veel")
    page.get_by_role("button", name="Indienen").click()

    samenvatting = page.locator(".foutsamenvatting")
    expect(samenvatting).to_be_visible()
    expect(samenvatting).to_be_focused()  # autofocus: read first, Tab continues to its links
    page.keyboard.press("Tab")
    expect(samenvatting.get_by_role("link").first).to_be_focused()
    expect(page).to_have_title(f"Fout: Invoer Apeldoorn {JAAR} – Formatietool leerplicht en "
                               "Doorstroompunt")
    expect(samenvatting.get_by_role("link")).to_have_count(2)
    expect(page.locator("#scholen")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#scholen-fout")).to_be_visible()
    # what the user typed is still there, and nothing was saved
    expect(page.locator("#casusoverleggen")).to_have_value("12,5")
    expect(page.locator("#bezetting_leerplicht")).to_have_value("7,25")
    assert _invoer_uit_db(live, EIGEN) is None
    assert axe(page) == []
    screenshot(page, "03-invoer-fouten")
    # the summary links lead to the fields
    samenvatting.get_by_role("link").first.click()
    expect(page).to_have_url(f"{live.url}/gemeente/{EIGEN}/{JAAR}#scholen")
    expect(page.locator("#scholen")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(format_invoer(waarden["scholen"]))
    page.locator("#luxe_verzuim").fill(format_invoer(waarden["luxe_verzuim"]))
    page.get_by_role("button", name="Indienen").click()

    # (the browser keeps the #scholen fragment across the redirect, as HTTP says)
    page.wait_for_url(re.compile(rf"/gemeente/{EIGEN}/{JAAR}/resultaat(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benodigde formatie Apeldoorn")
    expect(page.get_by_role("heading", name="De keten per taak")).to_be_visible()
    grafiek = page.locator("svg[role=img]:visible").filter(  # the wide or the small layout
        has=page.locator("title", has_text="benodigde fte per taak"))
    expect(grafiek).to_be_visible()
    expect(grafiek.locator("title")).to_have_count(1)
    assert grafiek.locator("rect").count() > 5
    opgeslagen = _invoer_uit_db(live, EIGEN)
    assert opgeslagen[1]["casusoverleggen"] == 12.5 and opgeslagen[2] == {
        "leerplicht": 7.25} and opgeslagen[3] == "ingediend"
    data = _json(page, f"{live.url}/gemeente/{EIGEN}/{JAAR}/resultaat.json")
    rij = data["gemeenten"][0]
    totaal = rij["fte_totaal"]
    expect(page.locator("table.utrecht-table tfoot").first).to_contain_text(format_getal(totaal, 2))
    assert axe(page) == []
    screenshot(page, "04-resultaat")

    xlsx = _werkboek_fte(_download(page, f"{live.url}/gemeente/{EIGEN}/{JAAR}/scenario.xlsx"))
    assert set(xlsx) == {EIGEN}
    assert math.isclose(xlsx[EIGEN]["fte_totaal"], totaal, rel_tol=1e-9)
    for sleutel, functie in rij["functies"].items():
        assert math.isclose(xlsx[EIGEN][f"fte_{sleutel}"], functie["fte"], rel_tol=1e-9)
    geen_csp_fouten(page)


def test_regio_journey(live, page):
    """A regio user sees the region with two gemeenten and downloads the region workbook."""
    live.vul(EIGEN, JAAR)
    live.vul("0150", JAAR, bezetting={"leerplicht": 4.0, "doorstroompunt": 2.5})
    login(page, live.url, "regio")
    page.get_by_role("link", name="Regio MC11").first.click()
    page.wait_for_url(f"{live.url}/regio/MC11/{JAAR}")
    tabel = page.locator("table.utrecht-table").first
    expect(tabel).to_contain_text("Apeldoorn")
    expect(tabel).to_contain_text("Deventer")
    screenshot(page, "05-regio")
    assert axe(page) == []
    fte = {}
    for code in (EIGEN, "0150"):
        rij = _json(page, f"{live.url}/gemeente/{code}/{JAAR}/resultaat.json")["gemeenten"][0]
        fte[code] = rij
        expect(tabel).to_contain_text(format_getal(rij["fte_totaal"], 2))
    xlsx = _werkboek_fte(_download(page, f"{live.url}/regio/MC11/{JAAR}/scenario.xlsx"))
    assert {EIGEN, "0150"} <= set(xlsx)
    for code, rij in fte.items():
        assert math.isclose(xlsx[code]["fte_totaal"], rij["fte_totaal"], rel_tol=1e-9)
    # the region enters the Doorstroompunt's bezetting once, and sees the verschil
    page.goto(f"{live.url}/regio/MC11/{JAAR}")
    page.locator("#bezetting_doorstroompunt").fill("3,5")
    page.get_by_role("button", name="Bezetting opslaan").click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    regio = _json(page, f"{live.url}/regio/MC11/{JAAR}/resultaat.json")["regio"]
    dp = regio["functies"]["doorstroompunt"]
    assert dp["bezetting"] == 3.5
    expect(page.locator("#verschil")).to_contain_text(format_getal(dp["verschil"], 2))
    assert axe(page) == []
    screenshot(page, "05b-regio-bezetting")
    geen_csp_fouten(page)


def test_conflict_journey(live, browser, page):
    """Two people edit the same form; the second sees the conflict, nothing is lost."""
    live.vul(EIGEN, JAAR, status="concept")
    form = f"{live.url}/gemeente/{EIGEN}/{JAAR}"
    ander_ctx = browser.new_context(locale="nl-NL")
    ander = ander_ctx.new_page()
    try:
        login(page, live.url, "gemeente")
        login(ander, live.url, "regio")
        page.goto(form)
        ander.goto(form)
        ander.locator("#scholen").fill("77")
        ander.get_by_role("button", name="Opslaan als concept").click()
        expect(ander.locator(".utrecht-alert--ok")).to_be_visible()

        opgeslagen = _invoer_uit_db(live, EIGEN)[1]["thuiszitters"]
        mijn = int(opgeslagen) + 7  # a value that really differs from what is stored
        page.locator("#thuiszitters").fill(str(mijn))
        page.get_by_role("button", name="Opslaan als concept").click()
        conflict = page.locator(".conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_be_focused()
        expect(conflict).to_contain_text("Iemand anders heeft dit formulier intussen opgeslagen")
        expect(conflict).to_contain_text("regio@test.nl")
        # nothing lost: my value stays, the other person's change is taken over
        expect(page.locator("#thuiszitters")).to_have_value(str(mijn))
        expect(page.locator("#scholen")).to_have_value("77")
        assert axe(page) == []
        screenshot(page, "06-conflict")
        page.get_by_role("button", name="Opslaan als concept").click()
        expect(page.locator(".utrecht-alert--ok")).to_be_visible()
        _versie, waarden, _bez, _status = _invoer_uit_db(live, EIGEN)
        assert waarden["scholen"] == 77 and waarden["thuiszitters"] == mijn
    finally:
        ander_ctx.close()
    geen_csp_fouten(page)


def test_expired_form_keeps_values(live, page):
    """A form open longer than the CSRF token lives: the friendly page, values kept."""
    login(page, live.url, "gemeente")
    page.goto(f"{live.url}/gemeente/{EIGEN}/{JAAR}")
    page.locator("#leerplichtigen").fill("12.345")
    page.locator("#bezetting_leerplicht").fill("2,75")
    oud = live.app.config["WTF_CSRF_TIME_LIMIT"]
    live.app.config["WTF_CSRF_TIME_LIMIT"] = 1
    try:
        time.sleep(2.5)
        with page.expect_response(lambda r: r.request.method == "POST") as antwoord:
            page.get_by_role("button", name="Opslaan als concept").click()
        assert antwoord.value.status == 400
        expect(page.locator(".utrecht-alert--error")).to_contain_text("Het formulier was verlopen")
        expect(page.locator("#leerplichtigen")).to_have_value("12.345")
        expect(page.locator("#bezetting_leerplicht")).to_have_value("2,75")
        assert "Bad Request" not in page.content()
        assert _invoer_uit_db(live, EIGEN) is None
        assert axe(page) == []
        screenshot(page, "07-formulier-verlopen")
    finally:
        live.app.config["WTF_CSRF_TIME_LIMIT"] = oud
    page.get_by_role("button", name="Opslaan als concept").click()  # a fresh token: it works
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    assert _invoer_uit_db(live, EIGEN)[1] == {"leerplichtigen": 12345.0}


def _tab_naar(page, voorwaarde: str, max_tabs: int = 200) -> None:
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate(voorwaarde):
            return
    raise AssertionError(f"never reached by Tab: {voorwaarde}")


def test_keyboard_only_form_journey(live, page):
    """Log in, open the form, fill in every field and submit with Tab, typing and Enter only."""
    waarden = _schattingen(live, EIGEN)
    page.goto(live.url + "/login")
    _tab_naar(page, "document.activeElement.id === 'email'")
    page.keyboard.type("gemeente@test.nl")
    page.keyboard.press("Tab")
    page.keyboard.type("een-lang-testwachtwoord")
    page.keyboard.press("Enter")
    page.wait_for_url(live.url + "/")
    _tab_naar(page, "document.activeElement.tagName === 'A' && "
                    "document.activeElement.getAttribute('href') === "
                    f"'/gemeente/{EIGEN}/{JAAR}'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}/gemeente/{EIGEN}/{JAAR}")
    ingevuld = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        actief = page.evaluate("() => [document.activeElement.tagName, "
                               "document.activeElement.id, document.activeElement.type || '']")
        naam = actief[1]
        if actief[0] == "INPUT" and naam in waarden and naam not in ingevuld:
            page.keyboard.type(format_invoer(waarden[naam]))
            ingevuld.add(naam)
        elif actief[0] == "INPUT" and naam.startswith("bezetting_") and naam not in ingevuld:
            page.keyboard.type("1,5")
            ingevuld.add(naam)
        elif actief[0] == "INPUT" and naam == "indienen":
            break
    else:
        raise AssertionError("the Indienen button was never reached by Tab")
    assert ingevuld >= set(waarden)
    # the focus is visible on the button (an outline or box-shadow)
    stijl = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert stijl[0] != "none" or stijl[2] != "none", stijl
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}/gemeente/{EIGEN}/{JAAR}/resultaat")
    _versie, opgeslagen, bezetting, status = _invoer_uit_db(live, EIGEN)
    assert status == "ingediend" and opgeslagen == waarden
    assert bezetting == {"leerplicht": 1.5}  # the Doorstroompunt bezetting is regional
