"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

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


def register(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        for naam, waarde in HEADERS.items():
            response.headers.setdefault(naam, waarde)
        if not request.path.startswith("/static/") and current_user.is_authenticated:
            # Pages with a gemeente's figures stay out of shared caches and the back cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
