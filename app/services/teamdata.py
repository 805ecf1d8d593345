"""Teams as data: stored teams as :class:`formatie.teams.Team`, and the one import path.

A teams CSV (``team,functie,gemeentecode[,vanaf_jaar][,soort][,verdeelsleutel]``) is read by
:func:`formatie.teams.lees_teams_csv` (every problem with its line, in Dutch; nothing is
stored when there is one) and stored by :func:`importeer_teams`, for ``flask --app app teams
importeer`` and the beheerder's page alike:

* a team in the file gets exactly the file's members, soort and verdeelsleutel;
* a team not in the file stays as it is, except that a gemeente the file puts in another team
  of the same functie moves there (a gemeente is in at most one team per functie);
* every change is an :class:`~app.models.AuditEntry` of the team (``team``, ``soort``,
  ``verdeelsleutel``, ``lid:<gemeentecode>``), so importing the same file twice changes
  nothing and records nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from formatie.referentie import load_referentie
from formatie.teams import Team, lees_teams_csv, voor_jaar

from ..extensions import db
from ..models import AuditEntry, TeamBezettingRij, TeamLidRij, TeamRij, User, utcnow
from .normensets import actieve_rij, als_normenset

#: AuditEntry.action of an import (command line or the beheerder's page).
ACTIE_TEAMS = "teams-import"


def als_team(rij: TeamRij) -> Team:
    """A stored team as the model's :class:`~formatie.teams.Team` (every member, with its
    first year: :func:`formatie.teams.voor_jaar` picks a year's members)."""
    return Team(naam=rij.naam, functie=rij.functie,
                gemeentecodes=tuple(lid.gemeente_code for lid in rij.leden),
                verdeelsleutel=rij.verdeelsleutel, soort=rij.soort,
                vanaf=tuple(lid.vanaf_jaar for lid in rij.leden))


def team_in_jaar(rij: TeamRij, jaar: int) -> Team | None:
    """The team as it stands in ``jaar`` (None: no member yet)."""
    teams = voor_jaar([als_team(rij)], jaar)
    return teams[0] if teams else None


def alle_teams() -> list[TeamRij]:
    return list(db.session.scalars(select(TeamRij).order_by(TeamRij.functie, TeamRij.naam)))


def teams_van_gemeente(code: str, jaar: int) -> list[TeamRij]:
    """The teams ``code`` belongs to in ``jaar`` (at most one per functie)."""
    return list(db.session.scalars(
        select(TeamRij).join(TeamLidRij).where(
            TeamLidRij.gemeente_code == code,
            (TeamLidRij.vanaf_jaar.is_(None)) | (TeamLidRij.vanaf_jaar <= jaar))
        .order_by(TeamRij.functie)))


def _lid_tekst(vanaf: int | None) -> str:
    return "lid" if vanaf is None else f"lid vanaf {vanaf}"


@dataclass
class Importverslag:
    """What an import changed, per team a Dutch line per change (``wijzigingen``), and the
    teams in the file that were already exactly so (``ongewijzigd``)."""

    wijzigingen: dict[str, list[str]] = field(default_factory=dict)
    ongewijzigd: list[str] = field(default_factory=list)

    @property
    def aantal(self) -> int:
        return sum(len(v) for v in self.wijzigingen.values())

    def regels(self) -> list[str]:
        uit = [f"{team}: {w}" for team, lijst in self.wijzigingen.items() for w in lijst]
        if self.ongewijzigd:
            uit.append("Ongewijzigd: " + ", ".join(self.ongewijzigd) + ".")
        return uit


def lees_teams(bron: bytes | str | Path, bestand: str) -> list[Team]:
    """The teams of a CSV for the active normenset's functies (InvoerFout with every problem
    and its line otherwise)."""
    functies = als_normenset(actieve_rij()).functie_sleutels
    return lees_teams_csv(bron, functies, load_referentie(), bestand)


def importeer_teams(teams: list[Team], user: User | None) -> Importverslag:
    """Store ``teams`` (from :func:`lees_teams`) as the module text says, with the audit
    trail; the caller commits (or rolls back: nothing is flushed halfway that a rollback
    would not undo)."""
    ref = load_referentie()
    verslag = Importverslag()
    rijen = {(t.naam, t.functie): db.session.scalar(select(TeamRij).where(
        TeamRij.naam == t.naam, TeamRij.functie == t.functie)) for t in teams}
    audit: list[tuple[TeamRij, str, str | None, str | None]] = []

    def noteer(rij: TeamRij, veld: str, oud: str | None, nieuw: str | None, zin: str) -> None:
        audit.append((rij, veld, oud, nieuw))
        verslag.wijzigingen.setdefault(f"{rij.naam} ({rij.functie})", []).append(zin)

    # 1. Memberships the file ends: leaving a team in the file, or moving to another team.
    gewenst = {(t.functie, c): (t.naam, v) for t in teams
               for c, v in zip(t.gemeentecodes, t.vanaf or (None,) * len(t.gemeentecodes),
                               strict=True)}
    in_bestand = {(t.naam, t.functie) for t in teams}
    bestaande = db.session.scalars(select(TeamLidRij).join(TeamRij).where(
        TeamRij.functie.in_({t.functie for t in teams})))
    for lid in bestaande:
        rij = lid.team
        doel = gewenst.get((lid.functie, lid.gemeente_code))
        blijft = doel is not None and doel[0] == rij.naam
        if blijft or (doel is None and (rij.naam, rij.functie) not in in_bestand):
            continue
        naam = f"{lid.gemeente_code} {ref.naam(lid.gemeente_code)}"
        zin = (f"{naam} is uit het team gehaald" if doel is None
               else f"{naam} is naar team '{doel[0]}' gegaan")
        noteer(rij, f"lid:{lid.gemeente_code}", _lid_tekst(lid.vanaf_jaar), None, zin + ".")
        rij.leden.remove(lid)
        rij.updated_at = utcnow()
    db.session.flush()  # the unique (functie, gemeente) is free before members are added

    # 2. The teams of the file: kenmerken and their members.
    for t in teams:
        rij = rijen[(t.naam, t.functie)]
        if rij is None:
            rij = TeamRij(naam=t.naam, functie=t.functie, soort=t.soort,
                          verdeelsleutel=t.verdeelsleutel)
            db.session.add(rij)
            noteer(rij, "team", None, t.naam, f"nieuw team ({t.soort}, verdeelsleutel "
                                              f"{t.verdeelsleutel}).")
        else:
            for veld in ("soort", "verdeelsleutel"):
                oud, nieuw = getattr(rij, veld), getattr(t, veld)
                if oud != nieuw:
                    setattr(rij, veld, nieuw)
                    noteer(rij, veld, oud, nieuw, f"{veld} {oud} → {nieuw}.")
        huidig = {lid.gemeente_code: lid for lid in rij.leden}
        for code, vanaf in zip(t.gemeentecodes, t.vanaf or (None,) * len(t.gemeentecodes),
                               strict=True):
            naam = f"{code} {ref.naam(code)}"
            lid = huidig.get(code)
            if lid is None:
                rij.leden.append(TeamLidRij(functie=t.functie, gemeente_code=code,
                                         vanaf_jaar=vanaf))
                noteer(rij, f"lid:{code}", None, _lid_tekst(vanaf), f"{naam} is lid geworden"
                       + (f" vanaf {vanaf}." if vanaf else "."))
            elif lid.vanaf_jaar != vanaf:
                noteer(rij, f"lid:{code}", _lid_tekst(lid.vanaf_jaar), _lid_tekst(vanaf),
                       f"{naam}: {_lid_tekst(lid.vanaf_jaar)} → {_lid_tekst(vanaf)}.")
                lid.vanaf_jaar = vanaf
        if any(a[0] is rij for a in audit):
            rij.updated_at = utcnow()  # also a changed membership raises the team's version
        else:
            verslag.ongewijzigd.append(f"{t.naam} ({t.functie})")
    db.session.flush()
    for rij, veld, oud, nieuw in audit:
        db.session.add(AuditEntry(team_id=rij.id, invoer_version=rij.version,
                                  user_id=user.id if user is not None else None, field=veld,
                                  old=oud, new=nieuw, action=ACTIE_TEAMS))
    db.session.flush()
    return verslag


def team_historie(rij: TeamRij) -> list[AuditEntry]:
    """The team's audit trail, newest first: its kenmerken and members, and its bezetting
    in every year."""
    bezettingen = select(TeamBezettingRij.id).where(TeamBezettingRij.team_id == rij.id)
    return list(db.session.scalars(select(AuditEntry).where(
        (AuditEntry.team_id == rij.id) | AuditEntry.team_bezetting_id.in_(bezettingen))
        .order_by(AuditEntry.timestamp.desc(), AuditEntry.id.desc())))


def team_bezetting(rij: TeamRij, jaar: int) -> TeamBezettingRij | None:
    """The team's stored bezetting for ``jaar``, if any: the one query for it (the team page,
    its JSON and workbook, and the save path read it here)."""
    return db.session.scalar(select(TeamBezettingRij).where(
        TeamBezettingRij.team_id == rij.id, TeamBezettingRij.jaar == jaar))
