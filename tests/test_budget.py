"""The budget table that adds up: the total's P80 allocated over its parts from the draws."""

import numpy as np
import pytest

from formatie.budget import begroting_gemeente, begroting_groepen, verdeel
from formatie.model import Groep
from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import bereik, bereik_groepen
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer


def test_the_parts_add_up_exactly_to_the_total_and_the_uncertain_part_gets_the_margin():
    rng = np.random.default_rng(1)
    vast = np.full(10_000, 10.0)
    onzeker = rng.normal(10.0, 3.0, 10_000)
    delen = np.column_stack([vast, onzeker])
    p80 = float(np.quantile(delen.sum(axis=1), 0.8))
    uit = verdeel(delen, p80)
    assert uit.sum() == p80
    assert uit[0] == pytest.approx(10.0, rel=0.01)  # no spread: no margin
    assert uit[1] == pytest.approx(p80 - 10.0, rel=0.01)  # the whole margin
    # each part at its own P80 adds up to more than the total's P80
    assert np.quantile(vast, 0.8) + np.quantile(onzeker, 0.8) > p80


def test_nothing_to_allocate_gives_zeros_and_bad_shapes_are_refused():
    assert verdeel(np.zeros((100, 3)), 0.0).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError):
        verdeel(np.zeros(10), 1.0)


@pytest.fixture(scope="module")
def twee():
    n = standaard_normenset()
    ref = load_referentie()
    codes = ("0200", "0150")
    volume = np.nan_to_num(geschatte_invoer(n, ref)[[ref.index[c] for c in codes]])
    return n, codes, volume


def test_a_gemeente_has_the_same_budget_on_its_page_and_in_the_json_of_many(twee):
    """The page goes through bereik_groepen for one gemeente, the CLI's JSON through one
    Bereik of many gemeenten: both allocate the same draws (kept as float32, so equal to
    float32 precision), so the same budget table to the euro."""
    n, codes, volume = twee
    veel = bereik(n, volume, gemeentecodes=codes, bewaar_trekkingen=True)
    for g, code in enumerate(codes):
        pagina = begroting_groepen(bereik_groepen([Groep(n, (code,), volume[g:g + 1])]))
        json = begroting_gemeente(veel, g)
        assert pagina.fte_totaal == pytest.approx(json.fte_totaal, rel=1e-6)
        for f in n.functie_sleutels:
            assert pagina.functies[f] == pytest.approx(json.functies[f], rel=1e-6)
            assert pagina.kosten[f] == pytest.approx(json.kosten[f], abs=1.0)


def test_a_region_budget_adds_up_over_functies_and_over_gemeenten_and_prices_each_cell(twee):
    n, codes, volume = twee
    b = begroting_groepen(bereik_groepen([Groep(n, codes, volume)]))
    assert sum(b.functies.values()) == pytest.approx(b.fte_totaal, rel=1e-12)
    assert sum(b.gemeenten.values()) == pytest.approx(b.fte_totaal, rel=1e-12)
    assert b.apart_totaal > b.fte_totaal  # "als u elke functie apart begroot"
    for f in n.functie_sleutels:
        assert b.kosten[f] == pytest.approx(b.functies[f] * n.functie(f).kosten_per_fte,
                                            rel=1e-12)
        assert b.centraal[f] <= b.functies[f] <= b.apart[f] * 1.05
    assert b.als_dict()["gemeenten"] == b.gemeenten


def test_the_workbook_samenvatting_budget_column_adds_up_to_the_total(twee):
    import io

    import openpyxl

    from formatie.invoer_csv import InvoerTabel
    from formatie.werkboek.analyse import onzekerheid_uit_bereik
    from formatie.werkboek.schrijven import exporteer_werkboek

    n, codes, volume = twee
    b = bereik(n, volume, gemeentecodes=codes, bewaar_trekkingen=True)
    data = exporteer_werkboek(n, InvoerTabel(codes, (2026, 2026), volume),
                              onzekerheid=onzekerheid_uit_bereik(b))
    sam = openpyxl.load_workbook(io.BytesIO(data))["Samenvatting"]
    rijen = list(sam.iter_rows(values_only=True))
    kop = next(i for i, r in enumerate(rijen) if r[0] == "Bandbreedte")
    budget = {r[0]: r[3] for r in rijen[kop + 1:kop + 1 + len(n.functies) + 1]}
    totaal = budget.pop("Totaal")
    assert totaal == pytest.approx(float(b.totaal_totaal[2]), rel=1e-12)  # the P80 of the sum
    assert sum(budget.values()) == pytest.approx(totaal, rel=1e-12)
    assert sum(float(b.totaal_fte[2, j]) for j in range(len(n.functies))) > totaal


@pytest.mark.parametrize("soort", ["continu", "gelijken", "alles_gelijk", "met_nan", "oneindig"])
@pytest.mark.parametrize("van,tot", [(0, 1), (3, 9), (7792, 8193), (9998, 10000), (5, 5)])
def test_the_window_is_the_stable_sort_s_without_sorting_every_draw(soort, van, tot):
    """:func:`venster_rangen` picks the same draws in the same order as the full stable sort,
    ties (broken by draw number) at either edge of the window included."""
    from formatie.budget import venster_rangen

    rng = np.random.default_rng(7)
    totalen = {"continu": rng.normal(size=10_000),
               "gelijken": rng.integers(0, 12, size=10_000).astype(float),
               "alles_gelijk": np.full(10_000, 3.5),
               "met_nan": np.where(rng.random(10_000) < 0.01, np.nan, rng.normal(size=10_000)),
               "oneindig": np.where(rng.random(10_000) < 0.3, np.inf,
                                    rng.integers(0, 3, size=10_000).astype(float))}[soort]
    np.testing.assert_array_equal(venster_rangen(totalen, van, tot),
                                  np.argsort(totalen, kind="stable")[van:tot])
