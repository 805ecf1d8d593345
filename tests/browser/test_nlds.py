"""Issue 24 in Chromium: every page on NL Design System components, at 1280 and 375 px, in the
neutral theme and in a second token package (THEMA), with axe-core at WCAG 2.1 AA finding
nothing; the README's quick start by keyboard alone; the key columns of the wide tables on a
phone. Screenshots: test-artifacts/screenshots/nlds-<thema>-<breedte>-<rol>-<pagina>.png.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from app.thema import manifest

from .conftest import ARTEFACTEN, axe, geen_csp_fouten, live_app, login, screenshot
from .test_toegankelijkheid import _leesbaar, _paden

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JAAR = datetime.now(UTC).year
BREEDTES = {1280: 900, 375: 800}
THEMAS = sorted(manifest()["themas"])


def _vul(live) -> None:
    for jaar in (JAAR - 2, JAAR - 1, JAAR):
        for code in ("0200", "0150", "0344"):
            live.vul(code, jaar, bezetting={"leerplicht": 5.0, "doorstroompunt": 2.0})


def _naam(thema: str, breedte: int, rol, pad: str) -> str:
    return (f"nlds-{thema}-{breedte}-{rol or 'anoniem'}-"
            + (re.sub(r"[^a-z0-9]+", "-", pad.lower()).strip("-") or "start"))


#: Per page: the NL Design System classes on it, the elements of a kind without one, and
#: whether the page scrolls sideways.
_OPBOUW_JS = """() => {
  const zonder = (sel, klasse) => Array.from(document.querySelectorAll(sel))
    .filter(e => !Array.from(e.classList).some(k => k.startsWith(klasse))).length;
  return {
    kop: !!document.querySelector('header.utrecht-page-header'),
    skiplink: !!document.querySelector('a.nl-skip-link[href="#inhoud"]'),
    voet: !!document.querySelector('footer.utrecht-page-footer'),
    h_zonder: zonder('main h1, main h2, main h3', 'nl-heading'),
    tabel_zonder: zonder('main table', 'utrecht-table'),
    knop_zonder: zonder('main button, main input[type=submit]', 'nl-button'),
    link_zonder: zonder('main a[href]:not(.utrecht-breadcrumb-nav__link):not(.utrecht-button-link)',
                        'nl-link'),
    veld_zonder: zonder('main input[type=text], main input[type=email], main input[type=password]',
                        'utrecht-textbox') + zonder('main select', 'utrecht-select'),
    breedte: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.parametrize("breedte", list(BREEDTES))
@pytest.mark.parametrize("thema", THEMAS)
def test_every_page_uses_nl_design_system_components_and_axe_finds_nothing(
        browser, tmp_path, thema, breedte):
    bevindingen: dict[str, list] = {}
    opbouw: dict[str, dict] = {}
    bezocht = 0
    with live_app(tmp_path, THEMA=thema) as live:
        _vul(live)
        for rol in (None, "gemeente", "regio", "beheerder"):
            ctx = browser.new_context(locale="nl-NL",
                                      viewport={"width": breedte, "height": BREEDTES[breedte]})
            page = ctx.new_page()
            page.console_fouten = []
            page.on("console", lambda m, p=page: p.console_fouten.append(m.text)
                    if m.type == "error" else None)
            if rol is not None:
                login(page, live.url, rol)
            for pad in _paden(live.app, rol):
                antwoord = page.goto(live.url + pad)
                assert antwoord is not None and antwoord.status < 500, pad
                if "text/html" not in antwoord.headers.get("content-type", ""):
                    continue
                bezocht += 1
                sleutel = f"{rol} {pad}"
                assert page.locator("html").get_attribute("class") == (
                    "utrecht-root " + manifest()["themas"][thema]["klasse"])
                o = page.evaluate(_OPBOUW_JS)
                fout = {k: v for k, v in o.items() if k != "breedte" and v not in (True, 0)}
                if o["breedte"] > breedte + 1:
                    fout["breedte"] = o["breedte"]
                if fout:
                    opbouw[sleutel] = fout
                if gevonden := axe(page):
                    bevindingen[sleutel] = gevonden
                screenshot(page, _naam(thema, breedte, rol, pad))
            geen_csp_fouten(page)
            ctx.close()
    assert bezocht >= 20
    assert opbouw == {}, opbouw
    assert bevindingen == {}, _leesbaar(bevindingen)


#: Per table: its container's scroll width, width and scroll position, and where the first
#: and last cell of its first row are (px).
_TABEL_JS = """(sel) => { const t = document.querySelector(sel);
  const doos = t.closest('.utrecht-table-container');
  const rij = t.querySelector('tbody tr');
  const cellen = rij.querySelectorAll('th, td');
  const r = (e) => e.getBoundingClientRect();
  return {scroll: doos.scrollWidth, box: doos.clientWidth, links: doos.scrollLeft,
          eerste: [r(cellen[0]).left, r(cellen[0]).right],
          laatste: [r(cellen[cellen.length - 1]).left, r(cellen[cellen.length - 1]).right]}; }"""


def test_on_a_phone_the_key_columns_are_in_view_with_their_row_names(browser, tmp_path):
    """At 375 px the Verschil column of the tables of benodigd, bezetting and verschil is on
    screen without scrolling, with the functie names; a wider table scrolls in its own box and
    keeps its row names in view (sticky row headers), so the key column at its end is read with
    its row's name."""
    with live_app(tmp_path) as live:
        _vul(live)
        ctx = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 800})
        page = ctx.new_page()
        login(page, live.url, "regio")
        for pad, tabel in ((f"/gemeente/0200/{JAAR}/resultaat", "#verschil"),
                           (f"/regio/MC11/{JAAR}", "#verschil")):
            page.goto(live.url + pad)
            m = page.evaluate(_TABEL_JS, tabel)
            # with the budget columns (issue 22) the table may scroll in its own box; its key
            # column (the last verschil) and the functie names are in view without scrolling
            assert m["laatste"][0] >= 0 and m["laatste"][1] <= 375, (pad, m)
            assert m["eerste"][0] >= 0 and m["eerste"][1] <= 200, (pad, m)
            page.locator(tabel).screenshot(
                path=str(ARTEFACTEN / "screenshots" / f"nlds-375-sleutelkolom-{tabel[1:]}.png"))
        page.goto(f"{live.url}/regio/MC11/{JAAR}")
        voor = page.evaluate(_TABEL_JS, "#leden")
        assert voor["scroll"] > voor["box"]  # the table of members is wider than a phone
        page.locator("#leden").focus()
        for _ in range(30):  # by keyboard, as the table is focusable
            page.keyboard.press("ArrowRight")
        # keyboard scrolling is animated: wait until the box has scrolled to its end
        page.wait_for_function("() => { const d = document.querySelector('#leden')"
                               ".closest('.utrecht-table-container');"
                               " return d.scrollLeft + d.clientWidth >= d.scrollWidth - 1; }")
        na = page.evaluate(_TABEL_JS, "#leden")
        assert na["links"] > 0  # scrolled
        assert na["laatste"][1] <= 375 + 1, na  # the key column (Totaal) came into view
        assert na["eerste"][0] >= 0 and na["eerste"][1] <= 200, na  # the name stayed put
        page.locator("#leden").screenshot(
            path=str(ARTEFACTEN / "screenshots" / "nlds-375-sleutelkolom-leden-gescrold.png"))
        ctx.close()


def _focus_zichtbaar(page) -> bool:
    s = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                      " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    return (s[0] != "none" and s[1] != "0px") or s[2] != "none"


def _tab_naar(page, voorwaarde: str, max_tabs: int = 150) -> None:
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate(voorwaarde):
            assert _focus_zichtbaar(page), voorwaarde
            return
    raise AssertionError(f"never reached by Tab: {voorwaarde}")


@pytest.mark.parametrize("thema", THEMAS)
def test_the_readme_quick_start_by_keyboard_alone(browser, tmp_path, thema):
    """README: log in as the gemeente, Invullen, Gebruik schattingen voor lege velden, fte in
    dienst 7,5, Indienen, the result page; Tab, typing and Enter only, the focus visible on
    every stop that acts."""
    with live_app(tmp_path, THEMA=thema) as live:
        ctx = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.console_fouten = []
        page.on("console", lambda m: page.console_fouten.append(m.text)
                if m.type == "error" else None)
        page.goto(live.url + "/login")
        page.keyboard.press("Tab")  # the skip link comes first, and shows itself
        assert page.evaluate("document.activeElement.classList.contains('nl-skip-link')")
        assert page.locator(".nl-skip-link").is_visible()
        _tab_naar(page, "document.activeElement.id === 'email'")
        page.keyboard.type("gemeente@test.nl")
        page.keyboard.press("Tab")
        page.keyboard.type("een-lang-testwachtwoord")
        page.keyboard.press("Enter")
        page.wait_for_url(live.url + "/")
        _tab_naar(page, "document.activeElement.tagName === 'A' && "
                        f"document.activeElement.getAttribute('href') === '/gemeente/0200/{JAAR}'"
                        " && document.activeElement.textContent.startsWith('Invullen')")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/gemeente/0200/{JAAR}")
        _tab_naar(page, "document.activeElement.textContent.trim() === "
                        "'Gebruik schattingen voor lege velden'")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/gemeente/0200/{JAAR}?schatting=1")
        _tab_naar(page, "document.activeElement.id === 'bezetting_leerplicht'")
        page.keyboard.type("7,5")
        _tab_naar(page, "document.activeElement.id === 'indienen'")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/gemeente/0200/{JAAR}/resultaat")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Benodigde formatie Apeldoorn {JAAR}")
        expect(page.locator(".utrecht-status-badge")).to_have_text("Ingediend")
        expect(page.locator("#verschil")).to_contain_text("7,50")
        assert axe(page) == []
        screenshot(page, f"nlds-{thema}-toetsenbord-resultaat")
        geen_csp_fouten(page)
        ctx.close()


def test_form_errors_follow_the_nl_design_system_pattern(live, page):
    """A Dutch error summary (Utrecht alert, error) linking to each field; at the field an
    error message wired with aria-describedby, the field marked invalid."""
    login(page, live.url, "gemeente")
    page.goto(f"{live.url}/gemeente/0200/{JAAR}")
    page.locator("#scholen").fill("veel")
    page.get_by_role("button", name="Opslaan als concept").click()
    samenvatting = page.locator(".utrecht-alert.utrecht-alert--error.foutsamenvatting")
    expect(samenvatting).to_be_focused()
    expect(samenvatting.get_by_role("heading")).to_have_text("Controleer het volgende veld")
    expect(samenvatting.get_by_role("link")).to_have_attribute("href", "#scholen")
    veld = page.locator(".utrecht-form-field--invalid")
    expect(veld).to_have_count(1)
    melding = veld.locator(".utrecht-form-field-error-message")
    expect(melding).to_have_attribute("id", "scholen-fout")
    expect(melding).to_contain_text("Fout:")
    invoer = page.locator("#scholen")
    expect(invoer).to_have_class(re.compile(r"\butrecht-textbox--invalid\b"))
    expect(invoer).to_have_attribute("aria-invalid", "true")
    assert "scholen-fout" in invoer.get_attribute("aria-describedby").split()
    assert axe(page) == []
    screenshot(page, "nlds-formulierfout")
