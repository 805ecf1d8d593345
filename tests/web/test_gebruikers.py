"""The beheerder's account page; every other role gets 404."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User


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
    wachtwoord = re.search(r'<code class="wachtwoord">([^<]+)</code>', r.text).group(1)
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
