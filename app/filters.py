"""Jinja filters and globals: Dutch numbers and times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from formatie.getallen import format_aantal, format_getal, format_invoer

from .access import huidig_jaar
from .berekening import MIN_GROEP
from .models import STATUS_LABELS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def tijd(waarde: datetime | None) -> str:
    if waarde is None:
        return ""
    if waarde.tzinfo is None:
        waarde = waarde.replace(tzinfo=UTC)
    return waarde.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def register(app: Flask) -> None:
    app.jinja_env.filters["getal"] = format_getal
    app.jinja_env.filters["invoerwaarde"] = format_invoer  # in a form field
    app.jinja_env.filters["aantal"] = format_aantal  # in running text and tables
    app.jinja_env.filters["tijd"] = tijd
    app.jinja_env.globals["STATUS_LABELS"] = STATUS_LABELS
    app.jinja_env.globals["MIN_GROEP"] = MIN_GROEP
    @app.context_processor
    def jaar():
        return {"huidig_jaar": huidig_jaar()}

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
