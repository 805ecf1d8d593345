"""The multi-year begroting: this year and the next ones in fte and euros, central and P80."""

from dataclasses import replace

import numpy as np
import pytest

from formatie.budget import begroting_groepen
from formatie.kosten import kosten_per_fte
from formatie.meerjaren import (
    MAX_JAREN,
    grootste_rest,
    meerjarenbegroting,
    team_meerjarenbegroting,
)
from formatie.model import Groep, bereken
from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import bereik_groepen
from formatie.prognose import prognose_reeksen
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer
from formatie.teams import Team, bereken_teams, teams_als_dicts

JAAR = 2026  # the standard normenset's peiljaar (geldig_vanaf 2026/2027)


@pytest.fixture(scope="module")
def drie():
    n = standaard_normenset()
    ref = load_referentie()
    codes = ("0200", "0150", "0262")
    volume = np.round(np.nan_to_num(geschatte_invoer(n, ref)[[ref.index[c] for c in codes]]))
    return n, codes, volume


def _groeiend(volume: np.ndarray, groei: float = 0.05) -> object:
    """A forecast of series that grew ``groei`` a year over four years up to ``volume``."""
    hist = np.stack([np.round(volume / (1 + groei) ** k) for k in (3, 2, 1, 0)], axis=-1)
    return prognose_reeksen([JAAR - 3, JAAR - 2, JAAR - 1, JAAR], hist, MAX_JAREN - 1)


def test_largest_remainder_parts_add_up_to_the_rounded_total_and_stay_within_one_unit():
    rng = np.random.default_rng(7)
    delen = rng.uniform(0, 1e6, (50, 6))
    for eenheid in (1.0, 0.01):
        uit = grootste_rest(delen, eenheid=eenheid)
        totaal = np.floor(delen.sum(axis=1) / eenheid + 0.5) * eenheid
        assert uit.sum(axis=1) == pytest.approx(totaal, abs=eenheid * 1e-6)
        assert np.all(np.abs(uit - delen) < eenheid * (1 + 1e-9))
    # three thirds of 100: plain rounding gives 99, the rule gives 34 + 33 + 33
    assert grootste_rest(np.array([100 / 3] * 3)).tolist() == [34.0, 33.0, 33.0]


def test_year_0_of_a_gemeente_is_its_result_page_to_the_last_bit(drie):
    n, codes, volume = drie
    groep = Groep(n, codes[:1], volume[:1])
    mj = meerjarenbegroting([groep], JAAR, MAX_JAREN, [_groeiend(volume[:1])])
    pagina = begroting_groepen(bereik_groepen([groep]))
    assert mj.jaren == (2026, 2027, 2028, 2029)
    assert mj.bron == ("invoer", "prognose", "prognose", "prognose")
    assert mj.budget_totaal[0] == pagina.fte_totaal
    assert mj.fte[0, 0].tolist() == bereken(n, volume[:1], codes[:1]).fte[0].tolist()
    for j, f in enumerate(mj.functies):
        assert mj.budget_fte[0, 0, j] == pagina.functies[f]
        assert mj.kosten[0, 0, j] == pytest.approx(pagina.centraal_kosten[f], rel=1e-12)
        assert mj.kosten_budget[0, 0, j] == pytest.approx(pagina.kosten[f], rel=1e-12)
    centraal, budget = mj.euros()
    assert abs(centraal.totaal[0] - pagina.centraal_kosten_totaal) <= 0.5
    assert abs(budget.totaal[0] - pagina.kosten_totaal) <= 0.5


def test_year_0_of_a_region_of_two_normensets_is_its_region_page(drie):
    n, codes, volume = drie
    duur = replace(n, versie="duur", functies=tuple(
        replace(f, salaris_per_fte=f.salaris_per_fte * 1.2, indexatie=0.05)
        for f in n.functies))
    groepen = [Groep(n, codes[:2], volume[:2]), Groep(duur, codes[2:], volume[2:])]
    mj = meerjarenbegroting(groepen, JAAR, 3, [_groeiend(volume[:2]), None])
    pagina = begroting_groepen(bereik_groepen(groepen))
    assert mj.budget_totaal[0] == pagina.fte_totaal
    for j, f in enumerate(mj.functies):
        assert mj.budget_fte[0, :, j].sum() == pytest.approx(pagina.functies[f], rel=1e-12)
        assert mj.kosten_budget[0, :, j].sum() == pytest.approx(pagina.kosten[f], rel=1e-12)
    for g, code in enumerate(codes):
        assert mj.budget_fte[0, g].sum() == pytest.approx(pagina.gemeenten[code], rel=1e-12)
    # each group is priced and indexed with its own normenset
    assert mj.prijs[2, 2].tolist() == pytest.approx(
        (kosten_per_fte(duur) * 1.05 ** 2).tolist(), rel=1e-12)
    assert mj.prijs[2, 0].tolist() == pytest.approx(
        [f.kosten_per_fte * (1 + f.indexatie) ** 2 for f in n.functies], rel=1e-12)
    assert any("Normenset" in zin and "duur" in zin for zin in mj.aannames)


def test_every_table_adds_up_in_fte_and_in_whole_euros_every_year(drie):
    n, codes, volume = drie
    mj = meerjarenbegroting([Groep(n, codes, volume)], JAAR, MAX_JAREN, [_groeiend(volume)])
    assert mj.budget_fte.sum(axis=(1, 2)) == pytest.approx(mj.budget_totaal, rel=1e-12)
    for waarden in (mj.fte, mj.budget_fte):
        for eenheid in (0.01,):
            t = mj.tabel(waarden, eenheid)
            assert t.functies.sum(axis=1) == pytest.approx(t.totaal, abs=1e-6)
            assert t.gemeenten.sum(axis=1) == pytest.approx(t.totaal, abs=1e-6)
    doc = mj.als_dict()
    for jaar in doc["jaren"]:
        for soort in ("kosten", "kosten_budget"):
            assert isinstance(jaar[soort], int)
            assert sum(f[soort] for f in jaar["functies"].values()) == jaar[soort]
            assert sum(g[soort] for g in jaar["gemeenten"].values()) == jaar[soort]
        assert sum(f["budget_fte"] for f in jaar["functies"].values()) == pytest.approx(
            jaar["budget_fte"], rel=1e-12)
        assert sum(g["budget_fte"] for g in jaar["gemeenten"].values()) == pytest.approx(
            jaar["budget_fte"], rel=1e-12)
        assert jaar["budget_fte"] > jaar["fte"]  # P80 above the central chain
    # euros = fte × the year's price per fte, to the euro
    for t, jaar in enumerate(doc["jaren"]):
        for j, f in enumerate(mj.functies):
            prijs = mj.prijs[t, 0, j]
            assert abs(jaar["functies"][f]["kosten"] - jaar["functies"][f]["fte"] * prijs) < 1


def test_a_growing_history_raises_the_forecast_years_and_indexation_raises_the_price(drie):
    n, codes, volume = drie
    groep = Groep(n, codes[:1], volume[:1])
    groei = meerjarenbegroting([groep], JAAR, MAX_JAREN, [_groeiend(volume[:1], 0.08)])
    vlak = meerjarenbegroting([groep], JAAR, MAX_JAREN)
    assert np.all(np.diff(groei.fte.sum(axis=(1, 2))) > 0)
    # no history: the same fte every year, the euros move by the indexation alone
    assert np.all(vlak.fte == vlak.fte[0])
    assert vlak.budget_totaal == pytest.approx([vlak.budget_totaal[0]] * MAX_JAREN)
    for j, f in enumerate(n.functies):
        assert vlak.prijs[:, 0, j] == pytest.approx(
            f.kosten_per_fte * (1 + f.indexatie) ** np.arange(MAX_JAREN), rel=1e-12)
    assert vlak.prijspeil == (2026, 2027, 2028, 2029)
    assert any("geen cijfers van eerdere jaren" in zin for zin in vlak.aannames)
    assert any("trend" in zin and "reeksen" in zin for zin in groei.aannames)


def test_without_a_peiljaar_the_euros_are_not_indexed_and_it_says_so(drie):
    n, codes, volume = drie
    zonder = replace(n, geldig_vanaf="")
    mj = meerjarenbegroting([Groep(zonder, codes[:1], volume[:1])], JAAR, 3)
    assert np.all(mj.prijs == mj.prijs[0])
    assert mj.prijspeil == (None, None, None)
    assert any("niet geïndexeerd" in zin for zin in mj.aannames)


def test_more_years_than_the_forecast_can_carry_are_refused(drie):
    n, codes, volume = drie
    with pytest.raises(ValueError):
        meerjarenbegroting([Groep(n, codes[:1], volume[:1])], JAAR, MAX_JAREN + 1)


# ----------------------------------------------------------------------------------------------
# A team's begroting (issue 22 item 5 for teams)
# ----------------------------------------------------------------------------------------------

#: Three small neighbouring gemeenten (Baarle-Nassau, Alphen-Chaam, Hilvarenbeek).
KLEIN = ("0744", "1723", "0798")


@pytest.fixture(scope="module")
def klein():
    n = standaard_normenset()
    ref = load_referentie()
    volume = np.round(np.nan_to_num(geschatte_invoer(n, ref)[[ref.index[c] for c in KLEIN]]))
    return n, ref, volume


def test_year_0_of_a_team_begroting_is_the_team_page(klein):
    n, ref, volume = klein
    team = Team("RBL Klein", "leerplicht", KLEIN)
    tb = team_meerjarenbegroting(n, volume, KLEIN, team, JAAR, MAX_JAREN, _groeiend(volume),
                                 ref)
    (u,) = bereken_teams(n, volume, KLEIN, [team], ref)
    (pagina,) = teams_als_dicts(n, volume, KLEIN, [u], True)
    mb = tb.begroting
    assert mb.jaren == (2026, 2027, 2028, 2029) and mb.gemeentecodes == KLEIN
    assert tb.uitkomsten[0].fte == u.fte
    assert mb.fte[0, :, 0].tolist() == [u.aandelen[c] for c in KLEIN]
    assert mb.budget_totaal[0] == pagina["bereik_totaal"]["p80"]
    # JAAR is the peiljaar: year 0's euros are the team page's, bijdragen to the euro
    (jaar0, *later) = tb.jaren_als_dicts()
    assert jaar0["kosten"] == round(u.kosten)
    assert {c: r["bijdrage"] for c, r in jaar0["gemeenten"].items()} == u.bijdragen
    # the members grow 5 % a year: so does the team's computed need (here under the floor,
    # which holds the fte), and the euros rise with the indexatie
    berekend = [r["fte_berekend"] for r in (jaar0, *later)]
    assert berekend == sorted(berekend) and berekend[1] > berekend[0]
    assert all(r["fte"] == max(r["fte_berekend"], r["fte"]) for r in later)
    assert later[-1]["kosten"] > later[0]["kosten"] > jaar0["kosten"]


def test_every_table_of_a_team_begroting_adds_up(klein):
    n, ref, volume = klein
    team = Team("RBL Klein", "leerplicht", KLEIN, verdeelsleutel="inwoners")
    tb = team_meerjarenbegroting(n, volume, KLEIN, team, JAAR + 1, 3, _groeiend(volume), ref)
    mb = tb.begroting
    prijs = kosten_per_fte(n)[n.functie_sleutels.index("leerplicht")]
    factor = (1 + n.functie("leerplicht").indexatie) ** np.arange(1, 4)
    for t, rij in enumerate(tb.jaren_als_dicts()):
        leden = rij["gemeenten"].values()
        assert sum(r["aandeel"] for r in leden) == pytest.approx(rij["fte"], rel=1e-12)
        assert sum(r["budget_fte"] for r in leden) == pytest.approx(rij["budget_fte"],
                                                                    rel=1e-12)
        assert sum(r["bijdrage"] for r in leden) == rij["kosten"]
        assert sum(r["bijdrage_budget"] for r in leden) == rij["kosten_budget"]
        assert rij["kosten_per_fte"] == pytest.approx(prijs * factor[t], rel=1e-12)
        assert rij["kosten"] == round(rij["fte"] * rij["kosten_per_fte"])
        assert rij["kosten_budget"] == round(rij["budget_fte"] * rij["kosten_per_fte"])
        assert rij["budget_fte"] >= rij["fte"]
        # shared by inwoners: each member's part of budget and euros is its inwoners' share
        inwoners = np.array([ref.inwoners[ref.index[c]] for c in KLEIN], dtype=float)
        assert mb.budget_fte[t, :, 0] == pytest.approx(
            rij["budget_fte"] * inwoners / inwoners.sum(), rel=1e-9)
    # the indexation sentence names the team's functie only
    index = [z for z in mb.aannames if "geïndexeerd" in z]
    assert len(index) == 1 and "leerplicht" in index[0]
    assert "doorstroompunt" not in index[0].lower()
    centraal, budget = tb.euros()
    assert (centraal.gemeenten.sum(axis=1) == centraal.totaal).all()
    assert (budget.gemeenten.sum(axis=1) == budget.totaal).all()


def test_a_team_begroting_counts_one_vaste_basis_and_leiding_not_one_per_member(klein):
    n, ref, volume = klein
    team = Team("RBL Klein", "leerplicht", KLEIN)
    tb = team_meerjarenbegroting(n, volume, KLEIN, team, JAAR, 2, None, ref)
    functie = n.functie("leerplicht")
    alleen = bereken(n, volume, KLEIN)
    taken = [k for k, t in enumerate(n.taken) if t.functie == "leerplicht"]
    werk = alleen.fte_taak[:, taken].sum()
    een_basis = (werk + functie.vast_fte) * (1 + functie.leiding)
    assert tb.uitkomsten[0].fte_berekend == pytest.approx(een_basis, rel=1e-12)
    assert tb.uitkomsten[0].fte == pytest.approx(max(een_basis, functie.minimum_fte))
    # the members' own begrotingen summed count three vaste bases, leidingen and floors
    som = meerjarenbegroting([Groep(n, KLEIN, volume)], JAAR, 2)
    f = som.functies.index("leerplicht")
    assert som.fte[0, :, f].sum() == pytest.approx(3 * functie.minimum_fte)
    assert tb.begroting.fte[0].sum() < som.fte[0, :, f].sum() - functie.vast_fte
    # without history the volumes are carried forward: the same fte next year
    assert tb.uitkomsten[1].fte == tb.uitkomsten[0].fte


def test_a_doorstroompunt_team_begroting_is_its_members_with_a_vaste_basis_each(drie):
    """A Doorstroompunt team carries a vaste basis per member (formatie.teams
    .VASTE_BASIS_PER_LID): its begroting is then the members' own Doorstroompunt fte."""
    n, codes, volume = drie
    ref = load_referentie()
    team = Team("Doorstroompunt Test", "doorstroompunt", codes, soort="doorstroompunt")
    tb = team_meerjarenbegroting(n, volume, codes, team, JAAR, 2, _groeiend(volume), ref)
    eigen = meerjarenbegroting([Groep(n, codes, volume)], JAAR, 2, [_groeiend(volume)])
    f = eigen.functies.index("doorstroompunt")
    for t in range(2):
        assert tb.begroting.fte[t, :, 0] == pytest.approx(eigen.fte[t, :, f], rel=1e-9)
