"""The forecast page's data in one call (:func:`prognosepagina`): per invoer a trend over the
stored years (:func:`formatie.prognose.prognose_reeksen`) and the fte of the next
:data:`HORIZON` years (:func:`formatie.model.bereken`, ranges from :mod:`.bandbreedte`); the
stored years from :mod:`.eerdere_jaren`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formatie.model import bereken
from formatie.prognose import MIN_JAREN, prognose_reeksen

from ..grafieken import lijn_grafiek
from ..models import GemeenteRij
from . import rekencache
from .bandbreedte import prognose_bereik
from .cijfers import cijfers_gemeente, historie_jaren
from .eerdere_jaren import waarden_per_jaar

HORIZON = 3


@dataclass(frozen=True)
class Reeks:
    invoer: object  # formatie.normenset.Invoer
    jaren_met_cijfers: int
    prognose: object  # formatie.prognose.Prognose
    grafiek: object | None
    laatst_bekend: float | None = None  # the newest figure (what a series without trend carries)



def _reeksen_en_fte(normenset, jaren: list[int], waarden: np.ndarray, code: str
                    ) -> tuple[list[Reeks], list[dict], list[str]]:
    """(per invoer its series, the fte with range of the next :data:`HORIZON` years, the
    invoer without any figure): the page's computation, a pure function of its arguments."""
    jaar = jaren[-1]
    # series without any figure are left out of the fit (the model needs ≥ 1 value to carry)
    bekend = np.isfinite(waarden).any(axis=1)
    ontbreekt = [inv.naam for i, inv in enumerate(normenset.invoer) if not bekend[i]]
    # prognose_reeksen seeds itself: the same figures give the same forecast
    reeksen = prognose_reeksen(jaren, waarden[bekend], HORIZON) if bekend.any() else None
    prognose_jaren = [jaar + h for h in range(1, HORIZON + 1)]
    positie = np.cumsum(bekend) - 1
    overzicht = []
    for i, inv in enumerate(normenset.invoer):
        n = int(np.isfinite(waarden[i]).sum())
        p = reeksen.reeks(int(positie[i])) if bekend[i] else None
        grafiek = (lijn_grafiek(p.jaren, p.waarden, p.prognose_jaren, p.verwacht, p.p10, p.p90)
                   if p is not None and p.heeft_trend else None)
        gevuld = waarden[i][np.isfinite(waarden[i])]
        overzicht.append(Reeks(inv, n, p, grafiek, float(gevuld[-1]) if len(gevuld) else None))
    # FTE for the projected years: the model on the projected volumes (the last known value
    # where there is no trend), range with the forecast's dispersion
    fte_jaren = []
    if not ontbreekt:
        for j in prognose_jaren:
            volume, dispersie = reeksen.voor_jaar(int(j))
            res = bereken(normenset, volume[None, :], (code,))
            fte_jaren.append({"jaar": int(j), "centraal": float(res.fte_totaal[0]),
                              "functies": res.fte[0].tolist(),
                              **prognose_bereik(normenset, volume, code, dispersie)})
    return overzicht, fte_jaren, ontbreekt


def prognosepagina(gemeente: GemeenteRij, jaar: int) -> dict:
    """Everything ``prognose/prognose.html`` shows: per invoer its series and trend, and the
    fte (with range) of the next :data:`HORIZON` years when every invoer has a figure. The
    computation is cached under a hash of the stored years' figures and the normenset
    (:mod:`.rekencache`): a save changes them, so a changed figure shows at once."""
    lid = cijfers_gemeente(gemeente, jaar).leden[0]
    rij, normenset = lid.rij, lid.normenset
    jaren = [*historie_jaren(jaar), jaar]
    waarden = waarden_per_jaar(gemeente, jaren, normenset)
    sleutel = rekencache.vingerafdruk("prognose", normenset, jaren, waarden, gemeente.code,
                                      HORIZON)
    overzicht, fte_jaren, ontbreekt = rekencache.gecached(
        sleutel, lambda: _reeksen_en_fte(normenset, jaren, waarden, gemeente.code))
    prognose_jaren = [jaar + h for h in range(1, HORIZON + 1)]
    met_trend = sum(1 for r in overzicht if r.prognose is not None and r.prognose.heeft_trend)
    # too few years for a trend: one collapsible line on the page, not a row each
    nog_geen = [r for r in overzicht if r.jaren_met_cijfers < MIN_JAREN]
    return dict(
        gemeente=gemeente, jaar=jaar, normenset=normenset,
        normenset_rij=rij, overzicht=overzicht, jaren=jaren, fte_jaren=fte_jaren,
        met_reeks=[r for r in overzicht if r.jaren_met_cijfers >= MIN_JAREN],
        nog_geen_trend=nog_geen,
        ontbreekt=ontbreekt, met_trend=met_trend, min_jaren=MIN_JAREN,
        prognose_jaren=prognose_jaren)
