"""Normensets stored in the database, parsed by formatie.normenset_toml (cached per text).

:func:`bewaar_normenset` is the one way a normenset is stored: the /normen upload, norms edited
in an Excel workbook and calibrated hours all go through it (uniqueness of naam + versie, the
naming of derived versions, provenance).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from formatie.normenset import Normenset, afgeleide_versie, normenset_als_toml
from formatie.normenset_toml import parse_normenset

from ..extensions import db
from ..models import NormensetRij, User

#: Longest last part of a versie ("-excel", "-kalibratie") kept whole when numbering.
MAX_ACHTERVOEGSEL = 20


class NormensetBestaat(Exception):
    """A normenset with this naam and versie is stored already; nothing was stored."""

    def __init__(self, naam: str, versie: str):
        super().__init__(f"{naam} ({versie})")
        self.naam = naam
        self.versie = versie


@lru_cache(maxsize=16)
def _parse(tekst: str, bestand: str) -> Normenset:
    return parse_normenset(tekst, bestand)


def als_normenset(rij: NormensetRij) -> Normenset:
    """The model's Normenset for a stored row (the text was validated at upload)."""
    return _parse(rij.toml, rij.label)


def actieve_rij() -> NormensetRij:
    """The active normenset row; 404 when there is none (``flask init`` installs one)."""
    rij = db.session.scalar(select(NormensetRij).where(NormensetRij.actief))
    if rij is None:
        abort(404)
    return rij


def activeer(rij: NormensetRij) -> None:
    """Make ``rij`` the only active normenset (caller commits)."""
    # Two statements: the partial unique index allows one active row at any moment.
    db.session.execute(update(NormensetRij).where(NormensetRij.actief)
                       .values(actief=False))
    db.session.flush()
    rij.actief = True


def unieke_versie(naam: str, versie: str) -> str:
    """``versie``, or when ``naam`` has it already the first free ``<versie>-2``, ``-3`` …

    A short last part is kept whole with the number ("2026.1-excel" → "2026.1-excel-2"); the
    base is cut so the whole fits the column (:func:`formatie.normenset.afgeleide_versie`).
    """
    bestaand = set(db.session.scalars(select(NormensetRij.versie)
                                      .where(NormensetRij.naam == naam)))
    if versie not in bestaand:
        return versie
    stam, streep, staart = versie.rpartition("-")
    staart = streep + staart
    if not streep or len(staart) > MAX_ACHTERVOEGSEL:
        stam, staart = versie, ""
    i = 2
    while afgeleide_versie(stam, f"{staart}-{i}") in bestaand:
        i += 1
    return afgeleide_versie(stam, f"{staart}-{i}")


def bewaar_normenset(tekst: str, bestand: str, door: User | None, *,
                     afgeleid_van: NormensetRij | None = None) -> NormensetRij:
    """Store a normenset, inactive, as uploaded by ``door``; the caller commits.

    ``tekst`` is read by :func:`formatie.normenset_toml.parse_normenset` (``bestand`` names
    it in the messages; :class:`~formatie.problemen.InvoerFout` when it is invalid, nothing
    stored).

    - An uploaded set (``afgeleid_van`` None) is stored as written, comments included; its
      naam + versie must be new, else :class:`NormensetBestaat`.
    - A derived set (norms edited in a workbook: versie ``<basis>-excel``; calibrated hours:
      ``<basis>-kalibratie``) gets the first free versie (:func:`unieke_versie`) and
      ``afgeleid_van = "<naam> (<versie>)"`` of its base, and is stored as
      :func:`formatie.normenset.normenset_als_toml` writes it (checked to read back).

    Two stores of the same naam + versie at one moment: the second raises
    :class:`NormensetBestaat` with the transaction rolled back.
    """
    n = parse_normenset(tekst, bestand)
    if afgeleid_van is not None:
        n = replace(n, versie=unieke_versie(n.naam, n.versie), afgeleid_van=afgeleid_van.label,
                    bron_tekst=None)
        tekst = normenset_als_toml(n)
        parse_normenset(tekst, bestand)  # what is stored must read back
    elif db.session.scalar(select(NormensetRij.id).where(NormensetRij.naam == n.naam,
                                                         NormensetRij.versie == n.versie)):
        raise NormensetBestaat(n.naam, n.versie)
    rij = NormensetRij(naam=n.naam, versie=n.versie, toml=tekst, actief=False,
                       uploaded_by=door.id if door is not None else None)
    db.session.add(rij)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise NormensetBestaat(n.naam, n.versie) from None
    return rij
