"""The gemeente's result page and its JSON answer, each in one call: every figure the template
(or the JSON) shows, gathered from :mod:`.cijfers` (stored figures), :mod:`.bandbreedte`
(ranges), :mod:`.berekening` (benchmark), :mod:`.herkomst` and :mod:`.teamstand`; the numbers
come from the model (:mod:`formatie`). Nothing is computed here beyond laying them out.

The region is gathered only when the page shows something of it: the Doorstroompunt's share
(:func:`doorstroompunt_aandeel`), for a normenset with a regional functie.
"""

from __future__ import annotations

from formatie import herkomst as hk
from formatie.kosten import kosten
from formatie.model import functie_regels, verschil
from formatie.referentie import load_referentie
from formatie.regio import REGIONALE_FUNCTIES, aandeel, voeg_bezetting_toe
from formatie.uitvoer import resultaat_als_dict

from ..access import mag_regio
from ..grafieken import benchmark_grafiek, fte_per_taak_grafiek
from ..models import GemeenteRij, User
from .bandbreedte import bereik_van, json_met_bereik
from .berekening import vergelijking
from .cijfers import cijfers_gemeente, cijfers_regio
from .herkomst import cijfers_herkomst, resultaat_herkomst
from .teamstand import teams_van, voeg_teams_van_gemeente_toe


def doorstroompunt_aandeel(gemeente: GemeenteRij, jaar: int, fte: dict[str, float],
                           user: User) -> list[dict]:
    """Per regional functie (the Doorstroompunt): the gemeente's fte, the region's need and
    the gemeente's share of it (:func:`formatie.regio.aandeel`), which is a share of the
    gemeenten with figures only (``dekking``: how many of the region's gemeenten that are).
    [] without a regional functie in ``fte``: then the region is not gathered at all."""
    functies = [f for f in REGIONALE_FUNCTIES if f in fte]
    if not functies:
        return []
    regio = cijfers_regio(gemeente.regio, jaar)
    regio_fte = regio.fte
    uit = []
    for f in functies:
        totaal = regio_fte.get(f, 0.0)
        uit.append({"functie": regio.functies.get(f, f), "fte": fte[f],
                    "regio_fte": totaal, "aandeel": aandeel(fte[f], totaal),
                    "dekking": regio.dekking, "volledig": regio.volledig,
                    "regio": gemeente.regio, "regio_zichtbaar": mag_regio(user, gemeente.regio)})
    return uit


def resultaatpagina(gemeente: GemeenteRij, jaar: int, user: User) -> dict:
    """Everything ``gemeente/resultaat.html`` shows for ``gemeente`` in ``jaar``: without
    complete figures only which invoer are missing (``res`` None)."""
    cijfers = cijfers_gemeente(gemeente, jaar)
    lid = cijfers.leden[0]
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": lid.invoer,
               "normenset": lid.normenset, "normenset_rij": lid.rij, "res": None,
               "missend": [lid.normenset.invoer_by_sleutel(s).naam for s in lid.ontbrekend]}
    if not cijfers.groepen:
        return context
    res = cijfers.resultaten[0]
    fte = cijfers.fte
    bezetting = cijfers.bezetting
    kosten_fte = kosten(lid.normenset, res.fte[0])
    v = vergelijking(lid.invoer, res, lid.normenset)
    context.update(
        res=res,
        regels=functie_regels(res, 0),
        grafiek=fte_per_taak_grafiek(res),
        kosten_totaal=float(kosten_fte.sum()),
        functierijen=[{"functie": f, "fte": fte[f.sleutel],
                       "kosten": float(kosten_fte[j]),
                       "bezetting": bezetting.get(f.sleutel),
                       "regionaal": f.sleutel in REGIONALE_FUNCTIES,
                       "verschil": None if bezetting.get(f.sleutel) is None
                       else float(verschil(bezetting[f.sleutel], fte[f.sleutel]))}
                      for j, f in enumerate(lid.normenset.functies)],
        doorstroompunt=doorstroompunt_aandeel(gemeente, jaar, fte, user),
        teams=teams_van(gemeente, jaar, user),
        vergelijking=v,
        benchmark=benchmark_grafiek(v),
        bereik=bereik_van(cijfers),
        herkomst=resultaat_herkomst(res, lid.invoer),
    )
    return context


def resultaat_als_json(gemeente: GemeenteRij, jaar: int, user: User,
                   onzekerheid: bool) -> tuple[dict, int]:
    """(answer, status) of ``…/resultaat.json``: ``formatie calculate --format json`` for this
    gemeente (with its ``"regels"`` and its ``"herkomst"``,
    :func:`formatie.herkomst.herkomst_als_dict`), plus per functie bezetting and verschil
    (bezetting − fte) where entered, and ``"team"`` and ``"aandeel"`` per functie whose team
    counts it (with ``"teams"``, as ``formatie bereken --teams``); with ``onzekerheid`` the
    ranges of ``formatie calculate --onzekerheid`` (the one uncertainty policy). 409 while
    the figures are incomplete."""
    cijfers = cijfers_gemeente(gemeente, jaar)
    if not cijfers.groepen:
        return {"fout": "onvolledig", "melding": "Nog niet alle velden zijn ingevuld.",
                "ontbrekend": cijfers.leden[0].ontbrekend}, 409
    uit = resultaat_als_dict(cijfers.resultaten[0], load_referentie(), (jaar,))
    voeg_bezetting_toe(uit["gemeenten"][0]["functies"], cijfers.bezetting)
    hk.voeg_herkomst_toe(uit["gemeenten"], cijfers.resultaten, cijfers_herkomst(cijfers))
    voeg_teams_van_gemeente_toe(uit, cijfers.leden[0].normenset, teams_van(gemeente, jaar, user))
    if onzekerheid:
        json_met_bereik(uit, cijfers.groepen[0])
    return uit, 200
