"""The app factory: configuration, secret key, security headers, error pages."""

import os
import re

import pytest

from app import create_app
from app.config import database_url

from .conftest import maak_config


def test_testing_flag(database, tmp_path):
    assert not create_app(instance_path=str(tmp_path)).testing
    assert create_app(maak_config(database.url), instance_path=str(tmp_path)).testing


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    eerste = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    tweede = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert eerste == tweede and len(eerste) == 64
    assert (tmp_path / "secret_key").read_text().strip() == eerste
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"
    monkeypatch.setenv("SECRET_KEY", "uit-de-omgeving")
    assert create_app(instance_path=str(tmp_path)).config["SECRET_KEY"] == "uit-de-omgeving"


def test_production_config_hashes_passwords_with_scrypt_and_a_test_config_may_pick_another(
        tmp_path):
    from app.models import User

    productie = create_app(instance_path=str(tmp_path))
    assert productie.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with productie.app_context():
        user = User(email="a@b.nl", role="gemeente")
        user.set_password("een-lang-wachtwoord")
        assert user.password_hash.startswith("scrypt:")
    goedkoop = create_app(maak_config("sqlite://", PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"),
                          instance_path=str(tmp_path))
    with goedkoop.app_context():
        user.set_password("een-lang-wachtwoord")
        assert user.password_hash.startswith("pbkdf2:sha256:1000$")
        assert user.check_password("een-lang-wachtwoord")


def test_database_url_rewrite(tmp_path, monkeypatch):
    assert database_url(None) == "sqlite:///formatie.db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///formatie.db"
    with app.app_context():
        from app.extensions import db

        assert db.engine.url.database == str(tmp_path / "formatie.db")


def test_session_cookie_flags(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert create_app(instance_path=str(tmp_path)).config["SESSION_COOKIE_SECURE"] is False


def test_sqlite_wal_and_foreign_keys(app):
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_security_headers(client, auth):
    for pad in ("/login", "/toegankelijkheid", "/bestaat-niet", "/health"):
        r = client.get(pad)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert r.headers["X-Frame-Options"] == "DENY"


def test_error_pages_are_dutch(client, auth):
    r = client.get("/bestaat-niet")
    assert r.status_code == 404
    assert "Pagina niet gevonden" in r.text and 'lang="nl"' in r.text
    r = client.get("/normen/upload")
    assert r.status_code == 405 and "Methode niet toegestaan" in r.text


def test_upload_too_large(client, auth):
    auth.als("beheerder")
    # A raw multipart body (a file-like body would be spooled to a temp file left open).
    body = (b'--grens\r\nContent-Disposition: form-data; name="bestand"; filename="g.toml"'
            b"\r\n\r\n" + b"x" * (6 * 1024 * 1024) + b"\r\n--grens--\r\n")
    r = client.post("/normen/upload", data=body,
                    content_type="multipart/form-data; boundary=grens")
    assert r.status_code == 413 and "groter dan 5 MB" in r.text


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json == {"status": "ok", "database": "ok"}


def test_server_error_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/kapot")
    def kapot():
        raise RuntimeError("stuk")

    r = app.test_client().get("/kapot")
    assert r.status_code == 500
    assert "Er ging iets mis" in r.text and "stuk" not in r.text and "Traceback" not in r.text


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids inline scripts and style attributes; keep the templates clean."""
    from pathlib import Path

    for pad in (Path(__file__).parents[2] / "templates").rglob("*.html"):
        tekst = pad.read_text(encoding="utf-8")
        assert "<script" not in tekst and "style=" not in tekst and "<style" not in tekst, pad
        assert not re.search(r"\son[a-z]+\s*=", tekst), pad  # no inline event handlers


def test_instance_folder_and_its_sqlite_database_are_for_the_app_user_only(tmp_path,
                                                                           monkeypatch):
    """Under the usual umask 022 instance/ would be 0755 and formatie.db 0644 (readable by
    every local user); the app makes them 0700 and 0600, the WAL files follow the database."""
    import stat

    from app.extensions import db

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    oud = os.umask(0o022)
    try:
        instance = tmp_path / "instance"
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///formatie.db"},
                         instance_path=str(instance))
        uit = app.test_cli_runner().invoke(args=["init"])
        assert uit.exit_code == 0, uit.output
        with app.app_context():
            db.session.execute(db.text("SELECT 1"))
            modi = {p.name: stat.S_IMODE(p.stat().st_mode) for p in instance.iterdir()}
            db.session.remove()
            db.engine.dispose()
        assert stat.S_IMODE(instance.stat().st_mode) == 0o700
        assert modi["formatie.db"] == 0o600 and modi["secret_key"] == 0o600
        assert all(m == 0o600 for n, m in modi.items() if n.startswith("formatie.db")), modi
        # an existing folder and database of the app's user are tightened on start
        instance.chmod(0o755)
        (instance / "formatie.db").chmod(0o644)
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///formatie.db"},
                   instance_path=str(instance))
        assert stat.S_IMODE(instance.stat().st_mode) == 0o700
        assert stat.S_IMODE((instance / "formatie.db").stat().st_mode) == 0o600
    finally:
        os.umask(oud)
