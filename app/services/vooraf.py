"""After a save, compute what the gemeente's pages will ask for, in the background: its
ranges, the Doorstroompunt share of its region, its gevoeligheid, its prognose and the
begroting of the gemeente, its region and its teams land in the shared cache
(:mod:`.rekencache`) under the new figures' key, so the first view after a save does not wait
for them (or waits only for the rest of a computation already under way in the same worker).
Nothing here decides a figure: the page services compute the same values themselves when they
find nothing; a failure is only logged.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from ..extensions import db
from ..models import GemeenteRij
from .bandbreedte import bereik_van
from .begroting import meerjaren_van, team_meerjaren_van
from .cijfers import cijfers_gemeente, cijfers_regio
from .gevoeligheid import gevoeligheidpagina
from .prognose import prognosepagina
from .resultaat import regio_fte
from .teamdata import teams_van_gemeente
from .teamstand import team_stand

log = logging.getLogger(__name__)

#: The last background thread this process started (tests wait for it).
laatste: threading.Thread | None = None
_loopt = False  # whether that thread still takes work from the queue
_SLOT = threading.Lock()
#: (app, code, jaar) saved since the thread last looked, in order, each once: many saves of one
#: gemeente in a row (a busy hour, a load test) compute its pages once, after the last
_WACHTRIJ: dict[tuple[str, int], Flask] = {}


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
                # the begroting of the gemeente, its region and its teams (their years 0 and
                # ahead are mostly the ranges just computed: formatie.onzekerheid's memo)
                meerjaren_van(cijfers)
                meerjaren_van(cijfers_regio(gemeente.regio, jaar))
                for rij in teams_van_gemeente(code, jaar):
                    team_meerjaren_van(team_stand(rij, jaar))
        except Exception:  # a cache warms or it does not; the page computes it then
            log.exception("rekencache: vooraf berekenen van %s %s mislukt", code, jaar)
        finally:
            db.session.remove()


def _werk() -> None:
    """One thread per process works through the queue, one gemeente at a time, and ends when
    it is empty: the background work never takes more than one thread of a worker."""
    global _loopt
    while True:
        with _SLOT:
            if not _WACHTRIJ:
                _loopt = False
                return
            (code, jaar), app = next(iter(_WACHTRIJ.items()))
            del _WACHTRIJ[(code, jaar)]
        _bereken(app, code, jaar)


def na_opslaan(code: str, jaar: int) -> None:
    """Queue computing ``code``'s pages for ``jaar`` in this process's background thread,
    started when none runs (not with ``REKENCACHE_VOORAF`` off: the tests, which run their
    requests one by one)."""
    global laatste, _loopt
    app = current_app._get_current_object()
    if not app.config.get("REKENCACHE_VOORAF", not app.testing):
        return
    with _SLOT:
        _WACHTRIJ.pop((code, jaar), None)
        _WACHTRIJ[(code, jaar)] = app
        if not _loopt:
            _loopt = True
            laatste = threading.Thread(target=_werk, daemon=True, name="vooraf")
            laatste.start()
