"""The workbook's Begroting sheet, recalculated by LibreOffice, shows the begroting of the page
and its JSON; a salary typed on Organisatie moves its euros (issue 22, item 5)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from test_excel import kolommen, rij_van
from test_excel_libreoffice import SOFFICE, XCU, herbereken, vergiftig

from formatie.werkboek.formaat import BLAD_BEGROTING, EERSTE_RIJ, SLEUTELRIJ, TOTAAL

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR
from .test_begroting import _met_historie, _team_met_historie

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; on "
                       "Debian: apt-get install libreoffice-calc-nogui (.ci/run does this)"),
]


def _herberekend(data: bytes, tmp_path, naam: str):
    profiel = tmp_path / "profiel"
    (profiel / "user").mkdir(parents=True, exist_ok=True)
    (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    pad = tmp_path / naam
    pad.write_bytes(data)
    return openpyxl.load_workbook(herbereken(profiel, pad, tmp_path / "lo"), data_only=True)


def _totalen(ws) -> dict[tuple[int, str], dict[str, float]]:
    """The summary under the table: (jaar, functie | "totaal") → its cells by key."""
    kop = next(r for r in range(ws.max_row, EERSTE_RIJ, -1)
               if ws.cell(r, 1).value == "jaar" and ws.cell(r, 2).value == "functie")
    k = {ws.cell(kop, c).value: c for c in range(1, 8)}
    uit = {}
    for r in range(kop + 1, ws.max_row + 1):
        jaar = ws.cell(r, 1).value
        if not isinstance(jaar, int | float):
            break
        uit[int(jaar), ws.cell(r, 2).value] = {s: ws.cell(r, c).value for s, c in k.items()}
    return uit


def test_the_recalculated_region_begroting_is_the_page_and_json(client, auth, app, vul_invoer,
                                                                  tmp_path):
    _met_historie(app, vul_invoer, EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    jaren = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/begroting.json").json["begroting"]["jaren"]
    data = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx").data
    ws = _herberekend(vergiftig(data), tmp_path, "regio.xlsx")[BLAD_BEGROTING]
    totalen = _totalen(ws)
    for j in jaren:
        rij = totalen[j["jaar"], TOTAAL]
        assert rij["fte"] == pytest.approx(j["fte"], rel=1e-9)
        assert rij["budget_fte"] == pytest.approx(j["budget_fte"], rel=1e-9)
        assert abs(rij["kosten"] - j["kosten"]) <= 0.5
        assert abs(rij["kosten_budget"] - j["kosten_budget"]) <= 0.5
        for f, functie in j["functies"].items():
            rij = totalen[j["jaar"], f]
            assert abs(rij["kosten"] - functie["kosten"]) < 1
            assert abs(rij["kosten_budget"] - functie["kosten_budget"]) < 1
    # per gemeente: its rows add up to the JSON's gemeente, to the euro
    k = kolommen(ws, SLEUTELRIJ + 1)
    per = {}
    for r in range(EERSTE_RIJ + 1, ws.max_row + 1):
        if ws.cell(r, k["zoeksleutel"]).value is None:
            break
        sleutel = (int(ws.cell(r, k["jaar"]).value), ws.cell(r, k["gemeentecode"]).value)
        per[sleutel] = per.get(sleutel, 0.0) + ws.cell(r, k["kosten_budget"]).value
    for j in jaren:
        for code, g in j["gemeenten"].items():
            assert abs(per[j["jaar"], code] - g["kosten_budget"]) < 1


def test_a_salary_typed_on_organisatie_moves_the_begroting_euros(client, auth, app,
                                                                 vul_invoer, tmp_path):
    _met_historie(app, vul_invoer, EIGEN)
    auth.als("gemeente")
    jaren = client.get(f"/gemeente/{EIGEN}/{JAAR}/begroting.json").json["begroting"]["jaren"]
    wb = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data))
    org = wb["Organisatie"]
    ko = kolommen(org)
    cel = org.cell(rij_van(org, functie="leerplicht"), ko["salaris_per_fte"])
    cel.value = cel.value * 1.1
    uit = io.BytesIO()
    wb.save(uit)  # openpyxl drops every cached value: only a recalculation fills them
    ws = _herberekend(uit.getvalue(), tmp_path, "bewerkt.xlsx")[BLAD_BEGROTING]
    totalen = _totalen(ws)
    for j in jaren:
        lp, dp = j["functies"]["leerplicht"], j["functies"]["doorstroompunt"]
        assert totalen[j["jaar"], "leerplicht"]["kosten"] == pytest.approx(
            lp["fte"] * lp["kosten_per_fte"] * 1.1, rel=1e-9)
        assert totalen[j["jaar"], "leerplicht"]["kosten_budget"] == pytest.approx(
            lp["budget_fte"] * lp["kosten_per_fte"] * 1.1, rel=1e-9)
        assert abs(totalen[j["jaar"], "doorstroompunt"]["kosten"] - dp["kosten"]) < 1


def test_the_recalculated_team_download_has_the_team_begroting_and_its_bijdragen(
        client, auth, app, vul_invoer, tmp_path):
    team_id, _ = _team_met_historie(app, vul_invoer)
    auth.als("team")
    jaren = client.get(f"/team/{team_id}/{JAAR}/begroting.json").json["begroting"]
    r = client.get(f"/team/{team_id}/{JAAR}/scenario.xlsx")
    assert r.status_code == 200
    wb = _herberekend(vergiftig(r.data), tmp_path, "team.xlsx")
    assert "Team" in wb.sheetnames
    ws = wb[BLAD_BEGROTING]
    k = kolommen(ws, SLEUTELRIJ + 1)
    per: dict[tuple, float] = {}
    for r in range(EERSTE_RIJ + 1, ws.max_row + 1):
        if ws.cell(r, k["zoeksleutel"]).value is None:
            break
        jaar, code = int(ws.cell(r, k["jaar"]).value), ws.cell(r, k["gemeentecode"]).value
        for soort in ("kosten", "kosten_budget", "bijdrage", "bijdrage_budget"):
            per[jaar, soort] = per.get((jaar, soort), 0.0) + ws.cell(r, k[soort]).value
        per[jaar, code] = (ws.cell(r, k["bijdrage"]).value,
                           ws.cell(r, k["bijdrage_budget"]).value)
    totalen = _totalen(ws)
    for j in jaren:
        jaar = j["jaar"]
        assert abs(per[jaar, "kosten"] - j["kosten"]) <= 0.5
        assert abs(per[jaar, "kosten_budget"] - j["kosten_budget"]) <= 0.5
        assert abs(totalen[jaar, TOTAAL]["kosten"] - j["kosten"]) <= 0.5
        assert per[jaar, "bijdrage"] == j["kosten"]
        assert per[jaar, "bijdrage_budget"] == j["kosten_budget"]
        for code, g in j["gemeenten"].items():
            assert per[jaar, code] == (g["bijdrage"], g["bijdrage_budget"])
