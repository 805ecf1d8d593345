"""Calibration: estimate hours per taak from observed volumes and the FTE actually worked.

For observation n (a gemeente in a year) and functie f the model says::

    fte[n,f] = (Σ_k∈f uren_k · volume[n, invoer(k)] / casus_uren_per_fte(f) + vast_fte(f))
               × (1 + leiding(f))

With the organisation parameters taken from the normenset this is linear in the unknown hours
``uren_k``: ``fte = A @ uren + b``, where column k of A is the FTE one hour of taak k adds and
b the FTE at zero hours. Both are computed with :func:`formatie.model.fte_arrays` itself (the
model is affine in the hours), so calibration and model cannot drift apart. The hours are found
with ``scipy.optimize.lsq_linear`` (bounded least squares on the FTE residuals): hours ≥ 0
(``begrenzing="positief"``, the default: the data decide) or, optionally, within the
normenset's 80 % interval (``"normenset"``). An estimate on a bound is marked ``begrensd``: its
interval then says little (the data pushed beyond the bound).

**What the data cannot tell.** Taken of one functie that take their volume from the same invoer
have identical columns: any split of their hours fits equally well. They are merged into one
*groep* whose sum is estimated; the members are reported ``identificeerbaar = False`` and no
split is invented. Further, a taak whose invoer is 0 in every observation, or whose column is a
linear combination of others (rank deficiency found by SVD), is reported unidentifiable too.
Unidentifiable parameters keep a value (the bounded least-squares solution, or the normenset's
hours for a zero column) but get no interval.

**Regional functies.** The Doorstroompunt's bezetting is one figure per region, not per
gemeente. Such an observation is a :class:`Som`: the fte of one functie summed over the rows of
the region's gemeenten in that year (the region's need is the sum of its members' need,
:data:`formatie.regio.REGIOBELEID`), so its design row is the sum of theirs. A cell of
``fte_werkelijk`` that is NaN is not observed (a gemeente does not staff the Doorstroompunt);
leerplicht is calibrated on the gemeente cells, the Doorstroompunt on the region sums.

**The minimum formation.** Where a functie has a floor (``minimum_fte``), the model says
``max(A @ uren + b, minimum)``: an observed fte at or below the floor says nothing about the hours
(the team is as small as a team can be), so such an observation gets weight 0. A :class:`Som`
is floored when one of its gemeenten is (its sum is then no longer linear in the hours).

**Weights.** Staffing deviations grow with the size of a gemeente, so by default
(``weging="relatief"``) each residual is weighted by 1 / fitted FTE (two steps: an unweighted
fit gives the fitted FTE). R² and RMSE are reported unweighted, in FTE.

**Intervals.** ``laag``/``hoog`` is an 80 % interval: by default from the Jacobian of the
weighted fit with a heteroscedasticity-robust (sandwich, HC1) covariance of the identifiable
parameters and Student t with n − p degrees of freedom (it ignores active bounds), or with
``bootstrap=B`` the P10/P90 of B refits on gemeenten resampled with replacement (all years of a
gemeente together), seeded by ``rng``.

:func:`gekalibreerde_normenset` turns the result into a new normenset (bron = "gekalibreerd op
…", versie the base's + "-kalibratie", the one rule for the CLI and the web), with a group's
sum split in the original normenset's proportions (said so in ``bron``);
``formatie.normenset.normenset_als_toml`` (the one TOML writer of the package) saves it as TOML that
:func:`formatie.normenset_toml.parse_normenset` reads back to an equal normenset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .model import casus_uren_per_fte, fte_arrays
from .normenset import Normenset, afgeleide_versie

BEGRENZINGEN = ("normenset", "positief")
#: a calibrated normenset's versie: the base's plus this (the store numbers a taken one)
VERSIE_ACHTERVOEGSEL = "-kalibratie"


@dataclass(frozen=True)
class TaakSchatting:
    """The estimate for one taak (hours per unit of volume).

    ``uren`` is None for a member of a groep (see :class:`GroepSchatting`); ``laag``/``hoog``
    (80 % interval) are None when the taak is not identifiable. ``reden`` says why not (Dutch).
    """

    sleutel: str
    uren: float | None
    laag: float | None
    hoog: float | None
    se: float | None
    identificeerbaar: bool
    groep: str | None = None
    reden: str | None = None
    normenset_uren: float = 0.0
    begrensd: bool = False  # the estimate lies on a bound (0, or the normenset's interval)

    def als_dict(self) -> dict:
        d = {"uren": self.uren, "laag": self.laag, "hoog": self.hoog,
             "identificeerbaar": self.identificeerbaar}
        if self.begrensd:
            d["begrensd"] = True
        if self.groep is not None:
            d["groep"] = self.groep
        if self.reden:
            d["reden"] = self.reden
        return d


@dataclass(frozen=True)
class GroepSchatting:
    """Taken of one functie sharing one invoer: only the sum of their hours is estimated."""

    sleutel: str  # "<functie>:<invoer>"
    taken: tuple[str, ...]
    uren_som: float
    laag: float | None
    hoog: float | None
    se: float | None
    identificeerbaar: bool
    begrensd: bool = False

    def als_dict(self) -> dict:
        return {"taken": list(self.taken), "uren_som": self.uren_som, "laag": self.laag,
                "hoog": self.hoog, "identificeerbaar": self.identificeerbaar,
                "begrensd": self.begrensd}


@dataclass(frozen=True)
class Som:
    """One observation of a sum: ``fte`` of ``functie`` worked by the gemeenten of ``rijen``
    together (rows of the volume matrix; e.g. a region's Doorstroompunt bezetting in one year).
    ``cluster`` labels it for the bootstrap (e.g. the region code)."""

    functie: str
    rijen: tuple[int, ...]
    fte: float
    cluster: str = ""


@dataclass(frozen=True)
class Kalibratie:
    """Result of :func:`kalibreer`.

    taken: per taak, in ``normenset.taken`` order. groepen: the merged groups. Fit quality:
    r2 (share of the variance of observed FTE explained), rmse_fte (root mean squared
    residual in FTE over all N × F cells), n_waarnemingen N, n_parameters (estimated
    parameters, a groep counts once), vrijheidsgraden. voorspeld, werkelijk: (M,) FTE per
    observed value: the cells of ``fte_werkelijk`` with a value in row order (n, f), then the
    :class:`Som` s; ``n_waarden`` is M.
    """

    normenset: Normenset
    begrenzing: str
    taken: tuple[TaakSchatting, ...]
    groepen: tuple[GroepSchatting, ...]
    r2: float
    rmse_fte: float
    n_waarnemingen: int
    n_parameters: int
    vrijheidsgraden: int
    interval: str  # "jacobiaan" or "bootstrap (B)"
    weging: str  # "relatief" or "gelijk"
    voorspeld: np.ndarray = field(repr=False)
    werkelijk: np.ndarray = field(repr=False)
    n_waarden: int = 0

    def taak(self, sleutel: str) -> TaakSchatting:
        return next(t for t in self.taken if t.sleutel == sleutel)

    def als_dict(self) -> dict:
        """The JSON of ``formatie calibrate``."""
        return {
            "normenset": {"naam": self.normenset.naam, "versie": self.normenset.versie},
            "begrenzing": self.begrenzing,
            "taken": {t.sleutel: t.als_dict() for t in self.taken},
            "groepen": {g.sleutel: g.als_dict() for g in self.groepen},
            "fit": {
                "r2": self.r2 if math.isfinite(self.r2) else None,
                "rmse_fte": self.rmse_fte,
                "n_waarnemingen": self.n_waarnemingen,
                "n_waarden": self.n_waarden,
                "n_parameters": self.n_parameters,
                "vrijheidsgraden": self.vrijheidsgraden,
                "interval": self.interval,
                "weging": self.weging,
            },
        }


def ontwerp(normenset: Normenset, volume: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, b): FTE = A @ uren + b, A (N·F, K) and b (N·F,), rows ordered (n, f).

    Computed with :func:`fte_arrays`: b at zero hours, column k at one hour for taak k only.
    """
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    k = len(normenset.taken)
    args = (casus_uren_per_fte(normenset), normenset.functie_parameter("vast_fte"),
            normenset.functie_parameter("leiding"), normenset.taak_invoer_index,
            normenset.taak_functie_index)
    nul = fte_arrays(volume, np.zeros(k), *args)["fte"]  # (N, F)
    een = fte_arrays(volume, np.eye(k), *args)["fte"]  # (K, N, F)
    a = (een - nul).reshape(k, -1).T
    return a, nul.ravel()


def _groepen(normenset: Normenset) -> list[list[int]]:
    """Taak indices grouped by (functie, invoer): identical design columns."""
    groepen: dict[tuple[str, str], list[int]] = {}
    for k, t in enumerate(normenset.taken):
        groepen.setdefault((t.functie, t.invoer), []).append(k)
    return list(groepen.values())


def kalibreer(
    normenset: Normenset,
    volume: np.ndarray,
    fte_werkelijk: np.ndarray,
    begrenzing: str = "positief",
    bootstrap: int = 0,
    rng: np.random.Generator | None = None,
    clusters: np.ndarray | None = None,
    weging: str = "relatief",
    sommen: tuple[Som, ...] = (),
) -> Kalibratie:
    """Estimate hours per taak (see the module text).

    volume (N, I) in ``normenset.invoer`` order; fte_werkelijk (N, F) FTE actually worked per
    functie, counted like the model's ``fte`` (incl. leiding), NaN where not observed;
    ``sommen``: observations of a functie summed over several rows (a region's Doorstroompunt).
    ``bootstrap`` B > 0 gives bootstrap intervals (needs ``rng``), resampling ``clusters`` (N,)
    (e.g. gemeentecodes; default every observation on its own; a :class:`Som` is resampled
    with its own ``cluster``). ``weging``: "relatief" (default) weights each FTE
    residual by 1 / fitted FTE (relative deviations count equally, as staffing deviations grow
    with size); "gelijk" is plain least squares in FTE.
    """
    from scipy.optimize import lsq_linear
    from scipy.stats import t as student_t

    if begrenzing not in BEGRENZINGEN:
        raise ValueError(f"begrenzing must be one of {BEGRENZINGEN}")
    if weging not in ("relatief", "gelijk"):
        raise ValueError("weging must be 'relatief' or 'gelijk'")
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    y = np.atleast_2d(np.asarray(fte_werkelijk, dtype=float))
    n_obs = volume.shape[0]
    if y.shape != (n_obs, len(normenset.functies)):
        raise ValueError(f"fte_werkelijk must be ({n_obs}, {len(normenset.functies)})")
    a_cel, b_cel = ontwerp(normenset, volume)
    n_f = len(normenset.functies)
    labels = np.arange(n_obs).astype(str) if clusters is None else np.asarray(clusters, str)
    # the observed values as combinations of the model's (n, f) cells: one cell each, or a sum
    cellen = np.flatnonzero(np.isfinite(y.ravel()))
    opbouw = np.zeros((len(cellen) + len(sommen), n_obs * n_f))
    opbouw[np.arange(len(cellen)), cellen] = 1.0
    for m, som in enumerate(sommen, start=len(cellen)):
        opbouw[m, np.asarray(som.rijen, dtype=int) * n_f
               + normenset.functie_sleutels.index(som.functie)] = 1.0
    a_vol, b = opbouw @ a_cel, opbouw @ b_cel
    waarde = np.concatenate([y.ravel()[cellen], [som.fte for som in sommen]])
    cluster_van = np.concatenate([labels[cellen // n_f],
                                  [som.cluster or f"som {m}" for m, som in enumerate(sommen)]])
    doel = waarde - b

    groepen = _groepen(normenset)
    # members of a groep have identical columns c: Σ uren_k · c = (Σ uren_k) · c
    a = np.column_stack([a_vol[:, g[0]] for g in groepen])
    laag = np.array([normenset.taak_uren_laag[g].sum() for g in groepen])
    hoog = np.array([normenset.taak_uren_hoog[g].sum() for g in groepen])
    centraal = np.array([normenset.taak_uren[g].sum() for g in groepen])
    if begrenzing == "positief":
        laag, hoog = np.zeros(len(groepen)), np.full(len(groepen), np.inf)

    bovengrens = np.maximum(hoog, laag)
    vastgezet = bovengrens <= laag  # zero-width interval (begrenzing "normenset"): not estimated
    nul_kolom = ~np.any(a != 0, axis=0)
    # rank deficiency among the non-zero columns (scaled, so units do not matter)
    schaal = np.where(nul_kolom, 1.0, np.sqrt((a**2).sum(axis=0)))
    a_s = a / schaal
    actief = np.flatnonzero(~nul_kolom & ~vastgezet)
    collineair = np.zeros(len(groepen), dtype=bool)
    if len(actief):
        _, s, vt = np.linalg.svd(a_s[:, actief], full_matrices=False)
        tol = s.max() * max(a.shape) * 1e-10 if len(s) else 0.0
        rang = int((s > tol).sum())
        if rang < len(actief):
            nulruimte = vt[rang:]
            collineair[actief] = np.abs(nulruimte).max(axis=0) > 1e-6

    vrij = np.flatnonzero(~nul_kolom & ~vastgezet)
    methode = "bvls" if len(vrij) <= 200 else "trf"
    centraal = np.where(vastgezet, laag, centraal)
    vast_deel = a[:, vastgezet] @ laag[vastgezet]  # FTE of the fixed hours

    def oplossen(rijen: np.ndarray | slice, gewicht: np.ndarray) -> np.ndarray:
        x = centraal.copy()
        if len(vrij):
            a_w = a[rijen][:, vrij] * gewicht[:, None]
            rest = (doel[rijen] - vast_deel[rijen]) * gewicht
            x[vrij] = lsq_linear(a_w, rest, bounds=(laag[vrij], bovengrens[vrij]),
                                 method=methode).x
        return x

    def weging_van(voorspeld: np.ndarray) -> np.ndarray:
        if weging == "gelijk":
            return np.ones_like(voorspeld)
        vloer = max(0.01, 0.05 * float(np.median(np.abs(voorspeld))))
        return 1.0 / np.maximum(np.abs(voorspeld), vloer)

    # first an unweighted fit, then (weging "relatief") weights 1/fitted FTE: deviations of
    # staffing grow with the size of the gemeente
    # an observation at or below its functie's minimum formation says nothing about the hours
    # (per (n, f) cell; a sum's floor is its cells' floors)
    minimum_cel = np.tile(normenset.functie_parameter("minimum_fte"), n_obs)
    met_vloer = opbouw @ (minimum_cel > 0) > 0
    meetelt = ~(met_vloer & (waarde <= opbouw @ minimum_cel))
    schatting = oplossen(slice(None), meetelt.astype(float))
    # and neither does one whose fitted hours stay below the floor (the model gives the floor
    # whatever the hours are) in any of its cells: a second pass without those
    a_cellen = np.column_stack([a_cel[:, g[0]] for g in groepen])
    gevloerd = (minimum_cel > 0) & (a_cellen @ schatting + b_cel <= minimum_cel)
    meetelt &= ~(opbouw @ gevloerd > 0)
    if not meetelt.all():
        schatting = oplossen(slice(None), meetelt.astype(float))
    gewicht = weging_van(a @ schatting + b) * meetelt
    if weging == "relatief" or not meetelt.all():
        schatting = oplossen(slice(None), gewicht)
    voorspeld_vec = a @ schatting + b
    residu = waarde - voorspeld_vec
    # fit statistics over the observations that count (not those at the minimum formation)
    rss = float(residu[meetelt] @ residu[meetelt])
    ident = ~nul_kolom & ~collineair & ~vastgezet
    p = len(vrij)
    df = max(int(meetelt.sum()) - p, 0)
    y_telt = waarde[meetelt]
    ss_tot = float(((y_telt - y_telt.mean()) ** 2).sum()) if len(y_telt) else 0.0

    se = np.full(len(groepen), np.nan)
    lo = np.full(len(groepen), np.nan)
    hi = np.full(len(groepen), np.nan)
    if bootstrap > 0:
        if rng is None:
            raise ValueError("bootstrap needs rng")
        uniek, per_cluster = np.unique(cluster_van, return_inverse=True)
        rijen_van = [np.flatnonzero(per_cluster == c) for c in range(len(uniek))]
        trekkingen = np.empty((bootstrap, len(vrij)))
        for r in range(bootstrap):
            kies = rng.integers(0, len(uniek), len(uniek))
            rijen = np.concatenate([rijen_van[c] for c in kies])
            trekkingen[r] = oplossen(rijen, gewicht[rijen])[vrij]
        se[vrij] = trekkingen.std(axis=0, ddof=1) if bootstrap > 1 else np.nan
        lo[vrij], hi[vrij] = np.quantile(trekkingen, [0.1, 0.9], axis=0)
        interval = f"bootstrap ({bootstrap})"
    else:
        # sandwich (HC1) covariance of the weighted fit: robust to wrong weights
        idx = np.flatnonzero(ident)
        if len(idx) and df > 0:
            a_i = a_s[:, idx] * gewicht[:, None]
            e = residu * gewicht
            brood = np.linalg.pinv(a_i.T @ a_i)
            vlees = (a_i * e[:, None] ** 2).T @ a_i
            cov = brood @ vlees @ brood * (len(e) / df) / np.outer(schaal[idx], schaal[idx])
            se[idx] = np.sqrt(np.clip(np.diag(cov), 0, None))
            tq = float(student_t.ppf(0.9, df))
            lo[idx] = schatting[idx] - tq * se[idx]
            hi[idx] = schatting[idx] + tq * se[idx]
        interval = "jacobiaan"
    lo = np.where(ident, np.maximum(lo, 0.0), np.nan)
    hi = np.where(ident, hi, np.nan)
    marge = 1e-9 * np.maximum(np.abs(schatting), 1.0)
    op_grens = ~nul_kolom & ~vastgezet & ((schatting <= laag + marge)
                                          | (schatting >= bovengrens - marge))

    def getal(x: float) -> float | None:
        return None if not math.isfinite(x) else float(x)

    def reden(j: int) -> str | None:
        if nul_kolom[j]:
            return ("de gegevens zeggen niets over deze uren: de invoer is in alle waarnemingen "
                    "0, of de bezetting van deze functie is nergens bekend.")
        if vastgezet[j]:
            return ("vastgezet op de normenset: het 80%-interval heeft breedte 0 en de "
                    "begrenzing is 'normenset'.")
        if collineair[j]:
            return ("de invoer hangt lineair samen met andere invoer in deze gegevens: de uren "
                    "zijn niet los te schatten.")
        return None

    taak_uit: list[TaakSchatting | None] = [None] * len(normenset.taken)
    groep_uit = []
    for j, leden in enumerate(groepen):
        if len(leden) > 1:
            t0 = normenset.taken[leden[0]]
            sleutel = f"{t0.functie}:{t0.invoer}"
            groep_uit.append(GroepSchatting(
                sleutel=sleutel, taken=tuple(normenset.taken[k].sleutel for k in leden),
                uren_som=float(schatting[j]), laag=getal(lo[j]), hoog=getal(hi[j]),
                se=getal(se[j]), identificeerbaar=bool(ident[j]), begrensd=bool(op_grens[j])))
            for k in leden:
                taak_uit[k] = TaakSchatting(
                    sleutel=normenset.taken[k].sleutel, uren=None, laag=None, hoog=None, se=None,
                    identificeerbaar=False, groep=sleutel,
                    reden=(f"deelt invoer '{t0.invoer}' met "
                           + ", ".join(normenset.taken[m].sleutel for m in leden if m != k)
                           + ": alleen de som van de uren is te schatten (zie groepen)."),
                    normenset_uren=float(normenset.taak_uren[k]))
        else:
            k = leden[0]
            taak_uit[k] = TaakSchatting(
                sleutel=normenset.taken[k].sleutel, uren=float(schatting[j]),
                laag=getal(lo[j]), hoog=getal(hi[j]), se=getal(se[j]),
                identificeerbaar=bool(ident[j]), reden=reden(j),
                normenset_uren=float(normenset.taak_uren[k]), begrensd=bool(op_grens[j]))
    return Kalibratie(
        normenset=normenset,
        begrenzing=begrenzing,
        taken=tuple(t for t in taak_uit if t is not None),
        groepen=tuple(groep_uit),
        r2=1.0 - rss / ss_tot if ss_tot > 0 else float("nan"),
        rmse_fte=math.sqrt(rss / max(int(meetelt.sum()), 1)),
        n_waarnemingen=n_obs,
        n_parameters=p,
        vrijheidsgraden=df,
        interval=interval,
        weging=weging,
        voorspeld=voorspeld_vec,
        werkelijk=waarde,
        n_waarden=len(waarde),
    )


def regio_sommen(codes: list[str], jaren: list[int | None],
                 regio_fte: dict[tuple[str, int | None], dict[str, float]],
                 leden: dict[str, tuple[str, ...]]) -> tuple[tuple[Som, ...], list[str]]:
    """A region's bezetting per year as :class:`Som` s over the rows (``codes``, ``jaren``) of
    its gemeenten: ``regio_fte`` {(regio, jaar): {functie: fte}}, ``leden`` {regio: member
    codes}. A region-year counts only when every member has a row (else its need would be a
    part of the region against the whole region's staff); the others come back as Dutch
    sentences saying why they were left out."""
    rij_van = {(c, j): n for n, (c, j) in enumerate(zip(codes, jaren, strict=True))}
    sommen, weggelaten = [], []
    for (regio, jaar), per_functie in regio_fte.items():
        missend = [c for c in leden.get(regio, ()) if (c, jaar) not in rij_van]
        if regio not in leden or missend:
            weggelaten.append(f"regio {regio}{'' if jaar is None else f' {jaar}'}: "
                              + ("onbekende regio." if regio not in leden else
                                 f"geen rij voor gemeente {', '.join(missend)}."))
            continue
        rijen = tuple(rij_van[c, jaar] for c in leden[regio])
        sommen += [Som(f, rijen, float(v), regio) for f, v in per_functie.items()
                   if v is not None and math.isfinite(v)]
    return tuple(sommen), weggelaten


def gekalibreerde_normenset(kalibratie: Kalibratie, bron: str) -> Normenset:
    """A new normenset with the estimated hours; ``bron`` e.g. "gekalibreerd op x.csv (180 …)".

    ``afgeleid_van`` is the original's label; every other provenance (organisation parameters'
    bron/toelichting, geldig_vanaf/geldig_tot, bron of taken not estimated) is kept.

    Hours of taken that could not be estimated (invoer always 0, collinear) are kept from the
    original normenset. A groep's estimated sum is split in the original normenset's
    proportions; those taken get "<bron>; som van <groep> geschat, verdeeld naar de
    verhouding in <normenset>" as bron.
    """
    from dataclasses import replace

    n = kalibratie.normenset
    uren: dict[str, float] = {}
    bronnen: dict[str, str] = {}
    for t in kalibratie.taken:
        if t.groep is None and t.identificeerbaar and t.uren is not None:
            uren[t.sleutel] = t.uren
            bronnen[t.sleutel] = bron
    for g in kalibratie.groepen:
        if not g.identificeerbaar:
            continue
        oud = np.array([n.taak(s).uren for s in g.taken])
        aandeel = oud / oud.sum() if oud.sum() > 0 else np.full(len(oud), 1 / len(oud))
        for s, deel in zip(g.taken, aandeel, strict=True):
            uren[s] = float(g.uren_som * deel)
            bronnen[s] = (f"{bron}; som van {', '.join(g.taken)} geschat, verdeeld naar de "
                          f"verhouding in {n.label}")
    nieuw = n.met_uren(uren)
    taken = []
    for t in nieuw.taken:
        if t.sleutel in bronnen:
            k = kalibratie.taak(t.sleutel)
            laag, hoog = (k.laag, k.hoog) if k.laag is not None and k.hoog is not None else (
                t.uren_laag, t.uren_hoog)
            t = replace(t, uren_laag=min(laag, t.uren), uren_hoog=max(hoog, t.uren),
                        bron=bronnen[t.sleutel])
        taken.append(t)
    return replace(nieuw, taken=tuple(taken),
                   versie=afgeleide_versie(n.versie, VERSIE_ACHTERVOEGSEL),
                   afgeleid_van=n.label, bron_tekst=None)


def te_weinig_waarnemingen(normenset: Normenset, fte: np.ndarray, sommen,
                           n_obs: int) -> str | None:
    """The Dutch reason why ``n_obs`` rows of bezetting ``fte`` (NaN = none) and ``sommen``
    (region sums) cannot estimate ``normenset``'s hours, or None: a calibration needs more
    bezetting figures than there are taken (normuren) to estimate."""
    n_waarden = int(np.isfinite(fte).sum()) + len(sommen)
    if n_waarden > len(normenset.taken):
        return None
    return (f"te weinig waarnemingen: {n_obs} gemeente-jaren en {len(sommen)} regio-jaren, "
            f"samen {n_waarden} bezettingscijfers voor {len(normenset.taken)} normuren.")
