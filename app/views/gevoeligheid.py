"""``/gemeente/<code>/<jaar>/gevoeligheid``: the tornado of one gemeente's stored figures (which
invoer moves its fte most), from :func:`formatie.gevoeligheid.tornado`; stored figures from
:mod:`app.services.cijfers`, the chart laid out by :mod:`app.grafieken`.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from formatie.gevoeligheid import tornado
from formatie.normenset import Normenset

from ..access import get_gemeente_jaar_or_404
from ..grafieken import tornado_grafiek
from ..models import InvoerRij
from ..services.cijfers import cijfers_gemeente, ontbrekend, volume_matrix

bp = Blueprint("gevoeligheid", __name__)

TORNADO_TOP = 10


def _volledige_invoer(code: str, jaar: int):
    """(gemeente, invoer, normenset row, normenset) from :mod:`app.services.cijfers`."""
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    lid = cijfers_gemeente(gemeente, jaar).leden[0]
    return gemeente, lid.invoer, lid.rij, lid.normenset


def tornado_van(invoer: InvoerRij, normenset: Normenset, functie: str | None = None):
    return tornado(normenset, volume_matrix([invoer], normenset),
                   gemeentecodes=(invoer.gemeente_code,), functie=functie)


@bp.route("/gemeente/<code>/<int:jaar>/gevoeligheid")
@login_required
def gevoeligheid(code: str, jaar: int):
    gemeente, invoer, rij, normenset = _volledige_invoer(code, jaar)
    functie = request.args.get("functie") or None
    if functie is not None and functie not in normenset.functie_sleutels:
        abort(404)
    missend = ontbrekend(invoer, normenset)
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": invoer, "normenset": normenset,
               "normenset_rij": rij, "functie": functie, "t": None,
               "missend": [normenset.invoer_by_sleutel(s).naam for s in missend]}
    if invoer is not None and not missend:
        t = tornado_van(invoer, normenset, functie)
        context.update(t=t, rijen=t.top(TORNADO_TOP), grafiek=tornado_grafiek(t, TORNADO_TOP))
    return render_template("gevoeligheid/gevoeligheid.html", **context)
