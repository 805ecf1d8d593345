"""axe-core (WCAG 2.1 A and AA) on every page, discovered from ``app.url_map``.

Every GET route whose parameters can be filled is visited as beheerder, gemeente and regio
user (and the public ones anonymously), plus the states that only a POST shows: login error,
form errors, the upload preview of an Excel scenario, the 404 page. New pages are covered
without changing this file; a route with a parameter it cannot fill fails the test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from .conftest import axe, geen_csp_fouten, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JAAR = datetime.now(UTC).year
GEMEENTE = {"beheerder": "0344", "gemeente": "0200", "regio": "0150"}
REGIO = {"beheerder": "MC19", "gemeente": None, "regio": "MC11"}
NIET_HTML = (".json", ".xlsx", ".csv", ".toml")


def _paden(app, rol: str | None) -> list[str]:
    uit = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in {"static", "health.health"}:
            continue
        if rule.rule.endswith(NIET_HTML):
            continue
        waarden = {}
        for arg in rule.arguments:
            if arg == "code" and rule.rule.startswith("/gemeente/"):
                waarden[arg] = GEMEENTE.get(rol)
            elif arg == "code" and rule.rule.startswith("/regio/"):
                waarden[arg] = REGIO.get(rol)
            elif arg == "jaar":
                waarden[arg] = JAAR
            elif arg.endswith("_id") or arg == "id":
                waarden[arg] = 1
            else:
                pytest.fail(f"{rule.rule}: parameter {arg!r} unknown to this test; add it")
        if None in waarden.values():
            continue
        if rol is None and rule.endpoint not in {"auth.login", "auth.logout",
                                                 "main.toegankelijkheid"}:
            continue
        uit.append(rule.build(waarden)[1])
    return uit


def _naam(pad: str, rol) -> str:
    return f"axe-{rol or 'anoniem'}-" + (re.sub(r"[^a-z0-9]+", "-", pad.lower()).strip("-")
                                         or "start")


def _controleer(page, url: str, pad: str, rol, bevindingen: dict, bezocht: list) -> None:
    antwoord = page.goto(url + pad)
    assert antwoord is not None and antwoord.status < 500, (pad, antwoord and antwoord.status)
    if "text/html" not in antwoord.headers.get("content-type", ""):
        return
    bezocht.append(f"{rol} {pad} {antwoord.status}")
    fouten = axe(page)
    if fouten:
        bevindingen[f"{rol} {pad}"] = fouten
    screenshot(page, _naam(pad, rol))


def _vul(live) -> None:
    for jaar in (JAAR - 2, JAAR - 1, JAAR):
        for code in ("0200", "0150", "0344"):
            live.vul(code, jaar, bezetting={"leerplicht": 5.0, "doorstroompunt": 2.0})


def test_axe_on_every_page(live, browser):
    _vul(live)
    bevindingen: dict[str, list] = {}
    bezocht: list[str] = []
    for rol in (None, "gemeente", "regio", "beheerder"):
        ctx = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.console_fouten = []
        page.on("console", lambda m, p=page: p.console_fouten.append(m.text)
                if m.type == "error" else None)
        if rol is not None:
            login(page, live.url, rol)
        for pad in _paden(live.app, rol):
            _controleer(page, live.url, pad, rol, bevindingen, bezocht)
        geen_csp_fouten(page)
        ctx.close()
    assert len(bezocht) >= 20, bezocht
    assert bevindingen == {}, _leesbaar(bevindingen)


def test_axe_on_states_after_post(live, page, tmp_path):
    """Login error, form errors, 404, the Excel upload preview, the logout page."""
    _vul(live)
    bevindingen: dict[str, list] = {}
    page.goto(live.url + "/login")
    page.get_by_label("E-mailadres").fill("gemeente@test.nl")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector(".foutsamenvatting")
    bevindingen["login-fout"] = axe(page)
    screenshot(page, "axe-login-fout")

    login(page, live.url, "gemeente")
    page.goto(f"{live.url}/gemeente/0200/{JAAR}")
    page.locator("#leerplichtigen").fill("-5")
    page.locator("#scholen").fill("<script>alert(1)</script>")
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_selector(".foutsamenvatting")
    bevindingen["invoer-fouten"] = axe(page)

    page.goto(f"{live.url}/gemeente/0344/{JAAR}")  # not hers: the 404 page
    bevindingen["404"] = axe(page)
    screenshot(page, "axe-404")
    page.goto(f"{live.url}/logout")
    bevindingen["logout"] = axe(page)

    # the upload preview: download the workbook, change nothing, upload it
    r = page.request.get(f"{live.url}/gemeente/0200/{JAAR}/scenario.xlsx")
    if r.status == 200:
        pad = tmp_path / "scenario.xlsx"
        pad.write_bytes(r.body())
        _wijzig_invoer(pad, "0200", "leerplichtigen", 1.1)  # so the preview shows a change
        for bron in (f"/gemeente/0200/{JAAR}/resultaat", f"/gemeente/0200/{JAAR}"):
            page.goto(live.url + bron)
            bestand = page.locator("input[type=file]")
            if bestand.count():
                bestand.first.set_input_files(str(pad))
                bestand.first.locator("xpath=ancestor::form").locator(
                    "button[type=submit], input[type=submit]").first.click()
                page.wait_for_load_state()
                bevindingen["upload-voorbeeld"] = axe(page)
                screenshot(page, "axe-upload-voorbeeld")
                break
    geen_csp_fouten(page)
    bevindingen = {k: v for k, v in bevindingen.items() if v}
    assert bevindingen == {}, _leesbaar(bevindingen)


def _wijzig_invoer(pad, code: str, sleutel: str, factor: float) -> None:
    """Change one yellow input cell of an exported workbook, as a user would in Excel."""
    import openpyxl

    wb = openpyxl.load_workbook(pad)
    ws = wb["Invoer"]
    rijen = list(ws.iter_rows())
    kop = next(r for r in rijen if any(c.value == "gemeentecode" for c in r))
    kolom = next(c.column for c in kop if c.value == "waarde")
    code_kolom = next(c.column for c in kop if c.value == "gemeentecode")
    invoer_kolom = next(c.column for c in kop if c.value == "invoer")
    for r in rijen:  # one row per gemeente × invoer
        if (ws.cell(r[0].row, code_kolom).value == code
                and ws.cell(r[0].row, invoer_kolom).value == sleutel):
            cel = ws.cell(r[0].row, kolom)
            cel.value = round(float(cel.value) * factor)
    wb.save(pad)


def _leesbaar(bevindingen: dict) -> str:
    regels = []
    for pagina, fouten in bevindingen.items():
        for f in fouten:
            regels.append(f"{pagina}: {f['id']} ({f['impact']}): {f['help']}")
            regels.extend(f"    {n}" for n in f["nodes"])
    return "\n".join(regels)


def test_focus_styles_keep_contrast(live, page):
    """Tab through the main pages; on every focused element axe's color-contrast must pass
    (a focus style can break contrast that the resting state meets)."""
    _vul(live)
    login(page, live.url, "regio")
    paden = ["/", f"/gemeente/0200/{JAAR}", f"/gemeente/0200/{JAAR}/resultaat",
             f"/regio/MC11/{JAAR}", f"/gemeente/0200/{JAAR}/historie", "/normen"]
    bevindingen = {}
    for pad in paden:
        page.goto(live.url + pad)
        if pad == f"/gemeente/0200/{JAAR}":  # the error state, with its summary links
            page.locator("#scholen").fill("fout")
            page.get_by_role("button", name="Opslaan als concept").click()
            page.wait_for_selector(".foutsamenvatting")
        axe(page)
        gezien = set()
        for _ in range(150):
            page.keyboard.press("Tab")
            sleutel = page.evaluate(
                "() => { const e = document.activeElement; if (e === document.body) return null;"
                " return Array.from(document.querySelectorAll('*')).indexOf(e) + ' ' +"
                " e.tagName + ' ' + (e.getAttribute('href') || e.id || e.textContent.trim()"
                ".slice(0, 40)); }")
            if sleutel is None or sleutel in gezien:
                break
            gezien.add(sleutel)
            fouten = page.evaluate(
                "async () => (await axe.run(document.activeElement, {runOnly: {type: 'rule',"
                " values: ['color-contrast']}})).violations.map(v => v.nodes.map(n =>"
                " n.failureSummary).join(' '))")
            if fouten:
                bevindingen[f"{pad} {sleutel}"] = fouten
        assert len(gezien) > 5, pad
    assert bevindingen == {}, bevindingen


def test_reflow_at_320_px(live, browser):
    """WCAG 1.4.10: at 320 CSS px wide no page scrolls sideways (tables scroll in their own
    box), and axe still finds nothing."""
    _vul(live)
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    try:
        page.goto(live.url + "/login")
        bevindingen = {"login": axe(page)}
        login(page, live.url, "regio")
        for pad in ("/", f"/gemeente/0200/{JAAR}", f"/gemeente/0200/{JAAR}/resultaat",
                    f"/regio/MC11/{JAAR}", f"/gemeente/0200/{JAAR}/historie", "/normen/1",
                    "/toegankelijkheid"):
            page.goto(live.url + pad)
            breedte = page.evaluate("() => document.documentElement.scrollWidth")
            assert breedte <= 321, (pad, breedte)
            bevindingen[pad] = axe(page)
            screenshot(page, _naam(pad, "320px"))
    finally:
        ctx.close()
    bevindingen = {k: v for k, v in bevindingen.items() if v}
    assert bevindingen == {}, _leesbaar(bevindingen)
