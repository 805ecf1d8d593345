"""Forecast: a trend per gemeente × invoer from earlier years, projected 1–3 years ahead.

Per series (counts y_t in years t, missing years as NaN):

1. Fewer than 3 observed years: **no trend**. The result says so (``reden``, Dutch) and carries
   the last observed value forward with a Poisson interval, so the model can still be fed.
2. Otherwise a **log-linear Poisson regression** log μ_t = a + b·(t − T), T the last observed
   year, fitted by IRLS (Newton on the Poisson likelihood), vectorised over all series.
3. **Over-dispersion**: Pearson χ² / (n − 2) above 1,5 means the year-to-year variation is
   larger than Poisson; the series is then refitted as **negative binomial** (variance
   μ + α·μ²) with α estimated by the method of moments (Pearson χ² = n − 2). α is returned
   (``dispersie``) so :func:`formatie.onzekerheid.bereik` draws that gemeente × invoer negative
   binomial.
4. **Damped trend** (``demping="auto"``): when the slope is not clearly different from 0
   (|b| / se(b) < 1,2816, i.e. not significant at the 80 % level) the trend is damped with
   φ = 0,8 per year ahead, log μ_{T+h} = a + b·(φ + φ² + … + φ^h): a weak trend is not
   extrapolated at full strength. A clear trend is projected undamped. ``demping`` may also be
   a fixed φ in (0, 1] or None (never damp).
5. **Bounded growth**: a fitted trend grows or shrinks a series by at most ×2 (×½) per year
   (``MAX_GROEI``), in the fit and in the interval's parameter draws. A series with zeros before
   its only counts (0, 0, 0, 1) has no finite maximum-likelihood slope: the fit runs off to
   infinity and a forecast of 10¹³. The bound keeps such a series to a doubling per year, the
   intercept refitted at that slope; ``begrensd`` and the Dutch ``reden`` say so.
6. **Prediction interval** (80 %): by simulation with a seeded generator. Parameters (a, b) are
   drawn from their asymptotic normal distribution (inverse Fisher information at the fit), then
   a count from Poisson / negative binomial around the drawn mean; P10 and P90 of those draws.
   So the interval holds parameter uncertainty and year-to-year noise. For negative-binomial
   series the dispersion estimated from 3–5 years is itself uncertain; its variance factor is
   drawn from a scaled inverse χ² with n − 2 degrees of freedom (tests check ≈ 80 % coverage).

Units: values are counts per year (the invoer's unit); ``groei`` is the fitted factor per year
(1,05 = +5 % per year).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_JAREN = 3
OVERDISPERSIE_GRENS = 1.5
#: the largest growth factor per year a trend may have (its inverse the largest decline)
MAX_GROEI = 2.0
DEMPING = 0.8
_Z90 = 1.2815515655446004


@dataclass(frozen=True)
class Prognose:
    """The forecast of one series. Arrays: jaren, waarden (n,); prognose_jaren, verwacht, p10,
    p90 (h,). ``model`` is "poisson", "negatief-binomiaal" or "geen trend"."""

    jaren: np.ndarray
    waarden: np.ndarray
    heeft_trend: bool
    reden: str | None
    model: str
    groei: float
    gedempt: bool
    demping: float
    dispersie: float
    pearson_ratio: float
    begrensd: bool
    prognose_jaren: np.ndarray
    verwacht: np.ndarray
    p10: np.ndarray
    p90: np.ndarray

    def als_dict(self) -> dict:
        """JSON-able (NaN → None), e.g. for the web page's line chart."""
        def lijst(x):
            return [None if not np.isfinite(v) else float(v) for v in np.asarray(x, dtype=float)]

        return {
            "jaren": [int(j) for j in self.jaren], "waarden": lijst(self.waarden),
            "heeft_trend": self.heeft_trend, "reden": self.reden, "model": self.model,
            "groei": self.groei, "gedempt": self.gedempt, "demping": self.demping,
            "dispersie": self.dispersie, "pearson_ratio": None if not np.isfinite(
                self.pearson_ratio) else self.pearson_ratio, "begrensd": self.begrensd,
            "prognose_jaren": [int(j) for j in self.prognose_jaren],
            "verwacht": lijst(self.verwacht), "p10": lijst(self.p10), "p90": lijst(self.p90),
        }


@dataclass(frozen=True)
class PrognoseReeksen:
    """Forecasts of many series at once. ``...`` is the leading shape of the input (e.g. (G, I)).

    heeft_trend, model, groei, gedempt, dispersie, pearson_ratio, a, b (...): per series.
    verwacht, p10, p90 (..., h): counts per year for ``prognose_jaren`` (h,). dispersie is the
    negative-binomial α (0 = Poisson), ready for ``onzekerheid.bereik(dispersie=...)``.
    """

    jaren: np.ndarray
    waarden: np.ndarray = field(repr=False)
    heeft_trend: np.ndarray
    reden: np.ndarray  # (...) object array of Dutch texts or None
    model: np.ndarray
    groei: np.ndarray
    gedempt: np.ndarray
    demping: np.ndarray
    dispersie: np.ndarray
    pearson_ratio: np.ndarray
    begrensd: np.ndarray  # (...) bool: the trend hit MAX_GROEI
    prognose_jaren: np.ndarray
    verwacht: np.ndarray
    p10: np.ndarray
    p90: np.ndarray

    def voor_jaar(self, jaar: int) -> tuple[np.ndarray, np.ndarray]:
        """(verwacht, dispersie), each (...), for one of ``prognose_jaren``: the volume to feed
        :func:`formatie.model.bereken` and the α for ``onzekerheid.bereik(dispersie=...)``."""
        posities = np.flatnonzero(self.prognose_jaren == jaar)
        if not len(posities):
            raise ValueError(f"geen prognose voor {jaar} (wel: "
                             f"{', '.join(str(j) for j in self.prognose_jaren)})")
        return self.verwacht[..., posities[0]], self.dispersie

    def reeks(self, *index) -> Prognose:
        """The :class:`Prognose` of one series, e.g. ``reeks(g, i)``."""
        return Prognose(
            jaren=self.jaren, waarden=self.waarden[index], heeft_trend=bool(
                self.heeft_trend[index]), reden=self.reden[index], model=str(self.model[index]),
            groei=float(self.groei[index]), gedempt=bool(self.gedempt[index]),
            demping=float(self.demping[index]), dispersie=float(self.dispersie[index]),
            pearson_ratio=float(self.pearson_ratio[index]),
            begrensd=bool(self.begrensd[index]), prognose_jaren=self.prognose_jaren,
            verwacht=self.verwacht[index], p10=self.p10[index], p90=self.p90[index])


def _irls(x, y, m, alfa, a, b, stappen=30):
    """Newton/IRLS for log μ = a + b·x on observed cells (mask m), NB weights μ/(1+αμ)."""
    for _ in range(stappen):
        eta = np.clip(a[:, None] + b[:, None] * x, -30, 30)
        mu = np.exp(eta)
        w = m * mu / (1 + alfa[:, None] * mu)
        z = eta + np.where(m, (y - mu) / mu, 0.0)
        s0, s1, s2 = w.sum(1), (w * x).sum(1), (w * x * x).sum(1)
        t0, t1 = (w * z).sum(1), (w * x * z).sum(1)
        det = s0 * s2 - s1**2
        ok = det > 1e-12 * np.maximum(s0 * s2, 1e-300)
        b_nieuw = np.where(ok, (s0 * t1 - s1 * t0) / np.where(ok, det, 1.0), b)
        a_nieuw = np.where(s0 > 0, (t0 - b_nieuw * s1) / np.where(s0 > 0, s0, 1.0), a)
        klaar = np.allclose(a_nieuw, a, atol=1e-10) and np.allclose(b_nieuw, b, atol=1e-10)
        a, b = a_nieuw, b_nieuw
        if klaar:
            break
    eta = np.clip(a[:, None] + b[:, None] * x, -30, 30)
    mu = np.exp(eta)
    w = m * mu / (1 + alfa[:, None] * mu)
    s0, s1, s2 = w.sum(1), (w * x).sum(1), (w * x * x).sum(1)
    det = np.maximum(s0 * s2 - s1**2, 1e-300)
    cov = np.stack([np.stack([s2 / det, -s1 / det], -1), np.stack([-s1 / det, s0 / det], -1)], -2)
    return a, b, mu, cov


def _pearson_alfa(y, mu, m, df):
    """NB α per series solving Σ (y − μ)² / (μ + α·μ²) = df (bisection on log α)."""
    lo = np.full(len(y), np.log(1e-6))
    hi = np.full(len(y), np.log(10.0))
    for _ in range(40):
        mid = (lo + hi) / 2
        chi2 = (m * (y - mu) ** 2 / (mu + np.exp(mid)[:, None] * mu**2)).sum(1)
        te_klein = chi2 > df  # α too small: Pearson χ² still above df
        lo = np.where(te_klein, mid, lo)
        hi = np.where(te_klein, hi, mid)
    return np.exp((lo + hi) / 2)


def prognose_reeksen(
    jaren,
    waarden,
    horizon: int = 3,
    rng: np.random.Generator | None = None,
    trekkingen: int = 2000,
    demping: str | float | None = "auto",
) -> PrognoseReeksen:
    """Forecast every series in ``waarden`` (..., n) observed in ``jaren`` (n,) (NaN = missing).

    ``horizon`` years after the last of ``jaren`` (1–3 is sensible). ``rng`` seeds the
    prediction-interval simulation (default ``default_rng(0)``: same input, same numbers).
    """
    jaren = np.asarray(jaren, dtype=int)
    waarden = np.asarray(waarden, dtype=float)
    if waarden.shape[-1] != len(jaren):
        raise ValueError("waarden must have len(jaren) values per series")
    if len(jaren) != len(set(jaren.tolist())):
        raise ValueError("jaren must be unique")
    if np.any(np.isinf(waarden)):
        raise ValueError("waarden must be finite (NaN = missing)")
    if np.any(waarden[np.isfinite(waarden)] < 0):
        raise ValueError("waarden must be ≥ 0")
    if horizon < 1:
        raise ValueError("horizon must be ≥ 1")
    rng = np.random.default_rng(0) if rng is None else rng
    vorm = waarden.shape[:-1]
    volgorde = np.argsort(jaren)
    jaren = jaren[volgorde]
    y_all = waarden[..., volgorde].reshape(-1, len(jaren))
    s = y_all.shape[0]
    m = np.isfinite(y_all)
    y = np.where(m, y_all, 0.0)
    n_obs = m.sum(1)
    laatste = np.where(m, jaren[None, :], jaren.min() - 1).max(1)  # last observed year
    x = np.where(m, jaren[None, :] - laatste[:, None], 0).astype(float)
    toekomst = jaren.max() + np.arange(1, horizon + 1)
    stappen = toekomst[None, :] - laatste[:, None]  # (S, h) years ahead of the last observation

    genoeg = (n_obs >= MIN_JAREN) & (y.sum(1) > 0)
    a0 = np.log(np.where(n_obs > 0, y.sum(1) / np.maximum(n_obs, 1), 1.0) + 0.5)
    alfa = np.zeros(s)
    a, b, mu, cov = _irls(x, y, m, alfa, a0, np.zeros(s))
    df = np.maximum(n_obs - 2, 1)
    ratio = np.where(genoeg, (m * (y - mu) ** 2 / mu).sum(1) / df, np.nan)
    nb = genoeg & (n_obs > 2) & (ratio > OVERDISPERSIE_GRENS)
    if nb.any():
        for _ in range(3):  # alternate: moment estimate of α, refit with NB weights
            alfa = np.where(nb, _pearson_alfa(y, mu, m, df), 0.0)
            a, b, mu, cov = _irls(x, y, m, alfa, a, b)
    b_grens = np.log(MAX_GROEI)
    begrensd = genoeg & (np.abs(b) > b_grens)
    if begrensd.any():
        b = np.where(begrensd, np.clip(b, -b_grens, b_grens), b)
        # the intercept at that slope (Poisson maximum likelihood: log Σy / Σ e^{b·x}), and
        # the covariance at the bounded fit instead of the runaway one
        a = np.where(begrensd, np.log(np.maximum((m * y).sum(1), 1e-300)
                                      / (m * np.exp(b[:, None] * x)).sum(1)), a)
        _, _, mu_b, cov_b = _irls(x, y, m, alfa, a, b, stappen=0)
        mu = np.where(begrensd[:, None], mu_b, mu)
        cov = np.where(begrensd[:, None, None], cov_b, cov)
    se_b = np.sqrt(np.maximum(cov[:, 1, 1], 0.0))
    if demping == "auto":
        phi = np.where(np.abs(b) < _Z90 * se_b, DEMPING, 1.0)
    elif demping is None:
        phi = np.ones(s)
    else:
        if not 0 < float(demping) <= 1:
            raise ValueError("demping must be 'auto', None or in (0, 1]")
        phi = np.full(s, float(demping))
    # Σ_{j=1..h} φ^j, the effective number of trend years ahead
    machten = phi[:, None, None] ** np.arange(1, stappen.max() + 1)[None, None, :]
    effectief = np.where(np.arange(1, stappen.max() + 1)[None, None, :] <= stappen[:, :, None],
                         machten, 0.0).sum(-1)  # (S, h)
    verwacht = np.exp(np.clip(a[:, None] + b[:, None] * effectief, -30, 30))

    # prediction interval: parameters from N(θ, cov), then a Poisson / NB count
    chol = np.zeros_like(cov)
    chol[:, 0, 0] = np.sqrt(np.maximum(cov[:, 0, 0], 0))
    chol[:, 1, 0] = np.where(chol[:, 0, 0] > 0, cov[:, 1, 0] / np.where(
        chol[:, 0, 0] > 0, chol[:, 0, 0], 1.0), 0.0)
    chol[:, 1, 1] = np.sqrt(np.maximum(cov[:, 1, 1] - chol[:, 1, 0] ** 2, 0))
    p10 = np.empty_like(verwacht)
    p90 = np.empty_like(verwacht)
    blok = max(1, 2_000_000 // max(1, trekkingen * horizon))
    for s0 in range(0, s, blok):
        sl = slice(s0, min(s, s0 + blok))
        z = rng.standard_normal((trekkingen, sl.stop - sl.start, 2))
        # estimated dispersion is uncertain too (few years!): for negative-binomial series the
        # variance factor 1 + α·μ̄ is drawn from its scaled inverse χ² (df) distribution, which
        # also widens the parameter draws (Student-t-like), so intervals keep their coverage
        c = np.where(nb[sl], df[sl] / rng.chisquare(df[sl], (trekkingen, sl.stop - sl.start)),
                     1.0)
        theta = np.einsum("sij,dsj->dsi", chol[sl], z) * np.sqrt(c)[..., None]
        a_d = a[sl] + theta[..., 0]
        b_d = np.clip(b[sl] + theta[..., 1], -b_grens, b_grens)
        mu_d = np.exp(np.clip(a_d[..., None] + b_d[..., None] * effectief[sl], -30, 30))
        mu_gem = (m[sl] * mu[sl]).sum(1) / np.maximum(n_obs[sl], 1)
        # a series with no (or only zero) observations has μ̄ = 0: no over-dispersion to add
        positief = mu_gem > 0
        al = np.maximum(((1 + alfa[sl] * mu_gem) * c - 1) / np.where(positief, mu_gem, 1.0),
                        0.0)
        al = np.where(nb[sl] & positief, al, 0.0)[..., None]
        if np.any(al > 0):
            veilig = np.where(al > 0, al, 1.0)
            mu_d = np.where(al > 0, rng.gamma(1.0 / veilig, veilig * mu_d), mu_d)
        tel = rng.poisson(mu_d)
        p10[sl], p90[sl] = np.quantile(tel, [0.1, 0.9], axis=0)

    # no trend: last observed value carried forward, Poisson interval
    geen = ~genoeg
    if geen.any():
        laatste_waarde = np.array([y_all[i, m[i]][-1] if n_obs[i] else np.nan
                                   for i in np.flatnonzero(geen)])
        tel = rng.poisson(np.nan_to_num(laatste_waarde)[:, None], (len(laatste_waarde), 4000))
        lo, hi = np.quantile(tel, [0.1, 0.9], axis=1)
        lo = np.where(np.isfinite(laatste_waarde), lo, np.nan)
        hi = np.where(np.isfinite(laatste_waarde), hi, np.nan)
        verwacht[geen] = laatste_waarde[:, None]
        p10[geen] = lo[:, None]
        p90[geen] = hi[:, None]
    reden = np.empty(s, dtype=object)
    for i in np.flatnonzero(geen):
        if n_obs[i] < MIN_JAREN:
            reden[i] = (f"Geen trend: er zijn cijfers over {n_obs[i]} jaar; daarvoor zijn er "
                        f"minstens {MIN_JAREN} nodig. De prognose is de laatst bekende waarde.")
        else:
            reden[i] = "Geen trend: alle waarden zijn 0. De prognose is 0."
    for i in np.flatnonzero(begrensd):
        reden[i] = ("Trend begrensd: de cijfers " + ("stijgen" if b[i] > 0 else "dalen")
                    + " sneller dan een " + ("verdubbeling" if b[i] > 0 else "halvering")
                    + " per jaar (bijvoorbeeld na jaren met 0); de prognose rekent met "
                    "hoogstens die verandering per jaar.")
    model = np.where(geen, "geen trend", np.where(nb, "negatief-binomiaal", "poisson"))

    def terug(arr, extra=()):
        return np.asarray(arr).reshape(*vorm, *extra)

    return PrognoseReeksen(
        jaren=jaren,
        waarden=waarden[..., volgorde],
        heeft_trend=terug(genoeg),
        reden=terug(reden),
        model=terug(model),
        groei=terug(np.where(genoeg, np.exp(b), 1.0)),
        gedempt=terug(genoeg & (phi < 1)),
        demping=terug(np.where(genoeg, phi, 1.0)),
        dispersie=terug(np.where(genoeg, alfa, 0.0)),
        pearson_ratio=terug(ratio),
        begrensd=terug(begrensd),
        prognose_jaren=toekomst,
        verwacht=terug(verwacht, (horizon,)),
        p10=terug(p10, (horizon,)),
        p90=terug(p90, (horizon,)),
    )


def prognose(jaren, waarden, horizon: int = 3, rng: np.random.Generator | None = None,
             trekkingen: int = 2000, demping: str | float | None = "auto") -> Prognose:
    """Forecast one series: ``jaren`` (n,), ``waarden`` (n,) counts (NaN = missing)."""
    waarden = np.asarray(waarden, dtype=float)
    if waarden.ndim != 1:
        raise ValueError("waarden must be one series (n,); use prognose_reeksen for more")
    return prognose_reeksen(jaren, waarden[None, :], horizon, rng, trekkingen, demping).reeks(0)
