"""Which normensets a user may see: one rule for the /normen pages and for every normenset an
upload names (a workbook's Toelichting names one by naam and versie).

A normenset a gemeente or a region made itself (norms edited in an Excel workbook,
kalibratie) holds that gemeente's or region's own norms: it is visible to whoever may see that
gemeente or region (its colleagues, the region of a gemeente) and to the beheerder, like the
figures themselves (:mod:`app.access`).
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select, true

from ..access import zichtbare_gemeenten
from ..extensions import db
from ..models import InvoerRij, NormensetRij, ScenarioRij, User


def zichtbare_normensets(user: User):
    """A SQL condition on :class:`~app.models.NormensetRij`: the beheerder sees all; anyone else
    the active one, those uploaded by a beheerder (or by nobody: the shipped one), those made
    by someone of a gemeente or region they may see (themselves included), and those an invoer
    or scenario of such a gemeente or region uses."""
    if user.role == "beheerder":
        return true()
    codes = [g.code for g in zichtbare_gemeenten(user)]
    regios = [user.regio_code] if user.role == "regio" and user.regio_code else []
    scenarios = or_(ScenarioRij.gemeente_code.in_(codes), ScenarioRij.regio_code.in_(regios))
    makers = select(User.id).where(or_(
        User.role == "beheerder",
        and_(User.role == "gemeente", User.gemeente_code.in_(codes)),
        and_(User.role == "regio", User.regio_code.in_(regios)),
    ))
    return or_(
        NormensetRij.actief,
        NormensetRij.uploaded_by.is_(None),
        NormensetRij.uploaded_by == user.id,
        NormensetRij.uploaded_by.in_(makers),
        NormensetRij.id.in_(select(InvoerRij.normenset_id).where(InvoerRij.gemeente_code.in_(codes))),
        NormensetRij.id.in_(select(ScenarioRij.normenset_id).where(scenarios)),
        NormensetRij.id.in_(select(ScenarioRij.werkboek_normenset_id).where(scenarios)),
    )


def zichtbare_normenset(user: User, naam: str, versie: str) -> NormensetRij | None:
    """The normenset named ``naam`` / ``versie`` if ``user`` may see it; None both when it does
    not exist and when it is hidden, so a caller cannot tell the two apart."""
    return db.session.scalar(select(NormensetRij).where(
        NormensetRij.naam == naam, NormensetRij.versie == versie, zichtbare_normensets(user)))
