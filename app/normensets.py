"""Normensets stored in the database, parsed by formatie.normenset_toml (cached per text)."""

from __future__ import annotations

from functools import lru_cache

from flask import abort
from sqlalchemy import select, update

from formatie.normenset import Normenset
from formatie.normenset_toml import parse_normenset

from .extensions import db
from .models import Normenset as NormensetRij


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
