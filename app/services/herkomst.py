"""Herkomst for the pages: which stored volumes are estimates, and how much of the hours rest
on them. Every rule and share comes from :mod:`formatie.herkomst`; the stored herkomst from
:func:`app.services.opslaan.herkomst_van`; the figures from :mod:`app.services.cijfers`.
Nothing is decided here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from formatie import herkomst as hk
from formatie.model import Resultaat

from ..models import InvoerRij
from .cijfers import Cijfers
from .opslaan import herkomst_van


def formulier_herkomst(opgeslagen: InvoerRij | None, waarden: Mapping[str, float | None],
                       geschat: Mapping[str, float]) -> dict[str, hk.Herkomst]:
    """What the form shows beside each field: the herkomst its value would have when saved
    now (``waarden`` as in the form, None = empty; ``geschat``: the estimates the form
    prefilled). On a fresh form that is the stored herkomst."""
    oud = (opgeslagen.waarden if opgeslagen else None) or {}
    nieuw = dict(oud) | {s: float(v) for s, v in waarden.items() if v is not None}
    for s, v in waarden.items():
        if v is None:
            nieuw.pop(s, None)
    return hk.na_opslaan(oud, herkomst_van(opgeslagen), nieuw, hk.EIGEN, geschat)


def cijfers_herkomst(cijfers: Cijfers) -> dict[str, dict[str, hk.Herkomst]]:
    """gemeentecode → invoer sleutel → herkomst, for every member with stored figures."""
    return {lid.code: herkomst_van(lid.invoer) for lid in cijfers.leden
            if lid.invoer is not None}


@dataclass(frozen=True)
class Resultaatherkomst:
    """The result page's herkomst: per soort the share of the taak hours (``aandelen``, only
    soorten with hours), the estimates to replace first, and per invoer its herkomst."""

    aandelen: dict[str, float]
    eerst: list[hk.EerstInvullen]
    per_invoer: dict[str, hk.Herkomst]

    @property
    def schatting(self) -> float:
        return self.aandelen.get(hk.SCHATTING, 0.0)

    @property
    def onbekend(self) -> float:
        return self.aandelen.get(hk.ONBEKEND, 0.0)

    @property
    def zin(self) -> str:
        """"62 % van de uren rust op CBS-schattingen" (formatie.herkomst)."""
        return hk.zin_uren_op_schatting(self.schatting)


def resultaat_herkomst(res: Resultaat, invoer: InvoerRij, g: int = 0) -> Resultaatherkomst:
    """For gemeente row ``g`` of ``res`` (whose stored row is ``invoer``)."""
    rijen = [{}] * len(res.gemeentecodes)
    rijen[g] = herkomst_van(invoer)
    return Resultaatherkomst(hk.aandelen(res, rijen, g), hk.eerst_invullen(res, rijen, g),
                             rijen[g])


def aandeel_schatting_per_lid(cijfers: Cijfers) -> dict[str, float]:
    """gemeentecode → share (0–1) of its taak hours resting on estimates, for every member
    with complete figures and any hours."""
    herkomst = cijfers_herkomst(cijfers)
    uit = {}
    for res in cijfers.resultaten:
        aandeel = hk.aandeel_uren(res, [herkomst.get(c, {}) for c in res.gemeentecodes])
        uit.update({c: float(a) for c, a in zip(res.gemeentecodes, aandeel, strict=True)
                    if not math.isnan(a)})  # NaN: no hours to speak of
    return uit
