"""Estimates from the shipped CBS/DUO data, for when a gemeente has not entered its own figures.

One estimator, :func:`geschatte_invoer`, serves ``formatie calculate --landelijk`` and the web
prefill. For every invoer with ``schatting_basis`` and ``schatting_per_1000``:

    volume[g] = basis[g] × schatting_per_1000 / 1000 × factor[g]

* ``basis`` is a target group from :mod:`formatie.doelgroepen` (leerplicht, kwalificatieplicht,
  Doorstroompunt; the old keys ``cbs_5_15`` … are aliases), CBS inhabitants or DUO school
  locations.
* ``factor`` makes gemeenten differ where CBS says they differ. Per *soort* invoer, the
  elasticities on CBS covariates (``kwb2023_gemeente_sociaaleconomisch.csv``) are *fitted* on
  published points where such points exist (``formatie/data/schatting_fit.toml``, written by
  ``formatie herfit``, :mod:`formatie.fit`) and otherwise the documented assumption of
  ``formatie/data/schatting.toml`` (``bron = "aanname"``):
  ``factor = clip(h × Π (x / x_landelijk) ** e, laag, hoog)`` with x_landelijk the
  inhabitant-weighted mean over the gemeenten (:func:`landelijk`). ``h`` (one number per
  invoer) is solved so that Σ basis × factor = Σ basis: the national sum stays the flat rate ×
  the national base, and so keeps matching the national series the rates were derived from.
  A gemeente missing a covariate the soort uses gets factor 1. An invoer in no soort gets
  factor 1 everywhere (the flat rate).

Every figure from this module is an *estimate* and is labelled so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .doelgroepen import Doelgroep, doelgroep, doelgroepen, overschot_15_24, schat_doelgroepen
from .gegevenscache import bewaard
from .getallen import format_getal
from .invoer_csv import InvoerTabel
from .normenset import Invoer, Normenset
from .problemen import InvoerFout, Probleem
from .referentie import Referentie, load_referentie

METHODE = (
    "Schatting uit CBS-leeftijdsgroepen (0–14, 15–24, 25–44 jaar, 1-1-2024), gelijk verdeeld "
    "over de leeftijdsjaren; in studentensteden telt het overschot aan 15–24-jarigen bij de "
    "18–24-jarigen, niet bij de 15–17-jarigen. Verzuim, handhaving en Doorstroompunt-aantallen "
    "zijn het landelijke tarief per 1.000, per gemeente hoger of lager naar CBS-kenmerken "
    "(inkomen, huishoudens rond het sociaal minimum, eenpersoonshuishoudens, herkomst), met "
    "elasticiteiten gefit op gepubliceerde cijfers (formatie valideer), zo dat de landelijke som "
    "gelijk blijft. Vervang de schatting door de BRP-telling en de registratie van uw gemeente."
)

#: Bases that are not a target group, with their names for pages.
OVERIGE_BASES = {
    "inwoners": "inwoners (CBS)",
    "vestigingen_po": "vestigingen primair onderwijs (DUO)",
}


@dataclass(frozen=True)
class Covariaat:
    """A CBS column used to let estimates differ; ``hoog``/``laag`` are Dutch phrases."""

    sleutel: str
    kolom: str
    naam: str
    hoog: str
    laag: str
    eenheid: str
    decimalen: int
    landelijk: str  # how the page names the national value ("landelijk", …)
    vorm: str = "aandeel"  # "rest": the factor uses (100 − x) / (100 − x_landelijk)


@dataclass(frozen=True)
class FitConfig:
    """How a soort is fitted (``[soort.X.fit]`` in schatting.toml, see :mod:`formatie.fit`):
    the published grootheid, its unit (``per_1000``, ``pct`` or ``aantal``), the single years of
    age at risk [van, tot), the candidate covariates and the largest number chosen."""

    grootheid: str
    eenheid: str
    leeftijd: tuple[int, int]
    kandidaten: tuple[str, ...]
    max_covariaten: int


@dataclass(frozen=True)
class Soort:
    """A kind of invoer with its elasticities per covariate key and their derivation.

    ``bron`` is ``"fit"`` when the elasticities come from ``schatting_fit.toml`` (then
    ``se`` holds their standard errors and ``loo`` the leave-one-area-out median absolute log
    error) and ``"aanname"`` when they are the documented assumption of ``schatting.toml``."""

    sleutel: str
    naam: str
    invoer: tuple[str, ...]
    elasticiteit: dict[str, float]
    afleiding: str
    bron: str = "aanname"
    fit: FitConfig | None = None
    se: dict[str, float] = field(default_factory=dict)
    loo: float | None = None


@dataclass(frozen=True)
class Schattingsmodel:
    """The contents of ``formatie/data/schatting.toml``."""

    laag: float
    hoog: float
    begrenzing: str
    covariaten: dict[str, Covariaat]
    soorten: tuple[Soort, ...]
    fit_marge: float = 0.0
    punten_per_covariaat: int = 1

    def soort_van(self, sleutel: str) -> Soort | None:
        return next((s for s in self.soorten if sleutel in s.invoer), None)


DATA = Path(__file__).parent / "data"
#: The fitted elasticities (written by ``formatie herfit``, :mod:`formatie.fit`).
FIT_BESTAND = "schatting_fit.toml"


@lru_cache(maxsize=1)
def fit_resultaat() -> dict:
    """The contents of ``formatie/data/schatting_fit.toml`` ({} when it is absent)."""
    import tomllib  # here, not at start-up: the CLI reads its parsed data from gegevenscache

    bestand = DATA / FIT_BESTAND
    if not bestand.is_file():
        return {}
    with bestand.open("rb") as f:
        return tomllib.load(f)


def _fit_afleiding(naam: str, f: dict, covariaten: dict[str, Covariaat],
                   punten_per_covariaat: int) -> str:
    """The Dutch derivation text of a fitted soort (what the invoer page and herkomst show)."""
    if f["punten"] < punten_per_covariaat:
        delen = (f"te weinig punten om een kenmerk te kiezen (minstens {punten_per_covariaat} per "
                 "kenmerk): het vlakke landelijke tarief; de punten toetsen alleen het niveau")
    elif f["covariaten"]:
        delen = "; ".join(
            f"{covariaten[k].naam}: elasticiteit {format_getal(f['elasticiteit'][k], 2)} "
            f"(standaardfout {format_getal(f['se'][k], 2)})" for k in f["covariaten"])
    else:
        delen = "geen kenmerk verbetert de voorspelling: het vlakke landelijke tarief"
    return (f"Geschat (negatief-binomiale regressie) op {f['punten']} gepubliceerde cijfers uit "
            f"{f['gebieden']} gebieden ({f['grootheid']}, formatie/data/referentiepunten.csv): "
            f"{delen}. Kenmerken gekozen op de fout wanneer een gebied wordt weggelaten "
            "(leave-one-out): de mediane afwijking is een factor "
            f"{format_getal(math.exp(f['loo_mediaan_abs_log_fout']), 2)} "
            f"(absolute log-fout {format_getal(f['loo_mediaan_abs_log_fout'], 2)}). "
            "De landelijke som blijft het tarief van de normenset.")


@lru_cache(maxsize=1)
def schattingsmodel() -> Schattingsmodel:
    """:func:`lees_schattingsmodel`, once per version of the package
    (:func:`formatie.gegevenscache.bewaard`)."""
    return bewaard("schattingsmodel", lees_schattingsmodel)


def lees_schattingsmodel() -> Schattingsmodel:
    """Read ``formatie/data/schatting.toml`` with the fitted elasticities of
    ``schatting_fit.toml``. A soort with a fit uses the fitted elasticities; a soort
    without published points keeps the assumption of schatting.toml."""
    import tomllib  # here, not at start-up: the CLI reads its parsed data from gegevenscache

    with (DATA / "schatting.toml").open("rb") as f:
        data = tomllib.load(f)
    gefit = fit_resultaat().get("soort", {})
    per_covariaat = int(data.get("fit", {}).get("punten_per_covariaat", 1))
    covariaten = {k: Covariaat(sleutel=k, kolom=v["kolom"], naam=v["naam"], hoog=v["hoog"],
                               laag=v["laag"], eenheid=v["eenheid"],
                               decimalen=int(v["decimalen"]), landelijk=v["landelijk"],
                               vorm=v.get("vorm", "aandeel"))
                  for k, v in data["covariaat"].items()}
    soorten = []
    for k, v in data["soort"].items():
        cfg = v.get("fit")
        config = None if cfg is None else FitConfig(
            grootheid=cfg["grootheid"], eenheid=cfg["eenheid"],
            leeftijd=(int(cfg["leeftijd"][0]), int(cfg["leeftijd"][1])),
            kandidaten=tuple(cfg["kandidaten"]), max_covariaten=int(cfg["max_covariaten"]))
        if config is not None and k in gefit:
            f = gefit[k]
            soorten.append(Soort(
                sleutel=k, naam=v["naam"], invoer=tuple(v["invoer"]),
                elasticiteit={c: float(f["elasticiteit"][c]) for c in f["covariaten"]},
                afleiding=_fit_afleiding(v["naam"], f, covariaten, per_covariaat), bron="fit",
                fit=config,
                se={c: float(f["se"][c]) for c in f["covariaten"]},
                loo=float(f["loo_mediaan_abs_log_fout"])))
        else:
            soorten.append(Soort(sleutel=k, naam=v["naam"], invoer=tuple(v["invoer"]),
                                 elasticiteit={c: float(e)
                                               for c, e in v.get("elasticiteit", {}).items()},
                                 afleiding=v["afleiding"], fit=config))
    return Schattingsmodel(laag=float(data["begrenzing"]["laag"]),
                           hoog=float(data["begrenzing"]["hoog"]),
                           begrenzing=data["begrenzing"]["toelichting"],
                           covariaten=covariaten, soorten=tuple(soorten),
                           fit_marge=float(data.get("fit", {}).get("marge", 0.0)),
                           punten_per_covariaat=per_covariaat)


def basis_naam(sleutel: str) -> str:
    """The page text of a ``schatting_basis`` (a target group's label, or inhabitants …)."""
    groep = doelgroep(sleutel)
    return groep.label if groep else OVERIGE_BASES[sleutel]


def bases(referentie: Referentie) -> dict[str, np.ndarray]:
    """(G,) arrays per ``schatting_basis`` key, aliases included
    (see :data:`formatie.normenset.SCHATTING_BASES`)."""
    groepen = schat_doelgroepen(referentie)
    uit = dict(groepen)
    for d in doelgroepen():
        for alias in d.aliassen:
            uit[alias] = groepen[d.sleutel]
    uit["inwoners"] = referentie.inwoners.astype(float)
    uit["vestigingen_po"] = referentie.vestigingen_po.astype(float)
    return uit


def covariaat_waarden(referentie: Referentie, kolom: str) -> np.ndarray:
    """(G,) a covariate: a CBS column of ``referentie.covariaten`` (NaN where suppressed), or the
    derived ``aandeel_overschot_18_26_pct`` (% of the Doorstroompunt group that is the student
    surplus of the 15–24 band, see :func:`formatie.doelgroepen.overschot_15_24`)."""
    if kolom == "aandeel_overschot_18_26_pct":
        groep = schat_doelgroepen(referentie)["doelgroep_doorstroompunt"]
        return 100 * np.minimum(overschot_15_24(referentie), groep) / groep
    if kolom == "aandeel_eenpersoonshuishoudens_pct":
        c = referentie.covariaten
        return 100 * c["eenpersoonshuishoudens"] / c["huishoudens_totaal"]
    return referentie.covariaten[kolom]


def landelijk(referentie: Referentie, kolom: str) -> float:
    """The national value of a covariate: its mean over the gemeenten that have it, weighted by
    inhabitants (for a share, close to the national share; for density, the density the average
    inhabitant lives at)."""
    x = covariaat_waarden(referentie, kolom)
    heeft = np.isfinite(x)
    return float(np.average(x[heeft], weights=referentie.covariaten["inwoners"][heeft]))


def _effect(c: Covariaat, referentie: Referentie) -> np.ndarray:
    """(G,) x / x_landelijk (or the rest-form ratio); NaN where the value is missing or ≤ 0."""
    x = covariaat_waarden(referentie, c.kolom)
    d = landelijk(referentie, c.kolom)
    if c.vorm == "rest":
        x, d = 100 - x, 100 - d
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x > 0, x / d, np.nan)


def _ruwe_factor(soort: Soort, referentie: Referentie) -> np.ndarray:
    """(G,) Π (x / x_landelijk) ** e before normalisation and cap; NaN where a covariate is
    missing."""
    model = schattingsmodel()
    ruw = np.ones(len(referentie.gemeentecodes))
    for sleutel, e in soort.elasticiteit.items():
        ruw = ruw * _effect(model.covariaten[sleutel], referentie) ** e
    return ruw


@dataclass(frozen=True)
class Factor:
    """One invoer's factors: ``factor`` (G,), the herweging ``h`` and which gemeenten were
    capped or had a missing covariate (bool (G,))."""

    factor: np.ndarray
    herweging: float
    begrensd: np.ndarray
    ontbreekt: np.ndarray


def herweging(b: np.ndarray, r: np.ndarray, doel: float, laag: float, hoog: float) -> float:
    """The h > 0 with Σ b × clip(h × r, laag, hoog) = doel, exactly (b, r (n,) > 0).

    The sum is continuous, non-decreasing and piecewise linear in h, with kinks where a
    gemeente reaches a bound (h = laag/r and hoog/r). With the gemeenten sorted by r (largest
    first: those reach ``hoog`` first and leave ``laag`` first), the sum at any h is two
    prefix sums, so it is evaluated at every kink at once; that brackets ``doel`` on one
    linear piece, which is then solved directly. No iterative root finder, and so no
    ``scipy.optimize`` to import on every command that estimates.
    """
    volgorde = np.argsort(-r, kind="stable")
    r, b = r[volgorde], b[volgorde]
    som_b = np.concatenate([[0.0], np.cumsum(b)])
    som_br = np.concatenate([[0.0], np.cumsum(b * r)])

    def grenzen(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # gemeenten [0, boven) are at hoog (r ≥ hoog/h), [onder, n) at laag (r ≤ laag/h)
        return (np.searchsorted(-r, -hoog / h, side="right"),
                np.searchsorted(-r, -laag / h, side="left"))

    def som(h: np.ndarray) -> np.ndarray:
        boven, onder = grenzen(h)
        return (hoog * som_b[boven] + h * (som_br[onder] - som_br[boven])
                + laag * (som_b[-1] - som_b[onder]))

    knikken = np.sort(np.concatenate([laag / r, hoog / r]))  # (2n,) ascending
    knikken = knikken[np.concatenate([[True], knikken[1:] > knikken[:-1]])]  # each once
    # at the first kink every factor is `laag` (sum ≤ doel), at the last `hoog` (≥ doel)
    j = int(np.clip(np.searchsorted(som(knikken), doel), 1, len(knikken) - 1))
    boven, onder = grenzen(np.array([0.5 * (knikken[j - 1] + knikken[j])]))
    boven, onder = int(boven[0]), int(onder[0])
    helling = som_br[onder] - som_br[boven]
    if not helling > 0:  # every gemeente at a bound on this piece: doel is met at its kink
        return float(knikken[j])
    return float((doel - hoog * som_b[boven] - laag * (som_b[-1] - som_b[onder])) / helling)


def factoren(soort: Soort | None, basis: np.ndarray, referentie: Referentie) -> Factor:
    """Normalised, capped factors of one soort on one basis (G,) so Σ basis × factor = Σ basis."""
    g = len(referentie.gemeentecodes)
    if soort is None or not soort.elasticiteit:
        return Factor(np.ones(g), 1.0, np.zeros(g, bool), np.zeros(g, bool))
    model = schattingsmodel()
    ruw = _ruwe_factor(soort, referentie)
    ontbreekt = ~np.isfinite(ruw)
    doel = basis.sum() - basis[ontbreekt].sum()
    r = ruw[~ontbreekt]
    h = herweging(basis[~ontbreekt], r, doel, model.laag, model.hoog)
    factor = np.ones(g)
    factor[~ontbreekt] = np.clip(h * r, model.laag, model.hoog)
    begrensd = np.zeros(g, bool)
    begrensd[~ontbreekt] = (h * r <= model.laag) | (h * r >= model.hoog)
    return Factor(factor, float(h), begrensd, ontbreekt)


def geschatte_invoer(normenset: Normenset, referentie: Referentie) -> np.ndarray:
    """(G, I) estimated volumes for all gemeenten; NaN where an invoer has no schatting.

    The one estimator behind ``formatie calculate --landelijk`` and the web prefill. For each
    invoer column, Σ over gemeenten = schatting_per_1000 / 1000 × Σ basis (the flat national sum).
    """
    alle = bases(referentie)
    model = schattingsmodel()
    kolommen = []
    for invoer in normenset.invoer:
        if invoer.schatting_basis is None or invoer.schatting_per_1000 is None:
            kolommen.append(np.full(len(referentie.gemeentecodes), np.nan))
            continue
        basis = alle[invoer.schatting_basis]
        f = factoren(model.soort_van(invoer.sleutel), basis, referentie)
        kolommen.append(basis * invoer.schatting_per_1000 / 1000.0 * f.factor)
    return np.column_stack(kolommen)


@dataclass(frozen=True)
class Uitleg:
    """Why one gemeente's estimates for one soort differ from the flat rate (Dutch ``tekst``)."""

    soort: str
    invoer: tuple[str, ...]  # invoer sleutels of the normenset in this soort
    factor: float
    tekst: str


def _waarde(c: Covariaat, x: float) -> str:
    return f"{format_getal(x, c.decimalen)}{c.eenheid}"


def uitleg(normenset: Normenset, referentie: Referentie, gemeentecode: str) -> list[Uitleg]:
    """Per soort with covariates (and invoer in ``normenset``): the factor for ``gemeentecode``
    and a short Dutch sentence naming which covariates raise or lower it and by how much."""
    model = schattingsmodel()
    alle = bases(referentie)
    i = referentie.index[gemeentecode]
    uit = []
    for soort in model.soorten:
        if not soort.elasticiteit:
            continue
        per_basis: dict[str, list[str]] = {}
        for v in normenset.invoer:
            if (v.sleutel in soort.invoer and v.schatting_basis is not None
                    and v.schatting_per_1000 is not None):
                per_basis.setdefault(v.schatting_basis, []).append(v.sleutel)
        for basis_sleutel, sleutels in per_basis.items():
            uit.append(_uitleg_een(soort, sleutels, alle[basis_sleutel], basis_sleutel,
                                   referentie, i))
    return uit


def _uitleg_een(soort: Soort, sleutels: list[str], basis: np.ndarray, basis_sleutel: str,
                referentie: Referentie, i: int) -> Uitleg:
    """The :class:`Uitleg` of one soort on one basis for gemeente index ``i``."""
    model = schattingsmodel()
    f = factoren(soort, basis, referentie)
    groep = basis_naam(basis_sleutel).split(" (")[0]
    kop = (f"{soort.naam[:1].upper()}{soort.naam[1:]}: {format_getal(f.factor[i], 1)} × het "
           f"landelijke tarief per 1.000 {groep[:1].lower()}{groep[1:]}")
    if f.ontbreekt[i]:
        tekst = (f"{kop}: het CBS publiceert niet alle kenmerken van deze gemeente, dus geldt "
                 "het landelijke tarief.")
    else:
        delen = []
        for sleutel, e in soort.elasticiteit.items():
            c = model.covariaten[sleutel]
            x = float(covariaat_waarden(referentie, c.kolom)[i])
            d = landelijk(referentie, c.kolom)
            effect = float(_effect(c, referentie)[i]) ** e
            richting = c.hoog if x > d else c.laag
            delen.append(f"{richting} ({_waarde(c, x)} tegen {_waarde(c, d)} {c.landelijk}: "
                         f"× {format_getal(effect, 2)})")
        tekst = (f"{kop}: " + "; ".join(delen)
                 + f"; landelijke herweging × {format_getal(f.herweging, 2)}")
        if f.begrensd[i]:
            tekst += (f", begrensd op {format_getal(model.laag, 1)}–"
                      f"{format_getal(model.hoog, 1)} ×")
        tekst += "."
    return Uitleg(soort.naam, tuple(sleutels), float(f.factor[i]), tekst)


def telling(normenset: Normenset, groep: Doelgroep) -> Invoer | None:
    """The invoer that *is* the head count of ``groep`` (its basis is the group and it is
    estimated at ≥ 500 per 1,000 of it, e.g. leerplichtigen); None when the normenset has none."""
    kandidaten = [i for i in normenset.invoer
                  if i.schatting_basis is not None and doelgroep(i.schatting_basis) == groep
                  and (i.schatting_per_1000 or 0) >= 500]
    return max(kandidaten, key=lambda i: i.schatting_per_1000 or 0) if kandidaten else None


@dataclass(frozen=True)
class GroepSchatting:
    """One target group for one gemeente: the estimate the invoer form shows and fills in."""

    doelgroep: Doelgroep
    schatting: float  # the head-count invoer's estimate, or the group's size if there is none
    telling: str | None  # sleutel of the head-count invoer


def doelgroep_schattingen(normenset: Normenset, referentie: Referentie,
                          gemeentecode: str) -> list[GroepSchatting]:
    """Per target group (file order) the estimate for ``gemeentecode``. Where the normenset has a
    head-count invoer for the group, this is exactly that invoer's estimate from
    :func:`geschatte_invoer` (so the CBS box and the prefilled field show one number)."""
    i = referentie.index[gemeentecode]
    rij = geschatte_invoer(normenset, referentie)[i]
    groepen = schat_doelgroepen(referentie)
    uit = []
    for d in doelgroepen():
        t = telling(normenset, d)
        waarde = (float(rij[normenset.invoer_sleutels.index(t.sleutel)]) if t
                  else float(groepen[d.sleutel][i]))
        uit.append(GroepSchatting(d, waarde, t.sleutel if t else None))
    return uit


def landelijke_invoer(normenset: Normenset) -> InvoerTabel:
    """All 342 gemeenten with volumes estimated from CBS/DUO data by
    :func:`geschatte_invoer`, the estimator the web prefill also uses (per-gemeente factors
    from CBS covariates; national sums = flat rate × national base). A normenset with an
    invoer it cannot estimate is an InvoerFout naming them. The shipped default normenset's
    estimate is made once per version of the package (:func:`formatie.gegevenscache.bewaard`):
    it follows from the shipped files alone."""
    from .normenset_toml import standaard_normenset

    referentie = load_referentie()
    if normenset is standaard_normenset():
        volume = bewaard("landelijke_schatting", lambda: geschatte_invoer(normenset, referentie))
    else:
        volume = geschatte_invoer(normenset, referentie)
    ontbrekend = [i.sleutel for j, i in enumerate(normenset.invoer)
                  if np.isnan(volume[:, j]).any()]
    if ontbrekend:
        raise InvoerFout([Probleem("de normenset heeft geen schatting voor: "
                                   + ", ".join(ontbrekend) + ". Geef een invoerbestand.")])
    return InvoerTabel(referentie.gemeentecodes, (None,) * len(referentie.gemeentecodes), volume)
