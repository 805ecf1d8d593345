"""Authorization in one place: who may see which gemeente, region and team.

A ``team`` user (the coordinator of a shared uitvoeringsorganisatie) sees its team and the
team's member gemeenten (members of any year), as a ``regio`` user does its region.

Anything a user may not see answers 404, never 403, so the existence of a gemeente's figures
or of an admin page is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from .extensions import db
from .models import MAX_INT, GemeenteRij, RegioRij, TeamLidRij, TeamRij, User

EERSTE_JAAR = 2020


def huidig_jaar() -> int:
    return datetime.now(UTC).year


#: How many years the overview offers (this year and the ones before it).
JAREN_AANGEBODEN = 2


def aangeboden_jaren() -> list[int]:
    """The years the pages offer as links, newest first: this year and last year. The
    overview lists them and the region page links only to them, so no page offers a year
    another one does not. (:func:`check_jaar` accepts a wider range for typed URLs.)"""
    jaar = huidig_jaar()
    return [j for j in range(jaar, jaar - JAREN_AANGEBODEN, -1) if j >= EERSTE_JAAR]


def check_jaar(jaar: int) -> int:
    """Years from 2020 up to next year are valid; anything else is 404."""
    if not EERSTE_JAAR <= jaar <= huidig_jaar() + 1:
        abort(404)
    return jaar


def mag_gemeente(user: User, gemeente: GemeenteRij) -> bool:
    if user.role == "beheerder":
        return True
    if user.role == "regio":
        return gemeente.regio_code == user.regio_code
    if user.role == "team":
        return gemeente.code in team_gemeentecodes(user.team_id)
    return user.role == "gemeente" and gemeente.code == user.gemeente_code


def team_gemeentecodes(team_id: int | None) -> set[str]:
    """Every member gemeente of a team (any year)."""
    return set(db.session.scalars(select(TeamLidRij.gemeente_code)
                                  .where(TeamLidRij.team_id == team_id)))


def mag_team(user: User, team: TeamRij) -> bool:
    """The beheerder, the team's coordinator, and a regio user whose region holds every
    member of the team."""
    if user.role == "beheerder":
        return True
    if user.role == "team":
        return team.id == user.team_id
    return user.role == "regio" and bool(team.leden) and all(
        lid.gemeente.regio_code == user.regio_code for lid in team.leden)


def mag_regio(user: User, regio: RegioRij) -> bool:
    return user.role == "beheerder" or (user.role == "regio" and regio.code == user.regio_code)


def get_gemeente_or_404(code: str) -> GemeenteRij:
    """The gemeente if the current user may see it; otherwise 404."""
    gemeente = db.session.get(GemeenteRij, code) if len(code) == 4 else None
    if gemeente is None or not mag_gemeente(current_user, gemeente):
        abort(404)
    return gemeente


def get_regio_or_404(code: str) -> RegioRij:
    regio = db.session.get(RegioRij, code.upper()) if len(code) == 4 else None
    if regio is None or not mag_regio(current_user, regio):
        abort(404)
    return regio


def get_gemeente_jaar_or_404(code: str, jaar: int) -> GemeenteRij:
    """The preamble of every ``/gemeente/<code>/<jaar>/…`` route: the gemeente if the current
    user may see it and ``jaar`` is a year of the tool (:func:`check_jaar`).

    :raise 404: if the gemeente does not exist, the user may not see it, or the year is out of
        range (the same answer for all three, so nothing is revealed).
    """
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    return gemeente


def get_regio_jaar_or_404(code: str, jaar: int) -> RegioRij:
    """The preamble of every ``/regio/<MCxx>/<jaar>/…`` route, as
    :func:`get_gemeente_jaar_or_404`.

    :raise 404: if the region does not exist, the user may not see it, or the year is out of
        range.
    """
    regio = get_regio_or_404(code)
    check_jaar(jaar)
    return regio


def get_team_jaar_or_404(team_id: int, jaar: int) -> TeamRij:
    """The preamble of every ``/team/<id>/<jaar>/…`` route, as
    :func:`get_gemeente_jaar_or_404`.

    :raise 404: if the team does not exist, the user may not see it, or the year is out of
        range.
    """
    team = db.session.get(TeamRij, team_id) if 1 <= team_id <= MAX_INT else None
    if team is None or not mag_team(current_user, team):
        abort(404)
    check_jaar(jaar)
    return team


def zichtbare_gemeenten(user: User) -> list[GemeenteRij]:
    """Gemeenten on the user's overview (beheerder: none here, they browse by region)."""
    if user.role == "gemeente":
        return [user.gemeente] if user.gemeente else []
    if user.role == "regio" and user.regio:
        return list(user.regio.gemeenten)
    if user.role == "team":
        return list(db.session.scalars(select(GemeenteRij).where(
            GemeenteRij.code.in_(team_gemeentecodes(user.team_id))).order_by(GemeenteRij.naam)))
    return []


def alle_regios() -> list[RegioRij]:
    return list(db.session.scalars(select(RegioRij).order_by(RegioRij.code)))


def rol_vereist(*rollen: str) -> Callable:
    """Login required, and one of ``rollen``; other users get 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in rollen:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator
