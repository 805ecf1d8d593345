"""The model held against published figures (``formatie/data/referentiepunten.csv``).

Three kinds of point, one row per published figure (see ``formatie/data/README.md``):

* ``bezetting``: a gemeente's real staffing (fte or persons) with the volumes it published. The
  model runs on those volumes; what is not published is estimated
  (:func:`formatie.schatting.geschatte_invoer`). Ratio = model fte ÷ real staffing.
* ``norm``: a published national norm (leerplichtigen per leerplichtambtenaar). The model's
  national leerplicht total (every gemeente on estimated volumes) is compared with what the norm
  gives for the estimated 5–17-year-olds.
* ``volume``: a published volume without staffing; the estimate is compared with it.

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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .getallen import format_getal
from .model import bereken
from .normenset import Normenset
from .onzekerheid import bereik
from .referentie import Referentie
from .schatting import geschatte_invoer

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
}
#: Published staffing: grootheid → (functie, unit in words).
BEZETTING: dict[str, tuple[str, str]] = {
    "fte_leerplicht": ("leerplicht", "fte"),
    "personen_leerplicht": ("leerplicht", "personen"),
}
#: The population a national norm counts ("leerplichtigen"): 5–17-year-olds, as validation.md.
NORM_NOEMER = ("leerplichtigen", "kwalificatieplichtigen")
#: Published rates per 1.000 5–17-year-olds: grootheid → the invoer whose estimate it compares.
PER_1000 = {"relatief_verzuim_per_1000_5_17": ("meldingen_16uur",)}


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


@lru_cache(maxsize=1)
def lees_referentiepunten() -> tuple[Cijfer, ...]:
    """Every row of the shipped ``referentiepunten.csv``."""
    with (DATA / BESTAND).open(encoding="utf-8") as f:
        return tuple(
            Cijfer(r["punt"], r["soort"], r["gebied"], tuple(r["gebiedcode"].split(";")),
                   r["jaar"], r["grootheid"], float(r["waarde"]), r["bron"], r["url"],
                   r["opmerking"])
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

    @property
    def verhouding(self) -> float:
        return self.model / self.werkelijk

    @property
    def verhouding_p10(self) -> float:
        return self.p10 / self.werkelijk

    @property
    def verhouding_p90(self) -> float:
        return self.p90 / self.werkelijk


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
    """A published volume (or rate) next to the estimate for the same area."""

    punt: str
    gebied: str
    jaar: str
    grootheid: str
    gepubliceerd: float
    geschat: float

    @property
    def verhouding(self) -> float:
        """Estimate ÷ published (below 1: the estimate is lower)."""
        return self.geschat / self.gepubliceerd if self.gepubliceerd else float("nan")


@dataclass(frozen=True)
class Validatie:
    """The whole comparison: staffing points, the national total against norms, volumes."""

    normenset: Normenset
    punten: tuple[Punt, ...]
    landelijk_fte: float  # leerplicht, all gemeenten, estimated volumes
    landelijk_p10: float
    landelijk_p90: float
    landelijk_noemer: float  # estimated 5–17-year-olds
    normen: tuple[Norm, ...]
    volumes: tuple[Volume, ...] = field(default=())

    def als_dict(self) -> dict:
        """JSON-able (every number finite)."""
        return {
            "normenset": {"naam": self.normenset.naam, "versie": self.normenset.versie},
            "punten": [{
                "punt": p.punt, "gebied": p.gebied, "jaar": p.jaar, "functie": p.functie,
                "werkelijk": p.werkelijk, "eenheid": p.eenheid, "model": p.model,
                "verhouding": p.verhouding, "p10": p.p10, "p90": p.p90,
                "verhouding_p10": p.verhouding_p10, "verhouding_p90": p.verhouding_p90,
                "gepubliceerd": p.gepubliceerd, "geschat": list(p.geschat),
                "niet_gebruikt": list(p.niet_gebruikt), "bron": p.bron,
            } for p in self.punten],
            "landelijk": {
                "functie": "leerplicht", "fte": self.landelijk_fte, "p10": self.landelijk_p10,
                "p90": self.landelijk_p90, "leerplichtigen_5_17": self.landelijk_noemer,
                "normen": [{"punt": n.punt, "jaar": n.jaar, "leerplichtigen_per_fte": n.per,
                            "norm_fte": n.norm_fte, "verhouding": n.verhouding, "bron": n.bron}
                           for n in self.normen],
            },
            "volumes": [{"punt": v.punt, "gebied": v.gebied, "jaar": v.jaar,
                         "grootheid": v.grootheid, "gepubliceerd": v.gepubliceerd,
                         "geschat": v.geschat, "verhouding": v.verhouding}
                        for v in self.volumes if np.isfinite(v.verhouding)],
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


def valideer(normenset: Normenset, referentie: Referentie,
             cijfers: tuple[Cijfer, ...] | None = None) -> Validatie:
    """Hold ``normenset`` against the published points (default: the shipped file)."""
    cijfers = lees_referentiepunten() if cijfers is None else cijfers
    schatting = geschatte_invoer(normenset, referentie)
    index = referentie.index
    sleutels = normenset.invoer_sleutels

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
        meta.append((staf[0], functie, eenheid, gepubliceerd, nog, niet))
    punten = []
    if rijen:
        volumes = np.nan_to_num(np.vstack(rijen))
        b = bereik(normenset, volumes)  # the one policy: draws and seeds follow from the inputs
        for g, (staf, functie, eenheid, gepubliceerd, nog, niet) in enumerate(meta):
            f = normenset.functie_sleutels.index(functie)
            punten.append(Punt(
                punt=staf.punt, gebied=staf.gebied, jaar=staf.jaar, functie=functie,
                werkelijk=staf.waarde, eenheid=eenheid, model=float(b.centraal[g, f]),
                p10=float(b.fte[0, g, f]), p90=float(b.fte[-1, g, f]),
                gepubliceerd=gepubliceerd, geschat=nog, niet_gebruikt=niet, bron=staf.bron))

    # ----- national total against the published norms ------------------------------------
    landelijk = np.nan_to_num(schatting)
    f = normenset.functie_sleutels.index("leerplicht")
    res = bereken(normenset, landelijk)
    b = bereik(normenset, landelijk)
    noemer = float(sum(landelijk[:, sleutels.index(s)].sum() for s in NORM_NOEMER
                       if s in sleutels))
    fte = float(res.fte[:, f].sum())
    normen = tuple(
        Norm(c.punt, c.jaar, c.waarde, noemer / c.waarde, fte / (noemer / c.waarde), c.bron)
        for c in cijfers if c.soort == "norm" and c.grootheid == "leerplichtigen_per_ambtenaar")

    # ----- published volumes against the estimates ----------------------------------------
    volumes = []
    for c in cijfers:
        if c.soort != "volume":
            continue
        rijen_g = [index[g] for g in c.gebiedcodes if g in index]
        if c.grootheid in GROOTHEDEN:
            deel = [sleutels.index(s) for s in GROOTHEDEN[c.grootheid] if s in sleutels]
            geschat = float(np.nansum(schatting[np.ix_(rijen_g, deel)])) if deel else None
        elif c.grootheid in PER_1000:
            deel = [sleutels.index(s) for s in PER_1000[c.grootheid] if s in sleutels]
            pop = [sleutels.index(s) for s in NORM_NOEMER if s in sleutels]
            totaal = float(np.nansum(schatting[np.ix_(rijen_g, pop)]))
            geschat = (float(np.nansum(schatting[np.ix_(rijen_g, deel)])) / totaal * 1000
                       if deel and totaal > 0 else None)
        else:
            geschat = None
        if geschat is not None:
            volumes.append(Volume(c.punt, c.gebied, c.jaar, c.grootheid, c.waarde, geschat))

    return Validatie(normenset=normenset, punten=tuple(punten), landelijk_fte=fte,
                     landelijk_p10=float(b.totaal_fte[0, f]),
                     landelijk_p90=float(b.totaal_fte[-1, f]), landelijk_noemer=noemer,
                     normen=normen, volumes=tuple(volumes))


def als_tabel(v: Validatie) -> str:
    """The validation as Markdown tables, numbers in Dutch notation (docs/validatie.md and the
    README show this text)."""
    def g(x, d=1):
        return format_getal(x, d)

    regels = [f"Normenset {v.normenset.label} tegen gepubliceerde cijfers "
              "(formatie/data/referentiepunten.csv).", "",
              "| punt | jaar | werkelijk | model (fte) | verhouding | P10–P90 (fte) "
              "| verhouding P10–P90 | gepubliceerde volumes |",
              "|---|---|---|---|---|---|---|---|"]
    for p in v.punten:
        volumes = ", ".join(f"{k} {format_getal(w)}" for k, w in p.gepubliceerd.items()
                            if k not in p.niet_gebruikt)
        regels.append(f"| {p.gebied} ({p.functie}) | {p.jaar} | {g(p.werkelijk)} {p.eenheid} "
                      f"| {g(p.model)} | {g(p.verhouding, 2)} | {g(p.p10)}–{g(p.p90)} "
                      f"| {g(p.verhouding_p10, 2)}–{g(p.verhouding_p90, 2)} | {volumes} |")
    regels += ["", f"Landelijk, leerplicht (alle gemeenten, geschatte volumes): "
                   f"{g(v.landelijk_fte)} fte (P10–P90 {g(v.landelijk_p10)}–"
                   f"{g(v.landelijk_p90)}) voor {format_getal(v.landelijk_noemer)} "
                   "5–17-jarigen (geschat).", "",
               "| norm | leerplichtigen per fte | fte volgens de norm | model ÷ norm |",
               "|---|---|---|---|"]
    for n in v.normen:
        regels.append(f"| {n.punt} ({n.jaar}) | {format_getal(n.per)} | {g(n.norm_fte)} "
                      f"| {g(n.verhouding, 2)} |")
    if v.volumes:
        regels += ["", "| volume | jaar | gepubliceerd | schatting | schatting ÷ gepubliceerd |",
                   "|---|---|---|---|---|"]
        for w in v.volumes:
            regels.append(f"| {w.gebied}: {w.grootheid} | {w.jaar} | {g(w.gepubliceerd)} "
                          f"| {g(w.geschat)} | {g(w.verhouding, 2)} |")
    return "\n".join(regels)
