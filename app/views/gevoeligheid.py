"""``/gemeente/<code>/<jaar>/gevoeligheid``: the tornado of one gemeente's stored figures
(which invoer moves its fte most); ``?functie=<sleutel>`` for one functie. Page data from
:func:`app.services.gevoeligheid.gevoeligheidpagina`.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from ..access import get_gemeente_jaar_or_404
from ..services.gevoeligheid import gevoeligheidpagina

bp = Blueprint("gevoeligheid", __name__)


@bp.route("/gemeente/<code>/<int:jaar>/gevoeligheid")
@login_required
def gevoeligheid(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    context = gevoeligheidpagina(gemeente, jaar, request.args.get("functie") or None)
    if context is None:
        abort(404)
    return render_template("gevoeligheid/gevoeligheid.html", **context)
