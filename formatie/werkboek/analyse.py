"""The analysis sheets of the scenario workbook (Onzekerheid, Gevoeligheid): values from the
Monte Carlo model and the tornado at export time. :func:`werkboek_analyse` assembles them, the
one place the command line (``formatie export --met-onzekerheid``) and the web download ask."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..budget import begroting_gemeente, begroting_groepen, begroting_rijen
from ..getallen import format_fte
from ..gevoeligheid import tornado
from ..model import Groep
from ..onzekerheid import BUDGET_PERCENTIEL, bereik_groepen
from ..onzekerheid import bereik as monte_carlo
from ..taal import aantal_woord
from .blad import (
    _afdruk,
    _bescherm,
    _Formaten,
    _kopregels,
    _tekst,
    _Werkboek,
)
from .formaat import (
    ALLE,
    BLAD_GEVOELIGHEID,
    EERSTE_RIJ,
    GEVOELIGHEID_KOLOMMEN,
    PERCENTIELEN,
    SLEUTELRIJ,
)


def werkboek_analyse(groepen: Sequence[Groep]) -> dict:
    """The keyword arguments ``onzekerheid=`` and (one group) ``gevoeligheid=`` of
    :func:`formatie.werkboek.schrijven.exporteer_werkboek`: the analysis sheets of a workbook.

    One group (one normenset): ranges per gemeente and of the whole selection by the one
    policy (:func:`formatie.onzekerheid.bereik`, the draws kept so that Samenvatting's budget
    table adds up) and the tornado of the whole selection (summed over its gemeenten). Several
    groups (a region whose members count with different normensets): ranges per member and of
    the region (:func:`formatie.onzekerheid.bereik_groepen`); no tornado, which is per
    normenset."""
    if len(groepen) == 1:
        g = groepen[0]
        b = monte_carlo(g.normenset, g.volume, gemeentecodes=g.gemeentecodes,
                        bewaar_trekkingen=True)
        return {"onzekerheid": onzekerheid_uit_bereik(b),
                "gevoeligheid": tornado(g.normenset, g.volume, gemeentecodes=g.gemeentecodes)}
    return {"onzekerheid": onzekerheid_uit_groepen(bereik_groepen(list(groepen)))}


def onzekerheid_uit_bereik(bereik) -> dict[str, dict[str, dict[str, float]]]:
    """The ``onzekerheid`` argument of :func:`exporteer_werkboek` from a
    :class:`formatie.onzekerheid.Bereik` (fte (P, G, F), fte_totaal (P, G), P = P10/P50/P80/P90),
    with the whole selection together under :data:`~formatie.werkboek.formaat.ALLE`
    (percentiles of the sum, from ``totaal_fte``/``totaal_totaal``).
    """
    uit: dict[str, dict[str, dict[str, float]]] = {}
    sleutels = bereik.normenset.functie_sleutels

    def per_p(waarden) -> dict[str, float]:
        return {p: float(w) for p, w in zip(PERCENTIELEN, waarden, strict=True)}

    for g, code in enumerate(bereik.gemeentecodes):
        per = {s: per_p(bereik.fte[:, g, j]) for j, s in enumerate(sleutels)}
        per["totaal"] = per_p(bereik.fte_totaal[:, g])
        if bereik.trekkingen_fte is not None:
            _met_begroting(per, begroting_gemeente(bereik, g))
        uit[code] = per
    alle = {s: per_p(bereik.totaal_fte[:, j]) for j, s in enumerate(sleutels)}
    alle["totaal"] = per_p(bereik.totaal_totaal)
    if bereik.trekkingen_fte is not None:
        _met_begroting(alle, begroting_rijen(
            bereik, np.arange(len(bereik.gemeentecodes)),
            float(bereik.totaal_totaal[PERCENTIELEN.index(BUDGET_PERCENTIEL)]),
            bereik.totaal_fte[PERCENTIELEN.index(BUDGET_PERCENTIEL)]))
    uit[ALLE] = alle
    return uit


def _met_begroting(per: dict[str, dict[str, float]], begroting) -> None:
    """Add ``"budget"`` to each functie's percentiles: its share of the total's P80
    (:mod:`formatie.budget`, adding up to the total's P80, which is the total's budget)."""
    for s, fte in begroting.functies.items():
        per[s]["budget"] = fte
    per["totaal"]["budget"] = begroting.fte_totaal


def onzekerheid_uit_groepen(groepen_bereik) -> dict[str, dict[str, dict[str, float]]]:
    """The ``onzekerheid`` argument for a region whose members count with different
    normensets, from a :class:`formatie.onzekerheid.GroepenBereik`: every gemeente's own
    ranges, and under :data:`~formatie.werkboek.formaat.ALLE` the region's (percentiles of the
    summed draws, not sums of percentiles)."""
    uit: dict[str, dict[str, dict[str, float]]] = {}
    for b in groepen_bereik.bereiken:
        uit.update(onzekerheid_uit_bereik(b))
    alle = {f: {p: float(w) for p, w in zip(PERCENTIELEN, groepen_bereik.fte[:, j], strict=True)}
            for j, f in enumerate(groepen_bereik.functies)}
    alle["totaal"] = {p: float(w) for p, w in zip(PERCENTIELEN, groepen_bereik.totaal,
                                                  strict=True)}
    _met_begroting(alle, begroting_groepen(groepen_bereik))
    uit[ALLE] = alle
    return uit



# ----------------------------------------------------------------------------------------------
# Onzekerheid
# ----------------------------------------------------------------------------------------------


def _schrijf_onzekerheid(ws, f: _Formaten, w: _Werkboek, onzekerheid) -> None:
    """P10/P50/P80/P90 per gemeente and functie as values (not yellow: they change nothing)."""
    _tekst(ws, 0, 0, "Onzekerheid (Monte Carlo bij de export; rekent niet mee met wijzigingen)",
           f.titel)
    codes = w.codes
    namen = [w.referentie.naam(c) for c in codes]
    groepen = [*w.functies, ("totaal", "Totaal")]
    kolommen = ["gemeentecode", "gemeentenaam"]
    labels = ["Gemeentecode", "Gemeente"]
    for s, naam in groepen:
        for p in PERCENTIELEN:
            kolommen.append(f"fte_{s}_{p}")
            labels.append(f"{naam} {p.upper()}")
    _kopregels(ws, f, labels, kolommen, hoogte=30)
    ws.set_column(0, 0, 13)
    ws.set_column(1, 1, 24)
    ws.set_column(2, len(kolommen) - 1, 12)
    for g, code in enumerate(codes):
        r = EERSTE_RIJ + g
        _tekst(ws, r, 0, code, f.tekst)
        _tekst(ws, r, 1, namen[g], f.tekst)
        per_groep = onzekerheid.get(code, {})
        k = 2
        for s, _ in groepen:
            waarden = per_groep.get(s, {})
            for p in PERCENTIELEN:
                w = waarden.get(p)
                if w is None or not math.isfinite(float(w)):
                    ws.write_blank(r, k, None, f.waarde_fte)
                else:
                    ws.write_number(r, k, float(w), f.waarde_fte)
                k += 1
    ws.freeze_panes(EERSTE_RIJ, 2)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)


# ----------------------------------------------------------------------------------------------
# Gevoeligheid (tornado)
# ----------------------------------------------------------------------------------------------



def _schrijf_gevoeligheid(wb, ws, f: _Formaten, tornado, top: int = 10) -> None:
    """The top ``top`` rows of a tornado as values, and a bar chart of the FTE change from the
    central estimate at each input's low and high value (values, not formulas)."""
    rijen = tornado.top(top)
    centraal = tornado.centraal if tornado.functie is None else float(
        tornado.centraal_functie[tornado.normenset.functie_sleutels.index(tornado.functie)])
    wat = "totale fte" if tornado.functie is None else (
        f"fte {tornado.normenset.functie(tornado.functie).naam}")
    _tekst(ws, 0, 0, f"Gevoeligheid: de {aantal_woord(len(rijen), 'invoerveld')} die de {wat} "
           f"het meest verschuiven (centraal {format_fte(centraal)} fte; één invoer tegelijk "
           "laag/hoog)", f.titel)
    labels = ["Invoer", "Soort", "Sleutel", "Waarde laag", "Waarde centraal", "Waarde hoog",
              "Fte bij laag", "Fte bij hoog", "Uitslag (fte)", "Verschil bij laag (fte)",
              "Verschil bij hoog (fte)"]
    _kopregels(ws, f, labels, GEVOELIGHEID_KOLOMMEN, hoogte=30)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 2, 14)
    ws.set_column(3, len(labels) - 1, 12)
    for i, r in enumerate(rijen):
        rij = EERSTE_RIJ + i
        _tekst(ws, rij, 0, r.label, f.tekst)
        _tekst(ws, rij, 1, r.soort, f.tekst)
        _tekst(ws, rij, 2, r.sleutel, f.tekst)
        for k, w in enumerate((r.waarde_laag, r.waarde_centraal, r.waarde_hoog, r.fte_laag,
                               r.fte_hoog, r.swing, r.fte_laag - centraal,
                               r.fte_hoog - centraal), start=3):
            ws.write_number(rij, k, float(w), f.waarde_fte)
    if rijen:
        laatste = EERSTE_RIJ + len(rijen) - 1
        grafiek = wb.add_chart({"type": "bar"})
        for kolom, naam, kleur in ((9, "Bij lage waarde", "#9CC3EC"),
                                   (10, "Bij hoge waarde", "#1F5FA8")):
            grafiek.add_series({
                "name": naam,
                "categories": [BLAD_GEVOELIGHEID, EERSTE_RIJ, 0, laatste, 0],
                "values": [BLAD_GEVOELIGHEID, EERSTE_RIJ, kolom, laatste, kolom],
                "fill": {"color": kleur}, "overlap": 100, "gap": 40,
            })
        grafiek.set_title({"name": "Tornado: verandering van de fte t.o.v. centraal"})
        grafiek.set_x_axis({"name": "fte"})
        # Labels at the low end of the axis, left of every bar (at 0 they overlap the bars).
        grafiek.set_y_axis({"reverse": True, "label_position": "low"})
        grafiek.set_legend({"position": "bottom"})
        grafiek.set_size({"width": 860, "height": 60 + 32 * len(rijen)})
        ws.insert_chart(laatste + 2, 0, grafiek)
    ws.freeze_panes(EERSTE_RIJ, 1)
    _afdruk(ws, herhaal_tot=SLEUTELRIJ)
    _bescherm(ws)


