"""Security as an attacker would try it, over *every* route in ``app.url_map``.

- role × route × method matrix (anonymous, gemeente, other gemeente, regio, beheerder; own and
  other gemeente/region): anonymous → login redirect, others' data → 404 and nothing changed,
  never a 5xx. New routes are covered automatically; a route whose parameters this file cannot
  fill fails the test, so it gets added here.
- CSRF on every state-changing request (app with CSRF on): every POST route without a token is
  rejected and nothing changes.
- security headers on every page (CSP without 'unsafe-inline', nosniff, frame-ancestors,
  Referrer-Policy), also on error pages and for anonymous users.
- login rate limit; no password or secret in log records or server output.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import User
from formatie.normenset_toml import standaard_normenset

from .conftest import (
    ANDER,
    ANDERE_REGIO,
    EIGEN,
    EIGEN_REGIO,
    GEBRUIKERS,
    JAAR,
    WACHTWOORD,
    _maak_app,
)

STANDAARD = standaard_normenset().bron_tekst

#: Routes anyone may use without logging in.
#: (sso.*: single sign-on; 404 while it is not configured, see tests/web/test_sso.py.)
PUBLIEK = {"auth.login", "auth.logout", "main.toegankelijkheid", "health.health", "static",
           "sso.login", "sso.callback"}
#: Route prefixes only a beheerder may use (anything else answers 404, as if absent). The
#: team of ``_ids`` spans two regions, so among these roles only the beheerder sees it (the
#: role team is swept in tests/web/test_access.py).
ALLEEN_BEHEERDER = ("/gebruikers", "/normen/upload", "/normen/<int:normenset_id>/activeer",
                    "/teams", "/team/")
#: Route prefixes for beheerder and regio users only (calibration).
BEHEERDER_EN_REGIO = ("/kalibratie",)
ROLLEN = [None, "gemeente", "andere_gemeente", "regio", "beheerder"]
# Who may see which gemeente / region. "eigen" is 0200 (MC11), "ander" is 0344 (MC19).
MAG = {
    ("gemeente", "eigen"): True, ("gemeente", "ander"): False,
    ("andere_gemeente", "eigen"): False, ("andere_gemeente", "ander"): True,
    ("regio", "eigen"): True, ("regio", "ander"): False,
    ("beheerder", "eigen"): True, ("beheerder", "ander"): True,
}
MAG_REGIO = {
    ("gemeente", "eigen"): False, ("gemeente", "ander"): False,
    ("andere_gemeente", "eigen"): False, ("andere_gemeente", "ander"): False,
    ("regio", "eigen"): True, ("regio", "ander"): False,
    ("beheerder", "eigen"): True, ("beheerder", "ander"): True,
}
# Parameters this file knows how to fill (anything else: add it here).
ID_PARAMS = {"normenset_id", "user_id", "scenario_id", "upload_id", "id", "team_id"}


def _regels(app):
    return sorted((r for r in app.url_map.iter_rules()), key=lambda r: r.rule)


def _soort(rule) -> str:
    if rule.rule.startswith("/gemeente/<code>"):
        return "gemeente"
    if rule.rule.startswith("/regio/<code>"):
        return "regio"
    return "overig"


def _pad(rule, doel: str, ids: dict[str, int]) -> str:
    waarden = {}
    for arg in rule.arguments:
        if arg == "code":
            if _soort(rule) == "gemeente":
                waarden[arg] = EIGEN if doel == "eigen" else ANDER
            elif _soort(rule) == "regio":
                waarden[arg] = EIGEN_REGIO if doel == "eigen" else ANDERE_REGIO
            else:
                pytest.fail(f"route {rule.rule}: which code? Add it to tests/web/test_security.py")
        elif arg == "jaar":
            waarden[arg] = JAAR
        elif arg == "filename":
            waarden[arg] = "style.css"
        elif arg in ID_PARAMS:
            waarden[arg] = ids.get(arg, 1)
        else:
            pytest.fail(f"route {rule.rule}: unknown parameter {arg!r}; add it to "
                        "tests/web/test_security.py")
    return rule.build(waarden)[1]


def _snapshot(app) -> dict:
    """Every table's rows (login attempts aside): any write shows up as a difference."""
    uit = {}
    with app.app_context():
        for tabel in db.metadata.sorted_tables:
            if tabel.name in {"login_attempt", "gemeente", "regio"}:
                uit[tabel.name] = db.session.scalar(select(func.count()).select_from(tabel))
                continue
            rijen = db.session.execute(select(tabel)).all()
            uit[tabel.name] = sorted(repr(tuple(r)) for r in rijen)
        db.session.remove()
    return uit


def _post(client, pad: str):
    data = {"version": "1", "leerplichtigen": "1000", "concept": "1", "email":
            "nieuw@test.nl", "role": "beheerder", "naam": "x",
            "bestand": (io.BytesIO(b"PK\x03\x04 niet echt"), "aanval.xlsx"),
            "werkboek": (io.BytesIO(b"PK\x03\x04 niet echt"), "aanval.xlsx"),
            "actie": "invoer", "ids": "1"}
    return client.post(pad, data=data, content_type="multipart/form-data")


def _ids(app) -> dict[str, int]:
    """Ids for routes with an id: an extra account (so deactivating it locks no test role out)
    and a team of EIGEN and ANDER."""
    from .conftest import maak_team

    with app.app_context():
        team_id = db.session.scalar(text("SELECT id FROM team WHERE naam = 'Sweepteam'"))
    if team_id is None:
        team_id = maak_team(app, "Sweepteam", (EIGEN, ANDER))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "extra@test.nl"))
        if user is None:
            user = User(email="extra@test.nl", password_hash="x", role="gemeente",
                        gemeente_code=EIGEN, active=True)
            db.session.add(user)
            db.session.commit()
        return {"user_id": user.id, "normenset_id": 1, "team_id": team_id}


@pytest.fixture
def gevuld(vul_invoer):
    for code in (EIGEN, "0150", ANDER):
        vul_invoer(code, status="ingediend")


@pytest.mark.slow  # a sweep of seconds; make test-snel leaves it out
def test_every_route_every_role(app, client, auth, gevuld):
    """The matrix. Denied → 404 (anonymous: login redirect) and no write; allowed → no 5xx."""
    ids = _ids(app)
    bekeken = 0
    for rule in _regels(app):
        for methode in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            doelen = ["eigen", "ander"] if _soort(rule) != "overig" else ["eigen"]
            for rol in ROLLEN:
                for doel in doelen:
                    auth.als(rol)
                    pad = _pad(rule, doel, ids)
                    voor = _snapshot(app) if methode == "POST" else None
                    r = client.get(pad) if methode == "GET" else _post(client, pad)
                    r.get_data()  # buffer, then close (static files are streamed)
                    r.close()
                    wie = f"{rol} {methode} {pad}"
                    bekeken += 1
                    assert r.status_code < 500, wie
                    if rule.endpoint in PUBLIEK:
                        continue
                    if rol is None:
                        assert r.status_code == 302, wie
                        assert r.headers["Location"].startswith("/login"), wie
                        mag = False
                    elif _soort(rule) == "gemeente":
                        mag = MAG[rol, doel]
                    elif _soort(rule) == "regio":
                        mag = MAG_REGIO[rol, doel]
                    elif rule.rule.startswith(ALLEEN_BEHEERDER):
                        mag = rol == "beheerder"
                    elif rule.rule.startswith(BEHEERDER_EN_REGIO):
                        mag = rol in ("beheerder", "regio")
                    else:
                        mag = True
                    if rol is not None and not mag:
                        assert r.status_code == 404, wie
                        assert "Pagina niet gevonden" in r.text, wie
                    if rol is not None and mag and methode == "GET" and set(
                            rule.arguments) <= {"code", "jaar"}:
                        assert r.status_code != 404, wie
                    if voor is not None and not mag:
                        assert _snapshot(app) == voor, f"{wie} changed the database"
    assert bekeken > 100


def test_no_cross_gemeente_read_leaks_names(client, auth, gevuld, app):
    """A gemeente user never sees another gemeente's name on any GET page it can reach."""
    ids = _ids(app)
    auth.als("gemeente")
    for rule in _regels(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for doel in (["eigen", "ander"] if _soort(rule) != "overig" else ["eigen"]):
            r = client.get(_pad(rule, doel, ids))
            r.get_data()
            r.close()
            if r.status_code == 200 and r.mimetype in {"text/html", "application/json"}:
                # a norm's bron (the normenset's own text, the same for every gemeente and
                # public on the normen pages) may name the gemeenten it was derived from, and
                # so may the validation those sources point to (published figures only)
                tekst = re.sub(r'<details class="normbron">.*?</details>', "", r.text,
                               flags=re.S)
                assert "Utrecht" not in tekst or rule.endpoint.startswith(
                    ("normen", "validatie")), rule.rule


@pytest.mark.parametrize("rol", ["gemeente", "beheerder"])
def test_csrf_on_every_post_route(csrf_app, rol):
    """With CSRF on (production): every POST route without a token → 400, nothing written."""
    with csrf_app.app_context():
        user = db.session.scalar(select(User).where(User.email == GEBRUIKERS[rol][0]))
        user_id = user.get_id()
    ids = _ids(csrf_app)
    client = csrf_app.test_client()
    with client.session_transaction() as sessie:
        sessie["_user_id"] = user_id
        sessie["_fresh"] = True
    routes = [r for r in _regels(csrf_app) if "POST" in r.methods]
    assert routes
    for rule in routes:
        pad = _pad(rule, "eigen", ids)
        voor = _snapshot(csrf_app)
        r = _post(client, pad)
        # 400 (friendly "formulier verlopen" page) — or 404 for a page this role may not see;
        # /login re-runs for a logged-in user and just sends them to the start page
        if rule.endpoint == "auth.login":
            assert r.status_code == 302 and r.headers["Location"] == "/", pad
            continue
        assert r.status_code in (400, 404), (pad, r.status_code)
        if rule.endpoint not in PUBLIEK and r.status_code == 400:
            assert "verlopen" in r.text, pad
        r = client.post(pad, data={"csrf_token": "vervalst"})
        assert r.status_code in (400, 404), pad
        assert _snapshot(csrf_app) == voor, f"{pad} wrote without a CSRF token"
    # and the session is still the same user (nothing was logged out)
    with client.session_transaction() as sessie:
        assert sessie.get("_user_id") == user_id


def _controleer_headers(r, wie: str) -> None:
    csp = r.headers.get("Content-Security-Policy", "")
    richtlijnen = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    script = richtlijnen.get("script-src", richtlijnen.get("default-src", ""))
    assert script, wie
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, wie
    assert "'unsafe-inline'" not in richtlijnen.get("style-src", ""), wie
    assert richtlijnen.get("frame-ancestors") == "frame-ancestors 'none'", wie
    assert richtlijnen.get("object-src") == "object-src 'none'", wie
    assert r.headers.get("X-Content-Type-Options") == "nosniff", wie
    assert r.headers.get("Referrer-Policy") in {"same-origin", "no-referrer",
                                                "strict-origin-when-cross-origin"}, wie
    assert r.headers.get("X-Frame-Options") == "DENY", wie


@pytest.mark.parametrize("rol", [None, *(pytest.param(r, marks=pytest.mark.slow)  # seconds each
                                  for r in ("gemeente", "beheerder"))])
def test_security_headers_on_every_page(client, auth, app, gevuld, rol):
    ids = _ids(app)
    auth.als(rol)
    for rule in _regels(app):
        if "GET" not in rule.methods:
            continue
        for doel in (["eigen", "ander"] if _soort(rule) != "overig" else ["eigen"]):
            pad = _pad(rule, doel, ids)
            with client.get(pad) as r:
                _controleer_headers(r, f"{rol} GET {pad} → {r.status_code}")
                if rol is not None and rule.endpoint != "static" and r.status_code == 200:
                    assert r.headers.get("Cache-Control") == "no-store", pad
    for pad in ("/bestaat-niet", "/gemeente/9999/2000"):
        _controleer_headers(client.get(pad), pad)
    _controleer_headers(_post(client, "/health"), "POST /health (405)")


def test_login_rate_limit(client, auth):
    for _ in range(5):
        assert auth.login(password="geraden-wachtwoord").status_code == 401
    r = auth.login()  # the right password, too late
    assert r.status_code == 429
    assert "Te veel mislukte inlogpogingen" in r.text
    _controleer_headers(r, "429")
    assert client.get("/").status_code == 302  # not logged in


# The app's own loggers (SQL echo is off in production, so sqlalchemy.engine is not enabled).
LOGGERS = ("", "werkzeug", "app", "flask", "flask_login", "flask_wtf")


def test_no_password_or_secret_in_logs(app, client, runner, caplog, capfd):
    """Log records and server output never hold a password, hash or the secret key."""
    geheim = "Zeer-Geheim-Wachtwoord-123"
    app.config["SECRET_KEY"] = "sleutel-die-niet-in-de-log-mag-9f8e7d"
    caplog.set_level(logging.DEBUG)
    for naam in LOGGERS:
        logging.getLogger(naam).setLevel(logging.DEBUG)
    try:
        uit = runner.invoke(args=["users", "create", "log@test.nl", "--role", "beheerder",
                                  "--password-stdin"], input=geheim + "\n" + geheim + "\n")
        assert uit.exit_code == 0, uit.output
        assert geheim not in uit.output
        for wachtwoord in ("fout-" + geheim, geheim, WACHTWOORD + "x"):
            client.post("/login", data={"email": "log@test.nl", "password": wachtwoord})
            client.post("/logout")
        client.post("/login", data={"email": "log@test.nl", "password": geheim})
        r = client.post("/gebruikers", data={"email": "nieuw-log@test.nl", "role": "beheerder"})
        assert r.status_code == 200
        uit2 = runner.invoke(args=["users", "password", "log@test.nl", "--password-stdin"],
                             input="Ander-Geheim-456!x\nAnder-Geheim-456!x\n")
        assert uit2.exit_code == 0, uit2.output
    finally:
        for naam in LOGGERS:
            logging.getLogger(naam).setLevel(logging.NOTSET if naam else logging.WARNING)
    with app.app_context():
        hashes = [h for (h,) in db.session.execute(text("SELECT password_hash FROM users"))]
    vastgelegd = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    out, err = capfd.readouterr()
    alles = vastgelegd + out + err
    for verboden in (geheim, "Ander-Geheim-456!x", WACHTWOORD, app.config["SECRET_KEY"],
                     *hashes):
        assert verboden not in alles


def _scenario(app, code: str, naam: str) -> int:
    """A stored scenario of gemeente ``code`` (as the scenario pages store one)."""
    from app.models import GemeenteRij, ScenarioRij
    from app.services.cijfers import basis_als_json, cijfers_gemeente
    from formatie.scenario import Scenario

    with app.app_context():
        gemeente = db.session.get(GemeenteRij, code)
        basis = cijfers_gemeente(gemeente, JAAR)
        rij = ScenarioRij(naam=naam, owner_id=None, gemeente_code=code, jaar=JAAR,
                          normenset_id=basis.rijen[0].id,
                          parameters=Scenario(naam=naam, gemeentecodes=(code,),
                                              jaar=JAAR).to_dict(),
                          basis=basis_als_json(basis), overrides={})
        db.session.add(rij)
        db.session.commit()
        return rij.id


def test_scenarios_of_another_gemeente_are_invisible(app, client, auth, gevuld):
    eigen = _scenario(app, EIGEN, "Scenario-Apeldoorn")
    ander = _scenario(app, ANDER, "Scenario-Utrecht-geheim")
    auth.als("gemeente")
    assert client.get(f"/scenarios/{eigen}").status_code == 200
    lijst = client.get("/scenarios").text
    assert "Scenario-Apeldoorn" in lijst and "Scenario-Utrecht-geheim" not in lijst
    voor = _snapshot(app)
    assert client.get(f"/scenarios/{ander}").status_code == 404
    for pad in (f"/scenarios/{ander}/kopie", f"/scenarios/{ander}/verwijder"):
        assert client.post(pad, data={"naam": "gestolen"}).status_code == 404
    for pad in (f"/scenarios/vergelijk?ids={ander}", f"/scenarios/vergelijk?ids={eigen},{ander}",
                f"/scenarios/vergelijk.xlsx?ids={ander}",
                f"/scenarios/vergelijk?ids={eigen}&ids={ander}"):
        r = client.get(pad)
        assert r.status_code in (302, 404), pad
        assert b"Scenario-Utrecht-geheim" not in r.data, pad
    assert _snapshot(app) == voor
    auth.als("andere_gemeente")
    assert client.get(f"/scenarios/{ander}").status_code == 200
    assert client.get(f"/scenarios/{eigen}").status_code == 404


def _gewijzigd(data: bytes) -> bytes:
    """The workbook with leerplichtigen of EIGEN raised by 10 % (so there is something to save)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Invoer"]
    kop = next(r for r in ws.iter_rows() if any(c.value == "gemeentecode" for c in r))
    kolom = {c.value: c.column for c in kop}
    for r in ws.iter_rows(min_row=kop[0].row + 1):  # one row per gemeente × invoer
        if (ws.cell(r[0].row, kolom["gemeentecode"]).value == EIGEN
                and ws.cell(r[0].row, kolom["invoer"]).value == "leerplichtigen"):
            cel = ws.cell(r[0].row, kolom["waarde"])
            cel.value = round(float(cel.value) * 1.1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_pending_upload_only_for_its_uploader(app, client, auth, gevuld):
    """A workbook preview token cannot be confirmed by anyone else, not even a beheerder."""
    auth.als("gemeente")
    xlsx = client.get(f"/gemeente/{EIGEN}/{JAAR}/scenario.xlsx")
    assert xlsx.status_code == 200
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}/upload",
                    data={"werkboek": (io.BytesIO(_gewijzigd(xlsx.data)), "scenario.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.text[:300]
    import re

    actie = re.search(r'action="([^"]*/upload/[^"]+/bevestig)"', r.text).group(1)
    for rol in ("regio", "beheerder", "andere_gemeente", None):
        auth.als(rol)
        voor = _snapshot(app)
        r = client.post(actie, data={"actie": "scenario", "naam": "overgenomen"})
        assert r.status_code == (302 if rol is None else 404), rol
        assert _snapshot(app) == voor, rol
    auth.als("gemeente")
    r = client.post(actie, data={"actie": "scenario", "naam": "van mij"})
    assert r.status_code == 302


def test_stored_text_is_escaped(app, client, auth, gevuld):
    """User-chosen text (a scenario name) comes back escaped on every page that shows it."""
    kwaad = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sid = _scenario(app, EIGEN, kwaad)
    auth.als("gemeente")
    for pad in ("/scenarios", f"/scenarios/{sid}", f"/scenarios/vergelijk?ids={sid}"):
        r = client.get(pad)
        assert r.status_code == 200, pad
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, pad


@pytest.mark.parametrize("pad", [
    "/static/../app/config.py", "/static/%2e%2e/app/config.py", "/static/..%2fapp%2fconfig.py",
    "/static/../instance/secret_key", "/static/style.css/../../README.md",
    "/gemeente/..%2f..%2fetc/2026", "/gemeente/0200%00/2026",
])
def test_path_traversal(client, auth, pad):
    auth.als("beheerder")
    r = client.get(pad)
    verwacht = (422,) if "%00" in pad else (404, 308)  # a NUL is refused as input (issue 12)
    assert r.status_code in verwacht, (pad, r.status_code)
    assert b"SECRET" not in r.data and b"secret_key" not in r.data.lower()
    r.close()


def test_method_override_and_foreign_origin_do_not_bypass(csrf_app):
    """X-HTTP-Method-Override is ignored, and a POST from another site without a token is
    refused (Origin/Referer are not trusted on their own)."""
    client = csrf_app.test_client()
    with csrf_app.app_context():
        user = db.session.scalar(select(User).where(User.email == GEBRUIKERS["gemeente"][0]))
    with client.session_transaction() as sessie:
        sessie["_user_id"] = user.get_id()
    voor = _snapshot(csrf_app)
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}", headers={"X-HTTP-Method-Override": "POST"},
                   query_string={"leerplichtigen": "1", "concept": "1", "version": "0"})
    assert r.status_code == 200
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data={"leerplichtigen": "1", "concept": "1",
                                                       "version": "0"},
                    headers={"Origin": "https://kwaad.example", "Referer":
                             "https://kwaad.example/"})
    assert r.status_code == 400
    assert _snapshot(csrf_app) == voor


# ----- issue 12: control characters, HSTS ------------------------------------------------------

NUL_VERZOEKEN = {  # name → (role, method, path, form data)
    "login": (None, "post", "/login", {"email": "a\x00@test.nl", "password": "x"}),
    "login-wachtwoord": (None, "post", "/login", {"email": "a@test.nl", "password": "x\x00"}),
    "scenarionaam": ("gemeente", "post", f"/scenarios/nieuw?gemeente={EIGEN}&jaar={JAAR}",
                     {"naam": "Plan\x00B"}),
    "uploadtoken": ("gemeente", "post", f"/gemeente/{EIGEN}/{JAAR}/upload/ab%00cd/bevestig",
                    {"actie": "invoer"}),
    "gebruikers": ("beheerder", "post", "/gebruikers",
                   {"email": "nieuw\x00@test.nl", "role": "gemeente", "gemeente": EIGEN}),
    "zoekparameter": ("gemeente", "get", "/scenarios?gemeente=%01", None),
    "adres": ("gemeente", "get", f"/gemeente/{EIGEN}%00/{JAAR}", None),
    "escape": ("regio", "post", f"/regio/{EIGEN_REGIO}/{JAAR}/upload",
               {"werkboek": (b"PK", "scenario\x1b.xlsx")}),
}


@pytest.mark.parametrize("geval", NUL_VERZOEKEN)
def test_control_characters_anywhere_in_a_request_give_422_in_dutch(client, auth, app, geval):
    """Issue 12, point 8: NUL made PostgreSQL answer 500; now every route answers 422 before a
    view (or the database) sees it, on every database."""
    rol, methode, pad, data = NUL_VERZOEKEN[geval]
    data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v
            for k, v in (data or {}).items()}
    auth.als(rol)
    with app.app_context():
        voor = db.session.scalar(select(func.count()).select_from(User))
    r = getattr(client, methode)(pad, data=data)
    assert r.status_code == 422, r.text[:500]
    assert "onzichtbaar stuurteken (zoals een NUL-teken)" in r.text
    _controleer_headers(r, geval)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == voor


def test_a_normenset_name_with_an_escaped_nul_is_refused_with_its_line(client, auth, app):
    auth.als("beheerder")
    tekst = STANDAARD.replace('naam = "', 'naam = "\\u0000', 1)
    r = client.post("/normen/upload", data={"bestand": (io.BytesIO(tekst.encode()), "n.toml")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "onzichtbaar stuurteken" in r.text


@pytest.mark.parametrize("secure", [True, False])
def test_hsts_is_sent_exactly_when_cookies_are_secure(database, tmp_path, secure):
    """Issue 12, point 14."""
    app = _maak_app(database.url, tmp_path, SESSION_COOKIE_SECURE=secure)
    r = app.test_client().get("/login")
    assert r.headers.get("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains" if secure else None)
    with app.app_context():
        db.engine.dispose()


# ----- issue 19: same origin on every state-changing request ----------------------------------

def _met_token(csrf_app):
    """A logged-in client of ``csrf_app`` and a valid CSRF token of its session."""
    client = csrf_app.test_client()
    with csrf_app.app_context():
        user = db.session.scalar(select(User).where(User.email == GEBRUIKERS["gemeente"][0]))
    with client.session_transaction() as sessie:
        sessie["_user_id"] = user.get_id()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(f"/gemeente/{EIGEN}/{JAAR}").text).group(1)
    return client, token


@pytest.mark.parametrize("kop", [
    {"Origin": "https://kwaad.example"}, {"Origin": "null"},
    {"Origin": "http://localhost:8080"}, {"Origin": "https://localhost"},
    {"Referer": "https://kwaad.example/pagina"},
])
def test_a_valid_csrf_token_with_a_foreign_origin_is_refused(csrf_app, kop):
    """Issue 19: a valid CSRF token was accepted with a foreign Origin."""
    client, token = _met_token(csrf_app)
    voor = _snapshot(csrf_app)
    data = {"leerplichtigen": "1", "concept": "1", "version": "0", "csrf_token": token}
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data, headers=kop)
    assert r.status_code == 403 and "kwam van een andere website" in r.text
    assert _snapshot(csrf_app) == voor
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data,
                    headers={"Origin": "http://localhost", "Referer": "http://localhost/x"})
    assert r.status_code == 302  # the site's own origin (make run: http://127.0.0.1:5000)


def test_the_origin_behind_the_documented_proxy_is_the_public_one(request, database, tmp_path):
    from .conftest import _app_met_gebruikers

    app = _app_met_gebruikers(request, database, tmp_path, PROXY_COUNT=1,
                              WTF_CSRF_ENABLED=True)
    try:
        client, token = _met_token(app)
        proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "formatie.example.nl",
                 "X-Forwarded-For": "198.51.100.9",  # Flask-WTF wants a Referer over https
                 "Referer": f"https://formatie.example.nl/gemeente/{EIGEN}/{JAAR}"}
        data = {"leerplichtigen": "1", "concept": "1", "version": "0", "csrf_token": token}
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data,
                        headers={**proxy, "Origin": "http://localhost"},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert r.status_code == 403
        r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data,
                        headers={**proxy, "Origin": "https://formatie.example.nl"},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert r.status_code == 302
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
