"""Login and logout, with a login rate limit kept in the database.

Why DB-backed and not Flask-Limiter: Flask-Limiter's default storage is in-process memory,
so with ``gunicorn -w 2`` (or more) every worker counts separately and an attacker gets N times
the attempts; a shared store would need Redis or memcached, which this deployment does not have.
The database is already shared by all workers, and the LoginAttempt rows double as a log.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from .extensions import db
from .models import LoginAttempt, User, utcnow

bp = Blueprint("auth", __name__)

VENSTER = timedelta(minutes=15)
MAX_PER_EMAIL = 5
MAX_PER_IP = 20
BEWAAR = timedelta(days=30)
TE_VEEL = ("Te veel mislukte inlogpogingen. Wacht 15 minuten en probeer het dan opnieuw. "
           "Wachtwoord vergeten? Vraag de beheerder om een nieuw wachtwoord.")
# Checked with a real hash so an unknown e-mail address takes as long as a wrong password.
_DUMMY = User(email="", role="beheerder")
_DUMMY.set_password("dummy-wachtwoord-voor-gelijke-rekentijd")


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[
        DataRequired("Vul uw e-mailadres in."),
        Length(max=254, message="Gebruik hoogstens 254 tekens.")],
        render_kw={"autocomplete": "username"})
    password = PasswordField("Wachtwoord", validators=[
        DataRequired("Vul uw wachtwoord in."),
        Length(max=200, message="Gebruik hoogstens 200 tekens.")],
        render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Inloggen")


def _te_veel_pogingen(email: str, ip: str) -> bool:
    sinds = utcnow() - VENSTER
    mislukt = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ts >= sinds, LoginAttempt.success.is_(False))
    per_email = db.session.scalar(mislukt.where(LoginAttempt.email == email))
    per_ip = db.session.scalar(mislukt.where(LoginAttempt.ip == ip))
    return per_email >= MAX_PER_EMAIL or per_ip >= MAX_PER_IP


def _registreer(email: str, ip: str, success: bool) -> None:
    db.session.add(LoginAttempt(email=email[:254], ip=ip[:45], success=success))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.ts < utcnow() - BEWAAR))
    db.session.commit()


def _veilige_next(doel: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if doel and doel.startswith("/") and not doel.startswith("//") and "\\" not in doel:
        delen = urlsplit(doel)
        if not delen.scheme and not delen.netloc:
            return doel
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if g.get("csrf_verlopen"):
        flash("Het formulier was verlopen. Vul uw wachtwoord opnieuw in.", "fout")
        form.password.data = ""
        return render_template("auth/login.html", form=form), 400
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        ip = request.remote_addr or "onbekend"
        if _te_veel_pogingen(email, ip):
            abort(429, TE_VEEL)
        user = db.session.scalar(select(User).where(User.email == email))
        goed = (user or _DUMMY).check_password(form.password.data) and user is not None
        if not goed or not user.active:
            _registreer(email, ip, False)
            form.password.errors.append("Het e-mailadres of wachtwoord klopt niet.")
            return render_template("auth/login.html", form=form), 401
        _registreer(email, ip, True)
        doel = _veilige_next(request.args.get("next"))
        session.clear()
        session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME (8 hours)
        login_user(user)
        return redirect(doel)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":  # logging out changes state: only by a (CSRF-checked) POST
        return render_template("auth/logout.html")
    if current_user.is_authenticated:  # a copied session cookie no longer works either
        current_user.vernieuw_sessietoken()
        db.session.commit()
    logout_user()
    session.clear()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
