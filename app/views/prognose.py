"""Forecast and the figures of earlier years it rests on.

``/gemeente/<code>/<jaar>/prognose``: per invoer a trend over the stored years
(:func:`formatie.prognose.prognose_reeksen`) and the fte of the next :data:`HORIZON` years
(:func:`formatie.model.bereken`, ranges from :mod:`app.services.bandbreedte`).
``/gemeente/<code>/<jaar>/historie-invoer``: the grid of earlier years, read, checked and
saved by :mod:`app.services.eerdere_jaren` (a year nobody started stays "niet begonnen").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField

from formatie.model import bereken
from formatie.prognose import MIN_JAREN, prognose_reeksen
from formatie.taal import aantal_woord

from ..access import EERSTE_JAAR, get_gemeente_jaar_or_404
from ..grafieken import lijn_grafiek
from ..services.bandbreedte import prognose_bereik
from ..services.cijfers import cijfers_gemeente, historie_jaren, invoerbare_historie_jaren
from ..services.eerdere_jaren import lees_versies, raster, waarden_per_jaar
from ..services.normensets import actieve_rij, als_normenset
from ..services.opslaan import Conflict

bp = Blueprint("prognose", __name__)

HORIZON = 3


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
        flash(f"Cijfers van eerdere jaren opgeslagen ({aantal_woord(aantal, 'wijziging')}).",
              "succes")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("prognose.prognose", code=gemeente.code, jaar=jaar))


@dataclass(frozen=True)
class Reeks:
    invoer: object  # formatie.normenset.Invoer
    jaren_met_cijfers: int
    prognose: object  # formatie.prognose.Prognose
    grafiek: object | None
    laatst_bekend: float | None = None  # the newest figure (what a series without trend carries)


@bp.route("/gemeente/<code>/<int:jaar>/prognose")
@login_required
def prognose(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    lid = cijfers_gemeente(gemeente, jaar).leden[0]
    rij, normenset = lid.rij, lid.normenset
    jaren = [*historie_jaren(jaar), jaar]
    waarden = waarden_per_jaar(gemeente, jaren, normenset)
    # series without any figure are left out of the fit (the model needs ≥ 1 value to carry)
    bekend = np.isfinite(waarden).any(axis=1)
    ontbreekt = [inv.naam for i, inv in enumerate(normenset.invoer) if not bekend[i]]
    # prognose_reeksen seeds itself: the same figures give the same forecast
    reeksen = prognose_reeksen(jaren, waarden[bekend], HORIZON) if bekend.any() else None
    prognose_jaren = [jaar + h for h in range(1, HORIZON + 1)]
    positie = np.cumsum(bekend) - 1
    overzicht = []
    for i, inv in enumerate(normenset.invoer):
        n = int(np.isfinite(waarden[i]).sum())
        p = reeksen.reeks(int(positie[i])) if bekend[i] else None
        grafiek = (lijn_grafiek(p.jaren, p.waarden, p.prognose_jaren, p.verwacht, p.p10, p.p90)
                   if p is not None and p.heeft_trend else None)
        gevuld = waarden[i][np.isfinite(waarden[i])]
        overzicht.append(Reeks(inv, n, p, grafiek, float(gevuld[-1]) if len(gevuld) else None))
    # FTE for the projected years: the model on the projected volumes (the last known value
    # where there is no trend), range with the forecast's dispersion
    fte_jaren = []
    if not ontbreekt:
        for j in prognose_jaren:
            volume, dispersie = reeksen.voor_jaar(int(j))
            res = bereken(normenset, volume[None, :], (gemeente.code,))
            fte_jaren.append({"jaar": int(j), "centraal": float(res.fte_totaal[0]),
                              "functies": res.fte[0].tolist(),
                              **prognose_bereik(normenset, volume, gemeente.code, dispersie)})
    met_trend = sum(1 for r in overzicht if r.prognose is not None and r.prognose.heeft_trend)
    # too few years for a trend: one collapsible line on the page, not a row each
    nog_geen = [r for r in overzicht if r.jaren_met_cijfers < MIN_JAREN]
    return render_template(
        "prognose/prognose.html", gemeente=gemeente, jaar=jaar, normenset=normenset,
        normenset_rij=rij, overzicht=overzicht, jaren=jaren, fte_jaren=fte_jaren,
        met_reeks=[r for r in overzicht if r.jaren_met_cijfers >= MIN_JAREN],
        nog_geen_trend=nog_geen,
        ontbreekt=ontbreekt, met_trend=met_trend, min_jaren=MIN_JAREN,
        prognose_jaren=prognose_jaren)
