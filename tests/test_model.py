"""The formula: hand-computed cases and properties."""

from dataclasses import replace

import numpy as np
import pytest

from formatie.model import RekenFout, bereken, fte_arrays
from formatie.parameters import FTE


def test_hand_computed_chain(klein):
    # Functie a: 1000 h × (1 − 0.2) × (1 − 0.25) = 600 casusuren per fte; b: 2000 × 1 × 0.5 = 1000.
    r = bereken(klein, np.array([[100.0, 50.0]]), ["0363"])
    assert r.casus_uren_per_fte.tolist() == [600.0, 1000.0]
    assert r.netto_uren_per_fte.tolist() == [800.0, 2000.0]
    # a1: 100 × 3 = 300 h → 0.5 fte; a2: 50 × 6 = 300 h → 0.5 fte; b1: 100 × 10 = 1000 h → 1 fte
    assert r.uren[0].tolist() == [300.0, 300.0, 1000.0]
    assert r.fte_taak[0].tolist() == pytest.approx([0.5, 0.5, 1.0])
    # a: (0.5 + 0.5 + vast 0.1) × (1 + 0.5) = 1.65; b: 1.0 × 1 = 1.0
    assert r.fte_uitvoering[0].tolist() == pytest.approx([1.1, 1.0])
    assert r.fte[0].tolist() == pytest.approx([1.65, 1.0])
    assert r.fte_totaal[0] == pytest.approx(2.65)


def test_zero_volume_leaves_only_the_fixed_base(klein):
    r = bereken(klein, np.zeros((1, 2)))
    assert r.fte[0].tolist() == pytest.approx([0.1 * 1.5, 0.0])


def test_doubling_a_volume_doubles_that_taaks_fte(klein):
    r1 = bereken(klein, np.array([[100.0, 50.0]]))
    r2 = bereken(klein, np.array([[200.0, 50.0]]))
    # a1 and b1 use x; a2 uses y
    assert r2.fte_taak[0, 0] == pytest.approx(2 * r1.fte_taak[0, 0])
    assert r2.fte_taak[0, 2] == pytest.approx(2 * r1.fte_taak[0, 2])
    assert r2.fte_taak[0, 1] == pytest.approx(r1.fte_taak[0, 1])


def test_fte_is_affine_in_volume(klein):
    rng = np.random.default_rng(1)
    v1, v2 = rng.uniform(0, 500, (2, 7, 2))
    a, b = 0.3, 1.7
    f = lambda v: bereken(klein, v).fte_uitvoering  # noqa: E731
    vast = bereken(klein, np.zeros((7, 2))).fte_uitvoering
    # fte_uitvoering − vast is linear in the volume
    np.testing.assert_allclose(f(a * v1 + b * v2) - vast,
                               a * (f(v1) - vast) + b * (f(v2) - vast), rtol=1e-12)


def test_vectorised_over_gemeenten_equals_one_by_one(klein):
    rng = np.random.default_rng(2)
    volume = rng.uniform(0, 500, (50, 2))
    samen = bereken(klein, volume)
    for g in range(50):
        los = bereken(klein, volume[g : g + 1])
        np.testing.assert_allclose(samen.fte[g], los.fte[0], rtol=0, atol=0)


def test_leading_draw_axis_broadcasts(klein):
    """fte_arrays accepts a draws axis on the norm hours (used by the uncertainty model)."""
    volume = np.array([[100.0, 50.0], [10.0, 5.0]])
    uren = np.array([[3.0, 6.0, 10.0], [6.0, 12.0, 20.0]])  # 2 draws
    uit = fte_arrays(volume, uren, np.array([600.0, 1000.0]), np.array([0.1, 0.0]),
                     np.array([0.5, 0.0]), klein.taak_invoer_index, klein.taak_functie_index)
    assert uit["fte"].shape == (2, 2, 2)
    assert uit["fte"][0, 0].tolist() == pytest.approx([1.65, 1.0])
    # doubled hours double fte_uitvoering minus the fixed base
    assert uit["fte_uitvoering"][1, 0, 0] - 0.1 == pytest.approx(2 * (1.1 - 0.1))


def test_region_is_sum_of_members(klein):
    volume = np.array([[100.0, 50.0], [10.0, 5.0], [1.0, 1.0]])
    r = bereken(klein, volume)
    som = r.som([0, 2])
    np.testing.assert_allclose(som["fte"], r.fte[0] + r.fte[2])
    assert som["fte_totaal"] == pytest.approx(r.fte_totaal[0] + r.fte_totaal[2])


def test_wrong_number_of_invoer_columns_is_refused(klein):
    with pytest.raises(ValueError, match="invoer columns"):
        bereken(klein, np.zeros((1, 3)))


def test_fte_per_eenheid_kengetal(klein):
    r = bereken(klein, np.array([[100.0, 50.0], [0.0, 5.0]]))
    per = r.fte_per_eenheid("x", 1000.0)
    assert per.shape == (2, 3)
    # gemeente 0: a = 1.65 fte, b = 1.0, total 2.65 per 100 x → × 1000 / 100
    assert per[0].tolist() == pytest.approx([16.5, 10.0, 26.5])
    assert np.isnan(per[1]).all()  # x = 0: no kengetal, not inf
    alleen_b = r.fte_per_eenheid("y", 100.0, functies=[1])
    assert alleen_b[0] == pytest.approx(1.0 / 50 * 100)


def test_functie_regels_add_up_to_each_functie_with_vaste_basis_and_leiding_as_lines(klein):
    from formatie.model import bereken, functie_regels

    volume = np.array([[120.0, 30.0, 5.0, 2.0][: len(klein.invoer)]] * 2)
    res = bereken(klein, volume, ("0001", "0002"))
    regels = functie_regels(res, 1)
    for f, functie in enumerate(klein.functies):
        eigen = [r for r in regels if r.functie == functie.sleutel]
        assert [r.soort for r in eigen][-2:] == ["vast", "leiding"]
        assert sum(r.fte for r in eigen) == pytest.approx(res.fte[1, f], rel=1e-12)
        assert eigen[-1].fte == pytest.approx(functie.leiding * res.fte_uitvoering[1, f])


def test_verschil_is_bezetting_minus_need_so_a_shortage_is_negative():
    from formatie.model import verschil

    assert float(verschil(3.0, 7.82)) == pytest.approx(-4.82)


def test_a_region_of_groups_is_the_sum_of_its_groups_under_their_own_normensets(klein):
    from formatie.model import Groep, bereken, bereken_groepen, fte_per_functie

    anders = klein.met_uren({klein.taken[0].sleutel: klein.taken[0].uren * 2})
    a = np.array([[100.0, 20.0, 4.0, 1.0][: len(klein.invoer)]])
    b = np.array([[50.0, 10.0, 2.0, 3.0][: len(klein.invoer)]])
    totaal = fte_per_functie(bereken_groepen([Groep(klein, ("0001",), a),
                                              Groep(anders, ("0002",), b)]))
    los = bereken(klein, a).fte_totaal[0] + bereken(anders, b).fte_totaal[0]
    assert totaal["totaal"] == pytest.approx(los)
    assert totaal["totaal"] != pytest.approx(bereken(klein, np.vstack([a, b])).fte_totaal.sum())


def _met_functie_a(klein, **waarden):
    """``klein`` with functie a's parameters set as a stored set might hold them (the reader's
    bounds are not applied: figures and normensets stored before them)."""
    return replace(klein, functies=(replace(klein.functies[0], **waarden), klein.functies[1]))


@pytest.mark.parametrize(("contracturen", "verwacht"), [
    (5e-324, "geen eindig aantal fte"), (0.0, "geen eindig aantal fte"),
    (1e-300, "1,5 × 10³⁰² fte: meer dan 1.000.000 fte is geen bruikbare uitkomst")])
def test_a_non_finite_or_absurd_result_is_refused_naming_gemeente_and_functie(
        klein, contracturen, verwacht):
    """5e-324 contract hours made fte ∞, and the matrix product spread NaN to functie b."""
    n = _met_functie_a(klein, contracturen_per_fte=contracturen)
    with pytest.raises(RekenFout) as fout:
        bereken(n, np.array([[10.0, 5.0]]), ("0363",))
    bericht = str(fout.value)
    assert f"De berekening geeft voor gemeente 0363, functie 'Functie A', {verwacht}" in bericht
    assert "nan" not in bericht.lower() and "inf" not in bericht.lower()
    with pytest.raises(RekenFout):  # the arrays themselves, as the ranges and scenarios use
        fte_arrays(np.array([[10.0, 5.0]]), n.taak_uren, np.array([contracturen, 1000.0]) * 0,
                   np.zeros(2), np.zeros(2), n.taak_invoer_index, n.taak_functie_index)


def test_an_absurd_but_finite_result_is_refused_with_the_table_maximum(klein):
    n = _met_functie_a(klein, contracturen_per_fte=100.0, afwezigheid=0.5, indirect=0.6)
    # 1000 × 3 h / 20 casusuren = 150 fte: fine; 10⁸ units give 1,5 × 10⁷ fte
    assert bereken(n, np.array([[1000.0, 0.0]])).fte[0, 0] < FTE.max
    with pytest.raises(RekenFout) as fout:
        bereken(n, np.array([[1e8, 0.0]]), ("0363",))
    assert "meer dan 1.000.000 fte is geen bruikbare uitkomst" in str(fout.value)
    assert fout.value.problemen[0].bericht.startswith("De berekening geeft voor gemeente 0363")
