"""Security headers on every response (HSTS when cookies are Secure), and a guard that answers
422 for control characters anywhere in a request's text."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user

from formatie.tekst import STUURTEKEN_MELDING, heeft_stuurteken

from .errors import foutpagina

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


#: One year, subdomains included; sent only when the session cookie is Secure (served over
#: HTTPS behind a proxy), never on plain-HTTP localhost serving (``make run``).
HSTS = "max-age=31536000; includeSubDomains"


def _stuurteken_in_verzoek() -> str | None:
    """Where the request carries a control character (NUL …): a Dutch description, or None.

    Checked before any view runs, so no route (including the unauthenticated ``POST /login``)
    ever hands one to the database: PostgreSQL refuses NUL in text with an error (a 500).
    """
    if heeft_stuurteken(request.path, meerdere_regels=False):
        return "Het adres"
    for bron, naam in ((request.args, "De zoekparameter"), (request.form, "Het veld")):
        for sleutel, waarde in bron.items(multi=True):
            if heeft_stuurteken(sleutel, meerdere_regels=False) or heeft_stuurteken(waarde):
                return f"{naam} '{sleutel[:40]}'" if not heeft_stuurteken(
                    sleutel, meerdere_regels=False) else naam
    for sleutel, bestand in request.files.items(multi=True):
        if heeft_stuurteken(sleutel, meerdere_regels=False) or heeft_stuurteken(
                bestand.filename or "", meerdere_regels=False):
            return "De bestandsnaam"
    return None


def register(app: Flask) -> None:
    @app.before_request
    def weiger_stuurtekens():
        waar = _stuurteken_in_verzoek()
        if waar is not None:
            return foutpagina(422, f"{waar} {STUURTEKEN_MELDING}")
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        for naam, waarde in HEADERS.items():
            response.headers.setdefault(naam, waarde)
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if not request.path.startswith("/static/") and current_user.is_authenticated:
            # Pages with a gemeente's figures stay out of shared caches and the back cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
