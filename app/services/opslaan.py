"""Saving an invoer: one transaction, one AuditEntry per changed field, optimistic locking.

:func:`sla_op` is the one save path: the invoer form (app.views.gemeente), the Excel import
(app.views.werkboek) and the grid of earlier years (app.services.eerdere_jaren) all write
through it.

Every stored invoer value carries its herkomst (:mod:`formatie.herkomst`): the save path
decides it by the one rule :func:`formatie.herkomst.na_opslaan` (a value saved unchanged keeps
its herkomst; a new value is what the action gives, :data:`HERKOMST_VAN_ACTIE`, or an
estimate when it equals the one the form offered), and audits every change of herkomst as
field ``herkomst_<sleutel>``.

The form carries the ``version`` it was loaded with. A save against another version is a
conflict: nothing is written, and the user sees per field what the other person changed.
SQLAlchemy's ``version_id_col`` guards the last gap (two saves between check and UPDATE).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from formatie import herkomst as hk

from ..extensions import db
from ..invoerform import BEZETTING, HERKOMST
from ..models import (
    ACTIE_CONCEPT,
    ACTIE_EERDERE_JAREN,
    ACTIE_EXCEL,
    ACTIE_INDIENEN,
    ACTIE_LABELS,
    NIET_BEGONNEN,
    AuditEntry,
    GemeenteRij,
    InvoerRij,
    NormensetRij,
    RegioBezettingRij,
    RegioRij,
    TeamBezettingRij,
    TeamRij,
    User,
    utcnow,
)
from .cijfers import regio_bezetting
from .teamdata import team_bezetting

#: Length of AuditEntry.old / .new.
AUDIT_LENGTE = 100

#: The herkomst a save action gives a value someone entered (formatie.herkomst.INVOERSOORTEN).
HERKOMST_VAN_ACTIE = {ACTIE_CONCEPT: hk.EIGEN, ACTIE_INDIENEN: hk.EIGEN,
                      ACTIE_EXCEL: hk.WERKBOEK, ACTIE_EERDERE_JAREN: hk.EERDERE_JAREN}


class Conflict(Exception):
    """Someone else saved first; nothing was written."""


@dataclass(frozen=True)
class Veldwijziging:
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


def _plat(invoer: InvoerRij | None) -> dict[str, str | None]:
    """All stored fields of an invoer as text: invoer sleutels, bezetting_*, status."""
    if invoer is None:
        return {}
    return _als_velden(invoer.waarden, invoer.bezetting, invoer.status)


def _als_velden(waarden: dict | None, bezetting: dict | None,
                status: str) -> dict[str, str | None]:
    """Fields as text, the audit's view of a row. "niet begonnen" is no status: a row that only
    holds figures of an earlier year has none to audit."""
    uit = {k: als_tekst(v) for k, v in (waarden or {}).items()}
    uit.update({BEZETTING + k: als_tekst(v) for k, v in (bezetting or {}).items()})
    if status != NIET_BEGONNEN:
        uit["status"] = status
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


def herkomst_van(invoer: InvoerRij | None) -> dict[str, hk.Herkomst]:
    """The herkomst of every stored invoer value of ``invoer`` (onbekend where none is kept)."""
    if invoer is None:
        return {}
    return hk.lees(invoer.herkomst, list(invoer.waarden or {}))


def _herkomst_wijzigingen(voor: dict[str, hk.Herkomst], na: dict[str, hk.Herkomst],
                          standaard: str) -> list[Veldwijziging]:
    """One audit change (``herkomst_<sleutel>``, old soort → new) per stored value whose
    herkomst the value's own audit entry and action do not already tell: a value whose known
    herkomst changed ("schatting" → "eigen"), or a new value (or one of unknown herkomst)
    that is not what the save action gives (``standaard``): a new estimate is "—" →
    "schatting". An emptied value's entry says enough."""
    uit = []
    for s in sorted(na):
        oud = voor.get(s)
        if oud is not None and oud.soort == na[s].soort:
            continue
        bekend = oud is not None and oud.soort != hk.ONBEKEND
        if na[s].soort != (oud.soort if bekend else standaard):
            uit.append(Veldwijziging(HERKOMST + s, oud.soort if oud else None, na[s].soort))
    return uit


def normenset_label(rij: NormensetRij | None) -> str | None:
    """"naam (versie)" as stored in the audit trail (the column holds 100 characters)."""
    if rij is None:
        return None
    label = rij.label
    return label if len(label) <= AUDIT_LENGTE else label[:AUDIT_LENGTE - 1] + "…"


def huidige_invoer(gemeente: GemeenteRij, jaar: int) -> InvoerRij | None:
    return db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == gemeente.code,
                                                  InvoerRij.jaar == jaar))


def sla_op(
    gemeente: GemeenteRij, jaar: int, geladen_versie: int, waarden: dict[str, float | None],
    bezetting: dict[str, float | None], status: str | None, normenset: NormensetRij, user: User,
    *, actie: str, commit: bool = True, geschat: Mapping[str, float] | None = None,
) -> tuple[InvoerRij | None, list[Veldwijziging]]:
    """Save one gemeente's figures for ``jaar``: the one save path for the invoer form, the
    Excel import and the earlier-years grid. Raise :class:`Conflict` (the transaction rolled
    back, nothing written) when the stored version is not ``geladen_versie`` (0: no row yet).

    ``waarden``/``bezetting``: sleutel → value, None removes the stored value; sleutels not
    given keep theirs. ``status``: the status after saving, or None to keep the row's (a new
    row is then "niet begonnen": figures of an earlier year do not start that year's form).
    The row is switched to ``normenset`` (the switch is audited). ``actie`` labels every audit
    entry of this save, one per changed field (a key of
    :data:`app.models.ACTIE_LABELS`). With ``commit=False`` the
    caller commits, so several years or gemeenten are saved in one transaction. Returns the
    row (None when there was none and nothing changed) and the changes, [] when nothing
    changed (then nothing is written).

    Herkomst (:func:`formatie.herkomst.na_opslaan`): an entered value gets
    ``HERKOMST_VAN_ACTIE[actie]``; ``geschat`` (sleutel → the estimate the form prefilled)
    makes a value equal to it a ``schatting`` of the normenset ``normenset``. A herkomst the
    value's own audit entry does not tell is audited too (``herkomst_<sleutel>``, see
    :func:`_herkomst_wijzigingen`) but not returned: it only comes with a changed value,
    which is.
    """
    if actie not in ACTIE_LABELS:
        raise ValueError(f"unknown audit action {actie!r}")
    invoer = huidige_invoer(gemeente, jaar)
    if (invoer.version if invoer else 0) != geladen_versie:
        db.session.rollback()
        raise Conflict
    oude_waarden = (invoer.waarden if invoer else None) or {}
    nieuwe_waarden = _samenvoegen(oude_waarden, waarden)
    nieuwe_bezetting = _samenvoegen(invoer.bezetting if invoer else {}, bezetting)
    nieuwe_status = status or (invoer.status if invoer else NIET_BEGONNEN)
    voor = _plat(invoer)
    na = _als_velden(nieuwe_waarden, nieuwe_bezetting, nieuwe_status)
    wijzigingen = [Veldwijziging(k, voor.get(k), na.get(k)) for k in sorted(voor.keys() | na.keys())
                   if voor.get(k) != na.get(k)]
    if invoer is not None and invoer.normenset_id != normenset.id:
        wijzigingen.append(Veldwijziging(
            "normenset", normenset_label(invoer.normenset), normenset_label(normenset)))
    if not wijzigingen:
        return invoer, []
    oude_herkomst = herkomst_van(invoer)
    nieuwe_herkomst = hk.na_opslaan(oude_waarden, oude_herkomst, nieuwe_waarden,
                                    HERKOMST_VAN_ACTIE[actie], geschat,
                                    hk.schattingsversie(normenset.label))
    if invoer is None:
        invoer = InvoerRij(gemeente_code=gemeente.code, jaar=jaar)
        db.session.add(invoer)
    invoer.waarden = nieuwe_waarden
    invoer.herkomst = hk.als_json(nieuwe_herkomst)
    invoer.bezetting = nieuwe_bezetting
    invoer.status = nieuwe_status
    invoer.normenset_id = normenset.id
    _schrijf(invoer, wijzigingen + _herkomst_wijzigingen(oude_herkomst, nieuwe_herkomst,
                                                         HERKOMST_VAN_ACTIE[actie]),
             user, actie, commit)
    return invoer, wijzigingen


def _schrijf(rij: InvoerRij | RegioBezettingRij | TeamBezettingRij,
             wijzigingen: list[Veldwijziging], user: User, actie: str, commit: bool) -> None:
    """Write ``rij`` (INSERT, or UPDATE … WHERE version = the loaded version) with one
    AuditEntry per change; :class:`Conflict` (rolled back) when another save came first."""
    rij.updated_by = user.id
    rij.updated_at = utcnow()
    sleutel = {InvoerRij: "invoer_id", RegioBezettingRij: "regio_bezetting_id",
               TeamBezettingRij: "team_bezetting_id"}[type(rij)]
    try:
        db.session.flush()
        for w in wijzigingen:
            db.session.add(AuditEntry(**{sleutel: rij.id}, invoer_version=rij.version,
                                      user_id=user.id, timestamp=rij.updated_at, field=w.veld,
                                      old=w.oud, new=w.nieuw, action=actie))
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict from None


def andermans_wijzigingen(
    gemeente: GemeenteRij, jaar: int, geladen_versie: int,
    uw_waarden: dict[str, float | None], uw_bezetting: dict[str, float | None],
) -> tuple[InvoerRij | None, list[AndermansWijziging]]:
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
        if entry.field == "normenset" or entry.field.startswith(HERKOMST):
            continue  # not form fields: the active normenset; herkomst follows the value
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


def sla_regio_bezetting_op(
    regio: RegioRij, jaar: int, geladen_versie: int, bezetting: dict[str, float | None], user: User,
    *, actie: str = ACTIE_CONCEPT, commit: bool = True,
) -> tuple[RegioBezettingRij | None, list[Veldwijziging]]:
    """Save a region's bezetting of its regional functies (the Doorstroompunt) the way
    :func:`sla_op` saves an invoer, the one save path for it (region page and workbook upload):
    one AuditEntry per changed field (``bezetting_<functie>``, action ``actie``),
    :class:`Conflict` when the version moved on (rolled back, nothing written). Empty fields
    remove a value. With ``commit=False`` the caller commits (the workbook upload saves it in
    the gemeenten's transaction). Returns the row (None when there was none and nothing
    changed) and the changes; with none the session is left untouched."""
    return _sla_bezetting_op(
        regio_bezetting(regio, jaar),
        lambda: RegioBezettingRij(regio_code=regio.code, jaar=jaar, waarden={}),
        geladen_versie, bezetting, user, actie, commit)


def sla_team_bezetting_op(
    team: TeamRij, jaar: int, geladen_versie: int, bezetting: dict[str, float | None],
    user: User, *, actie: str = ACTIE_CONCEPT, commit: bool = True,
) -> tuple[TeamBezettingRij | None, list[Veldwijziging]]:
    """Save a team's bezetting (issue 21: entered once per team, the team employs the staff)
    exactly as :func:`sla_regio_bezetting_op` saves a region's: audit per field, locking,
    :class:`Conflict`."""
    return _sla_bezetting_op(
        team_bezetting(team, jaar),
        lambda: TeamBezettingRij(team_id=team.id, jaar=jaar, waarden={}),
        geladen_versie, bezetting, user, actie, commit)


def _sla_bezetting_op(rij, nieuwe_rij, geladen_versie: int,
                      bezetting: dict[str, float | None], user: User, actie: str,
                      commit: bool):
    """The save path of an organisation's bezetting (a region's or a team's): ``rij`` the
    stored row or None, ``nieuwe_rij`` makes one."""
    if actie not in ACTIE_LABELS:
        raise ValueError(f"unknown audit action {actie!r}")
    if (rij.version if rij else 0) != geladen_versie:
        db.session.rollback()
        raise Conflict
    oud = (rij.waarden if rij else None) or {}
    nieuw = _samenvoegen(oud, bezetting)
    voor = {BEZETTING + k: als_tekst(v) for k, v in oud.items()}
    na = {BEZETTING + k: als_tekst(v) for k, v in nieuw.items()}
    wijzigingen = [Veldwijziging(k, voor.get(k), na.get(k)) for k in sorted(voor.keys() | na.keys())
                   if voor.get(k) != na.get(k)]
    if not wijzigingen:
        return rij, []
    if rij is None:
        rij = nieuwe_rij()
        db.session.add(rij)
    rij.waarden = nieuw
    _schrijf(rij, wijzigingen, user, actie, commit)
    return rij, wijzigingen
