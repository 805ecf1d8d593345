"""Ranges (P10–P90) of stored figures, for every surface: the gemeente's result page and
JSON, the region page and JSON, the workbook's Onzekerheid sheet and the forecast.

The uncertainty policy lives in :mod:`formatie.onzekerheid`: the seed and the number of draws
follow from the inputs, so callers pass none, and identical inputs give identical P-values
everywhere. A gemeente and a region go the same way (:func:`bereik_van`, through
:func:`formatie.onzekerheid.bereik_groepen`), so a region with one gemeente filled in has
exactly that gemeente's P-values. This module only lays the figures out
(:class:`Bereikweergave`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formatie.budget import (
    UITLEG_APART,
    Begroting,
    begroting_gemeente,
    begroting_groepen,
    voeg_budget_toe,
)
from formatie.model import Groep, verschil
from formatie.normenset import Functie, Normenset
from formatie.onzekerheid import (
    BUDGET_LABEL,
    BUDGET_PERCENTIEL,
    PERCENTIEL_NAMEN,
    TREKKINGEN,
    UITLEG_CENTRAAL_P50,
    GroepenBereik,
    bereik_groepen,
    voeg_bereik_toe,
)
from formatie.referentie import load_referentie
from formatie.regio import dekkingszin_functie, trekkingen_functie

from ..grafieken import bereik_grafiek, histogram
from . import rekencache
from .cijfers import Cijfers


@dataclass(frozen=True)
class Bereikweergave:
    """What a page or JSON answer shows about ranges, for a gemeente or a whole region.

    ``rijen``: per functie and a last "Totaal" row a dict with sleutel, label, centraal,
    p10 … p90 (fte) and bezetting (None if unknown). ``zinnen``: one coverage sentence per
    functie (with its bezetting where known, else with the budget figure).
    """

    rijen: list[dict]
    grafiek: object
    histogram: object
    zinnen: list[str]
    trekkingen: int
    #: The budget table that adds up (:mod:`formatie.budget`), with euros, and per functie the
    #: verschil bezetting − budget fte where the bezetting is known.
    begroting: Begroting | None = None
    verschil_budget: dict | None = None
    #: Per gemeente code its own budget table (:meth:`formatie.budget.Begroting.als_dict`).
    gemeente_budgetten: dict | None = None
    gemeentenamen: dict = field(default_factory=dict)
    uitleg_apart: str = UITLEG_APART
    budget: str = BUDGET_PERCENTIEL
    budget_label: str = BUDGET_LABEL
    uitleg: str = UITLEG_CENTRAAL_P50

    def als_dict(self) -> dict:
        """``{"functies": {f: {"p10", "p50", "p80", "p90"}}, "totaal": {…}}`` plus the budget
        percentile's name, for the JSON answers."""
        def p(rij: dict) -> dict:
            return {k: rij[k] for k in PERCENTIEL_NAMEN}

        uit = {"functies": {r["sleutel"]: p(r) for r in self.rijen[:-1]},
               "totaal": p(self.rijen[-1]), "budget": self.budget}
        if self.begroting is not None:
            uit["begroting"] = self.begroting.als_dict()
        return uit


def _weergave(gb: GroepenBereik, functies: tuple[Functie, ...],
              bezetting: dict[str, float | None]) -> Bereikweergave:
    """The page's view of a :class:`~formatie.onzekerheid.GroepenBereik` (a gemeente is a
    region of one): per functie centraal and P10 … P90, the total, one coverage sentence per
    functie (with its bezetting where known, else with the budget figure)."""
    rijen, zinnen = [], []
    for f, functie in enumerate(functies):
        bez = bezetting.get(functie.sleutel)
        rij = {"sleutel": functie.sleutel, "label": functie.naam,
               "centraal": float(gb.centraal[f]), **gb.als_dict(gb.fte[:, f]), "bezetting": bez}
        rijen.append(rij)
        zinnen.append(dekkingszin_functie(functie, bez if bez is not None
                                          else rij[BUDGET_PERCENTIEL],
                                          trekkingen_functie(gb, functie.sleutel)))
    waarden = [bezetting.get(f.sleutel) for f in functies]
    bez_totaal = None if None in waarden else float(sum(waarden))
    totaal = {"sleutel": "totaal", "label": "Totaal", "centraal": float(gb.centraal_totaal),
              **gb.als_dict(gb.totaal), "bezetting": bez_totaal}
    rijen.append(totaal)
    lijnen = [("P10", totaal["p10"], "markering--p"), ("P50", totaal["p50"], "markering--p"),
              ("P80", totaal["p80"], "markering--p80"), ("P90", totaal["p90"], "markering--p")]
    if bez_totaal is not None:
        lijnen.append(("bezetting", bez_totaal, "markering--bezetting"))
    begroting = begroting_groepen(gb)
    referentie = load_referentie()
    verschil_budget = {f: float(verschil(b, begroting.functies[f]))
                       for f, b in bezetting.items() if b is not None and f in begroting.functies}
    return Bereikweergave(rijen, bereik_grafiek(rijen), histogram(gb.trekkingen_totaal, lijnen),
                          zinnen, TREKKINGEN, begroting=begroting,
                          verschil_budget=verschil_budget,
                          gemeente_budgetten={code: begroting_gemeente(b, g).als_dict()
                                              for b in gb.bereiken
                                              for g, code in enumerate(b.gemeentecodes)},
                          gemeentenamen={code: referentie.naam(code) for b in gb.bereiken
                                         for code in b.gemeentecodes
                                         if code in referentie.index})


def leeg_cache() -> None:
    """Compute ranges afresh from now on (benchmarks measure the cold page with it):
    :func:`app.services.rekencache.leeg_cache`."""
    rekencache.leeg_cache()


def _functies(groepen: list[Groep]) -> tuple[Functie, ...]:
    """The functies over the groups' normensets, first seen first (the ranges' order)."""
    uit: dict[str, Functie] = {}
    for g in groepen:
        for f in g.normenset.functies:
            uit.setdefault(f.sleutel, f)
    return tuple(uit.values())


def bereik_van(cijfers: Cijfers) -> Bereikweergave | None:
    """Ranges of stored figures: a gemeente, or a region's total over its members with
    complete figures (each in its own normenset; one norm draw per taak shared by all, so the
    region's range is not falsely narrow, and a region of one gemeente has exactly its
    P-values). None without complete figures."""
    if not cijfers.groepen:
        return None
    bezetting = cijfers.bezetting
    # a pure function of (normenset, volumes, bezetting) and the policy: cached under their
    # hash, shared between the workers (app.services.rekencache)
    sleutel = rekencache.vingerafdruk(
        "bereik", [(g.normenset, g.gemeentecodes, g.volume) for g in cijfers.groepen],
        bezetting)
    return rekencache.gecached(sleutel, lambda: _weergave(
        bereik_groepen(cijfers.groepen), _functies(cijfers.groepen), bezetting))


def prognose_bereik(normenset: Normenset, volume: np.ndarray, code: str,
                    dispersie: np.ndarray) -> dict[str, float]:
    """P10 … P90 of one gemeente's total fte on projected volumes (I,) with the forecast's
    dispersion (I,): the same path as :func:`bereik_van`, so unchanged figures give the result
    page's P-values."""
    gb = bereik_groepen([Groep(normenset, (code,), volume[None, :])],
                        dispersie=[dispersie[None, :]])
    return gb.als_dict(gb.totaal)


def json_met_bereik(uit: dict, groep: Groep) -> dict:
    """Add ranges to a resultaat.json the way ``formatie calculate --onzekerheid`` does
    (:func:`formatie.onzekerheid.voeg_bereik_toe`, on the one policy)."""
    voeg_budget_toe(uit, voeg_bereik_toe(uit, groep.normenset, groep.volume))
    return uit
