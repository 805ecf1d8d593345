"""Jinja filters and globals: Dutch numbers, words and times.

The rules live in :mod:`formatie.getallen` (numbers per kind) and :mod:`formatie.taal`
(singular/plural, "per one"); the CLI and the workbook use the same functions. In a template:
``{{ n|telling }}``, ``{{ uren|uren }}``, ``{{ x|fte }}``, ``{{ aandeel|procent }}``,
``{{ n|aantal_woord('gemeente') }}`` (``1 gemeente``), ``{{ 'veld'|woord_bij(n) }}``,
``{{ eenheid|per_eenheid }}`` (``per melding``); herkomst (:mod:`formatie.herkomst`):
``{{ taak.bron|bron_soort }}`` (``aanname``), ``{{ aandeel|procent_uren }}`` (``62 %``,
``minder dan 1 %``); ``{{ taak.bron|bron_tekst }}``: the bron with "docs/validatie.md" as a
link to the /validatie page (the web user has no repository).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache, wraps
from zoneinfo import ZoneInfo

from flask import Flask, url_for
from markupsafe import Markup, escape

from formatie.getallen import (
    format_aantal,
    format_euro,
    format_fte,
    format_getal,
    format_invoer,
    format_procent,
    format_telling,
    format_uren,
)
from formatie.herkomst import BRON_SOORTEN, bron_soort, procent_tekst
from formatie.regio import functienaam_in_zin
from formatie.taal import aantal_woord, per_eenheid, woord_bij

from .access import huidig_jaar
from .models import STATUS_LABELS
from .services.berekening import MIN_GROEP

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def onthouden(formatteer):
    """``formatteer`` (a number in Dutch notation, formatie.getallen) remembering its last
    answers: a page shows hundreds of numbers and a reload the same ones, and Babel takes
    ~50 µs a number. Same text either way (a pure function of its arguments; ``-0.0 == 0.0``
    gives the same text by formatie.getallen's rule, never "−0"). Arguments that cannot be
    remembered (unhashable, or keywords) go straight through; ``typed``: 1 and 1.0 and True
    are remembered apart."""
    onthoud = lru_cache(maxsize=16384, typed=True)(formatteer)

    @wraps(formatteer)
    def filter_(*args, **kwargs):
        if kwargs:
            return formatteer(*args, **kwargs)
        try:
            return onthoud(*args)
        except TypeError:
            return formatteer(*args)

    return filter_


def tijd(waarde: datetime | None) -> str:
    if waarde is None:
        return ""
    if waarde.tzinfo is None:
        waarde = waarde.replace(tzinfo=UTC)
    return waarde.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


#: What a norm's bron says when it rests on the validation (the repository's text).
VALIDATIE_DOC = "docs/validatie.md"


def bron_tekst(bron: str | None) -> Markup:
    """A norm's bron, escaped, with every "docs/validatie.md" a link to ``/validatie``."""
    if not bron:
        return Markup("")
    link = Markup('<a class="nl-link" href="{}">validatie (docs/validatie.md)</a>').format(
        url_for("validatie.validatie"))
    return link.join(escape(deel) for deel in bron.split(VALIDATIE_DOC))


def register(app: Flask) -> None:
    app.jinja_env.filters["getal"] = onthouden(format_getal)
    app.jinja_env.filters["invoerwaarde"] = onthouden(format_invoer)  # in a form field
    app.jinja_env.filters["aantal"] = onthouden(format_aantal)  # in running text and tables
    app.jinja_env.filters["telling"] = onthouden(format_telling)
    app.jinja_env.filters["uren"] = onthouden(format_uren)  # hours per eenheid (norms)
    app.jinja_env.filters["fte"] = onthouden(format_fte)
    app.jinja_env.filters["euro"] = onthouden(format_euro)  # money: "€ 1.234.567"
    app.jinja_env.filters["procent"] = onthouden(format_procent)  # a share: 0.16 → "16 %"
    app.jinja_env.filters["aantal_woord"] = aantal_woord
    app.jinja_env.filters["woord_bij"] = lambda woord, n: woord_bij(n, woord)
    app.jinja_env.filters["per_eenheid"] = per_eenheid
    app.jinja_env.filters["in_zin"] = functienaam_in_zin  # a functie's name in a sentence
    app.jinja_env.filters["tijd"] = tijd
    app.jinja_env.filters["bron_soort"] = bron_soort  # a norm's bron in a word
    app.jinja_env.filters["bron_tekst"] = bron_tekst  # a norm's bron, validatie linked
    app.jinja_env.filters["procent_uren"] = procent_tekst  # a share of hours, never "0 %"
    app.jinja_env.globals["BRON_SOORTEN"] = BRON_SOORTEN
    app.jinja_env.globals["STATUS_LABELS"] = STATUS_LABELS
    app.jinja_env.globals["MIN_GROEP"] = MIN_GROEP
    @app.context_processor
    def jaar():
        return {"huidig_jaar": huidig_jaar()}

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
