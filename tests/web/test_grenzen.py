"""Bounds: ids too large for an INTEGER column are 404 (never an overflow in the database
driver), and the history form only offers years the tool accepts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.access import EERSTE_JAAR
from app.extensions import db
from app.models import AuditEntry, Invoer

from .conftest import EIGEN, JAAR, bewaar_invoer

GROOT = "99999999999999999999"  # > 2**63: OverflowError (SQLite), DataError (PostgreSQL)
TE_GROOT = str(2**31)  # just over INTEGER
GRENS = str(2**31 - 1)  # the largest INTEGER: a valid id that does not exist


@pytest.fixture(scope="module")
def met_basis(gedeelde_app):
    """An invoer of EIGEN in the shared app, so /scenarios/nieuw gets as far as ?van=."""
    bewaar_invoer(gedeelde_app, EIGEN)


@pytest.mark.parametrize("rol, methode, pad", [
    ("beheerder", "GET", "/scenarios/{id}"),
    ("beheerder", "POST", "/scenarios/{id}/kopie"),
    ("beheerder", "POST", "/scenarios/{id}/verwijder"),
    ("beheerder", "GET", "/scenarios/vergelijk?ids={id}"),
    ("beheerder", "GET", "/scenarios/vergelijk.xlsx?ids={id}"),
    ("gemeente", "GET", "/scenarios/vergelijk?ids=1&ids={id}"),
    ("gemeente", "GET", f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}&van={{id}}"),
    ("gemeente", "GET", "/normen/{id}"),
    ("beheerder", "POST", "/normen/{id}/activeer"),
    ("beheerder", "POST", "/gebruikers/{id}/actief"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}/resultaat"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}/historie-invoer"),
    ("gemeente", "GET", f"/gemeente/{EIGEN}/{{id}}/prognose"),
    ("regio", "GET", "/regio/MC11/{id}"),
])
@pytest.mark.parametrize("waarde", [GROOT, TE_GROOT, GRENS, "-1", "0"])
def test_huge_ids_are_404(gedeelde_client, gedeelde_auth, met_basis, rol, methode, pad, waarde):
    """Read-only (every case is refused with 404), so all cases share one app."""
    gedeelde_auth.als(rol)
    r = gedeelde_client.open(pad.format(id=waarde), method=methode)
    assert r.status_code == 404, (pad, waarde, r.status_code)


def test_history_form_offers_no_years_before_the_first(client, auth, app):
    auth.als("gemeente")
    pad = f"/gemeente/{EIGEN}/{EERSTE_JAAR}/historie-invoer"
    for methode in ("GET", "POST"):
        r = client.open(pad, method=methode, data={f"h-{EERSTE_JAAR - 1}-scholen": "3"})
        assert r.status_code == 303
        assert r.headers["Location"].endswith(f"/gemeente/{EIGEN}/{EERSTE_JAAR}/prognose")
    r = client.get(pad, follow_redirects=True)
    assert r.status_code == 200
    assert f"Voor {EERSTE_JAAR} zijn er geen eerdere jaren in te vullen" in r.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invoer)) == 0


def test_history_form_saves_only_accepted_years(client, auth, app):
    auth.als("gemeente")
    jaar = EERSTE_JAAR + 1
    pad = f"/gemeente/{EIGEN}/{jaar}/historie-invoer"
    r = client.get(pad)
    assert r.status_code == 200
    assert f'name="h-{EERSTE_JAAR}-scholen"' in r.text
    assert f"h-{EERSTE_JAAR - 1}-" not in r.text
    versies = re.search(r'name="versies"[^>]*value="([^"]*)"', r.text).group(1)
    assert versies == f"{EERSTE_JAAR}:0"
    r = client.post(pad, data={"versies": versies, f"h-{EERSTE_JAAR}-scholen": "3",
                               f"h-{EERSTE_JAAR - 1}-scholen": "4",
                               f"h-{EERSTE_JAAR - 5}-scholen": "5"})
    assert r.status_code == 302
    with app.app_context():
        assert list(db.session.scalars(select(Invoer.jaar))) == [EERSTE_JAAR]
        # one figure and no status: entering history starts no year
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
    # every saved year can be opened
    assert client.get(f"/gemeente/{EIGEN}/{EERSTE_JAAR}").status_code == 200


@pytest.mark.parametrize("jaar, tekst", [
    (EERSTE_JAAR, None),
    (EERSTE_JAAR + 1, f"Cijfers van eerdere jaren ({EERSTE_JAAR}) voor de prognose"),
    (JAAR, f"Cijfers van eerdere jaren ({max(JAAR - 5, EERSTE_JAAR)}–{JAAR - 1}) voor de"),
])
def test_invoer_page_offers_only_accepted_earlier_years(client, auth, jaar, tekst):
    auth.als("gemeente")
    r = client.get(f"/gemeente/{EIGEN}/{jaar}")
    assert r.status_code == 200
    if tekst is None:
        assert "eerdere jaren invullen" not in r.text and "Cijfers van eerdere jaren" not in r.text
    else:
        assert tekst in r.text and "eerdere jaren invullen" in r.text
