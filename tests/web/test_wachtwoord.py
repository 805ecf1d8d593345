"""``/wachtwoord``: a user's own password change, forced after a beheerder's reset
(app/views/wachtwoord.py, app/services/accounts.py, the reset route in app/views/gebruikers.py)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User, utcnow
from app.services.accounts import EENMALIG_GELDIG

from .conftest import EIGEN, JAAR, WACHTWOORD

EENMALIG_RE = re.compile(r'<code class="nl-code wachtwoord">([^<]+)</code>')
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
NIEUW = "mijn-eigen-nieuwe-wachtwoord"


def _user(app, email="gemeente@test.nl") -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _reset(app, email="gemeente@test.nl") -> str:
    """A beheerder resets ``email`` through the page; the one-time password shown."""
    beheerder = app.test_client()
    assert beheerder.post("/login", data={"email": "beheerder@test.nl",
                                          "password": WACHTWOORD}).status_code == 302
    r = beheerder.post(f"/gebruikers/{_user(app, email).id}/wachtwoord")
    assert r.status_code == 200, r.text[:300]
    assert "Het werkt 72 uur" in r.text
    return EENMALIG_RE.search(r.text).group(1)


def test_a_reset_ends_sessions_and_forces_a_new_password_at_the_next_login(app):
    oud = app.test_client()
    assert oud.post("/login", data={"email": "gemeente@test.nl",
                                    "password": WACHTWOORD}).status_code == 302
    assert oud.get(f"/gemeente/{EIGEN}/{JAAR}").status_code == 200
    token_voor = _user(app).session_token

    eenmalig = _reset(app)

    user = _user(app)
    assert user.moet_wachtwoord_wijzigen and user.session_token != token_voor
    assert eenmalig not in user.password_hash and user.check_password(eenmalig)
    assert oud.get(f"/gemeente/{EIGEN}/{JAAR}").status_code == 302  # the old session is gone
    nieuw = app.test_client()
    assert nieuw.post("/login", data={"email": "gemeente@test.nl",
                                      "password": WACHTWOORD}).status_code == 401
    assert nieuw.post("/login", data={"email": "gemeente@test.nl",
                                      "password": eenmalig}).status_code == 302
    for pad in ("/", f"/gemeente/{EIGEN}/{JAAR}", "/scenarios",
                f"/gemeente/{EIGEN}/{JAAR}/resultaat.json"):
        r = nieuw.get(pad)
        assert r.status_code == 302 and r.location.endswith("/wachtwoord"), pad
    r = nieuw.get("/wachtwoord")
    assert r.status_code == 200 and "eenmalig wachtwoord" in r.text

    r = nieuw.post("/wachtwoord", data={"huidig": eenmalig, "nieuw": NIEUW,
                                        "herhaling": NIEUW})
    assert r.status_code == 302
    assert nieuw.get(f"/gemeente/{EIGEN}/{JAAR}").status_code == 200  # this session goes on
    user = _user(app)
    assert not user.moet_wachtwoord_wijzigen
    assert user.check_password(NIEUW) and not user.check_password(eenmalig)
    derde = app.test_client()
    assert derde.post("/login", data={"email": "gemeente@test.nl",
                                      "password": eenmalig}).status_code == 401
    assert derde.post("/login", data={"email": "gemeente@test.nl",
                                      "password": NIEUW}).status_code == 302
    assert derde.get("/").status_code == 200


@pytest.mark.parametrize(("data", "veld", "melding"), [
    ({"huidig": "fout-wachtwoord", "nieuw": NIEUW, "herhaling": NIEUW}, "huidig",
     "Het huidige wachtwoord klopt niet."),
    ({"huidig": WACHTWOORD, "nieuw": "kort", "herhaling": "kort"}, "nieuw",
     "minstens 12 tekens"),
    ({"huidig": WACHTWOORD, "nieuw": NIEUW, "herhaling": NIEUW + "x"}, "herhaling",
     "niet gelijk"),
    ({"huidig": WACHTWOORD, "nieuw": WACHTWOORD, "herhaling": WACHTWOORD}, "nieuw",
     "ander wachtwoord"),
])
def test_a_wrong_change_is_refused_at_its_field_and_changes_nothing(client, auth, app, data,
                                                                    veld, melding):
    auth.login()
    token = _user(app).session_token
    r = client.post("/wachtwoord", data=data)
    assert r.status_code == 422
    assert re.search(rf'id="{veld}-fout"[^>]*>.*{re.escape(melding)}', r.text), r.text
    user = _user(app)
    assert user.check_password(WACHTWOORD) and user.session_token == token


def test_a_user_changes_their_own_password_and_other_sessions_end(client, auth, app):
    ander = app.test_client()
    ander.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD})
    auth.login()
    assert client.get("/wachtwoord").status_code == 200
    r = client.post("/wachtwoord", data={"huidig": WACHTWOORD, "nieuw": NIEUW,
                                         "herhaling": NIEUW})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    assert ander.get("/").status_code == 302
    assert _user(app).check_password(NIEUW)


def test_the_change_page_needs_a_login(client):
    assert client.get("/wachtwoord").status_code == 302
    assert client.post("/wachtwoord", data={"huidig": "x", "nieuw": NIEUW,
                                            "herhaling": NIEUW}).status_code == 302


def test_the_change_needs_a_csrf_token(csrf_app):
    client = csrf_app.test_client()
    r = client.get("/login")
    client.post("/login", data={"email": "gemeente@test.nl", "password": WACHTWOORD,
                                "csrf_token": CSRF_RE.search(r.text).group(1)})
    data = {"huidig": WACHTWOORD, "nieuw": NIEUW, "herhaling": NIEUW}
    assert client.post("/wachtwoord", data=data).status_code == 400
    assert client.post("/wachtwoord", data=data | {"csrf_token": "kapot"}).status_code == 400
    assert _user(csrf_app).check_password(WACHTWOORD)
    token = CSRF_RE.search(client.get("/wachtwoord").text).group(1)
    assert client.post("/wachtwoord", data=data | {"csrf_token": token}).status_code == 302
    assert _user(csrf_app).check_password(NIEUW)


def test_a_one_time_password_expires(app):
    """Issue 19: the one-time password of a reset never expired."""
    eenmalig = _reset(app)
    user = _user(app)
    assert utcnow() + EENMALIG_GELDIG - timedelta(minutes=1) < user.wachtwoord_verloopt_op
    with app.app_context():
        db.session.get(User, user.id).wachtwoord_verloopt_op = utcnow() - timedelta(seconds=1)
        db.session.commit()
    client = app.test_client()
    r = client.post("/login", data={"email": "gemeente@test.nl", "password": eenmalig})
    assert r.status_code == 401 and "eenmalige wachtwoord is verlopen" in r.text
    assert client.get("/").status_code == 302


def test_a_one_time_password_in_time_works_once_changed_it_no_longer_expires(app):
    eenmalig = _reset(app)
    client = app.test_client()
    assert client.post("/login", data={"email": "gemeente@test.nl",
                                       "password": eenmalig}).status_code == 302
    r = client.post("/wachtwoord", data={"huidig": eenmalig, "nieuw": NIEUW, "herhaling": NIEUW})
    assert r.status_code == 302
    assert _user(app).wachtwoord_verloopt_op is None
