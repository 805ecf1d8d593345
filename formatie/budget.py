"""A budget table that adds up: the total's budget figure (P80) allocated over its parts.

The P80 of a total is less than the sum of its parts' P80s (parts are not all high in the same
year), so a table of per-part P80s does not add up to the P80 of the total. The rule here: each
part gets its expected value given that the total is at its P80, estimated from the Monte Carlo
draws as the mean of the part over the draws whose total lies in a narrow quantile window
around P80 (:data:`VENSTER` on either side), then scaled so the parts sum exactly to the
total's P80. It adds up by construction and puts more on the uncertain parts (a part whose
draws move with the total gets more than its centre). Pure numpy.

Shapes: D draws, K parts (functies of a gemeente, or gemeenten of a region).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kosten import kosten, kosten_per_fte
from .model import verschil
from .normenset import Normenset
from .onzekerheid import BUDGET_PERCENTIEL, PERCENTIEL_NAMEN, Bereik, GroepenBereik

#: Half-width of the quantile window around the budget percentile (0.02: the draws whose
#: total lies between P78 and P82, 400 of 10.000).
VENSTER = 0.02
#: "als u elke functie apart begroot": why the per-part P80s add up to more than the budget.
UITLEG_APART = ("De P80's per onderdeel tellen op tot meer dan de P80 van het totaal: niet "
                "alle onderdelen hebben in hetzelfde jaar veel werk, dus wie elk onderdeel "
                "apart op P80 begroot, begroot meer dan nodig is om het totaal in 8 van de 10 "
                "jaren te dekken.")


def budget_percentiel() -> float:
    """The budget percentile as a fraction (0.80), from the one uncertainty policy."""
    return float(str(BUDGET_PERCENTIEL).lstrip("Pp")) / 100.0


def verdeel(delen: np.ndarray, totaal: float, percentiel: float | None = None,
            venster: float = VENSTER) -> np.ndarray:
    """(K,) the parts' share of ``totaal`` (the total's budget figure), adding up exactly.

    ``delen`` (D, K): the drawn parts; their row sums are the drawn totals. Each part's
    expected value given a total near its ``percentiel`` (default the budget percentile):
    the mean over the draws whose total ranks within ``percentiel ± venster``, scaled so the
    parts sum to ``totaal``. Where those means are all 0 (nothing to do), the parts are 0.
    """
    delen = np.asarray(delen, dtype=float)
    if delen.ndim != 2 or delen.shape[0] == 0:
        raise ValueError("verdeel verwacht trekkingen (D, K) met D > 0")
    q = budget_percentiel() if percentiel is None else percentiel
    d = delen.shape[0]
    van = int(np.floor(max(q - venster, 0.0) * (d - 1)))
    tot = int(np.ceil(min(q + venster, 1.0) * (d - 1))) + 1
    verwacht = delen[venster_rangen(delen.sum(axis=1), van, tot)].mean(axis=0)
    som = float(verwacht.sum())
    if som <= 0.0 or not np.isfinite(som):
        return np.zeros(delen.shape[1])
    uit = verwacht * (float(totaal) / som)
    # the largest part absorbs the rounding of the scaling, so the sum is exact in floating point
    k = int(np.argmax(uit))
    uit[k] = float(totaal) - float(np.delete(uit, k).sum())
    return uit


def venster_rangen(totalen: np.ndarray, van: int, tot: int) -> np.ndarray:
    """The draws of rank ``van`` up to ``tot`` (exclusive) of ``totalen`` (D,), in rank order:
    ``np.argsort(totalen, kind="stable")[van:tot]``, ties by draw number.

    Without sorting all D draws: a partition finds the window's lowest and highest total, and
    only the draws between them (the window and its ties, about 400 of 10.000) are sorted. A
    national run allocates a budget per gemeente, and the full sort was 40 % of its time."""
    if tot <= van:
        return np.zeros(0, dtype=np.intp)
    grenzen = np.partition(totalen, (van, tot - 1))
    laag, hoog = grenzen[van], grenzen[tot - 1]
    if not (np.isfinite(laag) and np.isfinite(hoog)):  # NaN has no place between bounds
        return np.argsort(totalen, kind="stable")[van:tot]
    kandidaten = np.flatnonzero((totalen >= laag) & (totalen <= hoog))  # by draw number
    eerste = int(np.count_nonzero(totalen < laag))  # the rank of the first kandidaat
    volgorde = kandidaten[np.argsort(totalen[kandidaten], kind="stable")]
    return volgorde[van - eerste:tot - eerste]


def _p80(percentielen: np.ndarray) -> float:
    """The budget percentile's value from a (P, …) array of :data:`PERCENTIEL_NAMEN`."""
    return percentielen[PERCENTIEL_NAMEN.index(BUDGET_PERCENTIEL)]


@dataclass(frozen=True)
class Begroting:
    """A budget table that adds up, for one gemeente or a region (a group of gemeenten).

    ``fte_totaal``: the total's budget figure (P80 of the drawn total). ``functies`` and
    ``gemeenten``: that figure allocated (:func:`verdeel` over every gemeente × functie cell),
    each adding up to ``fte_totaal``. ``apart``: each functie's own P80 ("als u elke functie
    apart begroot"), which adds up to more. Euros: ``centraal_kosten``/``kosten`` per functie
    (central fte, budget fte, each cell priced by its gemeente's normenset) and their totals.
    """

    fte_totaal: float
    functies: dict[str, float]
    gemeenten: dict[str, float]
    apart: dict[str, float]
    centraal: dict[str, float]
    kosten_per_fte: dict[str, float]  # per functie: centraal_kosten ÷ centraal (a mix of sets)
    centraal_kosten: dict[str, float]
    kosten: dict[str, float]
    percentiel: str = BUDGET_PERCENTIEL

    @property
    def centraal_kosten_totaal(self) -> float:
        return float(sum(self.centraal_kosten.values()))

    @property
    def kosten_totaal(self) -> float:
        return float(sum(self.kosten.values()))

    @property
    def apart_totaal(self) -> float:
        return float(sum(self.apart.values()))

    def als_dict(self) -> dict:
        """``{"fte_totaal", "functies": {f: fte}, "kosten_totaal", "kosten": {f: euros},
        "percentiel"}`` (functies and kosten add up to their totals), with ``"gemeenten"``
        when more than one."""
        uit = {"percentiel": self.percentiel, "fte_totaal": self.fte_totaal,
               "functies": dict(self.functies), "kosten_totaal": self.kosten_totaal,
               "kosten": dict(self.kosten),
               "apart": {"functies": dict(self.apart), "fte_totaal": self.apart_totaal,
                         "uitleg": UITLEG_APART}}
        if len(self.gemeenten) > 1:
            uit["gemeenten"] = dict(self.gemeenten)
        return uit


def begroting(blokken: list[tuple[Normenset, tuple[str, ...], np.ndarray, np.ndarray]],
              fte_totaal: float, apart: dict[str, float]) -> Begroting:
    """The budget table of one gemeente or a region.

    ``blokken``: per normenset group (normenset, gemeentecodes (G,), drawn fte (D, G, F),
    central fte (G, F)); ``fte_totaal``: the P80 of their drawn total; ``apart``: per functie
    its own P80. The P80 is allocated over every gemeente × functie cell at once, so the
    functies and the gemeenten add up to the same total, and each cell is priced with its
    own normenset.
    """
    cellen = verdeel(np.hstack([d.reshape(d.shape[0], -1).astype(float)
                                for _, _, d, _ in blokken]), fte_totaal)
    functies: dict[str, float] = {}
    gemeenten: dict[str, float] = {}
    centraal: dict[str, float] = {}
    centraal_kosten: dict[str, float] = {}
    budget_kosten: dict[str, float] = {}
    i = 0
    for n, codes, d, c in blokken:
        g_n, f_n = d.shape[1:]
        deel = cellen[i:i + g_n * f_n].reshape(g_n, f_n)
        i += g_n * f_n
        for f, s in enumerate(n.functie_sleutels):
            functies[s] = functies.get(s, 0.0) + float(deel[:, f].sum())
            centraal[s] = centraal.get(s, 0.0) + float(c[:, f].sum())
            centraal_kosten[s] = (centraal_kosten.get(s, 0.0)
                                  + float((kosten(n, c)[:, f]).sum()))
            budget_kosten[s] = budget_kosten.get(s, 0.0) + float((kosten(n, deel)[:, f]).sum())
        for g, code in enumerate(codes):
            gemeenten[code] = gemeenten.get(code, 0.0) + float(deel[g].sum())
    per_fte = {s: (centraal_kosten[s] / centraal[s] if centraal[s] > 0
                   else next(float(kosten_per_fte(n)[n.functie_sleutels.index(s)])
                             for n, *_ in blokken if s in n.functie_sleutels))
               for s in functies}
    return Begroting(float(fte_totaal), functies, gemeenten, dict(apart), centraal, per_fte,
                     centraal_kosten, budget_kosten)


def begroting_groepen(gb: GroepenBereik) -> Begroting:
    """:func:`begroting` of a :class:`~formatie.onzekerheid.GroepenBereik` (a gemeente page
    is a region of one): its draws, its total P80 and its functies' own P80s."""
    return begroting(
        [(b.normenset, b.gemeentecodes, b.trekkingen_fte, b.centraal) for b in gb.bereiken],
        float(_p80(gb.totaal)), {f: float(_p80(gb.fte[:, j])) for j, f in enumerate(gb.functies)})


def begroting_gemeente(b: Bereik, g: int) -> Begroting:
    """:func:`begroting` of gemeente row ``g`` of a :class:`~formatie.onzekerheid.Bereik`
    kept with its draws: the same figures as that gemeente's own page."""
    n = b.normenset
    return begroting([(n, (b.gemeentecodes[g],), b.trekkingen_fte[:, g:g + 1, :],
                       b.centraal[g:g + 1])], float(_p80(b.fte_totaal[:, g])),
                     {f: float(_p80(b.fte[:, g, j])) for j, f in enumerate(n.functie_sleutels)})


def begroting_rijen(b: Bereik, rijen: np.ndarray, fte_totaal: float,
                    apart: np.ndarray) -> Begroting:
    """:func:`begroting` of the gemeente rows ``rijen`` of a Bereik together (a region in the
    CLI's JSON): ``fte_totaal`` their total's P80, ``apart`` (F,) each functie's P80."""
    n = b.normenset
    return begroting([(n, tuple(b.gemeentecodes[g] for g in rijen),
                       b.trekkingen_fte[:, rijen, :], b.centraal[rijen])], fte_totaal,
                     {f: float(apart[j]) for j, f in enumerate(n.functie_sleutels)})


def voeg_budget_toe(uit: dict, b: Bereik) -> None:
    """Add the budget table to a JSON with ranges (:func:`formatie.onzekerheid.voeg_bereik_toe`
    with its :class:`Bereik` kept with draws): every gemeente gets ``"budget"`` (see
    :meth:`Begroting.als_dict`) and every functie ``kosten.budget`` (its budget fte × its
    kosten per fte); every region in ``uit["onzekerheid"]["regios"]`` a ``"budget"`` over its
    functies and gemeenten. Where a functie has a ``"bezetting"``, also ``"verschil_budget"``
    (bezetting − its budget fte), next to ``"verschil"`` (against the central figure)."""
    for g, rij in enumerate(uit["gemeenten"]):
        bg = begroting_gemeente(b, g)
        rij["budget"] = bg.als_dict()
        for f, functie in rij["functies"].items():
            functie.setdefault("kosten", {})["budget"] = bg.kosten[f]
            if functie.get("bezetting") is not None:  # "verschil" is against the centre
                functie["verschil_budget"] = float(verschil(functie["bezetting"],
                                                            bg.functies[f]))
    regios = uit.get("onzekerheid", {}).get("regios", {})
    for r, label in enumerate(b.regio_labels):
        if label not in regios:
            continue
        rijen = np.flatnonzero([rij.get("regio") == label for rij in uit["gemeenten"]])
        regios[label]["budget"] = begroting_rijen(
            b, rijen, float(_p80(b.regio_totaal[:, r])), _p80(b.regio_fte[:, r, :])).als_dict()
