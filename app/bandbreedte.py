"""Ranges (P10–P90) of stored figures, for every surface: the gemeente's result page and
JSON, the region page and JSON, the workbook's Onzekerheid sheet and the forecast.

The uncertainty policy lives in :mod:`formatie.onzekerheid`: the seed and the number of draws
follow from the inputs, so callers pass none, and identical inputs give identical P-values
everywhere (a region with one gemeente filled in has exactly that gemeente's P-values). This
module only picks the figures for a gemeente or a region out of a
:class:`~formatie.onzekerheid.Bereik` and lays them out (:class:`Bereikweergave`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from formatie import onzekerheid
from formatie.gevoeligheid import tornado
from formatie.model import Groep
from formatie.normenset import Functie, Normenset
from formatie.onzekerheid import PERCENTIEL_NAMEN, Bereik, bereik, voeg_bereik_toe
from formatie.regio import dekkingszin_functie, trekkingen_functie
from formatie.scenario import Scenario, Vergelijking, vergelijk

from .cijfers import Cijfers
from .grafieken import bereik_grafiek, histogram

# TODO(lead, at merge): the uncertainty policy (formatie.onzekerheid: bereik without rng,
# bereik_groepen, BUDGET_PERCENTIEL, UITLEG_CENTRAAL_P50) replaces this fallback; delete it and
# import the names directly.
_BELEID = hasattr(onzekerheid, "BUDGET_PERCENTIEL")
BUDGET_PERCENTIEL: str = getattr(onzekerheid, "BUDGET_PERCENTIEL", "p80")
BUDGET_LABEL: str = getattr(onzekerheid, "BUDGET_LABEL", "P80 (begroten)")
UITLEG_CENTRAAL_P50: str = getattr(
    onzekerheid, "UITLEG_CENTRAAL_P50",
    "De centrale berekening rekent met de normuren en aantallen zelf; P50 is de middelste van "
    "de gesimuleerde jaren. Begroot op P80: dan is de werklast in 8 van de 10 jaren gedekt.")


#: Draws of every range (the policy's number; shown on the comparison page).
TREKKINGEN_BEREIK: int = getattr(onzekerheid, "TREKKINGEN", 10_000)


def _zaad(normenset: Normenset, volume: np.ndarray, codes: tuple[str, ...]) -> int:
    """Fallback only (see the TODO at the top): a seed from the inputs."""
    tekst = (normenset.label.encode() + np.asarray(volume, dtype=float).tobytes()
             + "\x1f".join(codes).encode())
    return int.from_bytes(hashlib.sha256(tekst).digest()[:8], "big")


def trek(normenset: Normenset, volume: np.ndarray, codes: tuple[str, ...], *,
         regio_index: list[str] | None = None, dispersie: np.ndarray | None = None) -> Bereik:
    """The web app's one call of :func:`formatie.onzekerheid.bereik` (draws kept)."""
    if _BELEID:
        return bereik(normenset, volume, gemeentecodes=codes, regio_index=regio_index,
                      dispersie=dispersie, bewaar_trekkingen=True)
    seed = _zaad(normenset, volume, codes)
    return bereik(normenset, volume, np.random.default_rng(seed), TREKKINGEN_BEREIK,
                  regio_index=regio_index, gemeentecodes=codes, dispersie=dispersie,
                  bewaar_trekkingen=True, seed=seed)


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
    budget: str = BUDGET_PERCENTIEL
    budget_label: str = BUDGET_LABEL
    uitleg: str = UITLEG_CENTRAAL_P50

    def als_dict(self) -> dict:
        """``{"functies": {f: {"p10", "p50", "p80", "p90"}}, "totaal": {…}}`` plus the budget
        percentile's name, for the JSON answers."""
        def p(rij: dict) -> dict:
            return {k: rij[k] for k in PERCENTIEL_NAMEN}

        return {"functies": {r["sleutel"]: p(r) for r in self.rijen[:-1]},
                "totaal": p(self.rijen[-1]), "budget": self.budget}


def _weergave(functies: tuple[Functie, ...], centraal: np.ndarray, p: np.ndarray,
              draws: list[np.ndarray], trekkingen_totaal: np.ndarray, aantal: int,
              bezetting: dict[str, float | None]) -> Bereikweergave:
    """centraal (F,), p (P, F) with a total column appended (P, F + 1), draws per functie."""
    rijen, zinnen = [], []
    for f, functie in enumerate(functies):
        bez = bezetting.get(functie.sleutel)
        rij = {"sleutel": functie.sleutel, "label": functie.naam, "centraal": float(centraal[f]),
               **dict(zip(PERCENTIEL_NAMEN, p[:, f].tolist(), strict=True)), "bezetting": bez}
        rijen.append(rij)
        zinnen.append(dekkingszin_functie(functie, bez if bez is not None
                                          else rij[BUDGET_PERCENTIEL], draws[f]))
    waarden = [bezetting.get(f.sleutel) for f in functies]
    bez_totaal = None if None in waarden else float(sum(waarden))
    totaal = {"sleutel": "totaal", "label": "Totaal", "centraal": float(centraal.sum()),
              **dict(zip(PERCENTIEL_NAMEN, p[:, -1].tolist(), strict=True)),
              "bezetting": bez_totaal}
    rijen.append(totaal)
    lijnen = [("P10", totaal["p10"], "markering--p"), ("P50", totaal["p50"], "markering--p"),
              ("P80", totaal["p80"], "markering--p80"), ("P90", totaal["p90"], "markering--p")]
    if bez_totaal is not None:
        lijnen.append(("bezetting", bez_totaal, "markering--bezetting"))
    return Bereikweergave(rijen, bereik_grafiek(rijen), histogram(trekkingen_totaal, lijnen),
                          zinnen, aantal)


# Ranges are a pure function of (normenset, volumes, bezetting): a reload of the same page
# reuses them (per process, least recently used out). Same numbers either way.
_CACHE: OrderedDict[tuple, Bereikweergave] = OrderedDict()
_CACHE_MAX = 256
_CACHE_LOCK = threading.Lock()


def _gecached(sleutel: tuple, maak) -> Bereikweergave:
    with _CACHE_LOCK:
        if sleutel in _CACHE:
            _CACHE.move_to_end(sleutel)
            return _CACHE[sleutel]
    waarde = maak()
    with _CACHE_LOCK:
        _CACHE[sleutel] = waarde
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return waarde


def leeg_cache() -> None:
    """Forget cached ranges (benchmarks measure the cold page with it)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _sleutel(groepen: list[Groep], bezetting: dict, soort: str) -> tuple:
    return (soort, tuple((g.normenset.label, g.normenset.bron_tekst or id(g.normenset),
                          g.gemeentecodes, g.volume.tobytes()) for g in groepen),
            tuple(sorted(bezetting.items())))


def gemeente_bereik(cijfers: Cijfers) -> Bereikweergave | None:
    """Ranges of one gemeente (None without complete figures)."""
    if not cijfers.groepen:
        return None
    groep = cijfers.groepen[0]
    bezetting = cijfers.bezetting

    def maak() -> Bereikweergave:
        b = trek(groep.normenset, groep.volume, groep.gemeentecodes)
        n = groep.normenset
        p = np.column_stack([b.fte[:, 0, :], b.fte_totaal[:, 0]])
        draws = [trekkingen_functie(b, f, 0) for f in range(len(n.functies))]
        return _weergave(n.functies, b.centraal[0], p, draws, b.trekkingen_totaal(0),
                         b.trekkingen, bezetting)

    return _gecached(_sleutel(cijfers.groepen, bezetting, "gemeente"), maak)


def regio_bereik(cijfers: Cijfers) -> Bereikweergave | None:
    """Ranges of a region's total over its members with complete figures: one norm draw for all
    of them, so the region's range is not falsely narrow. None without figures, and (until the
    uncertainty policy's ``bereik_groepen`` lands) for members under different normensets."""
    if len(cijfers.groepen) != 1:
        # TODO(lead, at merge): bereik_groepen(cijfers.groepen) for mixed normensets.
        return None
    groep = cijfers.groepen[0]
    bezetting = cijfers.bezetting
    code = cijfers.regio.code if cijfers.regio is not None else "regio"

    def maak() -> Bereikweergave:
        n = groep.normenset
        b = trek(n, groep.volume, groep.gemeentecodes,
                 regio_index=[code] * len(groep.gemeentecodes))
        p = np.column_stack([b.regio_fte[:, 0, :], b.regio_totaal[:, 0]])
        draws = [trekkingen_functie(b, f) for f in range(len(n.functies))]
        return _weergave(n.functies, b.regio_centraal[0], p, draws, b.trekkingen_totaal(None),
                         b.trekkingen, bezetting)

    return _gecached(_sleutel(cijfers.groepen, bezetting, "regio"), maak)


def werkboek_analyse(groep: Groep) -> dict:
    """Keyword arguments ``onzekerheid=`` and ``gevoeligheid=`` for
    :func:`formatie.excel.exporteer_werkboek`: ranges per gemeente (the page's numbers, by the
    one policy) and the tornado of the whole selection (summed over its gemeenten)."""
    from formatie.excel import onzekerheid_uit_bereik  # xlsxwriter: only for a download

    b = trek(groep.normenset, groep.volume, groep.gemeentecodes)
    return {"onzekerheid": onzekerheid_uit_bereik(b),
            "gevoeligheid": tornado(
                groep.normenset, groep.volume, gemeentecodes=groep.gemeentecodes)}


def prognose_bereik(normenset: Normenset, volume: np.ndarray, code: str,
                    dispersie: np.ndarray) -> dict[str, float]:
    """P10 … P90 of one gemeente's total fte on projected volumes (I,) with the forecast's
    dispersion (I,)."""
    b = trek(normenset, volume[None, :], (code,), dispersie=dispersie[None, :])
    return b.als_dict(b.fte_totaal[:, 0])


def vergelijk_met_bereik(scenarios: list[Scenario], normenset: Normenset, volume: np.ndarray,
                         codes: tuple[str, ...], referentie) -> Vergelijking:
    """:func:`formatie.scenario.vergelijk` with each row's range of its total by the one
    uncertainty policy (the base row of one gemeente has that gemeente's P-values)."""
    if _BELEID:
        return vergelijk(scenarios, normenset, volume, codes, referentie, met_bereik=True)
    return vergelijk(scenarios, normenset, volume, codes, referentie,
                     trekkingen=TREKKINGEN_BEREIK, seed=_zaad(normenset, volume, codes))


def json_met_bereik(uit: dict, groep: Groep) -> dict:
    """Add ranges to a resultaat.json the way ``formatie calculate --onzekerheid`` does
    (:func:`formatie.onzekerheid.voeg_bereik_toe`, by the one uncertainty policy)."""
    if _BELEID:
        voeg_bereik_toe(uit, groep.normenset, groep.volume)
        return uit
    voeg_bereik_toe(uit, groep.normenset, groep.volume, TREKKINGEN_BEREIK,
                    _zaad(groep.normenset, groep.volume, groep.gemeentecodes))
    return uit
