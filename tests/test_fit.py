"""formatie.fit: the covariate model of the estimates, fitted on published points."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formatie import fit
from formatie.normenset_toml import NORMEN, load_normenset, standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import (
    DATA,
    FIT_BESTAND,
    FitConfig,
    bases,
    fit_resultaat,
    geschatte_invoer,
    schattingsmodel,
)

CONFIG = FitConfig(grootheid="x", eenheid="aantal", leeftijd=(5, 18), kandidaten=("a",),
                   max_covariaten=1)


def _punt(gebied, y, verwacht, z=0.0, jaar="2020"):
    return fit.FitPunt(punt=f"{gebied}-{jaar}", gebied=gebied, gebiedcodes=(gebied,), jaar=jaar,
                       gepubliceerd=y, y=y, offset=math.log(verwacht), schaal=1.0, z={"a": z})


def _verhouding(y, X, off):
    """Intercept-only estimator with a closed form: exp(b0) = Σ y / Σ exp(offset)."""
    return fit.NB2(np.array([math.log(y.sum() / np.exp(off).sum())] + [0.0] * (X.shape[1] - 1)),
                   np.zeros(X.shape[1]), 0.0)


def test_leave_one_area_out_leaves_out_every_year_of_an_area_together():
    # areas A (two years), B, C; expected counts 10 each
    punten = [_punt("A", 20, 10, jaar="1"), _punt("A", 40, 10, jaar="2"), _punt("B", 10, 10),
              _punt("C", 30, 10)]
    voorspeld = fit.loo(punten, (), _verhouding)
    # A out: B + C = 40 on 20 expected → ×2 → 20 for each A year
    # B out: A + C = 90 on 30 → ×3 → 30;  C out: A + B = 70 on 30 → ×7/3 → 23,33
    assert voorspeld == pytest.approx([20, 20, 30, 70 / 3])
    fouten = fit.abs_log_fouten(voorspeld, punten)
    assert fouten == pytest.approx([0, math.log(2), math.log(3), math.log(30 / (70 / 3))])
    assert fit.mediaan(fouten) == pytest.approx((math.log(2) + math.log(30 / (70 / 3))) / 2)


def test_a_point_published_as_zero_has_no_log_error_and_leaves_the_median():
    punten = [_punt("A", 0, 10), _punt("B", 10, 10), _punt("C", 20, 10)]
    fouten = fit.abs_log_fouten(fit.loo(punten, (), _verhouding), punten)
    assert math.isnan(fouten[0]) and fit.mediaan(fouten) == pytest.approx(
        np.median(fouten[1:]))


def test_nb2_recovers_a_known_elasticity_and_its_loo_error_is_zero_on_exact_data():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 0.4, 12)
    verwacht = rng.uniform(50, 500, 12)
    y = verwacht * np.exp(0.2 + 0.8 * z)  # no noise: the model is exact
    punten = [_punt(f"g{i}", y[i], verwacht[i], z[i]) for i in range(12)]
    m = fit.nb2(np.array([p.y for p in punten]), fit._matrix(punten, ("a",)),
                np.array([p.offset for p in punten]), alpha=0.01)
    assert m.coef == pytest.approx([0.2, 0.8], abs=1e-6)

    def vast(y_, X_, o_):
        return fit.nb2(y_, X_, o_, alpha=0.01)
    assert fit.mediaan(fit.abs_log_fouten(fit.loo(punten, ("a",), vast), punten)) < 1e-5


def test_the_profile_likelihood_finds_the_overdispersion_of_simulated_nb2_counts():
    rng = np.random.default_rng(7)
    mu = np.full(400, 50.0)
    y = rng.negative_binomial(1 / 0.3, 1 / (1 + 0.3 * mu)).astype(float)  # NB2 with α = 0,3
    alpha = fit.profiel_alpha(y, np.ones((400, 1)), np.log(mu))
    assert 0.2 < alpha < 0.4


def test_the_smallest_candidate_within_the_margin_is_chosen():
    k = [fit.Kandidaat((), 0.50), fit.Kandidaat(("a",), 0.40), fit.Kandidaat(("b",), 0.41),
         fit.Kandidaat(("a", "b"), 0.39)]
    assert fit.kies(k, 0.02).covariaten == ("a",)  # 0.40 ≤ 0.39 + 0.02, fewer covariates
    assert fit.kies(k, 0.0).covariaten == ("a", "b")
    assert fit.kies(k, 0.2).covariaten == ()


def test_a_soort_with_too_few_points_gets_no_covariate():
    punten = [_punt(f"g{i}", 10 * (i + 1), 10, z=0.1 * i) for i in range(5)]
    s = fit.fit_soort("x", CONFIG, punten, 0.02, _verhouding, punten_per_covariaat=10)
    assert s.covariaten == () and [k.covariaten for k in s.kandidaten] == [()]


@pytest.fixture(scope="module")
def herfit_tekst():
    return fit.als_toml(fit.herfit(load_referentie()))


@pytest.mark.slow  # about 10 s (every candidate set × every area left out); make test runs it
def test_herfit_reproduces_the_shipped_fit_file(herfit_tekst):
    """`formatie herfit` on the shipped data writes exactly the shipped schatting_fit.toml."""
    assert herfit_tekst == Path(str(DATA / FIT_BESTAND)).read_text(encoding="utf-8")


def test_the_fit_covers_at_least_25_points_from_15_areas_and_reports_its_loo_error():
    f = fit_resultaat()
    assert f["totaal"]["punten"] >= 25 and f["totaal"]["gebieden"] >= 15
    assert 0 < f["totaal"]["loo_mediaan_abs_log_fout"] < 1
    for s in f["soort"].values():
        assert set(s["elasticiteit"]) == set(s["se"]) == set(s["covariaten"])
        assert all(x > 0 for x in s["se"].values())


def test_fitted_soorten_use_the_fitted_elasticities_and_the_others_keep_their_assumption():
    model = schattingsmodel()
    gefit = fit_resultaat()["soort"]
    for s in model.soorten:
        if s.sleutel in gefit:
            assert s.bron == "fit" and s.elasticiteit == gefit[s.sleutel]["elasticiteit"]
            assert "Geschat" in s.afleiding and "leave-one-out" in s.afleiding
        else:
            assert s.bron == "aanname" and "fit" not in s.afleiding.lower()
    langdurig = next(s for s in model.soorten if s.sleutel == "langdurig_verzuim")
    assert langdurig.elasticiteit == {} and "te weinig punten" in langdurig.afleiding
    assert next(s for s in model.soorten if s.sleutel == "luxe_verzuim").bron == "aanname"


def test_the_doorstroompunt_soort_holds_the_new_age_split_keys_and_tolerates_missing_ones():
    d = next(s for s in schattingsmodel().soorten if s.sleutel == "doorstroompunt")
    assert {"jongeren_zonder_startkwalificatie", "jongeren_zonder_startkwalificatie_18_22",
            "jongeren_zonder_startkwalificatie_23_26"} <= set(d.invoer)
    # 2026.3 has the new keys, 2026.2 only the old one: the estimate works for both
    for n in (standaard_normenset(), load_normenset(str(NORMEN / "standaard-2026-2.toml"))):
        sleutels = [s for s in d.invoer if s in n.invoer_sleutels]
        assert sleutels and all(s.startswith("jongeren_zonder") == (s in sleutels)
                                for s in sleutels if s.startswith("jongeren_zonder"))
        volume = geschatte_invoer(n, load_referentie())
        for s in sleutels:
            assert np.isfinite(volume[:, n.invoer_sleutels.index(s)]).all() and volume[
                :, n.invoer_sleutels.index(s)].sum() > 0, s


def test_national_sums_stay_the_flat_rate_times_the_national_base_with_the_fitted_factors():
    n, ref = standaard_normenset(), load_referentie()
    volume, alle = geschatte_invoer(n, ref), bases(ref)
    for j, i in enumerate(n.invoer):
        if i.schatting_basis is None:
            continue
        vlak = i.schatting_per_1000 / 1000 * alle[i.schatting_basis].sum()
        assert volume[:, j].sum() == pytest.approx(vlak, rel=1e-9), i.sleutel


def test_a_plain_bereken_imports_neither_statsmodels_nor_scipy_optimize(tmp_path):
    invoer = tmp_path / "invoer.csv"
    invoer.write_text("gemeentecode,leerplichtigen\n0363,1000\n", encoding="utf-8")
    code = (f"import sys; from formatie.cli import main; main(['bereken', {str(invoer)!r}]); "
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.startswith("
            "('statsmodels', 'scipy.optimize', 'pandas')))))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stderr.strip().endswith("[]"), r.stderr


@pytest.mark.slow  # a full refit, about 10 s
def test_formatie_herfit_writes_the_fit_where_told_and_reports_per_soort(tmp_path, capsys):
    from formatie.cli import main

    doel = tmp_path / "fit.toml"
    assert main(["herfit", "-o", str(doel)]) == 0
    assert doel.read_text(encoding="utf-8") == Path(str(DATA / FIT_BESTAND)).read_text(
        encoding="utf-8")
    err = capsys.readouterr().err
    assert "relatief_verzuim: 34 punten" in err and "leave-one-out" in err
