"""Role × route matrix: every route, every role, own vs other gemeente and region.

Anything a user may not see answers 404 (never 403); anonymous users are sent to /login.
"""

import io

import pytest
from profielen import matrix
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, InvoerRij, NormensetRij
from formatie.normenset_toml import standaard_normenset

from .conftest import (
    ANDER,
    ANDERE_REGIO,
    BUUR,
    EIGEN,
    EIGEN_REGIO,
    JAAR,
    bewaar_invoer,
    maak_team,
    maak_team_gebruiker,
)

GEMEENTEN = {"eigen": EIGEN, "buur": BUUR, "ander": ANDER}
REGIOS = {"eigen_regio": EIGEN_REGIO, "andere_regio": ANDERE_REGIO}

# Who may see which gemeente / region (True → allowed).
# The team user coordinates the team of EIGEN and ANDER (tests/web/conftest.py, TEAM_LEDEN).
MAG_GEMEENTE = {
    "gemeente": {"eigen": True, "buur": False, "ander": False},
    "regio": {"eigen": True, "buur": True, "ander": False},
    "team": {"eigen": True, "buur": False, "ander": True},
    "beheerder": {"eigen": True, "buur": True, "ander": True},
}
MAG_REGIO = {
    "gemeente": {"eigen_regio": False, "andere_regio": False},
    "regio": {"eigen_regio": True, "andere_regio": False},
    "team": {"eigen_regio": False, "andere_regio": False},
    "beheerder": {"eigen_regio": True, "andere_regio": True},
}
# "eigen_team": the team user's (EIGEN + ANDER, two regions); "ander_team": BUUR's alone
# (in the regio user's region, so the regio user sees it).
MAG_TEAM = {
    "gemeente": {"eigen_team": False, "ander_team": False},
    "regio": {"eigen_team": False, "ander_team": True},
    "team": {"eigen_team": True, "ander_team": False},
    "beheerder": {"eigen_team": True, "ander_team": True},
}
ROLLEN = ("gemeente", "regio", "team", "beheerder")

GEMEENTE_ROUTES = [
    ("GET", "/gemeente/{code}/{jaar}", 200),
    ("POST", "/gemeente/{code}/{jaar}", 302),
    ("GET", "/gemeente/{code}/{jaar}/resultaat", 200),
    ("GET", "/gemeente/{code}/{jaar}/resultaat.json", 200),
    ("GET", "/gemeente/{code}/{jaar}/historie", 200),
    ("GET", "/gemeente/{code}/{jaar}/resultaat.json?onzekerheid=1", 200),
    ("GET", "/gemeente/{code}/{jaar}/gevoeligheid", 200),
    ("GET", "/gemeente/{code}/{jaar}/prognose", 200),
    ("GET", "/gemeente/{code}/{jaar}/historie-invoer", 200),
    ("POST", "/gemeente/{code}/{jaar}/historie-invoer", 302),
]


def _nieuwe_normenset() -> bytes:
    tekst = standaard_normenset().bron_tekst.replace('versie = "2026.3"', 'versie = "matrix"')
    return tekst.encode()


def _teams(app) -> dict[str, int]:
    """The team user with its team, and another team; their ids by MAG_TEAM's key."""
    return {"eigen_team": maak_team_gebruiker(app),
            "ander_team": maak_team(app, "Buurteam", (BUUR,))}


@pytest.fixture
def gevuld(app, vul_invoer):
    for code in GEMEENTEN.values():
        vul_invoer(code, status="concept")
    return _teams(app)


@pytest.fixture(scope="module")
def gedeeld_gevuld(gedeelde_app):
    """``gevuld`` once for the module's shared app (its tests only read)."""
    for code in GEMEENTEN.values():
        bewaar_invoer(gedeelde_app, code, status="concept")
    return _teams(gedeelde_app)


def _verzoek(client, methode, pad):
    if methode == "GET":
        return client.get(pad)
    if pad.endswith("/historie-invoer"):
        jaar = JAAR - 1
        return client.post(pad, data={"versies": f"{jaar}:0", f"h-{jaar}-leerplichtigen": "1000"})
    return client.post(pad, data={"version": "1", "leerplichtigen": "1000", "concept": "1"})


def _gemeente_route(client, auth, app, rol, doel, methode, route, verwacht):
    auth.als(rol)
    r = _verzoek(client, methode, route.format(code=GEMEENTEN[doel], jaar=JAAR))
    if MAG_GEMEENTE[rol][doel]:
        assert r.status_code == verwacht, r.text[:500]
        if verwacht == 200 and not route.endswith(".json"):
            assert "Apeldoorn" in r.text or "Deventer" in r.text or "Utrecht" in r.text
    else:
        assert r.status_code == 404
        assert "Pagina niet gevonden" in r.text or r.json["fout"] == "Pagina niet gevonden"
        with app.app_context():  # a refused POST changed nothing
            invoer = db.session.scalar(select(InvoerRij).where(
                InvoerRij.gemeente_code == GEMEENTEN[doel], InvoerRij.jaar == JAAR))
            assert invoer.version == 1 and invoer.waarden["leerplichtigen"] != 1000
            assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
            assert db.session.scalar(select(func.count()).select_from(InvoerRij)) == 3


@pytest.mark.parametrize(("methode", "route", "verwacht", "doel", "rol"), matrix(
    [r for r in GEMEENTE_ROUTES if r[0] == "GET"],
    [(doel, rol) for doel in GEMEENTEN for rol in ROLLEN]))
def test_gemeente_routes_get(gedeelde_client, gedeelde_auth, gedeelde_app, gedeeld_gevuld, rol,
                             doel, methode, route, verwacht):
    """GETs change nothing, so they share one app (the refused ones check that too)."""
    _gemeente_route(gedeelde_client, gedeelde_auth, gedeelde_app, rol, doel, methode, route,
                    verwacht)


@pytest.mark.parametrize("rol", ROLLEN)
@pytest.mark.parametrize("doel", GEMEENTEN)
@pytest.mark.parametrize(("methode", "route", "verwacht"),
                         [r for r in GEMEENTE_ROUTES if r[0] == "POST"])
def test_gemeente_routes_post(client, auth, app, gevuld, rol, doel, methode, route, verwacht):
    _gemeente_route(client, auth, app, rol, doel, methode, route, verwacht)


@pytest.mark.parametrize("rol", ["gemeente", "andere_gemeente", "regio", "team", "beheerder"])
def test_kalibratie_routes(client, auth, app, rol):
    """/kalibratie: beheerder and regio (their own gemeenten only); gemeente and team users
    get 404."""
    if rol == "team":
        maak_team_gebruiker(app)
    auth.als(rol)
    mag = rol in ("beheerder", "regio")
    assert client.get("/kalibratie").status_code == (200 if mag else 404)
    r = client.post("/kalibratie", data={"bron": "opgeslagen", "begrenzing": "positief"})
    assert r.status_code == (422 if mag else 404)  # no stored bezetting: too few observations
    r = client.post("/kalibratie/opslaan", data={"gegevens": "x"})
    assert r.status_code == (400 if mag else 404)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NormensetRij)) == 1


@pytest.mark.parametrize("rol", ROLLEN)
@pytest.mark.parametrize("doel", REGIOS)
def test_regio_route(gedeelde_client, gedeelde_auth, gedeeld_gevuld, rol, doel):
    gedeelde_auth.als(rol)
    r = gedeelde_client.get(f"/regio/{REGIOS[doel]}/{JAAR}")
    assert r.status_code == (200 if MAG_REGIO[rol][doel] else 404)


@pytest.mark.parametrize("rol", ROLLEN)
@pytest.mark.parametrize("doel", REGIOS)
def test_regio_json_and_bezetting_routes(client, auth, app, gevuld, rol, doel):
    """The region's JSON and its Doorstroompunt bezetting (POST): 404 for whoever may not see
    the region, nothing saved then."""
    from app.models import RegioBezettingRij

    auth.als(rol)
    mag = MAG_REGIO[rol][doel]
    r = client.get(f"/regio/{REGIOS[doel]}/{JAAR}/resultaat.json")
    assert r.status_code == (200 if mag else 404)
    r = client.post(f"/regio/{REGIOS[doel]}/{JAAR}/bezetting",
                    data={"bezetting_doorstroompunt": "2", "version": "0"})
    assert r.status_code == (302 if mag else 404)
    with app.app_context():
        aantal = db.session.scalar(select(func.count()).select_from(RegioBezettingRij))
        assert aantal == (1 if mag else 0)


@pytest.mark.parametrize("rol", ["gemeente", "regio", "beheerder"])
def test_normen_routes(client, auth, app, rol):
    auth.als(rol)
    assert client.get("/normen").status_code == 200
    assert client.get("/normen/1").status_code == 200
    assert client.get("/normen/999").status_code == 404
    r = client.post("/normen/upload", data={"bestand": (io.BytesIO(_nieuwe_normenset()),
                                                        "n.toml")},
                    content_type="multipart/form-data")
    assert r.status_code == (302 if rol == "beheerder" else 404)
    r = client.post("/normen/1/activeer")
    assert r.status_code == (302 if rol == "beheerder" else 404)
    with app.app_context():
        aantal = db.session.scalar(select(func.count()).select_from(NormensetRij))
        assert aantal == (2 if rol == "beheerder" else 1)


@pytest.mark.parametrize("rol", ROLLEN)
def test_team_routes(gedeelde_client, gedeelde_auth, gedeeld_gevuld, rol):
    """The team page and its JSON: the beheerder, the team's coordinator and a regio user
    whose region holds the whole team; 404 for everyone else, and for a team that does not
    exist. /teams (list and upload) is the beheerder's."""
    gedeelde_auth.als(rol)
    for doel, team_id in gedeeld_gevuld.items():
        mag = MAG_TEAM[rol][doel]
        r = gedeelde_client.get(f"/team/{team_id}/{JAAR}")
        assert r.status_code == (200 if mag else 404), (doel, r.text[:300])
        if mag:
            assert ("Testteam" if doel == "eigen_team" else "Buurteam") in r.text
        r = gedeelde_client.get(f"/team/{team_id}/{JAAR}/resultaat.json")
        assert r.status_code == (200 if mag else 404), doel
    for pad in ("/team/999/{jaar}", "/team/0/{jaar}", "/team/99999999999/{jaar}",
                f"/team/{gedeeld_gevuld['eigen_team']}/1999"):
        assert gedeelde_client.get(pad.format(jaar=JAAR)).status_code == 404, pad
    assert gedeelde_client.get("/teams").status_code == (200 if rol == "beheerder" else 404)


@pytest.mark.parametrize("rol", ["gemeente", "regio", "team"])
def test_only_the_beheerder_uploads_teams(client, auth, app, gevuld, rol):
    from app.models import TeamRij

    auth.als(rol)
    r = client.post("/teams/upload", data={"bestand": (io.BytesIO(
        b"team,functie,gemeentecode\nNieuw,leerplicht,0150\n"), "t.csv")},
        content_type="multipart/form-data")
    assert r.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TeamRij)) == 2


@pytest.mark.parametrize("rol", ROLLEN)
def test_overview_and_public_pages(gedeelde_client, gedeelde_auth, gedeeld_gevuld, rol):
    gedeelde_auth.als(rol)
    for pad in ("/", "/toegankelijkheid", "/health"):
        assert gedeelde_client.get(pad).status_code == 200


def test_anonymous_is_sent_to_login(client, gevuld):
    paden = [route.format(code=EIGEN, jaar=JAAR) for _, route, _ in GEMEENTE_ROUTES]
    paden += ["/", f"/regio/{EIGEN_REGIO}/{JAAR}", "/normen", "/normen/1", "/kalibratie",
              f"/team/{gevuld['eigen_team']}/{JAAR}",
              f"/team/{gevuld['eigen_team']}/{JAAR}/resultaat.json", "/teams"]
    for pad in paden:
        r = client.get(pad)
        assert r.status_code == 302 and r.headers["Location"].startswith("/login"), pad
    for pad in (f"/gemeente/{EIGEN}/{JAAR}", "/normen/upload", "/normen/1/activeer",
                "/teams/upload",
                f"/gemeente/{EIGEN}/{JAAR}/historie-invoer", "/kalibratie",
                "/kalibratie/opslaan"):
        r = client.post(pad, data={})
        assert r.status_code == 302 and r.headers["Location"].startswith("/login"), pad
    for pad in ("/toegankelijkheid", "/health", "/login"):
        assert client.get(pad).status_code == 200


@pytest.mark.parametrize("pad", [
    "/gemeente/9999/{jaar}", "/gemeente/abc/{jaar}", "/gemeente/0200/1999",
    "/gemeente/0200/2999", "/gemeente/0200/{jaar}/onbekend", "/regio/MC99/{jaar}",
    "/regio/XX/{jaar}",
])
def test_unknown_things_are_404(gedeelde_client, gedeelde_auth, pad):
    gedeelde_auth.als("beheerder")
    assert gedeelde_client.get(pad.format(jaar=JAAR)).status_code == 404


def test_gemeente_user_overview_lists_only_own(client, auth, gevuld):
    auth.als("gemeente")
    r = client.get("/")
    assert "Apeldoorn" in r.text and "Deventer" not in r.text and "Utrecht" not in r.text
    auth.als("regio")
    r = client.get("/")
    assert "Apeldoorn" in r.text and "Deventer" in r.text and "Utrecht" not in r.text
    assert f"/regio/{EIGEN_REGIO}/{JAAR}" in r.text
    auth.als("team")
    r = client.get("/")
    assert "Apeldoorn" in r.text and "Utrecht" in r.text and "Deventer" not in r.text
    assert f"/team/{gevuld['eigen_team']}/{JAAR}" in r.text
