"""``/wachtwoord``: a logged-in user changes their own password.

After a beheerder's reset (``users.moet_wachtwoord_wijzigen``) the change is forced: until it is
done every other page redirects here (logging out and static files excepted).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import Length

from ..extensions import db
from ..services.accounts import GebruikerFout, wijzig_wachtwoord

bp = Blueprint("wachtwoord", __name__)

#: Endpoints a user with a forced change may still reach.
VRIJ = {"wachtwoord.wijzigen", "auth.logout", "static", "health.health"}
TE_LANG = Length(max=200, message="Gebruik hoogstens 200 tekens.")


class WachtwoordForm(FlaskForm):
    huidig = PasswordField("Huidig wachtwoord", validators=[TE_LANG],
                           render_kw={"autocomplete": "current-password"})
    nieuw = PasswordField("Nieuw wachtwoord (minstens 12 tekens)", validators=[TE_LANG],
                          render_kw={"autocomplete": "new-password"})
    herhaling = PasswordField("Herhaal het nieuwe wachtwoord", validators=[TE_LANG],
                              render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Wachtwoord wijzigen")


@bp.before_app_request
def _gedwongen_wijziging():
    if (current_user.is_authenticated and current_user.moet_wachtwoord_wijzigen
            and request.endpoint not in VRIJ):
        return redirect(url_for("wachtwoord.wijzigen"))
    return None


def _pagina(form: WachtwoordForm, status: int = 200):
    return render_template("auth/wachtwoord.html", form=form,
                           gedwongen=current_user.moet_wachtwoord_wijzigen), status


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
def wijzigen():
    form = WachtwoordForm()
    if not form.validate_on_submit():
        return _pagina(form, 422 if form.is_submitted() else 200)
    user = current_user._get_current_object()
    try:
        wijzig_wachtwoord(user, form.huidig.data, form.nieuw.data, form.herhaling.data)
    except GebruikerFout as fout:
        getattr(form, fout.veld).errors = [str(fout)]
        return _pagina(form, 422)
    db.session.commit()
    # The new hash rotated the session token (other sessions ended); this one continues.
    session.clear()
    session.permanent = True
    login_user(user)
    flash("Uw wachtwoord is gewijzigd.", "succes")
    return redirect(url_for("main.index"))
