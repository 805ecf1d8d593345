"""The multi-year begroting: this year and the next three in fte and euros, central and budget.

``/gemeente/<code>/<jaar>/begroting``, ``/regio/<MCxx>/<jaar>/begroting`` and
``/team/<id>/<jaar>/begroting`` (a table per year, per functie and, for a region or team, per
gemeente, and a chart), and ``…/begroting.json`` (the ``"begroting"`` block of ``formatie
bereken --jaren 4 --formaat json``; for a team its ``"teams"[…]["begroting"]`` with
``--teams``). Authorization as the result pages: 404 for a gemeente, region or team the user
may not see. The figures come from :mod:`app.services.begroting`.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ..access import get_gemeente_jaar_or_404, get_regio_jaar_or_404, get_team_jaar_or_404
from ..antwoord import json_antwoord
from ..services.begroting import (
    begrotingspagina,
    meerjaren_van,
    team_begrotingspagina,
    team_meerjaren_van,
)
from ..services.cijfers import Cijfers, cijfers_gemeente, cijfers_regio
from ..services.teamstand import team_stand

bp = Blueprint("begroting", __name__)


def _json(cijfers: Cijfers, melding: str):
    mb = meerjaren_van(cijfers)
    if mb is None:
        return json_antwoord({"fout": "onvolledig", "melding": melding}, 409)
    return json_antwoord({"jaar": cijfers.jaar, "begroting": mb.als_dict(),
                          **({"regio": cijfers.dekking_als_dict()} if cijfers.regio else {})})


@bp.route("/gemeente/<code>/<int:jaar>/begroting")
@login_required
def gemeente(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    cijfers = cijfers_gemeente(gemeente, jaar)
    return render_template("begroting/begroting.html", gemeente=gemeente, regio=None,
                           jaar=jaar, cijfers=cijfers, pagina=begrotingspagina(cijfers))


@bp.route("/gemeente/<code>/<int:jaar>/begroting.json")
@login_required
def gemeente_json(code: str, jaar: int):
    """``{"jaar", "begroting"}``: the block of ``formatie bereken --jaren 4 --formaat json``
    (:meth:`formatie.meerjaren.Meerjarenbegroting.als_dict`); 409 without complete figures."""
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    return _json(cijfers_gemeente(gemeente, jaar), "Nog niet alle velden zijn ingevuld.")


@bp.route("/regio/<code>/<int:jaar>/begroting")
@login_required
def regio(code: str, jaar: int):
    regio = get_regio_jaar_or_404(code, jaar)
    cijfers = cijfers_regio(regio, jaar)
    return render_template("begroting/begroting.html", gemeente=None, regio=regio, jaar=jaar,
                           cijfers=cijfers, pagina=begrotingspagina(cijfers))


@bp.route("/regio/<code>/<int:jaar>/begroting.json")
@login_required
def regio_json(code: str, jaar: int):
    """As the gemeente's, over the members with complete figures, with ``"gemeenten"`` per
    year and ``"regio"`` saying how complete it is; 409 when no member has figures."""
    regio = get_regio_jaar_or_404(code, jaar)
    return _json(cijfers_regio(regio, jaar),
                 "Nog geen enkele gemeente in deze regio heeft volledige cijfers.")


@bp.route("/team/<int:team_id>/<int:jaar>/begroting")
@login_required
def team(team_id: int, jaar: int):
    rij = get_team_jaar_or_404(team_id, jaar)
    stand = team_stand(rij, jaar)
    return render_template("begroting/begroting.html", gemeente=None, regio=None, team=rij,
                           stand=stand, jaar=jaar, cijfers=stand.cijfers,
                           pagina=team_begrotingspagina(stand))


@bp.route("/team/<int:team_id>/<int:jaar>/begroting.json")
@login_required
def team_json(team_id: int, jaar: int):
    """``{"jaar", "team", "functie", "percentiel", "begroting", "aannames", "onvolledig"}``:
    ``"begroting"`` is the team's ``"begroting"`` of ``formatie bereken --teams --jaren 4
    --formaat json`` (:meth:`formatie.meerjaren.TeamMeerjarenbegroting.jaren_als_dicts`);
    409 while the team cannot be computed (with the reason)."""
    rij = get_team_jaar_or_404(team_id, jaar)
    stand = team_stand(rij, jaar)
    tb = team_meerjaren_van(stand)
    if tb is None:
        return json_antwoord({"fout": "onvolledig", "melding": stand.melding}, 409)
    return json_antwoord({"jaar": jaar, "team": rij.naam, "functie": rij.functie,
                          "percentiel": tb.begroting.percentiel,
                          "begroting": tb.jaren_als_dicts(),
                          "aannames": list(tb.begroting.aannames),
                          "onvolledig": stand.onvolledig})
