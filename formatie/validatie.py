"""The model held against published figures (``formatie/data/referentiepunten.csv``).

Three kinds of point, one row per published figure (see ``formatie/data/README.md``):

* ``bezetting``: a gemeente's real staffing (fte or persons) with the volumes it published. The
  model runs on those volumes; what is not published is estimated
  (:func:`formatie.schatting.geschatte_invoer`). Ratio = model fte ÷ real staffing.
* ``norm``: a published national norm (leerplichtigen per leerplichtambtenaar). The model's
  national leerplicht total (every gemeente on estimated volumes) is compared with what the norm
  gives for the estimated 5–17-year-olds.
* ``volume``: a published volume or rate without staffing; the estimate is compared with it.
  Points the covariate model is fitted on (``gebruik = "fit"``, :mod:`formatie.fit`) also show
  their leave-one-area-out prediction from ``schatting_fit.toml``; the estimate of a rate is the
  national value of its year (the ``landelijk`` row) × the area's factor, so it compares the
  *relative* estimate, the level being the national series'.
* ``gebruik = "afleiding"``: the normuren were derived from these points (Utrecht ~2015,
  's-Hertogenbosch 2012/13); they are shown, marked "afleiding, geen validatie".

Besides the points: the national sums of the estimates next to the national series
(``nl_verzuim_landelijk_2004_2023.csv``) and the spread of leerplicht fte per 1.000 leerplichtigen
across the gemeenten (P10, median, P90) on estimated volumes.

How a published volume becomes invoer (:data:`GROOTHEDEN`): a figure that covers several invoer
("verzuimmeldingen" = meldingen 16 uur + luxe + overig) is first reduced by the parts that were
published separately (luxe verzuim), and the rest is split over the other parts in the proportion
of their estimates. An invoer that a controle of the normenset bounds by a scaled invoer (herhaalde
meldingen ≤ meldingen 16 uur) is scaled by the same factor, so subsets follow their total.

Read every ratio as a band, not a target: the points are few, from other years, and real staffing
is not need (validation.md). Pure: no printing, no files besides the shipped data.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .doelgroepen import leeftijdsjaren
from .getallen import format_euro, format_getal
from .kosten import indexeer, peiljaar
from .model import bereken
from .normenset import Normenset
from .onzekerheid import bereik
from .referentie import Referentie
from .schatting import Soort, bases, factoren, fit_resultaat, geschatte_invoer, schattingsmodel

DATA = Path(__file__).parent / "data"
BESTAND = "referentiepunten.csv"

#: Published volume → the invoer it covers (in a normenset with the standard invoer keys).
GROOTHEDEN: dict[str, tuple[str, ...]] = {
    "verzuimmeldingen": ("meldingen_16uur", "luxe_verzuim", "overig_verzuim"),
    "luxe_verzuim": ("luxe_verzuim",),
    "processen_verbaal": ("processen_verbaal",),
    "leerlingen": ("leerplichtigen", "kwalificatieplichtigen"),
    "nieuwe_vsv": ("nieuwe_vsv",),
    "verzuimmeldingen_18plus": ("verzuimmeldingen_18plus",),
    "preventieve_meldingen": ("preventieve_meldingen",),
    "absoluut_verzuim": ("absoluut_verzuim_kort", "absoluut_verzuim_lang"),
}
#: Published staffing: grootheid → (functie, unit in words).
BEZETTING: dict[str, tuple[str, str]] = {
    "fte_leerplicht": ("leerplicht", "fte"),
    "personen_leerplicht": ("leerplicht", "personen"),
}
#: Published cost per fte: grootheid → the functie whose cost per fte it is compared with
#: (``kosten_per_fte_gemeente``: another municipal function, held against leerplicht).
KOSTEN: dict[str, str] = {
    "kosten_per_fte_leerplicht": "leerplicht",
    "kosten_per_fte_doorstroompunt": "doorstroompunt",
    "kosten_per_fte_gemeente": "leerplicht",
}
#: The population a national norm counts ("leerplichtigen"): 5–17-year-olds, as validation.md.
NORM_NOEMER = ("leerplichtigen", "kwalificatieplichtigen")
#: Published rates per 1.000 (or per 100) 5–17-year-olds that no fit uses: grootheid → (the
#: invoer whose estimate it compares, per).
PER_1000 = {"relatief_verzuim_per_1000_5_17": (("meldingen_16uur",), 1000.0),
            "relatief_verzuim_pct_scholieren": (("meldingen_16uur",), 100.0)}
#: National series (nl_verzuim_landelijk_2004_2023.csv column → the invoer whose national sum
#: it is): the estimates' flat rates rest on the latest year of each.
LANDELIJKE_REEKS = {
    "absoluut_verzuim": ("absoluut_verzuim_kort", "absoluut_verzuim_lang"),
    "langdurig_relatief_verzuim": ("langdurig_relatief_verzuim",),
    "vrijstelling_5a": ("vrijstelling_5_onder_a",),
}


@dataclass(frozen=True)
class Cijfer:
    """One published figure (a row of the reference file)."""

    punt: str
    soort: str  # "bezetting", "norm" or "volume"
    gebied: str
    gebiedcodes: tuple[str, ...]  # gemeentecodes; ("NL",) for a national norm
    jaar: str
    grootheid: str
    waarde: float
    bron: str
    url: str
    opmerking: str
    citaat: str = ""
    gebruik: str = "validatie"  # "fit", "validatie", "afleiding" or "landelijk"


@lru_cache(maxsize=1)
def lees_referentiepunten() -> tuple[Cijfer, ...]:
    """Every row of the shipped ``referentiepunten.csv``."""
    with (DATA / BESTAND).open(encoding="utf-8") as f:
        return tuple(
            Cijfer(r["punt"], r["soort"], r["gebied"], tuple(r["gebiedcode"].split(";")),
                   r["jaar"], r["grootheid"], float(r["waarde"]), r["bron"], r["url"],
                   r["opmerking"], r["citaat"], r["gebruik"])
            for r in csv.DictReader(f))


@dataclass(frozen=True)
class Punt:
    """The model at one published staffing point. Fte figures are of the point's functie."""

    punt: str
    gebied: str
    jaar: str
    functie: str
    werkelijk: float
    eenheid: str  # "fte" or "personen"
    model: float
    p10: float
    p90: float
    gepubliceerd: dict[str, float]  # grootheid → value used
    geschat: tuple[str, ...]  # invoer that were estimated, not published
    niet_gebruikt: tuple[str, ...]  # published grootheden the model has no invoer for
    bron: str
    gebruik: str = "validatie"  # "afleiding": the normuren were derived from this point
    leerplichtigen: float = float("nan")  # the kengetal's denominator, estimated (today)

    @property
    def verhouding(self) -> float:
        return self.model / self.werkelijk

    @property
    def verhouding_p10(self) -> float:
        return self.p10 / self.werkelijk

    @property
    def verhouding_p90(self) -> float:
        return self.p90 / self.werkelijk

    @property
    def per_1000(self) -> float:
        """Published staffing per 1.000 of the kengetal's denominator (the normenset's
        ``per_duizend``, leerplichtigen), estimated for today."""
        return self.werkelijk / self.leerplichtigen * 1000


@dataclass(frozen=True)
class Norm:
    """A national norm next to the model's national total."""

    punt: str
    jaar: str
    per: float  # leerplichtigen per leerplichtambtenaar
    norm_fte: float  # what the norm gives for the estimated population
    verhouding: float  # model ÷ norm
    bron: str


@dataclass(frozen=True)
class Volume:
    """A published volume (or rate) next to the estimate for the same area; ``loo`` is the
    leave-one-area-out prediction where the point is in the fit (None otherwise)."""

    punt: str
    gebied: str
    jaar: str
    grootheid: str
    gepubliceerd: float
    geschat: float
    gebruik: str = "validatie"
    soort: str = ""  # the soort of the estimates it tests
    loo: float | None = None

    @property
    def verhouding(self) -> float:
        """Estimate ÷ published (below 1: the estimate is lower)."""
        return self.geschat / self.gepubliceerd if self.gepubliceerd else float("nan")

    @property
    def loo_verhouding(self) -> float | None:
        if self.loo is None or not self.gepubliceerd:
            return None
        return self.loo / self.gepubliceerd

    @property
    def loo_abs_log_fout(self) -> float | None:
        v = self.loo_verhouding
        return abs(math.log(v)) if v else None


@dataclass(frozen=True)
class Som:
    """A national sum of estimates next to the national series it should equal."""

    reeks: str  # column of nl_verzuim_landelijk_2004_2023.csv
    invoer: tuple[str, ...]
    schooljaar: str
    landelijk: float
    geschat: float


@dataclass(frozen=True)
class Kostenpunt:
    """A published cost per fte next to the normenset's: the published figure, brought to the
    normenset's price level (:func:`formatie.kosten.peiljaar`) with its ``indexatie``."""

    punt: str
    gebied: str
    jaar: str
    grootheid: str
    functie: str
    gepubliceerd: float  # euros per fte per year, as published
    geindexeerd: float  # the same at the normenset's price level
    model: float  # the normenset's kosten per fte of ``functie``
    peiljaar: int | None
    bron: str

    @property
    def verhouding(self) -> float:
        return self.model / self.geindexeerd


@dataclass(frozen=True)
class Validatie:
    """The whole comparison: staffing points, the national total against norms, volumes, the
    fit, national sums and the spread across gemeenten."""

    normenset: Normenset
    punten: tuple[Punt, ...]
    landelijk_fte: float  # leerplicht, all gemeenten, estimated volumes
    landelijk_p10: float
    landelijk_p90: float
    landelijk_noemer: float  # estimated 5–17-year-olds
    normen: tuple[Norm, ...]
    volumes: tuple[Volume, ...] = field(default=())
    fit: dict = field(default_factory=dict)  # schatting_fit.toml: totaal and per soort
    sommen: tuple[Som, ...] = field(default=())
    spreiding: tuple[float, float, float] = (float("nan"),) * 3  # P10, median, P90
    kosten: tuple[Kostenpunt, ...] = field(default=())

    def als_dict(self) -> dict:
        """JSON-able (every number finite; a missing LOO is null)."""
        totaal = self.fit.get("totaal", {})
        return {
            "normenset": {"naam": self.normenset.naam, "versie": self.normenset.versie},
            "punten": [{
                "punt": p.punt, "gebied": p.gebied, "jaar": p.jaar, "functie": p.functie,
                "werkelijk": p.werkelijk, "eenheid": p.eenheid, "model": p.model,
                "verhouding": p.verhouding, "p10": p.p10, "p90": p.p90,
                "verhouding_p10": p.verhouding_p10, "verhouding_p90": p.verhouding_p90,
                "gepubliceerd": p.gepubliceerd, "geschat": list(p.geschat),
                "niet_gebruikt": list(p.niet_gebruikt), "bron": p.bron,
                "gebruik": p.gebruik, "validatie": p.gebruik != "afleiding",
                "per_1000_leerplichtigen": p.per_1000,
            } for p in self.punten],
            "landelijk": {
                "functie": "leerplicht", "fte": self.landelijk_fte, "p10": self.landelijk_p10,
                "p90": self.landelijk_p90, "leerplichtigen_5_17": self.landelijk_noemer,
                "normen": [{"punt": n.punt, "jaar": n.jaar, "leerplichtigen_per_fte": n.per,
                            "norm_fte": n.norm_fte, "verhouding": n.verhouding, "bron": n.bron}
                           for n in self.normen],
                "sommen": [{"reeks": s.reeks, "invoer": list(s.invoer),
                            "schooljaar": s.schooljaar, "landelijk": s.landelijk,
                            "geschat": s.geschat} for s in self.sommen],
            },
            "volumes": [{"punt": v.punt, "gebied": v.gebied, "jaar": v.jaar,
                         "grootheid": v.grootheid, "soort": v.soort, "gebruik": v.gebruik,
                         "gepubliceerd": v.gepubliceerd, "geschat": v.geschat,
                         "verhouding": (v.verhouding if np.isfinite(v.verhouding) else None),
                         "loo": v.loo,
                         "loo_verhouding": v.loo_verhouding,
                         "loo_abs_log_fout": v.loo_abs_log_fout}
                        for v in self.volumes],  # published 0: verhouding null
            "fit": {
                "loo_mediaan_abs_log_fout": totaal.get("loo_mediaan_abs_log_fout"),
                "punten": totaal.get("punten"), "gebieden": totaal.get("gebieden"),
                "soorten": {k: {"grootheid": v["grootheid"], "covariaten": v["covariaten"],
                                "elasticiteit": v["elasticiteit"], "se": v["se"],
                                "alpha": v["alpha"], "punten": v["punten"],
                                "gebieden": v["gebieden"],
                                "loo_mediaan_abs_log_fout": v["loo_mediaan_abs_log_fout"]}
                            for k, v in self.fit.get("soort", {}).items()},
            },
            "kosten": [{"punt": k.punt, "gebied": k.gebied, "jaar": k.jaar,
                        "grootheid": k.grootheid, "functie": k.functie,
                        "gepubliceerd": k.gepubliceerd, "geindexeerd": k.geindexeerd,
                        "peiljaar": k.peiljaar, "model": k.model, "verhouding": k.verhouding,
                        "bron": k.bron} for k in self.kosten],
            "spreiding_fte_per_1000_leerplichtigen": {
                "functie": "leerplicht", "p10": self.spreiding[0], "mediaan": self.spreiding[1],
                "p90": self.spreiding[2]},
        }


def invoer_op_volumes(normenset: Normenset, geschat: np.ndarray, gepubliceerd: dict[str, float]
                      ) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """(I,) volumes: the estimate ``geschat`` (I,) with the published figures put in.

    Returns the volumes, the invoer still estimated, and the published grootheden that map to no
    invoer of this normenset. Grootheden are applied narrowest first (see the module text).
    """
    sleutels = normenset.invoer_sleutels
    volume = np.array(geschat, dtype=float)
    vast: set[str] = set()
    factor: dict[str, float] = {}
    niet_gebruikt = []
    bekend = {g: v for g, v in gepubliceerd.items() if g in GROOTHEDEN}
    niet_gebruikt = [g for g in gepubliceerd if g not in GROOTHEDEN]
    for grootheid in sorted(bekend, key=lambda g: len(GROOTHEDEN[g])):
        deel = [s for s in GROOTHEDEN[grootheid] if s in sleutels]
        if not deel:
            niet_gebruikt.append(grootheid)
            continue
        idx = [sleutels.index(s) for s in deel]
        rest = [i for i, s in zip(idx, deel, strict=True) if s not in vast]
        over = max(bekend[grootheid] - sum(volume[i] for i in idx if sleutels[i] in vast), 0.0)
        schatting = volume[rest].sum()
        for i in rest:
            aandeel = volume[i] / schatting if schatting > 0 else 1 / len(rest)
            nieuw = over * aandeel
            factor[sleutels[i]] = nieuw / volume[i] if volume[i] > 0 else 1.0
            volume[i] = nieuw
            vast.add(sleutels[i])
    for c in normenset.controles:  # subsets follow their total
        if c.rechts in factor and c.links not in vast and c.links in sleutels:
            volume[sleutels.index(c.links)] *= factor[c.rechts]
    geschat_nog = tuple(s for s in sleutels if s not in vast)
    return volume, geschat_nog, tuple(niet_gebruikt)


def _landelijke_waarden(cijfers: tuple[Cijfer, ...]) -> dict[tuple[str, str], float]:
    """(grootheid, jaar) → the national comparator (``soort = "landelijk"`` rows)."""
    return {(c.grootheid, c.jaar): c.waarde for c in cijfers if c.soort == "landelijk"}


def _soort_factor(soort: Soort, normenset: Normenset, referentie: Referentie,
                  risico: np.ndarray) -> np.ndarray:
    """(G,) the estimates' factor of ``soort`` as the normenset uses it: renormalised on the
    basis of its first estimated invoer (on ``risico`` when the normenset has none)."""
    alle = bases(referentie)
    basis = next((alle[i.schatting_basis] for i in normenset.invoer
                  if i.sleutel in soort.invoer and i.schatting_basis is not None
                  and i.schatting_per_1000 is not None), risico)
    return factoren(soort, basis, referentie).factor


def _fit_volumes(normenset: Normenset, referentie: Referentie,
                 cijfers: tuple[Cijfer, ...]) -> list[Volume]:
    """The points of the fit: the estimate (national value × the area's factor) and the
    leave-one-area-out prediction from schatting_fit.toml."""
    from .fit import _lid_indices  # the one definition of an area's gemeenten

    model = schattingsmodel()
    gefit = fit_resultaat().get("soort", {})
    nl = _landelijke_waarden(cijfers)
    jaren = leeftijdsjaren(referentie)
    uit = []
    for soort in model.soorten:
        if soort.fit is None:
            continue
        van, tot = soort.fit.leeftijd
        risico = jaren[:, van:tot].sum(axis=1)
        factor = _soort_factor(soort, normenset, referentie, risico)
        loo = {p["punt"]: p["loo"] for p in gefit.get(soort.sleutel, {}).get("punt", [])}
        for c in cijfers:
            if c.gebruik != "fit" or c.grootheid != soort.fit.grootheid or c.soort == "landelijk":
                continue
            leden = _lid_indices(c.gebiedcodes, referentie)
            b, f = risico[leden], factor[leden]
            if soort.fit.eenheid == "aantal":
                geschat = nl[(c.grootheid, c.jaar)] * float(b @ f) / float(risico.sum())
            else:
                geschat = nl[(c.grootheid, c.jaar)] * float(b @ f) / float(b.sum())
            uit.append(Volume(c.punt, c.gebied, c.jaar, c.grootheid, c.waarde, geschat,
                              "fit", soort.sleutel, loo.get(c.punt)))
    return uit


@lru_cache(maxsize=1)
def lees_landelijke_reeks() -> tuple[dict[str, str], ...]:
    """The rows of ``nl_verzuim_landelijk_2004_2023.csv`` (national leerplicht series)."""
    with (DATA / "nl_verzuim_landelijk_2004_2023.csv").open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def _sommen(normenset: Normenset, schatting: np.ndarray) -> list[Som]:
    """Per national series: its latest school year next to the national sum of the estimates."""
    sleutels = normenset.invoer_sleutels
    uit = []
    for reeks, invoer in LANDELIJKE_REEKS.items():
        if not all(s in sleutels for s in invoer):
            continue
        rij = [r for r in lees_landelijke_reeks() if r[reeks].strip()][-1]
        geschat = float(sum(np.nansum(schatting[:, sleutels.index(s)]) for s in invoer))
        uit.append(Som(reeks, invoer, rij["schooljaar"], float(rij[reeks]), geschat))
    return uit


def valideer(normenset: Normenset, referentie: Referentie,
             cijfers: tuple[Cijfer, ...] | None = None) -> Validatie:
    """Hold ``normenset`` against the published points (default: the shipped file)."""
    cijfers = lees_referentiepunten() if cijfers is None else cijfers
    schatting = geschatte_invoer(normenset, referentie)
    index = referentie.index
    sleutels = normenset.invoer_sleutels
    noemer_idx = [sleutels.index(s) for s in NORM_NOEMER if s in sleutels]
    # the tool's kengetal "fte per 1.000 …" (normenset per_duizend, else the 5–17-year-olds)
    per_idx = ([sleutels.index(normenset.per_duizend)] if normenset.per_duizend in sleutels
               else noemer_idx)

    # ----- staffing points: one model row per point ---------------------------------------
    per_punt: dict[str, list[Cijfer]] = {}
    for c in cijfers:
        if c.soort == "bezetting":
            per_punt.setdefault(c.punt, []).append(c)
    rijen, meta = [], []
    for rij in per_punt.values():
        staf = [c for c in rij if c.grootheid in BEZETTING]
        if len(staf) != 1:
            continue
        functie, eenheid = BEZETTING[staf[0].grootheid]
        if functie not in normenset.functie_sleutels:
            continue
        geschat = schatting[[index[g] for g in staf[0].gebiedcodes]].sum(axis=0)
        gepubliceerd = {c.grootheid: c.waarde for c in rij if c.grootheid not in BEZETTING}
        volume, nog, niet = invoer_op_volumes(normenset, geschat, gepubliceerd)
        rijen.append(volume)
        meta.append((staf[0], functie, eenheid, gepubliceerd, nog, niet,
                     float(np.nansum(geschat[per_idx]))))
    punten = []
    if rijen:
        volumes = np.nan_to_num(np.vstack(rijen))
        b = bereik(normenset, volumes)  # the one policy: draws and seeds follow from the inputs
        for g, (staf, functie, eenheid, gepubliceerd, nog, niet, lp) in enumerate(meta):
            f = normenset.functie_sleutels.index(functie)
            punten.append(Punt(
                punt=staf.punt, gebied=staf.gebied, jaar=staf.jaar, functie=functie,
                werkelijk=staf.waarde, eenheid=eenheid, model=float(b.centraal[g, f]),
                p10=float(b.fte[0, g, f]), p90=float(b.fte[-1, g, f]),
                gepubliceerd=gepubliceerd, geschat=nog, niet_gebruikt=niet, bron=staf.bron,
                gebruik=staf.gebruik, leerplichtigen=lp))

    # ----- national total against the published norms ------------------------------------
    landelijk = np.nan_to_num(schatting)
    f = normenset.functie_sleutels.index("leerplicht")
    res = bereken(normenset, landelijk)
    b = bereik(normenset, landelijk)
    noemer = float(sum(landelijk[:, i].sum() for i in noemer_idx))
    fte = float(res.fte[:, f].sum())
    normen = tuple(
        Norm(c.punt, c.jaar, c.waarde, noemer / c.waarde, fte / (noemer / c.waarde), c.bron)
        for c in cijfers if c.soort == "norm" and c.grootheid == "leerplichtigen_per_ambtenaar")
    per_1000 = res.fte[:, f] / landelijk[:, per_idx].sum(axis=1) * 1000
    spreiding = tuple(float(x) for x in np.percentile(per_1000[np.isfinite(per_1000)],
                                                       [10, 50, 90]))

    # ----- published volumes against the estimates ----------------------------------------
    volumes = _fit_volumes(normenset, referentie, cijfers)
    for c in cijfers:
        if c.soort != "volume" or c.gebruik == "fit":
            continue
        rijen_g = [index[g] for g in c.gebiedcodes if g in index]
        if c.grootheid in GROOTHEDEN:
            deel = [sleutels.index(s) for s in GROOTHEDEN[c.grootheid] if s in sleutels]
            geschat = float(np.nansum(schatting[np.ix_(rijen_g, deel)])) if deel else None
        elif c.grootheid in PER_1000:
            invoer, per = PER_1000[c.grootheid]
            deel = [sleutels.index(s) for s in invoer if s in sleutels]
            totaal = float(np.nansum(schatting[np.ix_(rijen_g, noemer_idx)]))
            geschat = (float(np.nansum(schatting[np.ix_(rijen_g, deel)])) / totaal * per
                       if deel and totaal > 0 else None)
        else:
            geschat = None
        if geschat is not None:
            volumes.append(Volume(c.punt, c.gebied, c.jaar, c.grootheid, c.waarde, geschat,
                                  c.gebruik))

    return Validatie(normenset=normenset, punten=tuple(punten), landelijk_fte=fte,
                     kosten=_kosten(normenset, cijfers),
                     landelijk_p10=float(b.totaal_fte[0, f]),
                     landelijk_p90=float(b.totaal_fte[-1, f]), landelijk_noemer=noemer,
                     normen=normen, volumes=tuple(volumes), fit=fit_resultaat(),
                     sommen=tuple(_sommen(normenset, schatting)),
                     spreiding=spreiding)  # type: ignore[arg-type]


def _kosten(normenset: Normenset, cijfers: tuple[Cijfer, ...]) -> tuple[Kostenpunt, ...]:
    """Every published cost per fte (``soort = "kosten"``) against the normenset's price of the
    functie in :data:`KOSTEN`, the published figure indexed from its year to the normenset's
    price level with the functie's ``indexatie`` (not indexed when either year is unknown)."""
    peil = peiljaar(normenset)
    uit = []
    for c in cijfers:
        functie = KOSTEN.get(c.grootheid) if c.soort == "kosten" else None
        if functie not in normenset.functie_sleutels:
            continue
        fn = normenset.functie(functie)
        jaar = int(c.jaar[:4]) if c.jaar[:4].isdigit() else None
        geindexeerd = (indexeer(c.waarde, fn.indexatie, jaar, peil)
                       if peil is not None and jaar is not None else c.waarde)
        uit.append(Kostenpunt(c.punt, c.gebied, c.jaar, c.grootheid, functie, c.waarde,
                              geindexeerd, fn.kosten_per_fte, peil, c.bron))
    return tuple(uit)


def _g(x: float | None, d: int = 1) -> str:
    return "–" if x is None or not math.isfinite(x) else format_getal(x, d)


def als_tabel(v: Validatie, volledig: bool = True) -> str:
    """The validation as Markdown tables, numbers in Dutch notation. ``volledig``: with one row
    per published volume (docs/validatie.md and the command); without: the summary the README
    shows (fit per soort, staffing, national totals, spread)."""
    g = _g
    model = schattingsmodel()
    namen = {s.sleutel: s.naam for s in model.soorten}
    totaal = v.fit.get("totaal", {})
    regels = [f"Normenset {v.normenset.label} tegen gepubliceerde cijfers "
              "(formatie/data/referentiepunten.csv).", ""]

    # fit per soort
    if v.fit:
        regels += [f"**Schattingen per gemeente, gefit** op {totaal['punten']} gepubliceerde "
                   f"punten uit {totaal['gebieden']} gebieden (`formatie herfit`): mediane "
                   "absolute log-fout bij weglaten van het eigen gebied (leave-one-out) "
                   f"**{g(totaal['loo_mediaan_abs_log_fout'], 2)}** (een factor "
                   f"{g(math.exp(totaal['loo_mediaan_abs_log_fout']), 2)}).", "",
                   "| soort | grootheid | punten (gebieden) | kenmerken: elasticiteit ± se "
                   "| leave-one-out-fout | vlak tarief |",
                   "|---|---|---|---|---|---|"]
        for k, s in v.fit.get("soort", {}).items():
            kenmerken = ", ".join(f"{model.covariaten[c].naam} {g(s['elasticiteit'][c], 2)} ± "
                                  f"{g(s['se'][c], 2)}" for c in s["covariaten"]) or "geen"
            vlak = next((x["loo_mediaan_abs_log_fout"] for x in s.get("kandidaat", [])
                         if not x["covariaten"]), None)
            regels.append(f"| {namen.get(k, k)} | {s['grootheid']} | {s['punten']} "
                          f"({s['gebieden']}) | {kenmerken} | "
                          f"{g(s['loo_mediaan_abs_log_fout'], 2)} | {g(vlak, 2)} |")
        zonder = [s.naam for s in model.soorten if s.bron == "aanname" and s.elasticiteit]
        if zonder:
            regels += ["", "Zonder gepubliceerde punten, dus aanname: " + ", ".join(zonder) + "."]
        regels.append("")

    if volledig and v.volumes:
        regels += ["| gebied | jaar | grootheid | gebruik | gepubliceerd | schatting "
                   "| schatting ÷ gepubliceerd | leave-one-out | leave-one-out ÷ gepubliceerd |",
                   "|---|---|---|---|---|---|---|---|---|"]
        for w in v.volumes:
            regels.append(f"| {w.gebied} | {w.jaar} | {w.grootheid} | {w.gebruik} "
                          f"| {g(w.gepubliceerd, 2)} | {g(w.geschat, 2)} | {g(w.verhouding, 2)} "
                          f"| {g(w.loo, 2)} | {g(w.loo_verhouding, 2)} |")
        regels.append("")

    # staffing
    regels += ["| bezetting | jaar | werkelijk | per 1.000 leerplichtigen | model (fte) "
               "| verhouding | P10–P90 (fte) | verhouding P10–P90 | gepubliceerde volumes "
               "| gebruik |",
               "|---|---|---|---|---|---|---|---|---|---|"]
    for p in v.punten:
        volumes = ", ".join(f"{k} {format_getal(w)}" for k, w in p.gepubliceerd.items()
                            if k not in p.niet_gebruikt) or "geen (alle volumes geschat)"
        gebruik = "afleiding, geen validatie" if p.gebruik == "afleiding" else "validatie"
        regels.append(f"| {p.gebied} ({p.functie}) | {p.jaar} | {g(p.werkelijk)} {p.eenheid} "
                      f"| {g(p.per_1000, 2)} | {g(p.model)} | {g(p.verhouding, 2)} "
                      f"| {g(p.p10)}–{g(p.p90)} "
                      f"| {g(p.verhouding_p10, 2)}–{g(p.verhouding_p90, 2)} | {volumes} "
                      f"| {gebruik} |")

    # national
    regels += ["", f"Landelijk, leerplicht (alle gemeenten, geschatte volumes): "
                   f"{g(v.landelijk_fte)} fte (P10–P90 {g(v.landelijk_p10)}–"
                   f"{g(v.landelijk_p90)}) voor {format_getal(v.landelijk_noemer)} "
                   "5–17-jarigen (geschat). Leerplicht-fte per 1.000 leerplichtigen over de "
                   f"gemeenten: P10 {g(v.spreiding[0], 2)}, mediaan {g(v.spreiding[1], 2)}, "
                   f"P90 {g(v.spreiding[2], 2)}.", "",
               "| norm | leerplichtigen per fte | fte volgens de norm | model ÷ norm |",
               "|---|---|---|---|"]
    for n in v.normen:
        regels.append(f"| {n.punt} ({n.jaar}) | {format_getal(n.per)} | {g(n.norm_fte)} "
                      f"| {g(n.verhouding, 2)} |")
    if v.kosten:
        peil = v.kosten[0].peiljaar
        regels += ["", "Kosten per fte (euro per jaar): de normenset rekent salaris × (1 + "
                   "werkgeverslasten) × (1 + opslag); een gepubliceerd bedrag is met de "
                   "indexatie van de normenset naar " + (f"{peil}" if peil else "het peiljaar")
                   + " gebracht.", "",
                   "| gebied | jaar | wat | gepubliceerd | geïndexeerd | normenset | "
                   "normenset ÷ geïndexeerd |", "|---|---|---|---|---|---|---|"]
        for k in v.kosten:
            wat = ("leerplicht" if k.grootheid == "kosten_per_fte_leerplicht"
                   else "doorstroompunt" if k.grootheid == "kosten_per_fte_doorstroompunt"
                   else f"andere gemeentelijke functie (tegen {k.functie})")
            regels.append(f"| {k.gebied} | {k.jaar} | {wat} | {format_euro(k.gepubliceerd)} "
                          f"| {format_euro(k.geindexeerd)} | {format_euro(k.model)} "
                          f"| {g(k.verhouding, 2)} |")
    if v.sommen:
        regels += ["", "| landelijke reeks | schooljaar | gepubliceerd | som van de schattingen "
                   "| invoer |", "|---|---|---|---|---|"]
        for s in v.sommen:
            regels.append(f"| {s.reeks} | {s.schooljaar} | {format_getal(s.landelijk)} "
                          f"| {format_getal(s.geschat)} | {', '.join(s.invoer)} |")
    return "\n".join(regels)
