"""Security headers on every response (HSTS when cookies are Secure), a guard that answers 422
for control characters anywhere in a request's text, and a same-origin check on every request
that changes state."""

from __future__ import annotations

from urllib.parse import urlsplit

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


#: Methods that change state: a browser sends their Origin (or at least Referer) header.
VERANDEREND = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANDERE_HERKOMST = ("Dit verzoek kwam van een andere website ({herkomst}) en is geweigerd. Open "
                   "de formatietool zelf en probeer het daar opnieuw.")


def _andere_herkomst() -> str | None:
    """The foreign origin of a state-changing request, or None when it is this site's own.

    Same-origin policy (issue 19: a valid CSRF token was accepted with a foreign ``Origin``):
    the browser's ``Origin`` header, or without one its ``Referer``, must be scheme, host and
    port of this site as the app sees it (``request.host_url``: behind the documented nginx
    the forwarded scheme and host of a trusted proxy; on ``make run`` http://127.0.0.1:5000).
    ``Origin: null`` (a sandboxed frame, a data: URL) is foreign. A request without either
    header is no browser's form; it still needs its CSRF token."""
    if request.method not in VERANDEREND:
        return None
    eigen = request.host_url.rstrip("/")
    herkomst = request.headers.get("Origin")
    if herkomst is None:
        referer = request.headers.get("Referer")
        if not referer:
            return None
        delen = urlsplit(referer)
        herkomst = f"{delen.scheme}://{delen.netloc}"
    return None if herkomst.rstrip("/") == eigen else herkomst


def register(app: Flask) -> None:
    @app.before_request
    def weiger_andere_herkomst():
        herkomst = _andere_herkomst()
        if herkomst is not None:
            return foutpagina(403, ANDERE_HERKOMST.format(herkomst=herkomst[:100]))
        return None

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
