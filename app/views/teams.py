"""Teams (issue 21): ``/teams`` (beheerder: every team, its members and history, and the
upload of a teams CSV, the same file as ``flask --app app teams importeer``), the team page
``/team/<id>/<jaar>`` (members, status of their figures, need per member and for the team, the
team's chain and range, its bijdragen, its bezetting entered once with verschil and coverage:
``POST …/bezetting``, roles team and beheerder), ``…/resultaat.json`` (the shape of ``formatie
bereken --teams``) and ``…/scenario.xlsx`` (the team workbook, as ``formatie exporteer
--teams``).

Who may see a team: :func:`app.access.mag_team`. Every figure comes from
:mod:`app.services.teamstand` (stored figures through :mod:`app.services.cijfers`, the team through
:mod:`formatie.teams`).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from formatie.onzekerheid import BUDGET_LABEL, BUDGET_PERCENTIEL
from formatie.problemen import InvoerFout
from formatie.taal import aantal_woord
from formatie.teams import SOORTEN, VERDEELSLEUTELS, uitleg_aandeel, zin_vergelijking

from ..access import aangeboden_jaren, get_team_jaar_or_404, huidig_jaar, rol_vereist
from ..antwoord import json_antwoord
from ..downloads import stuur_xlsx
from ..extensions import db
from ..invoerform import geladen_versie, regio_bezetting_form
from ..services.begroting import team_meerjaren_van
from ..services.opslaan import Conflict, sla_team_bezetting_op
from ..services.teamdata import alle_teams, importeer_teams, lees_teams, team_historie
from ..services.teamstand import team_stand, weggelaten

bp = Blueprint("teams", __name__)


class TeamsUploadForm(FlaskForm):
    bestand = FileField("Teams (CSV-bestand)", validators=[FileRequired("Kies een CSV-bestand.")])


def _lijst(form: TeamsUploadForm, problemen: list[str] | None = None, status: int = 200):
    teams = alle_teams()
    return render_template("team/lijst.html", teams=teams, form=form, problemen=problemen or [],
                           historie={t.id: team_historie(t)[:20] for t in teams},
                           soorten=SOORTEN, verdeelsleutels=VERDEELSLEUTELS,
                           jaar=huidig_jaar()), status


@bp.route("/teams")
@rol_vereist("beheerder")
def lijst():
    return _lijst(TeamsUploadForm())


@bp.route("/teams/upload", methods=["POST"])
@rol_vereist("beheerder")
def upload():
    """The teams CSV, stored as by ``flask --app app teams importeer``
    (app.services.teamdata): all or nothing, every problem with its line."""
    form = TeamsUploadForm()
    if g.get("csrf_verlopen"):
        flash("Het formulier was verlopen. Kies het bestand opnieuw en upload het nog eens.",
              "fout")
        return _lijst(form, status=400)
    if not form.validate_on_submit():
        return _lijst(form, status=422)
    bestand = form.bestand.data
    naam = bestand.filename or "teams.csv"
    try:
        verslag = importeer_teams(lees_teams(bestand.read(), naam), current_user)
    except InvoerFout as fout:
        db.session.rollback()
        return _lijst(form, [p.tekst(fout.bestand) for p in fout.problemen], 422)
    db.session.commit()
    if verslag.aantal:
        flash(f"De teams zijn opgeslagen ({aantal_woord(verslag.aantal, 'wijziging')}).",
              "succes")
        for regel in verslag.regels():
            flash(regel, "info")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("teams.lijst"))


#: Who enters a team's bezetting: its coordinator and the beheerder.
BEZETTING_ROLLEN = ("team", "beheerder")


def _bezetting_form(stand):
    """The team's bezetting form (one field: its functie), or None when the active normenset
    of its members does not know the functie."""
    n = stand.normenset
    if n is None or stand.rij.functie not in n.functie_sleutels:
        return None
    return regio_bezetting_form((n.functie(stand.rij.functie),), waar="in het team")


def _pagina(rij, jaar: int, stand, form, status: int = 200, conflict: bool = False):
    u = stand.uitkomst
    return render_template(
        "team/overzicht.html", rij=rij, jaar=jaar, stand=stand, uitkomst=u,
        jaren=aangeboden_jaren(), soorten=SOORTEN, verdeelsleutels=VERDEELSLEUTELS,
        uitleg={c: uitleg_aandeel(u, c) for c in u.aandelen} if u else {},
        budget=BUDGET_PERCENTIEL, budget_label=BUDGET_LABEL, form=form, conflict=conflict,
        mag_bezetting=current_user.role in BEZETTING_ROLLEN,
        vergelijkingszin=zin_vergelijking(stand.vergelijking) if stand.vergelijking else None,
        ), status


@bp.route("/team/<int:team_id>/<int:jaar>")
@login_required
def overzicht(team_id: int, jaar: int):
    rij = get_team_jaar_or_404(team_id, jaar)
    stand = team_stand(rij, jaar)
    form = _bezetting_form(stand)
    if form is not None:
        form.vul((stand.bezetting_rij.waarden or {}) if stand.bezetting_rij else {})
        form.version.data = str(stand.bezetting_rij.version if stand.bezetting_rij else 0)
    return _pagina(rij, jaar, stand, form)


@bp.route("/team/<int:team_id>/<int:jaar>/bezetting", methods=["POST"])
@login_required
def bezetting(team_id: int, jaar: int):
    """Save the team's bezetting (audit trail, optimistic locking), entered once per team."""
    rij = get_team_jaar_or_404(team_id, jaar)
    if current_user.role not in BEZETTING_ROLLEN:
        abort(404)
    stand = team_stand(rij, jaar)
    form = _bezetting_form(stand)
    if form is None:
        abort(404)  # no figures under one normenset yet: there is no form on the page
    if g.get("csrf_verlopen"):
        flash("Het formulier was verlopen. Uw waarde staat hieronder; er is niets opgeslagen.",
              "fout")
        return _pagina(rij, jaar, stand, form, 400)
    geladen = geladen_versie(form)
    if not form.validate():
        return _pagina(rij, jaar, stand, form, 422)
    try:
        _, wijzigingen = sla_team_bezetting_op(rij, jaar, geladen, form.bezetting_waarden(),
                                               current_user)
    except Conflict:
        stand = team_stand(rij, jaar)
        form.version.data = str(stand.bezetting_rij.version if stand.bezetting_rij else 0)
        return _pagina(rij, jaar, stand, form, 409, conflict=True)
    if wijzigingen:
        flash(f"De bezetting van team {rij.naam} voor {jaar} is opgeslagen.", "succes")
    else:
        flash("Er was niets gewijzigd; er is niets opgeslagen.", "info")
    return redirect(url_for("teams.overzicht", team_id=rij.id, jaar=jaar))


@bp.route("/team/<int:team_id>/<int:jaar>/scenario.xlsx")
@login_required
def werkboek(team_id: int, jaar: int):
    """The team workbook (:meth:`app.services.teamstand.TeamStand.werkboek`): the members'
    figures with the sheet Team and the team's Begroting (this year and the next three), as
    ``formatie exporteer --teams --jaren 4``."""
    rij = get_team_jaar_or_404(team_id, jaar)
    stand = team_stand(rij, jaar)
    if stand.uitkomst is None:
        flash(f"Er is nog geen Excel-werkboek van dit team: {stand.melding}", "fout")
        return redirect(url_for("teams.overzicht", team_id=rij.id, jaar=jaar))
    return stuur_xlsx(stand.werkboek(team_meerjaren_van(stand)), f"team-{rij.id}-{jaar}.xlsx")


@bp.route("/team/<int:team_id>/<int:jaar>/resultaat.json")
@login_required
def resultaat_json(team_id: int, jaar: int):
    """The team's figures in the shape of ``formatie bereken --teams --formaat json
    --onzekerheid`` (:meth:`app.services.teamstand.TeamStand.als_json`); 409 while the team
    cannot be computed (no member with complete figures, or members on different normensets)."""
    rij = get_team_jaar_or_404(team_id, jaar)
    stand = team_stand(rij, jaar)
    if stand.uitkomst is None:
        return json_antwoord({"fout": "onvolledig" if len(stand.normensets) <= 1
                              else "normensets", "melding": stand.melding,
                              "weggelaten": weggelaten(stand.cijfers)}, 409)
    return json_antwoord(stand.als_json())
