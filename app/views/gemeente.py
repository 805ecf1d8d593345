"""Per gemeente and year: the invoer form, the result (page and JSON) and the audit trail."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from formatie.getallen import format_invoer
from formatie.taal import aantal_woord

from ..access import get_gemeente_jaar_or_404, mag_team
from ..antwoord import json_antwoord
from ..invoerform import Veldlabel, geladen_versie, geschatte_sleutels, invoer_form
from ..models import (
    ACTIE_CONCEPT,
    ACTIE_INDIENEN,
    CONCEPT,
    INGEDIEND,
)
from ..services.cijfers import invoerbare_historie_jaren
from ..services.herkomst import formulier_herkomst
from ..services.invoerpagina import audit_tekst, formulier_schattingen, historiepagina, prefill
from ..services.normensets import actieve_rij, als_normenset
from ..services.opslaan import Conflict, andermans_wijzigingen, herkomst_van, huidige_invoer, sla_op
from ..services.rekencache import gecached
from ..services.resultaat import resultaat_als_json, resultaat_sleutel, resultaatpagina
from ..services.teamdata import teams_van_gemeente
from ..services.vooraf import na_opslaan

bp = Blueprint("gemeente", __name__, url_prefix="/gemeente")

#: Stands for the CSRF token in a cached page (each request puts its own in).
CSRF_PLAATSHOUDER = "csrf-token-van-dit-verzoek"


@bp.route("/<code>/<int:jaar>", methods=["GET", "POST"])
@login_required
def invoer(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    rij = actieve_rij()
    normenset = als_normenset(rij)
    opgeslagen = huidige_invoer(gemeente, jaar)
    teams = teams_van_gemeente(gemeente.code, jaar)  # their bezetting is on the team page
    form = invoer_form(normenset, frozenset(t.functie for t in teams))
    labels = Veldlabel.voor(normenset)
    context = {
        "gemeente": gemeente, "jaar": jaar, "form": form, "normenset": normenset,
        "normenset_rij": rij, "invoer": opgeslagen,
        "prefill": prefill(gemeente.code, normenset, opgeslagen),
        "conflict": None, "herkomst": herkomst_van(opgeslagen), "labels": labels,
        "tekst": audit_tekst,
        "historie_jaren": invoerbare_historie_jaren(jaar),
        "teams": [(t, mag_team(current_user, t)) for t in teams],
    }
    if request.method == "GET":
        form.vul(opgeslagen.waarden if opgeslagen else {}, opgeslagen.bezetting
                 if opgeslagen else {})
        form.version.data = str(opgeslagen.version if opgeslagen else 0)
        if request.args.get("schatting") == "1":
            geschat = {s: w for s, w in formulier_schattingen(normenset, gemeente.code).items()
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
    geladen = geladen_versie(form)
    gemeld = geschatte_sleutels(form)  # fields "Gebruik schattingen" filled, if any
    schattingen = formulier_schattingen(normenset, gemeente.code) if gemeld else {}
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
    if wijzigingen:
        na_opslaan(gemeente.code, jaar)  # the pages' figures, computed in the background
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


@bp.route("/<code>/<int:jaar>/resultaat")
@login_required
def resultaat(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    # the content, rendered once per data version and user (app.services.resultaat)
    inhoud = gecached(resultaat_sleutel(gemeente, jaar, current_user), lambda: render_template(
        "gemeente/_resultaat.html", **resultaatpagina(gemeente, jaar, current_user),
        csrf_token=lambda: CSRF_PLAATSHOUDER))
    # rendered by Jinja with autoescape (a signed cache entry); the token is URL-safe
    inhoud = Markup(inhoud.replace(CSRF_PLAATSHOUDER, generate_csrf()))  # noqa: S704
    return render_template("gemeente/resultaat.html", gemeente=gemeente, jaar=jaar,
                           inhoud=inhoud)


@bp.route("/<code>/<int:jaar>/resultaat.json")
@login_required
def resultaat_json(code: str, jaar: int):
    """The gemeente's figures as JSON (:func:`app.services.resultaat.resultaat_als_json`);
    ``?onzekerheid=1``: with ranges."""
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    uit, status = resultaat_als_json(gemeente, jaar, current_user,
                                     request.args.get("onzekerheid") == "1")
    return json_antwoord(uit, status)


@bp.route("/<code>/<int:jaar>/historie")
@login_required
def historie(code: str, jaar: int):
    gemeente = get_gemeente_jaar_or_404(code, jaar)
    return render_template("gemeente/historie.html", **historiepagina(gemeente, jaar))
