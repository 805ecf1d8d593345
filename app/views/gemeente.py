"""Per gemeente and year: the invoer form, the result (page and JSON) and the audit trail."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from formatie import herkomst as hk
from formatie.getallen import format_aantal, format_invoer
from formatie.kosten import kosten
from formatie.model import functie_regels, verschil
from formatie.referentie import load_referentie
from formatie.regio import REGIONALE_FUNCTIES, aandeel, voeg_bezetting_toe
from formatie.schatting import METHODE, doelgroep_schattingen, geschatte_invoer, uitleg
from formatie.taal import aantal_woord
from formatie.uitvoer import resultaat_als_dict

from ..access import get_gemeente_jaar_or_404, mag_regio
from ..antwoord import json_antwoord
from ..extensions import db
from ..grafieken import benchmark_grafiek, fte_per_taak_grafiek
from ..invoerform import HERKOMST, Veldlabel, geschatte_sleutels, invoer_form
from ..models import (
    ACTIE_CONCEPT,
    ACTIE_INDIENEN,
    ACTIE_LABELS,
    CONCEPT,
    INGEDIEND,
    MAX_INT,
    NIET_BEGONNEN,
    STATUS_LABELS,
    AuditEntry,
)
from ..services.bandbreedte import bereik_van, json_met_bereik
from ..services.berekening import vergelijking
from ..services.cijfers import cijfers_gemeente, cijfers_regio, invoerbare_historie_jaren
from ..services.herkomst import cijfers_herkomst, formulier_herkomst, resultaat_herkomst
from ..services.normensets import actieve_rij, als_normenset
from ..services.opslaan import Conflict, andermans_wijzigingen, herkomst_van, huidige_invoer, sla_op
from ..services.teamstand import teams_van, voeg_teams_van_gemeente_toe

bp = Blueprint("gemeente", __name__, url_prefix="/gemeente")


def _prefill(gemeente_code: str, normenset, opgeslagen) -> dict:
    """The CBS box: inhabitants, one estimate per target group (label, estimate and the invoer
    field all from formatie.doelgroepen / formatie.schatting), the stored count once saved
    with its herkomst (a formatie.herkomst.Soort: an estimate saved as such says so), and per
    soort invoer why its estimates differ from the flat national rate."""
    ref = load_referentie()
    i = ref.index[gemeente_code]
    waarden = (opgeslagen.waarden if opgeslagen else None) or {}
    herkomst = herkomst_van(opgeslagen)
    groepen = [(g.doelgroep.label, g.schatting, waarden.get(g.telling) if g.telling else None,
                hk.SOORTEN[herkomst[g.telling].soort] if g.telling in herkomst else None)
               for g in doelgroep_schattingen(normenset, ref, gemeente_code)]
    return {"inwoners": float(ref.inwoners[i]), "groepen": groepen, "methode": METHODE,
            "uitleg": [u.tekst for u in uitleg(normenset, ref, gemeente_code)]}


def _schattingen(normenset, gemeente_code: str) -> dict[str, float]:
    """Estimated invoer (model: formatie.schatting.geschatte_invoer), whole numbers for the form."""
    ref = load_referentie()
    rij = geschatte_invoer(normenset, ref)[ref.index[gemeente_code]]
    return {s: float(round(v)) for s, v in zip(normenset.invoer_sleutels, rij, strict=True)
            if not math.isnan(v)}


def _tekst(veld: str, waarde: str | None, labels: Veldlabel) -> str:
    """A stored audit value for reading: thousands separators (``20.480``), a real minus."""
    if waarde is None:
        return "—"
    if veld.startswith(HERKOMST):
        return hk.SOORTEN[waarde].label if waarde in hk.SOORTEN else waarde
    if veld == "status":
        return STATUS_LABELS.get(waarde, waarde)
    try:
        return format_aantal(float(waarde))
    except ValueError:
        return waarde


@bp.route("/<code>/<int:jaar>", methods=["GET", "POST"])
@login_required
def invoer(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    rij = actieve_rij()
    normenset = als_normenset(rij)
    opgeslagen = huidige_invoer(gemeente, jaar)
    form = invoer_form(normenset)
    labels = Veldlabel.voor(normenset)
    context = {
        "gemeente": gemeente, "jaar": jaar, "form": form, "normenset": normenset,
        "normenset_rij": rij, "invoer": opgeslagen,
        "prefill": _prefill(gemeente.code, normenset, opgeslagen),
        "conflict": None, "herkomst": herkomst_van(opgeslagen), "labels": labels,
        "tekst": _tekst,
        "historie_jaren": invoerbare_historie_jaren(jaar),
    }
    if request.method == "GET":
        form.vul(opgeslagen.waarden if opgeslagen else {}, opgeslagen.bezetting
                 if opgeslagen else {})
        form.version.data = str(opgeslagen.version if opgeslagen else 0)
        if request.args.get("schatting") == "1":
            geschat = {s: w for s, w in _schattingen(normenset, gemeente.code).items()
                       if not form[s].data}
            for sleutel, waarde in geschat.items():
                form[sleutel].data = format_invoer(waarde)
            form.geschat.data = ",".join(geschat)
            context["herkomst"] = formulier_herkomst(opgeslagen, geschat, geschat)
            if geschat:
                flash("Lege velden zijn ingevuld met schattingen. Controleer ze en vervang ze "
                      "waar mogelijk door uw eigen cijfers. Er is nog niets opgeslagen.", "info")
        return render_template("gemeente/invoer.html", **context)

    if g.get("csrf_verlopen"):
        flash("Het formulier was verlopen (u was lang niet actief). Uw ingevulde waarden staan "
              "hieronder; er is niets opgeslagen. Controleer ze en sla opnieuw op.", "fout")
        return render_template("gemeente/invoer.html", **context), 400

    indienen = "indienen" in request.form
    try:
        geladen = int(form.version.data or "0")
    except ValueError:
        abort(400)
    if not 0 <= geladen <= MAX_INT:  # would overflow the database driver on a conflict
        abort(400)
    gemeld = geschatte_sleutels(form)  # fields "Gebruik schattingen" filled, if any
    schattingen = _schattingen(normenset, gemeente.code) if gemeld else {}
    geschat = {s: schattingen[s] for s in gemeld if s in schattingen}
    if not form.validate_invoer(indienen):
        context["herkomst"] = formulier_herkomst(opgeslagen, form.invoer_waarden(), geschat)
        return render_template("gemeente/invoer.html", **context), 422
    try:
        _, wijzigingen = sla_op(
            gemeente, jaar, geladen, form.invoer_waarden(), form.bezetting_waarden(),
            INGEDIEND if indienen else CONCEPT, rij, current_user,
            actie=ACTIE_INDIENEN if indienen else ACTIE_CONCEPT, geschat=geschat)
    except Conflict:
        huidig, andermans = andermans_wijzigingen(gemeente, jaar, geladen, form.invoer_waarden(),
                                                  form.bezetting_waarden())
        form.version.data = str(huidig.version if huidig else 0)
        for w in andermans:  # fields only the other person changed: take their value
            if w.alleen_door_ander and w.veld != "status" and w.veld in form:
                form[w.veld].data = format_invoer(None if w.hun_waarde is None
                                                  else float(w.hun_waarde))
        context.update(invoer=huidig, conflict=andermans,
                       herkomst=formulier_herkomst(huidig, form.invoer_waarden(), geschat))
        return render_template("gemeente/invoer.html", **context), 409
    normenset_gewisseld = any(w.veld == "normenset" for w in wijzigingen)
    if normenset_gewisseld:  # something was saved, even when no field changed
        flash(f"Deze cijfers gebruiken nu de actieve normenset {rij.label}.", "info")
    if not wijzigingen:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    elif indienen:
        flash(f"De cijfers van {gemeente.naam} voor {jaar} zijn ingediend.", "succes")
        return redirect(url_for("gemeente.resultaat", code=gemeente.code, jaar=jaar))
    else:
        flash(f"Opgeslagen als concept ({aantal_woord(len(wijzigingen), 'wijziging')}).",
              "succes")
    return redirect(url_for("gemeente.invoer", code=gemeente.code, jaar=jaar))


def _doorstroompunt_aandeel(gemeente, jaar: int, fte: dict[str, float]) -> list[dict]:
    """Per regional functie (the Doorstroompunt): the gemeente's fte, the region's need and
    the gemeente's share of it (:func:`formatie.regio.aandeel`), which is a share of the
    gemeenten with figures only (``dekking``: how many of the region's gemeenten that are)."""
    regio = cijfers_regio(gemeente.regio, jaar)
    uit = []
    for f in REGIONALE_FUNCTIES:
        if f in fte:
            regio_fte = regio.fte.get(f, 0.0)
            uit.append({"functie": regio.functies.get(f, f), "fte": fte[f],
                        "regio_fte": regio_fte, "aandeel": aandeel(fte[f], regio_fte),
                        "dekking": regio.dekking, "volledig": regio.volledig,
                        "regio": gemeente.regio,
                        "regio_zichtbaar": mag_regio(current_user, gemeente.regio)})
    return uit


@bp.route("/<code>/<int:jaar>/resultaat")
@login_required
def resultaat(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    cijfers = cijfers_gemeente(gemeente, jaar)
    lid = cijfers.leden[0]
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": lid.invoer,
               "normenset": lid.normenset, "normenset_rij": lid.rij, "res": None,
               "missend": [lid.normenset.invoer_by_sleutel(s).naam for s in lid.ontbrekend]}
    if cijfers.groepen:
        res = cijfers.resultaten[0]
        fte = cijfers.fte
        bezetting = cijfers.bezetting
        v = vergelijking(lid.invoer, res, lid.normenset)
        context.update(
            res=res,
            regels=functie_regels(res, 0),
            grafiek=fte_per_taak_grafiek(res),
            kosten_totaal=float(kosten(lid.normenset, res.fte[0]).sum()),
            functierijen=[{"functie": f, "fte": fte[f.sleutel],
                           "kosten": float(kosten(lid.normenset, res.fte[0])[j]),
                           "bezetting": bezetting.get(f.sleutel),
                           "regionaal": f.sleutel in REGIONALE_FUNCTIES,
                           "verschil": None if bezetting.get(f.sleutel) is None
                           else float(verschil(bezetting[f.sleutel], fte[f.sleutel]))}
                          for j, f in enumerate(lid.normenset.functies)],
            doorstroompunt=_doorstroompunt_aandeel(gemeente, jaar, fte),
            teams=teams_van(gemeente, jaar, current_user),
            vergelijking=v,
            benchmark=benchmark_grafiek(v),
            bereik=bereik_van(cijfers),
            herkomst=resultaat_herkomst(res, lid.invoer),
        )
    return render_template("gemeente/resultaat.html", **context)


@bp.route("/<code>/<int:jaar>/resultaat.json")
@login_required
def resultaat_json(code: str, jaar: int):
    """``formatie calculate --format json`` for this gemeente (with its ``"regels"`` and its
    ``"herkomst"``, :func:`formatie.herkomst.herkomst_als_dict`), plus per functie bezetting
    and verschil (bezetting − fte) where entered, and ``"team"`` and ``"aandeel"`` per
    functie whose team counts it (with ``"teams"``, as ``formatie bereken --teams``); with
    ``?onzekerheid=1`` the ranges of ``formatie calculate --onzekerheid`` (the one
    uncertainty policy)."""
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    cijfers = cijfers_gemeente(gemeente, jaar)
    if not cijfers.groepen:
        return json_antwoord({"fout": "onvolledig",
                              "melding": "Nog niet alle velden zijn ingevuld.",
                              "ontbrekend": cijfers.leden[0].ontbrekend}, 409)
    uit = resultaat_als_dict(cijfers.resultaten[0], load_referentie(), (jaar,))
    voeg_bezetting_toe(uit["gemeenten"][0]["functies"], cijfers.bezetting)
    hk.voeg_herkomst_toe(uit["gemeenten"], cijfers.resultaten, cijfers_herkomst(cijfers))
    voeg_teams_van_gemeente_toe(uit, cijfers.leden[0].normenset,
                                teams_van(gemeente, jaar, current_user))
    if request.args.get("onzekerheid") == "1":  # ranges as `formatie calculate --onzekerheid`
        json_met_bereik(uit, cijfers.groepen[0])
    return json_antwoord(uit)


@bp.route("/<code>/<int:jaar>/historie")
@login_required
def historie(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    opgeslagen = huidige_invoer(gemeente, jaar)
    entries = []
    if opgeslagen is not None:
        entries = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.invoer_id == opgeslagen.id)
            .order_by(AuditEntry.timestamp.desc(), AuditEntry.id.desc())))
    labels = Veldlabel.voor(cijfers_gemeente(gemeente, jaar).leden[0].normenset)
    # newest save first; within one save the fields in the order of the form
    entries.sort(key=lambda e: labels.volgorde(e.field))
    entries.sort(key=lambda e: (e.timestamp, e.invoer_version or 0), reverse=True)
    return render_template("gemeente/historie.html", gemeente=gemeente, jaar=jaar,
                           invoer=opgeslagen, entries=entries, labels=labels, tekst=_tekst,
                           acties=ACTIE_LABELS, status=opgeslagen.status if opgeslagen
                           else NIET_BEGONNEN)
