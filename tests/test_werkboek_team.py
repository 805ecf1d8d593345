"""The team sheet of a scenario workbook (issue 21): live formulas where the team's vaste basis
and leiding appear once; recalculated by LibreOffice (with every cached value poisoned first,
and after sorting the member rows and every other sheet) it gives the team total, the shares
and the bijdragen of formatie.teams.bereken_teams — the figures of the CLI, the team page and
its JSON."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest
from test_excel import EERSTE_RIJ, bewerk, kolommen, sorteer_alles
from test_excel_libreoffice import XCU, herbereken, vergiftig

from formatie.model import Groep
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import landelijke_invoer
from formatie.teams import Team, TeamUitkomst, bereken_teams, standaard_teams
from formatie.werkboek.formaat import BLAD_TEAM, TEAM_NAMEN
from formatie.werkboek.schrijven import exporteer_werkboek

N = standaard_normenset()
REF = load_referentie()
KLEIN = ("0744", "1723", "0798")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _team(soort: str) -> tuple[Groep, TeamUitkomst]:
    invoer = landelijke_invoer(N)
    if soort == "doorstroompunt":  # a region's Doorstroompunt team (the default teams)
        team = next(t for t in standaard_teams(N, REF) if t.functie == "doorstroompunt"
                    and set(t.gemeentecodes) == set(REF.leden("MC33")))
    else:
        team = Team("RBL Klein", "leerplicht", KLEIN, verdeelsleutel=soort)
    codes = team.gemeentecodes
    volume = invoer.volume[[invoer.gemeentecodes.index(c) for c in codes]]
    (u,) = bereken_teams(N, volume, codes, [team], REF)
    return Groep(N, codes, volume), u


def _lees(data_of_pad) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The team block by its defined names, and per member its row's values (by key)."""
    bron = io.BytesIO(data_of_pad) if isinstance(data_of_pad, bytes) else data_of_pad
    wb = openpyxl.load_workbook(bron, data_only=True)
    blok = {}
    for sleutel, (_label, naam) in TEAM_NAMEN.items():
        ((blad, cel),) = wb.defined_names[naam].destinations
        blok[sleutel] = wb[blad][cel.replace("$", "")].value
    ws = wb[BLAD_TEAM]
    k = kolommen(ws)
    leden = {}
    for rij in range(EERSTE_RIJ + 1, ws.max_row + 1):
        code = ws.cell(rij, k["gemeentecode"]).value
        if code is None:
            break
        leden[code] = {s: ws.cell(rij, i).value for s, i in k.items()}
    return blok, leden


def _vergelijk(blok, leden, u: TeamUitkomst, bezetting: float) -> None:
    assert blok["fte"] == pytest.approx(u.fte, rel=1e-9)
    assert blok["aanvulling"] == pytest.approx(u.aanvulling, rel=1e-9, abs=1e-12)
    assert blok["zonder_team"] == pytest.approx(u.zonder_team, rel=1e-9)
    assert blok["kosten"] == pytest.approx(u.kosten, rel=1e-9)
    assert blok["verschil"] == pytest.approx(bezetting - u.fte, rel=1e-9)
    assert set(leden) == set(u.aandelen)
    for code, rij in leden.items():
        assert rij["aandeel"] == pytest.approx(u.aandelen[code], rel=1e-9)
        assert rij["bijdrage"] == u.bijdragen[code]
    assert sum(r["bijdrage"] for r in leden.values()) == round(u.kosten) == blok["kosten_heel"]


@pytest.mark.parametrize("soort", ["werklast", "leerplichtigen", "inwoners", "doorstroompunt"])
def test_the_team_sheet_stores_the_model_figures(soort):
    groep, u = _team(soort)
    data = exporteer_werkboek([groep], team=u, team_bezetting=1.0)
    blok, leden = _lees(data)
    _vergelijk(blok, leden, u, 1.0)
    # the vaste basis once for a leerplicht team, once per member for the Doorstroompunt
    functie = N.functie(u.team.functie)
    keer = len(u.aandelen) if soort == "doorstroompunt" else 1
    assert blok["vast"] == pytest.approx(functie.vast_fte * keer)
    assert blok["leiding"] == pytest.approx(blok["uitvoering"] * functie.leiding)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.active.title == BLAD_TEAM
    toelichting = " ".join(str(c) for r in wb["Toelichting"].iter_rows(values_only=True)
                           for c in r if c)
    assert "Teamwerkboek: het blad Team rekent team" in toelichting


@pytest.fixture(scope="module")
def profiel(tmp_path_factory):
    pad = tmp_path_factory.mktemp("lo-profiel-team")
    (pad / "user").mkdir()
    (pad / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    return pad


def _sorteer_leden(data: bytes, aantal: int) -> bytes:
    """The Team sheet's member rows sorted by bijdrage, highest first (whole rows move; the
    team block under the table stays), and every other table sheet sorted as in
    test_excel_libreoffice."""
    from openpyxl.formula.translate import Translator
    from openpyxl.utils import get_column_letter

    def wijzig(wb):
        ws = wb[BLAD_TEAM]
        k = kolommen(ws)
        eerste = EERSTE_RIJ + 1
        rijen = [(r, [(c.value, c._style) for c in ws[r]]) for r in range(eerste,
                                                                         eerste + aantal)]
        rijen.sort(key=lambda x: x[1][k["gemeentenaam"] - 1][0], reverse=True)
        for nieuw, (oud, cellen) in enumerate(rijen, start=eerste):
            for kolom, (waarde, stijl) in enumerate(cellen, start=1):
                letter = get_column_letter(kolom)
                if isinstance(waarde, str) and waarde.startswith("="):
                    waarde = Translator(waarde, origin=f"{letter}{oud}").translate_formula(
                        f"{letter}{nieuw}")
                ws.cell(nieuw, kolom).value = waarde
                ws.cell(nieuw, kolom)._style = stijl
    return bewerk(sorteer_alles(data), wijzig)


_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; on Debian: apt-get "
    "install libreoffice-calc-nogui (.ci/run does this)")


@pytest.mark.libreoffice
@pytest.mark.slow
@_libreoffice
@pytest.mark.parametrize("soort", ["werklast", "leerplichtigen", "doorstroompunt"])
def test_libreoffice_recalculates_the_team_to_the_model(profiel, tmp_path, soort):
    groep, u = _team(soort)
    pad = tmp_path / f"team-{soort}.xlsx"
    pad.write_bytes(vergiftig(exporteer_werkboek([groep], team=u, team_bezetting=2.0)))
    blok, leden = _lees(herbereken(profiel, pad, tmp_path / "uit"))
    _vergelijk(blok, leden, u, 2.0)


@pytest.mark.libreoffice
@pytest.mark.slow
@_libreoffice
def test_sorting_the_members_and_every_sheet_changes_no_team_figure(profiel, tmp_path):
    groep, u = _team("werklast")
    data = exporteer_werkboek([groep], team=u, team_bezetting=2.0)
    gesorteerd = _sorteer_leden(data, len(u.aandelen))
    assert list(_lees(gesorteerd)[1]) == sorted(u.aandelen, key=REF.naam, reverse=True)
    pad = tmp_path / "gesorteerd.xlsx"
    pad.write_bytes(gesorteerd)
    blok, leden = _lees(herbereken(profiel, pad, tmp_path / "uit"))
    _vergelijk(blok, leden, u, 2.0)


def _teams_csv(tmp_path, tekst: str):
    pad = tmp_path / "teams.csv"
    pad.write_text(tekst, encoding="utf-8")
    return pad


@pytest.mark.parametrize(("extra", "melding"), [
    ([], "heeft meer teams (RBL Klein, RBL Twee); kies er één met --team NAAM"),
    (["--team", "RBL Drie"], "team 'RBL Drie' staat niet in"),
    (["--team", "RBL Klein", "--team-bezetting", "veel"], "--team-bezetting: 'veel' is geen"),
    (["--team", "RBL Klein", "--team-bezetting", "-1"], "Fte in dienst moet van 0 tot"),
])
def test_cli_team_workbook_refuses_an_unclear_team(tmp_path, capsys, extra, melding):
    from formatie.cli import main

    teams = _teams_csv(tmp_path, "team,functie,gemeentecode\n" + "".join(
        f"RBL Klein,leerplicht,{c}\n" for c in KLEIN) + "RBL Twee,leerplicht,0363\n")
    uit = tmp_path / "team.xlsx"
    assert main(["exporteer", "--landelijk", "--teams", str(teams), *extra, "-o",
                 str(uit)]) == 2
    assert melding in capsys.readouterr().err
    assert not uit.exists()


@pytest.mark.libreoffice
@pytest.mark.slow
@_libreoffice
def test_cli_team_workbook_recalculated_gives_the_cli_json_figures(profiel, tmp_path, capsys):
    """`formatie exporteer --teams` recalculated by LibreOffice and `formatie bereken --teams
    --formaat json` give the same team total, shares and bijdragen (issue 21, Done when)."""
    import json

    from formatie.cli import main

    teams = _teams_csv(tmp_path, "team,functie,gemeentecode\n" + "".join(
        f"RBL Klein,leerplicht,{c}\n" for c in KLEIN))
    assert main(["bereken", "--landelijk", "--teams", str(teams), "--formaat", "json"]) == 0
    (team,) = json.loads(capsys.readouterr().out)["teams"]
    pad = tmp_path / "team.xlsx"
    assert main(["exporteer", "--landelijk", "--teams", str(teams), "--team-bezetting", "1,2",
                 "-o", str(pad)]) == 0
    pad.write_bytes(vergiftig(pad.read_bytes()))
    blok, leden = _lees(herbereken(profiel, pad, tmp_path / "uit"))
    assert blok["fte"] == pytest.approx(team["fte_totaal"], rel=1e-9)
    assert blok["kosten"] == pytest.approx(team["kosten"]["totaal"], rel=1e-9)
    assert blok["verschil"] == pytest.approx(1.2 - team["fte_totaal"], rel=1e-9)
    assert {c: r["aandeel"] for c, r in leden.items()} == pytest.approx(team["aandelen"],
                                                                        rel=1e-9)
    assert {c: r["bijdrage"] for c, r in leden.items()} == team["bijdragen"]
