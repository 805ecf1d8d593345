"""Saving an invoer: one transaction, one AuditEntry per changed field, optimistic locking.

The form carries the ``version`` it was loaded with. A save against another version is a
conflict: nothing is written, and the user sees per field what the other person changed.
SQLAlchemy's ``version_id_col`` guards the last gap (two saves between check and UPDATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db
from .invoerform import BEZETTING
from .models import (
    CONCEPT,
    INGEDIEND,
    AuditEntry,
    Gemeente,
    Invoer,
    Regio,
    RegioBezetting,
    User,
    utcnow,
)
from .models import Normenset as NormensetRij

#: Length of AuditEntry.old / .new.
AUDIT_LENGTE = 100


class Conflict(Exception):
    """Someone else saved first; nothing was written."""


@dataclass(frozen=True)
class Wijziging:
    veld: str
    oud: str | None
    nieuw: str | None


@dataclass(frozen=True)
class AndermansWijziging:
    """A field another user changed since the form was loaded."""

    veld: str
    door: str
    wanneer: datetime
    hun_waarde: str | None  # now in the database
    uw_waarde: str | None  # what this user entered
    basis: str | None  # the value when this user loaded the form

    @property
    def alleen_door_ander(self) -> bool:
        """This user left the field as loaded: take the other person's value."""
        return self.uw_waarde == self.basis


def als_tekst(waarde: float | None) -> str | None:
    """A stored value as the audit trail compares and shows it (``-0`` as ``0.0``)."""
    return None if waarde is None else repr(float(waarde) + 0.0)


def _plat(invoer: Invoer | None) -> dict[str, str | None]:
    """All stored fields of an invoer as text: invoer sleutels, bezetting_*, status."""
    if invoer is None:
        return {}
    uit = {k: als_tekst(v) for k, v in (invoer.waarden or {}).items()}
    uit.update({BEZETTING + k: als_tekst(v) for k, v in (invoer.bezetting or {}).items()})
    uit["status"] = invoer.status
    return uit


def _samenvoegen(oud: dict, nieuw: dict[str, float | None]) -> dict[str, float]:
    """Form values over stored ones; empty fields remove a value; other keys are kept."""
    uit = dict(oud or {})
    for k, v in nieuw.items():
        if v is None:
            uit.pop(k, None)
        else:
            uit[k] = float(v) + 0.0  # -0 → 0
    return uit


def normenset_label(rij: NormensetRij | None) -> str | None:
    """"naam (versie)" as stored in the audit trail (the column holds 100 characters)."""
    if rij is None:
        return None
    label = rij.label
    return label if len(label) <= AUDIT_LENGTE else label[:AUDIT_LENGTE - 1] + "…"


def huidige_invoer(gemeente: Gemeente, jaar: int) -> Invoer | None:
    return db.session.scalar(select(Invoer).where(Invoer.gemeente_code == gemeente.code,
                                                  Invoer.jaar == jaar))


def sla_op(
    gemeente: Gemeente, jaar: int, geladen_versie: int, waarden: dict[str, float | None],
    bezetting: dict[str, float | None], indienen: bool, normenset: NormensetRij, user: User,
    *, actie: str | None = None, commit: bool = True,
) -> tuple[Invoer, list[Wijziging]]:
    """Save in one transaction; raise :class:`Conflict` when the version moved on.

    ``actie`` labels the audit entries (default "indienen"/"concept"). With ``commit=False``
    the caller commits, so several gemeenten can be saved in one transaction (a Conflict
    still rolls the whole transaction back).
    """
    invoer = huidige_invoer(gemeente, jaar)
    if (invoer.version if invoer else 0) != geladen_versie:
        db.session.rollback()
        raise Conflict
    voor = _plat(invoer)
    normenset_wijziging = None
    if invoer is not None and invoer.normenset_id != normenset.id:
        normenset_wijziging = Wijziging(
            "normenset", normenset_label(invoer.normenset), normenset_label(normenset))
    if invoer is None:
        invoer = Invoer(gemeente_code=gemeente.code, jaar=jaar, waarden={}, bezetting={})
        db.session.add(invoer)
    invoer.waarden = _samenvoegen(invoer.waarden, waarden)
    invoer.bezetting = _samenvoegen(invoer.bezetting, bezetting)
    invoer.status = INGEDIEND if indienen else CONCEPT
    na = _plat(invoer)
    wijzigingen = [Wijziging(k, voor.get(k), na.get(k)) for k in sorted(voor.keys() | na.keys())
                   if voor.get(k) != na.get(k)]
    if normenset_wijziging is not None:  # saving switches the invoer to the active normenset
        wijzigingen.append(normenset_wijziging)
    if not wijzigingen:
        if commit:
            db.session.rollback()
        else:
            db.session.expire(invoer)  # drop the (equal) assignments, keep the transaction
        return invoer, []
    invoer.normenset_id = normenset.id
    invoer.updated_by = user.id
    invoer.updated_at = utcnow()
    actie = actie or ("indienen" if indienen else "concept")
    try:
        db.session.flush()  # INSERT, or UPDATE … WHERE version = loaded version
        for w in wijzigingen:
            db.session.add(AuditEntry(invoer_id=invoer.id, invoer_version=invoer.version,
                                      user_id=user.id, timestamp=invoer.updated_at, field=w.veld,
                                      old=w.oud, new=w.nieuw, action=actie))
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict from None
    return invoer, wijzigingen


def andermans_wijzigingen(
    gemeente: Gemeente, jaar: int, geladen_versie: int,
    uw_waarden: dict[str, float | None], uw_bezetting: dict[str, float | None],
) -> tuple[Invoer | None, list[AndermansWijziging]]:
    """What others changed after ``geladen_versie``, beside what this user entered."""
    invoer = huidige_invoer(gemeente, jaar)
    if invoer is None:
        return None, []
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.invoer_id == invoer.id,
                                 AuditEntry.invoer_version > geladen_versie)
        .order_by(AuditEntry.invoer_version, AuditEntry.id))
    laatste: dict[str, AuditEntry] = {}
    eerste: dict[str, AuditEntry] = {}
    for entry in entries:
        if entry.field == "normenset":  # not a form field: every save uses the active one
            continue
        laatste[entry.field] = entry
        eerste.setdefault(entry.field, entry)
    nu = _plat(invoer)
    uw = {k: als_tekst(v) for k, v in uw_waarden.items()}
    uw.update({BEZETTING + k: als_tekst(v) for k, v in uw_bezetting.items()})
    uit = [
        AndermansWijziging(veld, e.user.email if e.user else "onbekend", e.timestamp,
                           nu.get(veld), uw.get(veld), eerste[veld].old)
        for veld, e in laatste.items()
    ]
    return invoer, uit


def huidige_regio_bezetting(regio: Regio, jaar: int) -> RegioBezetting | None:
    return db.session.scalar(select(RegioBezetting).where(RegioBezetting.regio_code == regio.code,
                                                          RegioBezetting.jaar == jaar))


def sla_regio_bezetting_op(
    regio: Regio, jaar: int, geladen_versie: int, bezetting: dict[str, float | None], user: User,
) -> tuple[RegioBezetting, list[Wijziging]]:
    """Save a region's bezetting of its regional functies (the Doorstroompunt) the way
    :func:`sla_op` saves an invoer: one transaction, one AuditEntry per changed field
    (``bezetting_<functie>``, action "concept"), :class:`Conflict` when the version moved on
    (nothing written). Empty fields remove a value."""
    rij = huidige_regio_bezetting(regio, jaar)
    if (rij.version if rij else 0) != geladen_versie:
        db.session.rollback()
        raise Conflict
    voor = {BEZETTING + k: als_tekst(v) for k, v in ((rij.waarden if rij else None) or {}).items()}
    if rij is None:
        rij = RegioBezetting(regio_code=regio.code, jaar=jaar, waarden={})
        db.session.add(rij)
    rij.waarden = _samenvoegen(rij.waarden, bezetting)
    na = {BEZETTING + k: als_tekst(v) for k, v in rij.waarden.items()}
    wijzigingen = [Wijziging(k, voor.get(k), na.get(k)) for k in sorted(voor.keys() | na.keys())
                   if voor.get(k) != na.get(k)]
    if not wijzigingen:
        db.session.rollback()
        return rij, []
    rij.updated_by = user.id
    rij.updated_at = utcnow()
    try:
        db.session.flush()  # INSERT, or UPDATE … WHERE version = loaded version
        for w in wijzigingen:
            db.session.add(AuditEntry(regio_bezetting_id=rij.id, invoer_version=rij.version,
                                      user_id=user.id, timestamp=rij.updated_at, field=w.veld,
                                      old=w.oud, new=w.nieuw, action="concept"))
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict from None
    return rij, wijzigingen
