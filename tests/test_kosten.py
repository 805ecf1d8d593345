"""Cost per fte: sourced parameters of the normenset, the one formula, and euros from fte."""

import numpy as np
import pytest

from formatie.getallen import format_euro
from formatie.kosten import indexeer, kosten, kosten_per_fte, peiljaar
from formatie.normenset import STANDAARD_BRON, normenset_als_toml
from formatie.normenset_toml import NORMEN, load_normenset, parse_normenset, standaard_normenset
from formatie.parameters import KOSTEN_PARAMETERS
from formatie.problemen import InvoerFout
from formatie.referentie import load_referentie
from formatie.validatie import valideer


def test_the_price_of_an_fte_is_salary_times_charges_times_overhead():
    n = standaard_normenset()
    lp = n.functie("leerplicht")
    assert lp.kosten_per_fte == pytest.approx(
        lp.salaris_per_fte * (1 + lp.werkgeverslasten) * (1 + lp.opslag), rel=1e-15)
    assert 80_000 < lp.kosten_per_fte < 130_000  # all-in, 2026 price level
    assert kosten_per_fte(n).tolist() == [f.kosten_per_fte for f in n.functies]
    fte = np.array([[2.5, 1.0], [0.0, 3.0]])
    assert np.allclose(kosten(n, fte), fte * kosten_per_fte(n))


def test_every_cost_parameter_of_the_default_says_where_it_comes_from():
    n = standaard_normenset()
    for f in n.functies:
        for p in KOSTEN_PARAMETERS:
            assert f.bron_van(p) and f.bron_van(p) != STANDAARD_BRON, (f.sleutel, p)
    assert peiljaar(n) == 2026


def test_an_older_normenset_without_costs_stays_valid_and_says_its_price_is_the_default():
    oud = load_normenset(str(NORMEN / "standaard-2026-2.toml"))
    for f in oud.functies:
        assert f.kosten_per_fte == standaard_normenset().functie("leerplicht").kosten_per_fte
        assert all(f.bron_van(p) == STANDAARD_BRON for p in KOSTEN_PARAMETERS)
    # written and read back: the same set, the defaults now explicit
    assert parse_normenset(normenset_als_toml(oud)) == oud


@pytest.mark.parametrize("sleutel, waarde", [("salaris_per_fte", -1), ("werkgeverslasten", 1.5),
                                             ("opslag", 2.5), ("indexatie", 0.6)])
def test_a_cost_parameter_outside_its_bounds_is_refused_in_dutch(sleutel, waarde):
    tekst = normenset_als_toml(standaard_normenset()).replace(
        f"\n{sleutel} = ", f"\n{sleutel} = {waarde}\n#", 1)
    with pytest.raises(InvoerFout) as fout:
        parse_normenset(tekst)
    assert sleutel in str(fout.value) and "moet" in str(fout.value)


def test_money_is_whole_euros_in_dutch_notation():
    assert format_euro(1234567.4) == "€\u00a01.234.567"
    assert format_euro(-1500) == "€\u00a0\u22121.500"
    assert format_euro(None) == ""


def test_indexation_brings_an_amount_to_another_year():
    assert indexeer(100.0, 0.03, 2024, 2026) == pytest.approx(106.09)
    assert indexeer(100.0, 0.03, 2026, 2026) == 100.0


def test_valideer_holds_the_price_of_an_fte_against_published_costs_indexed_to_2026():
    v = valideer(standaard_normenset(), load_referentie())
    nijmegen = next(k for k in v.kosten if k.punt == "nijmegen-2017-kosten")
    assert nijmegen.gepubliceerd == pytest.approx(437_000 / 7, abs=0.01)
    assert nijmegen.geindexeerd == pytest.approx(nijmegen.gepubliceerd * 1.03 ** 9, rel=1e-12)
    assert nijmegen.model == standaard_normenset().functie("leerplicht").kosten_per_fte
    # the published points lie within a factor 1,5 of the model, either way
    assert all(1 / 1.5 < k.verhouding < 1.5 for k in v.kosten)
    assert v.als_dict()["kosten"][0]["verhouding"] == pytest.approx(v.kosten[0].verhouding)


def test_the_scenario_comparison_prices_each_scenario_with_its_own_salary():
    from formatie.scenario import Scenario, vergelijk

    n = standaard_normenset()
    ref = load_referentie()
    codes = ("0200", "0150")
    from formatie.schatting import geschatte_invoer

    volume = np.nan_to_num(geschatte_invoer(n, ref)[[ref.index[c] for c in codes]])
    lp = n.functie("leerplicht")
    duurder = Scenario("Duurder", organisatie={
        "leerplicht": {"salaris_per_fte": lp.salaris_per_fte * 1.1}})
    v = vergelijk([Scenario("Basis"), duurder], n, volume, codes, ref)
    assert v.som_totaal[1] == v.som_totaal[0]  # the same fte
    j = n.functie_sleutels.index("leerplicht")
    assert v.kosten[1, j] == pytest.approx(v.kosten[0, j] * 1.1, rel=1e-12)
    assert v.kosten[0] == pytest.approx(kosten(n, v.fte[0]).sum(axis=0), rel=1e-12)
    rij = v.tabel()[1]
    assert rij["kosten_verschil"] == pytest.approx(v.kosten[1].sum() - v.kosten[0].sum())
