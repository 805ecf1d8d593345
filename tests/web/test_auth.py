"""Login, logout, rate limit, and CSRF protection with CSRF switched on."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Invoer, LoginAttempt, User

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


def test_login_rate_limit_per_ip(client, auth):
    for i in range(20):
        assert auth.login(f"iemand{i}@test.nl", "fout-wachtwoord").status_code == 401
    assert auth.login().status_code == 429


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
        assert db.session.scalar(select(Invoer)) is None
    r = client.post(PAD, data=data | {"csrf_token": "kapot"})
    assert r.status_code == 400
    r = client.post(PAD, data=data | {"csrf_token": new_token})
    assert r.status_code == 302
    with csrf_app.app_context():
        assert db.session.scalar(select(Invoer)).waarden == {"leerplichtigen": 12345.0,
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
