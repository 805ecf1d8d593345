"""``/gebruikers``: the beheerder lists, creates and blocks accounts and resets passwords (others
get 404)."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, StringField, SubmitField

from ..access import rol_vereist
from ..extensions import db
from ..models import GemeenteRij, RegioRij, TeamRij, User
from ..services.accounts import (
    EENMALIG_GELDIG,
    GebruikerFout,
    maak_gebruiker,
    stel_eenmalig_wachtwoord_in,
)

bp = Blueprint("gebruikers", __name__, url_prefix="/gebruikers")

ROL_LABELS = {"gemeente": "Gemeente", "regio": "Regio (regionaal bureau)",
              "team": "Team (coördinator van een gedeeld team)", "beheerder": "Beheerder"}


class NieuweGebruikerForm(FlaskForm):
    email = EmailField("E-mailadres", render_kw={"autocomplete": "off"})
    # Rendered as a <select> in the template and checked by maak_gebruiker (no SelectField:
    # its tuple choices are deprecated in WTForms 3.3, SelectChoice is missing before 3.3).
    role = StringField("Rol", default="gemeente")
    # Pickers (<select> in the template, from the gemeente and regio tables); maak_gebruiker
    # checks server-side that the chosen code exists.
    gemeente = StringField("Gemeente (bij rol gemeente)")
    regio = StringField("Regio (bij rol regio)")
    team = StringField("Team (bij rol team)")
    submit = SubmitField("Account aanmaken")


class ActiefForm(FlaskForm):
    pass


def _pagina(form: NieuweGebruikerForm, fout: str | None = None, nieuw: tuple | None = None,
            status: int = 200):
    users = list(db.session.scalars(select(User).order_by(User.role, User.email)))
    gemeenten = list(db.session.scalars(select(GemeenteRij).order_by(GemeenteRij.naam)))
    regios = list(db.session.scalars(select(RegioRij).order_by(RegioRij.code)))
    teams = list(db.session.scalars(select(TeamRij).order_by(TeamRij.naam, TeamRij.functie)))
    return render_template("gebruikers/lijst.html", users=users, form=form, fout=fout,
                           nieuw=nieuw, actief_form=ActiefForm(), rollen=ROL_LABELS,
                           gemeenten=gemeenten, regios=regios, teams=teams), status


@bp.route("", methods=["GET", "POST"])
@rol_vereist("beheerder")
def lijst():
    form = NieuweGebruikerForm()
    if g.get("csrf_verlopen"):
        return _pagina(form, "Het formulier was verlopen. Controleer de gegevens en probeer het "
                             "opnieuw.", status=400)
    if not form.validate_on_submit():
        return _pagina(form)
    wachtwoord = secrets.token_urlsafe(15)
    try:
        user = maak_gebruiker(form.email.data, form.role.data, wachtwoord, form.gemeente.data,
                              form.regio.data, form.team.data)
    except GebruikerFout as fout:
        return _pagina(form, str(fout)[:1].upper() + str(fout)[1:], status=422)
    db.session.commit()
    # Shown once on this response; never stored in the session or a flash message.
    return _pagina(NieuweGebruikerForm(formdata=None), nieuw=(user.email, wachtwoord))


@bp.route("/<id:user_id>/actief", methods=["POST"])
@rol_vereist("beheerder")
def wissel_actief(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not ActiefForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("U kunt uw eigen account niet blokkeren.", "fout")
    else:
        user.active = not user.active
        if not user.active:
            # End every session now: unblocking later must not revive an old cookie.
            user.vernieuw_sessietoken()
        db.session.commit()
        flash(f"Account {user.email} is {'weer actief' if user.active else 'geblokkeerd'}.",
              "succes")
    return redirect(url_for("gebruikers.lijst"))


class WachtwoordResetForm(FlaskForm):
    """Only the CSRF token: the button carries no other data."""


@bp.route("/<id:user_id>/wachtwoord", methods=["POST"])
@rol_vereist("beheerder")
def wachtwoord_opnieuw(user_id: int):
    """A one-time password for the account, shown once on this response (never stored in plain
    text, logged or flashed); the account's sessions end and it must choose a new password."""
    user = db.session.get(User, user_id) or abort(404)
    if not WachtwoordResetForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("Uw eigen wachtwoord wijzigt u via 'Wachtwoord wijzigen'.", "fout")
        return redirect(url_for("gebruikers.lijst"))
    wachtwoord = stel_eenmalig_wachtwoord_in(user)
    db.session.commit()
    return render_template("gebruikers/wachtwoord.html", user=user, wachtwoord=wachtwoord,
                           geldig_uren=int(EENMALIG_GELDIG.total_seconds() // 3600))
