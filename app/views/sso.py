"""Single sign-on with OpenID Connect, next to passwords: ``/sso/login`` and ``/sso/callback``.

Configured by ``OIDC_ISSUER``, ``OIDC_CLIENT_ID``, ``OIDC_CLIENT_SECRET`` and
``OIDC_REDIRECT_URI`` (app.config); without all four the login page shows no button and both
routes answer 404. The redirect URI comes from that setting only, never from the request's Host
or X-Forwarded-Host headers.

The flow is the authorization code flow with PKCE (S256), ``state`` and ``nonce``. Their data
(state, nonce, code verifier, redirect URI) lives on the server, in ``sso_poging``, through
Authlib's cache interface (:class:`PogingCache`): the callback takes the row in one DELETE …
RETURNING, so a state works exactly once, also when the browser's pre-callback cookie is replayed
or two callbacks race; an attempt expires after :data:`POGING_GELDIG`. The provider's endpoints
and keys come from its discovery document (``<issuer>/.well-known/openid-configuration``), whose
``issuer`` must equal ``OIDC_ISSUER`` exactly (OpenID Connect Discovery §4.3). The ID token is
verified: signature against the provider's JWKS (only the algorithms it publishes), ``iss`` =
``OIDC_ISSUER``, ``aud`` contains ``OIDC_CLIENT_ID``, ``exp`` (two minutes' leeway for clock
skew) and ``nonce``.

Accounts must exist first (the beheerder creates them; role, gemeente and regio stay managed in
the tool). At an account's first single sign-on it is found by the ``email`` claim, only when
``email_verified`` is true, compared in the normal form of
:func:`app.services.accounts.email_sleutel` (NFKC, casefolded; a claim that NFKC would
change, such as a Kelvin sign for K, is refused), and
linked to the provider's ``iss`` + ``sub``. From then on the account is found by ``iss`` + ``sub``
only: another person with the same e-mail address at the provider is refused. Beheerder accounts
follow ``OIDC_BEHEERDER``: ``wachtwoord`` (default: a beheerder logs in with a password only, so a
compromised or misconfigured provider cannot hand out beheerder rights, and the tool stays
manageable when the provider is down) or ``sso`` (a beheerder logs in only through the provider,
with its multi-factor login; the password login refuses beheerders). Success gives the same
session as a password login (the cookie holds ``users.session_token``); every failure clears the
session and shows a Dutch message on the login page.

Why Authlib: it is a maintained, widely used OAuth/OpenID Connect client with a Flask integration
that already does discovery, PKCE, state and nonce bookkeeping and ID token validation (JWS via
joserfc); writing that by hand is where single sign-on usually goes wrong.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from sqlalchemy import delete, select

from ..config import BEHEERDER_KEUZES, beheerder_via_sso, ingesteld
from ..extensions import db
from ..models import SsoPoging, User, utcnow
from ..services.accounts import email_sleutel

bp = Blueprint("sso", __name__, url_prefix="/sso")

CLIENT = "oidc"
#: Authlib's registry on the app (``OAuth.init_app`` puts it there).
OAUTH_EXTENSIE = "authlib.integrations.flask_client"

NIET_BESCHIKBAAR = ("Inloggen met uw organisatie-account lukt nu niet: de inlogdienst van uw "
                    "organisatie antwoordt niet of is niet goed ingesteld. Probeer het later "
                    "opnieuw of log in met uw wachtwoord.")
AFGEBROKEN = "Inloggen bij uw organisatie is afgebroken. U bent niet ingelogd."
VERLOPEN = ("Deze inlogpoging is verlopen of al gebruikt. Klik opnieuw op 'Inloggen met uw "
            "organisatie-account'.")
ONGELDIG = ("Het bewijs van inloggen van uw organisatie is ongeldig of verlopen. U bent niet "
            "ingelogd. Probeer het opnieuw; lukt het weer niet, neem dan contact op met de "
            "beheerder.")
NIET_BEVESTIGD = ("Uw organisatie heeft niet bevestigd dat het e-mailadres van uw account klopt. "
                  "U bent niet ingelogd. Neem contact op met de IT-afdeling van uw organisatie.")
ONBEKEND = ("Er is in de formatietool geen account voor {email}. U bent niet ingelogd. Vraag de "
            "beheerder van de formatietool om een account voor dit e-mailadres.")
GEBLOKKEERD = ("Het account {email} is geblokkeerd. U bent niet ingelogd. Neem contact op met "
               "de beheerder van de formatietool.")
ANDERE_PERSOON = ("Het account {email} is al gekoppeld aan een andere persoon bij uw "
                  "organisatie. U bent niet ingelogd. Neem contact op met de beheerder van de "
                  "formatietool.")
VREEMDE_TEKENS = ("Het e-mailadres dat uw organisatie doorgeeft, bevat tekens die op andere "
                  "tekens lijken. U bent niet ingelogd. Neem contact op met de IT-afdeling van "
                  "uw organisatie.")
BEHEERDER_WACHTWOORD = ("Een beheerder logt in met het wachtwoord van de formatietool, niet met "
                        "het organisatie-account. U bent niet ingelogd.")

#: How long a sign-on attempt (state, nonce, code verifier) may take, from button to callback.
POGING_GELDIG = timedelta(minutes=10)


class PogingCache:
    """Authlib's cache interface (get/set/delete) on the ``sso_poging`` table, so a sign-on
    attempt's state data stays on the server. ``get`` *takes* the row (DELETE … RETURNING in
    one statement): a state is used at most once, whatever the browser sends back."""

    def get(self, sleutel: str) -> str | None:
        nu = utcnow()
        waarde = db.session.execute(
            delete(SsoPoging).where(SsoPoging.sleutel == sleutel, SsoPoging.verloopt_op > nu)
            .returning(SsoPoging.waarde)).scalar_one_or_none()
        db.session.execute(delete(SsoPoging).where(SsoPoging.verloopt_op <= nu))
        db.session.commit()
        return waarde

    def set(self, sleutel: str, waarde: str, expires_in: int) -> None:
        geldig = min(timedelta(seconds=expires_in), POGING_GELDIG)
        db.session.add(SsoPoging(sleutel=sleutel[:200], waarde=waarde,
                                 verloopt_op=utcnow() + geldig))
        db.session.commit()

    def delete(self, sleutel: str) -> None:
        db.session.execute(delete(SsoPoging).where(SsoPoging.sleutel == sleutel))
        db.session.commit()


class SsoFout(Exception):
    """A failed single sign-on; ``str()`` is the Dutch message for the login page."""


@bp.record_once
def _registreer_client(state) -> None:
    """Register the provider with Authlib once per app (metadata is fetched on first use)."""
    app = state.app
    if not ingesteld(app.config):
        return
    issuer = app.config["OIDC_ISSUER"]
    if (app.config.get("OIDC_BEHEERDER") or "wachtwoord") not in BEHEERDER_KEUZES:
        raise RuntimeError(f"OIDC_BEHEERDER moet een van {', '.join(BEHEERDER_KEUZES)} zijn "
                           f"(nu {app.config['OIDC_BEHEERDER']!r}).")
    OAuth(app, cache=PogingCache()).register(
        CLIENT,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email", "code_challenge_method": "S256",
                       "timeout": 10},
    )


@bp.app_context_processor
def _sso_knop() -> dict:
    return {"sso_aan": ingesteld(current_app.config)}


def _client() -> FlaskOAuth2App:
    """The configured provider's client, or 404 when single sign-on is off."""
    if not ingesteld(current_app.config):
        abort(404)
    return current_app.extensions[OAUTH_EXTENSIE].create_client(CLIENT)


def _controleer_metadata(client: FlaskOAuth2App) -> None:
    """Discovery: the published issuer must be the configured one."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as fout:
        raise SsoFout(NIET_BESCHIKBAAR) from fout
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        client.server_metadata = {}  # fetch again next time: it may be fixed meanwhile
        raise SsoFout(NIET_BESCHIKBAAR)


def _mislukt(bericht: str):
    session.clear()  # the state data and any earlier login go
    flash(bericht, "fout")
    return redirect(url_for("auth.login"))


@bp.route("/login")
def login():
    """Send the browser to the organisation's provider (a fresh state, nonce and PKCE pair)."""
    client = _client()
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    try:
        _controleer_metadata(client)
    except SsoFout as fout:
        return _mislukt(str(fout))
    # From the configuration only: a Host or X-Forwarded-Host header never steers the provider.
    return client.authorize_redirect(current_app.config["OIDC_REDIRECT_URI"])


def _geverifieerde_claims(client: FlaskOAuth2App) -> dict:
    """Exchange the code and verify the ID token; its claims, or SsoFout."""
    issuer = current_app.config["OIDC_ISSUER"]
    opties = {"iss": {"essential": True, "value": issuer},
              "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
              "exp": {"essential": True}}
    try:
        _controleer_metadata(client)
        token = client.authorize_access_token(claims_options=opties)
    except OAuthError as fout:
        if fout.error == "mismatching_state":
            raise SsoFout(VERLOPEN) from fout
        if fout.error == "access_denied":
            raise SsoFout(AFGEBROKEN) from fout
        raise SsoFout(ONGELDIG) from fout  # e.g. invalid_grant: a code used twice
    except JoseError as fout:
        raise SsoFout(ONGELDIG) from fout
    except (requests.RequestException, ValueError) as fout:
        raise SsoFout(NIET_BESCHIKBAAR) from fout
    claims = token.get("userinfo")
    if not claims:  # no ID token in the answer, so nothing was verified
        raise SsoFout(ONGELDIG)
    return dict(claims)


def _account(claims: dict) -> User:
    """The active account of the person in ``claims``, linked to its ``iss`` + ``sub`` (at the
    first sign-on, found by the verified e-mail address), or SsoFout."""
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not all(isinstance(x, str) and 0 < len(x) <= 255 for x in (issuer, subject)):
        raise SsoFout(ONGELDIG)
    user = db.session.scalar(select(User).where(User.oidc_issuer == issuer,
                                                User.oidc_subject == subject))
    if user is None:
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is not True:
            raise SsoFout(NIET_BEVESTIGD)
        email = email.strip()
        if unicodedata.normalize("NFKC", email) != email:  # a Kelvin sign for K, fullwidth …
            raise SsoFout(VREEMDE_TEKENS)
        user = db.session.scalar(select(User).where(User.email == email_sleutel(email)))
        if user is None:
            raise SsoFout(ONBEKEND.format(email=email[:254]))
        if user.oidc_subject is not None:  # linked to another person at the provider
            raise SsoFout(ANDERE_PERSOON.format(email=user.email))
    if not user.active:
        raise SsoFout(GEBLOKKEERD.format(email=user.email))
    if user.role == "beheerder" and not beheerder_via_sso(current_app.config):
        raise SsoFout(BEHEERDER_WACHTWOORD)
    if user.oidc_subject is None:
        user.oidc_issuer, user.oidc_subject = issuer, subject
        db.session.commit()
    return user


@bp.route("/callback")
def callback():
    """The provider sends the browser back here with ``code`` and ``state`` (or ``error``)."""
    client = _client()
    try:
        user = _account(_geverifieerde_claims(client))
    except SsoFout as fout:
        return _mislukt(str(fout))
    session.clear()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME, as a password login
    login_user(user)
    return redirect(url_for("main.index"))
