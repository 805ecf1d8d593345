"""Stored figures → what the model needs, for a gemeente or a region: the one resolver.

``cijfers_gemeente(gemeente, jaar)`` and ``cijfers_regio(regio, jaar)`` give a
:class:`Cijfers`: per member its stored :class:`~app.models.InvoerRij` (or None), the normenset
its figures count with (the one they were saved under; the active one when nothing is saved),
status, volumes and bezetting; the members with complete figures as
:class:`formatie.model.Groep` s (one per normenset, in order of first member); and the members
left out, with why. Every page, JSON answer, workbook download, scenario base and forecast
starts here, so they all count the same gemeenten with the same normensets
(:data:`formatie.regio.REGIOBELEID`). Nothing is computed here beyond gathering values: the
figures come from :func:`formatie.model.bereken_groepen`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from sqlalchemy import select

from formatie.model import Groep, Resultaat, bereken_groepen, fte_per_functie
from formatie.normenset import Normenset
from formatie.referentie import load_referentie
from formatie.regio import REGIONALE_FUNCTIES
from formatie.scenario import ScenarioFout
from formatie.taal import aantal_woord
from formatie.teams import TeamUitkomst, regio_fte_met_team

from ..access import EERSTE_JAAR
from ..extensions import db
from ..models import (
    NIET_BEGONNEN,
    GemeenteRij,
    InvoerRij,
    NormensetRij,
    RegioBezettingRij,
    RegioRij,
    ScenarioRij,
)
from .normensets import actieve_rij, als_normenset


def ontbrekend(invoer: InvoerRij | None, normenset: Normenset) -> list[str]:
    """Invoer sleutels of ``normenset`` without a stored value."""
    waarden = invoer.waarden if invoer else {}
    return [s for s in normenset.invoer_sleutels if s not in (waarden or {})]


def volume_matrix(rijen: list[InvoerRij], normenset: Normenset) -> np.ndarray:
    """(G, I) volumes in the normenset's invoer order (rows must be complete): the one place
    stored invoer becomes the model's volume matrix."""
    return np.array([[r.waarden[s] for s in normenset.invoer_sleutels] for r in rijen],
                    dtype=float).reshape(len(rijen), len(normenset.invoer))


def opgeslagen_volume(rijen: list[InvoerRij | None], normenset: Normenset) -> np.ndarray:
    """(G, I) stored volumes in ``normenset``'s invoer order, NaN where a row (or the whole
    row, None) has no value: the stored side of a comparison with new figures (an uploaded
    workbook's preview). Complete rows give :func:`volume_matrix`."""
    return np.array([[float(((r.waarden if r is not None else None) or {}).get(s, np.nan))
                      for s in normenset.invoer_sleutels] for r in rijen],
                    dtype=float).reshape(len(rijen), len(normenset.invoer))


@dataclass
class Lid:
    """One member gemeente: its stored figures and the normenset they count with."""

    gemeente: GemeenteRij
    invoer: InvoerRij | None
    rij: NormensetRij
    normenset: Normenset
    ontbrekend: list[str]  # invoer sleutels without a value

    @property
    def code(self) -> str:
        return self.gemeente.code

    @property
    def status(self) -> str:
        return self.invoer.status if self.invoer is not None else NIET_BEGONNEN

    @property
    def compleet(self) -> bool:
        return self.invoer is not None and not self.ontbrekend

    @property
    def reden(self) -> str | None:
        """Why the member is left out (Dutch), None when it counts."""
        if self.invoer is None:
            return "nog geen cijfers"
        if self.ontbrekend:
            return f"nog {len(self.ontbrekend)} van de {len(self.normenset.invoer)} velden leeg"
        return None

    @property
    def bezetting(self) -> dict[str, float]:
        """The gemeente's own bezetting (fte in dienst) per functie. Regional functies (the
        Doorstroompunt) are left out: an old per-gemeente value stays stored but is not the
        gemeente's own staff."""
        return {f: float(v) for f, v in ((self.invoer.bezetting or {}) if self.invoer else {})
                .items() if f not in REGIONALE_FUNCTIES and v is not None}


@dataclass
class Cijfers:
    """Stored figures of one gemeente (one member) or a region (all its gemeenten) for ``jaar``.

    ``groepen`` and ``rijen`` run in parallel: the complete members per normenset, with the
    stored row of that normenset. ``regio`` is None for a gemeente.
    """

    jaar: int
    leden: list[Lid]
    groepen: list[Groep] = field(default_factory=list)
    rijen: list[NormensetRij] = field(default_factory=list)
    regio: RegioRij | None = None
    #: The region's own bezetting of its regional functies (table regio_bezetting): that is
    #: the bezetting of the region's default Doorstroompunt team (:attr:`regioteams`).
    regio_bezetting: RegioBezettingRij | None = None

    @property
    def met_cijfers(self) -> list[Lid]:
        return [lid for lid in self.leden if lid.compleet]

    @property
    def weggelaten(self) -> list[Lid]:
        """Members without complete figures (see :attr:`Lid.reden`)."""
        return [lid for lid in self.leden if not lid.compleet]

    @property
    def volledig(self) -> bool:
        """Every member has complete figures: the totals cover the whole scope."""
        return not self.weggelaten

    @property
    def dekking(self) -> str:
        """How many members have complete figures, e.g. "3 van 7 gemeenten hebben cijfers"
        (the region page, the gemeente page's Doorstroompunt share, the region workbook)."""
        n = len(self.met_cijfers)
        return (f"{n} van {aantal_woord(len(self.leden), 'gemeente')} "
                f"{'heeft' if n == 1 else 'hebben'} cijfers")

    def dekking_als_dict(self) -> dict:
        """The same for JSON: ``{"volledig", "gemeenten_met_cijfers", "gemeenten"}``."""
        return {"volledig": self.volledig, "gemeenten_met_cijfers": len(self.met_cijfers),
                "gemeenten": len(self.leden)}

    @property
    def gemeentecodes(self) -> tuple[str, ...]:
        return tuple(c for g in self.groepen for c in g.gemeentecodes)

    @cached_property
    def resultaten(self) -> list[Resultaat]:
        """One model result per group (its own normenset)."""
        return bereken_groepen(self.groepen)

    @cached_property
    def _regio_figuren(self) -> tuple[dict[str, float], dict[str, TeamUitkomst]]:
        return regio_fte_met_team(self.resultaten, load_referentie(), self.regio.code)

    @property
    def regioteams(self) -> dict[str, TeamUitkomst]:
        """A region's teams of its regional functies by functie sleutel: the Doorstroompunt is
        the region's default Doorstroompunt team (:func:`formatie.teams.regio_team`), whose
        bezetting is the region's own entry (``regio_bezetting``). {} for a gemeente."""
        return self._regio_figuren[1] if self.regio is not None else {}

    @property
    def fte(self) -> dict[str, float]:
        """Summed fte per functie sleutel over every group, plus "totaal"; for a region the
        regional functies (the Doorstroompunt) are its team's
        (:func:`formatie.teams.regio_fte_met_team`)."""
        if self.regio is not None:
            return dict(self._regio_figuren[0])
        return fte_per_functie(self.resultaten)

    def fte_van(self, code: str) -> dict[str, float] | None:
        """A member's fte per functie sleutel plus "totaal" (None without complete figures)."""
        gevonden = self.resultaat_van(code)
        if gevonden is None:
            return None
        res, g = gevonden
        uit = dict(zip(res.normenset.functie_sleutels, res.fte[g].tolist(), strict=True))
        uit["totaal"] = float(res.fte_totaal[g])
        return uit

    def lid(self, code: str) -> Lid:
        return next(lid for lid in self.leden if lid.code == code)

    def resultaat_van(self, code: str) -> tuple[Resultaat, int] | None:
        """(the group's result, row) of a member with complete figures; else None."""
        for res in self.resultaten:
            if code in res.gemeentecodes:
                return res, res.gemeentecodes.index(code)
        return None

    @property
    def functies(self) -> dict[str, str]:
        """Functie sleutel → naam over the active normenset and every group's, in that order."""
        uit = {f.sleutel: f.naam for f in als_normenset(actieve_rij()).functies}
        for g in self.groepen:
            for f in g.normenset.functies:
                uit.setdefault(f.sleutel, f.naam)
        return uit

    @property
    def bezetting(self) -> dict[str, float | None]:
        """Bezetting per functie of the whole scope: for a gemeente its own (regional functies
        excepted); for a region the sum over members with complete figures where every one
        entered it, and the regional functies from the region's own entry."""
        leden = self.met_cijfers
        uit: dict[str, float | None] = {}
        for f in self.functies:
            if f in REGIONALE_FUNCTIES:
                waarden = (self.regio_bezetting.waarden or {}) if self.regio_bezetting else {}
                uit[f] = float(waarden[f]) if waarden.get(f) is not None else None
                continue
            waarden = [lid.bezetting.get(f) for lid in leden]
            uit[f] = None if not waarden or None in waarden else float(sum(waarden))
        return uit


    @property
    def regionale_bezetting(self) -> dict[str, float | None] | None:
        """A region's bezetting of its regional functies as entered once on the region page,
        ``{functie: fte or None = not entered}`` (what the region workbook's one cell per
        regional functie holds); None for a gemeente, whose workbook shows "regionaal"."""
        if self.regio is None:
            return None
        return {f: v for f, v in self.bezetting.items() if f in REGIONALE_FUNCTIES}


def _leden(gemeenten: list[GemeenteRij], jaar: int) -> list[Lid]:
    invoer = {i.gemeente_code: i for i in db.session.scalars(
        select(InvoerRij).where(InvoerRij.jaar == jaar,
                             InvoerRij.gemeente_code.in_([g.code for g in gemeenten])))}
    actief = actieve_rij()
    leden = []
    for g in gemeenten:
        i = invoer.get(g.code)
        rij = i.normenset if i is not None and i.normenset is not None else actief
        normenset = als_normenset(rij)
        leden.append(Lid(g, i, rij, normenset, ontbrekend(i, normenset)))
    return leden


def _groeperen(leden: list[Lid]) -> tuple[list[Groep], list[NormensetRij]]:
    """Complete members per normenset row (in order of first member), as model groups."""
    per_rij: dict[int, list[Lid]] = {}
    for lid in leden:
        if lid.compleet:
            per_rij.setdefault(lid.rij.id, []).append(lid)
    groepen, rijen = [], []
    for deel in per_rij.values():
        n = deel[0].normenset
        groepen.append(Groep(n, tuple(lid.code for lid in deel),
                             volume_matrix([lid.invoer for lid in deel], n)))
        rijen.append(deel[0].rij)
    return groepen, rijen


def cijfers_gemeente(gemeente: GemeenteRij, jaar: int) -> Cijfers:
    """One gemeente's stored figures for ``jaar`` (a region of one, without regio)."""
    leden = _leden([gemeente], jaar)
    groepen, rijen = _groeperen(leden)
    return Cijfers(jaar, leden, groepen, rijen)


def cijfers_regio(regio: RegioRij, jaar: int) -> Cijfers:
    """Every member of ``regio`` for ``jaar``; those with complete figures in groepen, each in
    the normenset its figures were saved under; plus the region's own bezetting entry."""
    leden = _leden(list(regio.gemeenten), jaar)
    groepen, rijen = _groeperen(leden)
    return Cijfers(jaar, leden, groepen, rijen, regio, regio_bezetting(regio, jaar))


def cijfers_gemeenten(gemeenten: list[GemeenteRij], jaar: int) -> Cijfers:
    """Any set of gemeenten for ``jaar`` (a team's members, app.services.teamstand; the
    gemeenten of an uploaded workbook, app.views.werkboek), each in the normenset its figures
    were saved under, as for a region (without a region's bezetting)."""
    leden = _leden(gemeenten, jaar)
    groepen, rijen = _groeperen(leden)
    return Cijfers(jaar, leden, groepen, rijen)


def regio_bezetting(regio: RegioRij, jaar: int) -> RegioBezettingRij | None:
    """The region's stored bezetting of its regional functies for ``jaar``, if any: the one
    query for it (the region page, the workbook and the save path read it here)."""
    return db.session.scalar(select(RegioBezettingRij).where(
        RegioBezettingRij.regio_code == regio.code, RegioBezettingRij.jaar == jaar))



#: Earlier years a forecast looks back on.
HISTORIE_JAREN = 5


def historie_jaren(jaar: int) -> list[int]:
    """The ``HISTORIE_JAREN`` years before ``jaar`` (the forecast's history)."""
    return list(range(jaar - HISTORIE_JAREN, jaar))


def invoerbare_historie_jaren(jaar: int) -> list[int]:
    """The earlier years the history form offers: only years check_jaar accepts (a row for
    an earlier year could not be opened anywhere)."""
    return [j for j in historie_jaren(jaar) if j >= EERSTE_JAAR]


# =============================================================================================
# The frozen base of a stored scenario
# =============================================================================================


def basis_als_json(cijfers: Cijfers) -> dict:
    """The frozen base of a stored scenario (:class:`app.models.ScenarioRij`).

    One normenset: ``{"gemeentecodes", "invoer", "volume"}`` in the scenario's normenset (the
    format a workbook upload stores too, so both give one base). Several (a region whose
    members count with different normensets): ``{"groepen": [{"normenset_id",
    "gemeentecodes", "invoer", "volume"}]}``, one per group, so the scenario's base equals the
    region page.
    """
    delen = [{"normenset_id": rij.id, "gemeentecodes": list(g.gemeentecodes),
              "invoer": list(g.normenset.invoer_sleutels), "volume": g.volume.tolist()}
             for g, rij in zip(cijfers.groepen, cijfers.rijen, strict=True)]
    if len(delen) == 1:
        return {k: v for k, v in delen[0].items() if k != "normenset_id"}
    return {"groepen": delen}


@dataclass
class Basisgroep:
    """One normenset group of a stored scenario's base: ``groep.volume`` (G, I) as frozen,
    ``volume`` (G, I) with the scenario's overrides (values from a workbook)."""

    rij: NormensetRij
    groep: Groep
    volume: np.ndarray


def scenario_groepen(scenario: ScenarioRij) -> list[Basisgroep]:
    """The stored base of ``scenario`` as groups, in its normensets' invoer order.

    The older format (``{"gemeentecodes", "invoer", "volume"}``) is one group in the
    scenario's normenset. Raises :class:`formatie.scenario.ScenarioFout` when a base lacks an
    invoer of its normenset.
    """
    b = scenario.basis
    delen = b["groepen"] if "groepen" in b else [dict(b, normenset_id=scenario.normenset_id)]
    uit = []
    for deel in delen:
        rij = db.session.get(NormensetRij, deel["normenset_id"])
        if rij is None:
            raise ScenarioFout(["de normenset van de basis bestaat niet meer."])
        n = als_normenset(rij)
        codes = tuple(deel["gemeentecodes"])
        kolom = {s: j for j, s in enumerate(deel["invoer"])}
        ontbreekt = [s for s in n.invoer_sleutels if s not in kolom]
        if ontbreekt:
            raise ScenarioFout([f"de basis mist de invoer {', '.join(ontbreekt)}."])
        ruw = np.asarray(deel["volume"], dtype=float).reshape(len(codes), len(deel["invoer"]))
        basis = ruw[:, [kolom[s] for s in n.invoer_sleutels]]
        volume = basis.copy()
        for g, code in enumerate(codes):
            for s, v in (scenario.overrides or {}).get(code, {}).items():
                if s in n.invoer_sleutels:
                    volume[g, n.invoer_sleutels.index(s)] = float(v)
        uit.append(Basisgroep(rij, Groep(n, codes, basis), volume))
    return uit
