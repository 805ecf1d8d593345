"""``/validatie`` (every role): the active normenset held against published staffing, norms,
volumes and national series — the text of ``formatie valideer`` and docs/validatie.md
(:func:`formatie.validatie.als_tabel`, one text for the command, the docs and this page), so a
norm whose ``bron`` says "docs/validatie.md" can be followed from the web. The validation draws
10.000 Monte-Carlo samples (seconds), so its page text is kept per normenset (its TOML text:
a changed set is a new key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint, render_template
from flask_login import login_required
from markupsafe import Markup, escape

from formatie.normenset import normenset_als_toml
from formatie.normenset_toml import parse_normenset
from formatie.referentie import load_referentie
from formatie.validatie import als_tabel, valideer

from ..services.normensets import actieve_rij, als_normenset

bp = Blueprint("validatie", __name__)

_OPMAAK = re.compile(r"(\*\*.+?\*\*|`[^`]+`)")
_GETAL = re.compile(r"^[−\-]?[\d.]+(?:,\d+)?(?:[–\-][\d.]+(?:,\d+)?)?(?: ?(?:fte|personen))?$")


def _inline(tekst: str) -> Markup:
    """Escaped text with the Markdown of als_tabel: **bold** and `code`."""
    delen = []
    for deel in _OPMAAK.split(tekst):
        if len(deel) > 4 and deel.startswith("**") and deel.endswith("**"):
            delen.append(Markup("<strong>{}</strong>").format(deel[2:-2]))
        elif len(deel) > 2 and deel.startswith("`") and deel.endswith("`"):
            delen.append(Markup('<code class="nl-code">{}</code>').format(deel[1:-1]))
        else:
            delen.append(escape(deel))
    return Markup("").join(delen)


def _cellen(regel: str) -> list[Markup]:
    return [_inline(c.strip()) for c in regel.strip().strip("|").split("|")]


@dataclass(frozen=True)
class Blok:
    """One part of the page: a paragraph (``tekst``) or a table (``kop``, ``rijen``)."""

    tekst: Markup | None = None
    kop: tuple[Markup, ...] = ()
    rijen: tuple[tuple[Markup, ...], ...] = ()

    @staticmethod
    def is_getal(cel: Markup) -> bool:
        """A number (with fte or personen): right-aligned like every number column."""
        return bool(_GETAL.match(str(cel)))


def als_blokken(tekst: str) -> list[Blok]:
    """The Markdown of :func:`formatie.validatie.als_tabel` (paragraphs and pipe tables) as
    blocks the template draws as NL Design System markup; every text escaped."""
    blokken: list[Blok] = []
    regels = tekst.splitlines()
    i = 0
    while i < len(regels):
        regel = regels[i]
        if regel.startswith("|") and i + 1 < len(regels) and regels[i + 1].startswith("|---"):
            kop = tuple(_cellen(regel))
            i += 2
            rijen = []
            while i < len(regels) and regels[i].startswith("|"):
                rijen.append(tuple(_cellen(regels[i])))
                i += 1
            blokken.append(Blok(kop=kop, rijen=tuple(rijen)))
            continue
        if regel.strip():
            blokken.append(Blok(tekst=_inline(regel)))
        i += 1
    return blokken


@lru_cache(maxsize=4)
def _validatie_tekst(toml: str) -> str:
    """``formatie valideer``'s text for the normenset written as ``toml`` (cached: the key is
    the whole set, so two databases with different sets under one label never share it)."""
    return als_tabel(valideer(parse_normenset(toml), load_referentie()))


@bp.route("/validatie")
@login_required
def validatie():
    rij = actieve_rij()
    tekst = _validatie_tekst(normenset_als_toml(als_normenset(rij)))
    return render_template("validatie/validatie.html", blokken=als_blokken(tekst),
                           normenset_rij=rij)
