"""Login, logout, rate limit, and CSRF protection with CSRF switched on."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InvoerRij, LoginAttempt, User

from .conftest import EIGEN, JAAR, WACHTWOORD

PAD = f"/gemeente/{EIGEN}/{JAAR}"


def test_login_and_logout(client, auth):
    assert client.get("/login").status_code == 200
    r = auth.login()
    assert r.status_code == 302 and r.headers["Location"] == "/"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    r = client.get("/")
    assert "Apeldoorn" in r.text and "gemeente@test.nl" in r.text
    assert client.get("/logout").status_code == 200  # GET only asks to confirm
    assert client.get("/").status_code == 200
    r = client.post("/logout")
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(("email", "password"), [
    ("gemeente@test.nl", "fout-wachtwoord"),
    ("onbekend@test.nl", WACHTWOORD),
    ("", ""),
])
def test_login_refused(client, auth, email, password):
    r = auth.login(email, password)
    assert r.status_code in (200, 401)
    assert "klopt niet" in r.text or "Vul uw" in r.text
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_log_in(client, auth, app, gebruikers):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == gebruikers["gemeente"]))
        user.active = False
        db.session.commit()
    r = auth.login()
    assert r.status_code == 401 and client.get("/").status_code == 302


def test_login_redirects_only_locally(client, auth):
    r = client.post("/login?next=/gemeente/0200/2026",
                    data={"email": "gemeente@test.nl", "password": WACHTWOORD})
    assert r.headers["Location"] == "/gemeente/0200/2026"
    client.post("/logout")
    for kwaad in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        r = client.post(f"/login?next={kwaad}",
                        data={"email": "gemeente@test.nl", "password": WACHTWOORD})
        assert r.headers["Location"] == "/", kwaad
        client.post("/logout")


def test_login_rate_limit_per_email(client, auth, app):
    for _ in range(5):
        assert auth.login(password="fout-wachtwoord").status_code == 401
    r = auth.login()  # even the right password is refused now
    assert r.status_code == 429
    assert "Te veel mislukte inlogpogingen" in r.text
    assert client.get("/").status_code == 302
    assert auth.login("beheerder@test.nl").status_code == 302  # other accounts still work
    with app.app_context():
        pogingen = list(db.session.scalars(select(LoginAttempt)))
        assert sum(not p.success for p in pogingen) == 5
        # the window is 15 minutes: age the failures and the account works again
        for p in pogingen:
            p.ts = p.ts.replace(year=p.ts.year - 1)
        db.session.commit()
    client.post("/logout")
    assert auth.login().status_code == 302


@pytest.mark.slow  # seconds; make test-snel leaves it out
def test_failures_from_a_shared_address_do_not_lock_out_a_correct_password(client, auth):
    """Issue 12, point 12: 20 failures for any e-mail locked the whole address (a NAT) out."""
    for i in range(25):
        assert auth.login(f"iemand{i}@test.nl", "fout-wachtwoord").status_code == 401
    r = auth.login("iemand0@test.nl", "fout-wachtwoord")  # the sprayer is held back
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert auth.login().status_code == 302  # a colleague behind the same address gets in


def _veroudering(app, seconden: float) -> None:
    """Move every login attempt ``seconden`` into the past (instead of waiting)."""
    with app.app_context():
        for p in db.session.scalars(select(LoginAttempt)):
            p.ts -= timedelta(seconds=seconden)
        db.session.commit()


def test_the_wait_doubles_with_every_further_failure(client, auth, app):
    for _ in range(5):
        assert auth.login(password="fout-wachtwoord").status_code == 401
    r = auth.login(password="fout-wachtwoord")
    assert r.status_code == 429 and 25 < int(r.headers["Retry-After"]) <= 30
    assert "Probeer het over 30 seconden opnieuw" in r.text
    _veroudering(app, 31)
    assert auth.login(password="fout-wachtwoord").status_code == 401  # the 6th may be tried
    r = auth.login()
    assert r.status_code == 429 and 55 < int(r.headers["Retry-After"]) <= 60
    _veroudering(app, 61)
    assert auth.login().status_code == 302


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_csrf_on(csrf_app):
    client = csrf_app.test_client()
    # login without a token: the friendly page, the e-mail address kept, not logged in
    r = client.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD})
    assert r.status_code == 400 and "formulier was verlopen" in r.text
    assert 'value="gemeente@test.nl"' in r.text
    assert client.get("/").status_code == 302
    token = _token(client.get("/login").text)
    r = client.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD,
                                    "csrf_token": token})
    assert r.status_code == 302
    # the invoer form: without a token nothing is saved and the values are kept
    token = _token(client.get(PAD).text)
    data = {"version": "0", "leerplichtigen": "12.345", "scholen": "12", "concept": "1"}
    r = client.post(PAD, data=data)
    assert r.status_code == 400
    assert "Het formulier was verlopen" in r.text and "sla opnieuw op" in r.text
    assert 'value="12.345"' in r.text and 'value="12"' in r.text
    new_token = _token(r.text)
    with csrf_app.app_context():
        assert db.session.scalar(select(InvoerRij)) is None
    r = client.post(PAD, data=data | {"csrf_token": "kapot"})
    assert r.status_code == 400
    r = client.post(PAD, data=data | {"csrf_token": new_token})
    assert r.status_code == 302
    with csrf_app.app_context():
        assert db.session.scalar(select(InvoerRij)).waarden == {"leerplichtigen": 12345.0,
                                                              "scholen": 12.0}
    # other routes: still protected, with the friendly page
    r = client.post("/logout")
    assert r.status_code == 400 and "verlopen" in r.text
    assert client.get("/").status_code == 200  # still logged in


def test_csrf_error_still_checks_access(csrf_app):
    """The expired-form page re-runs the view, so it cannot show another gemeente's form."""
    client = csrf_app.test_client()
    token = _token(client.get("/login").text)
    client.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD,
                                "csrf_token": token})
    r = client.post(f"/gemeente/0344/{JAAR}", data={"leerplichtigen": "1"})
    assert r.status_code == 404


def _sessiecookie(client) -> str:
    return client.get_cookie("session").value


def test_logout_ends_a_copied_session_cookie(client, auth, app):
    """The cookie holds a session token that logout replaces: a copy of it is refused."""
    assert auth.login().status_code == 302
    kopie = _sessiecookie(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "gemeente@test.nl"))
        assert str(user.id) != user.session_token and len(user.session_token) >= 40
    assert client.post("/logout").status_code == 302
    client.set_cookie("session", kopie)  # replay the cookie from before the logout
    r = client.get(PAD)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    # logging in again works (and gets the new token)
    assert auth.login().status_code == 302 and client.get(PAD).status_code == 200


def test_password_change_ends_existing_sessions(client, auth, app, runner):
    assert auth.login().status_code == 302
    assert client.get(PAD).status_code == 200
    uit = runner.invoke(args=["users", "password", "gemeente@test.nl", "--password-stdin"],
                        input="een-ander-lang-wachtwoord\n")
    assert uit.exit_code == 0 and "bestaande sessies zijn beëindigd" in uit.output
    r = client.get(PAD)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert auth.login(password="een-ander-lang-wachtwoord").status_code == 302
    assert client.get(PAD).status_code == 200


def test_session_with_a_bare_user_id_is_refused(client, app):
    """Old-style sessions (the user id) and unknown tokens log nobody in."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "beheerder@test.nl"))
        user_id = str(user.id)
    for waarde in (user_id, "onbekend-token", "x" * 500):
        with client.session_transaction() as sessie:
            sessie["_user_id"] = waarde
            sessie["_fresh"] = True
        r = client.get("/")
        assert r.status_code == 302 and r.headers["Location"].startswith("/login"), waarde


def test_inactive_user_session_is_refused(client, auth, app, gebruikers):
    auth.als("gemeente")
    assert client.get(PAD).status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == gebruikers["gemeente"]))
        user.active = False
        db.session.commit()
    assert client.get(PAD).status_code == 302


def test_migration_gives_existing_users_a_token(lege_database, tmp_path):
    from sqlalchemy import text

    from app import create_app

    from .conftest import maak_config

    app = create_app(maak_config(lege_database.url), instance_path=str(tmp_path / "i"))
    runner = app.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", "11c29009608c"]).exit_code == 0
        with app.app_context():
            for i in range(2):
                db.session.execute(text(
                    "INSERT INTO users (email, password_hash, role, active, created_at) "
                    "VALUES (:e, 'x', 'beheerder', :a, :t)"),
                    {"e": f"b{i}@test.nl", "a": True, "t": "2026-01-01 00:00:00"})
            db.session.commit()
        uit = runner.invoke(args=["db", "upgrade"])
        assert uit.exit_code == 0, uit.output
        with app.app_context():
            tokens = list(db.session.scalars(select(User.session_token)))
            assert len(set(tokens)) == 2 and all(len(t) >= 40 for t in tokens)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# ----- issue 19: nobody can lock another's account out; plain HTTP explains itself -----------

@pytest.fixture
def proxy_app(request, database, tmp_path):
    """The app behind one trusted proxy (PROXY_COUNT=1, the proxy on 127.0.0.1)."""
    from .conftest import _app_met_gebruikers

    app = _app_met_gebruikers(request, database, tmp_path, PROXY_COUNT=1)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _login_van(client, peer: str, email="gemeente@test.nl", password=WACHTWOORD, xff=None):
    headers = {"X-Forwarded-For": xff} if xff else {}
    return client.post("/login", data={"email": email, "password": password}, headers=headers,
                       environ_base={"REMOTE_ADDR": peer})


def test_x_forwarded_for_is_believed_only_from_the_proxy(proxy_app):
    client = proxy_app.test_client()
    _login_van(client, "127.0.0.1", password="fout", xff="198.51.100.1")
    _login_van(client, "203.0.113.5", password="fout", xff="198.51.100.2")
    with proxy_app.app_context():
        assert sorted(db.session.scalars(select(LoginAttempt.ip))) == [
            "198.51.100.1", "203.0.113.5"]


def test_wrong_passwords_from_spoofed_addresses_do_not_lock_out_the_account(proxy_app):
    """Issue 19: ten wrong passwords with made-up X-Forwarded-For addresses, sent straight to
    gunicorn, locked the account for everyone (up to 15 minutes)."""
    eigen = proxy_app.test_client()
    assert _login_van(eigen, "198.51.100.7").status_code == 302  # her usual address
    eigen.post("/logout", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    aanvaller = proxy_app.test_client()
    for i in range(15):
        r = _login_van(aanvaller, "203.0.113.66", password="fout", xff=f"10.0.{i}.1")
        assert r.status_code in (401, 429)
    assert r.status_code == 429  # the guesser's own address is held back
    assert _login_van(eigen, "198.51.100.7").status_code == 302


def test_a_guess_spread_over_many_addresses_waits_only_briefly(client, auth, app):
    """The account-wide back-off (a guess from many real addresses) is at most 10 seconds, and
    none for an address the account logged in from before."""
    from app.views.auth import KORT

    assert _login_van(client, "198.51.100.7").status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    for i in range(30):
        _login_van(app.test_client(), f"203.0.113.{i}", password="fout")
    r = _login_van(app.test_client(), "192.0.2.1")  # a new address, the right password
    assert r.status_code in (302, 429)
    if r.status_code == 429:
        assert int(r.headers["Retry-After"]) <= KORT.total_seconds()
    assert _login_van(client, "198.51.100.7").status_code == 302


@pytest.fixture
def https_app(request, database, tmp_path):
    """The production cookie setting: SESSION_COOKIE_SECURE on, CSRF on."""
    from .conftest import _app_met_gebruikers

    app = _app_met_gebruikers(request, database, tmp_path, SESSION_COOKIE_SECURE=True,
                              WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_login_over_plain_http_with_secure_cookies_explains_itself(https_app):
    """Issue 18, point 7: over http:// the browser drops the Secure cookie, and every login
    ended in "Het formulier was verlopen"."""
    client = https_app.test_client()
    r = client.get("/login")
    assert r.status_code == 200 and "SESSION_COOKIE_SECURE" in r.text and "https://" in r.text
    r = client.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD})
    assert r.status_code == 400
    assert "sessiecookie is ingesteld als Secure" in r.text
    assert "formulier was verlopen" not in r.text
    r = client.get("/login", base_url="https://localhost")
    assert "SESSION_COOKIE_SECURE" not in r.text
