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
from .model import bereken
from .normenset import Normenset
from .parameters import JAAR, geldig_jaar
from .problemen import InvoerFout, Probleem
from .referentie import Referentie

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
}
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
    """A team's need and its members' shares (fte, no rounding).

    ``fte`` the team's fte for its functie (floor included), ``fte_berekend`` before the floor,
    ``aanvulling`` what the floor adds; ``werk`` per member its taak fte for the functie;
    ``aandelen`` per member its share of ``fte`` (they add up to ``fte``); ``zonder_team`` the
    sum of what the members would need each on their own (to show what sharing saves);
    ``gewicht`` per member its figure by the verdeelsleutel (fte, inwoners or leerplichtigen).
    """

    team: Team
    fte: float
    fte_berekend: float
    aanvulling: float
    werk: dict[str, float]
    aandelen: dict[str, float]
    zonder_team: float
    gewicht: dict[str, float] = field(default_factory=dict)

    def als_dict(self) -> dict:
        """The JSON shape of issue 21: ``naam``, ``functie``, ``gemeenten``, ``fte_totaal``,
        ``aandelen`` ({code: fte}), plus the verdeelsleutel and the floor's aanvulling."""
        return {"naam": self.team.naam, "functie": self.team.functie,
                "soort": self.team.soort, "verdeelsleutel": self.team.verdeelsleutel,
                "gemeenten": list(self.team.gemeentecodes), "fte_totaal": self.fte,
                "fte_berekend": self.fte_berekend, "aanvulling_minimum": self.aanvulling,
                "fte_zonder_team": self.zonder_team, "aandelen": dict(self.aandelen)}


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


def bereken_teams(normenset: Normenset, volume: np.ndarray, gemeentecodes: Sequence[str],
                  teams: Sequence[Team], referentie: Referentie | None = None
                  ) -> list[TeamUitkomst]:
    """Every team whose functie the normenset has and with at least one member in
    ``gemeentecodes`` (``volume`` (G, I) in the normenset's invoer order): the team computed
    as one organisation on its members' summed volume, and the shares (module text)."""
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    positie = {c: g for g, c in enumerate(gemeentecodes)}
    gekozen = [(t, [positie[c] for c in t.gemeentecodes if c in positie]) for t in teams
               if t.functie in normenset.functie_sleutels]
    gekozen = [(t, rijen) for t, rijen in gekozen if rijen]
    if not gekozen:
        return []
    lid = np.zeros((len(gemeentecodes), len(gekozen)))
    for j, (_t, rijen) in enumerate(gekozen):
        lid[rijen, j] = 1.0
    alleen = bereken(normenset, volume, tuple(gemeentecodes))  # every member on its own
    samen = bereken(normenset, lid.T @ volume, tuple(t.naam for t, _ in gekozen))
    uit = []
    for j, (team, rijen) in enumerate(gekozen):
        f = normenset.functie_sleutels.index(team.functie)
        taken = [k for k, t in enumerate(normenset.taken) if t.functie == team.functie]
        werk = alleen.fte_taak[rijen][:, taken].sum(axis=1)
        gewicht = _gewichten(team, normenset, volume, rijen, werk, referentie, gemeentecodes)
        som = float(gewicht.sum())
        deel = gewicht / som if som > 0 else np.full(len(rijen), 1.0 / len(rijen))
        fte = float(samen.fte[j, f])
        aandelen = fte * deel
        aandelen[-1] = fte - float(aandelen[:-1].sum())  # the shares add up exactly
        codes = [gemeentecodes[g] for g in rijen]
        uit.append(TeamUitkomst(
            team=team, fte=fte, fte_berekend=float(samen.fte_berekend[j, f]),
            aanvulling=float(samen.aanvulling[j, f]),
            werk=dict(zip(codes, map(float, werk), strict=True)),
            aandelen=dict(zip(codes, map(float, aandelen), strict=True)),
            zonder_team=float(alleen.fte[rijen, f].sum()),
            gewicht=dict(zip(codes, map(float, gewicht), strict=True))))
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

        samen, namen = team_volume(volume, gemeentecodes, [u.team for u in uitkomsten])
        b = bereik(normenset, samen, gemeentecodes=namen)
        for j, (u, rij) in enumerate(zip(uitkomsten, lijst, strict=True)):
            f = normenset.functie_sleutels.index(u.team.functie)
            rij["bereik_totaal"] = dict(zip(PERCENTIEL_NAMEN, map(float, b.fte[:, j, f]),
                                            strict=True))
    return lijst


def voeg_teams_toe(uit: dict, normenset: Normenset, uitkomsten: Sequence[TeamUitkomst],
                   volume: np.ndarray | None = None, gemeentecodes: Sequence[str] = ()) -> None:
    """Into a result JSON (:func:`formatie.uitvoer.resultaat_als_dict`): ``"teams"``
    (:func:`teams_als_dicts`; with ``volume`` (G, I), holding every member's row in the order
    of ``gemeentecodes``, also each team's ``"bereik_totaal"``), each member gemeente's
    functie its ``"team"`` (name) and ``"aandeel"``, and ``"totaal"`` with the teams: every
    team once plus the gemeenten on their own (``functies_met_teams``,
    ``fte_totaal_met_teams``), adding up. The surfaces (``formatie bereken --teams``, the
    web's team and gemeente JSON) all come here."""
    uit["teams"] = teams_als_dicts(normenset, volume, gemeentecodes, uitkomsten,
                                   volume is not None)
    in_team = {(code, u.team.functie): (u.team.naam, a) for u in uitkomsten
               for code, a in u.aandelen.items()}
    met_teams = dict.fromkeys(normenset.functie_sleutels, 0.0)
    for g in uit["gemeenten"]:
        for f, rij in g["functies"].items():
            naam, aandeel = in_team.get((g["gemeentecode"], f), (None, rij["fte"]))
            if naam is not None:
                rij["team"], rij["aandeel"] = naam, aandeel
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
