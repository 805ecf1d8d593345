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
    return re.sub(r"\s+", " ", " ".join(p.delen))


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
