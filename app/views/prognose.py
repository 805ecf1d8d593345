"""Forecast and the figures of earlier years it rests on.

``/gemeente/<code>/<jaar>/prognose``: per invoer a trend over the stored years
(:func:`formatie.prognose.prognose_reeksen`) and the fte of the next :data:`HORIZON` years
(:func:`formatie.model.bereken`, ranges from :mod:`app.services.bandbreedte`), page data
from :mod:`app.services.prognose`.
``/gemeente/<code>/<jaar>/historie-invoer``: the grid of earlier years, read, checked and
saved by :mod:`app.services.eerdere_jaren` (a year nobody started stays "niet begonnen").
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField

from formatie.taal import aantal_woord

from ..access import EERSTE_JAAR, get_gemeente_jaar_or_404
from ..services.cijfers import invoerbare_historie_jaren
from ..services.eerdere_jaren import lees_versies, raster
from ..services.normensets import actieve_rij, als_normenset
from ..services.opslaan import Conflict
from ..services.prognose import prognosepagina
from ..services.vooraf import na_opslaan

bp = Blueprint("prognose", __name__)

class HistorieForm(FlaskForm):
    """CSRF and the versions loaded; the cells are the per-year forms of
    :func:`app.services.eerdere_jaren.raster`."""

    versies = HiddenField()


@bp.route("/gemeente/<code>/<int:jaar>/historie-invoer", methods=["GET", "POST"])
@login_required
def historie_invoer(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    jaren = invoerbare_historie_jaren(jaar)
    if not jaren:
        flash(f"Voor {jaar} zijn er geen eerdere jaren in te vullen: de tool begint bij "
              f"{EERSTE_JAAR}.", "info")
        return redirect(url_for("prognose.prognose", code=gemeente.code, jaar=jaar), 303)
    rij = actieve_rij()
    r = raster(gemeente, jaren, rij, als_normenset(rij))
    form = HistorieForm()
    context = {"gemeente": gemeente, "jaar": jaar, "normenset": r.normenset, "jaren": jaren,
               "rijen": r.rijen, "form": form, "fouten": []}
    if request.method == "GET" or g.get("csrf_verlopen") or not form.validate_on_submit():
        status = 200
        if request.method == "POST":
            flash("Het formulier was verlopen. Uw waarden staan hieronder; er is niets "
                  "opgeslagen. Sla opnieuw op.", "fout")
            status = 400
        form.versies.data = r.versies_tekst()
        return render_template("prognose/historie_invoer.html", cellen=r.cellen(),
                               **context), status
    try:
        geladen = lees_versies(form.versies.data)
    except ValueError:
        abort(400)
    if not r.valideer():
        context["fouten"] = r.fouten()
        return render_template("prognose/historie_invoer.html", cellen=r.cellen(),
                               **context), 422
    try:
        aantal = r.sla_op(geladen, current_user)
    except Conflict:
        flash("Iemand anders heeft cijfers van deze jaren gewijzigd nadat u de pagina opende. "
              "Er is niets opgeslagen; hieronder staan de cijfers zoals ze nu zijn. Voer uw "
              "wijzigingen opnieuw in.", "fout")
        return redirect(url_for("prognose.historie_invoer", code=gemeente.code, jaar=jaar),
                        303)
    if aantal:
        na_opslaan(gemeente.code, jaar)  # the forecast rests on these years
        flash(f"Cijfers van eerdere jaren opgeslagen ({aantal_woord(aantal, 'wijziging')}).",
              "succes")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("prognose.prognose", code=gemeente.code, jaar=jaar))


@bp.route("/gemeente/<code>/<int:jaar>/prognose")
@login_required
def prognose(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    return render_template("prognose/prognose.html", **prognosepagina(gemeente, jaar))
