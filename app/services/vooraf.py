"""After a save, compute what the gemeente's pages will ask for, in the background: its
ranges, the Doorstroompunt share of its region, its gevoeligheid and its prognose land in the
shared cache (:mod:`.rekencache`) under the new figures' key, so the first view after a save
does not wait for them (or waits only for the rest of a computation already under way in the
same worker). Nothing here decides a figure: the page services compute the same values
themselves when they find nothing; a failure is only logged.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from ..extensions import db
from ..models import GemeenteRij
from .bandbreedte import bereik_van
from .cijfers import cijfers_gemeente
from .gevoeligheid import gevoeligheidpagina
from .prognose import prognosepagina
from .resultaat import regio_fte

log = logging.getLogger(__name__)

#: The last background thread started (tests wait for it).
laatste: threading.Thread | None = None


def _bereken(app: Flask, code: str, jaar: int) -> None:
    with app.app_context():
        try:
            gemeente = db.session.get(GemeenteRij, code)
            if gemeente is None:
                return
            # the slow pages first: the result page the save redirects to computes (and
            # claims) its own ranges meanwhile
            gevoeligheidpagina(gemeente, jaar, None)
            prognosepagina(gemeente, jaar)
            cijfers = cijfers_gemeente(gemeente, jaar)
            if cijfers.groepen:
                bereik_van(cijfers)
                regio_fte(gemeente.regio, jaar)
        except Exception:  # a cache warms or it does not; the page computes it then
            log.exception("rekencache: vooraf berekenen van %s %s mislukt", code, jaar)
        finally:
            db.session.remove()


def na_opslaan(code: str, jaar: int) -> None:
    """Start computing ``code``'s pages for ``jaar`` in a background thread (not with
    ``REKENCACHE_VOORAF`` off: the tests, which run their requests one by one)."""
    global laatste
    app = current_app._get_current_object()
    if not app.config.get("REKENCACHE_VOORAF", not app.testing):
        return
    laatste = threading.Thread(target=_bereken, args=(app, code, jaar), daemon=True,
                               name=f"vooraf-{code}-{jaar}")
    laatste.start()
