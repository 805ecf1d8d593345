"""Teams (issue 21, item 2): the model computes a shared team once, and the shares add up."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formatie.cli import main
from formatie.getallen import format_euro
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.schatting import landelijke_invoer
from formatie.teams import (
    MIN_GROEP,
    Team,
    bereken_teams,
    lees_teams_csv,
    standaard_teams,
    team_resultaat,
    team_volume,
    teams_als_dicts,
    verdeel_euros,
    vergelijk_team,
    voor_jaar,
)

N = standaard_normenset()
REF = load_referentie()
#: Three small neighbouring gemeenten (Baarle-Nassau, Alphen-Chaam, Hilvarenbeek).
KLEIN = ("0744", "1723", "0798")
LP = N.functie_sleutels.index("leerplicht")


@pytest.fixture(scope="module")
def landelijk():
    return landelijke_invoer(N)


def _rijen(invoer, codes):
    return [invoer.gemeentecodes.index(c) for c in codes]


def test_a_team_counts_its_work_once_and_its_vaste_basis_leiding_and_floor_once(landelijk):
    rijen = _rijen(landelijk, KLEIN)
    volume = landelijk.volume[rijen]
    team = Team("RBL Klein", "leerplicht", KLEIN)
    (u,) = bereken_teams(N, volume, KLEIN, [team], REF)
    alleen = bereken(N, volume, KLEIN)
    functie = N.functie("leerplicht")
    werk = alleen.fte_taak[:, [k for k, t in enumerate(N.taken) if t.functie == "leerplicht"]]
    # one vaste basis and one leiding on the members' work together, then the floor once
    berekend = (werk.sum() + functie.vast_fte) * (1 + functie.leiding)
    assert u.fte_berekend == pytest.approx(berekend, rel=1e-12)
    assert u.fte == pytest.approx(max(berekend, functie.minimum_fte), rel=1e-12)
    # alone each small gemeente sits at the floor: three floors, against one for the team
    assert (alleen.fte[:, LP] == functie.minimum_fte).all()
    assert u.zonder_team == pytest.approx(3 * functie.minimum_fte)
    assert u.fte < u.zonder_team
    # the shares add up to the team exactly, by werklast
    assert sum(u.aandelen.values()) == u.fte
    deel = werk.sum(axis=1) / werk.sum()
    assert list(u.aandelen.values()) == pytest.approx(list(u.fte * deel), rel=1e-12)


@pytest.mark.parametrize("sleutel", ["inwoners", "leerplichtigen"])
def test_other_verdeelsleutels_share_by_their_figure(landelijk, sleutel):
    rijen = _rijen(landelijk, KLEIN)
    (u,) = bereken_teams(N, landelijk.volume[rijen], KLEIN,
                         [Team("T", "leerplicht", KLEIN, verdeelsleutel=sleutel)], REF)
    if sleutel == "inwoners":
        gewicht = np.array([REF.inwoners[REF.index[c]] for c in KLEIN], dtype=float)
    else:
        gewicht = landelijk.volume[rijen, N.invoer_sleutels.index("leerplichtigen")]
    assert list(u.aandelen.values()) == pytest.approx(list(u.fte * gewicht / gewicht.sum()))
    assert sum(u.aandelen.values()) == pytest.approx(u.fte, rel=1e-15)


def test_a_team_of_one_is_that_gemeente(landelijk):
    rij = _rijen(landelijk, ["0363"])
    (u,) = bereken_teams(N, landelijk.volume[rij], ("0363",), [Team("A", "leerplicht", ("0363",))])
    assert u.fte == pytest.approx(float(bereken(N, landelijk.volume[rij]).fte[0, LP]), rel=1e-12)


def test_the_team_volume_is_the_sum_of_its_members(landelijk):
    volume, namen = team_volume(landelijk.volume, landelijk.gemeentecodes,
                                [Team("T", "leerplicht", KLEIN)])
    assert namen == ("T",)
    assert volume[0] == pytest.approx(landelijk.volume[_rijen(landelijk, KLEIN)].sum(axis=0))


def test_memberships_start_in_their_year(tmp_path):
    pad = tmp_path / "teams.csv"
    pad.write_text("team,functie,gemeentecode,vanaf_jaar\nRBL,leerplicht,0744,\n"
                   "RBL,leerplicht,1723,2027\n", encoding="utf-8")
    (team,) = lees_teams_csv(pad, N.functie_sleutels, REF)
    assert voor_jaar([team], 2026)[0].gemeentecodes == ("0744",)
    assert voor_jaar([team], 2027)[0].gemeentecodes == ("0744", "1723")
    assert voor_jaar([team], None)[0].gemeentecodes == ("0744", "1723")


@pytest.mark.parametrize(("inhoud", "melding"), [
    ("team,functie\nA,leerplicht\n", "kolom 'gemeentecode' ontbreekt"),
    ("team,functie,gemeentecode,kleur\nA,leerplicht,0744,rood\n", "onbekende kolom 'kleur'"),
    ("team,functie,gemeentecode\nA,leerplicht,9999\n", "regel 2, kolom 'gemeentecode': onbekende"),
    ("team,functie,gemeentecode\nA,rmc,0744\n", "regel 2, kolom 'functie': onbekende functie"),
    ("team,functie,gemeentecode\n,leerplicht,0744\n", "de naam van het team ontbreekt"),
    ("team,functie,gemeentecode\nA,leerplicht,0744\nB,leerplicht,0744\n",
     "regel 3, kolom 'gemeentecode': gemeente 0744 (Baarle-Nassau) staat voor leerplicht al in"),
    ("team,functie,gemeentecode,vanaf_jaar\nA,leerplicht,0744,twintig\n",
     "geen geldig jaar (van 2000 tot en met 2100)"),
    ("team,functie,gemeentecode,verdeelsleutel\nA,leerplicht,0744,geluk\n",
     "onbekende verdeelsleutel 'geluk'"),
    ("team,functie,gemeentecode,soort\nA,leerplicht,0744,rbl\nA,leerplicht,1723,eigen\n",
     "team 'A' heeft op regel 2 soort 'rbl' en hier 'eigen'"),
    ("team,functie,gemeentecode\n", "het bestand bevat geen teams"),
    (b"team,functie,gemeentecode\n\x00\n", "dit is geen tekstbestand"),
])
def test_a_bad_teams_file_is_refused_naming_the_line(inhoud, melding):
    data = inhoud if isinstance(inhoud, bytes) else inhoud.encode("utf-8")
    with pytest.raises(InvoerFout) as fout:
        lees_teams_csv(data, N.functie_sleutels, REF, bestand="teams.csv")
    assert melding in str(fout.value)


def test_a_dutch_excel_teams_file_reads(tmp_path):
    data = "team;functie;gemeentecode\r\nRBL Zuid;Leerplicht;GM0744\r\n".encode("cp1252")
    (team,) = lees_teams_csv(data, N.functie_sleutels, REF)
    assert (team.naam, team.functie, team.gemeentecodes) == ("RBL Zuid", "leerplicht", ("0744",))


def test_cli_json_with_teams_adds_up(tmp_path, capsys):
    teams = tmp_path / "teams.csv"
    teams.write_text("team,functie,gemeentecode\n" + "".join(
        f"RBL Klein,leerplicht,{c}\n" for c in KLEIN), encoding="utf-8")
    assert main(["bereken", "--landelijk", "--teams", str(teams), "--formaat", "json",
                 "--onzekerheid"]) == 0
    uit = json.loads(capsys.readouterr().out)
    (team,) = uit["teams"]
    assert team["naam"] == "RBL Klein" and team["gemeenten"] == list(KLEIN)
    assert sum(team["aandelen"].values()) == pytest.approx(team["fte_totaal"], rel=1e-12)
    assert team["bereik_totaal"]["p10"] <= team["fte_totaal"] <= team["bereik_totaal"]["p90"]
    # issue 22, item 4: the bijdragen in whole euros add up to the team's cost
    assert team["kosten"]["totaal"] == pytest.approx(
        team["fte_totaal"] * uit["organisatie"]["leerplicht"]["kosten_per_fte"], rel=1e-12)
    assert set(team["bijdragen"]) == set(KLEIN)
    assert sum(team["bijdragen"].values()) == round(team["kosten"]["totaal"])
    assert team["vergelijking"]["fte_per_1000"] == pytest.approx(
        team["fte_totaal"] / team["vergelijking"]["omvang"] * 1000)
    assert team["vergelijking"]["aantal_vergelijkbaar"] >= 5
    per = {g["gemeentecode"]: g["functies"]["leerplicht"] for g in uit["gemeenten"]}
    for code in KLEIN:
        assert per[code]["team"] == "RBL Klein"
        assert per[code]["aandeel"] == team["aandelen"][code]
        assert per[code]["bijdrage"] == team["bijdragen"][code]
    assert "team" not in per["0363"]
    # the total with teams: every team once plus the gemeenten on their own, adding up
    totaal = uit["totaal"]["functies_met_teams"]["leerplicht"]
    los = sum(r["fte"] for c, r in per.items() if c not in KLEIN)
    assert totaal == pytest.approx(los + team["fte_totaal"], rel=1e-12)
    assert totaal < uit["totaal"]["functies"]["leerplicht"]  # two floors fewer
    assert uit["totaal"]["fte_totaal_met_teams"] == pytest.approx(
        sum(uit["totaal"]["functies_met_teams"].values()))


def test_cli_table_with_teams_and_a_bad_file(tmp_path, capsys):
    teams = tmp_path / "teams.csv"
    teams.write_text("team,functie,gemeentecode,verdeelsleutel\n" + "".join(
        f"RBL Klein,leerplicht,{c},inwoners\n" for c in KLEIN), encoding="utf-8")
    invoer = tmp_path / "invoer.csv"
    rijen = landelijke_invoer(N)
    regels = ["gemeentecode," + ",".join(N.invoer_sleutels)]
    for c in KLEIN:
        v = rijen.volume[rijen.gemeentecodes.index(c)]
        regels.append(c + "," + ",".join(repr(float(x)) for x in v))
    invoer.write_text("\n".join(regels) + "\n", encoding="utf-8")
    assert main(["bereken", str(invoer), "--teams", str(teams)]) == 0
    uit = capsys.readouterr().out
    assert "Team RBL Klein (leerplicht, 3 gemeenten, verdeling naar inwoners)" in uit
    assert "elk apart 4,50 fte" in uit
    # the bijdragen column and its team row: the team's cost in whole euros
    (u,) = bereken_teams(N, rijen.volume[_rijen(rijen, KLEIN)], KLEIN,
                         [Team("RBL Klein", "leerplicht", KLEIN, verdeelsleutel="inwoners")],
                         REF)
    assert "bijdrage" in uit
    regel = next(r for r in uit.splitlines() if r.startswith("Team  "))
    assert regel.rstrip().endswith(format_euro(round(u.kosten)))
    assert "Fte per 1.000 leerplichtigen:" in uit
    teams.write_text("team,functie,gemeentecode\nRBL,leerplicht,12345\n", encoding="utf-8")
    assert main(["bereken", str(invoer), "--teams", str(teams)]) == 2
    assert "regel 2, kolom 'gemeentecode': onbekende gemeentecode '12345'" in (
        capsys.readouterr().err)


def test_the_bijdragen_add_up_to_the_team_cost_split_by_the_verdeelsleutel(landelijk):
    rijen = _rijen(landelijk, KLEIN)
    (u,) = bereken_teams(N, landelijk.volume[rijen], KLEIN, [Team("T", "leerplicht", KLEIN)],
                         REF)
    prijs = N.functie("leerplicht").kosten_per_fte
    assert u.kosten_per_fte == prijs
    assert u.kosten == pytest.approx(u.fte * prijs, rel=1e-12)
    assert all(isinstance(b, int) for b in u.bijdragen.values())
    assert sum(u.bijdragen.values()) == round(u.kosten)
    for code, aandeel in u.aandelen.items():  # each its share of the cost, to the euro
        assert abs(u.bijdragen[code] - round(u.kosten) * aandeel / u.fte) < 1
    d = u.als_dict()
    assert d["bijdragen"] == u.bijdragen and d["kosten"]["totaal"] == u.kosten


@given(st.floats(0, 1e9), st.lists(st.floats(0, 1e6), min_size=1, max_size=30))
def test_whole_euros_by_largest_remainder_add_up_and_stay_within_a_euro(totaal, gewichten):
    delen = verdeel_euros(totaal, gewichten)
    heel = round(totaal)
    assert sum(delen) == heel and len(delen) == len(gewichten)
    som = sum(gewichten)
    exact = ([heel * w / som for w in gewichten] if som > 0
             else [heel / len(gewichten)] * len(gewichten))
    assert all(abs(d - e) < 1 + 1e-6 for d, e in zip(delen, exact, strict=True))


def test_largest_remainder_gives_the_left_euros_to_the_largest_fractions():
    assert verdeel_euros(10, [1, 1, 1]) == [4, 3, 3]
    assert verdeel_euros(100, [0.2, 0.35, 0.45]) == [20, 35, 45]
    assert verdeel_euros(7, [0.15, 0.15, 0.7]) == [1, 1, 5]  # 1,05 1,05 4,9: the 0,9 first
    assert verdeel_euros(5, [0, 0]) == [3, 2]


def test_every_region_is_a_doorstroompunt_team_with_unchanged_figures(landelijk):
    """The default teams (issue 21, item 4): all 40 regions' Doorstroompunt teams give the
    region totals as the sum of their members did, and each member's aandeel is its own fte;
    every gemeente is its own leerplicht team, unchanged."""
    teams = standaard_teams(N, REF)
    alleen = bereken(N, landelijk.volume, landelijk.gemeentecodes)
    uitkomsten = bereken_teams(N, landelijk.volume, landelijk.gemeentecodes, teams, REF)
    positie = {c: g for g, c in enumerate(landelijk.gemeentecodes)}
    for functie in N.functie_sleutels:  # every gemeente in exactly one team per functie
        leden = [c for u in uitkomsten if u.team.functie == functie for c in u.aandelen]
        assert sorted(leden) == sorted(landelijk.gemeentecodes)
    dsp = N.functie_sleutels.index("doorstroompunt")
    regio_teams = [u for u in uitkomsten if u.team.functie == "doorstroompunt"]
    assert len(regio_teams) == len(REF.regionamen) == 40
    for u in regio_teams:
        (regio,) = {REF.regio_per_gemeente[REF.index[c]] for c in u.aandelen}
        assert set(u.aandelen) == set(REF.leden(regio)) and u.team.soort == "doorstroompunt"
        rijen = [positie[c] for c in u.aandelen]
        assert u.fte == pytest.approx(float(alleen.fte[rijen, dsp].sum()), rel=1e-12)
        for code, aandeel in u.aandelen.items():
            assert aandeel == pytest.approx(float(alleen.fte[positie[code], dsp]), rel=1e-12)
        assert sum(u.bijdragen.values()) == round(u.kosten)
        # the team's chain: one vaste basis per member, adding up to the team
        res = team_resultaat(N, landelijk.volume, landelijk.gemeentecodes, u.team)
        assert float(res.fte[0, dsp]) == pytest.approx(u.fte, rel=1e-12)
    lp = [u for u in uitkomsten if u.team.functie == "leerplicht"]
    assert len(lp) == 342 and all(u.team.soort == "eigen" for u in lp)
    eigen = np.array([u.fte for u in lp])
    assert eigen == pytest.approx(alleen.fte[[positie[u.team.gemeentecodes[0]] for u in lp], LP],
                                  rel=1e-12)


def test_a_defined_team_takes_its_members_out_of_the_default_teams():
    teams = standaard_teams(N, REF, [Team("RBL Klein", "leerplicht", KLEIN)])
    lp = [t for t in teams if t.functie == "leerplicht"]
    assert len(lp) == 342 - 3 + 1
    assert [t.naam for t in lp if set(t.gemeentecodes) & set(KLEIN)] == ["RBL Klein"]


def test_a_region_team_range_carries_a_vaste_basis_per_member(landelijk):
    (regio,) = [t for t in standaard_teams(N, REF) if t.naam.endswith(REF.regionamen["MC21"])]
    (u,) = bereken_teams(N, landelijk.volume, landelijk.gemeentecodes, [regio], REF)
    (d,) = teams_als_dicts(N, landelijk.volume, landelijk.gemeentecodes, [u], True)
    assert d["bereik_totaal"]["p10"] <= u.fte <= d["bereik_totaal"]["p90"]


def test_a_team_is_compared_with_teams_and_gemeenten_of_similar_size(landelijk):
    team = Team("RBL Klein", "leerplicht", KLEIN)
    alle = bereken_teams(N, landelijk.volume, landelijk.gemeentecodes,
                         standaard_teams(N, REF, [team]), REF)
    (u,) = [x for x in alle if x.team == team]
    v = vergelijk_team(u, alle, N, landelijk.volume, landelijk.gemeentecodes)
    lpl = landelijk.volume[:, N.invoer_sleutels.index("leerplichtigen")]
    omvang = float(lpl[_rijen(landelijk, KLEIN)].sum())
    assert v.omvang == pytest.approx(omvang)
    assert v.eigen == pytest.approx(u.fte / omvang * 1000)
    # the others: every other gemeente on its own, within half to twice the team's size
    alleen = bereken(N, landelijk.volume)
    buiten = np.array([c not in KLEIN for c in landelijk.gemeentecodes])
    band = buiten & (lpl >= omvang / 2) & (lpl <= omvang * 2)
    assert v.n == int(band.sum()) >= MIN_GROEP
    assert v.mediaan == pytest.approx(float(np.median(alleen.fte[band, LP] / lpl[band] * 1000)))
    # too few of similar size: no median, no values
    weinig = vergelijk_team(u, alle[:3], N, landelijk.volume, landelijk.gemeentecodes)
    assert weinig.mediaan is None and weinig.peers == []


def test_the_region_json_carries_the_doorstroompunt_bijdragen_of_its_team(landelijk):
    """Issue 22, item 4 for a region: the region's Doorstroompunt is its team; the region JSON's
    bijdragen equal that team's (formatie.teams) and add up to the region's cost."""
    from formatie.uitvoer import regio_als_dict

    leden = REF.leden("MC21")
    rijen = _rijen(landelijk, leden)
    res = bereken(N, landelijk.volume[rijen], tuple(leden))
    uit = regio_als_dict([res], REF, 2026, "MC21")
    dsp = uit["regio"]["functies"]["doorstroompunt"]
    assert sum(dsp["bijdragen"].values()) == round(dsp["kosten"]["totaal"])
    (team,) = [t for t in standaard_teams(N, REF) if t.functie == "doorstroompunt"
               and set(t.gemeentecodes) == set(leden)]
    (u,) = bereken_teams(N, landelijk.volume[rijen], tuple(leden), [team], REF)
    assert dsp["bijdragen"] == u.bijdragen
    assert "bijdragen" not in uit["regio"]["functies"]["leerplicht"]


def test_a_region_of_two_normensets_is_its_default_team_per_group(landelijk):
    """Issue 21, item 4: regio_team computes the region's default Doorstroompunt team with
    bereken_teams on each normenset group's members; the parts add up to one team whose
    aandelen are each member's own, and whose bijdragen add up to its cost to the euro."""
    from formatie.model import fte_per_functie
    from formatie.teams import regio_fte_met_team, regio_regels_met_team, regio_team

    ander = N.met_functie_parameters({"doorstroompunt": {
        "vast_fte": N.functie("doorstroompunt").vast_fte * 2, "leiding": 0.2}})
    leden = REF.leden("MC21")
    assert len(leden) >= 3
    delen = (tuple(leden[:2]), tuple(leden[2:]))
    resultaten = [bereken(n, landelijk.volume[_rijen(landelijk, d)], d)
                  for n, d in zip((N, ander), delen, strict=True)]
    u = regio_team(resultaten, REF, "MC21", "doorstroompunt")
    verwacht = []
    for n, d in zip((N, ander), delen, strict=True):
        (team,) = [t for t in standaard_teams(n, REF) if t.functie == "doorstroompunt"
                   and set(t.gemeentecodes) == set(leden)]
        verwacht += bereken_teams(n, landelijk.volume[_rijen(landelijk, d)], d, [team], REF)
    assert u.team.soort == "doorstroompunt" and set(u.team.gemeentecodes) == set(leden)
    assert u.fte == pytest.approx(sum(v.fte for v in verwacht), rel=1e-12)
    assert u.aandelen == pytest.approx({c: a for v in verwacht for c, a in v.aandelen.items()},
                                       rel=1e-12)
    tweede = landelijk.volume[_rijen(landelijk, delen[1])]
    dsp = N.functie_sleutels.index("doorstroompunt")
    assert verwacht[1].fte > float(bereken(N, tweede, delen[1]).fte[:, dsp].sum()) + 0.1
    assert sum(u.bijdragen.values()) == round(sum(v.kosten for v in verwacht))
    for v in verwacht:  # each member pays its own part, by its own normenset's price, to the euro
        for c, a in v.aandelen.items():
            assert abs(u.bijdragen[c] - a * v.kosten_per_fte) < 1.0
    # the region's figures: the team for the Doorstroompunt, the sum for the rest, unchanged
    som, teams = regio_fte_met_team(resultaten, REF, "MC21")
    assert teams == {"doorstroompunt": u}
    assert som == pytest.approx(fte_per_functie(resultaten), rel=1e-12)
    # the chain: the team's lines per group summed, one vaste basis per member by its normenset
    regels = [r for r in regio_regels_met_team(resultaten, REF, "MC21")
              if r.functie == "doorstroompunt"]
    (vast,) = [r.fte for r in regels if r.soort == "vast"]
    assert vast == pytest.approx(N.functie("doorstroompunt").vast_fte * len(delen[0])
                                 + ander.functie("doorstroompunt").vast_fte * len(delen[1]))
    assert sum(r.fte for r in regels) == pytest.approx(u.fte, rel=1e-12)
    # one group: exactly bereken_teams on the default team
    (een,) = [bereken(N, landelijk.volume[_rijen(landelijk, leden)], tuple(leden))]
    (team,) = [t for t in standaard_teams(N, REF) if t.functie == "doorstroompunt"
               and set(t.gemeentecodes) == set(leden)]
    assert regio_team([een], REF, "MC21", "doorstroompunt") == bereken_teams(
        N, een.volume, een.gemeentecodes, [team], REF)[0]
