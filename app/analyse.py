"""Planning under uncertainty in the web app (issue 5): ranges, sensitivity, forecast,
benchmark and calibration. Every figure comes from ``formatie`` (:mod:`formatie.onzekerheid`,
:mod:`formatie.gevoeligheid`, :mod:`formatie.prognose`, :mod:`formatie.kalibratie`); this
module loads stored figures, validates, calls the model and lays out charts.

Pages: ``/gemeente/<code>/<jaar>/gevoeligheid`` (tornado), ``…/historie-invoer`` (figures of
the five years before ``jaar``), ``…/prognose`` (trend + FTE for the next years) and
``/kalibratie`` (beheerder; regio for its own gemeenten). Stored figures come from
:mod:`app.cijfers`, ranges from :mod:`app.bandbreedte` (the result page and the region page
use them directly).

History is stored as :class:`~app.models.Invoer` rows of the earlier years, read and saved by
:mod:`app.eerdere_jaren` (a year nobody started stays "niet begonnen").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from formatie.gevoeligheid import tornado
from formatie.invoer_csv import read_invoer_csv
from formatie.model import bereken
from formatie.normenset import Normenset, afgeleide_versie, normenset_als_toml
from formatie.problemen import InvoerFout, Probleem
from formatie.prognose import MIN_JAREN, prognose_reeksen
from formatie.taal import aantal_woord

from .access import EERSTE_JAAR, check_jaar, get_gemeente_or_404, mag_gemeente, rol_vereist
from .bandbreedte import prognose_bereik
from .cijfers import (
    cijfers_gemeente,
    historie_jaren,
    invoerbare_historie_jaren,
    ontbrekend,
    volume_matrix,
)
from .eerdere_jaren import lees_versies, raster
from .extensions import db
from .grafieken import lijn_grafiek, tornado_grafiek
from .models import INGEDIEND, Gemeente, Invoer
from .models import Normenset as NormensetRij
from .normensets import NormensetBestaat, actieve_rij, als_normenset, bewaar_normenset
from .opslaan import Conflict

bp = Blueprint("analyse", __name__)

HORIZON = 3
TORNADO_TOP = 10


# =============================================================================================
# Sensitivity
# =============================================================================================


def _volledige_invoer(code: str, jaar: int):
    """(gemeente, invoer, normenset row, normenset) from :mod:`app.cijfers`."""
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    lid = cijfers_gemeente(gemeente, jaar).leden[0]
    return gemeente, lid.invoer, lid.rij, lid.normenset


def tornado_van(invoer: Invoer, normenset: Normenset, functie: str | None = None):
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
    return render_template("analyse/gevoeligheid.html", **context)


# =============================================================================================
# History (earlier years) and forecast
# =============================================================================================


def _rijen_per_jaar(gemeente: Gemeente, jaren: list[int]) -> dict[int, Invoer]:
    return {i.jaar: i for i in db.session.scalars(
        select(Invoer).where(Invoer.gemeente_code == gemeente.code, Invoer.jaar.in_(jaren)))}


class HistorieForm(FlaskForm):
    """CSRF and the versions loaded; the cells are the per-year forms of
    :func:`app.eerdere_jaren.raster`."""

    versies = HiddenField()


@bp.route("/gemeente/<code>/<int:jaar>/historie-invoer", methods=["GET", "POST"])
@login_required
def historie_invoer(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    jaren = invoerbare_historie_jaren(jaar)
    if not jaren:
        flash(f"Voor {jaar} zijn er geen eerdere jaren in te vullen: de tool begint bij "
              f"{EERSTE_JAAR}.", "info")
        return redirect(url_for("analyse.prognose", code=gemeente.code, jaar=jaar), 303)
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
        return render_template("analyse/historie_invoer.html", cellen=r.cellen(),
                               **context), status
    try:
        geladen = lees_versies(form.versies.data)
    except ValueError:
        abort(400)
    if not r.valideer():
        context["fouten"] = r.fouten()
        return render_template("analyse/historie_invoer.html", cellen=r.cellen(),
                               **context), 422
    try:
        aantal = r.sla_op(geladen, current_user)
    except Conflict:
        flash("Iemand anders heeft cijfers van deze jaren gewijzigd nadat u de pagina opende. "
              "Er is niets opgeslagen; hieronder staan de cijfers zoals ze nu zijn. Voer uw "
              "wijzigingen opnieuw in.", "fout")
        return redirect(url_for("analyse.historie_invoer", code=gemeente.code, jaar=jaar),
                        303)
    if aantal:
        flash(f"Cijfers van eerdere jaren opgeslagen ({aantal_woord(aantal, 'wijziging')}).",
              "succes")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("analyse.prognose", code=gemeente.code, jaar=jaar))


@dataclass(frozen=True)
class Reeks:
    invoer: object  # formatie.normenset.Invoer
    jaren_met_cijfers: int
    prognose: object  # formatie.prognose.Prognose
    grafiek: object | None


@bp.route("/gemeente/<code>/<int:jaar>/prognose")
@login_required
def prognose(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    lid = cijfers_gemeente(gemeente, jaar).leden[0]
    rij, normenset = lid.rij, lid.normenset
    jaren = [*historie_jaren(jaar), jaar]
    rijen = _rijen_per_jaar(gemeente, jaren)
    waarden = np.full((len(normenset.invoer), len(jaren)), np.nan)
    for t, j in enumerate(jaren):
        for i, s in enumerate(normenset.invoer_sleutels):
            w = (rijen[j].waarden or {}).get(s) if j in rijen else None
            if w is not None:
                waarden[i, t] = float(w)
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
        overzicht.append(Reeks(inv, n, p, grafiek))
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
    return render_template(
        "analyse/prognose.html", gemeente=gemeente, jaar=jaar, normenset=normenset,
        normenset_rij=rij, overzicht=overzicht, jaren=jaren, fte_jaren=fte_jaren,
        ontbreekt=ontbreekt, met_trend=met_trend, min_jaren=MIN_JAREN,
        prognose_jaren=prognose_jaren)


# =============================================================================================
# Calibration
# =============================================================================================


class KalibratieForm(FlaskForm):
    bron = RadioField("Gegevens", choices=[
        SelectChoice("opgeslagen", "De ingediende cijfers met ingevulde bezetting (fte in dienst)"),
        SelectChoice("bestand", "Een CSV-bestand")], default="opgeslagen")
    bestand = FileField("CSV-bestand met gemeentecode, jaar, de invoerkolommen en "
                        "fte_<functie>")
    begrenzing = RadioField("Begrenzing van de normuren", choices=[
        SelectChoice("positief", "Alleen ≥ 0 (de gegevens beslissen)"),
        SelectChoice("normenset", "Binnen het 80%-interval van de normenset")],
        default="positief")


class OpslaanForm(FlaskForm):
    gegevens = HiddenField()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kalibratie-normenset")


def _mag_code(code: str) -> bool:
    gemeente = db.session.get(Gemeente, code)
    return gemeente is not None and mag_gemeente(current_user, gemeente)


def _opgeslagen_waarnemingen(normenset: Normenset):
    """Submitted invoer with complete figures and bezetting for every functie, limited to the
    gemeenten the user may see: (volume (N, I), fte (N, F), codes, jaren)."""
    rijen = [r for r in db.session.scalars(
        select(Invoer).where(Invoer.status == INGEDIEND).order_by(Invoer.gemeente_code,
                                                                   Invoer.jaar))
        if not ontbrekend(r, normenset) and _mag_code(r.gemeente_code)
        and all((r.bezetting or {}).get(f) is not None for f in normenset.functie_sleutels)]
    fte = np.array([[r.bezetting[f] for f in normenset.functie_sleutels] for r in rijen],
                   dtype=float).reshape(len(rijen), len(normenset.functies))
    return (volume_matrix(rijen, normenset), fte, [r.gemeente_code for r in rijen],
            [r.jaar for r in rijen])


def _csv_waarnemingen(data: bytes, naam: str, normenset: Normenset):
    kolommen = tuple(f"fte_{f}" for f in normenset.functie_sleutels)
    tabel = read_invoer_csv(data, normenset, extra_kolommen=kolommen, bestand=naam)
    problemen = []
    for code, regel in zip(tabel.gemeentecodes, tabel.regels or [None] * len(
            tabel.gemeentecodes), strict=True):
        if not _mag_code(code):
            problemen.append(Probleem(f"gemeente {code} hoort niet bij de gemeenten die u mag "
                                      "zien.", regel, "gemeentecode"))
    if problemen:
        raise InvoerFout(problemen, naam)
    fte = np.column_stack([tabel.extra[k] for k in kolommen])
    return tabel.volume, fte, list(tabel.gemeentecodes), list(tabel.jaren)


@bp.route("/kalibratie", methods=["GET", "POST"])
@rol_vereist("beheerder", "regio")
def kalibratie():
    from formatie.kalibratie import als_normenset as kalibratie_als_normenset
    from formatie.kalibratie import kalibreer

    rij = actieve_rij()
    normenset = als_normenset(rij)
    form = KalibratieForm()
    context = {"form": form, "normenset": normenset, "normenset_rij": rij, "k": None,
               "problemen": [], "opslaan_form": OpslaanForm()}
    if request.method == "GET":
        return render_template("analyse/kalibratie.html", **context)
    if g.get("csrf_verlopen") or not form.validate_on_submit():
        context["problemen"] = ["Het formulier was verlopen of onvolledig. Probeer het opnieuw."]
        return render_template("analyse/kalibratie.html", **context), 400
    try:
        if form.bron.data == "bestand":
            bestand = form.bestand.data
            if not bestand or not bestand.filename:
                raise InvoerFout([Probleem("kies een CSV-bestand.")], None)
            naam = bestand.filename
            volume, fte, codes, _jaren = _csv_waarnemingen(bestand.read(), naam, normenset)
            bron = f"gekalibreerd op {naam}"
        else:
            volume, fte, codes, _jaren = _opgeslagen_waarnemingen(normenset)
            bron = "gekalibreerd op de ingediende cijfers met bezetting"
    except InvoerFout as fout:
        context["problemen"] = [p.tekst(fout.bestand) for p in fout.problemen]
        return render_template("analyse/kalibratie.html", **context), 422
    n_obs = len(codes)
    if n_obs * len(normenset.functies) <= len(normenset.taken):
        context["problemen"] = [
            f"Te weinig waarnemingen: {n_obs} gemeente-jaren × {len(normenset.functies)} "
            f"functies voor {len(normenset.taken)} normuren. Er zijn meer gemeenten of jaren "
            "nodig (met ingevulde bezetting voor elke functie)."]
        return render_template("analyse/kalibratie.html", **context), 422
    k = kalibreer(normenset, volume, fte, begrenzing=form.begrenzing.data,
                  clusters=np.array(codes))
    bron = f"{bron} ({n_obs} waarnemingen, {datetime.now(UTC):%Y-%m-%d})"
    nieuw = kalibratie_als_normenset(k, bron)
    # stored as <versie>-kalibratie, numbered when taken (app.normensets.bewaar_normenset)
    nieuw = replace(nieuw, versie=afgeleide_versie(normenset.versie, "-kalibratie"))
    context["opslaan_form"].gegevens.data = _serializer().dumps(
        {"toml": normenset_als_toml(nieuw), "basis": rij.id})
    context.update(k=k, n_obs=n_obs, n_gemeenten=len(set(codes)), nieuw=nieuw, bron=bron,
                   somuren={gr.sleutel: sum(normenset.taak(s).uren for s in gr.taken)
                            for gr in k.groepen})
    return render_template("analyse/kalibratie.html", **context)


@bp.route("/kalibratie/opslaan", methods=["POST"])
@rol_vereist("beheerder", "regio")
def kalibratie_opslaan():
    form = OpslaanForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        gegevens = _serializer().loads(form.gegevens.data or "")
        tekst = gegevens["toml"]
    except (BadSignature, KeyError, TypeError):
        abort(400)
    basis = db.session.get(NormensetRij, gegevens.get("basis") or 0) or abort(400)
    try:
        rij = bewaar_normenset(tekst, "gekalibreerd", current_user, afgeleid_van=basis)
    except InvoerFout as fout:  # validated again; cannot normally happen
        flash("De gekalibreerde normenset is ongeldig: " + "; ".join(
            p.tekst() for p in fout.problemen), "fout")
        return redirect(url_for("analyse.kalibratie"))
    except NormensetBestaat:  # the same versie stored at the same moment
        flash("Tegelijk is een normenset met dezelfde versie opgeslagen; er is niets "
              "opgeslagen. Probeer het opnieuw.", "fout")
        return redirect(url_for("analyse.kalibratie"))
    db.session.commit()
    flash(f"Normenset {rij.label} is opgeslagen. Hij is nog niet actief.", "succes")
    return redirect(url_for("normen.detail", normenset_id=rij.id))
