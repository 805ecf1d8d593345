"""Role × route matrix for the Excel workbook and scenario routes (see test_access.py):
own vs other gemeente and region, anonymous users to /login, refused POSTs change nothing."""

from __future__ import annotations

import pytest
from profielen import matrix, steekproef
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, InvoerRij, ScenarioRij, User, WerkboekUploadRij

from .conftest import ANDER, ANDERE_REGIO, BUUR, EIGEN, EIGEN_REGIO, JAAR, bewaar_invoer
from .test_access import GEMEENTEN, MAG_GEMEENTE, MAG_REGIO, REGIOS

GEMEENTE_ROUTES = [
    ("GET", "/gemeente/{code}/{jaar}/scenario.xlsx", 200),
    ("POST", "/gemeente/{code}/{jaar}/upload", 422),  # an empty upload: allowed, refused
    ("POST", "/gemeente/{code}/{jaar}/upload/{token}/bevestig", 404),  # not their token
    ("GET", "/scenarios/nieuw?gemeente={code}&jaar={jaar}", 200),
    ("POST", "/scenarios/nieuw?gemeente={code}&jaar={jaar}", 422),
]
REGIO_ROUTES = [
    ("GET", "/regio/{code}/{jaar}/scenario.xlsx", 200),
    ("POST", "/regio/{code}/{jaar}/upload", 422),
    ("POST", "/regio/{code}/{jaar}/upload/{token}/bevestig", 404),
    ("GET", "/scenarios/nieuw?regio={code}&jaar={jaar}", 200),
    ("POST", "/scenarios/nieuw?regio={code}&jaar={jaar}", 422),
]
SCENARIO_ROUTES = [
    ("GET", "/scenarios/{id}", 200),
    ("GET", "/scenarios/vergelijk?ids={id}", 200),
    ("GET", "/scenarios/vergelijk.xlsx?ids={id}", 200),
    ("POST", "/scenarios/{id}/kopie", 302),
]


def _tellingen(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (InvoerRij, AuditEntry, ScenarioRij, WerkboekUploadRij))


@pytest.fixture
def gevuld(app, vul_invoer):
    for code in (EIGEN, BUUR, ANDER):
        vul_invoer(code)
    vul_invoer("0344", jaar=JAAR - 1)  # something in MC19 for another year


@pytest.fixture(scope="module")
def gedeeld_gevuld(gedeelde_app):
    """``gevuld`` once for the module's shared app: the route matrices below change nothing
    (each case asserts that), so they share it."""
    for code in (EIGEN, BUUR, ANDER):
        bewaar_invoer(gedeelde_app, code)
    bewaar_invoer(gedeelde_app, "0344", jaar=JAAR - 1)


def _verzoek(client, methode, pad):
    if methode == "GET":
        return client.get(pad)
    return client.post(pad, data={"naam": ""}, content_type="multipart/form-data")


@pytest.mark.parametrize(("methode", "route", "verwacht", "doel", "rol"), matrix(
    GEMEENTE_ROUTES,
    [(doel, rol) for doel in GEMEENTEN for rol in ("gemeente", "regio", "beheerder")]))
def test_gemeente_routes(gedeelde_client, gedeelde_auth, gedeelde_app, gedeeld_gevuld, rol, doel,
                       methode, route, verwacht):
    client, app = gedeelde_client, gedeelde_app
    gedeelde_auth.als(rol)
    voor = _tellingen(app)
    r = _verzoek(client, methode, route.format(code=GEMEENTEN[doel], jaar=JAAR, token="abc"))
    assert r.status_code == (verwacht if MAG_GEMEENTE[rol][doel] else 404), route
    assert _tellingen(app) == voor


@pytest.mark.parametrize(("methode", "route", "verwacht", "doel", "rol"), matrix(
    REGIO_ROUTES, [(doel, rol) for doel in REGIOS for rol in ("gemeente", "regio", "beheerder")]))
def test_regio_routes(gedeelde_client, gedeelde_auth, gedeelde_app, gedeeld_gevuld, rol, doel,
                      methode, route, verwacht):
    client, app = gedeelde_client, gedeelde_app
    gedeelde_auth.als(rol)
    voor = _tellingen(app)
    r = _verzoek(client, methode, route.format(code=REGIOS[doel], jaar=JAAR, token="abc"))
    assert r.status_code == (verwacht if MAG_REGIO[rol][doel] else 404), route
    assert _tellingen(app) == voor


def _echt_scenario(client, auth, code: str | None = None, regio: str | None = None) -> int:
    auth.als("beheerder")
    pad = (f"/scenarios/nieuw?gemeente={code}&jaar={JAAR}" if code
           else f"/scenarios/nieuw?regio={regio}&jaar={JAAR}")
    r = client.post(pad, data={"naam": "s", "groei_leerplichtigen": "5"})
    assert r.status_code == 302, r.text[:2000]
    return int(r.headers["Location"].rsplit("/", 1)[1])


SCOPES = {"eigen": (EIGEN, None), "buur": (BUUR, None), "ander": (ANDER, None),
          "eigen_regio": (None, EIGEN_REGIO)}
MAG_SCOPE = {
    "gemeente": {"eigen": True, "buur": False, "ander": False, "eigen_regio": False},
    "regio": {"eigen": True, "buur": True, "ander": False, "eigen_regio": True},
    "beheerder": {"eigen": True, "buur": True, "ander": True, "eigen_regio": True},
}


@pytest.mark.parametrize(("scope", "rol"), steekproef(
    [(scope, rol) for scope in SCOPES for rol in ("gemeente", "regio", "beheerder")]))
def test_scenario_routes(client, auth, app, gevuld, rol, scope):
    code, regio = SCOPES[scope]
    scenario_id = _echt_scenario(client, auth, code, regio)
    auth.als(rol)
    for methode, route, verwacht in SCENARIO_ROUTES:
        voor = _tellingen(app)
        r = _verzoek(client, methode, route.format(id=scenario_id))
        if MAG_SCOPE[rol][scope]:
            assert r.status_code == verwacht, (route, r.text[:300])
        else:
            assert r.status_code == 404, route
            assert _tellingen(app) == voor
    voor = _tellingen(app)
    r = client.post(f"/scenarios/{scenario_id}/verwijder")
    if rol == "beheerder":  # the owner (beheerder) and beheerders may delete
        assert r.status_code == 302 and _tellingen(app)[2] == voor[2] - 1
    else:
        assert r.status_code == 404 and _tellingen(app) == voor
    assert client.get("/scenarios").status_code == 200


def test_compare_refuses_if_one_is_not_visible(client, auth, app, gevuld):
    eigen = _echt_scenario(client, auth, EIGEN)
    ander = _echt_scenario(client, auth, ANDER)
    auth.als("gemeente")
    assert client.get(f"/scenarios/vergelijk?ids={eigen}").status_code == 200
    assert client.get(f"/scenarios/vergelijk?ids={eigen}&ids={ander}").status_code == 404
    assert client.get(f"/scenarios/vergelijk.xlsx?ids={eigen}&ids={ander}").status_code == 404


def test_anonymous_is_sent_to_login(client, app, gevuld):
    paden = [f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx",
             f"/regio/{EIGEN_REGIO}/{JAAR}/scenario.xlsx", "/scenarios",
             f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}", "/scenarios/1",
             "/scenarios/vergelijk?ids=1", "/scenarios/vergelijk.xlsx?ids=1"]
    for pad in paden:
        r = client.get(pad)
        assert r.status_code == 302 and r.headers["Location"].startswith("/login"), pad
    for pad in (f"/gemeente/{EIGEN}/{JAAR}/upload", f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                f"/gemeente/{EIGEN}/{JAAR}/upload/abc/bevestig",
                f"/regio/{EIGEN_REGIO}/{JAAR}/upload/abc/bevestig", "/scenarios/1/kopie",
                "/scenarios/1/verwijder", f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}"):
        r = client.post(pad, data={})
        assert r.status_code == 302 and r.headers["Location"].startswith("/login"), pad


def test_csrf_on_scenario_posts(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        user_id = db.session.scalar(
            select(User.session_token).where(User.email == "beheerder@test.nl"))
    with client.session_transaction() as sessie:
        sessie["_user_id"] = str(user_id)
        sessie["_fresh"] = True
    voor = _tellingen(csrf_app)
    for pad in (f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}", "/scenarios/1/kopie",
                "/scenarios/1/verwijder", f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
                f"/regio/{ANDERE_REGIO}/{JAAR}/upload/abc/bevestig"):
        assert client.post(pad, data={"naam": "x"}).status_code == 400, pad
    assert _tellingen(csrf_app) == voor
