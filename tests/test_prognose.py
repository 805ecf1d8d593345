"""Forecasts: trend recovery, over-dispersion, damping, interval coverage on simulated series."""

import json

import numpy as np
import pytest

from formatie.normenset_toml import standaard_normenset
from formatie.onzekerheid import bereik
from formatie.prognose import MAX_GROEI, prognose, prognose_reeksen

JAREN = np.arange(2020, 2025)


def dekking(p, werkelijk):
    return float(np.mean((werkelijk >= p.p10[:, 0]) & (werkelijk <= p.p90[:, 0])))


def test_fewer_than_three_years_gives_no_trend():
    p = prognose([2023, 2024], [10, 12])
    assert not p.heeft_trend and p.model == "geen trend"
    assert "minstens 3" in p.reden and "2 jaar" in p.reden
    assert list(p.prognose_jaren) == [2025, 2026, 2027]
    assert p.verwacht == pytest.approx([12, 12, 12])
    assert p.p10[0] < 12 < p.p90[0]
    # missing years count as missing: 2 observed of 5
    p = prognose(JAREN, [np.nan, 7, np.nan, np.nan, 9])
    assert not p.heeft_trend and p.verwacht[0] == 9
    p = prognose(JAREN, [0, 0, 0, 0, 0])
    assert not p.heeft_trend and "alle waarden zijn 0" in p.reden
    json.dumps(p.als_dict())


def test_exact_exponential_series():
    p = prognose(JAREN, 100 * 1.1 ** np.arange(5), horizon=2)
    assert p.heeft_trend and p.model == "poisson" and not p.gedempt
    assert p.groei == pytest.approx(1.1, rel=1e-6)
    assert p.verwacht == pytest.approx(100 * 1.1 ** np.array([5, 6]), rel=1e-6)
    assert list(p.prognose_jaren) == [2025, 2026]


def test_gaps_and_order_do_not_matter():
    jaren = np.array([2024, 2020, 2022, 2021])
    waarden = 400 * 1.05 ** (jaren - 2020)
    p = prognose(jaren, waarden, horizon=1)
    assert p.groei == pytest.approx(1.05, rel=1e-6)
    assert not p.gedempt and p.verwacht[0] == pytest.approx(400 * 1.05**5, rel=1e-6)
    assert list(p.jaren) == [2020, 2021, 2022, 2024]


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_trend_recovered_and_coverage_on_poisson_series():
    rng = np.random.default_rng(1)
    mu = 50 * 1.08 ** np.arange(6)
    y = rng.poisson(mu, size=(3000, 6)).astype(float)
    p = prognose_reeksen(JAREN, y[:, :5], horizon=1, rng=np.random.default_rng(2))
    assert np.median(p.groei) == pytest.approx(1.08, abs=0.01)
    assert 0.75 <= dekking(p, y[:, 5]) <= 0.90
    assert np.mean(p.model == "poisson") > 0.7  # few false alarms of over-dispersion


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_over_dispersion_gives_negative_binomial_and_keeps_coverage():
    rng = np.random.default_rng(3)
    alfa, mu = 0.1, 100 * 1.05 ** np.arange(6)
    y = rng.poisson(rng.gamma(1 / alfa, alfa * mu, size=(3000, 6))).astype(float)
    p = prognose_reeksen(JAREN, y[:, :5], horizon=1, rng=np.random.default_rng(4))
    assert np.mean(p.model == "negatief-binomiaal") > 0.9
    assert 0.04 < np.median(p.dispersie[p.dispersie > 0]) < 0.2
    assert 0.75 <= dekking(p, y[:, 5]) <= 0.90
    assert np.median(p.groei) == pytest.approx(1.05, abs=0.02)


def test_weak_trend_is_damped():
    vlak = prognose(JAREN, [100, 96, 104, 99, 103], horizon=3)
    assert vlak.gedempt and vlak.demping == 0.8
    sterk = prognose(JAREN, [100, 130, 170, 220, 290], horizon=3)
    assert not sterk.gedempt
    nooit = prognose(JAREN, [100, 96, 104, 99, 103], horizon=3, demping=None)
    assert not nooit.gedempt
    # damping pulls a projection towards the last fitted level
    groei = np.log(vlak.groei)
    assert abs(np.log(vlak.verwacht[2] / vlak.verwacht[0])) < abs(groei) * 2


def test_seeded_and_vectorised_over_gemeenten_and_invoer():
    rng = np.random.default_rng(5)
    historie = rng.poisson(30, size=(4, 3, 5)).astype(float)  # (G, I, jaren)
    een = prognose_reeksen(JAREN, historie, rng=np.random.default_rng(1))
    twee = prognose_reeksen(JAREN, historie, rng=np.random.default_rng(1))
    assert een.verwacht.shape == (4, 3, 3) and een.dispersie.shape == (4, 3)
    assert np.array_equal(een.p10, twee.p10) and np.array_equal(een.p90, twee.p90)
    los = prognose(JAREN, historie[2, 1], rng=np.random.default_rng(9))
    assert los.groei == pytest.approx(een.reeks(2, 1).groei)
    assert los.verwacht == pytest.approx(een.reeks(2, 1).verwacht)


def test_forecast_feeds_the_ranges():
    n = standaard_normenset()
    rng = np.random.default_rng(6)
    historie = rng.poisson(rng.gamma(10, 5, size=(2, len(n.invoer), 1)) * np.ones(5))
    p = prognose_reeksen(JAREN, historie.astype(float), horizon=2, rng=rng)
    volume, dispersie = p.voor_jaar(2026)
    assert volume.shape == dispersie.shape == (2, len(n.invoer))
    assert volume == pytest.approx(p.verwacht[..., 1])
    b = bereik(n, volume, np.random.default_rng(1), 2000, dispersie=dispersie)
    assert b.fte.shape == (4, 2, 2)
    with pytest.raises(ValueError, match="geen prognose voor 2030"):
        p.voor_jaar(2030)


def test_bad_input():
    with pytest.raises(ValueError, match="len"):
        prognose([2020, 2021], [1, 2, 3])
    with pytest.raises(ValueError, match="unique"):
        prognose([2020, 2020, 2021], [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        prognose([2020, 2021, 2022], [1, np.inf, 3])
    with pytest.raises(ValueError, match="≥ 0"):
        prognose([2020, 2021, 2022], [1, -2, 3])


def test_series_without_any_figures_beside_a_real_one():
    """An empty series in a batch says 'geen trend' and raises no numeric warning."""
    waarden = np.full((2, 5), np.nan)
    waarden[0] = [10, 12, 15, 18, 22]
    reeksen = prognose_reeksen(np.arange(2021, 2026), waarden, rng=np.random.default_rng(1))
    assert reeksen.reeks(0).heeft_trend
    leeg = reeksen.reeks(1)
    assert not leeg.heeft_trend and "0 jaar" in leeg.reden


def test_a_series_with_zeros_before_its_only_count_gets_a_bounded_trend():
    """0, 0, 0, 1 has no finite maximum-likelihood slope: the fit ran off to a forecast of
    10¹³ (a 422 on the prognose and begroting pages for valid figures). Bounded at ×2 a year,
    refitted, and said in Dutch; an ordinary series is untouched."""
    r = prognose_reeksen([2023, 2024, 2025, 2026],
                         np.array([[0, 0, 0, 1.0], [5, 0, 0, 0], [10, 12, 14, 17]]), 3)
    assert r.begrensd.tolist() == [True, True, False]
    assert r.groei[0] == pytest.approx(MAX_GROEI) and r.groei[1] == pytest.approx(1 / MAX_GROEI)
    assert np.all(r.verwacht[0] <= MAX_GROEI ** np.arange(1, 4) * 1.01)
    assert np.all(r.p90[0] <= 1 * MAX_GROEI ** 3 * 4)  # a handful, not 10¹³
    assert "verdubbeling" in r.reden[0] and "halvering" in r.reden[1]
    assert r.reden[2] is None and not r.begrensd[2]
    assert r.reeks(0).als_dict()["begrensd"] is True
