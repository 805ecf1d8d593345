"""``/regio/<MCxx>/<jaar>``: member gemeenten with status, normenset and fte, the region's
totals, per-taak lines and range, the Doorstroompunt's regional bezetting (a small form,
``POST …/bezetting``, roles regio and beheerder) and its bijdragen per gemeente. The region's
Doorstroompunt is the region's default Doorstroompunt team (issue 21: formatie.teams.
regio_team, via :attr:`app.services.cijfers.Cijfers.regioteams`): this page is that team's page
and the region's bezetting (table regio_bezetting) is that team's bezetting.
``…/resultaat.json``: the region's JSON.

Every figure comes from :mod:`app.services.cijfers` (stored figures, each member in its own
normenset: :data:`formatie.regio.REGIOBELEID`) and :mod:`app.services.bandbreedte` (ranges).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from formatie.herkomst import voeg_herkomst_toe
from formatie.model import verschil
from formatie.referentie import load_referentie
from formatie.regio import REGIOBELEID, REGIONALE_FUNCTIES
from formatie.teams import regio_regels_met_team
from formatie.uitvoer import regio_als_dict

from ..access import aangeboden_jaren, get_regio_jaar_or_404
from ..antwoord import json_antwoord
from ..invoerform import geladen_versie, regio_bezetting_form
from ..models import RegioRij
from ..services.bandbreedte import bereik_van
from ..services.cijfers import Cijfers, cijfers_regio
from ..services.herkomst import aandeel_schatting_per_lid, cijfers_herkomst
from ..services.opslaan import Conflict, sla_regio_bezetting_op

bp = Blueprint("regio", __name__, url_prefix="/regio")


def _regionale_functies(cijfers: Cijfers):
    """The regional functies (Doorstroompunt) of the normensets in use (active one first)."""
    gezien = {}
    for n in [lid.normenset for lid in cijfers.leden]:
        for f in n.functies:
            if f.sleutel in REGIONALE_FUNCTIES:
                gezien.setdefault(f.sleutel, f)
    return tuple(gezien.values())


def _pagina(regio: RegioRij, jaar: int, cijfers: Cijfers, form, status: int = 200,
            conflict: bool = False):
    fte = cijfers.fte
    bezetting = cijfers.bezetting
    return render_template(
        "regio/overzicht.html", regio=regio, jaar=jaar, cijfers=cijfers,
        functies=cijfers.functies, fte=fte, bezetting=bezetting,
        verschil={f: float(verschil(b, fte.get(f, 0.0))) for f, b in bezetting.items()
                  if b is not None},
        regels=regio_regels_met_team(cijfers.resultaten, load_referentie(), regio.code),
        meerdere_normensets=len(cijfers.groepen) > 1, bereik=bereik_van(cijfers),
        regiobeleid=REGIOBELEID, form=form, conflict=conflict, jaren=aangeboden_jaren(),
        regionaal=_regionale_functies(cijfers),
        bijdragen={f: u.bijdragen for f, u in cijfers.regioteams.items()},
        # a member's Doorstroompunt figure is its aandeel in the region's team
        aandelen={f: u.aandelen for f, u in cijfers.regioteams.items()},
        op_schatting=aandeel_schatting_per_lid(cijfers)), status


@bp.route("/<code>/<int:jaar>")
@login_required
def overzicht(code: str, jaar: int):
    regio = get_regio_jaar_or_404(code, jaar)
    cijfers = cijfers_regio(regio, jaar)
    form = regio_bezetting_form(_regionale_functies(cijfers))
    rij = cijfers.regio_bezetting
    form.vul((rij.waarden or {}) if rij else {})
    form.version.data = str(rij.version if rij else 0)
    return _pagina(regio, jaar, cijfers, form)


@bp.route("/<code>/<int:jaar>/bezetting", methods=["POST"])
@login_required
def bezetting(code: str, jaar: int):
    """Save the region's Doorstroompunt bezetting (audit trail, optimistic locking)."""
    regio = get_regio_jaar_or_404(code, jaar)
    if current_user.role not in ("regio", "beheerder"):  # get_regio_or_404 already implies it
        abort(404)
    cijfers = cijfers_regio(regio, jaar)
    form = regio_bezetting_form(_regionale_functies(cijfers))
    if g.get("csrf_verlopen"):
        flash("Het formulier was verlopen. Uw waarden staan hieronder; er is niets opgeslagen.",
              "fout")
        return _pagina(regio, jaar, cijfers, form, 400)
    geladen = geladen_versie(form)
    if not form.validate():
        return _pagina(regio, jaar, cijfers, form, 422)
    try:
        _, wijzigingen = sla_regio_bezetting_op(regio, jaar, geladen, form.bezetting_waarden(),
                                                current_user)
    except Conflict:
        cijfers = cijfers_regio(regio, jaar)
        rij = cijfers.regio_bezetting
        form.version.data = str(rij.version if rij else 0)
        return _pagina(regio, jaar, cijfers, form, 409, conflict=True)
    if wijzigingen:
        flash(f"De bezetting van regio {regio.naam} voor {jaar} is opgeslagen.", "succes")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("regio.overzicht", code=regio.code, jaar=jaar))


@bp.route("/<code>/<int:jaar>/resultaat.json")
@login_required
def resultaat_json(code: str, jaar: int):
    """The region's figures: the shape of ``formatie calculate --format json`` for the members
    with complete figures (each with its ``"herkomst"``: :func:`formatie.herkomst.
    herkomst_als_dict`), plus ``"regio"`` (see :func:`formatie.uitvoer.regio_als_dict`) with
    how complete it is: ``"volledig"``, ``"gemeenten_met_cijfers"``, ``"gemeenten"``
    (:meth:`app.services.cijfers.Cijfers.dekking_als_dict`); the totals and the verschil against the
    region's bezetting cover only the gemeenten with figures."""
    regio = get_regio_jaar_or_404(code, jaar)
    cijfers = cijfers_regio(regio, jaar)
    if not cijfers.groepen:
        return json_antwoord({"fout": "onvolledig", "melding": "Nog geen enkele gemeente in "
                                  "deze regio heeft volledige cijfers.",
                                  "weggelaten": _weggelaten(cijfers)}, 409)
    b = bereik_van(cijfers)
    uit = regio_als_dict(cijfers.resultaten, load_referentie(), jaar, regio.code,
                         b.als_dict() if b is not None else None, cijfers.bezetting)
    uit["regio"].update(cijfers.dekking_als_dict())
    voeg_herkomst_toe(uit["gemeenten"], cijfers.resultaten, cijfers_herkomst(cijfers))
    if b is not None and b.gemeente_budgetten:  # each member's own budget table
        for rij in uit["gemeenten"]:
            rij["budget"] = b.gemeente_budgetten[rij["gemeentecode"]]
            for f, functie in rij["functies"].items():
                functie["kosten"]["budget"] = rij["budget"]["kosten"][f]
    uit["weggelaten"] = _weggelaten(cijfers)
    return json_antwoord(uit)


def _weggelaten(cijfers: Cijfers) -> list[dict]:
    return [{"gemeentecode": lid.code, "gemeentenaam": lid.gemeente.naam, "reden": lid.reden}
            for lid in cijfers.weggelaten]

