"""Issue 14 in a real browser: the main pages at 1280 px and at 375 px read right to a Dutch
user. Each page is screenshotted at both widths (test-artifacts/screenshots/tekst-*.png) and
its visible text is checked for the issue's wording; no chart label is clipped by its chart's
box; at 375 px nothing scrolls sideways except inside a table's own scroll box, a table's key
column (Verschil, Totaal, Fte) and its row names stay in view however far it is scrolled, and
every chart shows its small-screen layout with labels of at least 10 px that do not overlap
each other.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from .conftest import ARTEFACTEN, axe, geen_csp_fouten, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JAAR = datetime.now(UTC).year
BREEDTES = {"breed": (1280, 900), "smal": (375, 800)}

#: Forms no page may show (as tests/web/test_teksten.py, here on the rendered text).
FOUT = [re.compile(p) for p in (
    r"(?<![\d.,])1 gemeenten\b", r"\bper (?:jongeren|vestigingen|meldingen|leerplichtigen)\b",
    r"\d,0+ (?:jongeren|meldingen|vestigingen)\b", r"(?<![\w.,/-])-\d",
    r"de volgende veld\b", r"\b\d+ invoer\b")]

#: (path, texts that must be on it) per page, as the regio user (who sees MC11, 0150, 0200).
PAGINAS = [
    ("/", ["regio@test.nl", "(regio MC11)"]),
    (f"/gemeente/0200/{JAAR}/resultaat", ["Uren per eenheid", "Fte totaal (leerplicht en "
                                          "Doorstroompunt) per 1.000", "16\u00a0% afwezigheid"]),
    (f"/gemeente/0200/{JAAR}/gevoeligheid", ["invoervelden die de totale fte"]),
    (f"/gemeente/0200/{JAAR}/prognose", ["invoervelden"]),
    (f"/gemeente/0200/{JAAR}/historie", ["Historie"]),
    (f"/regio/MC11/{JAAR}", ["Doorstroompunt regio", "Download als Excel-scenario"]),
    (f"/regio/MC11/{JAAR + 1}", [f"Nog geen cijfers voor {JAAR + 1}",
                                 "Nog geen Excel-scenario om te downloaden"]),
    (f"/scenarios/nieuw?gemeente=0200&jaar={JAAR}", ["uur per vestiging", "Normenset: 16\u00a0%",
                                                     "Normenset: 1.836 uur"]),
    ("/scenarios", ["Scenario"]),
    ("/scenarios/1", ["Groei"]),
    ("/scenarios/vergelijk?ids=1", ["Scenario's vergelijken"]),
    ("/normen/1", ["16\u00a0%"]),
]

_TEKST_JS = """() => {
  const weg = new Set(['SCRIPT', 'STYLE']);
  const uit = [];
  const loop = (n) => { for (const k of n.childNodes) {
    if (k.nodeType === 3) uit.push(k.textContent);
    else if (k.nodeType === 1 && !weg.has(k.tagName)) loop(k); } };
  loop(document.body);
  return uit.join(' ').replace(/[ \\t\\r\\n]+/g, ' ');
}"""

#: Per visible chart: the font height in px and the overlapping pairs of its text labels.
_GRAFIEK_JS = """() => Array.from(document.querySelectorAll('figure.grafiek svg'))
  .filter(s => s.getBoundingClientRect().width > 0)
  .map(s => {
    const r = Array.from(s.querySelectorAll('text')).map(t => t.getBoundingClientRect())
      .filter(b => b.width > 0);
    let overlap = 0;
    for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
      const a = r[i], b = r[j];
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
          && b.top < a.bottom - 1) overlap++;
    }
    return {klasse: s.getAttribute('class') || '', breedte: s.getBoundingClientRect().width,
            font: Math.min(...r.map(b => b.height)), overlap: overlap};
  })"""


#: Charts whose text labels reach outside their own SVG box (clipped): [label, how far out].
_AFGEKNIPT_JS = """() => Array.from(document.querySelectorAll('figure.grafiek svg'))
  .filter(s => s.getBoundingClientRect().width > 0)
  .flatMap(s => { const sb = s.getBoundingClientRect();
    return Array.from(s.querySelectorAll('text'))
      .map(t => [t.textContent, t.getBoundingClientRect()])
      .filter(([_, b]) => b.width > 0 && (b.left < sb.left - 1 || b.right > sb.right + 1
                          || b.top < sb.top - 1 || b.bottom > sb.bottom + 1))
      .map(([x, b]) => x.slice(0, 40) + ' (' + Math.round(Math.max(sb.left - b.left,
           b.right - sb.right, sb.top - b.top, b.bottom - sb.bottom)) + ' px)'); })"""

#: At 375 px, per table with a key column (Verschil, Totaal, Fte): is that column and the row
#: names in view, at the start and scrolled to the end of the table's own scroll box?
_SLEUTEL_JS = """() => {
  const uit = [];
  const zichtbaar = (c) => { const b = c.getBoundingClientRect();
    return b.left >= -1 && b.right <= window.innerWidth + 1; };
  for (const t of document.querySelectorAll('table')) {
    const koppen = Array.from(t.querySelectorAll('thead th'));
    const kop = [/^Verschil/, /^Totaal/, /^Fte$/].map(p => koppen.find(
      h => p.test(h.textContent.trim()))).find(h => h);
    if (!kop) continue;
    const doos = t.closest('.utrecht-table-container');
    for (const kant of ['begin', 'eind']) {
      doos.scrollLeft = kant === 'begin' ? 0 : doos.scrollWidth;
      if (!zichtbaar(kop)) uit.push(`${t.id}: "${kop.textContent.trim()}" buiten beeld (${kant})`);
      const naam = t.querySelector('tbody th');
      if (naam && !zichtbaar(naam)) uit.push(`${t.id}: rijnamen buiten beeld (${kant})`);
    }
    doos.scrollLeft = 0;
  }
  return uit;
}"""


def _vul(live) -> None:
    for jaar in (JAAR - 2, JAAR - 1, JAAR):
        for code in ("0200", "0150"):
            live.vul(code, jaar, bezetting={"leerplicht": 1.0, "doorstroompunt": 2.0})


def _scenario(page, url: str) -> None:
    page.goto(f"{url}/scenarios/nieuw?gemeente=0200&jaar={JAAR}")
    page.get_by_label("Naam van het scenario").fill("Groei 10 %")
    page.locator("#groei_leerplichtigen").fill("10")
    page.get_by_role("button", name="Scenario opslaan").click()
    page.wait_for_url(re.compile(r".*/scenarios/1$"))


@pytest.mark.parametrize("maat", list(BREEDTES))
def test_main_pages_read_right_at_1280_and_375_px(live, browser, maat):
    _vul(live)
    breedte, hoogte = BREEDTES[maat]
    ctx = browser.new_context(locale="nl-NL", viewport={"width": breedte, "height": hoogte})
    page = ctx.new_page()
    page.console_fouten = []
    page.on("console", lambda m: page.console_fouten.append(m.text)
            if m.type == "error" else None)
    login(page, live.url, "regio")
    _scenario(page, live.url)
    fouten: dict[str, list[str]] = {}
    for pad, teksten in PAGINAS:
        antwoord = page.goto(live.url + pad)
        assert antwoord is not None and antwoord.status == 200, pad
        naam = "tekst-" + maat + "-" + (re.sub(r"[^a-z0-9]+", "-", pad.lower()).strip("-")
                                        or "start")
        screenshot(page, naam)
        tekst = page.evaluate(_TEKST_JS)
        bevindingen = [t for t in teksten if t not in tekst]
        bevindingen += [f"fout: {m[0]}" for p in FOUT for m in p.finditer(tekst)]
        # the header shows who is logged in, not only to a screen reader
        kop = page.locator("header .kop__gebruiker")
        if not (kop.is_visible() and "regio@test.nl" in kop.inner_text()):
            bevindingen.append("gebruiker niet zichtbaar in de kop")
        bevindingen += [f"afgeknipt grafieklabel: {x}" for x in page.evaluate(_AFGEKNIPT_JS)]
        if maat == "smal":
            bevindingen += _smal(page, naam)
            bevindingen += page.evaluate(_SLEUTEL_JS)
        if bevindingen:
            fouten[pad] = bevindingen
    geen_csp_fouten(page)
    ctx.close()
    assert fouten == {}, fouten


def _smal(page, naam: str) -> list[str]:
    """At 375 px: no sideways scrolling of the page, charts in their small layout, readable.
    Each chart is also saved on its own (``<naam>-grafiek-<i>.png``) to look at."""
    uit = []
    for i, figuur in enumerate(page.locator("figure.grafiek").all()[:4]):
        figuur.screenshot(path=str(ARTEFACTEN / "screenshots" / f"{naam}-grafiek-{i}.png"))
    breedte = page.evaluate("() => document.documentElement.scrollWidth")
    if breedte > 375 + 1:
        uit.append(f"de pagina is {breedte} px breed")
    for g in page.evaluate(_GRAFIEK_JS):
        if "grafiek__breed" in g["klasse"]:
            uit.append("de brede grafiek is zichtbaar")
        if g["font"] < 10:
            uit.append(f"grafieklabels van {g['font']:.1f} px")
        if g["overlap"]:
            uit.append(f"{g['overlap']} grafieklabels overlappen ({g['klasse']})")
    return uit


def test_scenario_select_boxes_are_styled_like_the_inputs(live, page):
    login(page, live.url, "regio")
    page.goto(live.url + "/scenarios")
    stijl = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('select'));
      return [s.borderTopWidth, s.borderTopStyle, s.fontSize]; }""")
    invoer = page.evaluate("""() => { const i = document.createElement('input');
      i.className = 'utrecht-textbox utrecht-textbox--html-input';
      document.body.appendChild(i); const s = getComputedStyle(i);
      return [s.borderTopWidth, s.borderTopStyle, s.fontSize]; }""")
    assert stijl == invoer
    screenshot(page, "tekst-scenarios-select")


def test_small_screen_pages_have_no_axe_violations(live, browser):
    _vul(live)
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    login(page, live.url, "regio")
    bevindingen = {}
    for pad in (f"/gemeente/0200/{JAAR}/resultaat", f"/regio/MC11/{JAAR}",
                f"/gemeente/0200/{JAAR}/gevoeligheid", f"/gemeente/0200/{JAAR}/prognose"):
        page.goto(live.url + pad)
        fouten = axe(page)
        if fouten:
            bevindingen[pad] = fouten
    ctx.close()
    assert bevindingen == {}
