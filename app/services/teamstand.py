"""A team's stand for a year: its members' stored figures and what :mod:`formatie.teams`
makes of them. The one page service of the team page, its JSON and the team lines of a
gemeente's result.

The members' volumes come from :mod:`app.services.cijfers` (each member counts with the normenset
its figures were saved under). A team is one organisation computed on its members' summed volume, so
it needs **one** normenset: when the members with figures count with different ones, the team has no
total (:attr:`TeamStand.normensets` names them) until they are saved again under one. Members
without complete figures are left out and the team is marked incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sqlalchemy import select

from formatie.meerjaren import TeamMeerjarenbegroting
from formatie.model import Groep, Regel, functie_regels, verschil
from formatie.normenset import Normenset
from formatie.onzekerheid import BUDGET_PERCENTIEL
from formatie.referentie import load_referentie
from formatie.teams import (
    Team,
    TeamUitkomst,
    TeamVergelijking,
    bereken_teams,
    dekkingszin_team,
    standaard_teams,
    team_resultaat,
    team_trekkingen,
    teams_als_dicts,
    uitleg_aandeel,
    vergelijk_team,
    voeg_teams_toe,
    zin_vergelijking,
)
from formatie.uitvoer import resultaat_als_dict
from formatie.werkboek.schrijven import exporteer_werkboek

from ..access import mag_team
from ..extensions import db
from ..models import INGEDIEND, GemeenteRij, InvoerRij, TeamRij
from .cijfers import Cijfers, cijfers_gemeenten, ontbrekend, volume_matrix
from .herkomst import cijfers_herkomst
from .teamdata import alle_teams, team_bezetting, team_in_jaar, teams_van_gemeente


@dataclass
class TeamStand:
    """``team`` as it stands in ``jaar`` (None: no member yet); ``cijfers`` its members'."""

    rij: TeamRij
    jaar: int
    team: Team | None
    cijfers: Cijfers

    @property
    def normensets(self) -> list[str]:
        """The labels of the normensets the members with figures count with."""
        return [g.normenset.label for g in self.cijfers.groepen]

    @property
    def normenset(self) -> Normenset | None:
        """The team's one normenset; None without figures or with more than one."""
        groepen = self.cijfers.groepen
        return groepen[0].normenset if len(groepen) == 1 else None

    @property
    def onvolledig(self) -> bool:
        """Some member has no complete figures: the team's figures count only the others."""
        return bool(self.cijfers.weggelaten)

    @property
    def berekenbaar(self) -> bool:
        return (self.team is not None and self.normenset is not None
                and self.rij.functie in self.normenset.functie_sleutels)

    @property
    def melding(self) -> str | None:
        """Why the team has no figures (Dutch); None when it has."""
        if self.team is None:
            return f"Het team heeft in {self.jaar} nog geen leden."
        if not self.cijfers.groepen:
            return (f"Nog geen enkele gemeente van het team heeft volledige cijfers voor "
                    f"{self.jaar}.")
        if len(self.cijfers.groepen) > 1:
            return ("De gemeenten van het team rekenen met verschillende normensets ("
                    + ", ".join(self.normensets) + "). Een team wordt als één organisatie "
                    "berekend en heeft daarom één normenset nodig: laat de gemeenten hun "
                    "cijfers opnieuw opslaan onder de actieve normenset.")
        if not self.berekenbaar:
            return f"Normenset {self.normensets[0]} kent de functie {self.rij.functie} niet."
        return None

    @cached_property
    def uitkomst(self) -> TeamUitkomst | None:
        """The team over its members with complete figures (formatie.teams.bereken_teams)."""
        if not self.berekenbaar:
            return None
        g = self.cijfers.groepen[0]
        (u,) = bereken_teams(g.normenset, g.volume, g.gemeentecodes, [self.team],
                             load_referentie())
        return u

    @cached_property
    def regels(self) -> list[Regel]:
        """The team's chain for its functie, computed once on the summed volume
        (formatie.teams.team_resultaat): the taken (the members' together), one vaste basis
        (one per member where the normenset sets it so), one leiding, the aanvulling tot de
        minimumformatie once. They add up to the team's fte."""
        if self.uitkomst is None:
            return []
        g = self.cijfers.groepen[0]
        res = team_resultaat(g.normenset, g.volume, g.gemeentecodes, self.uitkomst.team)
        return [r for r in functie_regels(res, 0) if r.functie == self.rij.functie]

    @cached_property
    def bereik(self) -> dict[str, float] | None:
        """P10 … P90 of the team's fte (the one policy, on its summed volume keyed by its
        name: formatie.teams.teams_als_dicts)."""
        if self.uitkomst is None:
            return None
        g = self.cijfers.groepen[0]
        (rij,) = teams_als_dicts(g.normenset, g.volume, g.gemeentecodes, [self.uitkomst], True)
        return rij["bereik_totaal"]

    @cached_property
    def bezetting_rij(self):
        """The team's stored bezetting for the year (app.models.TeamBezettingRij) or None."""
        return team_bezetting(self.rij, self.jaar)

    @property
    def bezetting(self) -> float | None:
        """The team's fte in dienst for its functie, entered once for the team; None unknown."""
        rij = self.bezetting_rij
        waarde = (rij.waarden or {}).get(self.rij.functie) if rij is not None else None
        return None if waarde is None else float(waarde)

    @property
    def verschil(self) -> float | None:
        """Bezetting − the team's need (formatie.model.verschil: negative is a shortage)."""
        if self.bezetting is None or self.uitkomst is None:
            return None
        return float(verschil(self.bezetting, self.uitkomst.fte))

    @property
    def verschil_budget(self) -> float | None:
        """Bezetting − the team's budget figure (its P80), labelled apart on the page."""
        if self.bezetting is None or self.bereik is None:
            return None
        return float(verschil(self.bezetting, self.bereik[BUDGET_PERCENTIEL]))

    @cached_property
    def dekkingszin(self) -> str | None:
        """"Met 2,0 fte leerplicht is de werklast leerplicht in 8 van de 10 jaren gedekt." for
        the team's bezetting (formatie.teams.dekkingszin_team on the team's draws); None
        without a bezetting or team figures."""
        if self.bezetting is None or self.uitkomst is None:
            return None
        g = self.cijfers.groepen[0]
        trekkingen = team_trekkingen(g.normenset, g.volume, g.gemeentecodes, self.uitkomst.team)
        return dekkingszin_team(g.normenset, self.uitkomst.team, self.bezetting, trekkingen)

    @cached_property
    def vergelijking(self) -> TeamVergelijking | None:
        """The team beside the teams and gemeenten of similar size
        (formatie.teams.vergelijk_team): every ingediend gemeente of the year with complete
        figures for the team's normenset, organised as stored (its teams of the functie that
        year, every other gemeente its own team: formatie.teams.standaard_teams), run through
        the team's normenset; a median only over at least formatie.teams.MIN_GROEP."""
        if self.uitkomst is None:
            return None
        g = self.groep
        n = g.normenset
        rijen = [r for r in db.session.scalars(select(InvoerRij).where(
            InvoerRij.jaar == self.jaar, InvoerRij.status == INGEDIEND))
            if r.gemeente_code not in g.gemeentecodes and not ontbrekend(r, n)]
        codes = (*g.gemeentecodes, *(r.gemeente_code for r in rijen))
        volume = np.vstack([g.volume, volume_matrix(rijen, n)])
        teams = [t for t in (team_in_jaar(rij, self.jaar) for rij in alle_teams()
                             if rij.functie == self.rij.functie) if t is not None]
        ref = load_referentie()
        alle = bereken_teams(n, volume, codes, standaard_teams(n, ref, teams), ref)
        return vergelijk_team(self.uitkomst, alle, n, volume, codes)

    @property
    def groep(self) -> Groep | None:
        """The members with complete figures under the team's one normenset (the team
        workbook's gemeenten); None while the team cannot be computed."""
        return self.cijfers.groepen[0] if self.uitkomst is not None else None

    def werkboek(self, begroting: TeamMeerjarenbegroting | None = None) -> bytes:
        """The team workbook (formatie.werkboek.schrijven.exporteer_werkboek with ``team``):
        the members with complete figures, their herkomst, the sheet Team with the team's
        bezetting, and with ``begroting`` (app.services.begroting.team_meerjaren_van) the
        sheet Begroting with each member's bijdrage per year. Only when :attr:`uitkomst`
        exists."""
        g = self.groep
        return exporteer_werkboek(
            [g], None, load_referentie(), jaren=dict.fromkeys(g.gemeentecodes, self.jaar),
            titel=f"Team {self.rij.naam} ({self.rij.functie}), {self.jaar}",
            invoer_bron=f"Opgeslagen cijfers {self.jaar} in de Formatietool (normenset "
                        f"{g.normenset.label})",
            herkomst=cijfers_herkomst(self.cijfers), team=self.uitkomst,
            team_bezetting=self.bezetting, begroting=begroting)

    def als_json(self) -> dict:
        """The shape of ``formatie bereken --teams --formaat json --onzekerheid`` for the
        members with complete figures (``"gemeenten"`` with ``"team"`` and ``"aandeel"``,
        ``"teams"`` with this team, its ``"bereik_totaal"``, ``"kosten"`` and ``"bijdragen"``,
        and its ``"bezetting"`` (None unknown; when known also ``"verschil"``,
        ``"verschil_budget"`` against its P80 and the coverage sentence ``"dekking"``), its
        ``"vergelijking"`` (:attr:`vergelijking`), plus
        ``"jaar"``,
        ``"onvolledig"`` and ``"weggelaten"``. Only when :attr:`uitkomst` exists."""
        g = self.cijfers.groepen[0]
        res = self.cijfers.resultaten[0]
        uit = resultaat_als_dict(res, load_referentie(), tuple(self.jaar for _ in
                                                               res.gemeentecodes))
        voeg_teams_toe(uit, g.normenset, [self.uitkomst], g.volume, g.gemeentecodes)
        (team,) = uit["teams"]
        team["vergelijking"] = (self.vergelijking.als_dict() if self.vergelijking is not None
                                else None)  # as formatie bereken --teams
        team["bezetting"] = self.bezetting
        if self.bezetting is not None:
            team["verschil"] = self.verschil
            team["verschil_budget"] = self.verschil_budget
            team["dekking"] = self.dekkingszin
        uit["jaar"] = self.jaar
        uit["onvolledig"] = self.onvolledig
        uit["weggelaten"] = weggelaten(self.cijfers)
        return uit


@dataclass
class LidVanTeam:
    """A gemeente's team for one functie, for its result page: ``stand`` the team's;
    ``aandeel`` and ``uitleg`` (how it is computed, Dutch) when the team can be computed and
    counts the gemeente; ``zichtbaar`` whether the user may open the team page."""

    stand: TeamStand
    aandeel: float | None
    uitleg: str | None
    zichtbaar: bool

    @property
    def vergelijking(self) -> str | None:
        """The team's benchmark sentence (formatie.teams.zin_vergelijking of
        :attr:`TeamStand.vergelijking`), for the gemeente's page; None without it."""
        v = self.stand.vergelijking if self.aandeel is not None else None
        return zin_vergelijking(v) if v is not None else None

    @property
    def rij(self) -> TeamRij:
        return self.stand.rij


def teams_van(gemeente: GemeenteRij, jaar: int, user) -> list[LidVanTeam]:
    """The teams ``gemeente`` belongs to in ``jaar`` (at most one per functie), each with the
    gemeente's aandeel (formatie.teams) when the team can be computed."""
    uit = []
    for rij in teams_van_gemeente(gemeente.code, jaar):
        stand = team_stand(rij, jaar)
        u = stand.uitkomst
        telt = u is not None and gemeente.code in u.aandelen
        uit.append(LidVanTeam(stand, u.aandelen[gemeente.code] if telt else None,
                              uitleg_aandeel(u, gemeente.code) if telt else None,
                              mag_team(user, rij)))
    return uit


def voeg_teams_van_gemeente_toe(uit: dict, normenset: Normenset,
                                teams: list[LidVanTeam]) -> None:
    """A gemeente's result JSON gets, per functie whose team counts it, ``"team"`` and
    ``"aandeel"``, and ``"teams"`` those teams (formatie.teams.voeg_teams_toe, as the CLI);
    nothing when the gemeente is in no team that can be computed. ``"teams"`` (every
    member's aandeel) holds only the teams the user may see (:func:`app.access.mag_team`):
    a gemeente user sees its own aandeel, not its neighbours'."""
    tellend = [t for t in teams if t.aandeel is not None]
    if not tellend:
        return
    voeg_teams_toe(uit, normenset, [t.stand.uitkomst for t in tellend])
    uit["teams"] = [d for d, t in zip(uit["teams"], tellend, strict=True) if t.zichtbaar]
    if not uit["teams"]:
        del uit["teams"]


def weggelaten(cijfers: Cijfers) -> list[dict]:
    return [{"gemeentecode": lid.code, "gemeentenaam": lid.gemeente.naam, "reden": lid.reden}
            for lid in cijfers.weggelaten]


def team_stand(rij: TeamRij, jaar: int) -> TeamStand:
    """The team ``rij`` in ``jaar``: its members then, with their stored figures."""
    team = team_in_jaar(rij, jaar)
    codes = team.gemeentecodes if team is not None else ()
    gemeenten = [db.session.get(GemeenteRij, c) for c in codes]
    return TeamStand(rij, jaar, team, cijfers_gemeenten(gemeenten, jaar))

