"""The workbook's Begroting sheet (formatie/werkboek/begroting.py): written by ``formatie
exporteer --jaren``, it holds the begroting of ``formatie bereken --jaren`` and, recalculated by
LibreOffice, the same euros."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from test_cli import _meerjaren_csv
from test_excel import kolommen, rij_van
from test_excel_libreoffice import SOFFICE, XCU, herbereken, vergiftig

from formatie.cli import main
from formatie.werkboek.formaat import BLAD_BEGROTING, EERSTE_RIJ, SLEUTELRIJ

#: Begroting's columns that are formulas (the euros follow Organisatie).
FORMULES = ("indexatie", "kosten_per_fte", "kosten", "kosten_budget", "zoeksleutel")


def _cli(capsys, tmp_path, *args):
    assert main(list(args)) == 0
    return capsys.readouterr()


def _rijen(ws):
    k = kolommen(ws, SLEUTELRIJ + 1)
    for r in range(EERSTE_RIJ + 1, ws.max_row + 1):
        if ws.cell(r, k["zoeksleutel"]).value is None:
            return
        yield {s: ws.cell(r, c).value for s, c in k.items()}


def test_exporteer_jaren_writes_a_begroting_sheet_of_live_formulas_keyed_like_the_rest(
        capsys, tmp_path):
    invoer = _meerjaren_csv(tmp_path / "in.csv", codes=("0200", "0150"))
    _cli(capsys, tmp_path, "exporteer", str(invoer), "--jaren", "4", "-o",
         str(tmp_path / "w.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    rijen = list(_rijen(wb[BLAD_BEGROTING]))
    assert len(rijen) == 4 * 2 * 2  # jaren × gemeenten × functies
    for rij in rijen:
        for sleutel in FORMULES:
            assert str(rij[sleutel]).startswith("="), (sleutel, rij[sleutel])
        assert "Organisatie!" in rij["kosten_per_fte"] and "Organisatie!" in rij["indexatie"]
    # the other sheets are as without --jaren: Resultaat holds this year's rows only
    res = wb["Resultaat"]
    assert sorted(res.cell(r, 1).value for r in range(EERSTE_RIJ + 1, EERSTE_RIJ + 3)) == [
        "0150", "0200"]


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_recalculated_begroting_sheet_has_the_euros_of_bereken_jaren(capsys, tmp_path):
    invoer = _meerjaren_csv(tmp_path / "in.csv", codes=("0200", "0150"))
    jaren = json.loads(_cli(capsys, tmp_path, "bereken", str(invoer), "--jaren", "4",
                            "--formaat", "json").out)["begroting"]["jaren"]
    _cli(capsys, tmp_path, "exporteer", str(invoer), "--jaren", "4", "-o",
         str(tmp_path / "w.xlsx"))
    pad = tmp_path / "gif.xlsx"
    pad.write_bytes(vergiftig((tmp_path / "w.xlsx").read_bytes()))
    profiel = tmp_path / "profiel"
    (profiel / "user").mkdir(parents=True)
    (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    wb = openpyxl.load_workbook(herbereken(profiel, pad, tmp_path / "lo"), data_only=True)
    per: dict[tuple, float] = {}
    for rij in _rijen(wb[BLAD_BEGROTING]):
        for soort in ("kosten", "kosten_budget"):
            for sleutel in ((rij["jaar"], soort), (rij["jaar"], soort, rij["functie"]),
                            (rij["jaar"], soort, rij["gemeentecode"])):
                per[sleutel] = per.get(sleutel, 0.0) + rij[soort]
    for j in jaren:
        for soort in ("kosten", "kosten_budget"):
            assert abs(per[j["jaar"], soort] - j[soort]) <= 0.5
            for f, functie in j["functies"].items():
                assert abs(per[j["jaar"], soort, f] - functie[soort]) < 1
            for code, g in j["gemeenten"].items():
                assert abs(per[j["jaar"], soort, code] - g[soort]) < 1


def _team_invoer(tmp_path):
    """Four gemeenten with four years of figures; teams.csv with the team RBL Klein of three
    of them and a team of the fourth (so ``--team`` has to choose)."""
    klein = ("0744", "1723", "0785")
    invoer = _meerjaren_csv(tmp_path / "in.csv", codes=(*klein, "0200"))
    teams = tmp_path / "teams.csv"
    teams.write_text("team,functie,gemeentecode\n" + "".join(
        f"RBL Klein,leerplicht,{c}\n" for c in klein) + "Groot,leerplicht,0200\n",
        encoding="utf-8")
    return invoer, teams, klein


#: A team Begroting's formula columns besides :data:`FORMULES`.
TEAM_FORMULES = ("bijdrage_exact", "bijdrage", "bijdrage_budget_exact", "bijdrage_budget")


def test_exporteer_teams_jaren_writes_the_team_begroting_with_bijdragen(capsys, tmp_path):
    invoer, teams, klein = _team_invoer(tmp_path)
    _cli(capsys, tmp_path, "exporteer", str(invoer), "--teams", str(teams), "--team",
         "RBL Klein", "--jaren", "4", "-o", str(tmp_path / "t.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert "Team" in wb.sheetnames
    rijen = list(_rijen(wb[BLAD_BEGROTING]))
    assert len(rijen) == 4 * len(klein)  # jaren × members, the team's one functie
    assert {r["gemeentecode"] for r in rijen} == set(klein)
    assert {r["functie"] for r in rijen} == {"leerplicht"}
    for rij in rijen:
        for sleutel in (*FORMULES, *TEAM_FORMULES):
            assert str(rij[sleutel]).startswith("="), (sleutel, rij[sleutel])
        assert "Organisatie!" in rij["kosten_per_fte"]
    ws = wb[BLAD_BEGROTING]
    assert any(str(ws.cell(r, 1).value).startswith("Bijdrage: de kosten van het team")
               for r in range(1, ws.max_row + 1))


def _herbereken(data: bytes, tmp_path, naam: str):
    """``data`` recalculated by LibreOffice, read with its values."""
    pad = tmp_path / naam
    pad.write_bytes(data)
    profiel = tmp_path / f"profiel-{naam}"
    (profiel / "user").mkdir(parents=True)
    (profiel / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return openpyxl.load_workbook(herbereken(profiel, pad, tmp_path / f"lo-{naam}"),
                                  data_only=True)


def _per_jaar(ws) -> dict[tuple, float]:
    """A team Begroting's rows summed per (jaar, soort), and (jaar, gemeentecode) → its
    (bijdrage, bijdrage_budget)."""
    per: dict[tuple, float] = {}
    for rij in _rijen(ws):
        jaar = int(rij["jaar"])
        for soort in ("kosten", "kosten_budget", "bijdrage", "bijdrage_budget"):
            per[jaar, soort] = per.get((jaar, soort), 0.0) + rij[soort]
        per[jaar, rij["gemeentecode"]] = (rij["bijdrage"], rij["bijdrage_budget"])
    return per


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_recalculated_team_begroting_has_the_euros_and_bijdragen_of_bereken(capsys,
                                                                                tmp_path):
    invoer, teams, klein = _team_invoer(tmp_path)
    doc = json.loads(_cli(capsys, tmp_path, "bereken", str(invoer), "--teams", str(teams),
                          "--jaren", "4", "--formaat", "json").out)
    (team,) = [t for t in doc["teams"] if t["naam"] == "RBL Klein"]
    jaren = team["begroting"]
    _cli(capsys, tmp_path, "exporteer", str(invoer), "--teams", str(teams), "--team",
         "RBL Klein", "--jaren", "4", "-o", str(tmp_path / "t.xlsx"))
    per = _per_jaar(_herbereken(vergiftig((tmp_path / "t.xlsx").read_bytes()), tmp_path,
                                "gif.xlsx")[BLAD_BEGROTING])
    bijdragen = {k: v for k, v in per.items() if k[1] in klein}
    assert [j["jaar"] for j in jaren] == sorted({j for j, _s in per})
    assert {c for _j, c in bijdragen} == set(klein)
    for j in jaren:
        jaar = j["jaar"]
        # the euros per year are the team's cost of bereken (whole euros there)
        assert abs(per[jaar, "kosten"] - j["kosten"]) <= 0.5
        assert abs(per[jaar, "kosten_budget"] - j["kosten_budget"]) <= 0.5
        # the bijdragen add up to the team's cost, to the euro, and are bereken's
        assert per[jaar, "bijdrage"] == j["kosten"]
        assert per[jaar, "bijdrage_budget"] == j["kosten_budget"]
        for code, g in j["gemeenten"].items():
            assert bijdragen[jaar, code] == (g["bijdrage"], g["bijdrage_budget"])


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_salary_typed_on_organisatie_moves_the_team_euros_and_bijdragen(capsys, tmp_path):
    invoer, teams, klein = _team_invoer(tmp_path)
    doc = json.loads(_cli(capsys, tmp_path, "bereken", str(invoer), "--teams", str(teams),
                          "--jaren", "4", "--formaat", "json").out)
    (team,) = [t for t in doc["teams"] if t["naam"] == "RBL Klein"]
    _cli(capsys, tmp_path, "exporteer", str(invoer), "--teams", str(teams), "--team",
         "RBL Klein", "--jaren", "4", "-o", str(tmp_path / "t.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    org = wb["Organisatie"]
    ko = kolommen(org)
    cel = org.cell(rij_van(org, functie="leerplicht"), ko["salaris_per_fte"])
    cel.value = cel.value * 1.1
    uit = io.BytesIO()
    wb.save(uit)  # openpyxl drops every cached value: only a recalculation fills them
    per = _per_jaar(_herbereken(uit.getvalue(), tmp_path, "bewerkt.xlsx")[BLAD_BEGROTING])
    for j in team["begroting"]:
        jaar = j["jaar"]
        assert per[jaar, "kosten"] == pytest.approx(
            j["fte"] * j["kosten_per_fte"] * 1.1, rel=1e-9)
        assert per[jaar, "kosten_budget"] == pytest.approx(
            j["budget_fte"] * j["kosten_per_fte"] * 1.1, rel=1e-9)
        # the bijdragen follow and still add up to the (new) cost, to the euro
        assert per[jaar, "bijdrage"] == round(per[jaar, "kosten"])
        assert per[jaar, "bijdrage_budget"] == round(per[jaar, "kosten_budget"])
        for code in klein:
            assert per[jaar, code][0] > j["gemeenten"][code]["bijdrage"]
