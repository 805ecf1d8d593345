"""The gemeente's invoer form and audit trail, page data: the CBS box beside the form, the
estimates that fill empty fields, and the audit trail read for people. The estimates come from
:mod:`formatie.schatting`, the stored herkomst from :func:`.opslaan.herkomst_van`.
"""

from __future__ import annotations

import math

from sqlalchemy import select

from formatie import herkomst as hk
from formatie.getallen import format_aantal
from formatie.referentie import load_referentie
from formatie.schatting import METHODE, doelgroep_schattingen, geschatte_invoer, uitleg

from ..extensions import db
from ..invoerform import HERKOMST, Veldlabel
from ..models import ACTIE_LABELS, NIET_BEGONNEN, STATUS_LABELS, AuditEntry, GemeenteRij
from .cijfers import cijfers_gemeente
from .opslaan import herkomst_van, huidige_invoer


def prefill(gemeente_code: str, normenset, opgeslagen) -> dict:
    """The CBS box: inhabitants, one estimate per target group (label, estimate and the invoer
    field all from formatie.doelgroepen / formatie.schatting), the stored count once saved
    with its herkomst (a formatie.herkomst.Soort: an estimate saved as such says so), and per
    soort invoer why its estimates differ from the flat national rate."""
    ref = load_referentie()
    i = ref.index[gemeente_code]
    waarden = (opgeslagen.waarden if opgeslagen else None) or {}
    herkomst = herkomst_van(opgeslagen)
    groepen = [(g.doelgroep.label, g.schatting, waarden.get(g.telling) if g.telling else None,
                hk.SOORTEN[herkomst[g.telling].soort] if g.telling in herkomst else None)
               for g in doelgroep_schattingen(normenset, ref, gemeente_code)]
    return {"inwoners": float(ref.inwoners[i]), "groepen": groepen, "methode": METHODE,
            "uitleg": [u.tekst for u in uitleg(normenset, ref, gemeente_code)]}


def formulier_schattingen(normenset, gemeente_code: str) -> dict[str, float]:
    """Estimated invoer (model: formatie.schatting.geschatte_invoer), whole numbers for the form."""
    ref = load_referentie()
    rij = geschatte_invoer(normenset, ref)[ref.index[gemeente_code]]
    return {s: float(round(v)) for s, v in zip(normenset.invoer_sleutels, rij, strict=True)
            if not math.isnan(v)}


def audit_tekst(veld: str, waarde: str | None, labels: Veldlabel) -> str:
    """A stored audit value for reading: thousands separators (``20.480``), a real minus."""
    if waarde is None:
        return "—"
    if veld.startswith(HERKOMST):
        return hk.SOORTEN[waarde].label if waarde in hk.SOORTEN else waarde
    if veld == "status":
        return STATUS_LABELS.get(waarde, waarde)
    try:
        return format_aantal(float(waarde))
    except ValueError:
        return waarde


def historiepagina(gemeente: GemeenteRij, jaar: int) -> dict:
    """What ``gemeente/historie.html`` shows: every audit entry of the gemeente's figures for
    ``jaar``, newest save first and within one save in the order of the form."""
    opgeslagen = huidige_invoer(gemeente, jaar)
    entries = []
    if opgeslagen is not None:
        entries = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.invoer_id == opgeslagen.id)
            .order_by(AuditEntry.timestamp.desc(), AuditEntry.id.desc())))
    labels = Veldlabel.voor(cijfers_gemeente(gemeente, jaar).leden[0].normenset)
    entries.sort(key=lambda e: labels.volgorde(e.field))
    entries.sort(key=lambda e: (e.timestamp, e.invoer_version or 0), reverse=True)
    return {"gemeente": gemeente, "jaar": jaar, "invoer": opgeslagen, "entries": entries,
            "labels": labels, "tekst": audit_tekst, "acties": ACTIE_LABELS,
            "status": opgeslagen.status if opgeslagen else NIET_BEGONNEN}
