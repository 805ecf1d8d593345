"""Sensitivity: one-at-a-time low/high swings → tornado data (which inputs move the FTE most).

For one gemeente or a selection (a region: the FTE are summed), every input is moved on its own
to a low and a high value while all others stay central:

* **norm** (taak): hours to ``uren_laag`` and ``uren_hoog`` (the 80 % interval);
* **volume** (invoer): with ``volume_methode="poisson"`` an invoer with spreiding "poisson" goes
  to the P10 and P90 of a Poisson count with the selection's total as mean (what a normal year
  can bring), every gemeente scaled by the same factor; invoer with spreiding "geen" (population
  counts) and every invoer with ``volume_methode="relatief"`` move ± ``relatief`` (default 20 %).

All 2·(K + I) variants are computed in one call of :func:`formatie.model.fte_arrays` (a leading
scenario axis). Rows are sorted by swing (largest first); rows with no swing are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .getallen import format_procent
from .model import casus_uren_per_fte, fte_arrays
from .normenset import Normenset
from .taal import per_eenheid


@dataclass(frozen=True)
class TornadoRij:
    """One bar: an input at its low and high value and the FTE that gives (selection total).

    waarde_laag/hoog: hours per unit (norm) or the selection's volume (units per year).
    fte_laag/hoog: the selection's fte_totaal at those values (or that of the tornado's
    ``functie`` when one is chosen); fte_laag_functie/hoog_functie (F,) per functie.
    swing = |fte_hoog − fte_laag| in FTE.
    """

    label: str
    soort: str  # "norm" or "volume"
    sleutel: str
    toelichting: str
    waarde_laag: float
    waarde_centraal: float
    waarde_hoog: float
    fte_laag: float
    fte_hoog: float
    swing: float
    fte_laag_functie: np.ndarray
    fte_hoog_functie: np.ndarray

    def als_dict(self, functies: tuple[str, ...]) -> dict:
        return {
            "label": self.label, "soort": self.soort, "sleutel": self.sleutel,
            "toelichting": self.toelichting, "waarde_laag": self.waarde_laag,
            "waarde_centraal": self.waarde_centraal, "waarde_hoog": self.waarde_hoog,
            "fte_laag": self.fte_laag, "fte_hoog": self.fte_hoog, "swing": self.swing,
            "functies": {f: {"fte_laag": float(lo), "fte_hoog": float(hi)} for f, lo, hi in zip(
                functies, self.fte_laag_functie, self.fte_hoog_functie, strict=True)},
        }


@dataclass(frozen=True)
class Tornado:
    """Tornado data for a selection of gemeenten. centraal: fte_totaal of the selection (FTE);
    centraal_functie (F,); rijen sorted by swing, largest first (sorted on ``functie`` if given).
    """

    normenset: Normenset
    gemeentecodes: tuple[str, ...]
    functie: str | None
    centraal: float
    centraal_functie: np.ndarray
    rijen: tuple[TornadoRij, ...]

    def top(self, n: int = 10) -> tuple[TornadoRij, ...]:
        return self.rijen[:n]

    def als_dict(self, n: int | None = None) -> dict:
        functies = self.normenset.functie_sleutels
        return {
            "gemeentecodes": list(self.gemeentecodes), "functie": self.functie,
            "centraal": self.centraal,
            "centraal_functie": {f: float(x) for f, x in zip(functies, self.centraal_functie,
                                                              strict=True)},
            "rijen": [r.als_dict(functies) for r in self.rijen[:n]],
        }


def tornado(
    normenset: Normenset,
    volume: np.ndarray,
    selectie: np.ndarray | list[int] | None = None,
    *,
    gemeentecodes: tuple[str, ...] = (),
    volume_methode: str = "poisson",
    relatief: float = 0.2,
    functie: str | None = None,
) -> Tornado:
    """One-at-a-time swings for the gemeenten ``selectie`` (row indices of ``volume``; all if
    None). volume (G, I) in ``normenset.invoer`` order. ``functie``: rank on that functie's
    swing instead of fte_totaal."""
    if volume_methode not in ("poisson", "relatief"):
        raise ValueError("volume_methode must be 'poisson' or 'relatief'")
    if not 0 <= relatief < 1:
        raise ValueError("relatief must be in [0, 1)")
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    rijen_sel = np.arange(len(volume)) if selectie is None else np.asarray(selectie, dtype=np.intp)
    vol = volume[rijen_sel]
    codes = tuple(gemeentecodes[i] for i in rijen_sel) if gemeentecodes else ()
    n_k, n_i = len(normenset.taken), len(normenset.invoer)
    f_index = None if functie is None else normenset.functie_sleutels.index(functie)

    totaal = vol.sum(axis=0)  # (I,) selection volume
    factor_laag = np.full(n_i, 1 - relatief)
    factor_hoog = np.full(n_i, 1 + relatief)
    uitleg = [f"± {format_procent(relatief)}"] * n_i
    if volume_methode == "poisson":
        for i, inv in enumerate(normenset.invoer):
            if inv.spreiding == "poisson" and totaal[i] > 0:
                factor_laag[i] = poisson_kwantiel(0.1, totaal[i]) / totaal[i]
                factor_hoog[i] = poisson_kwantiel(0.9, totaal[i]) / totaal[i]
                uitleg[i] = "P10–P90 van een gewoon jaar (Poisson)"

    # scenario axis: [centraal, norm laag ×K, norm hoog ×K, volume laag ×I, volume hoog ×I]
    s = 1 + 2 * n_k + 2 * n_i
    uren = np.tile(normenset.taak_uren, (s, 1))
    uren[1 + np.arange(n_k), np.arange(n_k)] = normenset.taak_uren_laag
    uren[1 + n_k + np.arange(n_k), np.arange(n_k)] = normenset.taak_uren_hoog
    factoren = np.ones((s, n_i))
    factoren[1 + 2 * n_k + np.arange(n_i), np.arange(n_i)] = factor_laag
    factoren[1 + 2 * n_k + n_i + np.arange(n_i), np.arange(n_i)] = factor_hoog
    volumes = vol[None, :, :] * factoren[:, None, :]
    fte = fte_arrays(volumes, uren, casus_uren_per_fte(normenset),
                     normenset.functie_parameter("vast_fte"),
                     normenset.functie_parameter("leiding"), normenset.taak_invoer_index,
                     normenset.taak_functie_index,
                     normenset.functie_parameter("minimum_fte"))["fte"]
    fte = fte.sum(axis=1)  # (S, F) over the selection
    centraal_f = fte[0]

    rijen = []
    for k, t in enumerate(normenset.taken):
        eenheid = normenset.invoer_by_sleutel(t.invoer).eenheid
        rijen.append(_rij(f"Normuren: {t.naam}", "norm", t.sleutel,
                          f"uur {per_eenheid(eenheid)}, 80%-interval",
                          t.uren_laag, t.uren, t.uren_hoog, fte[1 + k], fte[1 + n_k + k],
                          f_index))
    for i, inv in enumerate(normenset.invoer):
        rijen.append(_rij(f"Volume: {inv.naam}", "volume", inv.sleutel, uitleg[i],
                          totaal[i] * factor_laag[i], totaal[i], totaal[i] * factor_hoog[i],
                          fte[1 + 2 * n_k + i], fte[1 + 2 * n_k + n_i + i], f_index))
    rijen = sorted((r for r in rijen if r.swing > 1e-12), key=lambda r: -r.swing)
    return Tornado(normenset=normenset, gemeentecodes=codes, functie=functie,
                   centraal=float(centraal_f.sum()), centraal_functie=centraal_f,
                   rijen=tuple(rijen))


#: How close (in probability) a cumulative Poisson value may come to the asked quantile
#: before :func:`poisson_kwantiel` leaves the decision to scipy: far above the ~1e-13 error
#: of its own sum and of scipy's incomplete gamma function.
_BIJNA_GELIJK = 1e-7


def poisson_kwantiel(q: float, mu: float) -> float:
    """``scipy.stats.poisson.ppf(q, mu)`` (0 < q < 1, mu > 0): the smallest count k with
    P(X ≤ k) ≥ q, X ~ Poisson(mu), as a float.

    Without importing scipy.stats (about a second the first time in a fresh worker, on the
    first gevoeligheid page after its start): P(X ≤ k) summed from the probabilities
    exp(k·ln mu − mu − ln k!) over mu ± (12·√mu + 12), where the mass outside is below 1e-30.
    When P(X ≤ k) or P(X ≤ k − 1) lies within :data:`_BIJNA_GELIJK` of ``q`` the two
    roundings could decide differently, so scipy decides then: the answer is always scipy's
    (tests/test_gevoeligheid.py compares them over a wide grid).
    """
    marge = 12.0 * math.sqrt(mu) + 12.0
    laag = max(0, math.floor(mu - marge))
    k = np.arange(laag, math.ceil(mu + marge) + 1)
    log_p = k * math.log(mu) - mu - np.array([math.lgamma(x + 1.0) for x in k.tolist()])
    cdf = np.cumsum(np.exp(log_p))
    j = int(np.searchsorted(cdf, q))  # first index with cdf ≥ q
    vorige = cdf[j - 1] if j > 0 else 0.0
    if j >= len(cdf) or min(abs(cdf[j] - q), abs(vorige - q)) < _BIJNA_GELIJK:
        from scipy.stats import poisson  # a near tie: the reference decides

        return float(poisson.ppf(q, mu))
    return float(k[j])


def _rij(label, soort, sleutel, toelichting, laag, centraal, hoog, fte_laag, fte_hoog, f_index):
    lo = float(fte_laag.sum() if f_index is None else fte_laag[f_index])
    hi = float(fte_hoog.sum() if f_index is None else fte_hoog[f_index])
    return TornadoRij(label=label, soort=soort, sleutel=sleutel, toelichting=toelichting,
                      waarde_laag=float(laag), waarde_centraal=float(centraal),
                      waarde_hoog=float(hoog), fte_laag=lo, fte_hoog=hi, swing=abs(hi - lo),
                      fte_laag_functie=fte_laag, fte_hoog_functie=fte_hoog)
