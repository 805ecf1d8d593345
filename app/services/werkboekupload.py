"""An uploaded workbook against the stored figures: where it goes (:class:`Doel`), which
gemeenten and years it may change (:func:`controleer_gemeenten`), and the preview payload
(:func:`voorbeeld`, :func:`regio_voorbeeld`: old → new per field and bezetting, fte of the
stored figures and of the workbook's, norm changes). The stored figures come from
:mod:`.cijfers` (each in the normenset it was saved under), every number from the model.
The view (app.views.werkboek) reads the file, stores the payload and shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import url_for

from formatie.invoer_csv import InvoerTabel
from formatie.model import bereken
from formatie.normenset import Normenset, normenset_als_toml
from formatie.referentie import load_referentie
from formatie.regio import REGIONALE_FUNCTIES
from formatie.werkboek.lezen import invoer_wijzigingen

from ..access import mag_gemeente, mag_regio
from ..extensions import db
from ..models import INGEDIEND, GemeenteRij, NormensetRij, RegioRij, User
from .cijfers import cijfers_gemeenten, opgeslagen_volume, regio_bezetting


@dataclass
class Doel:
    """Where an upload goes: one gemeente or a region, with the URLs of its pages."""

    scope: str  # "gemeente" | "regio"
    code: str
    jaar: int
    naam: str
    #: Who uploads (what they may change: :meth:`toegestaan`, the region's bezetting).
    user: User | None = None
    gemeente: GemeenteRij | None = None
    regio: RegioRij | None = None

    @property
    def terug(self) -> str:
        if self.scope == "gemeente":
            return url_for("gemeente.resultaat", code=self.code, jaar=self.jaar)
        return url_for("regio.overzicht", code=self.code, jaar=self.jaar)

    @property
    def upload_url(self) -> str:
        return url_for(f"werkboek.upload_{self.scope}", code=self.code, jaar=self.jaar)

    def bevestig_url(self, token: str) -> str:
        return url_for(f"werkboek.bevestig_{self.scope}", code=self.code, jaar=self.jaar,
                       upload_id=token)

    def toegestaan(self, gemeente: GemeenteRij) -> bool:
        """May this upload change ``gemeente``'s figures?"""
        if self.scope == "gemeente":
            return gemeente.code == self.code
        return gemeente.regio_code == self.code and mag_gemeente(self.user, gemeente)


def getal(waarde: float | None) -> float | None:
    return None if waarde is None or (isinstance(waarde, float) and math.isnan(waarde)) \
        else float(waarde)


def controleer_gemeenten(doel: Doel, werkboek) -> list[str]:
    """Dutch refusals for gemeenten or years this upload may not change."""
    problemen = []
    paren = [(code, jaar) for groep in werkboek.groepen
             for code, jaar in zip(groep.invoer.gemeentecodes, groep.invoer.jaren, strict=True)]
    for code, jaar in paren:
        gemeente = db.session.get(GemeenteRij, code)
        naam = gemeente.label if gemeente else code
        if gemeente is None or not doel.toegestaan(gemeente):
            if doel.scope == "gemeente":
                problemen.append(f"Het werkboek bevat cijfers van {naam}. Op deze pagina kunt u "
                                 f"alleen de cijfers van {doel.naam} bijwerken; er is niets "
                                 "opgeslagen.")
            else:
                problemen.append(f"Het werkboek bevat cijfers van {naam}, die u niet via "
                                 f"{doel.naam} kunt bijwerken; er is niets opgeslagen.")
        if jaar is not None and jaar != doel.jaar:
            problemen.append(f"Het werkboek bevat voor {naam} cijfers van {jaar}; deze pagina "
                             f"gaat over {doel.jaar}. Upload het op de pagina van {jaar}.")
    return problemen


def groep_voorbeeld(doel: Doel, werkboek, groep, basis_rij: NormensetRij) -> dict:
    """One normenset group of a pending upload: per gemeente old → new (fields, bezetting,
    fte: the stored figures in their own normenset, the workbook's in the group's edited
    normenset), and the group's norm changes (``normen_toml``: the edited normenset to store,
    None when its norms were not changed)."""
    n: Normenset = groep.basis
    tabel = groep.invoer
    sleutels = n.invoer_sleutels
    # the stored figures through the one resolver, each in the normenset it was saved under
    opgeslagen = cijfers_gemeenten([gemeente for code in tabel.gemeentecodes
                                    if (gemeente := db.session.get(GemeenteRij, code))],
                                   doel.jaar)
    huidig = {lid.code: lid.invoer for lid in opgeslagen.leden if lid.invoer is not None}
    oud_volume = opgeslagen_volume([huidig.get(c) for c in tabel.gemeentecodes], n)
    oud = InvoerTabel(gemeentecodes=tabel.gemeentecodes, jaren=tabel.jaren, volume=oud_volume)
    per_code: dict[str, list[dict]] = {}
    for w in invoer_wijzigingen(oud, tabel, n):
        per_code.setdefault(w.sleutel, []).append(
            {"veld": w.veld, "naam": n.invoer_by_sleutel(w.veld).naam,
             "oud": getal(w.oud), "nieuw": getal(w.nieuw)})
    nieuw_res = bereken(groep.normenset, tabel.volume, tabel.gemeentecodes)
    normen_gewijzigd = bool(groep.normwijzigingen)
    gemeenten = []
    for g, code in enumerate(tabel.gemeentecodes):
        invoer = huidig.get(code)
        bezetting_oud = dict(invoer.bezetting or {}) if invoer else {}
        # the Doorstroompunt's bezetting is the region's (entered on the region page)
        bezetting_nieuw = {f: v for f, v in (werkboek.bezetting or {}).get(code, {}).items()
                           if f not in REGIONALE_FUNCTIES}
        bezetting = [{"veld": f, "naam": f"{n.functie(f).naam}: fte in dienst",
                      "oud": bezetting_oud.get(f), "nieuw": v}
                     for f, v in bezetting_nieuw.items()
                     if f in n.functie_sleutels and bezetting_oud.get(f) != v]
        # Saving as invoer turns submitted figures that change back into a concept (edited
        # norms move the gemeente to the new normenset: a change too).
        wordt_concept = invoer is not None and invoer.status == INGEDIEND and bool(
            per_code.get(code) or bezetting or normen_gewijzigd
            or invoer.normenset_id != basis_rij.id)
        gemeenten.append({
            "code": code, "naam": load_referentie().naam(code),
            "versie": invoer.version if invoer else 0,
            "status": invoer.status if invoer else None, "wordt_concept": wordt_concept,
            "waarden": dict(zip(sleutels, tabel.volume[g].tolist(), strict=True)),
            "bezetting": {f: v for f, v in bezetting_nieuw.items() if f in n.functie_sleutels},
            "wijzigingen": per_code.get(code, []), "bezetting_wijzigingen": bezetting,
            "fte_oud": (opgeslagen.fte_van(code) or {}).get("totaal"),
            "fte_nieuw": float(nieuw_res.fte_totaal[g]),
        })
    normen = []
    for w in groep.normwijzigingen:
        if w.sleutel in n.taak_sleutels:
            wat = f"{n.taak(w.sleutel).naam} ({w.veld})"
        else:
            wat = f"{n.functie(w.sleutel).naam}: {w.veld}"
        normen.append({"sleutel": w.sleutel, "veld": w.veld, "wat": wat, "cel": w.cel,
                       "oud": w.oud, "nieuw": w.nieuw})
    scenario = groep.scenario
    return {
        "normenset_id": basis_rij.id, "normenset_label": basis_rij.label,
        "scenario": {"uren": dict(scenario.uren) if scenario else {},
                     "organisatie": {f: dict(p) for f, p in scenario.organisatie.items()}
                     if scenario else {},
                     "volume": groep.scenario_volume},
        "gemeenten": gemeenten, "normwijzigingen": normen,
        "normen_toml": normenset_als_toml(groep.normenset) if normen_gewijzigd else None,
    }


def voorbeeld(doel: Doel, werkboek, rijen: list[NormensetRij]) -> dict:
    """The JSON payload of a pending upload: ``{"gecontroleerd", "groepen": [one
    :func:`groep_voorbeeld` per normenset group]}``."""
    return {"gecontroleerd": werkboek.gecontroleerd,
            "groepen": [groep_voorbeeld(doel, werkboek, groep, rij)
                        for groep, rij in zip(werkboek.groepen, rijen, strict=True)]}


#: Said when a workbook's region bezetting cannot be saved where it was uploaded.
NIET_REGIONAAL = ("De bezetting van de regio (Doorstroompunt) in dit werkboek wordt hier niet "
                  "opgeslagen: die vult de regio in, op de regiopagina of met het werkboek van "
                  "de regio.")


def regio_voorbeeld(doel: Doel, werkboek, opmerkingen: list[str]) -> dict | None:
    """The workbook's region bezetting (one cell per regional functie) against the stored one:
    ``{"versie": stored row version (0: none), "wijzigingen": [{"veld", "naam", "oud",
    "nieuw"}]}`` (fte; None = empty). Only a region upload by someone who may enter it
    (:func:`app.access.mag_regio`) can change it; elsewhere a notice says it is not saved."""
    gelezen = werkboek.regio_bezetting
    if gelezen is None:
        return None
    if doel.scope != "regio" or not mag_regio(doel.user, doel.regio):
        if any(v is not None for v in gelezen.values()):
            opmerkingen.append(NIET_REGIONAAL)
        return None
    rij = regio_bezetting(doel.regio, doel.jaar)
    opgeslagen = (rij.waarden or {}) if rij is not None else {}
    n = werkboek.groepen[0].basis
    wijzigingen = [{"veld": f, "naam": f"{n.functie(f).naam}: fte in dienst (regio)",
                    "oud": getal(opgeslagen.get(f)), "nieuw": nieuw}
                   for f, nieuw in gelezen.items()
                   if f in n.functie_sleutels and getal(opgeslagen.get(f)) != nieuw]
    return {"versie": rij.version if rij is not None else 0, "wijzigingen": wijzigingen}
