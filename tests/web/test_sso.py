"""Single sign-on with OpenID Connect (app/views/sso.py), over real HTTP.

Against the real npm oidc-provider (fixture ``sso``): the journey, an unknown, unverified or
blocked e-mail address, a replayed state, an issuer that does not match discovery. Against a
provider that forges what a real one never would (fixture ``nep_sso``): ID tokens with another
key, no signature, an old expiry, another issuer, audience or nonce, and no ID token at all.
Each failure shows a clear Dutch message on the login page and leaves no session.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from app.extensions import db
from app.models import User, utcnow
from app.services.accounts import maak_gebruiker
from app.views import sso as sso_module

from .conftest import WACHTWOORD

#: A provider process (node or a thread) and a freshly migrated database per test.
traag = pytest.mark.slow


def _niet_ingelogd(s: requests.Session, url: str) -> bool:
    r = s.get(url + "/", allow_redirects=False, timeout=30)
    return r.status_code == 302 and "/login" in r.headers["Location"]


def _melding(r: requests.Response, tekst: str) -> bool:
    """The answer is the login page with ``tekst`` as an alert."""
    return (urlsplit(r.url).path == "/login" and 'role="alert"' in r.text
            and tekst.replace("'", "&#39;") in r.text)


def _blokkeer(app, email: str) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).active = False
        db.session.commit()


# ----- not configured --------------------------------------------------------------------------

def test_without_configuration_there_is_no_button_and_the_routes_are_404(client):
    r = client.get("/login")
    assert r.status_code == 200 and "organisatie-account" not in r.text
    assert client.get("/sso/login").status_code == 404
    assert client.get("/sso/callback?code=x&state=y").status_code == 404


def test_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    from app import create_app

    monkeypatch.setenv("OIDC_ISSUER", "https://login.example.nl")
    monkeypatch.setenv("OIDC_CLIENT_ID", "formatietool")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "geheim")
    monkeypatch.setenv("OIDC_REDIRECT_URI", "https://formatie.example.nl/sso/callback")
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"},
                     instance_path=str(tmp_path / "instance"))
    assert sso_module.ingesteld(app.config)
    assert app.config["OIDC_ISSUER"] == "https://login.example.nl"
    monkeypatch.delenv("OIDC_CLIENT_SECRET")
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"},
                     instance_path=str(tmp_path / "instance"))
    assert not sso_module.ingesteld(app.config)


# ----- the real provider -----------------------------------------------------------------------

@traag
def test_a_verified_e_mail_of_an_existing_account_logs_in(sso):
    from oidc.servers import log_in_bij_provider

    s = requests.Session()
    assert "Inloggen met uw organisatie-account" in s.get(sso.url + "/login").text
    r = log_in_bij_provider(s, sso.url, "gemeente@test.nl")
    assert r.status_code == 200 and urlsplit(r.url).path == "/", r.text[:500]
    assert any("/sso/callback?" in h.url for h in r.history)
    assert "gemeente@test.nl" in r.text  # the logout button names the account
    assert not _niet_ingelogd(s, sso.url)
    # The same session mechanism as a password login: logging out ends it everywhere.
    kopie = requests.Session()
    kopie.cookies.update(s.cookies)
    with sso.app.app_context():
        db.session.scalar(select(User).where(User.email == "gemeente@test.nl")
                          ).vernieuw_sessietoken()
        db.session.commit()
    assert _niet_ingelogd(kopie, sso.url)


@traag
def test_the_authorization_request_has_pkce_state_and_nonce(sso):
    r = requests.get(sso.url + "/sso/login", allow_redirects=False, timeout=30)
    assert r.status_code == 302
    doel = urlsplit(r.headers["Location"])
    query = parse_qs(doel.query)
    assert f"{doel.scheme}://{doel.netloc}" == sso.provider.issuer
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert "openid" in query["scope"][0].split() and "email" in query["scope"][0].split()
    for naam in ("state", "nonce", "code_challenge"):
        assert len(query[naam][0]) >= 20, naam


@pytest.mark.parametrize(("login", "melding"), [
    ("onbekend@elders.nl", "Er is in de formatietool geen account voor onbekend@elders.nl."),
    ("onbevestigd@test.nl", "Uw organisatie heeft niet bevestigd dat het e-mailadres"),
])
@traag
def test_an_unknown_or_unverified_e_mail_gets_a_message_and_no_session(sso, login, melding):
    from oidc.servers import log_in_bij_provider

    s = requests.Session()
    r = log_in_bij_provider(s, sso.url, login)
    assert _melding(r, melding), r.text[:2000]
    assert "U bent niet ingelogd" in r.text
    assert _niet_ingelogd(s, sso.url)


@traag
def test_a_blocked_account_gets_a_message_and_no_session(sso):
    from oidc.servers import log_in_bij_provider

    _blokkeer(sso.app, "gemeente@test.nl")
    s = requests.Session()
    r = log_in_bij_provider(s, sso.url, "gemeente@test.nl")
    assert _melding(r, "Het account gemeente@test.nl is geblokkeerd."), r.text[:2000]
    assert _niet_ingelogd(s, sso.url)


@traag
def test_a_replayed_state_gets_a_message_and_no_session(sso):
    from oidc.servers import log_in_bij_provider

    s = requests.Session()
    r = log_in_bij_provider(s, sso.url, "gemeente@test.nl")
    terug = next(h.url for h in r.history if "/sso/callback?" in h.url)
    # Another browser that started its own attempt (login CSRF) …
    ander = requests.Session()
    assert ander.get(sso.url + "/sso/login", allow_redirects=False).status_code == 302
    r = ander.get(terug, timeout=30)
    assert _melding(r, sso_module.VERLOPEN), r.text[:2000]
    assert _niet_ingelogd(ander, sso.url)
    # … and the same browser once more: the state was used up.
    r = s.get(terug, timeout=30)
    assert _melding(r, sso_module.VERLOPEN), r.text[:2000]
    assert _niet_ingelogd(s, sso.url)


@traag
def test_an_issuer_other_than_discovery_says_is_refused(sso):
    sso.app.config["OIDC_ISSUER"] = sso.provider.issuer + "/"  # the same server, not the issuer
    s = requests.Session()
    r = s.get(sso.url + "/sso/login", timeout=30)
    assert _melding(r, sso_module.NIET_BESCHIKBAAR), r.text[:2000]
    assert _niet_ingelogd(s, sso.url)


@traag
def test_a_cancelled_login_at_the_provider_gets_a_message(sso):
    s = requests.Session()
    r = s.get(sso.url + "/sso/login", allow_redirects=False, timeout=30)
    state = parse_qs(urlsplit(r.headers["Location"]).query)["state"][0]
    r = s.get(sso.url + f"/sso/callback?error=access_denied&state={state}", timeout=30)
    assert _melding(r, sso_module.AFGEBROKEN), r.text[:2000]
    assert _niet_ingelogd(s, sso.url)


@traag
def test_password_login_still_works_next_to_sso(sso):
    s = requests.Session()
    from load.server import csrf_token

    token = csrf_token(s.get(sso.url + "/login").text)
    r = s.post(sso.url + "/login", data={"email": "regio@test.nl", "password": WACHTWOORD,
                                         "csrf_token": token}, allow_redirects=False)
    assert r.status_code == 302 and not _niet_ingelogd(s, sso.url)


# ----- forged answers --------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _begin(nep_sso) -> tuple[requests.Session, dict]:
    """Start a login; the authorization request's parameters (state, nonce, …)."""
    s = requests.Session()
    r = s.get(nep_sso.url + "/sso/login", allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text[:500]
    doel = urlsplit(r.headers["Location"])
    assert doel.path == "/auth"
    return s, {k: v[0] for k, v in parse_qs(doel.query).items()}


def _claims(nep_sso, nonce_: str, /, **anders) -> dict:
    nu = int(time.time())
    claims = {"iss": nep_sso.provider.issuer, "sub": "persoon-1",
              "aud": nep_sso.app.config["OIDC_CLIENT_ID"], "iat": nu, "exp": nu + 300,
              "nonce": nonce_, "email": "gemeente@test.nl", "email_verified": True}
    claims.update(anders)
    return {k: v for k, v in claims.items() if v is not None}


def _terug(s, nep_sso, query: dict) -> requests.Response:
    return s.get(nep_sso.url + "/sso/callback",
                 params={"code": "code-1", "state": query["state"]}, timeout=30)


@traag
def test_a_correctly_signed_token_logs_in_and_the_code_verifier_matches(nep_sso, sso_sleutels):
    from oidc.servers import id_token

    s, query = _begin(nep_sso)
    nep_sso.provider.antwoord = {"access_token": "a", "token_type": "Bearer",
                                 "id_token": id_token(sso_sleutels[0],
                                                      _claims(nep_sso, query["nonce"]))}
    r = _terug(s, nep_sso, query)
    assert urlsplit(r.url).path == "/" and not _niet_ingelogd(s, nep_sso.url), r.text[:1000]
    verzoek = nep_sso.provider.verzoeken[-1]
    assert verzoek["grant_type"] == "authorization_code" and verzoek["code"] == "code-1"
    assert verzoek["redirect_uri"] == nep_sso.url + "/sso/callback"
    uitdaging = _b64(hashlib.sha256(verzoek["code_verifier"].encode()).digest())
    assert uitdaging == query["code_challenge"]


def _zonder_handtekening(claims: dict, sleutels, id_token) -> str:
    kop = _b64(json.dumps({"alg": "none", "kid": "sleutel-1"}).encode())
    return f"{kop}.{_b64(json.dumps(claims).encode())}."


def _andere_inhoud(claims: dict, sleutels, id_token) -> str:
    """A genuine signature over the payload for gemeente@, with the beheerder's e-mail pasted in."""
    kop, _, handtekening = id_token(sleutels[0], claims).split(".")
    inhoud = _b64(json.dumps({**claims, "email": "beheerder@test.nl"}).encode())
    return f"{kop}.{inhoud}.{handtekening}"


VERVALSINGEN = {
    "another key": lambda claims, sleutels, id_token: id_token(sleutels[1], claims),
    "no signature": _zonder_handtekening,
    "a changed payload": _andere_inhoud,
}


@traag
@pytest.mark.parametrize("vervalsing", VERVALSINGEN)
def test_a_forged_token_gets_a_message_and_no_session(nep_sso, sso_sleutels, vervalsing):
    from oidc.servers import id_token

    s, query = _begin(nep_sso)
    token = VERVALSINGEN[vervalsing](_claims(nep_sso, query["nonce"]), sso_sleutels, id_token)
    nep_sso.provider.antwoord = {"access_token": "a", "token_type": "Bearer", "id_token": token}
    r = _terug(s, nep_sso, query)
    assert _melding(r, sso_module.ONGELDIG), r.text[:2000]
    assert _niet_ingelogd(s, nep_sso.url)


@traag
@pytest.mark.parametrize("fout", ["expired", "wrong issuer", "wrong audience", "wrong nonce",
                                  "no expiry", "no id token"])
def test_a_token_with_wrong_claims_gets_a_message_and_no_session(nep_sso, sso_sleutels, fout):
    from oidc.servers import id_token

    s, query = _begin(nep_sso)
    nu = int(time.time())
    anders = {"expired": {"iat": nu - 7200, "exp": nu - 3600},
              "wrong issuer": {"iss": "https://login.elders.example"},
              "wrong audience": {"aud": "een-andere-client"},
              "wrong nonce": {"nonce": "een-andere-nonce"},
              "no expiry": {"exp": None}}.get(fout, {})
    antwoord = {"access_token": "a", "token_type": "Bearer",
                "id_token": id_token(sso_sleutels[0], _claims(nep_sso, query["nonce"], **anders))}
    if fout == "no id token":
        del antwoord["id_token"]
    nep_sso.provider.antwoord = antwoord
    r = _terug(s, nep_sso, query)
    assert _melding(r, sso_module.ONGELDIG), r.text[:2000]
    assert _niet_ingelogd(s, nep_sso.url)


@traag
def test_an_error_from_the_token_endpoint_gets_a_message(nep_sso):
    s, query = _begin(nep_sso)
    nep_sso.provider.antwoord = {"error": "invalid_grant",
                                 "error_description": "code already used"}
    r = _terug(s, nep_sso, query)
    assert _melding(r, sso_module.ONGELDIG), r.text[:2000]
    assert _niet_ingelogd(s, nep_sso.url)


# ----- issue 19: single sign-on, hardened ------------------------------------------------------

def _gebruiker(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


@traag
def test_a_state_works_once_even_when_the_pre_callback_cookie_is_replayed(sso):
    """Issue 19: with the browser's cookie from before the callback, the same state and nonce
    accepted a second code, even for another account."""
    from oidc.servers import log_in_bij_provider

    s = requests.Session()
    r = s.get(sso.url + "/sso/login", allow_redirects=False, timeout=30)
    naar_provider = r.headers["Location"]
    voor_de_callback = s.cookies.copy()  # the app's session cookie with the attempt in it
    r = log_in_bij_provider(s, sso.url, "gemeente@test.nl", start=naar_provider)
    assert urlsplit(r.url).path == "/" and not _niet_ingelogd(s, sso.url)
    # The attacker replays the cookie and has the provider answer the same state for another
    # (existing) account.
    aanvaller = requests.Session()
    aanvaller.cookies.update(voor_de_callback)
    r = log_in_bij_provider(aanvaller, sso.url, "regio@test.nl", start=naar_provider)
    assert _melding(r, sso_module.VERLOPEN), r.text[:2000]
    assert _niet_ingelogd(aanvaller, sso.url)


@traag
def test_the_attempts_data_stays_on_the_server_and_expires(nep_sso):
    from app.models import SsoPoging

    s, query = _begin(nep_sso)
    koekje = s.cookies.get("session") or ""
    with nep_sso.app.app_context():
        [poging] = db.session.scalars(select(SsoPoging))
        assert query["state"] in poging.sleutel and query["nonce"] in poging.waarde
        assert poging.verloopt_op <= utcnow() + sso_module.POGING_GELDIG
        poging.verloopt_op = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert query["nonce"] not in koekje
    r = _terug(s, nep_sso, query)
    assert _melding(r, sso_module.VERLOPEN), r.text[:2000]


@traag
def test_the_redirect_uri_comes_from_the_configuration_not_the_host_header(nep_sso):
    r = requests.get(nep_sso.url + "/sso/login", allow_redirects=False, timeout=30,
                     headers={"Host": "aanvaller.example", "X-Forwarded-Host": "aanvaller.example",
                              "X-Forwarded-Proto": "https"})
    assert r.status_code == 302
    doel = parse_qs(urlsplit(r.headers["Location"]).query)
    assert doel["redirect_uri"] == [nep_sso.url + "/sso/callback"]


def _wachtwoord_login(live, email: str) -> requests.Response:
    from load.server import csrf_token

    s = requests.Session()
    token = csrf_token(s.get(live.url + "/login", timeout=30).text)
    return s.post(live.url + "/login", data={"email": email, "password": WACHTWOORD,
                                             "csrf_token": token}, allow_redirects=False)


def _sso_login(nep_sso, sso_sleutels, **claims) -> requests.Response:
    from oidc.servers import id_token

    s, query = _begin(nep_sso)
    nep_sso.provider.antwoord = {"access_token": "a", "token_type": "Bearer",
                                 "id_token": id_token(sso_sleutels[0],
                                                      _claims(nep_sso, query["nonce"], **claims))}
    r = _terug(s, nep_sso, query)
    r.sessie = s
    return r


@traag
def test_the_first_sign_on_links_iss_and_sub_and_another_person_is_refused(nep_sso,
                                                                          sso_sleutels):
    r = _sso_login(nep_sso, sso_sleutels, sub="persoon-1")
    assert urlsplit(r.url).path == "/" and not _niet_ingelogd(r.sessie, nep_sso.url)
    user = _gebruiker(nep_sso.app, "gemeente@test.nl")
    assert (user.oidc_issuer, user.oidc_subject) == (nep_sso.provider.issuer, "persoon-1")
    # another person at the provider with the same (verified) e-mail address
    r = _sso_login(nep_sso, sso_sleutels, sub="persoon-2")
    assert _melding(r, sso_module.ANDERE_PERSOON.format(email="gemeente@test.nl")), r.text[:2000]
    assert _niet_ingelogd(r.sessie, nep_sso.url)
    # the linked person gets in by iss + sub, whatever e-mail address the provider now says
    r = _sso_login(nep_sso, sso_sleutels, sub="persoon-1", email="nieuw@elders.nl")
    assert urlsplit(r.url).path == "/" and not _niet_ingelogd(r.sessie, nep_sso.url)


@traag
@pytest.mark.parametrize("email", ["GEMEENTE@Test.NL", " gemeente@test.nl"])
def test_an_e_mail_in_another_case_is_the_same_account(nep_sso, sso_sleutels, email):
    r = _sso_login(nep_sso, sso_sleutels, email=email)
    assert urlsplit(r.url).path == "/" and not _niet_ingelogd(r.sessie, nep_sso.url)


@traag
@pytest.mark.parametrize("email", ["\u212aees@test.nl", "ｇemeente@test.nl"])
def test_an_e_mail_with_look_alike_characters_is_refused(nep_sso, sso_sleutels, email):
    """Issue 19: a Kelvin sign (U+212A) lowercased to k and matched kees@…"""
    with nep_sso.app.app_context():
        maak_gebruiker("kees@test.nl", "regio", "een-lang-wachtwoord-voor-kees", regio="MC11")
        db.session.commit()
    r = _sso_login(nep_sso, sso_sleutels, email=email)
    assert _melding(r, sso_module.VREEMDE_TEKENS), r.text[:2000]
    assert _niet_ingelogd(r.sessie, nep_sso.url)
    assert _gebruiker(nep_sso.app, "kees@test.nl").oidc_subject is None


@traag
def test_a_beheerder_logs_in_with_a_password_only_by_default(nep_sso, sso_sleutels):
    r = _sso_login(nep_sso, sso_sleutels, email="beheerder@test.nl")
    assert _melding(r, sso_module.BEHEERDER_WACHTWOORD), r.text[:2000]
    assert _niet_ingelogd(r.sessie, nep_sso.url)
    assert _gebruiker(nep_sso.app, "beheerder@test.nl").oidc_subject is None
    assert _wachtwoord_login(nep_sso, "beheerder@test.nl").status_code == 302


@traag
@pytest.mark.parametrize("nep_sso", ["sso"], indirect=True)
def test_with_oidc_beheerder_sso_a_beheerder_logs_in_through_the_provider_only(nep_sso,
                                                                               sso_sleutels):
    r = _sso_login(nep_sso, sso_sleutels, email="beheerder@test.nl")
    assert urlsplit(r.url).path == "/" and not _niet_ingelogd(r.sessie, nep_sso.url)
    r = _wachtwoord_login(nep_sso, "beheerder@test.nl")
    assert r.status_code == 403 and "logt in met het organisatie-account" in r.text
    assert _wachtwoord_login(nep_sso, "gemeente@test.nl").status_code == 302  # others keep it


@traag
def test_a_beheerder_can_unlink_an_account_so_the_next_sign_on_links_again(nep_sso,
                                                                           sso_sleutels):
    assert urlsplit(_sso_login(nep_sso, sso_sleutels, sub="oud").url).path == "/"
    uit = nep_sso.app.test_cli_runner().invoke(args=["users", "unlink-sso", "Gemeente@test.nl"])
    assert uit.exit_code == 0 and "ontkoppeld" in uit.output
    assert _gebruiker(nep_sso.app, "gemeente@test.nl").oidc_subject is None
    assert urlsplit(_sso_login(nep_sso, sso_sleutels, sub="nieuw").url).path == "/"
    assert _gebruiker(nep_sso.app, "gemeente@test.nl").oidc_subject == "nieuw"
