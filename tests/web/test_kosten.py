"""The same gemeente shows the same euros on its page, in its JSON and on the command line, and
its budget table adds up (issue 22). The workbook recalculated by LibreOffice: see
tests/web/test_kosten_libreoffice.py."""

from __future__ import annotations

import json

import pytest

from formatie.cli import main
from formatie.getallen import format_euro, format_fte

from .conftest import BUUR, EIGEN, EIGEN_REGIO, JAAR
from .test_werkboek import _invoer


def _cli_json(capsys, app, code: str, tmp_path) -> dict:
    """`formatie bereken --formaat json --onzekerheid` on the gemeente's stored figures."""
    waarden = _invoer(app, code).waarden
    pad = tmp_path / f"{code}.csv"
    pad.write_text("gemeentecode," + ",".join(waarden) + "\n" + code + ","
                   + ",".join(repr(float(v)) for v in waarden.values()) + "\n")
    assert main(["bereken", str(pad), "--formaat", "json", "--onzekerheid"]) == 0
    return json.loads(capsys.readouterr().out)


def test_page_json_and_cli_show_the_same_euros_and_a_budget_that_adds_up(
        client, auth, app, vul_invoer, capsys, tmp_path):
    vul_invoer(EIGEN, bezetting={"leerplicht": 20.0})
    auth.als("gemeente")
    pagina = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat").text
    web = client.get(f"/gemeente/{EIGEN}/{JAAR}/resultaat.json?onzekerheid=1").json
    cli = _cli_json(capsys, app, EIGEN, tmp_path)
    g, c = web["gemeenten"][0], cli["gemeenten"][0]

    # the JSON: euros as numbers, fte × kosten per fte, the budget adding up
    for f, functie in g["functies"].items():
        k = functie["kosten"]
        assert k["totaal"] == pytest.approx(functie["fte"] * k["per_fte"], rel=1e-12)
        assert k["budget"] == pytest.approx(g["budget"]["functies"][f] * k["per_fte"],
                                            rel=1e-12)
    assert g["kosten_totaal"] == pytest.approx(
        sum(f["kosten"]["totaal"] for f in g["functies"].values()), rel=1e-12)
    b = g["budget"]
    assert sum(b["functies"].values()) == pytest.approx(b["fte_totaal"], rel=1e-12)
    assert b["fte_totaal"] == pytest.approx(g["bereik_totaal"]["p80"], rel=1e-12)
    assert sum(b["kosten"].values()) == pytest.approx(b["kosten_totaal"], rel=1e-12)
    assert b["apart"]["fte_totaal"] > b["fte_totaal"]
    lp = g["functies"]["leerplicht"]
    assert lp["verschil"] == pytest.approx(20.0 - lp["fte"], rel=1e-12)
    assert lp["verschil_budget"] == pytest.approx(20.0 - b["functies"]["leerplicht"], rel=1e-12)

    # the command line: the same figures (the one uncertainty policy), to the euro
    for f, functie in g["functies"].items():
        assert c["functies"][f]["kosten"]["totaal"] == pytest.approx(
            functie["kosten"]["totaal"], rel=1e-12)
        assert format_euro(c["functies"][f]["kosten"]["budget"]) == format_euro(
            functie["kosten"]["budget"])
    assert format_euro(c["budget"]["kosten_totaal"]) == format_euro(b["kosten_totaal"])

    # the page: every euro of the JSON, the budget table in fte, its total and the apart sum
    for f, functie in g["functies"].items():
        for bedrag in (functie["kosten"]["totaal"], functie["kosten"]["budget"],
                       functie["kosten"]["per_fte"]):
            assert format_euro(bedrag) in pagina, (f, bedrag)
        assert format_fte(b["functies"][f]) in pagina
    for bedrag in (g["kosten_totaal"], b["kosten_totaal"]):
        assert format_euro(bedrag) in pagina
    assert f"Begroot op P80: <strong>{format_fte(b['fte_totaal'])} fte</strong>" in pagina
    assert format_fte(b["apart"]["fte_totaal"]) in pagina
    assert "Als u elke functie apart begroot" in pagina
    assert "Verschil met centraal" in pagina and "Verschil met begroting" in pagina
    assert "10 van de 10" not in pagina


def test_the_cli_table_has_the_euros_of_the_json(capsys, app, vul_invoer, tmp_path):
    vul_invoer(EIGEN)
    cli = _cli_json(capsys, app, EIGEN, tmp_path)
    pad = next(tmp_path.glob("*.csv"))
    assert main(["bereken", str(pad)]) == 0
    tabel = capsys.readouterr().out
    assert "kosten per jaar" in tabel
    assert format_euro(cli["gemeenten"][0]["kosten_totaal"]) in tabel


def test_region_page_and_json_show_a_budget_over_gemeenten_that_adds_up(client, auth,
                                                                       vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(BUUR)
    auth.als("regio")
    pagina = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}").text
    j = client.get(f"/regio/{EIGEN_REGIO}/{JAAR}/resultaat.json").json
    b = j["regio"]["budget"]
    assert sum(b["gemeenten"].values()) == pytest.approx(b["fte_totaal"], rel=1e-12)
    assert sum(b["functies"].values()) == pytest.approx(b["fte_totaal"], rel=1e-12)
    assert j["regio"]["kosten_totaal"] == pytest.approx(
        sum(g["kosten_totaal"] for g in j["gemeenten"]), rel=1e-12)
    assert 'id="begroting-gemeenten"' in pagina
    for code, fte in b["gemeenten"].items():
        assert format_fte(fte) in pagina, code
    assert format_euro(j["regio"]["kosten_totaal"]) in pagina
    assert format_euro(b["kosten_totaal"]) in pagina
