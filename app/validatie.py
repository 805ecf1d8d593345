"""``/validatie`` (every role): the active normenset held against published staffing, norms and
volumes (:func:`formatie.validatie.valideer`, the tables of ``formatie valideer`` and
docs/validatie.md), so a norm whose ``bron`` says "docs/validatie.md" can be followed from the
web. The validation draws 10.000 Monte-Carlo samples (seconds), so its result is kept per
normenset (its TOML text: a changed set is a new key).
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, render_template
from flask_login import login_required

from formatie.normenset import normenset_als_toml
from formatie.normenset_toml import parse_normenset
from formatie.referentie import load_referentie
from formatie.validatie import Validatie, valideer

from .normensets import actieve_rij, als_normenset

bp = Blueprint("validatie", __name__)


@lru_cache(maxsize=4)
def _validatie(toml: str) -> Validatie:
    """The validation of the normenset written as ``toml`` (cached: the key is the whole
    set, so two databases with different sets under one label never share a result)."""
    return valideer(parse_normenset(toml), load_referentie())


@bp.route("/validatie")
@login_required
def validatie():
    rij = actieve_rij()
    v = _validatie(normenset_als_toml(als_normenset(rij)))
    return render_template("analyse/validatie.html", v=v, normenset_rij=rij)
