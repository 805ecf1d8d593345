"""Web fixtures (flaskr style): app, client, runner, auth, and users of every role.

The ``app`` fixture runs on SQLite always and also on PostgreSQL when ``TEST_DATABASE_URL`` is
set (every test gets a fresh schema there). SQLite tests copy a database that ``flask init``
prepared once per session, so each test starts from a freshly migrated and seeded file.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import jinja2
import jinja2.bccache
import numpy as np
import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.config import database_url
from app.extensions import db
from app.models import InvoerRij, User, utcnow
from app.services.normensets import actieve_rij, als_normenset
from formatie.getallen import parse_getal
from formatie.referentie import load_referentie
from formatie.schatting import geschatte_invoer

WACHTWOORD = "een-lang-testwachtwoord"
#: A cheap hash for test apps (scrypt costs ~0,15 s per login); production keeps scrypt
#: (tests/web/test_factory.py checks that default).
TEST_HASH_METHOD = "pbkdf2:sha256:1000"
_HASH = generate_password_hash(WACHTWOORD, method=TEST_HASH_METHOD)

EIGEN = "0200"  # Apeldoorn, regio MC11
BUUR = "0150"  # Deventer, also MC11
ANDER = "0344"  # Utrecht, MC19
EIGEN_REGIO = "MC11"
ANDERE_REGIO = "MC19"
JAAR = utcnow().year

#: NL Design System markup the page tests read (templates/_macros.html and the table classes).
RIJKOP = ('<th scope="row" class="utrecht-table__header-cell '
          'utrecht-table__header-cell--sticky-inline">')
GETALCEL = '<td class="utrecht-table__cell utrecht-table__cell--numeric-column">'
CEL = '<td class="utrecht-table__cell">'
LEGENDA = ('<legend class="utrecht-form-fieldset__legend '
           'utrecht-form-fieldset__legend--html-legend">')
VELDFOUT = 'class="utrecht-form-field__error-message utrecht-form-field-error-message"'

GEBRUIKERS = {
    "gemeente": ("gemeente@test.nl", "gemeente", EIGEN, None),
    "andere_gemeente": ("utrecht@test.nl", "gemeente", ANDER, None),
    "regio": ("regio@test.nl", "regio", None, EIGEN_REGIO),
    "beheerder": ("beheerder@test.nl", "beheerder", None, None),
    # made by maak_team_gebruiker only (a team user needs a team; other tests have none)
    "team": ("team@test.nl", "team", None, None),
}
#: The test team of ``maak_team_gebruiker``: EIGEN and ANDER (two regions), not BUUR.
TEAM_NAAM = "Testteam"
TEAM_LEDEN = (EIGEN, ANDER)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"]
if TEST_DATABASE_URL:
    BACKENDS.append(pytest.param("postgresql", marks=pytest.mark.postgres))


def maak_config(url: str, **extra) -> dict:
    return {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": TEST_HASH_METHOD, **extra}


def _init(app) -> None:
    uit = app.test_cli_runner().invoke(args=["init"])
    assert uit.exit_code == 0, uit.output + repr(uit.exception)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    pad = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(maak_config(f"sqlite:///{pad}"),
                     instance_path=str(tmp_path_factory.mktemp("instance")))
    _init(app)
    with app.app_context():
        db.session.execute(text("PRAGMA journal_mode=DELETE"))  # one self-contained file
        db.session.remove()
        db.engine.dispose()
    return pad


@dataclass
class Database:
    """Where a test's database lives; ``url`` for the app, ``opruimen`` to drop it."""

    url: str
    schema: str | None = None

    def opruimen(self) -> None:
        if self.schema:
            engine = create_engine(database_url(TEST_DATABASE_URL))
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            engine.dispose()


def postgres_schema() -> Database:
    """A fresh, empty schema; the app's connections use it through search_path."""
    schema = "test_" + uuid.uuid4().hex[:12]
    basis = database_url(TEST_DATABASE_URL)
    engine = create_engine(basis)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(basis).update_query_dict({"options": f"-csearch_path={schema}"})
    return Database(url.render_as_string(hide_password=False), schema)


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path, sqlite_template):
    """A migrated and seeded database (``flask init`` has run)."""
    if request.param == "sqlite":
        pad = tmp_path / "formatie.db"
        shutil.copy(sqlite_template, pad)
        yield Database(f"sqlite:///{pad}")
        return
    database = postgres_schema()
    app = create_app(maak_config(database.url), instance_path=str(tmp_path / "init"))
    _init(app)
    with app.app_context():
        db.engine.dispose()
    yield database
    database.opruimen()


@pytest.fixture
def sqlite_app(tmp_path, sqlite_template):
    """The app on a migrated, seeded SQLite file with the test accounts (SQLite only: the
    source of a copy to PostgreSQL, or a file to back up)."""
    pad = tmp_path / "formatie.db"
    shutil.copy(sqlite_template, pad)
    app = _maak_app(f"sqlite:///{pad}", tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def pg_database():
    """The URL of a throwaway PostgreSQL *database* of its own (not a schema: pg_dump and
    copy-data work on whole databases), on the server of TEST_DATABASE_URL; dropped after."""
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL is niet bereikbaar op 127.0.0.1:5432 (of TEST_POSTGRES=0)")
    basis = make_url(database_url(TEST_DATABASE_URL)).set(query={})
    naam = "formatie_" + uuid.uuid4().hex[:12]
    beheer = basis.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(beheer, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{naam}"')
    yield basis.set(database=naam).render_as_string(hide_password=False)
    with psycopg.connect(beheer, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def lege_database(request, tmp_path):
    """An empty database (no tables), for migration tests."""
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'leeg.db'}")
        return
    database = postgres_schema()
    yield database
    database.opruimen()


class GedeeldeTemplateCache(jinja2.BytecodeCache):
    """Compiled templates shared by every test app of this process, in memory.

    Each test builds a new app, so a new Jinja environment that would compile every template
    again; sharing the compiled code saves about 8 % of a web test's CPU time. Jinja checks
    the source checksum, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.opslag: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.opslag:
            bucket.bytecode_from_string(self.opslag[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.opslag[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = GedeeldeTemplateCache()


def _maak_app(url: str, tmp_path, gebruikers: bool = True, **extra):
    """The app on ``url``; ``gebruikers=False`` when the database holds the test accounts
    already (a copy of ``sqlite_template_met_gebruikers``)."""
    app = create_app(maak_config(url, **extra), instance_path=str(tmp_path / "instance"))
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    if not gebruikers:
        return app
    with app.app_context():
        for sleutel, (email, role, gemeente, regio) in GEBRUIKERS.items():
            if sleutel == "team":
                continue
            db.session.add(User(email=email, password_hash=_HASH, role=role,
                                gemeente_code=gemeente, regio_code=regio, active=True))
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def sqlite_template_met_gebruikers(sqlite_template, tmp_path_factory):
    """``sqlite_template`` plus the test accounts: what ``app`` starts from on SQLite, so no
    test pays for inserting and committing them again."""
    map_ = tmp_path_factory.mktemp("template-gebruikers")
    pad = map_ / "template.db"
    shutil.copy(sqlite_template, pad)
    app = _maak_app(f"sqlite:///{pad}", map_)
    with app.app_context():
        db.session.execute(text("PRAGMA journal_mode=DELETE"))  # one self-contained file
        db.session.remove()
        db.engine.dispose()
    return pad


def _app_met_gebruikers(request, database, tmp_path, **extra):
    """The app with the test accounts on ``database``: on SQLite its file becomes a copy of
    ``sqlite_template_met_gebruikers``, on PostgreSQL the accounts are inserted."""
    if database.schema is None:
        shutil.copy(request.getfixturevalue("sqlite_template_met_gebruikers"),
                    database.url.removeprefix("sqlite:///"))
        return _maak_app(database.url, tmp_path, gebruikers=False, **extra)
    return _maak_app(database.url, tmp_path, **extra)


@pytest.fixture
def app(request, database, tmp_path):
    app = _app_met_gebruikers(request, database, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def gedeelde_app(request, tmp_path_factory, sqlite_template):
    """One app (with the test accounts) for all tests of a module, on each backend.

    Only for read-only matrices (every request is a GET, or is refused with 404 so it changes
    nothing): building a fresh app and database per case costs more than the request itself.
    A test that saves anything uses ``app``."""
    pad = tmp_path_factory.mktemp("gedeeld")
    if request.param == "sqlite":
        shutil.copy(sqlite_template, pad / "formatie.db")
        database = Database(f"sqlite:///{pad / 'formatie.db'}")
    else:
        database = postgres_schema()
        init = create_app(maak_config(database.url), instance_path=str(pad / "init"))
        _init(init)
        with init.app_context():
            db.engine.dispose()
    app = _maak_app(database.url, pad)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    database.opruimen()


@pytest.fixture
def gedeelde_client(gedeelde_app):
    """A client of ``gedeelde_app`` with its own (empty) session."""
    return gedeelde_app.test_client()


@pytest.fixture
def gedeelde_auth(gedeelde_client, gedeelde_app):
    return AuthActions(gedeelde_client, gedeelde_app)


@pytest.fixture
def csrf_app(request, database, tmp_path):
    """The app with CSRF protection on, as in production."""
    app = _app_met_gebruikers(request, database, tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client, app):
        self._client = client
        self._app = app

    def login(self, email="gemeente@test.nl", password=WACHTWOORD):
        """A real login through the form."""
        return self._client.post("/login", data={"email": email, "password": password})

    def als(self, rol: str | None) -> None:
        """Log in as one of GEBRUIKERS quickly (session cookie, no password hashing)."""
        if rol is None:
            self.logout()
            return
        with self._app.app_context():
            user = db.session.scalar(db.select(User).where(User.email == GEBRUIKERS[rol][0]))
            user_id = user.get_id()  # the session token, not the id
        with self._client.session_transaction() as sessie:
            sessie.clear()
            sessie["_user_id"] = user_id
            sessie["_fresh"] = True

    def logout(self):
        with self._client.session_transaction() as sessie:
            sessie.clear()


@pytest.fixture
def auth(client, app):
    return AuthActions(client, app)


def geschatte_waarden(app, code: str) -> dict[str, float]:
    """Whole-number estimates for every invoer of the active normenset (complete figures)."""
    with app.app_context():
        normenset = als_normenset(actieve_rij())
    ref = load_referentie()
    rij = geschatte_invoer(normenset, ref)[ref.index[code]]
    return {s: float(np.round(v)) for s, v in zip(normenset.invoer_sleutels, rij, strict=True)}


def volume_van(app, code: str):
    """(the active normenset, its (1, I) volume of ``code``'s estimates)."""
    with app.app_context():
        n = als_normenset(actieve_rij())
    w = geschatte_waarden(app, code)
    return n, np.array([[w[s] for s in n.invoer_sleutels]])


def bewaar_invoer(app, code: str, jaar: int = JAAR, status: str = "ingediend", waarden=None,
                  bezetting=None, herkomst: str | None = None) -> int:
    """Store an invoer directly (estimated figures unless ``waarden``); its id. ``herkomst``:
    one formatie.herkomst soort for every value (none given: herkomst onbekend, as a row
    saved before the tool kept it)."""
    waarden = geschatte_waarden(app, code) if waarden is None else waarden
    with app.app_context():
        rij = actieve_rij()
        invoer = InvoerRij(gemeente_code=code, jaar=jaar, status=status, waarden=waarden,
                        bezetting=bezetting or {}, normenset_id=rij.id,
                        herkomst={s: {"soort": herkomst} for s in waarden} if herkomst else {})
        db.session.add(invoer)
        db.session.commit()
        return invoer.id


def maak_team(app, naam: str, leden: tuple[str, ...], functie: str = "leerplicht") -> int:
    """Store a team with ``leden`` directly; its id."""
    from app.models import TeamLidRij, TeamRij

    with app.app_context():
        rij = TeamRij(naam=naam, functie=functie, soort="rbl", verdeelsleutel="werklast",
                      leden=[TeamLidRij(functie=functie, gemeente_code=c) for c in leden])
        db.session.add(rij)
        db.session.commit()
        return rij.id


def maak_team_gebruiker(app) -> int:
    """The team TEAM_NAAM (TEAM_LEDEN, leerplicht) and its coordinator GEBRUIKERS["team"]
    (log in with ``auth.als("team")``); the team's id."""
    team_id = maak_team(app, TEAM_NAAM, TEAM_LEDEN)
    with app.app_context():
        db.session.add(User(email=GEBRUIKERS["team"][0], password_hash=_HASH, role="team",
                            team_id=team_id, active=True))
        db.session.commit()
    return team_id


@pytest.fixture
def vul_invoer(app):
    """Store an invoer directly: ``vul_invoer(code, status=..., waarden=...)``."""

    def vul(code: str, *args, **kwargs) -> int:
        return bewaar_invoer(app, code, *args, **kwargs)

    return vul


@pytest.fixture
def gebruikers(app) -> dict[str, str]:
    """E-mail address per test role (gemeente, andere_gemeente, regio, beheerder); every
    account has the password WACHTWOORD. Log in with ``auth.als(rol)`` or ``auth.login()``.
    (The team coordinator exists only after :func:`maak_team_gebruiker`.)"""
    return {rol: email for rol, (email, *_rest) in GEBRUIKERS.items() if rol != "team"}


# ----- single sign-on (app/views/sso.py): a real OpenID Connect provider, and a misbehaving one ---

@pytest.fixture
def sso(tmp_path):
    """The app served from a thread with single sign-on against the real npm oidc-provider
    (tests/oidc); ``sso.url``, ``sso.app``, ``sso.provider``. Skips without node or npm ci."""
    from oidc.servers import reden_om_over_te_slaan, sso_app_met_provider

    if reden := reden_om_over_te_slaan():
        pytest.skip(reden)
    live, provider = sso_app_met_provider(tmp_path)
    live.provider = provider
    yield live
    provider.stop()
    live.stop()


@pytest.fixture(scope="session")
def sso_sleutels():
    """(the provider's signing key, a forger's key with the same kid): RSA 2048."""
    from joserfc.jwk import RSAKey

    return tuple(RSAKey.generate_key(2048, parameters={"kid": "sleutel-1"}) for _ in range(2))


@pytest.fixture(params=["wachtwoord"])
def nep_sso(request, tmp_path, sso_sleutels):
    """The app served with single sign-on against oidc.servers.NepProvider, whose token
    endpoint answers what the test sets in ``nep_sso.provider.antwoord``. Indirectly
    parametrized with ``OIDC_BEHEERDER`` (default ``wachtwoord``)."""
    from oidc.servers import NepProvider, SsoApp

    provider = NepProvider(sso_sleutels[0]).start()
    live = SsoApp(tmp_path, provider.issuer, OIDC_BEHEERDER=request.param).start()
    live.provider = provider
    yield live
    live.stop()
    provider.stop()


class _Tabellen(HTMLParser):
    """Every <table id=…> of a page as rows of cell texts (thead, tbody and tfoot)."""

    def __init__(self):
        super().__init__()
        self.tabellen: dict[str, list[list[str]]] = {}
        self._tabel: str | None = None
        self._rij: list[str] | None = None
        self._cel: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._tabel = attrs["id"]
            self.tabellen[self._tabel] = []
        elif self._tabel and tag == "tr":
            self._rij = []
        elif self._rij is not None and tag in ("td", "th"):
            self._cel = []
        elif self._cel is not None and tag == "span" and "visueel-verborgen" in (
                attrs.get("class") or ""):
            self._cel.append("\x00")  # screen-reader text: cut off below

    def handle_endtag(self, tag):
        if tag == "table":
            self._tabel = None
        elif tag == "tr" and self._rij is not None:
            self.tabellen[self._tabel].append(self._rij)
            self._rij = None
        elif tag in ("td", "th") and self._cel is not None:
            self._rij.append("".join(self._cel).split("\x00")[0].strip())
            self._cel = None

    def handle_data(self, data):
        if self._cel is not None:
            self._cel.append(data)


def tabel(html: str, tabel_id: str) -> list[list[str]]:
    """The rows (lists of cell texts) of the table with ``id=tabel_id`` on a page."""
    parser = _Tabellen()
    parser.feed(html)
    return parser.tabellen[tabel_id]


def getal(tekst: str) -> float:
    """A number as a page shows it (Dutch: 1.234,56; a minus sign may be − or -)."""
    return parse_getal(tekst.replace("−", "-").split()[0], ",")


@pytest.fixture
def activeer_andere_normenset(app):
    """``activeer()`` stores a second normenset (norm hours × 1,5, leiding 0,2) and makes it
    the active one, the way a beheerder does; returns its stored TOML text. Figures saved
    before keep the normenset they were saved under."""
    from app.models import NormensetRij
    from app.services.normensets import activeer
    from formatie.normenset import normenset_als_toml

    def maak() -> str:
        with app.app_context():
            basis = als_normenset(actieve_rij())
            taken = tuple(replace(t, uren=t.uren * 1.5, uren_laag=t.uren_laag * 1.5,
                                  uren_hoog=t.uren_hoog * 1.5) for t in basis.taken)
            functies = tuple(replace(f, leiding=0.2) for f in basis.functies)
            ander = replace(basis, versie="anders", taken=taken, functies=functies)
            tekst = normenset_als_toml(ander)
            rij = NormensetRij(naam=ander.naam, versie=ander.versie, toml=tekst)
            db.session.add(rij)
            db.session.flush()
            activeer(rij)
            db.session.commit()
            return tekst

    return maak
