"""The covariate model of the estimates, fitted on published points (``formatie herfit``).

Per *soort* invoer with a ``[soort.X.fit]`` table in ``formatie/data/schatting.toml``, the
published rows of ``referentiepunten.csv`` with ``gebruik = "fit"`` and that table's
``grootheid`` are the data. Each is a rate (per 1.000 or per cent) or a count for one area (a
gemeente, a group, an RMC region) and one year; the ``landelijk`` row of the same grootheid and
year is its comparator. For area a:

    y_a      = the published figure as a count: rate × B_a (B_a the area's population at risk,
               single years of age ``leeftijd`` from :func:`formatie.doelgroepen.leeftijdsjaren`),
               or the count itself;
    offset_a = log(B_a × national rate of that year)   (for a count: B_a × N_NL / B_NL);
    y_a ~ NB2(μ_a, α),   log μ_a = offset_a + β₀ + Σ_k β_k z_ak,
    z_ak     = log(x_ak / x_k,landelijk)  (the "rest" form: log((100 − x) / (100 − x_landelijk))),

with x_ak the area's covariate (for a group of gemeenten the B-weighted mean of its members).
β_k is then exactly the elasticity :mod:`formatie.schatting` uses,
``factor = clip(h × Π (x / x_landelijk) ** β)``; β₀ (the level against the national value) is
reported but not used: the herweging h keeps every national sum at the normenset's flat rate,
which rests on the national series.

Covariates are chosen per soort by leave-one-area-out (LOO) error: every subset of the candidate
covariates up to ``max_covariaten`` is fitted with each area left out in turn (all its years), the
left-out points are predicted, and the error is the median over points of |log(predicted /
published)| (points published as 0 have no log error and are left out of the median). The
smallest subset whose LOO error is within ``marge`` of the best is taken (ties: lower error, then
file order); a soort gets at most one covariate per ``punten_per_covariaat`` points. The chosen
model is refitted on all points for coefficients and standard errors.

α (the NB2 overdispersion) is found by golden-section search on the profile likelihood, the
coefficients by IRLS: deterministic, so a rerun gives the same file. statsmodels is imported only
inside :func:`_glm` (the refit), so start-up never loads it. The
result is written as TOML (:func:`als_toml`), rounded so that a rerun gives the same file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from .doelgroepen import leeftijdsjaren
from .referentie import Referentie
from .schatting import Covariaat, FitConfig, covariaat_waarden, landelijk, schattingsmodel
from .validatie import Cijfer, lees_referentiepunten

#: Significant digits written to schatting_fit.toml (reruns on other machines give the same file).
CIJFERS = 6


@dataclass(frozen=True)
class FitPunt:
    """One published point prepared for the fit."""

    punt: str
    gebied: str
    gebiedcodes: tuple[str, ...]
    jaar: str
    gepubliceerd: float  # as published (rate or count)
    y: float  # as a count
    offset: float  # log of the count at the national rate
    schaal: float  # published value = count × schaal
    z: dict[str, float]  # covariate key → log ratio to the national value (NaN if missing)


def _lid_indices(codes: tuple[str, ...], referentie: Referentie) -> list[int]:
    """Gemeente indices of an area: gemeentecodes or MCxx region codes."""
    index = referentie.index
    uit: list[int] = []
    for c in codes:
        if c.startswith("MC"):
            uit += [index[g] for g in referentie.leden(c)]
        else:
            uit.append(index[c])
    return uit


def _z(c: Covariaat, x: float, d: float) -> float:
    if c.vorm == "rest":
        x, d = 100 - x, 100 - d
    return math.log(x / d) if x > 0 and d > 0 and math.isfinite(x) else float("nan")


def fitpunten(config: FitConfig, referentie: Referentie,
              cijfers: tuple[Cijfer, ...] | None = None) -> list[FitPunt]:
    """The ``gebruik = "fit"`` rows of ``config.grootheid`` as :class:`FitPunt` (file order)."""
    cijfers = lees_referentiepunten() if cijfers is None else cijfers
    model = schattingsmodel()
    jaren = leeftijdsjaren(referentie)
    van, tot = config.leeftijd
    basis = jaren[:, van:tot].sum(axis=1)
    nl = {c.jaar: c.waarde for c in cijfers
          if c.soort == "landelijk" and c.grootheid == config.grootheid}
    kandidaten = {k: model.covariaten[k] for k in config.kandidaten}
    waarden = {k: covariaat_waarden(referentie, c.kolom) for k, c in kandidaten.items()}
    nationaal = {k: landelijk(referentie, c.kolom) for k, c in kandidaten.items()}
    uit = []
    for c in cijfers:
        if c.gebruik != "fit" or c.grootheid != config.grootheid or c.soort == "landelijk":
            continue
        if c.jaar not in nl:
            raise ValueError(f"{c.punt}: geen landelijke waarde voor {c.grootheid} {c.jaar}")
        leden = _lid_indices(c.gebiedcodes, referentie)
        b = basis[leden]
        b_a = float(b.sum())
        if config.eenheid == "aantal":
            schaal = 1.0
            verwacht = b_a * nl[c.jaar] / float(basis.sum())
        else:
            per = 1000.0 if config.eenheid == "per_1000" else 100.0
            schaal = per / b_a
            verwacht = b_a * nl[c.jaar] / per
        z = {}
        for k, cov in kandidaten.items():
            x = waarden[k][leden]
            heeft = np.isfinite(x)
            xa = float(np.average(x[heeft], weights=b[heeft])) if heeft.any() else float("nan")
            z[k] = _z(cov, xa, nationaal[k])
        uit.append(FitPunt(c.punt, c.gebied, c.gebiedcodes, c.jaar, c.waarde,
                           c.waarde / schaal, math.log(verwacht), schaal, z))
    return uit


@dataclass(frozen=True)
class NB2:
    """A fitted NB2 model: coefficients (intercept first), standard errors, α."""

    coef: np.ndarray
    se: np.ndarray
    alpha: float


#: Search range of log α for the profile likelihood (α = 1e-6 is Poisson for these counts).
LOG_ALPHA = (-14.0, 3.0)


def _glm(y: np.ndarray, X: np.ndarray, offset: np.ndarray, alpha: float):
    import warnings

    import statsmodels.api as sm  # late: heavy, only for the refit (never on start-up)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha),
                      offset=offset).fit(tol=1e-12, maxiter=200)


def profiel_alpha(y: np.ndarray, X: np.ndarray, offset: np.ndarray) -> float:
    """The maximum-likelihood α of the NB2 model, by golden-section search on log α over
    :data:`LOG_ALPHA` (the coefficients are refitted by IRLS at every α). Deterministic: no
    optimiser whose path depends on the machine."""
    def min_llf(t: float) -> float:
        return -float(_glm(y, X, offset, math.exp(t)).llf)

    a, b = LOG_ALPHA
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = min_llf(c), min_llf(d)
    for _ in range(40):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = min_llf(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = min_llf(d)
    return math.exp((a + b) / 2)


def nb2(y: np.ndarray, X: np.ndarray, offset: np.ndarray, alpha: float | None = None) -> NB2:
    """Negative-binomial (NB2) regression with an offset (statsmodels GLM, IRLS).

    ``alpha`` None: α by maximum likelihood (:func:`profiel_alpha`). statsmodels is imported
    here (via ``_glm``) and nowhere else: only ``formatie herfit`` and the tests load it.
    """
    if alpha is None:
        alpha = profiel_alpha(y, X, offset)
    r = _glm(y, X, offset, alpha)
    return NB2(np.asarray(r.params), np.asarray(r.bse), float(alpha))


def _matrix(punten: list[FitPunt], covariaten: tuple[str, ...]) -> np.ndarray:
    return np.column_stack([np.ones(len(punten))]
                           + [np.array([p.z[k] for p in punten]) for k in covariaten])


def _bruikbaar(punten: list[FitPunt], covariaten: tuple[str, ...]) -> list[FitPunt]:
    return [p for p in punten if all(math.isfinite(p.z[k]) for k in covariaten)]


def loo(punten: list[FitPunt], covariaten: tuple[str, ...], fitter) -> list[float]:
    """Leave-one-area-out predictions (as published: rate or count), one per point in
    ``punten`` order; every point of an area (all its years) is left out together."""
    X = _matrix(punten, covariaten)
    y = np.array([p.y for p in punten])
    off = np.array([p.offset for p in punten])
    gebieden = [p.gebiedcodes for p in punten]
    voorspeld = np.full(len(punten), np.nan)
    for g in dict.fromkeys(gebieden):
        uit = np.array([a == g for a in gebieden])
        m = fitter(y[~uit], X[~uit], off[~uit])
        voorspeld[uit] = np.exp(off[uit] + X[uit] @ m.coef)
    return [float(v * p.schaal) for v, p in zip(voorspeld, punten, strict=True)]


def abs_log_fouten(voorspeld: list[float], punten: list[FitPunt]) -> list[float]:
    """|log(predicted / published)| per point; NaN where the published figure is 0."""
    return [abs(math.log(v / p.gepubliceerd)) if p.gepubliceerd > 0 else float("nan")
            for v, p in zip(voorspeld, punten, strict=True)]


def mediaan(fouten: list[float]) -> float:
    f = [x for x in fouten if math.isfinite(x)]
    return float(np.median(f)) if f else float("nan")


@dataclass(frozen=True)
class Kandidaat:
    covariaten: tuple[str, ...]
    loo: float


@dataclass(frozen=True)
class SoortFit:
    """The fit of one soort: chosen covariates, coefficients, LOO per point and per candidate."""

    soort: str
    config: FitConfig
    covariaten: tuple[str, ...]
    model: NB2
    punten: list[FitPunt]
    loo_voorspeld: list[float]
    in_fit: list[float]  # in-sample prediction (as published)
    kandidaten: list[Kandidaat] = field(default_factory=list)

    @property
    def loo_fouten(self) -> list[float]:
        return abs_log_fouten(self.loo_voorspeld, self.punten)

    @property
    def loo_mediaan(self) -> float:
        return mediaan(self.loo_fouten)


def kies(kandidaten: list[Kandidaat], marge: float) -> Kandidaat:
    """The smallest candidate within ``marge`` of the best LOO error (ties: lower error, then
    list order)."""
    beste = min(k.loo for k in kandidaten)
    binnen = [k for k in kandidaten if k.loo <= beste + marge]
    return min(binnen, key=lambda k: (len(k.covariaten), k.loo))


def fit_soort(soort: str, config: FitConfig, punten: list[FitPunt], marge: float,
              fitter=None, punten_per_covariaat: int = 1) -> SoortFit:
    """Choose covariates by LOO error and fit the chosen model on all points.

    Without a ``fitter``: NB2 with α fixed, during the selection and the LOO, at its maximum-
    likelihood value for the intercept-only model on all points (the overdispersion before any
    covariate: conservative, and the same yardstick for every candidate); the reported
    coefficients and standard errors are those of the chosen model with its own ML α."""
    y = np.array([p.y for p in punten])
    off = np.array([p.offset for p in punten])
    if fitter is None:
        alpha0 = profiel_alpha(y, np.ones((len(punten), 1)), off)

        def fitter(y_, X_, o_):
            return nb2(y_, X_, o_, alpha0)
        eind = nb2
    else:
        eind = fitter
    kandidaten = []
    # Events per variable: at most one covariate per `punten_per_covariaat` points, so five
    # cities of one province do not set an elasticity for the whole country.
    hoogstens = min(config.max_covariaten, len(punten) // punten_per_covariaat)
    for n in range(hoogstens + 1):
        for combo in combinations(config.kandidaten, n):
            bruikbaar = _bruikbaar(punten, combo)
            if len(bruikbaar) < len(punten):  # a covariate missing for a point: not comparable
                continue
            kandidaten.append(Kandidaat(combo, mediaan(abs_log_fouten(
                loo(bruikbaar, combo, fitter), bruikbaar))))
    gekozen = kies(kandidaten, marge)
    X = _matrix(punten, gekozen.covariaten)
    m = eind(y, X, off)
    in_fit = [float(v * p.schaal) for v, p in zip(np.exp(off + X @ m.coef), punten, strict=True)]
    return SoortFit(soort, config, gekozen.covariaten, m, punten,
                    loo(punten, gekozen.covariaten, fitter), in_fit, kandidaten)


def herfit(referentie: Referentie, cijfers: tuple[Cijfer, ...] | None = None,
           fitter=None) -> list[SoortFit]:
    """Fit every soort that has a fit table (file order of ``schatting.toml``)."""
    model = schattingsmodel()
    uit = []
    for soort in model.soorten:
        if soort.fit is None:
            continue
        punten = fitpunten(soort.fit, referentie, cijfers)
        if not punten:
            continue
        uit.append(fit_soort(soort.sleutel, soort.fit, punten, model.fit_marge, fitter,
                             model.punten_per_covariaat))
    return uit


# ----- writing ------------------------------------------------------------------------------

def _getal(x: float) -> str:
    """A TOML number rounded to :data:`CIJFERS` significant digits (nan → "nan")."""
    if not math.isfinite(x):
        return "nan"
    if x == 0:
        return "0.0"
    r = float(f"{x:.{CIJFERS}g}")
    return repr(r)


def _tekst(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lijst(xs) -> str:
    return "[" + ", ".join(_tekst(x) for x in xs) + "]"


def totaal_loo(fits: list[SoortFit]) -> float:
    """Median |log error| over the LOO predictions of every fitted point of every soort."""
    return mediaan([f for s in fits for f in s.loo_fouten])


def als_toml(fits: list[SoortFit]) -> str:
    """The fit as the text of ``formatie/data/schatting_fit.toml``."""
    punten = [p for s in fits for p in s.punten]
    regels = [
        "# Gegenereerd door `formatie herfit` uit referentiepunten.csv en schatting.toml;",
        "# niet met de hand wijzigen. Methode: formatie/fit.py (NB2-regressie met offset,",
        "# keuze van de covariaten op leave-one-area-out-fout). Gelezen door",
        "# formatie/schatting.py en formatie/validatie.py.",
        "",
        "[totaal]",
        f"loo_mediaan_abs_log_fout = {_getal(totaal_loo(fits))}",
        f"punten = {len(punten)}",
        f"gebieden = {len({p.gebiedcodes for p in punten})}",
        "",
    ]
    for s in fits:
        m = s.model
        regels += [
            f"[soort.{s.soort}]",
            f"grootheid = {_tekst(s.config.grootheid)}",
            f"covariaten = {_lijst(s.covariaten)}",
            f"intercept = {_getal(float(m.coef[0]))}",
            f"intercept_se = {_getal(float(m.se[0]))}",
            "elasticiteit = {" + ", ".join(f"{k} = {_getal(float(b))}"
                                          for k, b in zip(s.covariaten, m.coef[1:], strict=True))
            + "}",
            "se = {" + ", ".join(f"{k} = {_getal(float(b))}"
                                for k, b in zip(s.covariaten, m.se[1:], strict=True)) + "}",
            f"alpha = {_getal(m.alpha)}",
            f"loo_mediaan_abs_log_fout = {_getal(s.loo_mediaan)}",
            f"punten = {len(s.punten)}",
            f"gebieden = {len({p.gebiedcodes for p in s.punten})}",
            f"nullen = {sum(1 for p in s.punten if p.gepubliceerd == 0)}",
            "",
        ]
        for k in s.kandidaten:
            regels += [f"[[soort.{s.soort}.kandidaat]]", f"covariaten = {_lijst(k.covariaten)}",
                       f"loo_mediaan_abs_log_fout = {_getal(k.loo)}", ""]
        for p, v, f, fit in zip(s.punten, s.loo_voorspeld, s.loo_fouten, s.in_fit, strict=True):
            regels += [f"[[soort.{s.soort}.punt]]", f"punt = {_tekst(p.punt)}",
                       f"gebied = {_tekst(p.gebied)}", f"jaar = {_tekst(p.jaar)}",
                       f"gepubliceerd = {_getal(p.gepubliceerd)}", f"fit = {_getal(fit)}",
                       f"loo = {_getal(v)}", f"loo_abs_log_fout = {_getal(f)}", ""]
    return "\n".join(regels)
