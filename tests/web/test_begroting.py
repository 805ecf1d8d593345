"""The multi-year begroting pages and JSON (/gemeente|regio/<code>/<jaar>/begroting): year 0
is the result page's figures, every table adds up, the CLI gives the same (issue 22, item 5)."""

from __future__ import annotations

import json

import pytest

from formatie.cli import main
from formatie.getallen import format_euro, format_fte
from formatie.normenset_toml import standaard_normenset

from .conftest import (
    ANDER,
    BUUR,
    EIGEN,
    EIGEN_REGIO,
    JAAR,
    TEAM_LEDEN,
    TEAM_NAAM,
    geschatte_waarden,
    maak_team,
    maak_team_gebruiker,
    tabel,
)

GROEI = 0.06


def _met_historie(app, vul_invoer, code: str, jaren: int = 4) -> dict[int, dict]:
    """This year's estimated figures for ``code`` and ``jaren`` earlier years that grew
    :data:`GROEI` a year up to them (every field filled); the stored values per year."""
    nu = geschatte_waarden(app, code)
    per_jaar = {}
    for k in range(jaren, -1, -1):
        w = {s: round(v / (1 + GROEI) ** k) if k else v for s, v in nu.items()}
        vul_invoer(code, jaar=JAAR - k, status="ingediend" if not k else "concept", waarden=w)
        per_jaar[JAAR - k] = w
    return per_jaar


def test_year_0_of_the_gemeente_page_and_json_is_its_result_page(client, auth, app,
                                                                vul_invoer):
    _met_historie(app, vul_invoer, EIGEN)
    auth.als("gemeente")
    vandaag = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json?onzekerheid=1"
                         ).json["gemeenten"][0]
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting.json")
    assert r.status_code == 200
    jaren = r.json["begroting"]["jaren"]
    assert [j["jaar"] for j in jaren] == [JAAR, JAAR + 1, JAAR + 2, JAAR + 3]
    nul = jaren[0]
    assert nul["fte"] == pytest.approx(vandaag["fte_totaal"], rel=1e-12)
    assert nul["budget_fte"] == pytest.approx(vandaag["budget"]["fte_totaal"], rel=1e-12)
    assert abs(nul["kosten"] - vandaag["kosten_totaal"]) <= 0.5
    assert abs(nul["kosten_budget"] - vandaag["budget"]["kosten_totaal"]) <= 0.5
    for f, functie in vandaag["functies"].items():
        assert nul["functies"][f]["fte"] == pytest.approx(functie["fte"], rel=1e-12)
        assert nul["functies"][f]["budget_fte"] == pytest.approx(
            vandaag["budget"]["functies"][f], rel=1e-12)
        assert abs(nul["functies"][f]["kosten"] - functie["kosten"]["totaal"]) < 1
        assert abs(nul["functies"][f]["kosten_budget"] - functie["kosten"]["budget"]) < 1
    assert jaren[3]["fte"] > nul["fte"]  # a growing history grows the forecast
    for j in jaren:
        assert sum(f["kosten"] for f in j["functies"].values()) == j["kosten"]
        assert sum(f["kosten_budget"] for f in j["functies"].values()) == j["kosten_budget"]

    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting")
    assert pagina.status_code == 200
    rijen = tabel(pagina.text, "begroting-jaren")[1:]
    for rij, j in zip(rijen, jaren, strict=True):
        assert rij[0] == str(j["jaar"])
        assert rij[4:] == [format_euro(j["kosten"]), format_euro(j["kosten_budget"])]
    # the functie table adds up on the page too (largest remainder), in fte and euros
    functies = tabel(pagina.text, "begroting-functies")[1:]
    n_f = len(standaard_normenset().functies)
    for t, j in enumerate(jaren):
        blok = functies[t * (n_f + 1):(t + 1) * (n_f + 1)]
        assert blok[-1][1] == "Totaal"
        euro = [int(c[5].replace("€\u00a0", "").replace(".", "")) for c in blok]
        assert sum(euro[:-1]) == euro[-1] == j["kosten"]
        fte = [round(float(c[2].replace(",", ".")) * 100) for c in blok]
        assert sum(fte[:-1]) == fte[-1]
    assert "<svg" in pagina.text and "prognose" in pagina.text
    assert "indexatie" in pagina.text.lower() and "grootste-restmethode" in pagina.text
    # linked from the result page
    assert f"/gemeente/{EIGEN}/{JAAR}/begroting" in client.get(
        f"/gemeente/{EIGEN}/{JAAR}/resultaat").text


def test_the_region_begroting_adds_up_over_its_gemeenten_and_starts_at_the_region_page(
        client, auth, app, vul_invoer):
    _met_historie(app, vul_invoer, EIGEN)
    vul_invoer(BUUR)  # no history: carried forward
    auth.als("regio")
    regio = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    r = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/begroting.json")
    assert r.status_code == 200
    doc = r.json
    assert doc["regio"]["gemeenten_met_cijfers"] == 2
    for j in doc["begroting"]["jaren"]:
        assert set(j["gemeenten"]) == {EIGEN, BUUR}
        for soort in ("kosten", "kosten_budget"):
            assert sum(g[soort] for g in j["gemeenten"].values()) == j[soort]
            assert sum(f[soort] for f in j["functies"].values()) == j[soort]
        assert sum(g["budget_fte"] for g in j["gemeenten"].values()) == pytest.approx(
            j["budget_fte"], rel=1e-12)
    nul = doc["begroting"]["jaren"][0]
    budget = regio["regio"]["budget"]
    assert nul["budget_fte"] == pytest.approx(budget["fte_totaal"], rel=1e-12)
    assert abs(nul["kosten_budget"] - budget["kosten_totaal"]) <= 0.5
    assert abs(nul["kosten"] - regio["regio"]["kosten_totaal"]) <= 0.5
    for code, fte in budget["gemeenten"].items():
        assert nul["gemeenten"][code]["budget_fte"] == pytest.approx(fte, rel=1e-12)
    pagina = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/begroting")
    assert pagina.status_code == 200
    gemeenten = tabel(pagina.text, "begroting-gemeenten")
    assert len(gemeenten) == 1 + 4 * 2
    assert f"/regio/{EIGEN_REGIO}/{JAAR}/begroting" in client.get(
        f"/regio/{EIGEN_REGIO}/{JAAR}").text


@pytest.mark.parametrize("pad", ["begroting", "begroting.json"])
def test_a_begroting_the_user_may_not_see_does_not_exist(client, auth, vul_invoer, pad):
    vul_invoer(EIGEN)
    vul_invoer(ANDER)
    auth.als("andere_gemeente")
    assert client.get(f"/gemeente/{EIGEN}/{JAAR}/{pad}").status_code == 404
    assert client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/{pad}").status_code == 404
    auth.als("gemeente")
    assert client.get(f"/gemeente/{EIGEN}/{JAAR}/{pad}").status_code == 200
    assert client.get(f"/gemeente/{ANDER}/{JAAR}/{pad}").status_code == 404


def test_without_complete_figures_the_page_says_so_and_the_json_is_409(client, auth):
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting")
    assert r.status_code == 200 and 'id="onvolledig"' in r.text
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting.json")
    assert r.status_code == 409 and r.json["fout"] == "onvolledig"


def test_the_cli_gives_the_begroting_of_the_page_from_the_same_figures(client, auth, app,
                                                                       vul_invoer, capsys,
                                                                       tmp_path):
    per_jaar = _met_historie(app, vul_invoer, EIGEN)
    auth.als("gemeente")
    web = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting.json").json["begroting"]["jaren"]
    sleutels = standaard_normenset().invoer_sleutels
    csv = tmp_path / "in.csv"
    csv.write_text("gemeentecode,jaar," + ",".join(sleutels) + "\n" + "".join(
        f"{EIGEN},{jaar}," + ",".join(repr(float(w[s])) for s in sleutels) + "\n"
        for jaar, w in sorted(per_jaar.items())))
    assert main(["bereken", str(csv), "--jaren", "4", "--formaat", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)["begroting"]["jaren"]
    for w, c in zip(web, cli, strict=True):
        assert w["jaar"] == c["jaar"] and w["bron"] == c["bron"]
        assert c["fte"] == pytest.approx(w["fte"], rel=1e-9)
        assert c["budget_fte"] == pytest.approx(w["budget_fte"], rel=1e-6)
        assert abs(c["kosten"] - w["kosten"]) <= 1
        assert abs(c["kosten_budget"] - w["kosten_budget"]) <= 2
        assert format_fte(c["fte"]) == format_fte(w["fte"])


def test_the_forecast_years_have_the_fte_of_the_prognose_page(client, auth, app, vul_invoer):
    _met_historie(app, vul_invoer, EIGEN)
    auth.als("gemeente")
    jaren = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting.json").json["begroting"]["jaren"]
    prognose = tabel(client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose").text, "prognose-fte")
    n_f = len(standaard_normenset().functies)
    for rij, j in zip(prognose[1:], jaren[1:], strict=True):
        assert rij[0] == str(j["jaar"])
        assert rij[1 + n_f] == format_fte(j["fte"])  # the total's central fte


# ----- a team's begroting (/team/<id>/<jaar>/begroting): the team as one organisation a year --


def _team_met_historie(app, vul_invoer) -> tuple[int, dict[str, dict[int, dict]]]:
    """The team TEAM_NAAM (TEAM_LEDEN) with its coordinator, both members with history."""
    team_id = maak_team_gebruiker(app)
    return team_id, {code: _met_historie(app, vul_invoer, code) for code in TEAM_LEDEN}


def test_the_team_begroting_starts_at_the_team_page_and_every_table_adds_up(
        client, auth, app, vul_invoer):
    team_id, _ = _team_met_historie(app, vul_invoer)
    auth.als("team")
    (team,) = client.get(f"/team/{team_id}/{JAAR}/resultaat.json").json["teams"]
    r = client.get(f"/team/{team_id}/{JAAR}/begroting.json")
    assert r.status_code == 200, r.text
    jaren = r.json["begroting"]
    assert [j["jaar"] for j in jaren] == [JAAR, JAAR + 1, JAAR + 2, JAAR + 3]
    nul = jaren[0]
    # year 0: the team page's fte, aandelen and P80, computed once for the team
    assert nul["fte"] == team["fte_totaal"]
    assert nul["budget_fte"] == team["bereik_totaal"]["p80"]
    assert {c: g["aandeel"] for c, g in nul["gemeenten"].items()} == team["aandelen"]
    if JAAR == 2026:  # the standard normenset's peiljaar: the page's euros, to the euro
        assert nul["kosten"] == round(team["kosten"]["totaal"])
        assert {c: g["bijdrage"] for c, g in nul["gemeenten"].items()} == team["bijdragen"]
    for j in jaren:
        assert set(j["gemeenten"]) == set(TEAM_LEDEN)
        assert sum(g["bijdrage"] for g in j["gemeenten"].values()) == j["kosten"]
        assert sum(g["bijdrage_budget"] for g in j["gemeenten"].values()) == j["kosten_budget"]
        assert sum(g["budget_fte"] for g in j["gemeenten"].values()) == pytest.approx(
            j["budget_fte"], rel=1e-12)
        assert j["kosten"] == round(j["fte"] * j["kosten_per_fte"])
    assert jaren[3]["fte"] > nul["fte"]  # a growing history grows the team's need
    assert any("één keer per team" in zin for zin in r.json["aannames"])

    pagina = client.get(f"/team/{team_id}/{JAAR}/begroting")
    assert pagina.status_code == 200
    rijen = tabel(pagina.text, "begroting-jaren")[1:]
    for rij, j in zip(rijen, jaren, strict=True):
        assert rij[0] == str(j["jaar"])
        assert rij[4:] == [format_euro(j["kosten"]), format_euro(j["kosten_budget"])]
    gemeenten = tabel(pagina.text, "begroting-gemeenten")
    assert gemeenten[0][4] == "Bijdrage"
    for t, j in enumerate(jaren):
        blok = gemeenten[1 + t * 2:1 + (t + 1) * 2]
        assert [c[4] for c in blok] == [format_euro(j["gemeenten"][c]["bijdrage"])
                                        for c in j["gemeenten"]]
    # linked from the team page
    assert f"/team/{team_id}/{JAAR}/begroting" in client.get(f"/team/{team_id}/{JAAR}").text


@pytest.mark.parametrize("pad", ["begroting", "begroting.json"])
def test_a_team_begroting_the_user_may_not_see_does_not_exist(client, auth, app, vul_invoer,
                                                              pad):
    team_id = maak_team_gebruiker(app)
    ander_team = maak_team(app, "Ander team", (BUUR,))
    for code in (*TEAM_LEDEN, BUUR):
        vul_invoer(code)
    auth.als("team")
    assert client.get(f"/team/{team_id}/{JAAR}/{pad}").status_code == 200
    assert client.get(f"/team/{ander_team}/{JAAR}/{pad}").status_code == 404
    for rol in ("gemeente", "andere_gemeente", "regio"):  # ANDER is outside the region
        auth.als(rol)
        assert client.get(f"/team/{team_id}/{JAAR}/{pad}").status_code == 404
    auth.als("beheerder")
    assert client.get(f"/team/{ander_team}/{JAAR}/{pad}").status_code == 200


def test_a_team_without_figures_has_no_begroting_and_says_why(client, auth, app):
    team_id = maak_team_gebruiker(app)
    auth.als("team")
    r = client.get(f"/team/{team_id}/{JAAR}/begroting")
    assert r.status_code == 200 and 'id="onvolledig"' in r.text
    assert "Nog geen enkele gemeente van het team" in r.text
    r = client.get(f"/team/{team_id}/{JAAR}/begroting.json")
    assert r.status_code == 409 and r.json["fout"] == "onvolledig"


def test_the_cli_gives_the_team_begroting_of_the_page_from_the_same_figures(
        client, auth, app, vul_invoer, capsys, tmp_path):
    team_id, per_lid = _team_met_historie(app, vul_invoer)
    auth.als("team")
    web = client.get(f"/team/{team_id}/{JAAR}/begroting.json").json["begroting"]
    sleutels = standaard_normenset().invoer_sleutels
    csv = tmp_path / "in.csv"
    csv.write_text("gemeentecode,jaar," + ",".join(sleutels) + "\n" + "".join(
        f"{code},{jaar}," + ",".join(repr(float(w[s])) for s in sleutels) + "\n"
        for code, per_jaar in per_lid.items() for jaar, w in sorted(per_jaar.items())))
    teams = tmp_path / "teams.csv"
    teams.write_text("team,functie,gemeentecode\n" + "".join(
        f"{TEAM_NAAM},leerplicht,{code}\n" for code in TEAM_LEDEN))
    assert main(["bereken", str(csv), "--teams", str(teams), "--jaren", "4",
                 "--formaat", "json"]) == 0
    (team,) = json.loads(capsys.readouterr().out)["teams"]
    for w, c in zip(web, team["begroting"], strict=True):
        assert w["jaar"] == c["jaar"] and w["bron"] == c["bron"]
        assert c["fte"] == pytest.approx(w["fte"], rel=1e-9)
        assert c["budget_fte"] == pytest.approx(w["budget_fte"], rel=1e-6)
        assert abs(c["kosten"] - w["kosten"]) <= 1
        assert abs(c["kosten_budget"] - w["kosten_budget"]) <= 2
        for code in TEAM_LEDEN:
            assert c["gemeenten"][code]["aandeel"] == pytest.approx(
                w["gemeenten"][code]["aandeel"], rel=1e-9)
            assert abs(c["gemeenten"][code]["bijdrage"] - w["gemeenten"][code]["bijdrage"]) <= 1
        assert format_fte(c["fte"]) == format_fte(w["fte"])
