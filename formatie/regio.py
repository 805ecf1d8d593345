"""A region's figures: the sum of its members, each counted with its own normenset.

Region policy (one for every page, JSON answer, workbook and scenario): each member gemeente
counts with the normenset its figures were saved under; a region's figures are the sum of its
members' figures (:class:`formatie.model.Groep`, :func:`formatie.model.bereken_groepen`). So
the gemeente pages add up to the region page, its JSON and its workbook.

The Doorstroompunt (ex-RMC) is a regional organisation: its bezetting is entered once per
region (:data:`REGIONALE_FUNCTIES`), not per gemeente; a gemeente sees its share of the
regional need (:func:`aandeel`). The Doorstroompunt of a region is the region's default
Doorstroompunt team (:func:`formatie.teams.regio_team`): its fte, aandelen and bijdragen on
every surface of the region come from there (the same figures as the members' sum).
"""

from __future__ import annotations

import numpy as np

from .getallen import format_getal
from .model import Regel, Resultaat, functie_regels, verschil
from .normenset import Functie
from .onzekerheid import dekkingsaandeel
from .taal import jaren_gedekt

#: Functies whose bezetting is one figure for the whole region (entered on the region page).
REGIONALE_FUNCTIES = ("doorstroompunt",)

#: The sentence the region page and the workbook's Toelichting show about the region policy.
REGIOBELEID = ("Elke gemeente telt mee met de normenset waarmee haar cijfers zijn opgeslagen; "
               "de cijfers van de regio zijn de som van die van haar gemeenten.")


def aandeel(fte_gemeente: float, fte_regio: float) -> float | None:
    """The gemeente's share (0–1) of the region's need for a functie; None when the region
    needs nothing (no share to speak of)."""
    if not fte_regio > 0:
        return None
    return float(fte_gemeente) / float(fte_regio)


def trekkingen_functie(groepen_bereik, functie: str) -> np.ndarray:
    """(D,) drawn fte of one functie (sleutel) over every gemeente of every group of a
    :class:`formatie.onzekerheid.GroepenBereik` (a group without the functie adds nothing):
    the draws behind that functie's coverage sentence."""
    uit = np.zeros(np.shape(groepen_bereik.trekkingen_totaal))
    for b in groepen_bereik.bereiken:
        if functie in b.normenset.functie_sleutels:
            f = b.normenset.functie_sleutels.index(functie)
            uit += b.trekkingen_fte[:, :, f].sum(axis=1, dtype=float)
    return uit


def functienaam_in_zin(functie: Functie) -> str:
    """A functie's name inside a sentence: a regional functie is an organisation's name and
    keeps its capital ("het Doorstroompunt"), a task is lower case ("leerplicht")."""
    return functie.naam if functie.sleutel in REGIONALE_FUNCTIES else functie.naam.lower()


def dekkingszin_functie(functie: Functie, fte: float, draws: np.ndarray) -> str:
    """One functie's coverage sentence, e.g. "Met 8,0 fte leerplicht is de werklast leerplicht
    in 8 van de 10 jaren gedekt." (never leerplicht and Doorstroompunt in one sentence). The
    share of ``draws`` (D,) with workload ≤ ``fte`` in whole tenths
    (:func:`formatie.taal.jaren_gedekt`: "meer dan 9 van de 10", never "10 van de 10")."""
    naam = functienaam_in_zin(functie)
    return (f"Met {format_getal(fte, 1)} fte {naam} is de werklast {naam} in "
            f"{jaren_gedekt(dekkingsaandeel(fte, draws))} gedekt.")


def regio_regels(resultaten: list[Resultaat]) -> list[Regel]:
    """A region's lines per functie (taken, vaste basis, leiding en ondersteuning) summed over
    every gemeente of every group: per functie they add up to the region's fte of that functie
    (:func:`formatie.model.fte_per_functie`). Order: first appearance (functie, then line)."""
    som: dict[tuple[str, str], Regel] = {}
    for res in resultaten:
        for g in range(len(res.gemeentecodes)):
            for r in functie_regels(res, g):
                oud = som.get((r.functie, r.sleutel))
                som[r.functie, r.sleutel] = r if oud is None else oud._replace(fte=oud.fte + r.fte)
    per_functie: dict[str, list[Regel]] = {}
    for r in som.values():
        per_functie.setdefault(r.functie, []).append(r)
    # taken first, then vaste basis and leiding, as functie_regels orders them
    volgorde = {"taak": 0, "vast": 1, "leiding": 2, "minimum": 3}
    return [r for regels in per_functie.values()
            for r in sorted(regels, key=lambda r: volgorde[r.soort])]


def voeg_bezetting_toe(functies: dict[str, dict], bezetting: dict[str, float | None]) -> None:
    """Add ``"bezetting"`` and ``"verschil"`` (bezetting − fte, negative = tekort) to the
    functies of a JSON answer (``{f: {"fte": …}}``) where the bezetting is known."""
    for f, rij in functies.items():
        if bezetting.get(f) is not None:
            rij["bezetting"] = float(bezetting[f])
            rij["verschil"] = float(verschil(bezetting[f], rij["fte"]))


def taak_volumes(resultaten: list[Resultaat]) -> dict[str, float]:
    """Volume per taak sleutel summed over every gemeente of every group (units per year)."""
    uit: dict[str, float] = {}
    for res in resultaten:
        for k, taak in enumerate(res.normenset.taken):
            uit[taak.sleutel] = uit.get(taak.sleutel, 0.0) + float(res.taak_volume[:, k].sum())
    return uit


def tel_op(delen: list[dict[str, float]]) -> dict[str, float]:
    """Sum dicts of fte by key (functie sleutel, "totaal"): a region's figures over groups."""
    uit: dict[str, float] = {}
    for deel in delen:
        for k, v in deel.items():
            uit[k] = uit.get(k, 0.0) + float(v)
    return uit
