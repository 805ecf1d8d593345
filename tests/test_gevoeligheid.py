"""Tornado data: one-at-a-time swings of norms and volumes."""

import json

import numpy as np
import pytest

from formatie.gevoeligheid import tornado
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer


def test_hand_computed_swings(klein):
    # x = 100, y = 50 (spreiding geen). Norm a1: 2–4 h on 100 units, functie a: 600 casusuren per
    # fte, × 1,5 leiding → (4 − 2) × 100 / 600 × 1,5 = 0,5 fte swing.
    volume = np.array([[100.0, 50.0]])
    t = tornado(klein, volume, volume_methode="relatief", relatief=0.2)
    rij = {r.sleutel: r for r in t.rijen}
    assert rij["a1"].soort == "norm"
    assert rij["a1"].swing == pytest.approx(0.5)
    assert rij["a1"].fte_hoog - rij["a1"].fte_laag == pytest.approx(0.5)
    assert "a2" not in rij  # zero-width interval: no swing, left out
    # b1: 5–20 h on 100 units / 1000 casusuren → 1,5 fte
    assert rij["b1"].swing == pytest.approx(1.5)
    # volume x ±20 %: 2 × 20 units × (3 h / 600 × 1,5 + 10 h / 1000) = 0,7 fte
    assert rij["x"].soort == "volume" and rij["x"].swing == pytest.approx(0.7)
    assert rij["x"].waarde_laag == pytest.approx(80) and rij["x"].waarde_hoog == pytest.approx(120)
    assert [r.sleutel for r in t.rijen] == sorted(rij, key=lambda s: -rij[s].swing)
    assert t.centraal == pytest.approx(float(bereken(klein, volume).fte_totaal[0]))


def test_poisson_volume_swing_and_geen_stays_relative(klein):
    t = tornado(klein, np.array([[100.0, 50.0]]))
    rij = {r.sleutel: r for r in t.rijen}
    # Poisson(100): P10 = 87, P90 = 113
    assert (rij["x"].waarde_laag, rij["x"].waarde_hoog) == pytest.approx((87, 113))
    assert "Poisson" in rij["x"].toelichting
    assert rij["y"].waarde_laag == pytest.approx(40) and "20\u00a0%" in rij["y"].toelichting


def test_region_sums_gemeenten_and_per_functie_ranking():
    n = standaard_normenset()
    r = load_referentie()
    volume = geschatte_invoer(n, r)
    # a region of a large city: no member at the minimum formation, so every norm moves the fte
    regio = r.regio_per_gemeente[r.index["0363"]]
    leden = [i for i, c in enumerate(r.gemeentecodes) if r.regio_per_gemeente[i] == regio]
    t = tornado(n, volume, leden, gemeentecodes=r.gemeentecodes)
    assert t.gemeentecodes == tuple(r.gemeentecodes[i] for i in leden)
    assert t.centraal == pytest.approx(bereken(n, volume[leden]).fte_totaal.sum())
    swings = [x.swing for x in t.rijen]
    assert swings == sorted(swings, reverse=True) and len(t.rijen) > 20
    for x in t.rijen:  # per functie figures add up to the total
        assert x.fte_laag_functie.sum() == pytest.approx(x.fte_laag)
    alleen = tornado(n, volume, leden, functie="doorstroompunt")
    assert all(x.sleutel in {tk.sleutel for tk in n.taken_van("doorstroompunt")}
               or x.soort == "volume" for x in alleen.rijen)
    doc = t.als_dict(n=5)
    assert len(doc["rijen"]) == 5 and set(doc["rijen"][0]["functies"]) == set(n.functie_sleutels)
    json.dumps(doc)


def test_bad_arguments(klein):
    with pytest.raises(ValueError, match="volume_methode"):
        tornado(klein, np.ones((1, 2)), volume_methode="x")
    with pytest.raises(ValueError, match="relatief"):
        tornado(klein, np.ones((1, 2)), relatief=1.5)


def test_poisson_kwantiel_is_scipys_ppf_exactly():
    """The tornado's P10/P90 counts without scipy.stats: the same number as
    ``scipy.stats.poisson.ppf`` for whole and fractional means from 1e-6 to 3 million,
    exact ties (P(X ≤ 0) = 0,9 at mu = ln(10/9)) included."""
    from scipy.stats import poisson

    from formatie.gevoeligheid import poisson_kwantiel

    rng = np.random.default_rng(23)
    mus = np.concatenate([np.arange(1, 2001, dtype=float), rng.uniform(1e-3, 50, 800),
                          rng.uniform(50, 2e5, 300), rng.uniform(2e5, 3e6, 20),
                          [1e-6, np.log(10 / 9), np.log(10), 0.5]])
    for q in (0.1, 0.9):
        ons = np.array([poisson_kwantiel(q, mu) for mu in mus])
        np.testing.assert_array_equal(ons, poisson.ppf(q, mus))


def test_a_tornado_does_not_load_scipy_stats():
    """A fresh worker's first gevoeligheid page does not pay for importing scipy.stats."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from formatie.gevoeligheid import tornado\n"
            "from formatie.normenset_toml import standaard_normenset\n"
            "n = standaard_normenset()\n"
            "t = tornado(n, np.full((1, len(n.invoer)), 250.0), gemeentecodes=('0200',))\n"
            "assert t.rijen\n"
            "print('scipy.stats' in sys.modules)\n")
    uit = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert uit.stdout.strip() == "False", uit.stderr
