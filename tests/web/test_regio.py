"""The regional overview: member gemeenten, status, FTE, Doorstroompunt total."""

import numpy as np
import pytest

from app.extensions import db
from app.models import AuditEntry, InvoerRij, RegioBezettingRij
from formatie.getallen import format_getal
from formatie.herkomst import voeg_herkomst_toe
from formatie.model import MINIMUM_NAAM, bereken
from formatie.normenset_toml import parse_normenset, standaard_normenset
from formatie.referentie import load_referentie
from formatie.uitvoer import resultaat_als_dict

from .conftest import (
    ANDERE_REGIO,
    BUUR,
    EIGEN,
    EIGEN_REGIO,
    JAAR,
    geschatte_waarden,
    getal,
    tabel,
)

NORMENSET = standaard_normenset()


def test_regio_overview(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR, status="concept")
    vul_invoer("0232", status="concept", waarden={"leerplichtigen": 10.0})  # incomplete
    auth.als("regio")
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}")
    assert r.status_code == 200
    html = r.text
    leden = load_referentie().leden(EIGEN_REGIO)
    namen = [load_referentie().naam(c) for c in leden]
    for naam in namen:
        assert naam in html
    assert html.count("Niet begonnen") == len(leden) - 3
    codes = [EIGEN, BUUR]
    volume = np.array([[geschatte_waarden(app, c)[s] for s in NORMENSET.invoer_sleutels]
                       for c in codes])
    res = bereken(NORMENSET, volume, codes)
    som = res.som()
    d = NORMENSET.functie_sleutels.index("doorstroompunt")
    assert f"<strong>{format_getal(som['fte'][d], 2)} fte</strong>" in html
    voet = html.split('<tfoot class="utrecht-table__footer">')[1]
    for f in range(len(NORMENSET.functies)):
        assert f">{format_getal(som['fte'][f], 2)}<" in voet
    assert f">{format_getal(som['fte_totaal'], 2)}<" in voet
    assert f"Totaal, onvolledig (2 van {len(leden)} met cijfers)" in voet
    for g in range(2):
        assert f"{format_getal(res.fte[g, 0], 2)}<span" in html


# =============================================================================================
# One truth per figure: a region with mixed normensets, one gemeente filled in, the sign and
# the lines, the Doorstroompunt's regional bezetting
# =============================================================================================


def _volume(app, code, n):
    w = geschatte_waarden(app, code)
    return np.array([[w[s] for s in n.invoer_sleutels]])


def _voet(rijen: list[list[str]]) -> list[str]:
    """The last row of a table (its tfoot)."""
    return rijen[-1]


def test_a_region_with_mixed_normensets_has_one_total_on_every_surface(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    vul_invoer(EIGEN)  # saved under the standard set
    ander = parse_normenset(activeer_andere_normenset(), "ander")  # the beheerder activates another
    vul_invoer(BUUR)  # a second gemeente submits: under the new one
    eigen = bereken(NORMENSET, _volume(app, EIGEN, NORMENSET), (EIGEN,))
    buur = bereken(ander, _volume(app, BUUR, ander), (BUUR,))
    verwacht = float(eigen.fte_totaal[0] + buur.fte_totaal[0])
    assert abs(float(buur.fte_totaal[0]) - float(bereken(NORMENSET, _volume(
        app, BUUR, NORMENSET), (BUUR,)).fte_totaal[0])) > 0.5  # the normensets really differ
    auth.als("regio")

    # the region's JSON: the members each in their own normenset, summed
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    assert j["regio"]["fte_totaal"] == pytest.approx(verwacht, rel=1e-12)
    assert j["totaal"]["fte_totaal"] == pytest.approx(verwacht, rel=1e-12)
    assert {g["gemeentecode"]: g["normenset"]["versie"] for g in j["gemeenten"]} == {
        EIGEN: NORMENSET.versie, BUUR: "anders"}
    assert j["normenset"] is None and len(j["normensets"]) == 2
    assert "normenset waarmee haar cijfers zijn opgeslagen" in j["regiobeleid"]

    # the region page: its total, and each member's total
    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    leden = tabel(html, "leden")
    assert getal(_voet(leden)[-1]) == round(verwacht, 2)
    per_lid = {r[0]: r for r in leden[1:-1]}
    assert per_lid["Apeldoorn"][2] == NORMENSET.label
    assert per_lid["Deventer"][2] == f"{NORMENSET.naam} (anders)"
    assert "Elke gemeente telt mee met de normenset waarmee haar cijfers zijn opgeslagen" in html

    # the gemeente pages add up to it
    som = 0.0
    for code in (EIGEN, BUUR):
        pagina = client.get(f"/gemeente/{code}/{JAAR}/resultaat").text
        som += getal(_voet(tabel(pagina, "verschil"))[1])
    assert som == pytest.approx(verwacht, abs=0.011)

    # as a scenario base: the stored base keeps both normensets, so its total is the same
    r = client.post(f"/scenarios/nieuw?regio={EIGEN_REGIO}&jaar={JAAR}",
                    data={"naam": "Regio gemengd"})
    assert r.status_code == 302, r.text[:2000]
    detail = client.get(r.headers["Location"]).text
    voet = _voet(tabel(detail, "uitkomst"))
    assert getal(voet[1]) == round(verwacht, 2) and getal(voet[2]) == round(verwacht, 2)
    for f in NORMENSET.functie_sleutels:  # its chain tables add up, taken + vaste basis + leiding
        rijen = tabel(detail, f"keten-{f}")
        namen = [r[0] for r in rijen[1:-1]]
        assert "Vaste basis" in namen and "Leiding en ondersteuning" in namen
        assert namen[-1] == (MINIMUM_NAAM if NORMENSET.functie(f).minimum_fte > 0
                             else "Leiding en ondersteuning")
        for kolom in (-2, -1):  # fte basis, fte scenario
            assert sum(getal(r[kolom]) for r in rijen[1:-1]) == pytest.approx(
                getal(_voet(rijen)[kolom]), abs=0.0005 * len(rijen))
    scenario_id = int(r.headers["Location"].rsplit("/", 1)[1])
    vergelijking = tabel(client.get(f"/scenarios/vergelijk?ids={scenario_id}").text,
                         "vergelijking")
    basis = next(r for r in vergelijking if r[0] == "Basis")
    assert getal(basis[-6]) == round(verwacht, 2)  # then verschil, kosten, verschil (euro)
    # and its range is the region's, over both normensets (P80, one decimal)
    p80 = j["regio"]["bereik_totaal"]["p80"]
    assert getal(basis[-1]) == round(p80, 1)


def test_the_region_workbook_of_mixed_normensets_has_the_same_total(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    import io

    import openpyxl

    vul_invoer(EIGEN)
    activeer_andere_normenset()
    vul_invoer(BUUR)
    auth.als("regio")
    verwacht = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"][
        "fte_totaal"]
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data), data_only=True)["Resultaat"]
    sleutels = {c.value: c.column for c in ws[3] if isinstance(c.value, str)}
    totaal = sum(float(ws.cell(rij, sleutels["fte_totaal"]).value)
                 for rij in range(4, ws.max_row + 1)
                 if ws.cell(rij, sleutels["gemeentecode"]).value in (EIGEN, BUUR))
    assert totaal == pytest.approx(verwacht, rel=1e-9)


def _bereik_rij(rijen: list[list[str]], label: str) -> list[float]:
    """P10, P50, P80, P90 of one row of the range table (columns: label, centraal, P10 …)."""
    rij = next(r for r in rijen if r[0] == label)
    return [getal(c) for c in rij[2:6]]


def test_a_region_with_one_gemeente_has_exactly_its_p_values_everywhere(client, auth, app,
                                                                        vul_invoer):
    vul_invoer(EIGEN)
    auth.als("regio")
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    eigen = {label: _bereik_rij(tabel(pagina, "bereik-tabel"), label)
             for label in ("Leerplicht", "Doorstroompunt", "Totaal")}
    regio = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    for label, p in eigen.items():
        assert _bereik_rij(tabel(regio, "bereik-tabel"), label) == p
    # the JSON answers: the region's and the gemeente's own (the CLI's shape)
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]
    g = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json?onzekerheid=1").json["gemeenten"][0]
    assert j["bereik_totaal"] == pytest.approx(g["bereik_totaal"], rel=1e-6)
    for f in ("leerplicht", "doorstroompunt"):
        assert j["functies"][f]["bereik"] == pytest.approx(g["functies"][f]["bereik"], rel=1e-6)
    assert [round(j["bereik_totaal"][k], 2) for k in ("p10", "p50", "p80", "p90")] == \
        eigen["Totaal"]
    # the one budget figure, labelled with its percentile, on both pages and in the JSON
    assert j["budget"]["label"] == "P80 (begroten)"
    for html in (pagina, regio):
        budget = f"Begroot op P80: <strong>{format_getal(j['budget']['fte_totaal'], 2)}"
        assert budget in html and "P50 is de middelste" in html
    # the scenario comparison's base row (P10–P90 and P80, one decimal)
    r = client.post(f"/scenarios/nieuw?regio={EIGEN_REGIO}&jaar={JAAR}", data={"naam": "Eén"})
    scenario_id = int(r.headers["Location"].rsplit("/", 1)[1])
    basis = next(r for r in tabel(client.get(f"/scenarios/vergelijk?ids={scenario_id}").text,
                                  "vergelijking") if r[0] == "Basis")
    p10, p90 = (getal(d) for d in basis[-2].split("–"))
    assert (p10, p90, getal(basis[-1])) == tuple(round(g["bereik_totaal"][k], 1)
                                                 for k in ("p10", "p90", "p80"))
    # the forecast: with this year only, the next years carry its figures, so the same P-values
    auth.als("gemeente")
    prognose = tabel(client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose").text, "prognose-fte")
    assert [getal(c) for c in prognose[1][-4:]] == eigen["Totaal"]


def test_verschil_has_one_sign_and_the_lines_add_up_on_page_and_json(client, auth, app,
                                                                     vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 3.0})
    vul_invoer(BUUR, bezetting={"leerplicht": 4.0})
    auth.als("regio")
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    leerplicht = j["regio"]["functies"]["leerplicht"]
    assert leerplicht["bezetting"] == 7.0
    assert leerplicht["verschil"] == pytest.approx(7.0 - leerplicht["fte"])
    assert leerplicht["verschil"] < 0  # a shortage is negative, on the page too
    rij = next(r for r in tabel(html, "verschil") if r[0] == "Leerplicht")
    assert getal(rij[3]) == round(leerplicht["verschil"], 2) and rij[3].startswith("−")
    # per functie the lines (taken, vaste basis, leiding) add up, in the JSON and on the page
    for g in j["gemeenten"]:
        for f, waarden in g["functies"].items():
            regels = [r for r in g["regels"] if r["functie"] == f]
            minimum = ["minimum"] if any(r["soort"] == "minimum" for r in regels) else []
            assert [r["soort"] for r in regels][-2 - len(minimum):] == [
                "vast", "leiding", *minimum]
            assert sum(r["fte"] for r in regels) == pytest.approx(waarden["fte"], rel=1e-12)
    for f, waarden in j["regio"]["functies"].items():
        rijen = tabel(html, f"regels-{f}")
        regels = rijen[1:-1]
        namen = [r[0] for r in regels if r[0] != MINIMUM_NAAM]
        assert namen[-2:] == ["Vaste basis", "Leiding en ondersteuning"]
        assert sum(getal(r[1]) for r in regels) == pytest.approx(waarden["fte"],
                                                                 abs=0.0005 * len(regels))
        assert getal(_voet(rijen)[1]) == round(waarden["fte"], 3)
    # the gemeente page: same sign, and its chain tables add up too
    auth.als("gemeente")
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    eigen = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json").json["gemeenten"][0]
    rij = next(r for r in tabel(pagina, "verschil") if r[0] == "Leerplicht")
    assert getal(rij[3]) == round(eigen["functies"]["leerplicht"]["verschil"], 2)
    for f, waarden in eigen["functies"].items():
        rijen = tabel(pagina, f"keten-{f}")
        assert sum(getal(r[-1]) for r in rijen[1:-1]) == pytest.approx(
            waarden["fte"], abs=0.0005 * len(rijen))
        json_regels = [r["naam"] for r in eigen["regels"] if r["functie"] == f]
        namen = [r[0] for r in rijen[1:-1]]
        assert len(namen) == len(json_regels)
        assert all(a == b or a.startswith(b + " (") for a, b in zip(namen, json_regels,
                                                                    strict=True))


def test_region_json_is_404_for_what_the_user_may_not_see(client, auth, vul_invoer):
    vul_invoer(EIGEN)
    for rol in ("gemeente", "andere_gemeente"):
        auth.als(rol)
        assert client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").status_code == 404
    auth.als("regio")
    assert client.get(f"/regio/{ANDERE_REGIO}/{JAAR}/resultaat.json").status_code == 404
    assert client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").status_code == 200
    auth.als("beheerder")
    assert client.get(f"/regio/{ANDERE_REGIO}/{JAAR}/resultaat.json").status_code == 409


def test_region_json_is_the_cli_shape_for_one_normenset(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR, status="concept")
    vul_invoer("0232", status="concept", waarden={"leerplichtigen": 10.0})  # incomplete
    auth.als("regio")
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json")
    assert j.mimetype == "application/json"
    j = j.json
    codes = (EIGEN, BUUR)
    res = bereken(NORMENSET, np.vstack([_volume(app, c, NORMENSET) for c in codes]), codes)
    cli = resultaat_als_dict(res, load_referentie(), (JAAR, JAAR))
    voeg_herkomst_toe(cli["gemeenten"], [res], {})  # stored without herkomst: onbekend
    for g in j["gemeenten"]:
        g.pop("normenset")
        # with the ranges each member carries its own budget table, as `bereken --onzekerheid`
        budget = g.pop("budget")
        assert sum(budget["functies"].values()) == pytest.approx(budget["fte_totaal"], rel=1e-12)
        for f, functie in g["functies"].items():
            assert functie["kosten"].pop("budget") == pytest.approx(budget["kosten"][f])
    assert {k: j[k] for k in cli} == cli
    assert j["regio"]["code"] == EIGEN_REGIO
    # the region's budget adds up over functies and over gemeenten
    b = j["regio"]["budget"]
    assert sum(b["functies"].values()) == pytest.approx(b["fte_totaal"], rel=1e-12)
    assert sum(b["gemeenten"].values()) == pytest.approx(b["fte_totaal"], rel=1e-12)
    assert b["apart"]["fte_totaal"] > b["fte_totaal"]
    assert j["regio"]["fte_totaal"] == pytest.approx(float(res.fte_totaal.sum()), rel=1e-12)
    for waarden in j["regio"]["functies"].values():
        assert set(waarden["bereik"]) == {"p10", "p50", "p80", "p90"}
    assert j["regio"]["bereik_totaal"]["p10"] <= j["regio"]["bereik_totaal"]["p90"]
    assert {w["gemeentecode"] for w in j["weggelaten"]} == set(
        load_referentie().leden(EIGEN_REGIO)) - set(codes)


# ----- the Doorstroompunt as a region ---------------------------------------------------------


def test_the_region_saves_its_doorstroompunt_bezetting_with_an_audit_trail(client, auth, app,
                                                                          vul_invoer):
    vul_invoer(EIGEN, bezetting={"leerplicht": 3.0, "doorstroompunt": 9.0})  # an old value
    auth.als("regio")
    pad = f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting"
    r = client.post(pad, data={"bezetting_doorstroompunt": "2,5", "version": "0"})
    assert r.status_code == 302
    with app.app_context():
        rij = db.session.scalar(db.select(RegioBezettingRij))
        assert (rij.regio_code, rij.jaar, rij.waarden, rij.version) == (EIGEN_REGIO, JAAR,
                                                                         {"doorstroompunt": 2.5}, 1)
        audit = list(db.session.scalars(db.select(AuditEntry)
                                        .where(AuditEntry.regio_bezetting_id == rij.id)))
        assert [(a.field, a.old, a.new, a.user.email) for a in audit] == [
            ("bezetting_doorstroompunt", None, "2.5", "regio@test.nl")]
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]["functies"]
    assert j["doorstroompunt"]["bezetting"] == 2.5  # the region's, not the old 9 of Apeldoorn
    assert j["doorstroompunt"]["verschil"] == pytest.approx(2.5 - j["doorstroompunt"]["fte"])
    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    rij = next(r for r in tabel(html, "verschil") if r[0] == "Doorstroompunt")
    assert getal(rij[2]) == 2.5 and getal(rij[3]) == round(j["doorstroompunt"]["verschil"], 2)
    # the gemeente page shows its share of the regional need, not the old value as its own
    auth.als("gemeente")
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    assert "aandeel 100\xa0%" in pagina and "regionaal" in pagina
    with app.app_context():  # the old per-gemeente value stays stored (readable)
        assert db.session.scalar(db.select(InvoerRij)).bezetting["doorstroompunt"] == 9.0


def test_a_stale_region_bezetting_save_is_a_conflict_and_writes_nothing(client, auth, app):
    auth.als("regio")
    pad = f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting"
    assert client.post(pad, data={"bezetting_doorstroompunt": "2", "version": "0"}
                       ).status_code == 302
    auth.als("beheerder")
    r = client.post(pad, data={"bezetting_doorstroompunt": "3", "version": "0"})
    assert r.status_code == 409 and "Iemand anders heeft de bezetting" in r.text
    assert 'value="3"' in r.text  # the entered value is kept
    with app.app_context():
        assert db.session.scalar(db.select(RegioBezettingRij)).waarden == {"doorstroompunt": 2.0}
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 1


def test_invalid_region_bezetting_is_422_with_the_value_kept(client, auth, app):
    auth.als("beheerder")
    r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                    data={"bezetting_doorstroompunt": "1e308", "version": "0"})
    assert r.status_code == 422 and 'value="1e308"' in r.text
    with app.app_context():
        assert db.session.scalar(db.select(RegioBezettingRij)) is None


def test_gemeente_users_cannot_see_or_save_the_region_bezetting(client, auth, app):
    for rol in ("gemeente", "andere_gemeente"):
        auth.als(rol)
        r = client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                        data={"bezetting_doorstroompunt": "2", "version": "0"})
        assert r.status_code == 404
    auth.als("regio")
    assert client.post(f"/regio/{ANDERE_REGIO}/{JAAR}/bezetting",
                       data={"bezetting_doorstroompunt": "2", "version": "0"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(RegioBezettingRij)) is None


# ----- a region that is not complete says so ---------------------------------------------------


def _tekst(html: str) -> str:
    """The page's text without tags and with plain spaces (for sentences across markup)."""
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("\xa0", " ")


def test_a_region_with_one_of_its_gemeenten_filled_in_says_its_totals_are_incomplete(
        client, auth, app, vul_invoer):
    import io

    from openpyxl import load_workbook

    leden = load_referentie().leden(EIGEN_REGIO)
    vul_invoer(EIGEN)
    auth.als("regio")
    assert client.post(f"/regio/{EIGEN_REGIO}/{JAAR}/bezetting",
                       data={"bezetting_doorstroompunt": "2,5", "version": "0"}).status_code == 302
    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    tekst = _tekst(html)
    assert f"1 van {len(leden)} gemeenten heeft cijfers: de totalen op deze pagina zijn " \
           "onvolledig" in tekst
    assert f"Totaal, onvolledig (1 van {len(leden)} met cijfers)" in _voet(tabel(html, "leden"))[0]
    # the verschil against the whole region's bezetting covers only the one gemeente
    assert "alleen over de 1 gemeente met cijfers: de bezetting is die van de hele regio" in tekst
    assert "Het benodigd en het verschil gelden alleen voor de 1 gemeente met cijfers" in tekst
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]
    assert (j["volledig"], j["gemeenten_met_cijfers"], j["gemeenten"]) == (False, 1, len(leden))
    wb = load_workbook(io.BytesIO(client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data))
    toelichting = " ".join(str(c.value) for rij in wb["Toelichting"].iter_rows() for c in rij
                           if c.value)
    assert f"1 van {len(leden)} gemeenten heeft cijfers: de totalen zijn onvolledig" \
        in toelichting
    # the gemeente's share of the Doorstroompunt is a share of the gemeenten with figures
    auth.als("gemeente")
    pagina = _tekst(client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text)
    assert f"over de gemeenten met cijfers: 1 van {len(leden)} gemeenten heeft cijfers; " \
           "aandeel 100 % van de gemeenten met cijfers" in pagina


def test_a_region_with_every_gemeente_filled_in_is_complete(client, auth, app, vul_invoer):
    leden = load_referentie().leden(EIGEN_REGIO)
    for code in leden:
        vul_invoer(code)
    auth.als("regio")
    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    assert f"{len(leden)} van {len(leden)} gemeenten hebben cijfers." in _tekst(html)
    assert "onvolledig" not in html
    assert _voet(tabel(html, "leden"))[0] == f"Totaal ({len(leden)} met cijfers)"
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json["regio"]
    assert (j["volledig"], j["gemeenten_met_cijfers"], j["gemeenten"]) == (True, len(leden),
                                                                          len(leden))


def test_the_region_doorstroompunt_is_its_default_team_computed_by_bereken_teams(
        client, auth, app, vul_invoer, activeer_andere_normenset):
    """Issue 21, item 4: the region page, its JSON and the gemeente page's share take the
    region's Doorstroompunt from its default team (formatie.teams.standaard_teams, computed by
    bereken_teams), here with three members in two normensets (each group its own part)."""
    from formatie.teams import bereken_teams, standaard_teams

    ref = load_referentie()
    vul_invoer(EIGEN)
    vul_invoer("0232")  # two members under the standard set
    ander = parse_normenset(activeer_andere_normenset(), "ander")
    vul_invoer(BUUR)  # one under another

    def team_van(n, codes):
        (team,) = [t for t in standaard_teams(n, ref)
                   if t.functie == "doorstroompunt" and EIGEN in t.gemeentecodes]
        assert team.soort == "doorstroompunt" and set(codes) <= set(team.gemeentecodes)
        volume = np.vstack([_volume(app, c, n) for c in codes])
        (u,) = bereken_teams(n, volume, codes, [team], ref)
        return u

    delen = [team_van(NORMENSET, (EIGEN, "0232")), team_van(ander, (BUUR,))]
    totaal = sum(u.fte for u in delen)
    aandelen = {c: a for u in delen for c, a in u.aandelen.items()}
    assert set(aandelen) == {EIGEN, "0232", BUUR} and totaal > 0
    auth.als("regio")

    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    dsp = j["regio"]["functies"]["doorstroompunt"]
    assert dsp["team"] == delen[0].team.naam
    assert dsp["fte"] == pytest.approx(totaal, rel=1e-12)
    assert dsp["aandelen"] == pytest.approx(aandelen, rel=1e-12)
    assert sum(dsp["aandelen"].values()) == pytest.approx(dsp["fte"], rel=1e-12)
    assert sum(dsp["bijdragen"].values()) == round(sum(u.kosten for u in delen))

    html = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    leden = tabel(html, "leden")
    kolom = leden[0].index("Doorstroompunt (fte)")
    per_lid = {ref.naam(c): c for c in aandelen}
    for rij in leden[1:-1]:
        if rij[0] in per_lid:
            assert getal(rij[kolom]) == round(aandelen[per_lid[rij[0]]], 2)
    assert getal(_voet(leden)[kolom]) == round(totaal, 2)
    benodigd = {r[0]: r[1] for r in tabel(html, "verschil")[1:]}
    assert getal(benodigd["Doorstroompunt"]) == round(totaal, 2)
    # its chain is the team's: one vaste basis per member with figures, adding up to the team
    keten = {r[0]: getal(r[1]) for r in tabel(html, "regels-doorstroompunt")[1:-1]}
    vast = sum(n.functie("doorstroompunt").vast_fte * len(u.aandelen)
               for n, u in zip((NORMENSET, ander), delen, strict=True))
    assert keten["Vaste basis"] == round(vast, 3) and vast > 0
    assert sum(keten.values()) == pytest.approx(totaal, abs=0.0005 * len(keten))

    auth.als("beheerder")
    for code in aandelen:  # the gemeente page's share is its aandeel in the team
        pagina = client.get(f"/gemeente/{code}/{JAAR}/resultaat").text
        assert (f"telt voor {format_getal(aandelen[code], 2)} fte mee in de behoefte van regio"
                in pagina)
        assert f"({format_getal(totaal, 2)} fte over de gemeenten met cijfers" in pagina
