"""Login and logout, with a login backoff kept in the database.

Failed attempts are counted per account and address, per account and per address (see
:class:`Drempel`); each group past its threshold makes the next attempt wait twice as long.
Nobody can use it to lock a given account out (issue 19: ten wrong passwords from spoofed
X-Forwarded-For addresses did): the long back-off (up to 15 minutes) is per account *and*
address, so it holds back only the guesser's own address; the account group, which counts a
guess spread over many addresses, waits at most :data:`KORT` (10 seconds) and never holds
back an address the account has logged in from before; the address group never holds back an
account that has not failed from that address, so many people behind one NAT address are not
locked out by others' failures. The address is the client's own only behind a trusted proxy:
``PROXY_COUNT`` proxies, believed only when the connection comes from ``PROXY_ADRESSEN``
(app.create_app), so X-Forwarded-For sent straight to gunicorn is ignored.

Why DB-backed and not Flask-Limiter: Flask-Limiter's default storage is in-process memory,
so with ``gunicorn -w 2`` (or more) every worker counts separately and an attacker gets N times
the attempts; a shared store would need Redis or memcached, which this deployment does not have.
The database is already shared by all workers, and the LoginAttempt rows double as a log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, or_, select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from ..config import beheerder_via_sso
from ..errors import foutpagina
from ..extensions import db
from ..models import LoginAttempt, User, utcnow
from ..services.accounts import email_sleutel, wachtwoord_verlopen

bp = Blueprint("auth", __name__)

VENSTER = timedelta(minutes=15)
BEWAAR = timedelta(days=30)
#: The longest wait the account group imposes: short, so an outsider cannot lock anyone out.
KORT = timedelta(seconds=10)


@dataclass(frozen=True)
class Drempel:
    """Login backoff for one group of failed attempts (within :data:`VENSTER`): from the
    ``vanaf``-th failure on, the next attempt must wait ``basis × 2^(failures − vanaf)`` after
    the last failure, at most ``maximum``."""

    naam: str
    vanaf: int
    basis: timedelta
    maximum: timedelta = VENSTER

    def wachttijd(self, mislukt: int) -> timedelta | None:
        if mislukt < self.vanaf:
            return None
        return min(self.basis * 2 ** min(mislukt - self.vanaf, 20), self.maximum)


#: One account from one address: someone guessing a password (counted since its last success).
ACCOUNT_ADRES = Drempel("account en adres", 5, timedelta(seconds=30))
#: One account from any address: a guess spread over many addresses (since its last success).
#: At most :data:`KORT`, and never for an address the account logged in from before.
ACCOUNT = Drempel("account", 10, timedelta(seconds=1), KORT)
#: One address, any account: spraying. It only holds back accounts that already failed from
#: that address, so a colleague behind the same NAT with the right password still gets in.
ADRES = Drempel("adres", 20, timedelta(seconds=1))

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


def _wachttijd(email: str, ip: str) -> timedelta | None:
    """How long this login attempt must wait (the longest backoff of the three groups), or
    None when it may go ahead."""
    nu = utcnow()
    sinds = nu - VENSTER
    laatste_succes = select(func.max(LoginAttempt.ts)).where(
        LoginAttempt.email == email, LoginAttempt.success.is_(True)).scalar_subquery()
    mislukt = select(func.count(), func.max(LoginAttempt.ts)).where(
        LoginAttempt.ts >= sinds, LoginAttempt.success.is_(False))
    na_succes = or_(laatste_succes.is_(None), LoginAttempt.ts > laatste_succes)
    tellingen = {
        ACCOUNT_ADRES: db.session.execute(mislukt.where(
            LoginAttempt.email == email, LoginAttempt.ip == ip, na_succes)).one(),
        ACCOUNT: db.session.execute(mislukt.where(LoginAttempt.email == email, na_succes)).one(),
        ADRES: db.session.execute(mislukt.where(LoginAttempt.ip == ip)).one(),
    }
    bekend_adres = db.session.scalar(select(LoginAttempt.id).where(
        LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.success.is_(True))
        .limit(1)) is not None
    langste = None
    for drempel, (aantal, laatste) in tellingen.items():
        if drempel is ADRES and tellingen[ACCOUNT_ADRES][0] == 0:
            continue
        if drempel is ACCOUNT and bekend_adres:
            continue
        wacht = drempel.wachttijd(aantal)
        if wacht is not None and laatste + wacht > nu:
            langste = max(langste or timedelta(0), laatste + wacht - nu)
    return langste


def _te_veel(wacht: timedelta):
    """429 with the wait in Dutch and a Retry-After header."""
    seconden = max(1, math.ceil(wacht.total_seconds()))
    tijd = (f"{seconden} seconden" if seconden < 120
            else f"{math.ceil(seconden / 60)} minuten")
    antwoord = make_response(foutpagina(429, (
        f"Te veel mislukte inlogpogingen. Probeer het over {tijd} opnieuw. Wachtwoord vergeten? "
        "Vraag de beheerder om een nieuw wachtwoord.")))
    antwoord.headers["Retry-After"] = str(seconden)
    return antwoord


def _registreer(email: str, ip: str, success: bool) -> None:
    db.session.add(LoginAttempt(email=email[:254], ip=ip[:45], success=success))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.ts < utcnow() - BEWAAR))
    db.session.commit()


#: Login over plain HTTP while the session cookie is Secure-only: the browser never sends it
#: back, so every form "expired" (issue 18, point 7).
SECURE_COOKIE_OVER_HTTP = (
    "Inloggen lukt zo niet: u opent de formatietool via http://, maar de sessiecookie is "
    "ingesteld als Secure (SESSION_COOKIE_SECURE) en uw browser stuurt hem alleen over "
    "https://. Open de tool via https://, of zet voor een proef op deze computer "
    "SESSION_COOKIE_SECURE=0 (make run doet dat). Zie docs/beheer.md, 'Cookies'.")


def cookie_niet_over_http() -> bool:
    """True when this request came over plain HTTP (as the app sees it, behind a trusted
    proxy its X-Forwarded-Proto) while the session cookie is Secure-only."""
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) and not request.is_secure


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
        flash(SECURE_COOKIE_OVER_HTTP if cookie_niet_over_http() else
              "Het formulier was verlopen. Vul uw wachtwoord opnieuw in.", "fout")
        form.password.data = ""
        return render_template("auth/login.html", form=form), 400
    if request.method == "GET" and cookie_niet_over_http():
        flash(SECURE_COOKIE_OVER_HTTP, "fout")
    if form.validate_on_submit():
        email = email_sleutel(form.email.data)
        ip = request.remote_addr or "onbekend"
        wacht = _wachttijd(email, ip)
        if wacht is not None:
            return _te_veel(wacht)
        user = db.session.scalar(select(User).where(User.email == email))
        goed = (user or _DUMMY).check_password(form.password.data) and user is not None
        if not goed or not user.active:
            _registreer(email, ip, False)
            form.password.errors.append("Het e-mailadres of wachtwoord klopt niet.")
            return render_template("auth/login.html", form=form), 401
        if wachtwoord_verlopen(user):
            _registreer(email, ip, False)
            form.password.errors.append(
                "Dit eenmalige wachtwoord is verlopen. Vraag de beheerder om een nieuw.")
            return render_template("auth/login.html", form=form), 401
        if user.role == "beheerder" and beheerder_via_sso(current_app.config):
            form.password.errors.append(
                "Een beheerder logt in met het organisatie-account, niet met een wachtwoord.")
            return render_template("auth/login.html", form=form), 403
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
