"""The Formatietool web application (Flask app factory).

Pages (bookmarkable): ``/login``, ``/logout``, ``/sso/login`` and ``/sso/callback`` (single
sign-on, only when configured), ``/wachtwoord`` (change one's password), ``/`` (overview),
``/toegankelijkheid``,
``/gemeente/<code>/<jaar>`` (invoer form), ``…/resultaat`` (with ranges and benchmark),
``…/resultaat.json`` (``?onzekerheid=1``: with ranges), ``…/historie``, ``…/gevoeligheid``,
``…/historie-invoer`` (earlier years), ``…/prognose``, ``/kalibratie`` (beheerder, regio),
``/regio/<MCxx>/<jaar>``, ``/team/<id>/<jaar>`` (+ ``resultaat.json``), ``/teams``
(beheerder: teams and their CSV upload), ``/normen`` (+ ``/normen/<id>``, upload, activate),
``/gebruikers``
(beheerder), ``/health``. Excel scenario workbooks: ``/gemeente/<code>/<jaar>/scenario.xlsx``,
``/regio/<MCxx>/<jaar>/scenario.xlsx``, ``POST …/upload`` (preview) and
``POST …/upload/<token>/bevestig``; scenarios: ``/scenarios`` (+ ``/nieuw``, ``/<id>``,
``/<id>/kopie``, ``/<id>/verwijder``, ``/vergelijk``, ``/vergelijk.xlsx``). Every figure comes
from the ``formatie`` model package.

Commands: ``flask --app app init`` (migrate + seed, idempotent), ``flask --app app users
create|password|list``, ``flask --app app teams importeer TEAMS.csv``, ``flask --app app
demo``; operations (app/beheer.py and the check in app/controle.py, docs/beheer.md):
``backup``, ``restore``, ``copy-data``, ``check``; ``make run`` serves with gunicorn.

Environment: ``DATABASE_URL`` (PostgreSQL; default SQLite in instance/), ``SECRET_KEY``
(default: generated once into instance/secret_key), ``PORT``, ``SESSION_COOKIE_SECURE``
(default on, except debug/testing), ``PROXY_COUNT`` (trusted reverse proxies, for client IPs)
and ``PROXY_ADRESSEN`` (the addresses they connect from; default loopback), ``OIDC_ISSUER``,
``OIDC_CLIENT_ID``, ``OIDC_CLIENT_SECRET``, ``OIDC_REDIRECT_URI``, ``OIDC_BEHEERDER`` (single
sign-on, see app.views.sso), ``THEMA`` (the design-token theme, see app.thema; default
``voorbeeld``). All of them: docs/beheer.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import event, select
from werkzeug.routing import IntegerConverter

from .config import beveilig_instance, database_url, env_bool, oidc_instellingen, secret_key
from .extensions import csrf, db, login_manager, migrate
from .models import MAX_INT, PASSWORD_HASH_METHOD

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app. ``test_config`` replaces instance/config.py (flaskr style)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path,
        template_folder=str(ROOT / "templates"),
    )
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    configure(app, test_config)
    beveilig_instance(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"])
    register_extensions(app)
    app.url_map.converters["id"] = IdConverter  # before the blueprints' rules are built
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    return app


class IdConverter(IntegerConverter):
    """``<id:naam>``: a database id, 1 to :data:`app.models.MAX_INT`; anything else is a 404
    before any query."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_INT)
        super().__init__(url_map, *args, **kwargs)


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=database_url(os.environ.get("DATABASE_URL")),
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # Filling in the form can take long; the CSRFError handler keeps the values anyway.
        WTF_CSRF_TIME_LIMIT=4 * 3600,
        PORT=int(os.environ.get("PORT", "5000")),
        PROXY_COUNT=int(os.environ.get("PROXY_COUNT", "0")),
        PROXY_ADRESSEN=os.environ.get("PROXY_ADRESSEN", "127.0.0.1,::1"),
        # Tests pick a cheap method; production keeps the strong default.
        PASSWORD_HASH_METHOD=PASSWORD_HASH_METHOD,
        **oidc_instellingen(),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    # THEMA: the environment wins over instance/config.py (like SECRET_KEY); app.thema checks it.
    if (thema := os.environ.get("THEMA", "").strip()) and "THEMA" not in (test_config or {}):
        app.config["THEMA"] = thema
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):
        # Secure outside debug/testing; SESSION_COOKIE_SECURE=0 for plain-HTTP localhost
        # serving (make run), since not every browser sends Secure cookies to 127.0.0.1.
        secure = env_bool("SESSION_COOKIE_SECURE", not (app.debug or app.testing))
        app.config["SESSION_COOKIE_SECURE"] = secure
        app.config["REMEMBER_COOKIE_SECURE"] = secure
    if app.config["PROXY_COUNT"]:
        adressen = {a.strip() for a in app.config["PROXY_ADRESSEN"].split(",") if a.strip()}
        app.wsgi_app = AlleenVanProxy(app.wsgi_app, app.config["PROXY_COUNT"], adressen)


class AlleenVanProxy:
    """werkzeug's ProxyFix (``n`` proxies: X-Forwarded-For, -Proto and -Host), but only for a
    connection from one of ``adressen`` (the proxy itself). From anyone else the X-Forwarded-*
    headers are dropped: a client that reaches gunicorn directly cannot pick its own address
    (the login back-off is per address) or host (issue 19)."""

    def __init__(self, wsgi_app, n: int, adressen: set[str]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        self.wsgi_app = wsgi_app
        self.proxy_fix = ProxyFix(wsgi_app, x_for=n, x_proto=n, x_host=n)
        self.adressen = adressen

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.adressen:
            return self.proxy_fix(environ, start_response)
        for sleutel in [k for k in environ if k.startswith("HTTP_X_FORWARDED_")]:
            del environ[sleutel]
        return self.wsgi_app(environ, start_response)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login_manager.init_app(app)
    csrf.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)

    from .models import User

    @login_manager.user_loader
    def load_user(session_token: str):
        """The session holds User.session_token (rotated on logout and password change)."""
        if not session_token or len(session_token) > 64:
            return None
        user = db.session.scalar(select(User).where(User.session_token == session_token))
        return user if user is not None and user.active else None


def register_blueprints(app: Flask) -> None:
    """Every view module of :mod:`app.views` (one blueprint per feature; a view imports no
    other view and calls the services in :mod:`app.services`, see
    tests/web/test_structuur.py). Endpoint names are the blueprints' (``gemeente.resultaat``)."""
    from .views import (
        auth,
        begroting,
        gebruikers,
        gemeente,
        gevoeligheid,
        health,
        kalibratie,
        main,
        normen,
        prognose,
        regio,
        scenario,
        sso,
        teams,
        validatie,
        wachtwoord,
        werkboek,
    )

    for module in (auth, sso, wachtwoord, main, gemeente, regio, normen, gebruikers, health,
                   gevoeligheid, prognose, kalibratie, validatie, werkboek, scenario, teams,
                   begroting):
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    from .security import register

    register(app)
    from .filters import register as register_filters

    register_filters(app)
    from .thema import register as register_thema

    register_thema(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
