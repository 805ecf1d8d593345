"""OpenID Connect providers on loopback for the single sign-on tests.

``OidcProvider``: the real npm ``oidc-provider`` (provider.mjs beside this file, installed by
``npm ci`` in tests/oidc) in its own process group; its dev-interactions login accepts the fixed
accounts of provider.mjs with any password. ``NepProvider``: a provider that misbehaves on
purpose, which a real one cannot be made to do: its token endpoint answers whatever ID token the
test forged (with the test key from its JWKS, another key, an old expiry, another issuer …).
``sso_app`` serves the app with single sign-on configured from a thread, for both.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from load.server import ThreadServer, free_port, prepare_database

MAP = Path(__file__).resolve().parent
CLIENT_ID = "formatietool-test"
CLIENT_SECRET = "alleen-voor-tests-" + "x" * 20


def reden_om_over_te_slaan() -> str | None:
    """Why the real provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is missing (Debian package nodejs), needed for the OpenID Connect provider"
    if not (MAP / "node_modules" / "oidc-provider").is_dir():
        if shutil.which("npm") is None:
            return ("npm is missing (Debian package npm), so `make test` could not install the "
                    "OpenID Connect provider in tests/oidc/node_modules")
        return ("tests/oidc/node_modules is missing: `make test` runs `npm ci` in tests/oidc "
                "(it failed, or pytest was started without make)")
    return None


class OidcProvider:
    """``node provider.mjs`` on 127.0.0.1:``port``, for one redirect URI of the app."""

    def __init__(self, port: int, redirect_uri: str, tmp: Path):
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.redirect_uri = redirect_uri
        self.log = tmp / f"oidc-provider-{port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> OidcProvider:
        env = {**os.environ, "ISSUER": self.issuer, "PORT": str(self.port),
               "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
               "REDIRECT_URI": self.redirect_uri, "NODE_ENV": "development"}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(["node", "provider.mjs"], cwd=MAP, env=env,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        eind = time.monotonic() + 30
        while time.monotonic() < eind:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oidc-provider stopped: {self.log.read_text()[-2000:]}")
            try:
                r = requests.get(self.issuer + "/.well-known/openid-configuration", timeout=2)
                if r.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"oidc-provider did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def log_in_bij_provider(s: requests.Session, app_url: str, login: str,
                        start: str | None = None) -> requests.Response:
    """The whole journey over HTTP: app → provider's login form → app's callback → app.
    ``start``: begin at this authorization URL instead of the app's /sso/login.

    Returns the app's final answer; ``r.history`` holds the callback request.
    """
    r = s.get(start or app_url + "/sso/login", timeout=30)
    actie = re.search(r'<form[^>]*action="([^"]+)"', r.text)
    assert actie and "/interaction/" in r.url, (r.url, r.text[:500])
    return s.post(urljoin(r.url, unescape(actie.group(1))),
                  data={"prompt": "login", "login": login, "password": "willekeurig"},
                  timeout=30)


@dataclass
class NepProvider:
    """A misbehaving provider: discovery, JWKS (``sleutel``'s public half) and a token endpoint
    that answers ``antwoord`` (set by the test) and records each token request's form."""

    sleutel: RSAKey
    antwoord: dict = field(default_factory=dict)
    verzoeken: list[dict] = field(default_factory=list)
    server: ThreadServer | None = None

    @property
    def issuer(self) -> str:
        return self.server.url

    def start(self) -> NepProvider:
        app = Flask("nep_provider")

        @app.get("/health")
        def health():
            return "ok"

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.issuer, authorization_endpoint=self.issuer + "/auth",
                           token_endpoint=self.issuer + "/token",
                           jwks_uri=self.issuer + "/jwks", response_types_supported=["code"],
                           subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           code_challenge_methods_supported=["S256"])

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.sleutel]).as_dict(private=False))

        @app.post("/token")
        def token():
            self.verzoeken.append(request.form.to_dict())
            return app.response_class(json.dumps(self.antwoord), mimetype="application/json",
                                      status=400 if "error" in self.antwoord else 200)

        self.server = ThreadServer(app).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def id_token(sleutel: RSAKey, claims: dict, alg: str = "RS256") -> str:
    """``claims`` signed with ``sleutel`` (its kid in the header)."""
    return jwt.encode({"alg": alg, "kid": sleutel.kid}, claims, sleutel)


class SsoApp:
    """The app from a thread with OIDC_* pointing at ``issuer``; ``url``, ``app``. ``config``:
    more settings (``OIDC_BEHEERDER`` …)."""

    def __init__(self, tmp: Path, issuer: str, **config):
        from app import create_app

        self.database = prepare_database("sqlite", tmp)
        # bound first, so the redirect URI (configured, never from the request) is known
        self.server = ThreadServer(lambda environ, start: self.app(environ, start))
        self.url = self.server.url
        self.redirect_uri = self.url + "/sso/callback"
        self.app = create_app(
            {"SECRET_KEY": "sso-test", "SQLALCHEMY_DATABASE_URI": self.database.url,
             "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
             "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID,
             "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_REDIRECT_URI": self.redirect_uri,
             **config},
            instance_path=str(tmp / "instance"))

    def start(self) -> SsoApp:
        self.server.start()
        return self

    def stop(self) -> None:
        from app.extensions import db

        self.server.stop()
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def sso_app_met_provider(tmp: Path):
    """(SsoApp, OidcProvider), both started; the caller stops both."""
    port = free_port()
    live = SsoApp(tmp, f"http://127.0.0.1:{port}")
    provider = OidcProvider(port, live.redirect_uri, tmp).start()
    return live.start(), provider
