"""The gevoeligheid page's data in one call (:func:`gevoeligheidpagina`): the tornado of one
gemeente's stored figures (which invoer moves its fte most), from
:func:`formatie.gevoeligheid.tornado`; stored figures from :mod:`.cijfers`, the chart laid out
by :mod:`app.grafieken`.
"""

from __future__ import annotations

from formatie.gevoeligheid import tornado

from ..grafieken import tornado_grafiek
from ..models import GemeenteRij
from . import rekencache
from .cijfers import cijfers_gemeente, volume_matrix

#: Rows of the tornado the page shows.
TORNADO_TOP = 10


def gevoeligheidpagina(gemeente: GemeenteRij, jaar: int, functie: str | None) -> dict | None:
    """Everything ``gevoeligheid/gevoeligheid.html`` shows, for the whole formatie or one
    ``functie``; None when ``functie`` is not one of the normenset's (the view's 404).
    Without complete figures only which invoer are missing (``t`` None)."""
    lid = cijfers_gemeente(gemeente, jaar).leden[0]
    invoer, normenset = lid.invoer, lid.normenset
    if functie is not None and functie not in normenset.functie_sleutels:
        return None
    context = {"gemeente": gemeente, "jaar": jaar, "invoer": invoer, "normenset": normenset,
               "normenset_rij": lid.rij, "functie": functie, "t": None,
               "missend": [normenset.invoer_by_sleutel(s).naam for s in lid.ontbrekend]}
    if lid.compleet:
        volume = volume_matrix([invoer], normenset)
        # cached under a hash of its inputs (app.services.rekencache): a save changes them
        sleutel = rekencache.vingerafdruk("tornado", normenset, volume, gemeente.code, functie)
        t = rekencache.gecached(sleutel, lambda: tornado(
            normenset, volume, gemeentecodes=(gemeente.code,), functie=functie))
        context.update(t=t, rijen=t.top(TORNADO_TOP), grafiek=tornado_grafiek(t, TORNADO_TOP))
    return context
