"""The beheerder's account page; every other role gets 404."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import GemeenteRij, RegioRij, User
from app.services.accounts import GebruikerFout, maak_gebruiker

from .conftest import EIGEN, JAAR, AuthActions


@pytest.mark.parametrize("rol", ["gemeente", "regio", None])
def test_only_beheerder(client, auth, app, rol):
    auth.als(rol)
    verwacht = 404 if rol else 302
    assert client.get("/gebruikers").status_code == verwacht
    r = client.post("/gebruikers", data={"email": "x@y.nl", "role": "beheerder"})
    assert r.status_code == verwacht
    assert client.post("/gebruikers/1/actief").status_code == verwacht
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "x@y.nl")) is None
        assert db.session.get(User, 1).active


def test_create_and_block(client, auth, app):
    auth.als("beheerder")
    r = client.get("/gebruikers")
    assert r.status_code == 200 and "gemeente@test.nl" in r.text
    r = client.post("/gebruikers", data={"email": "Nieuw@Regio.nl", "role": "regio",
                                         "regio": "mc11", "gemeente": ""})
    assert r.status_code == 200
    wachtwoord = re.search(r'<code class="nl-code wachtwoord">([^<]+)</code>', r.text).group(1)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nieuw@regio.nl"))
        assert user.role == "regio" and user.regio_code == "MC11"
        assert user.check_password(wachtwoord)
        user_id = user.id
    r = client.post("/gebruikers", data={"email": "x@y.nl", "role": "gemeente",
                                         "gemeente": "9999"})
    assert r.status_code == 422 and "bestaande gemeentecode" in r.text
    r = client.post(f"/gebruikers/{user_id}/actief")
    assert r.status_code == 302
    with app.app_context():
        assert not db.session.get(User, user_id).active
    anders = app.test_client()
    r = anders.post("/login", data={"email": "nieuw@regio.nl", "password": wachtwoord})
    assert r.status_code == 401


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.mark.parametrize("rol", ["gemeente", "regio", None])
def test_only_a_beheerder_may_reset_a_password(client, auth, app, rol):
    auth.als(rol)
    doel = _id(app, "utrecht@test.nl")
    with app.app_context():
        voor = db.session.get(User, doel).password_hash
    r = client.post(f"/gebruikers/{doel}/wachtwoord")
    assert r.status_code == (404 if rol else 302)
    assert 'class="nl-code wachtwoord"' not in r.text
    with app.app_context():
        user = db.session.get(User, doel)
        assert user.password_hash == voor and not user.moet_wachtwoord_wijzigen


def test_a_reset_shows_a_one_time_password_once(client, auth, app):
    auth.als("beheerder")
    r = client.get("/gebruikers")
    assert "Wachtwoord opnieuw instellen" in r.text
    doel = _id(app, "regio@test.nl")
    r = client.post(f"/gebruikers/{doel}/wachtwoord")
    assert r.status_code == 200
    eenmalig = re.search(r'<code class="nl-code wachtwoord">([^<]+)</code>', r.text).group(1)
    assert len(eenmalig) >= 16
    with app.app_context():
        user = db.session.get(User, doel)
        assert user.check_password(eenmalig) and user.moet_wachtwoord_wijzigen
        assert eenmalig not in user.password_hash
    assert eenmalig not in client.get("/gebruikers").text  # never shown again
    with client.session_transaction() as sessie:
        assert eenmalig not in repr(dict(sessie))
    assert client.post("/gebruikers/999999/wachtwoord").status_code == 404


def test_a_beheerder_cannot_reset_their_own_password_here(client, auth, app):
    auth.als("beheerder")
    eigen = _id(app, "beheerder@test.nl")
    r = client.post(f"/gebruikers/{eigen}/wachtwoord", follow_redirects=True)
    assert "Wachtwoord wijzigen" in r.text
    with app.app_context():
        assert not db.session.get(User, eigen).moet_wachtwoord_wijzigen


def test_a_reset_needs_a_csrf_token(csrf_app):
    from .conftest import WACHTWOORD

    client = csrf_app.test_client()
    token = CSRF_RE.search(client.get("/login").text).group(1)
    client.post("/login", data={"email": "beheerder@test.nl", "password": WACHTWOORD,
                                "csrf_token": token})
    doel = _id(csrf_app, "regio@test.nl")
    assert client.post(f"/gebruikers/{doel}/wachtwoord").status_code == 400
    assert client.post(f"/gebruikers/{doel}/wachtwoord",
                       data={"csrf_token": "kapot"}).status_code == 400
    with csrf_app.app_context():
        assert not db.session.get(User, doel).moet_wachtwoord_wijzigen
    token = CSRF_RE.search(client.get("/gebruikers").text).group(1)
    r = client.post(f"/gebruikers/{doel}/wachtwoord", data={"csrf_token": token})
    assert r.status_code == 200
    with csrf_app.app_context():
        assert db.session.get(User, doel).moet_wachtwoord_wijzigen


def test_gemeente_and_regio_are_picked_from_lists(client, auth, app):
    auth.als("beheerder")
    r = client.get("/gebruikers")
    assert re.search(r'<select id="gemeente" name="gemeente"', r.text)
    assert re.search(r'<select id="regio" name="regio"', r.text)
    assert '<option value="0200">Apeldoorn (0200)</option>' in r.text
    assert re.search(r'<option value="MC11">MC11 [^<]+</option>', r.text)
    with app.app_context():
        aantal = {"gemeente": db.session.query(GemeenteRij).count(),
                  "regio": db.session.query(RegioRij).count()}
    for veld, n in aantal.items():
        keuzes = re.search(rf'<select id="{veld}".*?</select>', r.text, re.S).group(0)
        assert keuzes.count("<option") == n + 1  # every one, and "Kies …" first
    r = client.post("/gebruikers", data={"email": "nieuw@apeldoorn.nl", "role": "gemeente",
                                         "gemeente": "0200", "regio": ""})
    assert r.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.gemeente_code).where(
            User.email == "nieuw@apeldoorn.nl")) == "0200"


@pytest.mark.parametrize(("data", "melding"), [
    ({"role": "gemeente", "gemeente": "9999"}, "bestaande gemeentecode"),
    ({"role": "gemeente", "gemeente": ""}, "bestaande gemeentecode"),
    ({"role": "regio", "regio": "MC99"}, "bestaande regiocode"),
])
def test_a_picked_code_is_checked_on_the_server_and_kept(client, auth, app, data, melding):
    auth.als("beheerder")
    r = client.post("/gebruikers", data={"email": "keuze@test.nl", **data})
    assert r.status_code == 422 and melding in r.text
    assert 'value="keuze@test.nl"' in r.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "keuze@test.nl")) is None


def test_blocking_ends_the_sessions_and_unblocking_does_not_revive_them(client, auth, app):
    """Issue 12, point 10: blocking rotates the session token."""
    gemeente = app.test_client()
    assert AuthActions(gemeente, app).login().status_code == 302  # a real session cookie
    assert gemeente.get(f"/gemeente/{EIGEN}/{JAAR}").status_code == 200
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "gemeente@test.nl"))
    auth.als("beheerder")
    assert client.post(f"/gebruikers/{user_id}/actief").status_code == 302  # block
    assert gemeente.get(f"/gemeente/{EIGEN}/{JAAR}").status_code == 302  # to the login page
    assert client.post(f"/gebruikers/{user_id}/actief").status_code == 302  # unblock
    with app.app_context():
        assert db.session.get(User, user_id).active
    r = gemeente.get(f"/gemeente/{EIGEN}/{JAAR}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


@pytest.mark.parametrize(("email", "melding"), [
    ("=1+1@x.nl", "het moet met een letter of cijfer beginnen"),
    ("a@b", "is geen geldig e-mailadres"),
    ("a..b@gemeente.nl", "is geen geldig e-mailadres"),
    ("a b@gemeente.nl", "is geen geldig e-mailadres"),
    ('"x"@gemeente.nl', "het moet met een letter of cijfer beginnen"),
])
def test_e_mail_addresses_are_checked_by_email_validator(app, email, melding):
    """Issue 19: "=1+1@x.nl" was accepted (a formula when a list of accounts is opened in a
    spreadsheet); the library checks the syntax, our rule the first character."""
    with app.app_context(), pytest.raises(GebruikerFout) as fout:
        maak_gebruiker(email, "beheerder", "een-lang-wachtwoord-x")
    assert melding in str(fout.value)


def test_an_e_mail_address_is_stored_in_one_normal_form_and_logs_in_in_any_case(app, client):
    with app.app_context():
        user = maak_gebruiker("Kees.de.Vries@Gemeente.NL", "beheerder", "een-lang-wachtwoord-x")
        db.session.commit()
        assert user.email == "kees.de.vries@gemeente.nl"
    r = client.post("/login", data={"email": "KEES.de.vries@gemeente.nl",
                                    "password": "een-lang-wachtwoord-x"})
    assert r.status_code == 302
