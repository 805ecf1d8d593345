"""Ranges (Monte Carlo): how uncertain is the FTE a gemeente or region needs?

Two sources of uncertainty are drawn, ``trekkingen`` times:

**Norm hours.** A taak's hours vary within its 80 % interval: P10 = ``uren_laag``,
P50 = ``uren``, P90 = ``uren_hoog``. The distribution is a *two-piece lognormal* with its median
at ``uren``: below the median ``uren · exp(σ_laag · z)``, above it ``uren · exp(σ_hoog · z)``,
z standard normal, σ_laag = ln(uren / uren_laag) / 1,2816 and σ_hoog = ln(uren_hoog / uren) /
1,2816. Why this choice: the normensets give asymmetric intervals around a central value
(4 uur, 80 %: 2,5–6); the two-piece form honours all three numbers exactly, so a single norm's
P50 is the hours the user sees in the normenset and the deterministic result stays the centre
of the range; lognormal pieces keep hours positive and right-skewed (a case can take far longer,
not far shorter). A side whose end is 0 (``uren_laag = 0``) uses a normal piece clipped at 0;
a zero-width interval keeps the norm fixed. One draw of a norm is used for *every* gemeente in
that draw (a norm is one number for all of them), so a region's range is not falsely narrow;
different taken are drawn independently. Organisation parameters (contract hours, absence,
leiding, vaste basis) are not varied.

**Volumes.** An invoer with ``spreiding = "poisson"`` varies from year to year: Poisson with
mean = the entered value, independently per gemeente and invoer; with a dispersion α > 0 for
that gemeente × invoer (from :mod:`formatie.prognose`, when a history shows over-dispersion) it
is negative binomial with variance μ + α·μ². ``spreiding = "geen"`` (population counts) stays
fixed.

**Methods.** ``methode="exact"`` draws every count and runs :func:`formatie.model.fte_arrays`
on the drawn volumes. For large runs (a national run is 342 gemeenten × 10.000 draws × 22
volumes = 75 million counts) ``methode="momenten"`` uses that the model is affine in volume:
per draw, FTE = fte(0) + Σ_i volume_i × (fte per unit of invoer i), both taken from
:func:`~formatie.model.fte_arrays` itself. The year-to-year volume noise of one gemeente and
functie, given the norm draw, is then a weighted sum of independent Poisson/NB counts; it is
drawn as one variate with the exact mean, variance and skewness of that sum (a shifted gamma,
via the Wilson–Hilferty transform of a normal variate, clipped so the volume part is never
below zero). Volumes that feed taken of more than one
functie are always drawn exactly, so the functies of one gemeente stay correlated correctly.
``"auto"`` (default) takes ``exact`` up to 500.000 counts (one gemeente × 10.000 draws),
else ``momenten``. Tests check that both agree.

**One policy for every surface.** Called without ``rng`` (the way every page, JSON answer,
workbook and command calls it), the draws follow from the inputs alone, so identical inputs give
identical P-values everywhere: :data:`TREKKINGEN` draws; the normal score of a norm is drawn from
a generator seeded by the taak's sleutel (the same z for that taak in every run, every
gemeente, every scenario and every normenset that has the taak: common random numbers); a
gemeente's year-to-year volume noise comes from a counter-based stream keyed by its gemeentecode
(SplitMix64: draw j is a function of the key and j alone, so all gemeenten of a block are drawn
in one vectorised step), and its draws do not depend on which other gemeenten are in the run.
So a gemeente has the same P-values on its own page, on its region's page and in a national
run, and a region with one gemeente filled in has exactly that gemeente's P-values. This path
always uses the ``momenten`` method (exact draws for invoer that feed more than one functie).
Passing a seeded ``rng`` keeps the older per-call behaviour (used by tests of the methods
themselves).

**Which figure to budget on.** :data:`BUDGET_PERCENTIEL` (P80): with that many fte the workload
is covered in 8 of 10 years. :data:`UITLEG_CENTRAAL_P50` says why the central chain sits below
P50.

Same seed (and same arguments) → same numbers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from .getallen import format_getal
from .model import Groep, casus_uren_per_fte, fte_arrays
from .normenset import Normenset
from .parameters import UREN
from .stromen import Stromen, norm_z
from .taal import jaren_gedekt

#: The percentiles every result reports, as fractions.
PERCENTIELEN = (0.10, 0.50, 0.80, 0.90)
PERCENTIEL_NAMEN = ("p10", "p50", "p80", "p90")
Z90 = 1.2815515655446004  # standard normal P90
_EXACT_MAX = 500_000
#: Draws of every range the tool shows (page, region, comparison, forecast, workbook, CLI).
TREKKINGEN = 10_000
#: Gemeenten × draws processed at once on the policy path (342 gemeenten: blocks of 500 draws;
#: one gemeente: all draws in one block). The draws do not depend on it (every gemeente's
#: stream is counter-based); it bounds the memory of a national run (~0,7 MB per temporary).
_BLOK_CELLEN = 171_000
#: The one budget figure: with P80 fte the workload is covered in 8 of 10 years.
BUDGET_PERCENTIEL = "p80"
BUDGET_LABEL = "P80 (begroten)"
#: Why the central chain differs from P50, in one sentence for managers.
UITLEG_CENTRAAL_P50 = (
    "De centrale berekening rekent met de normuren en aantallen zelf; P50 is de middelste van "
    "10.000 gesimuleerde jaren. Omdat een casus veel langer kan duren dan de norm maar weinig "
    "korter, liggen P50 en vooral P80 boven de centrale berekening. Begroot op P80: dan is de "
    "werklast in 8 van de 10 jaren gedekt.")


# =============================================================================================
# Result
# =============================================================================================


@dataclass(frozen=True)
class Bereik:
    """Percentiles of FTE for G gemeenten, their regions and their total. All values are FTE.

    Percentile axes P follow :data:`PERCENTIELEN` (P10, P50, P80, P90); functie axes F follow
    ``normenset.functies``.

    centraal (G, F), centraal_totaal (G,): the deterministic model (:func:`model.bereken`).
    fte (P, G, F): percentiles per gemeente and functie. fte_totaal (P, G): of the gemeente's
    total (percentile of the sum, not the sum of percentiles).
    regio_labels (R,); regio_centraal (R, F); regio_fte (P, R, F); regio_totaal (P, R).
    totaal_centraal (F,); totaal_fte (P, F); totaal_totaal (P,): all G gemeenten together.
    gemiddelde (G, F): mean over the draws (above the centre: norms are right-skewed).
    trekkingen_fte: (D, G, F) float32 draws when asked for (``bewaar_trekkingen=True``), for
    a histogram or :func:`dekkingszin`; else None.
    """

    normenset: Normenset
    gemeentecodes: tuple[str, ...]
    trekkingen: int
    seed: int | None
    methode: str
    centraal: np.ndarray
    centraal_totaal: np.ndarray
    fte: np.ndarray
    fte_totaal: np.ndarray
    gemiddelde: np.ndarray
    regio_labels: tuple[str, ...]
    regio_centraal: np.ndarray
    regio_fte: np.ndarray
    regio_totaal: np.ndarray
    totaal_centraal: np.ndarray
    totaal_fte: np.ndarray
    totaal_totaal: np.ndarray
    trekkingen_fte: np.ndarray | None = field(default=None, repr=False)

    @property
    def percentielen(self) -> tuple[float, ...]:
        return PERCENTIELEN

    def als_dict(self, percentielen: np.ndarray) -> dict[str, float]:
        """``{"p10": …, "p50": …, "p80": …, "p90": …}`` from a (P,) array."""
        return {naam: float(w) for naam, w in zip(PERCENTIEL_NAMEN, percentielen, strict=True)}

    def gemeente(self, g: int) -> dict:
        """JSON-able ranges of gemeente row g: per functie and the total."""
        return {
            "functies": {
                f.sleutel: {"centraal": float(self.centraal[g, i]),
                            "bereik": self.als_dict(self.fte[:, g, i])}
                for i, f in enumerate(self.normenset.functies)
            },
            "centraal_totaal": float(self.centraal_totaal[g]),
            "bereik_totaal": self.als_dict(self.fte_totaal[:, g]),
        }

    def rijen(self) -> list[dict]:
        """Flat rows for a table or the Excel sheet ``Onzekerheid``: one per gemeente × functie
        plus one per gemeente with functie "totaal"; keys gemeentecode, functie, centraal, p10,
        p50, p80, p90 (FTE)."""
        uit = []
        for g in range(self.centraal.shape[0]):
            code = self.gemeentecodes[g] if self.gemeentecodes else str(g)
            for f, functie in enumerate(self.normenset.functie_sleutels):
                uit.append({"gemeentecode": code, "functie": functie,
                            "centraal": float(self.centraal[g, f]),
                            **self.als_dict(self.fte[:, g, f])})
            uit.append({"gemeentecode": code, "functie": "totaal",
                        "centraal": float(self.centraal_totaal[g]),
                        **self.als_dict(self.fte_totaal[:, g])})
        return uit

    def trekkingen_totaal(self, g: int | None = None) -> np.ndarray:
        """(D,) drawn total FTE of gemeente row g, or of all gemeenten (g None).

        Needs ``bewaar_trekkingen=True``.
        """
        if self.trekkingen_fte is None:
            raise ValueError("de trekkingen zijn niet bewaard (bewaar_trekkingen=True)")
        if g is None:
            return self.trekkingen_fte.sum(axis=(1, 2), dtype=float)
        return self.trekkingen_fte[:, g, :].sum(axis=-1, dtype=float)


# =============================================================================================
# Draws
# =============================================================================================


def trek_normuren(normenset: Normenset, rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, K) draws of hours per taak: two-piece lognormal, P10/P50/P90 = laag/uren/hoog."""
    z = rng.standard_normal((n, len(normenset.taken)))
    return normuren_uit_z(normenset, z)


def normuren_uit_z(normenset: Normenset, z: np.ndarray) -> np.ndarray:
    """Hours per taak for standard normal scores z (..., K); z = ±1,2816 gives laag/hoog.

    A draw stays within the parameter table's range for hours (0 to
    :data:`formatie.parameters.UREN` max): a tiny central value with a wide interval (1e-300
    with hoog 2.000) would otherwise draw past any float. The log-ratios are differences of
    logs, so they never overflow either."""
    uren = normenset.taak_uren
    laag = normenset.taak_uren_laag
    hoog = normenset.taak_uren_hoog
    with np.errstate(divide="ignore", invalid="ignore"):
        log_laag = np.where(laag > 0, (np.log(np.where(uren > 0, uren, 1.0))
                                       - np.log(np.where(laag > 0, laag, 1.0))) / Z90, 0.0)
        log_hoog = np.where(uren > 0, (np.log(np.where(hoog > 0, hoog, 1.0))
                                       - np.log(np.where(uren > 0, uren, 1.0))) / Z90, 0.0)
    lineair_laag = (uren - laag) / Z90  # for laag == 0: normal piece, clipped at 0
    lineair_hoog = (hoog - uren) / Z90  # for uren == 0
    onder = z < 0
    log_stap = np.where(onder, log_laag, log_hoog) * z
    lin_stap = np.where(onder, lineair_laag, lineair_hoog) * z
    gebruik_lin = np.where(onder, laag <= 0, uren <= 0)
    with np.errstate(over="ignore"):
        uit = np.where(gebruik_lin, uren + lin_stap, uren * np.exp(log_stap))
    return np.clip(uit, 0.0, UREN.max)


def _organisatie(normenset: Normenset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (casus_uren_per_fte(normenset), normenset.functie_parameter("vast_fte"),
            normenset.functie_parameter("leiding"))


def fte_per_eenheid(normenset: Normenset, taak_uren: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model's affine form in volume, computed with :func:`fte_arrays` itself.

    For hours ``taak_uren`` (..., K) returns ``basis`` (F,), the FTE at zero volume, and
    ``per_eenheid`` (..., I, F), the extra FTE per unit of each invoer, such that
    ``fte = basis + volume @ per_eenheid`` for any volume (G, I). The model is linear in the
    hours as well, so ``per_eenheid`` = Σ_k uren_k · E[k] with E (K, I, F) the model's FTE for
    one unit of invoer i and one hour of taak k (tests compare with :func:`fte_arrays`).
    """
    basis, eenheid = _eenheden(normenset)
    taak_uren = np.asarray(taak_uren, dtype=float)
    per = taak_uren.reshape(-1, eenheid.shape[0]) @ eenheid.reshape(eenheid.shape[0], -1)
    return basis, per.reshape(*taak_uren.shape[:-1], *eenheid.shape[1:])


def _eenheden(normenset: Normenset) -> tuple[np.ndarray, np.ndarray]:
    """(F,) FTE at zero volume and (K, I, F) FTE per unit of invoer per hour of taak."""
    casus, vast, leiding = _organisatie(normenset)
    n_invoer, n_taken = len(normenset.invoer), len(normenset.taken)
    args = (casus, vast, leiding, normenset.taak_invoer_index, normenset.taak_functie_index)
    nul = fte_arrays(np.zeros((1, n_invoer)), np.zeros(n_taken), *args)["fte"][0]
    een = fte_arrays(np.eye(n_invoer), np.eye(n_taken), *args)["fte"]
    return nul, een - nul


def _regio(regio_index, n_gemeenten: int, regio_labels) -> tuple[np.ndarray, tuple[str, ...]]:
    """(G, R) 0/1 membership matrix and labels."""
    if regio_index is None:
        return np.zeros((n_gemeenten, 0)), ()
    regio_index = np.asarray(regio_index)
    if regio_index.dtype.kind in "iu":
        n_regios = int(regio_index.max()) + 1 if len(regio_index) else 0
        labels = tuple(regio_labels) if regio_labels is not None else tuple(
            str(r) for r in range(n_regios))
        codes = regio_index
    else:
        labels = tuple(regio_labels) if regio_labels is not None else tuple(
            dict.fromkeys(regio_index.tolist()))
        positie = {lab: r for r, lab in enumerate(labels)}
        codes = np.array([positie[x] for x in regio_index.tolist()], dtype=np.intp)
        n_regios = len(labels)
    lid = np.zeros((n_gemeenten, n_regios))
    lid[np.arange(n_gemeenten), codes] = 1.0
    return lid, labels


def bereik(
    normenset: Normenset,
    volume: np.ndarray,
    rng: np.random.Generator | None = None,
    trekkingen: int | None = None,
    regio_index: np.ndarray | list | None = None,
    *,
    regio_labels: tuple[str, ...] | None = None,
    gemeentecodes: tuple[str, ...] = (),
    dispersie: np.ndarray | None = None,
    methode: str = "auto",
    blok: int = 1000,
    bewaar_trekkingen: bool = False,
    seed: int | None = None,
) -> Bereik:
    """Monte Carlo ranges of FTE for G gemeenten (see the module text for the model).

    volume (G, I): units per year in ``normenset.invoer`` order (the central values).
    Without ``rng`` (how every surface calls it): the policy in the module text — draws and
    seeds follow from the inputs, :data:`TREKKINGEN` draws, ``trekkingen``/``methode`` ignored.
    With a seeded ``rng``: ``trekkingen`` draws D, processed ``blok`` at a time to bound memory.
    regio_index (G,): region per gemeente, integer indices (with ``regio_labels``) or labels
    such as "MC01". dispersie (G, I): negative-binomial α per gemeente × invoer (0 = Poisson),
    used where spreiding is "poisson". ``seed`` is only
    recorded in the result.

    On the policy path without regions the result is a pure function of (normenset, volume,
    gemeentecodes, dispersie): a small one is remembered in this process (:func:`_onthouden`,
    read-only arrays), so the result page, the forecast and the begroting asking for the same
    year's range compute it once.
    """
    if rng is not None or regio_index is not None:
        return _bereken_bereik(normenset, volume, rng, trekkingen, regio_index,
                               regio_labels=regio_labels, gemeentecodes=gemeentecodes,
                               dispersie=dispersie, methode=methode, blok=blok,
                               bewaar_trekkingen=bewaar_trekkingen, seed=seed)
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    sleutel = _memo_sleutel(normenset, volume, gemeentecodes, dispersie)
    if sleutel is None:  # malformed: the computation says what is wrong
        return _bereken_bereik(normenset, volume, gemeentecodes=gemeentecodes,
                               dispersie=dispersie, bewaar_trekkingen=bewaar_trekkingen)
    b = _onthouden(sleutel, lambda: _bereken_bereik(
        normenset, volume, gemeentecodes=gemeentecodes, dispersie=dispersie,
        bewaar_trekkingen=True))
    # the caller's normenset object (an equal one may differ in its source text)
    return replace(b, normenset=normenset,
                   trekkingen_fte=b.trekkingen_fte if bewaar_trekkingen else None)


#: Policy-path ranges remembered per process (:func:`bereik`): at most this many bytes of
#: draws in all, and none larger than :data:`_MEMO_MAX_DEEL` (a gemeente's: 80 KB; a region
#: of 20: 1,6 MB; a national run is not kept).
_MEMO_MAX = 32 * 2**20
_MEMO_MAX_DEEL = 4 * 2**20
_MEMO: OrderedDict[tuple, Bereik] = OrderedDict()
_MEMO_SLOT = threading.Lock()


def _memo_sleutel(normenset: Normenset, volume: np.ndarray, gemeentecodes,
                  dispersie) -> tuple | None:
    """What a policy-path range depends on, exactly (the normenset by content, the arrays
    by their bytes); None for arguments the computation will refuse."""
    if volume.ndim != 2 or volume.shape[1] != len(normenset.invoer):
        return None
    try:
        alfa = None if dispersie is None else np.ascontiguousarray(
            np.broadcast_to(np.asarray(dispersie, dtype=float), volume.shape))
    except ValueError:
        return None
    return (normenset, volume.shape, volume.tobytes(), tuple(gemeentecodes),
            None if alfa is None else alfa.tobytes())


def _grootte(b: Bereik) -> int:
    return 0 if b.trekkingen_fte is None else b.trekkingen_fte.nbytes


def _onthouden(sleutel: tuple, maak) -> Bereik:
    """The remembered :class:`Bereik` under ``sleutel``, else ``maak()`` (kept when small,
    its arrays made read-only: callers share it)."""
    with _MEMO_SLOT:
        b = _MEMO.get(sleutel)
        if b is not None:
            _MEMO.move_to_end(sleutel)
            return b
    b = maak()
    if _grootte(b) > _MEMO_MAX_DEEL:
        return b
    for naam in ("centraal", "centraal_totaal", "fte", "fte_totaal", "gemiddelde",
                 "regio_centraal", "regio_fte", "regio_totaal", "totaal_centraal",
                 "totaal_fte", "totaal_totaal", "trekkingen_fte"):
        getattr(b, naam).flags.writeable = False
    with _MEMO_SLOT:
        _MEMO[sleutel] = b
        totaal = sum(_grootte(x) for x in _MEMO.values())
        while totaal > _MEMO_MAX and len(_MEMO) > 1:
            totaal -= _grootte(_MEMO.popitem(last=False)[1])
    return b


def vergeet() -> None:
    """Forget every remembered range and norm draw of this process (tests of the memo;
    benchmarks of a cold computation)."""
    with _MEMO_SLOT:
        _MEMO.clear()
    _beleid_normuren.cache_clear()
    _beleid_gewichten.cache_clear()


@lru_cache(maxsize=8)
def _beleid_normuren(normenset: Normenset, trekkingen: int) -> np.ndarray:
    """(D, K) the policy's norm hours: a function of the normenset alone (common random
    numbers, :func:`~formatie.stromen.norm_z`), so drawn once per normenset and process."""
    uren = normuren_uit_z(normenset, norm_z(normenset.taak_sleutels, trekkingen))
    uren.flags.writeable = False
    return uren


@lru_cache(maxsize=8)
def _beleid_gewichten(normenset: Normenset, trekkingen: int, start: int, stop: int) -> tuple:
    """:func:`_gewichten` of the policy's norm hours ``start`` … ``stop − 1``, once per
    normenset and block."""
    uit = _gewichten(normenset, _beleid_normuren(normenset, trekkingen)[start:stop])
    for a in uit:
        a.flags.writeable = False
    return uit


def _bereken_bereik(
    normenset: Normenset,
    volume: np.ndarray,
    rng: np.random.Generator | None = None,
    trekkingen: int | None = None,
    regio_index: np.ndarray | list | None = None,
    *,
    regio_labels: tuple[str, ...] | None = None,
    gemeentecodes: tuple[str, ...] = (),
    dispersie: np.ndarray | None = None,
    methode: str = "auto",
    blok: int = 1000,
    bewaar_trekkingen: bool = False,
    seed: int | None = None,
) -> Bereik:
    """:func:`bereik` computed (the same arguments), without the memo."""
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    n_g, n_i = volume.shape
    if n_i != len(normenset.invoer):
        raise ValueError(f"volume has {n_i} invoer columns, normenset has {len(normenset.invoer)}")
    beleid = rng is None
    if beleid:
        trekkingen, methode, seed = TREKKINGEN, "momenten", None
        blok = max(1, min(trekkingen, _BLOK_CELLEN // max(1, n_g)))
    elif trekkingen is None:
        trekkingen = TREKKINGEN
    if trekkingen < 1:
        raise ValueError("trekkingen must be at least 1")
    n_f = len(normenset.functies)
    poisson = np.array([i.spreiding == "poisson" for i in normenset.invoer])
    alfa = np.zeros((n_g, n_i)) if dispersie is None else np.broadcast_to(
        np.asarray(dispersie, dtype=float), (n_g, n_i))
    if np.any(alfa < 0) or not np.all(np.isfinite(alfa)):
        raise ValueError("dispersie must be finite and ≥ 0")
    varieert = poisson[None, :] & (volume > 0)
    if methode == "auto":
        methode = "exact" if trekkingen * int(varieert.sum()) <= _EXACT_MAX else "momenten"
    if methode not in ("exact", "momenten"):
        raise ValueError("methode must be 'auto', 'exact' or 'momenten'")

    basis, per_eenheid = fte_per_eenheid(normenset, normenset.taak_uren)
    minimum = normenset.functie_parameter("minimum_fte")  # (F,) floor of a standalone team
    centraal = np.maximum(basis + volume @ per_eenheid, minimum)
    lid, labels = _regio(regio_index, n_g, regio_labels)

    # draws are kept as (G, F, D) float32: each gemeente × functie's draws are contiguous, so
    # sorting them for percentiles is fast (SIMD sort), and float32 halves the memory
    draws = np.empty((n_g, n_f, trekkingen), dtype=np.float32)
    # Norm draws first, for all D at once (small: D × K), so they do not depend on ``blok``.
    if beleid:
        uren = _beleid_normuren(normenset, trekkingen)
        rngs = Stromen.van(tuple(gemeentecodes), n_g)
    else:
        uren = trek_normuren(normenset, rng, trekkingen)
    blok = max(1, int(blok))
    if methode == "exact":
        blok = max(1, min(blok, 4_000_000 // max(1, n_g * len(normenset.taken))))
    for start in range(0, trekkingen, blok):
        stop = min(trekkingen, start + blok)
        if beleid:
            draws[:, :, start:stop] = _blok_momenten(
                normenset, volume, alfa, varieert, uren[start:stop], rngs, start,
                _beleid_gewichten(normenset, trekkingen, start, stop)).transpose(0, 2, 1)
        elif methode == "exact":
            draws[:, :, start:stop] = _blok_exact(normenset, volume, alfa, varieert,
                                                  uren[start:stop], rng).transpose(1, 2, 0)
        else:
            draws[:, :, start:stop] = _blok_momenten(normenset, volume, alfa, varieert,
                                                     uren[start:stop], rng).transpose(0, 2, 1)

    # the minimum formation, per gemeente (a standalone team) and per draw, before any sum
    np.maximum(draws, minimum.astype(np.float32)[None, :, None], out=draws)
    gemiddelde = draws.mean(axis=-1, dtype=float)
    totaal_draws = draws.sum(axis=0, dtype=float)  # (F, D) all gemeenten
    # float64 region sums: a region's P-values are exactly those of the sum of its gemeenten's
    # draws (one member: exactly that gemeente's), whatever else is in the run. Summed per
    # region (a loop over regions, not gemeenten): a matrix product would first copy all
    # draws to float64 (55 MB for a national run).
    regio_draws = np.zeros((lid.shape[1], n_f, trekkingen))
    for r in range(lid.shape[1]):
        draws[lid[:, r] > 0].sum(axis=0, dtype=float, out=regio_draws[r])
    fte_p = np.empty((len(PERCENTIELEN), n_g, n_f))
    tot_p = np.empty((len(PERCENTIELEN), n_g))
    for g0 in range(0, n_g, 64):
        deel = draws[g0:g0 + 64]
        fte_p[:, g0:g0 + 64] = _percentielen(deel)
        # float64 sums, like the region and national totals below: one gemeente's total has
        # exactly the same P-values as a region that holds only that gemeente
        tot_p[:, g0:g0 + 64] = _percentielen(deel.sum(axis=1, dtype=float))
    return Bereik(
        normenset=normenset,
        gemeentecodes=tuple(gemeentecodes),
        trekkingen=trekkingen,
        seed=seed,
        methode=methode,
        centraal=centraal,
        centraal_totaal=centraal.sum(axis=-1),
        fte=fte_p,
        fte_totaal=tot_p,
        gemiddelde=gemiddelde,
        regio_labels=labels,
        regio_centraal=lid.T @ centraal,
        regio_fte=_percentielen(regio_draws),
        regio_totaal=_percentielen(regio_draws.sum(axis=1)),
        totaal_centraal=centraal.sum(axis=0),
        totaal_fte=_percentielen(totaal_draws),
        totaal_totaal=_percentielen(totaal_draws.sum(axis=0)),
        trekkingen_fte=draws.transpose(2, 0, 1) if bewaar_trekkingen else None,
    )


def _percentielen(x: np.ndarray) -> np.ndarray:
    """(P, ...) the :data:`PERCENTIELEN` of x (..., D) along the last axis.

    Same definition as ``numpy.quantile`` (linear interpolation between order statistics), but
    via a sort, which numpy does with SIMD and is far faster than partitioning here.
    """
    gesorteerd = np.sort(x, axis=-1)
    n = gesorteerd.shape[-1]
    positie = np.asarray(PERCENTIELEN) * (n - 1)
    onder = np.floor(positie).astype(np.intp)
    boven = np.minimum(onder + 1, n - 1)
    frac = positie - onder
    lo = gesorteerd[..., onder].astype(float)
    hi = gesorteerd[..., boven].astype(float)
    return np.moveaxis(lo + (hi - lo) * frac, -1, 0)


def _trek_volume(mu: np.ndarray, alfa: np.ndarray, rng: np.random.Generator,
                 size: tuple[int, ...]) -> np.ndarray:
    """Poisson(mu) counts, negative binomial (gamma–Poisson mixture) where alfa > 0."""
    if np.any(alfa > 0):
        veilig = np.where(alfa > 0, alfa, 1.0)
        gamma = rng.gamma(shape=1.0 / veilig, scale=veilig * mu, size=size)
        mu = np.where(alfa > 0, gamma, mu)
    return rng.poisson(mu, size=size).astype(float)


def _blok_exact(normenset, volume, alfa, varieert, uren, rng) -> np.ndarray:
    """(d, G, F) FTE: every count drawn, then the model itself on the drawn volumes."""
    d = len(uren)
    vol = np.broadcast_to(volume, (d, *volume.shape)).copy()
    g_idx, i_idx = np.nonzero(varieert)
    if len(g_idx):
        vol[:, g_idx, i_idx] = _trek_volume(volume[g_idx, i_idx], alfa[g_idx, i_idx], rng,
                                            (d, len(g_idx)))
    casus, vast, leiding = _organisatie(normenset)
    return fte_arrays(vol, uren, casus, vast, leiding, normenset.taak_invoer_index,
                      normenset.taak_functie_index)["fte"]


def _gewichten(normenset: Normenset, uren: np.ndarray) -> tuple:
    """What :func:`_blok_momenten` needs of the norm hours ``uren`` (d, K) alone: ``basis``
    (d, F) and ``per_eenheid`` (d, I, F) of :func:`fte_per_eenheid`, ``gedeeld`` (I,): the
    invoer that feed more than one functie, and ``gewicht`` (I, d·F) float32."""
    basis, per_eenheid = fte_per_eenheid(normenset, uren)  # (d, F), (d, I, F)
    n_i = per_eenheid.shape[1]
    # invoer that feed more than one functie: exact draws (keeps functies correlated)
    gedeeld = (per_eenheid > 0).sum(axis=-1).max(axis=0) > 1  # (I,)
    # float32 from here: FTE need ~7 significant digits at most, and it halves the work
    gewicht = np.moveaxis(per_eenheid, 0, 1).reshape(n_i, -1).astype(np.float32)
    return basis, per_eenheid, gedeeld, gewicht


def _blok_momenten(normenset, volume, alfa, varieert, uren, rng, start: int = 0,
                   gewichten: tuple | None = None) -> np.ndarray:
    """(G, d, F) FTE: mean via the affine form, volume noise as one skew-matched variate.

    ``rng`` is one generator for everything, or the policy's :class:`Stromen`: then a
    gemeente's noise in draws ``start`` … ``start + d − 1`` comes from its own stream only,
    so it does not depend on the other gemeenten. ``gewichten``: :func:`_gewichten` of
    ``uren`` when known already.
    """
    per_gemeente = isinstance(rng, Stromen)
    d = len(uren)
    n_g, n_i = volume.shape
    basis, per_eenheid, gedeeld, gewicht = (gewichten if gewichten is not None
                                            else _gewichten(normenset, uren))
    n_f = basis.shape[-1]
    fte = (volume.astype(np.float32) @ gewicht).reshape(n_g, d, n_f)
    fte += basis.astype(np.float32)

    exact = varieert & gedeeld[None, :]
    if exact.any():
        g_idx, i_idx = np.nonzero(exact)
        if per_gemeente:
            getrokken = rng.tellingen(volume[g_idx, i_idx], alfa[g_idx, i_idx], g_idx, i_idx,
                                      n_i, start, start + d)
        else:
            getrokken = _trek_volume(volume[g_idx, i_idx], alfa[g_idx, i_idx], rng,
                                     (d, len(g_idx)))
        afwijking = np.zeros((d, n_g, n_i))
        afwijking[:, g_idx, i_idx] = getrokken - volume[g_idx, i_idx]
        fte += (afwijking @ per_eenheid).transpose(1, 0, 2)

    benaderd = varieert & ~gedeeld[None, :]
    if benaderd.any():
        mu = np.where(benaderd, volume, 0.0)
        a = np.where(benaderd, alfa, 0.0)
        k2 = mu + a * mu**2  # cumulants of one count
        k3 = mu + 3 * a * mu**2 + 2 * a**2 * mu**3
        kappa2 = (k2.astype(np.float32) @ (gewicht**2)).reshape(n_g, d, n_f)
        kappa3 = (k3.astype(np.float32) @ (gewicht**3)).reshape(n_g, d, n_f)
        z = (rng.normalen(start, start + d, n_f) if per_gemeente
             else rng.standard_normal((n_g, d, n_f), dtype=np.float32))
        fte += _scheve_variaat(z, kappa2, kappa3)
        np.maximum(fte, basis.astype(np.float32), out=fte)  # no fewer than 0 cases
    return fte


def _scheve_variaat(z: np.ndarray, kappa2: np.ndarray, kappa3: np.ndarray) -> np.ndarray:
    """Mean-zero variate with variance κ2 and third cumulant κ3 ≥ 0 (shifted gamma).

    Wilson–Hilferty: a gamma variate with shape k is ≈ k·(1 − 1/(9k) + z/(3√k))³. With
    a = γ/6 (γ = κ3 / κ2^1,5 the skewness, k = 4/γ²) and w = z − a the standardised variate is
    ((1 + a·w)³ − 1) / (3a) = w + a·w² + a²·w³/3, which is stable as a → 0 (normal limit);
    1 + a·w ≥ 0 keeps the gamma variate ≥ 0. (The caller clips the FTE at its value for zero
    volume: a three-moment match of a small Poisson count can reach below −mean.)
    """
    sd = np.sqrt(kappa2)
    noemer = kappa2 * sd
    noemer *= 6.0
    a = np.zeros_like(noemer)
    np.divide(kappa3, noemer, out=a, where=noemer > 0)  # κ2 = 0 implies κ3 = 0: a = 0
    w = z - a
    ondergrens = np.full_like(a, -np.inf)
    np.divide(-1.0, a, out=ondergrens, where=a > 0)
    np.maximum(w, ondergrens, out=w)
    # w + a·w² + a²·w³/3 = w·(1 + a·w·(1 + a·w/3))
    aw = a * w
    uit = aw / 3.0
    uit += 1.0
    uit *= aw
    uit += 1.0
    uit *= w
    uit *= sd
    return uit


# =============================================================================================
# Regions whose members count with different normensets
# =============================================================================================


@dataclass(frozen=True)
class GroepenBereik:
    """Ranges of a region whose members count with different normensets (one :class:`Bereik`
    per :class:`~formatie.model.Groep`, each on the policy path) and of their sum.

    functies: functie sleutels over all groups (first-seen order). centraal (F,) and fte (P, F):
    the region per functie (a functie absent from a group's normenset adds nothing);
    centraal_totaal and totaal (P,): the region's total. For one group these equal that
    group's ``totaal_centraal``/``totaal_fte``/``totaal_totaal`` exactly.
    """

    bereiken: tuple[Bereik, ...]
    functies: tuple[str, ...]
    centraal: np.ndarray
    fte: np.ndarray
    centraal_totaal: float
    totaal: np.ndarray
    trekkingen_totaal: np.ndarray  # (D,) drawn region totals

    def als_dict(self, percentielen: np.ndarray) -> dict[str, float]:
        return {naam: float(w) for naam, w in zip(PERCENTIEL_NAMEN, percentielen, strict=True)}


def bereik_groepen(groepen: list[Groep], *, dispersie: list | None = None) -> GroepenBereik:
    """Policy-path ranges for each group and for the region they form together.

    A taak with the same sleutel gets the same norm scores in every group (see
    :func:`norm_z`), and every gemeente its own volume noise, so the region's draws are the sum
    of exactly the draws its gemeenten show on their own pages.
    """
    if not groepen:
        raise ValueError("geen gemeenten met cijfers")
    bereiken = tuple(
        bereik(g.normenset, g.volume, gemeentecodes=g.gemeentecodes, bewaar_trekkingen=True,
               dispersie=None if dispersie is None else dispersie[i])
        for i, g in enumerate(groepen))
    functies = tuple(dict.fromkeys(f for b in bereiken for f in b.normenset.functie_sleutels))
    if len(bereiken) == 1:
        b = bereiken[0]
        draws = b.trekkingen_fte.sum(axis=1, dtype=float)  # (D, F)
        return GroepenBereik(bereiken, functies, b.totaal_centraal, b.totaal_fte,
                             float(b.totaal_centraal.sum()), b.totaal_totaal,
                             draws.sum(axis=-1))
    draws = np.zeros((TREKKINGEN, len(functies)))
    centraal = np.zeros(len(functies))
    for b in bereiken:
        for i, f in enumerate(b.normenset.functie_sleutels):
            j = functies.index(f)
            draws[:, j] += b.trekkingen_fte[:, :, i].sum(axis=1, dtype=float)
            centraal[j] += b.centraal[:, i].sum()
    return GroepenBereik(bereiken, functies, centraal, _percentielen(draws.T),
                         float(centraal.sum()), _percentielen(draws.sum(axis=-1)),
                         draws.sum(axis=-1))


# =============================================================================================
# Helpers for the CLI, the web page and the Excel export
# =============================================================================================


def dekkingsaandeel(fte_bezetting: float, draws: np.ndarray) -> float:
    """Share of draws (years) in which ``fte_bezetting`` FTE covers the drawn workload."""
    draws = np.asarray(draws, dtype=float).ravel()
    if draws.size == 0:
        raise ValueError("geen trekkingen")
    return float(np.mean(draws <= fte_bezetting))


def dekkingszin(fte_bezetting: float, draws: np.ndarray) -> str:
    """A sentence for managers, e.g. "Met 8,0 fte is de werklast in 8 van de 10 jaren gedekt."

    The share of draws with workload ≤ ``fte_bezetting`` in whole tenths
    (:func:`formatie.taal.jaren_gedekt`: never "10 van de 10").
    """
    return (f"Met {format_getal(fte_bezetting, 1)} fte is de werklast in "
            f"{jaren_gedekt(dekkingsaandeel(fte_bezetting, draws))} gedekt.")


def voeg_bereik_toe(uit: dict, normenset: Normenset, volume: np.ndarray) -> Bereik:
    """Add ranges to the CLI/web JSON made by :func:`formatie.uitvoer.resultaat_als_dict`.

    Adds ``"bereik": {"p10", "p50", "p80", "p90"}`` to every functie of every gemeente,
    ``"bereik_totaal"`` to every gemeente, the same to ``uit["totaal"]``, and a section
    ``uit["onzekerheid"]`` with the method, the number of draws (the policy: see the module
    text; the same figures as every page) and per region
    (regio code from each gemeente's ``"regio"``) ``{"functies": {f: {"fte", "bereik"}},
    "fte_totaal", "bereik_totaal"}``, like a gemeente. Returns the :class:`Bereik`.
    """
    gemeenten = uit["gemeenten"]
    regios = [g.get("regio") for g in gemeenten]
    heeft_regio = all(r is not None for r in regios)
    resultaat = bereik(
        normenset, volume,
        regio_index=np.array(regios) if heeft_regio and gemeenten else None,
        gemeentecodes=tuple(g["gemeentecode"] for g in gemeenten),
        bewaar_trekkingen=True,  # formatie.budget allocates the P80 from the draws
    )
    for g, rij in enumerate(gemeenten):
        for f, functie in enumerate(normenset.functies):
            rij["functies"][functie.sleutel]["bereik"] = resultaat.als_dict(resultaat.fte[:, g, f])
        rij["bereik_totaal"] = resultaat.als_dict(resultaat.fte_totaal[:, g])
    totaal = uit.setdefault("totaal", {})
    totaal["bereik"] = {f.sleutel: resultaat.als_dict(resultaat.totaal_fte[:, i])
                        for i, f in enumerate(normenset.functies)}
    totaal["bereik_totaal"] = resultaat.als_dict(resultaat.totaal_totaal)
    uit["onzekerheid"] = {
        "trekkingen": resultaat.trekkingen,
        "methode": resultaat.methode,
        "percentielen": list(PERCENTIEL_NAMEN),
        "budget": BUDGET_PERCENTIEL,
        "uitleg_centraal_p50": UITLEG_CENTRAAL_P50,
        "toelichting": (
            "Normuren variëren binnen hun 80%-interval (P10 = uren_laag, P50 = uren, "
            "P90 = uren_hoog; dezelfde trekking voor alle gemeenten); volumes met spreiding "
            "'poisson' variëren per gemeente van jaar tot jaar (Poisson). De trekkingen volgen "
            "uit de invoer: dezelfde invoer geeft overal dezelfde percentielen."),
        "regios": {
            label: {
                "functies": {f.sleutel: {"fte": float(resultaat.regio_centraal[r, i]),
                                         "bereik": resultaat.als_dict(resultaat.regio_fte[:, r, i])}
                             for i, f in enumerate(normenset.functies)},
                "fte_totaal": float(resultaat.regio_centraal[r].sum()),
                "bereik_totaal": resultaat.als_dict(resultaat.regio_totaal[:, r]),
            }
            for r, label in enumerate(resultaat.regio_labels)
        },
    }
    return resultaat
