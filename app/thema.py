"""The NL Design System stylesheets and the theme (``THEMA``) of every page.

The CSS of the components (Utrecht component library, NL Design System candidates) and the
design-token themes are vendored into ``app/static/vendor/`` by ``make vendor``; its
``manifest.json`` names each package with version, licence and file hashes, the component
stylesheets in load order and the themes. A theme is a published design-token package: its CSS
defines the tokens on a class (``voorbeeld-theme``) that ``base.html`` puts on ``<html>``.
``THEMA`` (environment, else ``instance/config.py``; default ``voorbeeld``) picks one; an unknown
name stops the app at start-up with the names that exist (docs/beheer.md: a gemeente's own
token package).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask, url_for

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
STANDAARD = "voorbeeld"


@dataclass(frozen=True)
class Thema:
    naam: str
    pakket: str
    klasse: str  # the CSS class the token package defines its tokens on
    stylesheets: tuple[str, ...]  # paths under static/vendor/
    omschrijving: str = ""


@cache
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def themas() -> dict[str, Thema]:
    return {naam: Thema(naam, t["pakket"], t["klasse"], tuple(t["stylesheets"]),
                        t.get("omschrijving", ""))
            for naam, t in manifest()["themas"].items()}


def kies(naam: str | None) -> Thema:
    """The theme called ``naam`` (empty: the neutral default); ValueError names the choices."""
    naam = (naam or "").strip() or STANDAARD
    beschikbaar = themas()
    if naam not in beschikbaar:
        raise ValueError(f"THEMA={naam!r} bestaat niet; kies uit {', '.join(sorted(beschikbaar))} "
                         "(een eigen tokenpakket toevoegen: docs/beheer.md, 'Huisstijl').")
    return beschikbaar[naam]


def pakketten() -> list[dict]:
    """Every vendored package: naam, versie, licentie (for the accessibility statement)."""
    return manifest()["pakketten"]


def register(app: Flask) -> None:
    """Check ``THEMA`` once, and give every template ``thema``, ``nlds_stylesheets`` and
    ``nlds_pakketten`` (named on the accessibility statement)."""
    thema = kies(app.config.get("THEMA"))
    app.config["THEMA"] = thema.naam

    @app.context_processor
    def stijl() -> dict:
        urls = [url_for("static", filename=f"vendor/{pad}")
                for pad in (*thema.stylesheets, *manifest()["stylesheets"])]
        return {"thema": thema, "nlds_stylesheets": urls, "nlds_pakketten": pakketten()}
