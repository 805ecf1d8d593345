"""The gemeente's workbook, recalculated by LibreOffice, shows the euros of its page and JSON:
per functie fte × kosten per fte on Resultaat, the same on Samenvatting; a changed salary on
Organisatie moves the euros as the model says (issue 22)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from test_excel import kolommen, rij_van
from test_excel_libreoffice import SOFFICE, XCU, herbereken, vergiftig

from formatie.getallen import format_euro

from .conftest import EIGEN, JAAR

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; on "
                       "Debian: apt-get install libreoffice-calc-nogui (.ci/run does this)"),
]


def _profiel(tmp_path):
    profiel = tmp_path / "profiel"
    (profiel / "user").mkdir(parents=True)
    (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return profiel


def test_the_recalculated_workbook_shows_the_euros_of_page_and_json(client, auth, vul_invoer,
                                                                     tmp_path):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    j = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json?onzekerheid=1").json["gemeenten"][0]
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    data = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data
    pad = tmp_path / "gemeente.xlsx"
    pad.write_bytes(vergiftig(data))  # only a recalculation can give the figures
    profiel = _profiel(tmp_path)
    wb = openpyxl.load_workbook(herbereken(profiel, pad, tmp_path / "lo"), data_only=True)

    res = wb["Resultaat"]
    k = kolommen(res)
    rij = rij_van(res, gemeentecode=EIGEN)
    for f, functie in j["functies"].items():
        for voor in ("", "scenario_"):  # no scenario typed: the scenario is the base
            cel = res.cell(rij, k[f"{voor}kosten_{f}"]).value
            assert cel == pytest.approx(functie["kosten"]["totaal"], rel=1e-9), (voor, f)
            assert format_euro(cel) in pagina
    assert res.cell(rij, k["kosten_totaal"]).value == pytest.approx(j["kosten_totaal"],
                                                                     rel=1e-9)
    org = wb["Organisatie"]
    ko = kolommen(org)
    for f, functie in j["functies"].items():
        assert org.cell(rij_van(org, functie=f), ko["kosten_per_fte"]).value == pytest.approx(
            functie["kosten"]["per_fte"], rel=1e-12)
    sam = wb["Samenvatting"]
    kosten = {r[0].value: r[2].value for r in sam.iter_rows()
              if r[1].value and str(r[1].value).startswith("Kosten")}
    assert kosten["Totaal"] == pytest.approx(j["kosten_totaal"], rel=1e-9)
    for functie in j["functies"].values():
        assert kosten[functie["naam"]] == pytest.approx(functie["kosten"]["totaal"], rel=1e-9)


def test_a_changed_salary_moves_the_euros_as_the_model_says(client, auth, vul_invoer,
                                                            tmp_path):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    j = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json").json["gemeenten"][0]
    wb = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx").data))
    org = wb["Organisatie"]
    ko = kolommen(org)
    # the scenario: 10 % more salary for leerplicht; the base stays
    org.cell(rij_van(org, functie="leerplicht"), ko["scenario_salaris_per_fte"]).value = (
        j["functies"]["leerplicht"]["kosten"]["per_fte"] / 1.27 / 1.2 * 1.1)
    pad = tmp_path / "bewerkt.xlsx"
    wb.save(pad)  # openpyxl drops every cached value
    uit = openpyxl.load_workbook(herbereken(_profiel(tmp_path), pad, tmp_path / "lo"),
                                 data_only=True)["Resultaat"]
    k = kolommen(uit)
    rij = rij_van(uit, gemeentecode=EIGEN)
    lp = j["functies"]["leerplicht"]
    assert uit.cell(rij, k["kosten_leerplicht"]).value == pytest.approx(
        lp["kosten"]["totaal"], rel=1e-9)
    assert uit.cell(rij, k["scenario_kosten_leerplicht"]).value == pytest.approx(
        lp["kosten"]["totaal"] * 1.1, rel=1e-9)
