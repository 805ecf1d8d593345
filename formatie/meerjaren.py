"""A multi-year begroting: this year and the next ones, in fte and euros, central and budget.

One function, :func:`meerjarenbegroting`, for every surface (CLI ``bereken --jaren``, the web
page and its JSON, the workbook sheet). For year t (T years; t = 0 is this year), gemeente g
and functie f::

    volume[t, g]        year 0: the figures entered for this year (what today's pages show);
                        t ≥ 1: the forecast's expected volume (formatie.prognose: a trend over
                        earlier years where there are ≥ 3 of them, else the last known value)
    fte[t, g, f]        the model (formatie.model.bereken) on volume[t, g]
    budget_fte[t, g, f] the P80 of year t's drawn total (all gemeenten and functies together),
                        allocated over the g × f cells by formatie.budget.verdeel: each cell's
                        expected value given that the total is at its P80, so functies and
                        gemeenten add up to the same total
    prijs[t, g, f]      euros per fte at the price level of year t: kosten_per_fte × (1 +
                        indexatie)^(jaar_t − peiljaar) (formatie.kosten.kosten_per_fte_in)
    kosten, kosten_budget = fte × prijs, budget_fte × prijs

The draws are one :func:`formatie.onzekerheid.bereik` per year and normenset, vectorised over
the gemeenten, on the one policy (streams keyed by gemeentecode and draw): year 0 is called
exactly as today's result page calls it, so its P80 and allocation are those of
:func:`formatie.budget.begroting_groepen` to the last bit. (Stacking the years as rows of one
call would change the float32 draws in their 7th digit, a euro or two on a page.)
A forecast year adds the forecast's dispersion (a negative-binomial α where the history shows
more spread than Poisson); the uncertainty of the trend itself is not drawn, which the
:attr:`Meerjarenbegroting.aannames` say.

Displayed tables add up: :func:`grootste_rest` rounds the parts of a total (to whole euros, or
hundredths of an fte) by the largest-remainder rule, so the rounded parts sum to the rounded
total; a part may then differ by one unit from the same figure rounded on its own.

Shapes: T years, G gemeenten (all groups, in group order), F functies (over the groups'
normensets, first seen first), D draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .budget import verdeel
from .getallen import format_procent
from .kosten import kosten_per_fte_in, peiljaar
from .model import Groep, bereken
from .normenset import Normenset
from .onzekerheid import BUDGET_PERCENTIEL, PERCENTIEL_NAMEN, _percentielen, bereik
from .prognose import MIN_JAREN, PrognoseReeksen, prognose_reeksen
from .referentie import Referentie
from .teams import (
    VERDEELSLEUTELS,
    Team,
    TeamUitkomst,
    bereken_teams,
    delen_van,
    normenset_van_team,
    team_volume,
    verdeel_euros,
)

#: This year and the next three: further ahead a forecast of counts from 3–5 years of history
#: says too little.
MAX_JAREN = 4
#: Where a year's volumes come from.
BRON_INVOER = "invoer"
BRON_PROGNOSE = "prognose"


def prognose_volumes(jaren, waarden: np.ndarray, aantal: int = MAX_JAREN) -> PrognoseReeksen:
    """The forecast :func:`meerjarenbegroting` takes, of ``waarden`` (G, I, T) counted in
    ``jaren`` (T,) (NaN = missing), ``aantal − 1`` years past the last: the CLI's and the web's
    one call of :func:`formatie.prognose.prognose_reeksen`. The begroting uses the expected
    volumes and the dispersion only, which do not depend on the simulated prediction interval,
    so that simulation runs with few draws (a region's 400 series: 0,1 s instead of 1,7 s)."""
    return prognose_reeksen(jaren, waarden, aantal - 1, trekkingen=_PROGNOSE_TREKKINGEN)


#: Draws of the forecast's prediction interval, which the begroting does not use.
_PROGNOSE_TREKKINGEN = 50


def grootste_rest(delen: np.ndarray, totaal: np.ndarray | float | None = None,
                  eenheid: float = 1.0) -> np.ndarray:
    """(…, K) ``delen`` rounded to whole ``eenheid`` so that they add up to the rounded
    ``totaal`` (…) (default: the parts' own sum), by the largest-remainder rule (Hamilton):
    every part is rounded down, and the units still missing go to the parts with the largest
    remainders (ties: the first part). Values in ``eenheid``s × ``eenheid`` (floats)."""
    x = np.asarray(delen, dtype=float) / eenheid
    doel = (x.sum(axis=-1) if totaal is None else np.asarray(totaal, dtype=float) / eenheid)
    doel = np.floor(doel + 0.5)
    onder = np.floor(x)
    tekort = np.clip(doel - onder.sum(axis=-1), 0, x.shape[-1]).astype(int)
    volgorde = np.argsort(-(x - onder), axis=-1, kind="stable")
    rang = np.empty_like(volgorde)
    np.put_along_axis(rang, volgorde, np.broadcast_to(np.arange(x.shape[-1]), x.shape), axis=-1)
    return (onder + (rang < tekort[..., None])) * eenheid


@dataclass(frozen=True)
class Tabel:
    """One measure of a :class:`Meerjarenbegroting` rounded so it adds up: ``totaal`` (T,),
    ``functies`` (T, F) and ``gemeenten`` (T, G), each row adding up to ``totaal``."""

    totaal: np.ndarray
    functies: np.ndarray
    gemeenten: np.ndarray


@dataclass(frozen=True)
class Meerjarenbegroting:
    """This year and the next ones in fte and euros, central and budget (see the module text).

    Arrays: ``fte``, ``budget_fte``, ``prijs`` (T, G, F); ``budget_totaal`` (T,) the P80 of
    each year's total (= ``budget_fte`` summed). ``bron`` (T,): :data:`BRON_INVOER` for this
    year, :data:`BRON_PROGNOSE` for the others. ``prijspeil`` (T,): the year whose prices each
    year's euros are in (None: not indexed, the normenset names no peiljaar).
    ``aannames``: Dutch sentences on what rests on the forecast and the indexation.
    """

    jaren: tuple[int, ...]
    functies: tuple[str, ...]
    functienamen: tuple[str, ...]
    gemeentecodes: tuple[str, ...]
    bron: tuple[str, ...]
    prijspeil: tuple[int | None, ...]
    fte: np.ndarray
    budget_fte: np.ndarray
    prijs: np.ndarray
    budget_totaal: np.ndarray
    aannames: tuple[str, ...]
    percentiel: str = BUDGET_PERCENTIEL

    @property
    def kosten(self) -> np.ndarray:
        """(T, G, F) euros per year of the central fte at each year's price level."""
        return self.fte * self.prijs

    @property
    def kosten_budget(self) -> np.ndarray:
        """(T, G, F) euros per year of the budget fte at each year's price level."""
        return self.budget_fte * self.prijs

    def tabel(self, waarden: np.ndarray, eenheid: float) -> Tabel:
        """``waarden`` (T, G, F) rounded to ``eenheid`` by :func:`grootste_rest`: the total of
        each year, its functies and its gemeenten, both adding up to that total."""
        totaal = waarden.sum(axis=(1, 2))
        return Tabel(np.floor(totaal / eenheid + 0.5) * eenheid,
                     grootste_rest(waarden.sum(axis=1), totaal, eenheid),
                     grootste_rest(waarden.sum(axis=2), totaal, eenheid))

    def euros(self) -> tuple[Tabel, Tabel]:
        """(central, budget) euros in whole euros, adding up per year."""
        return self.tabel(self.kosten, 1.0), self.tabel(self.kosten_budget, 1.0)

    def kosten_per_fte(self) -> np.ndarray:
        """(T, F) euros per fte per functie: the central euros ÷ fte over the gemeenten (one
        price when they share a normenset), the first gemeente's price where there is no fte."""
        fte = self.fte.sum(axis=1)
        euro = self.kosten.sum(axis=1)
        return np.where(fte > 0, euro / np.where(fte > 0, fte, 1.0), self.prijs[:, 0, :])

    def als_dict(self) -> dict:
        """The JSON ``"begroting"`` block: per year ``{"jaar", "bron", "prijspeil", "fte",
        "budget_fte", "kosten", "kosten_budget", "functies": {f: {…}}}`` and, for more than one
        gemeente, ``"gemeenten": {code: {…}}``. fte unrounded; euros whole, rounded by the
        largest-remainder rule so functies and gemeenten add up to the year's euros."""
        centraal, budget = self.euros()
        per_fte = self.kosten_per_fte()
        fte_f, budget_f = self.fte.sum(axis=1), self.budget_fte.sum(axis=1)
        fte_g, budget_g = self.fte.sum(axis=2), self.budget_fte.sum(axis=2)
        jaren = []
        for t, jaar in enumerate(self.jaren):
            rij = {"jaar": jaar, "bron": self.bron[t], "prijspeil": self.prijspeil[t],
                   "fte": float(self.fte[t].sum()), "budget_fte": float(self.budget_totaal[t]),
                   "kosten": int(centraal.totaal[t]), "kosten_budget": int(budget.totaal[t]),
                   "functies": {f: {"naam": self.functienamen[j], "fte": float(fte_f[t, j]),
                                    "budget_fte": float(budget_f[t, j]),
                                    "kosten_per_fte": float(per_fte[t, j]),
                                    "kosten": int(centraal.functies[t, j]),
                                    "kosten_budget": int(budget.functies[t, j])}
                                for j, f in enumerate(self.functies)}}
            if len(self.gemeentecodes) > 1:
                rij["gemeenten"] = {c: {"fte": float(fte_g[t, g]),
                                        "budget_fte": float(budget_g[t, g]),
                                        "kosten": int(centraal.gemeenten[t, g]),
                                        "kosten_budget": int(budget.gemeenten[t, g])}
                                    for g, c in enumerate(self.gemeentecodes)}
            jaren.append(rij)
        return {"percentiel": self.percentiel, "jaren": jaren, "aannames": list(self.aannames)}


def _prijspeil_zinnen(groepen: Sequence[Groep], jaren: np.ndarray,
                      functies: Sequence[str] | None = None) -> list[str]:
    """One sentence per normenset on the price level and the indexation with its bron (of
    ``functies`` only, when given: a team's one functie)."""
    uit, gezien = [], set()
    for groep in groepen:
        n = groep.normenset
        if n.label in gezien:
            continue
        gezien.add(n.label)
        peil = peiljaar(n)
        voor = f"Normenset {n.label}: " if len(groepen) > 1 else ""
        if peil is None:
            uit.append(f"{voor}euro's niet geïndexeerd: de normenset noemt geen peiljaar "
                       "(geldig_vanaf), dus elk jaar de prijzen van de normenset.")
            continue
        delen = []
        for f in n.functies:
            if functies is not None and f.sleutel not in functies:
                continue
            bron = f.bron_van("indexatie")
            delen.append(f"{f.naam.lower()} {format_procent(f.indexatie)} per jaar"
                         + (f" (bron: {bron})" if bron else ""))
        zin = (f"{voor}euro's in de prijzen van elk jaar: de kosten per fte van de normenset "
               f"(prijspeil {peil}) geïndexeerd met {'; '.join(delen)}. De indexatie is een "
               "aanname: een andere loonontwikkeling geeft andere euro's.")
        if int(jaren[0]) != peil:
            zin += (f" Ook {jaren[0]} is geïndexeerd (de resultaatpagina rekent in prijzen "
                    f"van {peil}).")
        uit.append(zin)
    return [zin[:1].upper() + zin[1:] for zin in uit]


def _prognose_zin(trends: Sequence[np.ndarray | None], jaren: np.ndarray) -> str:
    """What the forecast years rest on, with the number of series that have a trend
    (``trends``: per forecast its ``heeft_trend`` over the series counted, None: none)."""
    vooruit = (f"{jaren[1]}" if len(jaren) == 2 else f"{jaren[1]}–{jaren[-1]}")
    reeksen = sum(int(np.size(h)) for h in trends if h is not None)
    trend = sum(int(np.sum(h)) for h in trends if h is not None)
    if reeksen == 0:
        return (f"{vooruit}: er zijn geen cijfers van eerdere jaren, dus geen trend; de "
                f"prognose is voor elke invoer de waarde van {jaren[0]}. Alleen de indexatie "
                "verandert de euro's.")
    return (f"{vooruit}: de prognose van de volumes (per invoer een trend over de cijfers van "
            f"eerdere jaren, een zwakke trend gedempt; met minder dan {MIN_JAREN} jaar cijfers "
            f"de laatst bekende waarde). {trend} van de {reeksen} reeksen hebben een trend. "
            "Een prognose is geen telling: hoe verder vooruit, hoe onzekerder.")


def meerjarenbegroting(groepen: Sequence[Groep], jaar: int, aantal: int = MAX_JAREN,
                       prognoses: Sequence[PrognoseReeksen | None] | None = None
                       ) -> Meerjarenbegroting:
    """The begroting of ``groepen`` (a gemeente, or a region whose members count with their
    own normensets) for ``jaar`` and the ``aantal − 1`` years after it.

    ``groepen[i].volume`` (G_i, I_i): this year's figures. ``prognoses[i]``: the forecast of
    that group's series (G_i, I_i) (:func:`formatie.prognose.prognose_reeksen` over years
    ending in ``jaar``), whose ``prognose_jaren`` hold ``jaar + 1 … jaar + aantal − 1``; None
    (or no ``prognoses``): no history, this year's volumes are carried forward.
    """
    if not groepen:
        raise ValueError("geen gemeenten met cijfers")
    if not 1 <= aantal <= MAX_JAREN:
        raise ValueError(f"aantal moet 1 tot en met {MAX_JAREN} zijn")
    prognoses = list(prognoses) if prognoses is not None else [None] * len(groepen)
    jaren = np.arange(jaar, jaar + aantal)
    n_t = len(jaren)
    functies = tuple(dict.fromkeys(f for g in groepen for f in g.normenset.functie_sleutels))
    namen = {f.sleutel: f.naam for g in groepen for f in g.normenset.functies}
    codes = tuple(c for g in groepen for c in g.gemeentecodes)
    vorm = (n_t, len(codes), len(functies))
    fte, prijs, budget_fte = np.zeros(vorm), np.zeros(vorm), np.zeros(vorm)
    # per year, per group: (draws (D, G_i, F_i), the group's functie columns, its first row)
    blokken: list[list[tuple[np.ndarray, list[int], int]]] = [[] for _ in range(n_t)]
    g0 = 0
    for groep, prog in zip(groepen, prognoses, strict=True):
        n = groep.normenset
        g_n = len(groep.gemeentecodes)
        kolommen = [functies.index(f) for f in n.functie_sleutels]
        prijs[:, g0:g0 + g_n, kolommen] = kosten_per_fte_in(n, jaren)[:, None, :]
        for t in range(n_t):
            # year 0 exactly as today's pages call the model and the ranges (no dispersion);
            # a year ahead on the forecast's volume with its dispersion
            volume, dispersie = groep.volume, None
            if t > 0 and prog is not None:
                volume, dispersie = prog.voor_jaar(int(jaren[t]))
            fte[t][g0:g0 + g_n, kolommen] = bereken(n, volume, groep.gemeentecodes).fte
            b = bereik(n, volume, gemeentecodes=groep.gemeentecodes, dispersie=dispersie,
                       bewaar_trekkingen=True)
            blokken[t].append((b.trekkingen_fte, kolommen, g0))
        g0 += g_n
    p80 = PERCENTIEL_NAMEN.index(BUDGET_PERCENTIEL)
    budget_totaal = np.empty(n_t)
    for t, delen in enumerate(blokken):
        # the year's drawn total, summed as formatie.onzekerheid.bereik_groepen sums it, and
        # allocated as formatie.budget.begroting does (year 0: the result page's figures)
        if len(delen) == 1:
            totaal = delen[0][0].transpose(1, 2, 0).sum(axis=0, dtype=float).sum(axis=0)
        else:
            per_functie = np.zeros((delen[0][0].shape[0], len(functies)))
            for d, kolommen, _ in delen:
                for i, j in enumerate(kolommen):
                    per_functie[:, j] += d[:, :, i].sum(axis=1, dtype=float)
            totaal = per_functie.sum(axis=-1)
        budget_totaal[t] = float(_percentielen(totaal)[p80])
        cellen = verdeel(np.hstack([d.reshape(d.shape[0], -1).astype(float)
                                    for d, _, _ in delen]), budget_totaal[t])
        i = 0
        for d, kolommen, start in delen:
            g_n, f_n = d.shape[1:]
            budget_fte[t, start:start + g_n][:, kolommen] = cellen[i:i + g_n * f_n].reshape(
                g_n, f_n)
            i += g_n * f_n
    peilen = {peiljaar(g.normenset) for g in groepen}
    prijspeil = tuple(None if peilen == {None} else int(j) for j in jaren)
    aannames = [f"{jaar}: de cijfers van {jaar} zelf (dezelfde fte en, in prijzen van het "
                "peiljaar, dezelfde euro's als de resultaatpagina)."]
    if n_t > 1:
        aannames.append(_prognose_zin([p.heeft_trend if p is not None else None
                                       for p in prognoses], jaren))
        aannames.append(
            f"Begroot ({BUDGET_PERCENTIEL.upper()}) per jaar: normuren binnen hun "
            "80%-interval en de variatie van de volumes van jaar tot jaar rond de prognose; "
            "de onzekerheid van de trend zelf zit er niet in, dus verder vooruit is de "
            "werkelijke onzekerheid groter dan het verschil tussen centraal en begroot.")
    aannames += _prijspeil_zinnen(groepen, jaren)
    return Meerjarenbegroting(
        jaren=tuple(int(j) for j in jaren), functies=functies,
        functienamen=tuple(namen[f] for f in functies), gemeentecodes=codes,
        bron=(BRON_INVOER,) + (BRON_PROGNOSE,) * (n_t - 1), prijspeil=prijspeil, fte=fte,
        budget_fte=budget_fte, prijs=prijs, budget_totaal=budget_totaal,
        aannames=tuple(aannames))


# ----------------------------------------------------------------------------------------------
# A team's begroting: the team computed as one organisation in every year
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMeerjarenbegroting:
    """A team's begroting for this year and the next ones (:func:`team_meerjarenbegroting`).

    ``begroting``: a :class:`Meerjarenbegroting` whose gemeenten are the team's members (M)
    and whose one functie is the team's: ``fte`` (T, M, 1) each member's aandeel of the
    team's fte, ``budget_fte`` (T, M, 1) its share of the team's P80, ``budget_totaal`` (T,)
    the team's P80. ``uitkomsten`` (T,): the team in each year
    (:class:`formatie.teams.TeamUitkomst`, its euros at the normenset's price level, as the
    team page). ``bijdragen`` and ``bijdragen_budget`` (T, M): each member's contribution in
    whole euros at the year's price level (:func:`formatie.teams.verdeel_euros`), adding up
    per year to the team's cost (central, budget) rounded to the euro.
    """

    team: Team
    begroting: Meerjarenbegroting
    uitkomsten: tuple[TeamUitkomst, ...]
    bijdragen: np.ndarray
    bijdragen_budget: np.ndarray

    def euros(self) -> tuple[Tabel, Tabel]:
        """(central, budget) euros as :meth:`Meerjarenbegroting.euros`, the members' parts
        being their bijdragen (so the page's table is the contributions, adding up)."""
        def tabel(b: np.ndarray) -> Tabel:
            totaal = b.sum(axis=1).astype(float)
            return Tabel(totaal, totaal[:, None], b.astype(float))
        return tabel(self.bijdragen), tabel(self.bijdragen_budget)

    def jaren_als_dicts(self) -> list[dict]:
        """The JSON ``"begroting"`` of a team: per year ``{"jaar", "bron", "prijspeil",
        "fte", "fte_berekend", "aanvulling_minimum", "budget_fte", "kosten_per_fte",
        "kosten", "kosten_budget", "gemeenten": {code: {"aandeel", "budget_fte",
        "bijdrage", "bijdrage_budget"}}}``; fte unrounded, euros whole (the bijdragen add up
        to ``kosten`` and ``kosten_budget``)."""
        mb = self.begroting
        uit = []
        for t, jaar in enumerate(mb.jaren):
            u = self.uitkomsten[t]
            uit.append({
                "jaar": jaar, "bron": mb.bron[t], "prijspeil": mb.prijspeil[t],
                "fte": u.fte, "fte_berekend": u.fte_berekend,
                "aanvulling_minimum": u.aanvulling,
                "budget_fte": float(mb.budget_totaal[t]),
                "kosten_per_fte": float(mb.prijs[t, 0, 0]),
                "kosten": int(self.bijdragen[t].sum()),
                "kosten_budget": int(self.bijdragen_budget[t].sum()),
                "gemeenten": {c: {"aandeel": float(mb.fte[t, g, 0]),
                                  "budget_fte": float(mb.budget_fte[t, g, 0]),
                                  "bijdrage": int(self.bijdragen[t, g]),
                                  "bijdrage_budget": int(self.bijdragen_budget[t, g])}
                              for g, c in enumerate(mb.gemeentecodes)}})
        return uit


def _team_dispersie(volume: np.ndarray, dispersie: np.ndarray) -> np.ndarray:
    """(1, I) the negative-binomial α of the members' summed counts, by their moments: a sum
    of independent counts with means μ_g and α_g has variance Σμ_g + Σα_g μ_g², which is an
    NB of mean Σμ_g with α = Σα_g μ_g² / (Σμ_g)²."""
    mu = np.asarray(volume, dtype=float)
    som = mu.sum(axis=0)
    alfa = (np.asarray(dispersie, dtype=float) * mu ** 2).sum(axis=0)
    return np.where(som > 0, alfa / np.where(som > 0, som, 1.0) ** 2, 0.0)[None, :]


def team_meerjarenbegroting(normenset: Normenset, volume: np.ndarray,
                            gemeentecodes: Sequence[str], team: Team, jaar: int,
                            aantal: int = MAX_JAREN, prognose: PrognoseReeksen | None = None,
                            referentie: Referentie | None = None) -> TeamMeerjarenbegroting:
    """The begroting of ``team`` for ``jaar`` and the ``aantal − 1`` years after it.

    Summing the members' begrotingen would count the vaste basis, leiding and the floor once
    per member; here the team is computed **as one organisation in every year**:

    * fte[t]: :func:`formatie.teams.bereken_teams` on the members' volumes of year t (year 0
      ``volume``, later years ``prognose``'s expected volumes), so each year has one vaste
      basis (one per member where the normenset says so), one leiding and the floor once, and
      each member's aandeel by the team's verdeelsleutel on that year's figures;
    * budget[t]: the P80 of the team's fte under the one policy,
      :func:`formatie.onzekerheid.bereik` on the members' summed volume keyed by the team's
      name (year 0 exactly the team page's ``bereik_totaal``; later years with the members'
      forecast dispersion combined by :func:`_team_dispersie`). It is shared over the members
      by the same verdeelsleutel shares as the central fte: the team's agreed key, so what a
      member contributes to the budget follows the same rule as its bijdrage (the conditional
      expectation of :func:`formatie.budget.verdeel` needs per-member draws, which a team,
      computed on its summed volume, does not have);
    * euros: × the functie's kosten per fte at the year's price level
      (:func:`formatie.kosten.kosten_per_fte_in`, as :func:`meerjarenbegroting`); bijdragen
      by :func:`formatie.teams.verdeel_euros` on those shares.

    ``volume`` (G, I) holds every member's row in the order of ``gemeentecodes`` (members not
    there are left out, as :func:`formatie.teams.bereken_teams` does); ``prognose`` the
    forecast of those G rows whose ``prognose_jaren`` hold ``jaar + 1 …`` (None: this year's
    volumes carried forward).
    """
    if not 1 <= aantal <= MAX_JAREN:
        raise ValueError(f"aantal moet 1 tot en met {MAX_JAREN} zijn")
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    positie = {c: g for g, c in enumerate(gemeentecodes)}
    rijen = [positie[c] for c in team.gemeentecodes if c in positie]
    if not rijen or team.functie not in normenset.functie_sleutels:
        raise ValueError("het team heeft geen leden met cijfers of de normenset kent de "
                         "functie niet")
    codes = tuple(gemeentecodes[g] for g in rijen)
    f = normenset.functie_sleutels.index(team.functie)
    jaren = np.arange(jaar, jaar + aantal)
    n_t, n_m = len(jaren), len(rijen)
    team_n = normenset_van_team(normenset, team, n_m)
    prijs = kosten_per_fte_in(normenset, jaren)[:, f]
    p80 = PERCENTIEL_NAMEN.index(BUDGET_PERCENTIEL)
    fte, budget_fte = np.zeros((n_t, n_m, 1)), np.zeros((n_t, n_m, 1))
    budget_totaal = np.zeros(n_t)
    bijdragen = np.zeros((n_t, n_m), dtype=np.int64)
    bijdragen_budget = np.zeros((n_t, n_m), dtype=np.int64)
    uitkomsten = []
    for t in range(n_t):
        v, dispersie = volume[rijen], None
        if t > 0 and prognose is not None:
            verwacht, alfa = prognose.voor_jaar(int(jaren[t]))
            v = verwacht[rijen]
            dispersie = _team_dispersie(v, np.broadcast_to(alfa, verwacht.shape)[rijen])
        (u,) = bereken_teams(normenset, v, codes, [team], referentie)
        deel = delen_van([u.gewicht[c] for c in codes])
        samen, namen = team_volume(v, codes, [team])
        b = bereik(team_n, samen, gemeentecodes=namen, dispersie=dispersie)
        budget_totaal[t] = float(b.fte[p80, 0, f])
        fte[t, :, 0] = [u.aandelen[c] for c in codes]
        budget_fte[t, :, 0] = budget_totaal[t] * deel
        budget_fte[t, -1, 0] = budget_totaal[t] - budget_fte[t, :-1, 0].sum()
        bijdragen[t] = verdeel_euros(u.fte * prijs[t], deel)
        bijdragen_budget[t] = verdeel_euros(budget_totaal[t] * prijs[t], deel)
        uitkomsten.append(u)
    peil = peiljaar(normenset)
    groep = Groep(normenset, codes, volume[rijen])
    aannames = [f"{jaar}: de cijfers van {jaar} zelf (dezelfde fte als de teampagina).",
                f"Het team wordt elk jaar als één organisatie berekend op de opgetelde volumes "
                f"van de leden: de vaste basis, de leiding en de minimumformatie tellen één keer "
                f"per team, niet per gemeente. Aandeel en bijdrage van elke gemeente, centraal "
                f"en begroot, volgen de verdeelsleutel van het team "
                f"({VERDEELSLEUTELS[team.verdeelsleutel]}), op de cijfers van elk jaar."]
    if n_t > 1:
        aannames.append(_prognose_zin(  # the members' series only
            [np.asarray(prognose.heeft_trend)[rijen] if prognose is not None else None],
            jaren))
        aannames.append(
            f"Begroot ({BUDGET_PERCENTIEL.upper()}) per jaar: normuren binnen hun "
            "80%-interval en de variatie van de volumes van jaar tot jaar rond de prognose; "
            "de onzekerheid van de trend zelf zit er niet in.")
    aannames += _prijspeil_zinnen([groep], jaren, (team.functie,))
    mb = Meerjarenbegroting(
        jaren=tuple(int(j) for j in jaren), functies=(team.functie,),
        functienamen=(normenset.functies[f].naam,), gemeentecodes=codes,
        bron=(BRON_INVOER,) + (BRON_PROGNOSE,) * (n_t - 1),
        prijspeil=tuple(None if peil is None else int(j) for j in jaren), fte=fte,
        budget_fte=budget_fte, prijs=np.broadcast_to(prijs[:, None, None], fte.shape).copy(),
        budget_totaal=budget_totaal, aannames=tuple(aannames))
    return TeamMeerjarenbegroting(team, mb, tuple(uitkomsten), bijdragen, bijdragen_budget)
