"""Every page reads right to a Dutch user (issue 14), for every role, with figures saved.

Walks every GET route in ``app.url_map`` (as tests/web/test_security.py does) plus the pages
only a query string or an empty year shows, and fails on the known bad forms in the visible
text (``<script>``/``<style>`` ignored): "1 gemeenten", "per jongeren", a count with ",0",
a hyphen-minus before a digit, "Controleer de volgende veld".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from formatie.taal import WOORDEN

from .conftest import ANDER, EIGEN, EIGEN_REGIO, JAAR

ROLLEN = [None, "gemeente", "regio", "beheerder"]
GEMEENTE = {None: EIGEN, "gemeente": EIGEN, "regio": "0150", "beheerder": ANDER}
REGIO = {None: EIGEN_REGIO, "gemeente": EIGEN_REGIO, "regio": EIGEN_REGIO,
         "beheerder": EIGEN_REGIO}
NIET_HTML = (".json", ".xlsx", ".csv", ".toml")

_MEERVOUDEN = sorted({meer for enkel, meer in WOORDEN if enkel != meer}, key=len, reverse=True)
_MEER = "|".join(re.escape(m) for m in _MEERVOUDEN)
#: (name, pattern) of the forms no page may show.
FOUTE_VORMEN = [
    ("1 met een meervoud", re.compile(rf"(?<![\d.,])1 (?:{_MEER})\b")),
    ("per met een meervoud", re.compile(rf"\bper (?:{_MEER})\b")),
    ("telling met ,0", re.compile(rf"\d,0+ (?:{_MEER})\b")),
    ("streepje als minteken", re.compile(r"(?<![\w.,/-])-\d")),
    ("de volgende veld", re.compile(r"de volgende veld\b")),
    ("1 invoer", re.compile(r"\b\d+ invoer\b")),
    ("label herhaald", re.compile(r"[Bb]egroot op P\d+ \(begroten\)|P\d+ \(begroten\)[:-]")),
]


class _Tekst(HTMLParser):
    """The text a reader sees: all text nodes outside <script> and <style>."""

    def __init__(self):
        super().__init__()
        self.delen: list[str] = []
        self._verborgen = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._verborgen += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._verborgen -= 1

    def handle_data(self, data):
        if not self._verborgen:
            self.delen.append(data)


def zichtbare_tekst(html: str) -> str:
    p = _Tekst()
    p.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(p.delen))  # keeps no-break spaces


def foute_vormen(tekst: str) -> list[str]:
    """Every bad form in ``tekst``, with 30 characters of context."""
    uit = []
    for naam, patroon in FOUTE_VORMEN:
        for m in patroon.finditer(tekst):
            uit.append(f"{naam}: …{tekst[max(m.start() - 30, 0):m.end() + 30]}…")
    return uit


@pytest.mark.parametrize(("tekst", "fout"), [
    ("Regio Gelderland (1 gemeenten)", "1 met een meervoud"),
    ("Norm: 4 uur per jongeren per jaar", "per met een meervoud"),
    ("20.480,0 jongeren", "telling met ,0"),
    ("verschil -4,82 fte", "streepje als minteken"),
    ("Controleer de volgende veld", "de volgende veld"),
    ("de 10 invoer die", "1 invoer"),
    ("Begroot op P80 (begroten): 11,30 fte", "label herhaald"),
    ("percentielen (P80 (begroten): in 8 van de 10 jaren", "label herhaald"),
])
def test_the_sweep_recognises_every_bad_form(tekst, fout):
    assert any(f.startswith(fout) for f in foute_vormen(tekst))


@pytest.mark.parametrize("tekst", [
    "11 gemeenten", "1 gemeente", "21 jongeren", "per jongere", "20.480 jongeren",
    "−4,82 fte", "29-11-2026 14:00", "MC11", "Deventer (0150)", "10,05 meldingen",
    "2021 jongeren",
])
def test_the_sweep_accepts_good_forms(tekst):
    assert foute_vormen(tekst) == []


def _paden(app, rol: str | None, scenario_ids: list[int]) -> list[str]:
    uit = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in {"static", "health.health"}:
            continue
        if rule.rule.endswith(NIET_HTML):
            continue
        waarden = {}
        for arg in rule.arguments:
            if arg == "code" and rule.rule.startswith("/gemeente/"):
                waarden[arg] = GEMEENTE[rol]
            elif arg == "code" and rule.rule.startswith("/regio/"):
                waarden[arg] = REGIO[rol]
            elif arg == "jaar":
                waarden[arg] = JAAR
            elif arg == "scenario_id":
                waarden[arg] = scenario_ids[0]
            elif arg.endswith("_id") or arg == "id":
                waarden[arg] = 1
            else:
                pytest.fail(f"{rule.rule}: parameter {arg!r} unknown to this test; add it")
        uit.append(rule.build(waarden)[1])
    code, regio = GEMEENTE[rol], REGIO[rol]
    ids = ",".join(str(i) for i in scenario_ids)
    return [
        *uit,
        f"/scenarios/nieuw?gemeente={code}&jaar={JAAR}",
        f"/scenarios/nieuw?regio={regio}&jaar={JAAR}",
        f"/scenarios/vergelijk?ids={ids}",
        f"/regio/{regio}/{JAAR + 1}",  # a year without figures
        f"/regio/{regio}/{JAAR - 2}",  # one gemeente with figures
        f"/gemeente/{code}/{JAAR + 1}/resultaat",
    ]


@pytest.fixture
def gevuld(app, client, auth, vul_invoer) -> list[int]:
    """Figures for two years in MC11 and MC19 and for one gemeente two years ago (a negative
    verschil with the bezetting), and two scenarios (a gemeente and a region); their ids."""
    for jaar in (JAAR - 2, JAAR - 1, JAAR):
        for code in (EIGEN, "0150", ANDER) if jaar != JAAR - 2 else (EIGEN,):
            vul_invoer(code, jaar=jaar, bezetting={"leerplicht": 1.0, "doorstroompunt": 40.0})
    auth.als("regio")
    ids = []
    for basis in (f"gemeente={EIGEN}", f"regio={EIGEN_REGIO}"):
        r = client.post(f"/scenarios/nieuw?{basis}&jaar={JAAR}",
                        data={"naam": f"Groei {basis}", "groei_leerplichtigen": "10"})
        assert r.status_code == 302, r.text
        ids.append(int(r.headers["Location"].rsplit("/", 1)[1]))
    return ids


@pytest.mark.slow  # a sweep of seconds; make test-snel leaves it out
def test_every_page_for_every_role_reads_right(app, client, auth, gevuld):
    bevindingen: dict[str, list[str]] = {}
    bekeken = 0
    for rol in ROLLEN:
        auth.als(rol)
        for pad in _paden(app, rol, gevuld):
            r = client.get(pad)
            assert r.status_code < 500, (rol, pad)
            if r.mimetype != "text/html" or r.status_code in (301, 302):
                continue
            bekeken += 1
            fouten = foute_vormen(zichtbare_tekst(r.text))
            if fouten:
                bevindingen[f"{rol} {pad}"] = fouten
    assert bekeken >= 60
    assert bevindingen == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v)
                                        for k, v in bevindingen.items())


# --------------------------------------------------------------------------------------------
# The items of issue 14, page by page
# --------------------------------------------------------------------------------------------


def test_scenario_form_hints_say_per_one_and_do_not_repeat_their_label(app, client, auth,
                                                                        vul_invoer):
    from app.services.normensets import actieve_rij, als_normenset
    from formatie.getallen import format_procent, format_uren
    from formatie.scenario import PRESETS

    vul_invoer(EIGEN)
    auth.als("gemeente")
    tekst = zichtbare_tekst(client.get(f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}").text)
    with app.app_context():
        n = als_normenset(actieve_rij())
    schoolcontact = next(t for t in n.taken if n.invoer_by_sleutel(t.invoer).eenheid
                         == "vestigingen")
    assert f"Norm: {format_uren(schoolcontact.uren)} uur per vestiging " in tekst
    leerplicht = n.functies[0]
    assert f"Normenset: {format_procent(leerplicht.afwezigheid)}" in tekst
    assert "Normenset: 1.836 uur" in tekst and "Normenset: 1836" not in tekst
    assert "Normenset: Normenset" not in tekst
    assert "aandeel, bijv." not in tekst
    for p, uitleg in PRESETS["doorstroompunt_27"].parameter_uitleg.items():
        if p.startswith("aandeel_"):
            assert tekst.lower().count(uitleg.split(" (")[0].lower()) == 1, p  # label, not hint
            assert f"Standaard {format_procent(PRESETS['doorstroompunt_27'].parameters[p])}." \
                in tekst


def test_scenario_form_takes_afwezigheid_as_a_percentage(app, client, auth, vul_invoer):
    from app.models import ScenarioRij

    vul_invoer(EIGEN)
    auth.als("gemeente")
    r = client.post(f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}",
                    data={"naam": "Meer verzuim", "org_leerplicht__afwezigheid": "20"})
    assert r.status_code == 302
    with app.app_context():
        rij = app.extensions["sqlalchemy"].session.scalar(
            __import__("sqlalchemy").select(ScenarioRij).where(ScenarioRij.naam
                                                               == "Meer verzuim"))
        assert rij.parameters["organisatie"] == {"leerplicht": {"afwezigheid": 0.2}}
    kopie = client.get(f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}&van={rij.id}").text
    assert 'id="org_leerplicht__afwezigheid"' in kopie and 'value="20"' in kopie
    detail = zichtbare_tekst(client.get(f"/scenarios/{rij.id}").text)
    from formatie.parameters import parameter

    label = parameter("afwezigheid").label.lower()
    assert f"Leerplicht, {label}: 16\u00a0% → 20\u00a0%" in detail


def test_hours_per_eenheid_read_the_same_on_every_page(app, client, auth, gevuld):
    from app.services.normensets import actieve_rij, als_normenset
    from formatie.getallen import format_uren

    with app.app_context():
        n = als_normenset(actieve_rij())
        rij_id = actieve_rij().id
    taak = next(t for t in n.taken if t.uren == 10)
    auth.als("gemeente")
    for pad in (f"/gemeente/{EIGEN}/{JAAR}/resultaat", f"/scenarios/{gevuld[0]}",
                f"/normen/{rij_id}"):
        tekst = zichtbare_tekst(client.get(pad).text)
        assert f"{taak.naam} " in tekst and f" {format_uren(10)} " in tekst, pad


def test_gevoeligheid_cell_shows_the_range_once(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    tekst = zichtbare_tekst(client.get(f"/gemeente/{EIGEN}/{JAAR}/gevoeligheid").text)
    assert "de 10 invoervelden die de totale fte" in tekst
    norm = re.search(r"(\d+,\d\d) – (\d+,\d\d) \(uur per [a-z-]+, 80%-interval\)", tekst)
    assert norm, tekst
    assert f"{norm[1]}–{norm[2]}" not in tekst


def test_history_page_has_thousands_separators_and_the_form_order(app, client, auth):
    auth.als("gemeente")
    from .test_invoer import formulier

    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=formulier(app, leerplichtigen="20480",
                                                                  scholen="48", concept="1"))
    assert r.status_code in (200, 302, 303)
    tekst = zichtbare_tekst(client.get(f"/gemeente/{EIGEN}/{JAAR}/historie").text)
    assert "20.480" in tekst and "20480" not in tekst
    from app.services.normensets import actieve_rij, als_normenset

    with app.app_context():
        n = als_normenset(actieve_rij())
    plekken = [tekst.find(f" {i.naam} ") for i in n.invoer]
    assert all(p >= 0 for p in plekken)
    assert plekken == sorted(plekken), "fields of one save in the order of the form"


def test_region_year_without_figures_says_so_and_offers_no_download(client, auth, vul_invoer):
    vul_invoer(EIGEN, jaar=JAAR)
    auth.als("regio")
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR + 1}")
    assert r.status_code == 200
    tekst = zichtbare_tekst(r.text)
    assert f"Nog geen cijfers voor {JAAR + 1}" in tekst
    assert "0,00" not in tekst and "Totaal (0 met cijfers)" not in tekst
    assert "download-regio" not in r.text and "Download als Excel-scenario" not in tekst
    assert "Nog geen Excel-scenario om te downloaden" in tekst


def test_region_page_links_only_to_years_the_overview_lists(client, auth):
    from app.access import aangeboden_jaren

    auth.als("regio")
    overzicht = client.get("/").text
    regio = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    gelinkt = {int(j) for j in re.findall(rf'href="/regio/{EIGEN_REGIO}/(\d+)"', regio)}
    assert gelinkt <= set(aangeboden_jaren())
    for j in aangeboden_jaren():
        assert str(j) in overzicht
    assert JAAR + 1 not in gelinkt


def test_region_with_one_gemeente_with_figures_says_1_gemeente(client, auth, vul_invoer):
    vul_invoer(EIGEN, jaar=JAAR - 2)
    auth.als("regio")
    tekst = zichtbare_tekst(client.get(f"/regio/{EIGEN_REGIO}/{JAAR - 2}").text)
    assert "(1 gemeente)" in tekst or "1 gemeente)" in tekst
    assert "1 gemeenten" not in tekst


def test_kengetal_per_1000_says_it_is_the_total_of_both_functies(app, client, auth, vul_invoer):
    from formatie.referentie import load_referentie

    ref = load_referentie()
    for code in [EIGEN, "0150", *[c for c in ref.leden(EIGEN_REGIO)
                                  if c not in (EIGEN, "0150", "0232")][:3], ANDER]:
        vul_invoer(code)
    auth.als("gemeente")
    tekst = zichtbare_tekst(client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text)
    # the Doorstroompunt is an organisation's name, capitalised inside a sentence as well
    assert "Fte totaal (leerplicht en Doorstroompunt) per 1.000 leerplichtigen" in tekst
    assert "Casusuren per fte leerplicht:" in tekst
    assert "Casusuren per fte Doorstroompunt:" in tekst


@pytest.mark.parametrize(("rol", "wie"), [
    ("gemeente", "gemeente@test.nl (gemeente Apeldoorn)"),
    ("regio", "regio@test.nl (regio MC11)"),
    ("beheerder", "beheerder@test.nl (beheerder)"),
])
def test_the_logged_in_user_and_role_are_visible_in_the_header(client, auth, rol, wie):
    auth.als(rol)
    html = client.get("/").text
    kop = html.split('<header class="utrecht-page-header">')[1].split("</header>")[0]
    zichtbaar = re.sub(r'<span class="visueel-verborgen">[^<]*</span>', "", kop)
    assert wie in zichtbare_tekst(zichtbaar)
