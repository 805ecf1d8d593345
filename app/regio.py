"""``/regio/<MCxx>/<jaar>``: member gemeenten with status and FTE, the Doorstroompunt total."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from formatie.model import bereken

from .access import aangeboden_jaren, check_jaar, get_regio_or_404
from .analyse import regio_bereik
from .berekening import ontbrekend, volume_matrix
from .extensions import db
from .models import NIET_BEGONNEN, Gemeente, Invoer
from .normensets import actieve_rij, als_normenset

bp = Blueprint("regio", __name__, url_prefix="/regio")


@dataclass
class Regel:
    gemeente: Gemeente
    status: str
    invoer: Invoer | None
    normenset_label: str | None = None
    fte: dict[str, float] | None = None  # functie sleutel → fte
    fte_totaal: float | None = None


@bp.route("/<code>/<int:jaar>")
@login_required
def overzicht(code: str, jaar: int):
    regio = get_regio_or_404(code)
    check_jaar(jaar)
    gemeenten = list(regio.gemeenten)
    invoer = {i.gemeente_code: i for i in db.session.scalars(
        select(Invoer).where(Invoer.jaar == jaar,
                             Invoer.gemeente_code.in_([g.code for g in gemeenten])))}
    regels = {g.code: Regel(g, invoer[g.code].status if g.code in invoer else NIET_BEGONNEN,
                            invoer.get(g.code)) for g in gemeenten}
    # Each gemeente is computed with the normenset its figures were saved with; rows sharing a
    # normenset go through the model in one vectorised call.
    actief = actieve_rij()
    functies: dict[str, str] = {f.sleutel: f.naam for f in als_normenset(actief).functies}
    groepen: dict[int, list[Invoer]] = {}
    rijen_per_id = {}
    for i in invoer.values():
        rij = i.normenset or actief
        rijen_per_id[rij.id] = rij
        if not ontbrekend(i, als_normenset(rij)):
            groepen.setdefault(rij.id, []).append(i)
    for rij_id, leden in groepen.items():
        rij = rijen_per_id[rij_id]
        normenset = als_normenset(rij)
        for f in normenset.functies:
            functies.setdefault(f.sleutel, f.naam)
        res = bereken(normenset, volume_matrix(leden, normenset),
                      [i.gemeente_code for i in leden])
        for g, i in enumerate(leden):
            regel = regels[i.gemeente_code]
            regel.normenset_label = rij.label
            regel.fte = dict(zip(normenset.functie_sleutels, res.fte[g].tolist(), strict=True))
            regel.fte_totaal = float(res.fte_totaal[g])
    met_cijfers = [r for r in regels.values() if r.fte is not None]
    totaal = {f: float(np.sum([r.fte.get(f, 0.0) for r in met_cijfers])) for f in functies}
    labels = {r.normenset_label for r in met_cijfers}
    # the region's range: one norm draw for all its gemeenten (only with one normenset)
    bereik = (regio_bereik(regio.code, jaar, groepen[next(iter(groepen))],
                           als_normenset(rijen_per_id[next(iter(groepen))]))
              if len(groepen) == 1 else None)
    return render_template(
        "regio/overzicht.html", regio=regio, jaar=jaar, regels=list(regels.values()),
        functies=functies, totaal=totaal,
        totaal_fte=float(np.sum([r.fte_totaal for r in met_cijfers])),
        n_met_cijfers=len(met_cijfers), meerdere_normensets=len(labels) > 1, bereik=bereik,
        jaren=aangeboden_jaren(),
    )
