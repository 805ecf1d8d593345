"""Teams as they are organised: several gemeenten sharing one uitvoeringsorganisatie.

Many gemeenten do not employ their own leerplichtambtenaren: they share a regionaal bureau
leerplicht (RBL, a gemeenschappelijke regeling) or buy the work from a centrumgemeente, and pay
a contribution by a verdeelsleutel. A :class:`Team` names such an organisation for one functie:
its member gemeenten and how its fte is shared among them.

The model computes a team as one organisation (:func:`bereken_teams`)::

    volume[team]         = Σ_g∈team volume[g]          (the members' work together)
    fte[team]            = formatie.model.bereken(normenset, volume[team])   for the functie

so the taken add up over the members while the vaste basis, leiding en ondersteuning and the
minimum formation of a standalone team apply **once** per team, not once per member. The model
is linear in volume for every taak, so the team's taak fte are exactly the sum of its members'.
Each member's ``aandeel`` is the team's fte times its share by the team's verdeelsleutel:

* ``werklast`` (default): its own taak fte (hours) for the functie over the team's;
* ``inwoners``: its inhabitants (CBS) over the team's;
* ``leerplichtigen``: its invoer ``leerplichtigen`` over the team's.

The shares add up to 1, so the aandelen add up to the team's fte exactly (the last member takes
what rounding leaves). A gemeente that is in no team of a functie is its own team for that
functie: its figures are the model's as before.

**Bijdragen.** The team's cost is its fte × the functie's kosten per fte
(:mod:`formatie.kosten`); each member's ``bijdrage`` is that cost in whole euros split by the
same shares, by largest remainder (:func:`verdeel_euros`), so the bijdragen add up exactly to
the team's cost rounded to the euro, on every surface.

**The Doorstroompunt region is a team of the same kind.** :func:`standaard_teams` builds the
teams as they stand when nobody defines one: per region one Doorstroompunt team of its member
gemeenten (soort ``doorstroompunt``), per gemeente its own leerplicht team (soort ``eigen``).
The normenset sets the Doorstroompunt's vaste basis **per deelnemende gemeente** (its ``bron``:
"kleine vaste basis per deelnemende gemeente"), not per team (:data:`VASTE_BASIS_PER_LID`):
a team of such a functie carries one vaste basis per member (:func:`normenset_van_team`), and a
member's werklast includes its vaste basis. With leiding linear and no floor, a region's
Doorstroompunt team is then exactly the sum of its members, and each member's aandeel is its
own fte: the region's figures come from this mechanism unchanged. The region page, its JSON
and the gemeente page's Doorstroompunt share read them from :func:`regio_team` (the region's
default team, per normenset group of its members) via :func:`regio_fte_met_team`; the region's
own bezetting entry (table ``regio_bezetting``) is that team's bezetting.

**Benchmark.** :func:`vergelijk_team` compares a team's fte per 1.000 (the normenset's
``per_duizend`` invoer, leerplichtigen) with the teams and gemeenten of similar size (between
half and twice its number), showing a median only from :data:`MIN_GROEP` of them.

A team's range (P10–P90) is :func:`formatie.onzekerheid.bereik` on the team's summed volume,
keyed by the team's name: the sum of independent Poisson counts is Poisson, so that is the
team's own uncertainty under the one policy.

Teams come from a CSV (:func:`lees_teams_csv`) with columns ``team,functie,gemeentecode`` and
optional ``vanaf_jaar``, ``soort`` and ``verdeelsleutel``; every problem is named with its line.
:func:`voor_jaar` gives the teams as they stand in a year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .getallen import format_fte, format_procent, format_telling
from .invoer_csv import csv_rijen, lees_csv_tekst, normaliseer_gemeentecode
from .kosten import kosten_per_fte
from .model import Regel, Resultaat, bereken
from .normenset import Normenset
from .parameters import JAAR, geldig_jaar
from .problemen import InvoerFout, Probleem
from .referentie import Referentie
from .regio import REGIONALE_FUNCTIES, dekkingszin_functie, regio_regels

#: How a team's fte is shared among its members (see the module text).
VERDEELSLEUTELS = {
    "werklast": "naar werklast (de eigen uren voor de functie)",
    "inwoners": "naar inwoners",
    "leerplichtigen": "naar leerplichtigen",
}
#: Kinds of uitvoeringsorganisatie.
SOORTEN = {
    "rbl": "regionaal bureau (gemeenschappelijke regeling)",
    "centrumgemeente": "centrumgemeente voert uit voor de andere gemeenten",
    "eigen": "eigen team van één gemeente",
    "doorstroompunt": "het Doorstroompunt van een regio (contactgemeente en deelnemende "
                      "gemeenten)",
}
#: Functies whose vaste basis the normenset sets per deelnemende gemeente rather than per team
#: (the Doorstroompunt: "kleine vaste basis per deelnemende gemeente"): a team of such a functie
#: carries one vaste basis per member (:func:`normenset_van_team`).
VASTE_BASIS_PER_LID = REGIONALE_FUNCTIES
#: A benchmark median is shown only over at least this many teams and gemeenten (so that no
#: single other one can be read off), as on a gemeente's result page.
MIN_GROEP = 5
#: "Similar size": between 1/VERGELIJK_FACTOR and VERGELIJK_FACTOR times the team's number of
#: the normenset's ``per_duizend`` invoer (leerplichtigen).
VERGELIJK_FACTOR = 2.0
#: Columns of a teams CSV: required, then optional.
KOLOMMEN = ("team", "functie", "gemeentecode")
KOLOMMEN_OPTIONEEL = ("vanaf_jaar", "soort", "verdeelsleutel")
MAX_NAAM = 200


@dataclass(frozen=True)
class Team:
    """One uitvoeringsorganisatie for one functie: ``gemeentecodes`` its members."""

    naam: str
    functie: str
    gemeentecodes: tuple[str, ...]
    verdeelsleutel: str = "werklast"
    soort: str = "rbl"
    #: Per member the first year it belongs to the team (None: always), parallel to
    #: ``gemeentecodes``; empty = every member always (:func:`voor_jaar`).
    vanaf: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class TeamUitkomst:
    """A team's need and its members' shares (fte, no rounding) and bijdragen (euros).

    ``fte`` the team's fte for its functie (floor included), ``fte_berekend`` before the floor,
    ``aanvulling`` what the floor adds; ``werk`` per member its werklast for the functie (taak
    fte, plus its own vaste basis where the normenset sets that per member:
    :data:`VASTE_BASIS_PER_LID`); ``aandelen`` per member its share of ``fte`` (they add up to
    ``fte``); ``zonder_team`` the sum of what the members would need each on their own (to show
    what sharing saves); ``gewicht`` per member its figure by the verdeelsleutel (fte, inwoners
    or leerplichtigen); ``kosten_per_fte`` and ``kosten`` the functie's price of an fte and the
    team's cost (euros per year, ``fte × kosten_per_fte``); ``bijdragen`` per member its
    contribution in whole euros (:func:`verdeel_euros`: they add up to ``round(kosten)``).
    """

    team: Team
    fte: float
    fte_berekend: float
    aanvulling: float
    werk: dict[str, float]
    aandelen: dict[str, float]
    zonder_team: float
    gewicht: dict[str, float] = field(default_factory=dict)
    kosten_per_fte: float = 0.0
    kosten: float = 0.0
    bijdragen: dict[str, int] = field(default_factory=dict)

    def als_dict(self) -> dict:
        """The JSON shape of issue 21: ``naam``, ``functie``, ``gemeenten``, ``fte_totaal``,
        ``aandelen`` ({code: fte}), plus the verdeelsleutel, the floor's aanvulling, the
        team's ``kosten`` ({"per_fte", "totaal"}, euros) and ``bijdragen`` ({code: euros},
        issue 22: adding up to the team's cost rounded to the euro)."""
        return {"naam": self.team.naam, "functie": self.team.functie,
                "soort": self.team.soort, "verdeelsleutel": self.team.verdeelsleutel,
                "gemeenten": list(self.team.gemeentecodes), "fte_totaal": self.fte,
                "fte_berekend": self.fte_berekend, "aanvulling_minimum": self.aanvulling,
                "fte_zonder_team": self.zonder_team, "aandelen": dict(self.aandelen),
                "kosten": {"per_fte": self.kosten_per_fte, "totaal": self.kosten},
                "bijdragen": dict(self.bijdragen)}


def verdeel_euros(totaal: float, gewichten: Sequence[float]) -> list[int]:
    """``totaal`` euros rounded to the whole euro, split over ``gewichten`` (M,) in whole
    euros by largest remainder (Hamilton): every part gets the whole euros of its exact share,
    and the euros left go one each to the parts with the largest fractions (ties: the first).
    The parts add up exactly to ``round(totaal)``; all weights 0 (or none positive) share
    equally."""
    gewicht = np.maximum(np.asarray(gewichten, dtype=float), 0.0)
    heel = round(float(totaal))
    if len(gewicht) == 0:
        return []
    som = float(gewicht.sum())
    deel = gewicht / som if som > 0 else np.full(len(gewicht), 1.0 / len(gewicht))
    exact = heel * deel
    onder = np.floor(exact).astype(np.int64)
    over = heel - int(onder.sum())
    volgorde = np.argsort(-(exact - onder), kind="stable")
    onder[volgorde[:over]] += 1
    return [int(x) for x in onder]


def delen_van(gewicht) -> np.ndarray:
    """(M,) the members' shares of a team by their ``gewicht`` (M,) (figures by the
    verdeelsleutel): each over their sum, adding up to 1; equal shares when none is positive."""
    gewicht = np.asarray(gewicht, dtype=float)
    som = float(gewicht.sum())
    return gewicht / som if som > 0 else np.full(len(gewicht), 1.0 / len(gewicht))


def vaste_bases(team: Team, leden: int) -> int:
    """How many vaste bases a team of ``leden`` members carries: one per member for a functie
    of :data:`VASTE_BASIS_PER_LID`, else one (the vaste basis is per team)."""
    return max(leden, 1) if team.functie in VASTE_BASIS_PER_LID else 1


def normenset_van_team(normenset: Normenset, team: Team, leden: int | None = None) -> Normenset:
    """The normenset as it applies to ``team`` as one organisation of ``leden`` members (all of
    its gemeentecodes when None): for a functie whose vaste basis is per member
    (:data:`VASTE_BASIS_PER_LID`) the vaste basis × the members, otherwise ``normenset``
    itself. Every team computation (fte, chain, range, workbook) runs on it."""
    n = vaste_bases(team, len(team.gemeentecodes) if leden is None else leden)
    if n == 1 or team.functie not in normenset.functie_sleutels:
        return normenset
    return normenset.met_functie_parameters(
        {team.functie: {"vast_fte": normenset.functie(team.functie).vast_fte * n}})


def team_resultaat(normenset: Normenset, volume: np.ndarray, gemeentecodes: Sequence[str],
                   team: Team) -> Resultaat:
    """The team as one organisation: :func:`formatie.model.bereken` on its members' summed
    volume (:func:`team_volume`, the members among ``gemeentecodes``) with
    :func:`normenset_van_team`; one row named after the team. Its
    :func:`formatie.model.functie_regels` are the team's chain (one vaste basis, or one per
    member where the normenset says so; one leiding; the floor once)."""
    samen, namen = team_volume(volume, gemeentecodes, [team])
    leden = sum(1 for c in team.gemeentecodes if c in set(gemeentecodes))
    return bereken(normenset_van_team(normenset, team, leden), samen, namen)


def _gewichten(team: Team, normenset: Normenset, volume: np.ndarray, rijen: list[int],
               werk: np.ndarray, referentie: Referentie | None,
               gemeentecodes: Sequence[str]) -> np.ndarray:
    """(M,) the members' weights by the team's verdeelsleutel (not yet normalised)."""
    if team.verdeelsleutel == "inwoners":
        if referentie is None:
            raise ValueError("verdeelsleutel inwoners needs the referentie")
        return np.array([float(referentie.inwoners[referentie.index[gemeentecodes[g]]])
                         for g in rijen])
    if team.verdeelsleutel == "leerplichtigen":
        return volume[rijen, normenset.invoer_sleutels.index("leerplichtigen")]
    return werk


def _gekozen(normenset: Normenset, gemeentecodes: Sequence[str], teams: Sequence[Team]
             ) -> list[tuple[Team, list[int]]]:
    """The teams whose functie the normenset has, with their members' rows in
    ``gemeentecodes`` (teams without a member there left out)."""
    positie = {c: g for g, c in enumerate(gemeentecodes)}
    gekozen = [(t, [positie[c] for c in t.gemeentecodes if c in positie]) for t in teams
               if t.functie in normenset.functie_sleutels]
    return [(t, rijen) for t, rijen in gekozen if rijen]


def _per_normenset(normenset: Normenset, gekozen: list[tuple[Team, list[int]]]
                   ) -> dict[int, list[int]]:
    """The teams grouped by their number of vaste bases (:func:`vaste_bases`): each group
    runs through one :func:`normenset_van_team` in one vectorised call."""
    groepen: dict[int, list[int]] = {}
    for j, (t, rijen) in enumerate(gekozen):
        groepen.setdefault(vaste_bases(t, len(rijen)), []).append(j)
    return groepen


def bereken_teams(normenset: Normenset, volume: np.ndarray, gemeentecodes: Sequence[str],
                  teams: Sequence[Team], referentie: Referentie | None = None
                  ) -> list[TeamUitkomst]:
    """Every team whose functie the normenset has and with at least one member in
    ``gemeentecodes`` (``volume`` (G, I) in the normenset's invoer order): the team computed
    as one organisation on its members' summed volume (:func:`normenset_van_team`), the
    shares and the bijdragen (module text). Vectorised: one model call for every gemeente on
    its own and one per number of vaste bases for the teams."""
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    gekozen = _gekozen(normenset, gemeentecodes, teams)
    if not gekozen:
        return []
    alleen = bereken(normenset, volume, tuple(gemeentecodes))  # every member on its own
    samen: dict[int, tuple[Resultaat, int]] = {}
    for n, js in _per_normenset(normenset, gekozen).items():
        lid = np.zeros((len(gemeentecodes), len(js)))
        for kolom, j in enumerate(js):
            lid[gekozen[j][1], kolom] = 1.0
        t0 = gekozen[js[0]][0]
        res = bereken(normenset_van_team(normenset, t0, n) if n > 1 else normenset,
                      lid.T @ volume, tuple(gekozen[j][0].naam for j in js))
        samen.update({j: (res, kolom) for kolom, j in enumerate(js)})
    prijs = kosten_per_fte(normenset)
    uit = []
    for j, (team, rijen) in enumerate(gekozen):
        f = normenset.functie_sleutels.index(team.functie)
        taken = [k for k, t in enumerate(normenset.taken) if t.functie == team.functie]
        werk = alleen.fte_taak[rijen][:, taken].sum(axis=1)
        if vaste_bases(team, len(rijen)) > 1:  # each member brings its own vaste basis
            werk = werk + normenset.functies[f].vast_fte
        gewicht = _gewichten(team, normenset, volume, rijen, werk, referentie, gemeentecodes)
        deel = delen_van(gewicht)
        res, kolom = samen[j]
        fte = float(res.fte[kolom, f])
        aandelen = fte * deel
        aandelen[-1] = fte - float(aandelen[:-1].sum())  # the shares add up exactly
        codes = [gemeentecodes[g] for g in rijen]
        euros = fte * float(prijs[f])
        uit.append(TeamUitkomst(
            team=team, fte=fte, fte_berekend=float(res.fte_berekend[kolom, f]),
            aanvulling=float(res.aanvulling[kolom, f]),
            werk=dict(zip(codes, map(float, werk), strict=True)),
            aandelen=dict(zip(codes, map(float, aandelen), strict=True)),
            zonder_team=float(alleen.fte[rijen, f].sum()),
            gewicht=dict(zip(codes, map(float, gewicht), strict=True)),
            kosten_per_fte=float(prijs[f]), kosten=euros,
            bijdragen=dict(zip(codes, verdeel_euros(euros, deel), strict=True))))
    return uit


def team_trekkingen(normenset: Normenset, volume: np.ndarray, gemeentecodes: Sequence[str],
                    team: Team) -> np.ndarray:
    """(D,) drawn fte of the team's functie under the one uncertainty policy: the draws of
    :func:`formatie.onzekerheid.bereik` on the team's summed volume keyed by its name (the
    draws behind its ``bereik_totaal``, :func:`teams_als_dicts`), for its coverage sentence
    (:func:`dekkingszin_team`)."""
    from .onzekerheid import bereik  # the Monte Carlo: only when asked

    samen, namen = team_volume(volume, gemeentecodes, [team])
    leden = sum(1 for c in team.gemeentecodes if c in set(gemeentecodes))
    n = normenset_van_team(normenset, team, leden)
    b = bereik(n, samen, gemeentecodes=namen, bewaar_trekkingen=True)
    return np.asarray(b.trekkingen_fte[:, 0, n.functie_sleutels.index(team.functie)],
                      dtype=float)


def dekkingszin_team(normenset: Normenset, team: Team, bezetting: float,
                     trekkingen: np.ndarray) -> str:
    """The team's coverage sentence for its bezetting ("Met 2,0 fte leerplicht is de werklast
    leerplicht in 8 van de 10 jaren gedekt."): :func:`formatie.regio.dekkingszin_functie`, the
    one wording, on the team's draws (:func:`team_trekkingen`)."""
    return dekkingszin_functie(normenset.functie(team.functie), bezetting, trekkingen)


def standaard_team_regio(normenset: Normenset, referentie: Referentie, regio: str,
                         functie: str) -> Team | None:
    """The region ``regio``'s default team of a regional functie (the Doorstroompunt) as
    :func:`standaard_teams` builds it; None when the normenset lacks the functie."""
    leden = set(referentie.leden(regio))
    return next((t for t in standaard_teams(normenset, referentie)
                 if t.functie == functie and t.soort == "doorstroompunt"
                 and set(t.gemeentecodes) <= leden), None)


def regio_team(resultaten: Sequence[Resultaat], referentie: Referentie, regio: str,
               functie: str) -> TeamUitkomst | None:
    """The region's team of a regional functie (the Doorstroompunt, :func:`standaard_team_regio`)
    computed by :func:`bereken_teams`: the region page, its JSON and the gemeente page's share
    take the region's Doorstroompunt figures from here. ``resultaten`` one per normenset group
    of the region's members with figures (each member counts with its own normenset,
    :data:`formatie.regio.REGIOBELEID`): the team is computed per group on that group's
    members, and the groups' parts are added up (fte, werk, aandelen, kosten) with the
    bijdragen split once over the team's whole cost (:func:`verdeel_euros`). That is the team
    as one organisation because its vaste basis is per member, its leiding linear and it has
    no floor (module text). None when no member's normenset has the functie."""
    delen: list[TeamUitkomst] = []
    for res in resultaten:
        if functie not in res.normenset.functie_sleutels:
            continue
        team = standaard_team_regio(res.normenset, referentie, regio, functie)
        if team is not None:
            delen += bereken_teams(res.normenset, res.volume, res.gemeentecodes, [team],
                                   referentie)
    if len(delen) <= 1:
        return delen[0] if delen else None
    codes = [c for u in delen for c in u.aandelen]
    euros = [u.aandelen[c] * u.kosten_per_fte for u in delen for c in u.aandelen]
    fte, kosten = sum(u.fte for u in delen), sum(u.kosten for u in delen)
    return TeamUitkomst(
        team=replace(delen[0].team, gemeentecodes=tuple(codes), vanaf=()), fte=fte,
        fte_berekend=sum(u.fte_berekend for u in delen),
        aanvulling=sum(u.aanvulling for u in delen),
        werk={c: w for u in delen for c, w in u.werk.items()},
        aandelen={c: a for u in delen for c, a in u.aandelen.items()},
        zonder_team=sum(u.zonder_team for u in delen),
        gewicht={c: w for u in delen for c, w in u.gewicht.items()},
        kosten_per_fte=kosten / fte if fte > 0 else delen[0].kosten_per_fte, kosten=kosten,
        bijdragen=dict(zip(codes, verdeel_euros(kosten, euros), strict=True)))


def regio_fte_met_team(resultaten: Sequence[Resultaat], referentie: Referentie, regio: str
                       ) -> tuple[dict[str, float], dict[str, TeamUitkomst]]:
    """A region's fte per functie sleutel plus ``"totaal"`` over its groups
    (:func:`formatie.model.fte_per_functie`), the regional functies (the Doorstroompunt) taken
    from the region's team (:func:`regio_team`), and those teams by functie. Every surface of
    a region (page, JSON, the gemeente page's share) reads its figures here."""
    from .model import fte_per_functie

    som = fte_per_functie(list(resultaten))
    teams: dict[str, TeamUitkomst] = {}
    for f in REGIONALE_FUNCTIES:
        if f in som and (u := regio_team(resultaten, referentie, regio, f)) is not None:
            som["totaal"] += u.fte - som[f]
            som[f] = u.fte
            teams[f] = u
    return som, teams


def regio_regels_met_team(resultaten: Sequence[Resultaat], referentie: Referentie, regio: str
                          ) -> list[Regel]:
    """A region's lines per functie (:func:`formatie.regio.regio_regels`), those of a regional
    functie (the Doorstroompunt) being its team's chain: per normenset group the team as one
    organisation (:func:`team_resultaat`: its taken, one vaste basis per member, its leiding),
    summed over the groups. They add up to the team's fte (:func:`regio_team`)."""
    uit = [r for r in regio_regels(list(resultaten)) if r.functie not in REGIONALE_FUNCTIES]
    for f in REGIONALE_FUNCTIES:
        delen = []
        for res in resultaten:
            if f in res.normenset.functie_sleutels and (
                    team := standaard_team_regio(res.normenset, referentie, regio, f)):
                delen.append(team_resultaat(res.normenset, res.volume, res.gemeentecodes, team))
        uit += [r for r in regio_regels(delen) if r.functie == f]
    return uit


def uitleg_aandeel(uitkomst: TeamUitkomst, code: str) -> str:
    """How a member's aandeel is computed, in Dutch: its figure by the verdeelsleutel over the
    team's (a share), times the team's fte."""
    eigen, team = uitkomst.gewicht[code], sum(uitkomst.gewicht.values())
    deel = eigen / team if team > 0 else 1.0 / len(uitkomst.gewicht)
    sleutel = uitkomst.team.verdeelsleutel
    if sleutel == "werklast":
        wat = (f"de eigen uitvoering {format_fte(eigen)} fte van {format_fte(team)} fte "
               "uitvoering in het team")
    else:
        wat = f"{format_telling(eigen)} van de {format_telling(team)} {sleutel} in het team"
    return (f"Team {uitkomst.team.naam} heeft {format_fte(uitkomst.fte)} fte nodig. Het aandeel "
            f"{VERDEELSLEUTELS[sleutel]} is {format_procent(deel)} daarvan ({wat}): "
            f"{format_fte(uitkomst.aandelen[code])} fte.")


def teams_als_dicts(normenset: Normenset, volume: np.ndarray | None,
                    gemeentecodes: Sequence[str],
                    uitkomsten: Sequence[TeamUitkomst], met_bereik: bool) -> list[dict]:
    """Each team as :meth:`TeamUitkomst.als_dict`; with ``met_bereik`` also its
    ``"bereik_totaal"`` (P10 … P90 of its functie's fte): :func:`formatie.onzekerheid.bereik`
    on the team's summed volume (:func:`team_volume`) keyed by the team's name, the one
    policy. ``volume`` (G, I) holds at least every member's row."""
    lijst = [u.als_dict() for u in uitkomsten]
    if met_bereik and uitkomsten:
        from .onzekerheid import PERCENTIEL_NAMEN, bereik  # the Monte Carlo: only when asked

        gekozen = _gekozen(normenset, gemeentecodes, [u.team for u in uitkomsten])
        for n, js in _per_normenset(normenset, gekozen).items():
            teams = [gekozen[j][0] for j in js]
            samen, namen = team_volume(volume, gemeentecodes, teams)
            b = bereik(normenset_van_team(normenset, teams[0], n) if n > 1 else normenset,
                       samen, gemeentecodes=namen)
            for kolom, j in enumerate(js):
                f = normenset.functie_sleutels.index(teams[kolom].functie)
                lijst[j]["bereik_totaal"] = dict(zip(
                    PERCENTIEL_NAMEN, map(float, b.fte[:, kolom, f]), strict=True))
    return lijst


def voeg_teams_toe(uit: dict, normenset: Normenset, uitkomsten: Sequence[TeamUitkomst],
                   volume: np.ndarray | None = None, gemeentecodes: Sequence[str] = ()) -> None:
    """Into a result JSON (:func:`formatie.uitvoer.resultaat_als_dict`): ``"teams"``
    (:func:`teams_als_dicts`; with ``volume`` (G, I), holding every member's row in the order
    of ``gemeentecodes``, also each team's ``"bereik_totaal"``), each member gemeente's
    functie its ``"team"`` (name), ``"aandeel"`` and ``"bijdrage"`` (euros), and ``"totaal"``
    with the teams: every
    team once plus the gemeenten on their own (``functies_met_teams``,
    ``fte_totaal_met_teams``), adding up. The surfaces (``formatie bereken --teams``, the
    web's team and gemeente JSON) all come here."""
    uit["teams"] = teams_als_dicts(normenset, volume, gemeentecodes, uitkomsten,
                                   volume is not None)
    in_team = {(code, u.team.functie): (u.team.naam, a, u.bijdragen[code]) for u in uitkomsten
               for code, a in u.aandelen.items()}
    met_teams = dict.fromkeys(normenset.functie_sleutels, 0.0)
    for g in uit["gemeenten"]:
        for f, rij in g["functies"].items():
            naam, aandeel, bijdrage = in_team.get((g["gemeentecode"], f),
                                                  (None, rij["fte"], None))
            if naam is not None:
                rij["team"], rij["aandeel"], rij["bijdrage"] = naam, aandeel, bijdrage
            met_teams[f] += aandeel
    uit["totaal"]["functies_met_teams"] = met_teams
    uit["totaal"]["fte_totaal_met_teams"] = sum(met_teams.values())


def team_volume(volume: np.ndarray, gemeentecodes: Sequence[str],
                teams: Sequence[Team]) -> tuple[np.ndarray, tuple[str, ...]]:
    """(T, I) each team's summed volume and the team names (for its range: module text)."""
    positie = {c: g for g, c in enumerate(gemeentecodes)}
    rijen = [[positie[c] for c in t.gemeentecodes if c in positie] for t in teams]
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    return (np.array([volume[r].sum(axis=0) for r in rijen]).reshape(len(teams), -1),
            tuple(t.naam for t in teams))


def voor_jaar(teams: Sequence[Team], jaar: int | None) -> list[Team]:
    """The teams as they stand in ``jaar``: only members whose ``vanaf`` is not after it
    (``jaar`` None: every member); a team left without members is left out."""
    uit = []
    for t in teams:
        vanaf = t.vanaf or (None,) * len(t.gemeentecodes)
        codes = tuple(c for c, v in zip(t.gemeentecodes, vanaf, strict=True)
                      if jaar is None or v is None or v <= jaar)
        if codes:
            uit.append(replace(t, gemeentecodes=codes, vanaf=()))
    return uit


def standaard_teams(normenset: Normenset, referentie: Referentie,
                    teams: Sequence[Team] = ()) -> list[Team]:
    """``teams`` plus the teams as they stand where nobody defined one (module text): per
    region of ``referentie`` one team of every functie of :data:`VASTE_BASIS_PER_LID` (the
    Doorstroompunt: its member gemeenten, soort ``doorstroompunt``, named "Doorstroompunt
    <regio>"), and per gemeente its own team of every other functie (soort ``eigen``, named
    "<Functie> <gemeente>"). A gemeente in one of ``teams`` for a functie is left out of that
    functie's default team; so every gemeente is in exactly one team per functie."""
    bezet = {(t.functie, c) for t in teams for c in t.gemeentecodes}
    uit = list(teams)
    for functie in normenset.functies:
        if functie.sleutel in VASTE_BASIS_PER_LID:
            for regio, regionaam in referentie.regionamen.items():
                leden = tuple(c for c in referentie.leden(regio)
                              if (functie.sleutel, c) not in bezet)
                if leden:
                    uit.append(Team(f"{functie.naam} {regionaam}", functie.sleutel, leden,
                                    soort="doorstroompunt"))
        else:
            uit += [Team(f"{functie.naam} {referentie.naam(c)}", functie.sleutel, (c,),
                         soort="eigen")
                    for c in referentie.gemeentecodes if (functie.sleutel, c) not in bezet]
    return uit


@dataclass(frozen=True)
class TeamVergelijking:
    """A team's fte per 1.000 (``eenheid``: the normenset's ``per_duizend`` invoer) beside the
    teams and gemeenten of similar size: ``omvang`` the team's number of that invoer,
    ``grenzen`` the band of similar size, ``peers`` the others' values in the band (empty below
    :data:`MIN_GROEP`), ``n`` how many there are, ``mediaan`` their median (None below
    :data:`MIN_GROEP`)."""

    functie: str
    eenheid: str
    eigen: float | None
    omvang: float
    grenzen: tuple[float, float]
    peers: list[float]
    n: int
    mediaan: float | None

    def als_dict(self) -> dict:
        return {"functie": self.functie, "eenheid": self.eenheid,
                "fte_per_1000": self.eigen, "omvang": self.omvang,
                "vergelijkbaar_van": self.grenzen[0], "vergelijkbaar_tot": self.grenzen[1],
                "aantal_vergelijkbaar": self.n, "mediaan_vergelijkbaar": self.mediaan}


def vergelijk_team(uitkomst: TeamUitkomst, andere: Sequence[TeamUitkomst],
                   normenset: Normenset, volume: np.ndarray,
                   gemeentecodes: Sequence[str]) -> TeamVergelijking | None:
    """``uitkomst``'s fte per 1.000 of the ``per_duizend`` invoer (its members' summed number)
    beside ``andere`` (teams and, as :func:`standaard_teams` makes them, gemeenten on their
    own; itself and other functies are skipped) of similar size: between
    1/:data:`VERGELIJK_FACTOR` and :data:`VERGELIJK_FACTOR` times its number. ``volume``
    (G, I) holds every member's row in the order of ``gemeentecodes``. None when the
    normenset has no ``per_duizend``."""
    invoer = normenset.per_duizend
    if invoer is None:
        return None
    i = normenset.invoer_sleutels.index(invoer)
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    positie = {c: g for g, c in enumerate(gemeentecodes)}

    def omvang(u: TeamUitkomst) -> float:
        return float(sum(volume[positie[c], i] for c in u.aandelen if c in positie))

    def per_1000(u: TeamUitkomst) -> float | None:
        n = omvang(u)
        return u.fte / n * 1000.0 if n >= 1.0 else None

    eigen = omvang(uitkomst)
    laag, hoog = eigen / VERGELIJK_FACTOR, eigen * VERGELIJK_FACTOR
    waarden = [w for u in andere
               if u.team.functie == uitkomst.team.functie and u.team != uitkomst.team
               and laag <= omvang(u) <= hoog and (w := per_1000(u)) is not None]
    genoeg = len(waarden) >= MIN_GROEP
    return TeamVergelijking(
        functie=uitkomst.team.functie, eenheid=normenset.invoer_by_sleutel(invoer).naam,
        eigen=per_1000(uitkomst), omvang=eigen, grenzen=(laag, hoog),
        peers=sorted(waarden) if genoeg else [], n=len(waarden),
        mediaan=float(np.median(waarden)) if genoeg else None)


def vergelijk_teams(normenset: Normenset, volume: np.ndarray, gemeentecodes: Sequence[str],
                    uitkomsten: Sequence[TeamUitkomst], referentie: Referentie
                    ) -> list[TeamVergelijking | None]:
    """Per team of ``uitkomsten`` its :func:`vergelijk_team` against every other team and
    gemeente among ``gemeentecodes`` as they are organised (:func:`standaard_teams` around the
    given teams), in one vectorised model call."""
    alle = bereken_teams(normenset, volume, gemeentecodes,
                         standaard_teams(normenset, referentie, [u.team for u in uitkomsten]),
                         referentie)
    return [vergelijk_team(u, alle, normenset, volume, gemeentecodes) for u in uitkomsten]


def zin_vergelijking(v: TeamVergelijking) -> str:
    """The benchmark in one Dutch sentence (numbers via formatie.getallen)."""
    eenheid = v.eenheid.split(" (")[0].lower()
    eigen = "onbekend" if v.eigen is None else format_fte(v.eigen)
    zin = (f"Fte per 1.000 {eenheid}: {eigen}; teams en gemeenten van vergelijkbare omvang "
           f"({format_telling(v.grenzen[0])} tot {format_telling(v.grenzen[1])} {eenheid}): ")
    if v.mediaan is None:
        return zin + (f"te weinig om te vergelijken ({v.n}, minimaal {MIN_GROEP}).")
    return zin + f"mediaan {format_fte(v.mediaan)} over {v.n}."


# ----------------------------------------------------------------------------------------------
# The teams CSV: team,functie,gemeentecode[,vanaf_jaar][,soort][,verdeelsleutel]
# ----------------------------------------------------------------------------------------------


def lees_teams_csv(bron: str | Path | bytes, functies: Sequence[str], referentie: Referentie,
                   bestand: str | None = None) -> list[Team]:
    """Teams from a CSV, one line per membership (a team's soort and verdeelsleutel may be
    given on any of its lines, the same on each). Every problem is named with its line; a file
    with problems gives no teams (InvoerFout). A gemeente is in at most one team per functie
    (a later move is a new file: memberships have a start, not an end)."""
    bestand = bestand or ("teams" if isinstance(bron, bytes) else str(bron))
    tekst = lees_csv_tekst(bron, bestand)
    problemen: list[Probleem] = []
    rijen = csv_rijen(tekst, bestand)
    kop: list[str] = []
    kopregel = 0
    for nummer, cellen in rijen:
        if any(c.strip() for c in cellen):
            kop, kopregel = [c.strip().lower() for c in cellen], nummer
            break
    onbekend = [k for k in kop if k not in (*KOLOMMEN, *KOLOMMEN_OPTIONEEL)]
    problemen += [Probleem(f"onbekende kolom '{k[:40]}'. Verwacht: {', '.join(KOLOMMEN)} en "
                           f"optioneel {', '.join(KOLOMMEN_OPTIONEEL)}.", kopregel)
                  for k in onbekend]
    problemen += [Probleem(f"kolom '{k}' ontbreekt.", kopregel) for k in KOLOMMEN if k not in kop]
    problemen += [Probleem(f"kolom '{k}' komt dubbel voor.", kopregel)
                  for k, n in Counter(kop).items() if n > 1]
    if problemen:
        raise InvoerFout(problemen, bestand)
    leden: dict[tuple[str, str], list[tuple[str, int | None]]] = {}
    kenmerken: dict[tuple[str, str], dict[str, tuple[str, int]]] = {}
    bezet: dict[tuple[str, str], tuple[str, int]] = {}
    for regel, cellen in rijen:
        if not any(c.strip() for c in cellen):
            continue
        if len(cellen) > len(kop):
            problemen.append(Probleem(f"de regel heeft {len(cellen)} cellen, de kopregel "
                                      f"{len(kop)}.", regel))
            continue
        r = {k: (cellen[i].strip() if i < len(cellen) else "") for i, k in enumerate(kop)}
        naam, functie = r["team"], r["functie"].lower()
        code = normaliseer_gemeentecode(r["gemeentecode"])
        fout = len(problemen)
        if not naam:
            problemen.append(Probleem("de naam van het team ontbreekt.", regel, "team"))
        elif len(naam) > MAX_NAAM or not naam.isprintable():
            problemen.append(Probleem(f"de naam van het team is langer dan {MAX_NAAM} tekens "
                                      "of bevat stuurtekens.", regel, "team"))
        if functie not in functies:
            problemen.append(Probleem(f"onbekende functie '{r['functie'][:40]}' (verwacht: "
                                      f"{', '.join(functies)}).", regel, "functie"))
        if code is None or code not in referentie.index:
            problemen.append(Probleem(f"onbekende gemeentecode '{r['gemeentecode'][:12]}'.",
                                      regel, "gemeentecode"))
        jaar = None
        if r.get("vanaf_jaar"):
            jaar = geldig_jaar(r["vanaf_jaar"])
            if jaar is None:
                problemen.append(Probleem(f"vanaf_jaar '{r['vanaf_jaar'][:12]}' is geen geldig "
                                          f"jaar ({JAAR.bereik_tekst()}).", regel, "vanaf_jaar"))
        for sleutel, toegestaan in (("soort", SOORTEN), ("verdeelsleutel", VERDEELSLEUTELS)):
            waarde = r.get(sleutel, "").lower()
            if waarde and waarde not in toegestaan:
                problemen.append(Probleem(f"onbekende {sleutel} '{waarde[:40]}' (verwacht: "
                                          f"{', '.join(toegestaan)}).", regel, sleutel))
            elif waarde:
                eerder = kenmerken.setdefault((naam, functie), {}).setdefault(
                    sleutel, (waarde, regel))
                if eerder[0] != waarde:
                    problemen.append(Probleem(
                        f"team '{naam}' heeft op regel {eerder[1]} {sleutel} '{eerder[0]}' en "
                        f"hier '{waarde}'.", regel, sleutel))
        if len(problemen) > fout:
            continue
        al = bezet.setdefault((functie, code), (naam, regel))
        if al != (naam, regel):
            problemen.append(Probleem(
                f"gemeente {code} ({referentie.naam(code)}) staat voor {functie} al in team "
                f"'{al[0]}' (regel {al[1]}); een gemeente is per functie in één team.",
                regel, "gemeentecode"))
            continue
        leden.setdefault((naam, functie), []).append((code, jaar))
    if problemen:
        raise InvoerFout(problemen, bestand)
    if not leden:
        raise InvoerFout([Probleem("het bestand bevat geen teams.")], bestand)
    uit = []
    for (naam, functie), lijst in leden.items():
        k = {s: w for s, (w, _r) in kenmerken.get((naam, functie), {}).items()}
        uit.append(Team(naam=naam, functie=functie, gemeentecodes=tuple(c for c, _j in lijst),
                        verdeelsleutel=k.get("verdeelsleutel", "werklast"),
                        soort=k.get("soort", "rbl"), vanaf=tuple(j for _c, j in lijst)))
    return uit
