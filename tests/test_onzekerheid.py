"""Monte Carlo ranges: norm draws, volume noise, correlation, both methods, the CLI JSON."""

import dataclasses
import json

import numpy as np
import pytest

from formatie.cli import main
from formatie.model import Groep, bereken, casus_uren_per_fte, fte_arrays
from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import (
    PERCENTIELEN,
    TREKKINGEN,
    Z90,
    _percentielen,
    bereik,
    bereik_groepen,
    dekkingsaandeel,
    dekkingszin,
    fte_per_eenheid,
    normuren_uit_z,
    trek_normuren,
    voeg_bereik_toe,
)
from formatie.parameters import UREN
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer


def vast(normenset):
    """The normenset with every norm fixed at its central hours (zero-width intervals)."""
    taken = tuple(dataclasses.replace(t, uren_laag=t.uren, uren_hoog=t.uren)
                  for t in normenset.taken)
    return dataclasses.replace(normenset, taken=taken)


def test_norm_draw_hits_p10_p50_p90(klein):
    z = np.array([-Z90, 0.0, Z90])[:, None] * np.ones(len(klein.taken))
    uren = normuren_uit_z(klein, z)
    assert uren[0] == pytest.approx(klein.taak_uren_laag)
    assert uren[1] == pytest.approx(klein.taak_uren)
    assert uren[2] == pytest.approx(klein.taak_uren_hoog)
    # a2 has a zero-width interval: always 6 hours
    assert np.all(normuren_uit_z(klein, np.linspace(-5, 5, 11)[:, None] * np.ones(3))[:, 1] == 6)


def test_norm_draws_are_monotone_in_z():
    n = standaard_normenset()
    z = np.linspace(-6, 6, 241)[:, None] * np.ones(len(n.taken))
    uren = normuren_uit_z(n, z)
    assert np.all(np.diff(uren, axis=0) >= 0) and np.all(uren >= 0)


def test_norm_draws_empirical_percentiles():
    n = standaard_normenset()
    uren = trek_normuren(n, np.random.default_rng(3), 200_000)
    q = np.quantile(uren, [0.1, 0.5, 0.9], axis=0)
    assert q[0] == pytest.approx(n.taak_uren_laag, rel=0.02)
    assert q[1] == pytest.approx(n.taak_uren, rel=0.02)
    assert q[2] == pytest.approx(n.taak_uren_hoog, rel=0.02)
    assert (uren >= 0).all()


def test_zero_lower_bound_uses_clipped_normal_piece(klein):
    taken = (dataclasses.replace(klein.taken[0], uren_laag=0.0), *klein.taken[1:])
    n = dataclasses.replace(klein, taken=taken)
    uren = trek_normuren(n, np.random.default_rng(1), 100_000)[:, 0]
    assert np.isfinite(uren).all() and uren.min() >= 0
    assert np.quantile(uren, 0.1) == pytest.approx(0.0, abs=0.05)
    assert np.quantile(uren, 0.9) == pytest.approx(4.0, rel=0.02)


def test_affine_form_is_the_model(klein):
    rng = np.random.default_rng(5)
    for n in (klein, standaard_normenset()):
        uren = trek_normuren(n, rng, 7)  # (7, K)
        volume = rng.uniform(0, 500, size=(7, 4, len(n.invoer)))
        basis, per_eenheid = fte_per_eenheid(n, uren)
        verwacht = fte_arrays(volume, uren, casus_uren_per_fte(n), n.functie_parameter("vast_fte"),
                              n.functie_parameter("leiding"), n.taak_invoer_index,
                              n.taak_functie_index)["fte"]
        assert basis + volume @ per_eenheid == pytest.approx(verwacht)


def test_same_seed_same_numbers(klein):
    volume = np.array([[100.0, 50.0], [3.0, 1.0]])
    a = bereik(klein, volume, np.random.default_rng(42), 2000)
    b = bereik(klein, volume, np.random.default_rng(42), 2000)
    c = bereik(klein, volume, np.random.default_rng(43), 2000)
    assert np.array_equal(a.fte, b.fte) and np.array_equal(a.regio_totaal, b.regio_totaal)
    assert not np.array_equal(a.fte, c.fte)
    for methode in ("exact", "momenten"):
        x = bereik(klein, volume, np.random.default_rng(1), 1500, methode=methode, blok=400)
        y = bereik(klein, volume, np.random.default_rng(1), 1500, methode=methode, blok=400)
        assert np.array_equal(x.fte_totaal, y.fte_totaal)


def test_central_is_the_deterministic_model(klein):
    volume = np.array([[100.0, 50.0], [0.0, 0.0]])
    b = bereik(klein, volume, np.random.default_rng(0), 500)
    r = bereken(klein, volume)
    assert b.centraal == pytest.approx(r.fte)
    assert b.centraal_totaal == pytest.approx(r.fte_totaal)
    assert b.totaal_centraal == pytest.approx(r.fte.sum(axis=0))
    rijen = b.rijen()
    assert len(rijen) == 2 * 3 and rijen[2]["functie"] == "totaal"
    assert rijen[0]["centraal"] == pytest.approx(r.fte[0, 0])
    assert set(rijen[0]) == {"gemeentecode", "functie", "centraal", "p10", "p50", "p80", "p90"}
    # percentiles are ordered
    assert np.all(np.diff(b.fte, axis=0) >= -1e-9)
    assert np.all(np.diff(b.fte_totaal, axis=0) >= -1e-9)


def test_nothing_uncertain_gives_a_point(klein):
    # fixed norms, and volume 0 (or spreiding "geen") cannot vary: every percentile = centre
    volume = np.array([[0.0, 50.0]])
    b = bereik(vast(klein), volume, np.random.default_rng(0), 300)
    for p in range(4):
        assert b.fte[p] == pytest.approx(b.centraal, rel=1e-6)


@pytest.mark.parametrize("methode", ["exact", "momenten"])
def test_poisson_volume_noise_has_the_right_variance(klein, methode):
    # norms fixed; x ~ Poisson(40) drives a1 (3 h) and b1 (10 h): var(fte_b) = 40 × (10/1000)²
    n = vast(klein)
    b = bereik(n, np.array([[40.0, 0.0]]), np.random.default_rng(9), 40_000, methode=methode,
               bewaar_trekkingen=True)
    fte_b = b.trekkingen_fte[:, 0, 1].astype(float)
    assert fte_b.mean() == pytest.approx(0.4, rel=0.01)
    assert fte_b.var() == pytest.approx(40 * 0.01**2, rel=0.05)
    # a and b share invoer x, so their draws move together (drawn exactly in both methods)
    assert np.corrcoef(b.trekkingen_fte[:, 0, 0], fte_b)[0, 1] > 0.99


def test_methods_agree_on_the_default_normenset():
    n = standaard_normenset()
    r = load_referentie()
    volume = geschatte_invoer(n, r)
    kies = [0, 50, int(np.argmin(volume[:, 0])), int(np.argmax(volume[:, 0]))]
    exact = bereik(n, volume[kies], np.random.default_rng(1), 20_000, methode="exact")
    momenten = bereik(n, volume[kies], np.random.default_rng(2), 20_000, methode="momenten")
    # within 2 %, or 0,005 fte (9 hours) for the tiniest gemeente's Doorstroompunt, where a few
    # trajecten of 35 hours make a very skewed count that three moments match less closely
    assert momenten.fte == pytest.approx(exact.fte, rel=0.02, abs=0.005)
    assert momenten.fte_totaal == pytest.approx(exact.fte_totaal, rel=0.02, abs=0.005)


def test_skew_of_small_volumes_matches_exact_draws(klein):
    # a tiny gemeente: x ~ Poisson(2) is strongly skewed; only functie b's noise is approximated
    # when x feeds a single functie, so drop taak a1 to force the moment method
    n = vast(dataclasses.replace(klein, taken=klein.taken[1:]))
    volume = np.array([[2.0, 0.0]])
    e = bereik(n, volume, np.random.default_rng(1), 50_000, methode="exact",
               bewaar_trekkingen=True)
    m = bereik(n, volume, np.random.default_rng(1), 50_000, methode="momenten",
               bewaar_trekkingen=True)
    de, dm = (x.trekkingen_fte[:, 0, 1].astype(float) for x in (e, m))
    assert dm.mean() == pytest.approx(de.mean(), rel=0.02)
    assert dm.std() == pytest.approx(de.std(), rel=0.03)
    assert dm.min() >= -1e-6  # never fewer than 0 cases
    skew = lambda x: np.mean((x - x.mean()) ** 3) / x.std() ** 3  # noqa: E731
    assert skew(dm) == pytest.approx(skew(de), rel=0.15)


def test_norm_draws_are_shared_so_regions_are_not_narrow(klein):
    # two identical large gemeenten in one region: Poisson noise negligible, norm noise shared,
    # so the region's range is twice one gemeente's (independent norms would give √2 ×)
    volume = np.array([[1e6, 0.0], [1e6, 0.0]])
    b = bereik(klein, volume, np.random.default_rng(4), 5000, regio_index=np.array(["R", "R"]))
    breedte_g = b.fte_totaal[3, 0] - b.fte_totaal[0, 0]
    breedte_r = b.regio_totaal[3, 0] - b.regio_totaal[0, 0]
    assert breedte_r == pytest.approx(2 * breedte_g, rel=0.01)
    assert b.regio_labels == ("R",)
    assert b.totaal_totaal == pytest.approx(b.regio_totaal[:, 0])


def test_negative_binomial_dispersion_widens_the_range(klein):
    n = vast(klein)
    volume = np.array([[100.0, 0.0]])
    p = bereik(n, volume, np.random.default_rng(1), 20_000, methode="exact")
    nb = bereik(n, volume, np.random.default_rng(1), 20_000, methode="exact",
                dispersie=np.array([[0.1, 0.0]]), bewaar_trekkingen=True)
    nbm = bereik(n, volume, np.random.default_rng(1), 20_000, methode="momenten",
                 dispersie=np.array([[0.1, 0.0]]))
    assert nb.fte_totaal[3, 0] - nb.fte_totaal[0, 0] > 2 * (p.fte_totaal[3, 0] - p.fte_totaal[0, 0])
    # var = μ + αμ² = 100 + 1000
    fte_b = nb.trekkingen_fte[:, 0, 1].astype(float)
    assert fte_b.var() == pytest.approx(1100 * 0.01**2, rel=0.06)
    assert nbm.fte_totaal == pytest.approx(nb.fte_totaal, rel=0.03)


def test_bad_arguments(klein):
    with pytest.raises(ValueError, match="invoer columns"):
        bereik(klein, np.ones((1, 3)), np.random.default_rng(0), 10)
    with pytest.raises(ValueError, match="dispersie"):
        bereik(klein, np.ones((1, 2)), np.random.default_rng(0), 10, dispersie=-np.ones((1, 2)))
    with pytest.raises(ValueError, match="methode"):
        bereik(klein, np.ones((1, 2)), np.random.default_rng(0), 10, methode="snel")


def test_dekkingszin():
    draws = np.arange(1, 11, dtype=float)  # 1 … 10 fte
    assert dekkingsaandeel(8.0, draws) == pytest.approx(0.8)
    assert dekkingszin(8.0, draws) == "Met 8,0 fte is de werklast in 8 van de 10 jaren gedekt."
    assert dekkingszin(7.49, np.linspace(0, 10, 1001)) == (
        "Met 7,5 fte is de werklast in 7 van de 10 jaren gedekt.")
    # never a certainty the draws do not give (issue 22): all covered is "meer dan 9"
    assert dekkingszin(100, draws).endswith("in meer dan 9 van de 10 jaren gedekt.")
    assert dekkingszin(9.6, np.linspace(0, 10, 1001)).endswith("in meer dan 9 van de 10 jaren "
                                                              "gedekt.")
    assert dekkingszin(0.0, draws).endswith("in minder dan 1 van de 10 jaren gedekt.")
    assert dekkingszin(1234.5, draws).startswith("Met 1.234,5 fte")


def test_voeg_bereik_toe_structure(klein):
    uit = {"gemeenten": [
        {"gemeentecode": "0363", "regio": "MC01", "functies": {"a": {}, "b": {}}},
        {"gemeentecode": "0014", "regio": "MC02", "functies": {"a": {}, "b": {}}},
    ], "totaal": {}}
    b = voeg_bereik_toe(uit, klein, np.array([[100.0, 50.0], [10.0, 5.0]]))
    g = uit["gemeenten"][0]
    assert set(g["functies"]["a"]["bereik"]) == {"p10", "p50", "p80", "p90"}
    assert set(g["bereik_totaal"]) == {"p10", "p50", "p80", "p90"}
    assert uit["onzekerheid"]["trekkingen"] == TREKKINGEN and uit["onzekerheid"]["budget"] == "p80"
    assert set(uit["onzekerheid"]["regios"]) == {"MC01", "MC02"}
    regio = uit["onzekerheid"]["regios"]["MC01"]
    assert regio["fte_totaal"] == pytest.approx(float(b.centraal_totaal[0]))
    assert regio["bereik_totaal"] == g["bereik_totaal"]  # one gemeente in MC01
    assert set(regio["functies"]["a"]) == {"fte", "bereik"}
    assert uit["totaal"]["bereik_totaal"]["p50"] == pytest.approx(float(b.totaal_totaal[1]))
    json.dumps(uit)


def test_cli_onzekerheid(capsys, data_dir, tmp_path):
    invoer = tmp_path / "in.csv"
    invoer.write_text("gemeentecode,x,y\n0363,100,50\n0014,20,5\n")
    args = ["calculate", str(invoer), "--normen", str(data_dir / "klein.toml"), "--format",
            "json", "--onzekerheid"]
    assert main(args) == 0
    een = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    twee = json.loads(capsys.readouterr().out)
    assert een == twee  # the draws follow from the inputs
    ams = een["gemeenten"][0]
    bereik_a = ams["functies"]["a"]["bereik"]
    assert bereik_a["p10"] < ams["functies"]["a"]["fte"] < bereik_a["p90"]
    assert bereik_a["p10"] <= bereik_a["p50"] <= bereik_a["p80"] <= bereik_a["p90"]
    assert ams["bereik_totaal"]["p10"] < ams["fte_totaal"] < ams["bereik_totaal"]["p90"]


def test_cli_no_longer_takes_a_seed_or_a_number_of_draws(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["calculate", "--landelijk", "--format", "json", "--onzekerheid",
              "--trekkingen", "500"])
    assert exit_.value.code == 2


@pytest.mark.parametrize("n", [1, 2, 7, 1001])
def test_percentiles_match_numpy_quantile(n):
    x = np.random.default_rng(n).standard_normal((3, 2, n)).astype(np.float32)
    verwacht = np.quantile(x.astype(float), PERCENTIELEN, axis=-1)
    assert _percentielen(x) == pytest.approx(verwacht, rel=1e-6, abs=1e-7)


# ----- the one policy: the draws follow from the inputs ------------------------------------


def _landelijk():
    n, r = standaard_normenset(), load_referentie()
    return n, r, geschatte_invoer(n, r)


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_a_gemeente_has_the_same_p_values_alone_as_in_a_national_run():
    n, r, volume = _landelijk()
    alle = bereik(n, volume, gemeentecodes=r.gemeentecodes)
    for code in ("0363", "0014", "1680"):
        g = r.index[code]
        alleen = bereik(n, volume[g:g + 1], gemeentecodes=(code,))
        np.testing.assert_allclose(alleen.fte[:, 0], alle.fte[:, g], rtol=1e-6)
        np.testing.assert_allclose(alleen.fte_totaal[:, 0], alle.fte_totaal[:, g], rtol=1e-6)


def test_a_region_with_one_gemeente_has_exactly_that_gemeentes_p_values():
    n, r, volume = _landelijk()
    g = r.index["0200"]
    gemeente = bereik(n, volume[g:g + 1], gemeentecodes=("0200",))
    regio = bereik(n, volume[g:g + 1], gemeentecodes=("0200",), regio_index=["MC11"])
    assert np.array_equal(regio.regio_totaal[:, 0], gemeente.fte_totaal[:, 0])
    assert np.array_equal(regio.regio_fte[:, 0], gemeente.fte[:, 0])
    groepen = bereik_groepen([Groep(n, ("0200",), volume[g:g + 1])])
    assert np.array_equal(groepen.totaal, gemeente.fte_totaal[:, 0])


def test_identical_inputs_give_identical_p_values_in_every_call():
    n, r, volume = _landelijk()
    een = bereik(n, volume[:5], gemeentecodes=r.gemeentecodes[:5])
    twee = bereik(n, volume[:5].copy(), gemeentecodes=r.gemeentecodes[:5])
    assert np.array_equal(een.fte, twee.fte) and een.trekkingen == TREKKINGEN


def test_a_region_of_two_normensets_sums_the_draws_its_gemeenten_show():
    n, r, volume = _landelijk()
    taak = n.taken[0].sleutel
    anders = n.met_uren({taak: n.taken[0].uren * 1.5})
    a, b = r.index["0200"], r.index["0202"]
    groepen = bereik_groepen([Groep(n, ("0200",), volume[a:a + 1]),
                              Groep(anders, ("0202",), volume[b:b + 1])])
    los_a = bereik(n, volume[a:a + 1], gemeentecodes=("0200",), bewaar_trekkingen=True)
    los_b = bereik(anders, volume[b:b + 1], gemeentecodes=("0202",), bewaar_trekkingen=True)
    som = los_a.trekkingen_totaal(0) + los_b.trekkingen_totaal(0)
    np.testing.assert_allclose(groepen.trekkingen_totaal, som, rtol=1e-12)
    assert groepen.centraal_totaal == pytest.approx(
        float(los_a.centraal_totaal[0] + los_b.centraal_totaal[0]))
    assert groepen.totaal[0] < groepen.centraal_totaal < groepen.totaal[3]


def test_a_scenario_that_lowers_a_norm_moves_its_interval_and_never_raises_p80():
    n, r, volume = _landelijk()
    g = r.index["0363"]
    taak = max(n.taken, key=lambda t: t.uren)
    lager = n.met_uren({taak.sleutel: taak.uren * 0.8})
    nieuw = lager.taak(taak.sleutel)
    assert nieuw.uren_laag == pytest.approx(taak.uren_laag * 0.8)
    assert nieuw.uren_hoog == pytest.approx(taak.uren_hoog * 0.8)
    basis = bereik(n, volume[g:g + 1], gemeentecodes=("0363",))
    scenario = bereik(lager, volume[g:g + 1], gemeentecodes=("0363",))
    daling_centraal = basis.centraal_totaal[0] - scenario.centraal_totaal[0]
    daling_p80 = basis.fte_totaal[2, 0] - scenario.fte_totaal[2, 0]
    assert daling_p80 > 0.5 * daling_centraal > 0


def test_json_never_holds_nan_or_infinity():
    from formatie.uitvoer import als_json

    tekst = als_json({"a": float("nan"), "b": [np.float64("inf"), 1.5], "c": np.array([2.0])})
    assert json.loads(tekst) == {"a": None, "b": [None, 1.5], "c": [2.0]}


@pytest.mark.parametrize("uren", [5e-324, 1e-300, 1e-6])
def test_norm_draws_stay_within_the_hours_bound_from_a_tiny_centre(klein, uren):
    """A tiny central value with a wide interval (laag 0, hoog 2.000) drew hours past any
    float (∞ → NaN percentiles); a draw now stays within the table's range for hours."""
    taken = tuple(dataclasses.replace(t, uren=uren, uren_laag=uren / 2, uren_hoog=2000.0)
                  for t in klein.taken)
    n = dataclasses.replace(klein, taken=taken)
    z = np.linspace(-6, 6, 101)[:, None] * np.ones((1, len(taken)))
    getrokken = normuren_uit_z(n, z)
    assert np.isfinite(getrokken).all() and (getrokken >= 0).all()
    assert getrokken.max() == UREN.max
    b = bereik(n, np.array([[1000.0, 500.0]]), gemeentecodes=("0363",))
    assert np.isfinite(b.fte).all() and np.isfinite(b.totaal_totaal).all()


# ----- the policy's per-gemeente streams ----------------------------------------------------


def test_a_gemeentes_stream_depends_only_on_its_code_and_the_draw_number():
    from formatie.stromen import Stromen

    codes = ("0363", "0014", "1680", "0200")
    alle = Stromen.van(codes, 4)
    blok = alle.normalen(0, 1000, 3)
    assert blok.shape == (4, 1000, 3) and blok.dtype == np.float32
    # another block boundary, another set of gemeenten, another order: the same draws
    assert np.array_equal(alle.normalen(400, 1000, 3), blok[:, 400:])
    alleen = Stromen.van(("1680",), 1).normalen(0, 1000, 3)
    assert np.array_equal(alleen[0], blok[2])
    omgekeerd = Stromen.van(codes[::-1], 4).normalen(0, 1000, 3)
    assert np.array_equal(omgekeerd[::-1], blok)


def test_the_policy_streams_are_independent_standard_normal_scores():
    from formatie.stromen import Stromen

    z = Stromen.van(tuple(f"{g:04d}" for g in range(200)), 200).normalen(0, 5000, 2)
    x = z.astype(float).ravel()
    assert abs(x.mean()) < 0.005 and x.std() == pytest.approx(1.0, abs=0.005)
    assert np.quantile(x, [0.1, 0.5, 0.9]) == pytest.approx([-Z90, 0.0, Z90], abs=0.01)
    # no correlation between functies, neighbouring gemeenten or consecutive draws
    assert abs(np.corrcoef(z[:, :, 0].ravel(), z[:, :, 1].ravel())[0, 1]) < 0.005
    assert abs(np.corrcoef(z[:-1].ravel(), z[1:].ravel())[0, 1]) < 0.005
    assert abs(np.corrcoef(z[:, :-1].ravel(), z[:, 1:].ravel())[0, 1]) < 0.005


def test_the_policy_draws_exact_counts_with_the_right_mean_and_variance():
    from formatie.stromen import Stromen

    stromen = Stromen.van(("0363", "0014"), 2)
    mu, alfa = np.array([3.0, 40.0, 40.0]), np.array([0.0, 0.0, 0.1])
    g_idx, i_idx = np.array([0, 0, 1]), np.array([0, 1, 1])
    tellingen = stromen.tellingen(mu, alfa, g_idx, i_idx, 2, 0, 40_000)
    assert np.array_equal(tellingen, np.round(tellingen)) and (tellingen >= 0).all()
    assert tellingen.mean(axis=0) == pytest.approx(mu, rel=0.02)
    assert tellingen.var(axis=0) == pytest.approx(mu + alfa * mu**2, rel=0.05)
    assert np.array_equal(stromen.tellingen(mu, alfa, g_idx, i_idx, 2, 100, 200),
                          tellingen[100:200])


def test_exactly_drawn_counts_of_a_gemeente_do_not_depend_on_the_others(klein):
    # in `klein`, invoer x feeds taken of both functies: drawn exactly on the policy path
    volume = np.array([[100.0, 50.0], [20.0, 5.0], [7.0, 1.0]])
    codes = ("0363", "0014", "1680")
    samen = bereik(klein, volume, gemeentecodes=codes, bewaar_trekkingen=True)
    alleen = bereik(klein, volume[1:2], gemeentecodes=codes[1:2], bewaar_trekkingen=True)
    # the same counts; float32 products may round differently for another number of rows
    np.testing.assert_allclose(samen.trekkingen_fte[:, 1], alleen.trekkingen_fte[:, 0],
                               rtol=1e-6)
    np.testing.assert_allclose(samen.fte[:, 1], alleen.fte[:, 0], rtol=1e-6)
