"""The gemeente's result page and its JSON answer, each in one call: every figure the template
(or the JSON) shows, gathered from :mod:`.cijfers` (stored figures), :mod:`.bandbreedte`
(ranges), :mod:`.berekening` (benchmark), :mod:`.herkomst` and :mod:`.teamstand`; the numbers
come from the model (:mod:`formatie`). Nothing is computed here beyond laying them out.

The region is gathered only when the page shows something of it: the Doorstroompunt's share
(:func:`doorstroompunt_aandeel`), for a normenset with a regional functie.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from formatie import herkomst as hk
from formatie.kosten import kosten
from formatie.model import functie_regels, verschil
from formatie.referentie import load_referentie
from formatie.regio import REGIONALE_FUNCTIES, aandeel, voeg_bezetting_toe
from formatie.uitvoer import resultaat_als_dict

from ..access import huidig_jaar, mag_regio
from ..extensions import db
from ..grafieken import benchmark_grafiek, fte_per_taak_grafiek
from ..models import (
    INGEDIEND,
    GemeenteRij,
    InvoerRij,
    NormensetRij,
    RegioBezettingRij,
    RegioRij,
    TeamBezettingRij,
    TeamLidRij,
    TeamRij,
    User,
)
from . import rekencache
from .bandbreedte import bereik_van, json_met_bereik
from .berekening import Benchmark, vergelijking
from .cijfers import cijfers_gemeente, cijfers_regio
from .herkomst import cijfers_herkomst, resultaat_herkomst
from .teamstand import teams_van, voeg_teams_van_gemeente_toe


def regio_fte(regio: RegioRij, jaar: int) -> dict:
    """The region's fte per functie over its members with complete figures, with the names
    and how complete it is: what the Doorstroompunt share needs of the region. Cached under a
    hash of what it depends on, read in one light query (each member's row version and
    normenset, the active normenset): the region's figures are only gathered and computed
    when one of them changed (a save raises a version)."""
    leden = list(db.session.execute(
        select(GemeenteRij.code, InvoerRij.version, InvoerRij.normenset_id)
        .outerjoin(InvoerRij, (InvoerRij.gemeente_code == GemeenteRij.code)
                   & (InvoerRij.jaar == jaar))
        .where(GemeenteRij.regio_code == regio.code).order_by(GemeenteRij.code)))
    actief = db.session.scalar(select(NormensetRij.id).where(NormensetRij.actief))
    sleutel = rekencache.vingerafdruk("regio-fte", regio.code, jaar, actief,
                                      [tuple(rij) for rij in leden])

    def maak() -> dict:
        cijfers = cijfers_regio(regio, jaar)
        return {"fte": cijfers.fte, "functies": cijfers.functies, "dekking": cijfers.dekking,
                "volledig": cijfers.volledig,
                "aandelen": {f: dict(u.aandelen) for f, u in cijfers.regioteams.items()}}

    return rekencache.gecached(sleutel, maak)


def doorstroompunt_aandeel(gemeente: GemeenteRij, jaar: int, fte: dict[str, float],
                           user: User) -> list[dict]:
    """Per regional functie (the Doorstroompunt): the gemeente's fte (its aandeel in the
    region's default Doorstroompunt team, :func:`formatie.teams.regio_team`), the team's need
    and the gemeente's share of it (:func:`formatie.regio.aandeel`), which is a share of the
    gemeenten with figures only (``dekking``: how many of the region's gemeenten that are).
    [] without a regional functie in ``fte``: then the region is not looked at at all."""
    functies = [f for f in REGIONALE_FUNCTIES if f in fte]
    if not functies:
        return []
    regio = regio_fte(gemeente.regio, jaar)
    uit = []
    for f in functies:
        totaal = regio["fte"].get(f, 0.0)
        # the region's team (formatie.teams.regio_team): the gemeente's aandeel in it; its
        # own fte while its figures are not (yet) among the region's
        eigen = regio["aandelen"].get(f, {}).get(gemeente.code, fte[f])
        uit.append({"functie": regio["functies"].get(f, f), "fte": eigen,
                    "regio_fte": totaal, "aandeel": aandeel(eigen, totaal),
                    "dekking": regio["dekking"], "volledig": regio["volledig"],
                    "regio": gemeente.regio, "regio_zichtbaar": mag_regio(user, gemeente.regio)})
    return uit


def _benchmark(gemeente: GemeenteRij, lid, res) -> Benchmark | None:
    """:func:`.berekening.vergelijking`, cached under a hash of the gemeente's volumes and
    normenset and of the submitted figures it compares with (their count, versions and last
    change: a save or a submission changes them)."""
    ingediend = db.session.execute(
        select(func.count(), func.sum(InvoerRij.version), func.sum(InvoerRij.id),
               func.max(InvoerRij.updated_at))
        .where(InvoerRij.jaar == lid.invoer.jaar, InvoerRij.status == INGEDIEND)).one()
    gemeenten = db.session.execute(
        select(func.count(), func.sum(GemeenteRij.inwoners))).one()
    sleutel = rekencache.vingerafdruk(
        "benchmark", lid.normenset, gemeente.code, gemeente.regio_code, gemeente.inwoners,
        lid.invoer.jaar, res.volume, [None if v is None else str(v) for v in ingediend],
        tuple(gemeenten))
    return rekencache.gecached(sleutel, lambda: vergelijking(lid.invoer, res, lid.normenset))


def _versiequery():
    """The statement of :func:`gegevensversie`, built once (``:jaar`` bound per call)."""
    jaar = bindparam("jaar")

    def per_jaar(tabel) -> list:
        return [select(func.count()).select_from(tabel).where(tabel.jaar == jaar)
                .scalar_subquery(),
                select(func.sum(tabel.version)).where(tabel.jaar == jaar).scalar_subquery(),
                select(func.sum(tabel.id)).where(tabel.jaar == jaar).scalar_subquery(),
                select(func.max(tabel.updated_at)).where(tabel.jaar == jaar).scalar_subquery()]

    return select(
        *per_jaar(InvoerRij), *per_jaar(RegioBezettingRij), *per_jaar(TeamBezettingRij),
        select(func.count()).select_from(TeamRij).scalar_subquery(),
        select(func.sum(TeamRij.version)).scalar_subquery(),
        select(func.max(TeamRij.updated_at)).scalar_subquery(),
        select(func.count()).select_from(TeamLidRij).scalar_subquery(),
        select(func.sum(TeamLidRij.id)).scalar_subquery(),
        select(func.count()).select_from(NormensetRij).scalar_subquery(),
        select(func.max(NormensetRij.id)).scalar_subquery(),
        select(NormensetRij.id).where(NormensetRij.actief).scalar_subquery(),
        select(func.count()).select_from(GemeenteRij).scalar_subquery(),
        select(func.sum(GemeenteRij.inwoners)).scalar_subquery(),
    )


_VERSIEQUERY = []


def gegevensversie(jaar: int) -> tuple:
    """What every stored figure a page of ``jaar`` can show depends on, in one light query: per
    table (invoer, the regions' and teams' bezetting, teams, normensets) a count, the sum of the row
    versions and ids and the last change (a save raises a version and sets updated_at; an import of
    teams raises the team's version), and the active normenset. Equal for two requests only when
    nothing they could show changed."""
    if not _VERSIEQUERY:
        _VERSIEQUERY.append(_versiequery())
    rij = db.session.execute(_VERSIEQUERY[0], {"jaar": jaar}).one()
    return tuple(None if v is None else str(v) for v in rij)


def resultaat_sleutel(gemeente: GemeenteRij, jaar: int, user: User) -> str:
    """The cache key of ``gemeente``'s rendered result page for ``user``: the data version of
    ``jaar`` (:func:`gegevensversie`), the user (what they may see: the region's link, the
    teams) and the current year (the menu's). A save anywhere in ``jaar`` changes it."""
    return rekencache.vingerafdruk(
        "resultaatpagina", gemeente.code, jaar, gegevensversie(jaar), huidig_jaar(),
        (user.id, user.role, user.gemeente_code, user.regio_code, user.team_id))


def resultaatpagina(gemeente: GemeenteRij, jaar: int, user: User) -> dict:
    """Everything ``gemeente/resultaat.html`` shows for ``gemeente`` in ``jaar``: without
    complete figures only which invoer are missing (``res`` None)."""
    cijfers = cijfers_gemeente(gemeente, jaar)
    lid = cijfers.leden[0]
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": lid.invoer,
               "normenset": lid.normenset, "normenset_rij": lid.rij, "res": None,
               "missend": [lid.normenset.invoer_by_sleutel(s).naam for s in lid.ontbrekend]}
    if not cijfers.groepen:
        return context
    res = cijfers.resultaten[0]
    fte = cijfers.fte
    bezetting = cijfers.bezetting
    kosten_fte = kosten(lid.normenset, res.fte[0])
    v = _benchmark(gemeente, lid, res)
    context.update(
        res=res,
        regels=functie_regels(res, 0),
        grafiek=fte_per_taak_grafiek(res),
        kosten_totaal=float(kosten_fte.sum()),
        functierijen=[{"functie": f, "fte": fte[f.sleutel],
                       "kosten": float(kosten_fte[j]),
                       "bezetting": bezetting.get(f.sleutel),
                       "regionaal": f.sleutel in REGIONALE_FUNCTIES,
                       "verschil": None if bezetting.get(f.sleutel) is None
                       else float(verschil(bezetting[f.sleutel], fte[f.sleutel]))}
                      for j, f in enumerate(lid.normenset.functies)],
        doorstroompunt=doorstroompunt_aandeel(gemeente, jaar, fte, user),
        teams=teams_van(gemeente, jaar, user),
        vergelijking=v,
        benchmark=benchmark_grafiek(v),
        bereik=bereik_van(cijfers),
        herkomst=resultaat_herkomst(res, lid.invoer),
    )
    return context


def resultaat_als_json(gemeente: GemeenteRij, jaar: int, user: User,
                   onzekerheid: bool) -> tuple[dict, int]:
    """(answer, status) of ``…/resultaat.json``: ``formatie calculate --format json`` for this
    gemeente (with its ``"regels"`` and its ``"herkomst"``,
    :func:`formatie.herkomst.herkomst_als_dict`), plus per functie bezetting and verschil
    (bezetting − fte) where entered, and ``"team"`` and ``"aandeel"`` per functie whose team
    counts it (with ``"teams"``, as ``formatie bereken --teams``); with ``onzekerheid`` the
    ranges of ``formatie calculate --onzekerheid`` (the one uncertainty policy). 409 while
    the figures are incomplete."""
    cijfers = cijfers_gemeente(gemeente, jaar)
    if not cijfers.groepen:
        return {"fout": "onvolledig", "melding": "Nog niet alle velden zijn ingevuld.",
                "ontbrekend": cijfers.leden[0].ontbrekend}, 409
    uit = resultaat_als_dict(cijfers.resultaten[0], load_referentie(), (jaar,))
    voeg_bezetting_toe(uit["gemeenten"][0]["functies"], cijfers.bezetting)
    hk.voeg_herkomst_toe(uit["gemeenten"], cijfers.resultaten, cijfers_herkomst(cijfers))
    voeg_teams_van_gemeente_toe(uit, cijfers.leden[0].normenset, teams_van(gemeente, jaar, user))
    if onzekerheid:
        json_met_bereik(uit, cijfers.groepen[0])
    return uit, 200
