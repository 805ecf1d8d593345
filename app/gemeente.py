"""Per gemeente and year: the invoer form, the result (page and JSON) and the audit trail."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from formatie.getallen import format_aantal, format_invoer
from formatie.referentie import load_referentie
from formatie.schatting import METHODE, doelgroep_schattingen, geschatte_invoer, uitleg
from formatie.taal import aantal_woord
from formatie.uitvoer import resultaat_als_dict

from .access import check_jaar, get_gemeente_or_404
from .analyse import (
    benchmark_grafiek,
    invoerbare_historie_jaren,
    json_met_bereik,
    resultaat_bereik,
)
from .berekening import bereken_invoer, grafiek_fte_per_taak, ontbrekend, vergelijking
from .extensions import db
from .invoerform import Veldlabel, invoer_form
from .models import ACTIE_LABELS, NIET_BEGONNEN, STATUS_LABELS, AuditEntry
from .normensets import actieve_rij, als_normenset
from .opslaan import Conflict, andermans_wijzigingen, huidige_invoer, sla_op

bp = Blueprint("gemeente", __name__, url_prefix="/gemeente")

def _prefill(gemeente_code: str, normenset, waarden: dict) -> dict:
    """The CBS box: inhabitants, one estimate per target group (label, estimate and the invoer
    field all from formatie.doelgroepen / formatie.schatting), the gemeente's own count once
    entered, and per soort invoer why its estimates differ from the flat national rate."""
    ref = load_referentie()
    i = ref.index[gemeente_code]
    groepen = [(g.doelgroep.label, g.schatting,
                waarden.get(g.telling) if g.telling else None)
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
    if veld == "status":
        return STATUS_LABELS.get(waarde, waarde)
    try:
        return format_aantal(float(waarde))
    except ValueError:
        return waarde


@bp.route("/<code>/<int:jaar>", methods=["GET", "POST"])
@login_required
def invoer(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    rij = actieve_rij()
    normenset = als_normenset(rij)
    opgeslagen = huidige_invoer(gemeente, jaar)
    form = invoer_form(normenset)
    labels = Veldlabel.voor(normenset)
    context = {
        "gemeente": gemeente, "jaar": jaar, "form": form, "normenset": normenset,
        "normenset_rij": rij, "invoer": opgeslagen,
        "prefill": _prefill(gemeente.code, normenset, opgeslagen.waarden if opgeslagen else {}),
        "conflict": None, "geschat": set(), "labels": labels, "tekst": _tekst,
        "historie_jaren": invoerbare_historie_jaren(jaar),
    }
    if request.method == "GET":
        form.vul(opgeslagen.waarden if opgeslagen else {}, opgeslagen.bezetting
                 if opgeslagen else {})
        form.version.data = str(opgeslagen.version if opgeslagen else 0)
        if request.args.get("schatting") == "1":
            for sleutel, waarde in _schattingen(normenset, gemeente.code).items():
                if not form[sleutel].data:
                    form[sleutel].data = format_invoer(waarde)
                    context["geschat"].add(sleutel)
            if context["geschat"]:
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
    if not 0 <= geladen <= 2**31 - 1:  # would overflow the database driver on a conflict
        abort(400)
    if not form.validate_invoer(indienen):
        return render_template("gemeente/invoer.html", **context), 422
    try:
        opgeslagen, wijzigingen = sla_op(
            gemeente, jaar, geladen, form.invoer_waarden(), form.bezetting_waarden(),
            indienen, rij, current_user)
    except Conflict:
        huidig, andermans = andermans_wijzigingen(gemeente, jaar, geladen, form.invoer_waarden(),
                                                  form.bezetting_waarden())
        form.version.data = str(huidig.version if huidig else 0)
        for w in andermans:  # fields only the other person changed: take their value
            if w.alleen_door_ander and w.veld != "status" and w.veld in form:
                form[w.veld].data = format_invoer(None if w.hun_waarde is None
                                                  else float(w.hun_waarde))
        context.update(invoer=huidig, conflict=andermans)
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


def _resultaat_of_none(gemeente, jaar):
    """(invoer, normenset row, normenset, result or None, missing fields)."""
    opgeslagen = huidige_invoer(gemeente, jaar)
    rij = (opgeslagen.normenset if opgeslagen and opgeslagen.normenset else actieve_rij())
    normenset = als_normenset(rij)
    missend = ontbrekend(opgeslagen, normenset)
    if opgeslagen is None or missend:
        return opgeslagen, rij, normenset, None, missend
    return opgeslagen, rij, normenset, bereken_invoer(opgeslagen, normenset), []


@bp.route("/<code>/<int:jaar>/resultaat")
@login_required
def resultaat(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    opgeslagen, rij, normenset, res, missend = _resultaat_of_none(gemeente, jaar)
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": opgeslagen, "normenset": normenset,
               "normenset_rij": rij, "res": res,
               "missend": [normenset.invoer_by_sleutel(s).naam for s in missend]}
    if res is not None:
        bezetting = opgeslagen.bezetting or {}
        v = vergelijking(opgeslagen, res, normenset)
        context.update(
            grafiek=grafiek_fte_per_taak(res),
            bezetting=[bezetting.get(f) for f in normenset.functie_sleutels],
            vergelijking=v,
            benchmark=benchmark_grafiek(v),
            bereik=resultaat_bereik(opgeslagen, normenset),
        )
    return render_template("gemeente/resultaat.html", **context)


@bp.route("/<code>/<int:jaar>/resultaat.json")
@login_required
def resultaat_json(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    opgeslagen, _, normenset, res, missend = _resultaat_of_none(gemeente, jaar)
    if res is None:
        return jsonify({"fout": "onvolledig", "melding": "Nog niet alle velden zijn ingevuld.",
                        "ontbrekend": missend}), 409
    uit = resultaat_als_dict(res, load_referentie(), (jaar,))
    if request.args.get("onzekerheid") == "1":  # ranges as `formatie calculate --onzekerheid`
        json_met_bereik(uit, opgeslagen, normenset)
    return jsonify(uit)


@bp.route("/<code>/<int:jaar>/historie")
@login_required
def historie(code: str, jaar: int):
    gemeente = get_gemeente_or_404(code)
    check_jaar(jaar)
    opgeslagen = huidige_invoer(gemeente, jaar)
    entries = []
    if opgeslagen is not None:
        entries = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.invoer_id == opgeslagen.id)
            .order_by(AuditEntry.timestamp.desc(), AuditEntry.id.desc())))
    rij = opgeslagen.normenset if opgeslagen and opgeslagen.normenset else actieve_rij()
    labels = Veldlabel.voor(als_normenset(rij))
    # newest save first; within one save the fields in the order of the form
    entries.sort(key=lambda e: labels.volgorde(e.field))
    entries.sort(key=lambda e: (e.timestamp, e.invoer_version or 0), reverse=True)
    return render_template("gemeente/historie.html", gemeente=gemeente, jaar=jaar,
                           invoer=opgeslagen, entries=entries, labels=labels, tekst=_tekst,
                           acties=ACTIE_LABELS, status=opgeslagen.status if opgeslagen
                           else NIET_BEGONNEN)
