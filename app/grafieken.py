"""Chart geometry, all of it: fte per taak (bars), ranges, histogram, tornado, forecast line,
benchmark strip and the scenario comparison (grouped bars).

A chart is laid out here in plain numbers (SVG user units) and drawn as SVG by one set of
template macros (``templates/_grafieken.html``): no inline script or style, no
client-side library.
Every chart has a table beside it in the page as its text alternative. Nothing here computes
a figure of the model; it only places given numbers on a scale.

Small screens: a chart drawn 760 units wide shrinks on a 375 px phone until its 12-unit labels
are 5 px high and its bars slivers. So every layout also carries ``smal``: the same chart laid
out :data:`SMAL_BREEDTE` units wide with each label *above* its bar (``labels_boven``) instead
of in a column to the left. The macros draw both; CSS shows one (``.grafiek__breed`` /
``.grafiek__smal``, switched at 40rem).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from formatie.getallen import format_euro, format_getal
from formatie.model import Resultaat, functie_regels

BREEDTE = 760.0
LABEL_BREEDTE = 250.0
RECHTS = 30.0
#: Width of the small-screen layout (about a 375 px phone's content width, so 1 unit ≈ 1 px).
SMAL_BREEDTE = 360.0
#: Left margin of the small-screen layout and the extra row height for a label above a bar.
SMAL_LINKS = 10.0
LABEL_BOVEN = 16.0


@dataclass(frozen=True)
class As:
    """A linear scale from ``laag``…``hoog`` onto pixels ``x0``…``x1``, with round ticks."""

    laag: float
    hoog: float
    x0: float
    x1: float
    streepjes: tuple[float, ...] = ()

    def __call__(self, waarde: float) -> float:
        if self.hoog <= self.laag:
            return self.x0
        return self.x0 + (float(waarde) - self.laag) / (self.hoog - self.laag) * (self.x1 - self.x0)

    @classmethod
    def rond(cls, laag: float, hoog: float, x0: float, x1: float, n: int = 5,
             vanaf_nul: bool = False) -> As:
        """A scale over [laag, hoog] widened to round ticks (1, 2, 2,5, 5 × 10^k)."""
        laag, hoog = float(laag), float(hoog)
        if vanaf_nul:
            laag = min(laag, 0.0)
        if not math.isfinite(laag) or not math.isfinite(hoog):
            laag, hoog = 0.0, 1.0
        if hoog <= laag:
            hoog = laag + (abs(laag) or 1.0)
        ruw = (hoog - laag) / max(n, 1)
        macht = 10.0 ** math.floor(math.log10(ruw))
        stap = next(m * macht for m in (1, 2, 2.5, 5, 10) if m * macht >= ruw)
        begin = math.floor(laag / stap + 1e-9) * stap
        eind = math.ceil(hoog / stap - 1e-9) * stap
        aantal = round((eind - begin) / stap)
        streepjes = tuple(begin + i * stap for i in range(aantal + 1))
        return cls(begin, eind, x0, x1, streepjes)

    def posities(self) -> list[tuple[float, float]]:
        """(value, pixel) per tick."""
        return [(s, self(s)) for s in self.streepjes]

    @property
    def decimalen(self) -> int:
        """Decimals that show every tick exactly: a step of 2,5 needs one ("7,5", not a
        rounded "8" under the 7,5 gridline), a step of 0,25 two, a step of 5 none."""
        if len(self.streepjes) < 2:
            return 0
        stap = abs(self.streepjes[1] - self.streepjes[0])
        return next((d for d in range(7) if abs(round(stap, d) - stap) <= 1e-9 * max(stap, 1.0)),
                    6)


# --------------------------------------------------------------------------------------------
# Range bars: P10–P90 whisker, P50–P80 box, centre tick, optional bezetting marker
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bereikbalk:
    label: str
    y: float
    centraal: float
    p10: float
    p50: float
    p80: float
    p90: float
    bezetting: float | None
    x: dict[str, float]  # pixel per key: p10, p50, p80, p90, centraal, bezetting


@dataclass(frozen=True)
class BereikGrafiek:
    balken: list[Bereikbalk]
    as_: As
    hoogte: float
    breedte: float = BREEDTE
    label_breedte: float = LABEL_BREEDTE
    balk_hoogte: float = 16.0
    labels_boven: bool = False
    smal: BereikGrafiek | None = None  # the small-screen layout


def bereik_grafiek(rijen: list[dict]) -> BereikGrafiek:
    """``rijen``: dicts with label, centraal, p10, p50, p80, p90 and optional bezetting."""
    smal = _bereik(rijen, SMAL_BREEDTE, SMAL_LINKS, labels_boven=True)
    return replace(_bereik(rijen, BREEDTE, LABEL_BREEDTE), smal=smal)


def _bereik(rijen: list[dict], breedte: float, links: float,
            labels_boven: bool = False) -> BereikGrafiek:
    waarden = [w for r in rijen for w in (r["p10"], r["p90"], r["centraal"],
                                          r.get("bezetting") or 0.0)]
    as_ = As.rond(0.0, max(waarden, default=1.0), links, breedte - RECHTS, vanaf_nul=True,
                  n=5 if breedte >= BREEDTE else 4)
    extra = LABEL_BOVEN + 10.0 if labels_boven else 0.0  # room for the bezetting marker too
    stap = 34.0 + extra
    balken = []
    for i, r in enumerate(rijen):
        bez = r.get("bezetting")
        x = {k: as_(r[k]) for k in ("p10", "p50", "p80", "p90", "centraal")}
        if bez is not None:
            x["bezetting"] = as_(bez)
        balken.append(Bereikbalk(r["label"], 12 + extra + i * stap, r["centraal"], r["p10"],
                                 r["p50"], r["p80"], r["p90"], bez, x))
    return BereikGrafiek(balken, as_, hoogte=30 + len(rijen) * stap + 20, breedte=breedte,
                         label_breedte=links, labels_boven=labels_boven)


# --------------------------------------------------------------------------------------------
# Histogram of drawn totals with percentile lines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staaf:
    x: float
    y: float
    breedte: float
    hoogte: float
    van: float
    tot: float
    aandeel: float


@dataclass(frozen=True)
class Lijn:
    label: str
    waarde: float
    x: float
    klasse: str
    niveau: int = 0  # label row (0 = top), so labels of nearby lines do not overlap


@dataclass(frozen=True)
class Histogram:
    staven: list[Staaf]
    lijnen: list[Lijn]
    as_: As
    hoogte: float = 220.0
    breedte: float = BREEDTE
    boven: float = 44.0
    onder: float = 190.0  # y of the baseline
    smal: Histogram | None = None  # the small-screen layout


def histogram(trekkingen: np.ndarray, lijnen: list[tuple[str, float, str]],
              bakken: int = 40) -> Histogram:
    """Histogram of ``trekkingen`` (D,) with vertical lines (label, value, css class)."""
    smal = _histogram(trekkingen, lijnen, bakken // 2, SMAL_BREEDTE, 30.0, n=4, rijen=4)
    return replace(_histogram(trekkingen, lijnen, bakken, BREEDTE, 60.0), smal=smal)


def _histogram(trekkingen, lijnen, bakken: int, breedte: float, links: float, n: int = 5,
               rijen: int = 3) -> Histogram:
    trekkingen = np.asarray(trekkingen, dtype=float)
    lo, hi = np.quantile(trekkingen, [0.001, 0.999])
    waarden = [lo, hi, *(w for _, w, _ in lijnen)]
    as_ = As.rond(min(waarden), max(waarden), links, breedte - RECHTS, n=n)
    randen = np.linspace(as_.laag, as_.hoog, bakken + 1)
    tellingen, _ = np.histogram(np.clip(trekkingen, as_.laag, as_.hoog), bins=randen)
    aandelen = tellingen / max(len(trekkingen), 1)
    hoogste = float(aandelen.max()) or 1.0
    boven = 4.0 + 13.0 * rijen
    h = Histogram([], [], as_, breedte=breedte, boven=boven, onder=boven + 146.0,
                  hoogte=boven + 182.0)  # the axis unit's descent below onder + 28
    schaal = (h.onder - h.boven) / hoogste
    staven = [Staaf(as_(randen[b]), h.onder - a * schaal,
                    max(as_(randen[b + 1]) - as_(randen[b]) - 1.0, 0.5), a * schaal,
                    float(randen[b]), float(randen[b + 1]), float(a))
              for b, a in enumerate(aandelen)]
    # label rows: left to right, a label moves down a row while it would overlap the previous
    geplaatst: list[Lijn] = []
    for lab, w, kl in sorted(lijnen, key=lambda x: x[1]):
        x = as_(w)
        niveau = 0
        while any(p.niveau == niveau and x - p.x < 7.0 * len(p.label) + 8 for p in geplaatst):
            niveau += 1
        geplaatst.append(Lijn(lab, float(w), x, kl, niveau % rijen))
    return replace(h, staven=staven, lijnen=geplaatst)


# --------------------------------------------------------------------------------------------
# Tornado: bars from the central FTE to the FTE at the input's low and high value
# --------------------------------------------------------------------------------------------


#: Widest a 12-unit label character is taken to be (system-ui digits and capitals run to
#: about 7; the average is nearer 6): a line of ``ruimte / TEKEN_BREEDTE`` characters fits.
TEKEN_BREEDTE = 7.0


def tekstregels(tekst: str, ruimte: float, max_regels: int = 2) -> tuple[str, ...]:
    """``tekst`` word-wrapped into lines that fit ``ruimte`` units at 12 units per character
    height (:data:`TEKEN_BREEDTE` each), at most ``max_regels``; the last one ends in "…" when
    the text goes on. A single word longer than a line is cut."""
    per_regel = max(int(ruimte // TEKEN_BREEDTE), 4)
    regels: list[str] = []
    woorden = tekst.split()
    while woorden and len(regels) < max_regels:
        woord = woorden.pop(0)
        regel = woord if len(woord) <= per_regel else woord[:per_regel - 1] + "…"
        while woorden and len(regel) + 1 + len(woorden[0]) <= per_regel:
            regel += " " + woorden.pop(0)
        regels.append(regel)
    if woorden:
        laatste = regels[-1]
        regels[-1] = (laatste if len(laatste) < per_regel else laatste[:per_regel - 1]) + "…"
    return tuple(regels)


@dataclass(frozen=True)
class TornadoBalk:
    label: str
    y: float
    x_laag: float  # pixel of the FTE at the input's low value
    x_hoog: float
    fte_laag: float
    fte_hoog: float
    swing: float
    regels: tuple[str, ...] = ()  # the label as drawn: lines that fit the label column


@dataclass(frozen=True)
class TornadoGrafiek:
    balken: list[TornadoBalk]
    as_: As
    x_centraal: float
    centraal: float
    hoogte: float
    breedte: float = BREEDTE
    label_breedte: float = 330.0
    balk_hoogte: float = 18.0
    labels_boven: bool = False
    smal: TornadoGrafiek | None = None  # the small-screen layout


def tornado_grafiek(tornado, n: int = 10) -> TornadoGrafiek:
    """Layout of the top ``n`` rows of a :class:`formatie.gevoeligheid.Tornado`."""
    rijen = tornado.top(n)
    centraal = tornado.centraal if tornado.functie is None else float(
        tornado.centraal_functie[tornado.normenset.functie_sleutels.index(tornado.functie)])
    smal = _tornado(rijen, centraal, SMAL_BREEDTE, SMAL_LINKS, labels_boven=True)
    return replace(_tornado(rijen, centraal, BREEDTE, 330.0), smal=smal)


def _tornado(rijen, centraal: float, breedte: float, links: float,
             labels_boven: bool = False) -> TornadoGrafiek:
    waarden = [centraal, *(w for r in rijen for w in (r.fte_laag, r.fte_hoog))]
    as_ = As.rond(min(waarden), max(waarden), links, breedte - RECHTS,
                  n=5 if breedte >= BREEDTE else 4)
    extra = LABEL_BOVEN if labels_boven else 0.0
    # a label above its bar has the chart's width, one to its left the column left of the
    # axis (8 units clear of it); a long one takes two lines, and its row the room for them
    regels = [tekstregels(r.label, breedte - links if labels_boven else links - 8 - 4,
                          max_regels=1 if labels_boven else 2) for r in rijen]
    stap = 26.0 + extra + (8.0 if any(len(x) > 1 for x in regels) else 0.0)
    balken = [TornadoBalk(r.label, 12 + extra + i * stap, as_(r.fte_laag), as_(r.fte_hoog),
                          r.fte_laag, r.fte_hoog, r.swing, regels[i])
              for i, r in enumerate(rijen)]
    return TornadoGrafiek(balken, as_, as_(centraal), centraal,
                          hoogte=30 + len(rijen) * stap + 20, breedte=breedte,
                          label_breedte=links, labels_boven=labels_boven)


# --------------------------------------------------------------------------------------------
# Line chart: history + forecast with its 80 % band
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lijnpunt:
    jaar: int
    waarde: float
    x: float
    y: float


@dataclass(frozen=True)
class LijnGrafiek:
    historie: list[Lijnpunt]
    prognose: list[Lijnpunt]
    band: str  # SVG polygon points of the 80 % interval
    jaren: list[tuple[int, float]]  # (year, x) ticks
    y_as: list[tuple[float, float]]  # (value, y) ticks
    hoogte: float = 200.0
    breedte: float = 520.0
    links: float = 60.0
    onder: float = 170.0
    boven: float = 12.0
    smal: LijnGrafiek | None = None  # the small-screen layout
    y_decimalen: int = 0  # decimals of the y tick labels (see As.decimalen)

    @property
    def historie_punten(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.historie)

    @property
    def prognose_punten(self) -> str:
        punten = self.historie[-1:] + self.prognose
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in punten)


def lijn_grafiek(jaren, waarden, prognose_jaren, verwacht, p10, p90) -> LijnGrafiek:
    """History (NaN = missing year, left out) and a forecast with its P10–P90 band."""
    smal = _lijn(jaren, waarden, prognose_jaren, verwacht, p10, p90,
                 LijnGrafiek([], [], "", [], [], breedte=SMAL_BREEDTE, links=50.0))
    return replace(_lijn(jaren, waarden, prognose_jaren, verwacht, p10, p90,
                         LijnGrafiek([], [], "", [], [])), smal=smal)


def _lijn(jaren, waarden, prognose_jaren, verwacht, p10, p90, leeg: LijnGrafiek) -> LijnGrafiek:
    alle_jaren = [int(j) for j in jaren] + [int(j) for j in prognose_jaren]
    x_as = As(min(alle_jaren), max(alle_jaren), leeg.links + 10, leeg.breedte - 20)
    alle = [float(w) for w in (*waarden, *verwacht, *p10, *p90) if np.isfinite(w)]
    y_schaal = As.rond(0.0, max(alle, default=1.0), 0.0, 1.0, n=4, vanaf_nul=True)

    def y(w: float) -> float:
        return leeg.onder - y_schaal(w) * (leeg.onder - leeg.boven)

    historie = [Lijnpunt(int(j), float(w), x_as(j), y(w))
                for j, w in zip(jaren, waarden, strict=True) if np.isfinite(w)]
    prognose = [Lijnpunt(int(j), float(w), x_as(j), y(w))
                for j, w in zip(prognose_jaren, verwacht, strict=True) if np.isfinite(w)]
    band_boven = [(x_as(j), y(h)) for j, h in zip(prognose_jaren, p90, strict=True)
                  if np.isfinite(h)]
    band_onder = [(x_as(j), y(lo)) for j, lo in zip(prognose_jaren, p10, strict=True)
                  if np.isfinite(lo)]
    if historie and band_boven:
        band_boven.insert(0, (historie[-1].x, historie[-1].y))
        band_onder.insert(0, (historie[-1].x, historie[-1].y))
    band = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in band_boven + band_onder[::-1])
    return replace(leeg, historie=historie, prognose=prognose, band=band,
                   jaren=[(j, x_as(j)) for j in alle_jaren],
                   y_as=[(s, y(s)) for s in y_schaal.streepjes], y_decimalen=y_schaal.decimalen)


# --------------------------------------------------------------------------------------------
# Strip plot: one dot per peer gemeente, the own value and the medians marked
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Strip:
    label: str
    y: float
    punten: list[float]  # pixels of the peers
    eigen: float | None  # pixel of the own value
    markeringen: list[Lijn] = field(default_factory=list)


@dataclass(frozen=True)
class StripGrafiek:
    strips: list[Strip]
    as_: As
    hoogte: float
    breedte: float = BREEDTE
    label_breedte: float = 340.0
    labels_boven: bool = False
    smal: StripGrafiek | None = None  # the small-screen layout


def strip_grafiek(rijen: list[dict]) -> StripGrafiek:
    """``rijen``: dicts with label, peers (list of values), eigen, and markeringen
    [(label, value, css class)]."""
    smal = _strip(rijen, SMAL_BREEDTE, SMAL_LINKS, labels_boven=True)
    return replace(_strip(rijen, BREEDTE, 340.0), smal=smal)


def _strip(rijen: list[dict], breedte: float, links: float,
           labels_boven: bool = False) -> StripGrafiek:
    waarden = [w for r in rijen for w in (*r["peers"], *(m[1] for m in r["markeringen"]),
                                          *([r["eigen"]] if r["eigen"] is not None else []))
               if w is not None and math.isfinite(w)]
    as_ = As.rond(0.0, max(waarden, default=1.0), links, breedte - RECHTS, vanaf_nul=True,
                  n=5 if breedte >= BREEDTE else 4)
    extra = LABEL_BOVEN if labels_boven else 0.0
    stap = 44.0 + extra
    strips = [Strip(r["label"], 16 + extra + i * stap,
                    [as_(w) for w in r["peers"] if w is not None and math.isfinite(w)],
                    as_(r["eigen"]) if r["eigen"] is not None else None,
                    [Lijn(lab, w, as_(w), kl) for lab, w, kl in r["markeringen"]
                     if w is not None and math.isfinite(w)])
              for i, r in enumerate(rijen)]
    return StripGrafiek(strips, as_, hoogte=30 + len(rijen) * stap + 20, breedte=breedte,
                        label_breedte=links, labels_boven=labels_boven)


def benchmark_grafiek(v) -> StripGrafiek | None:
    """Strip plot of a :class:`app.services.berekening.Benchmark`'s kengetallen: one dot
    per peer of the same size band, lines at the medians of the band and the region, a diamond
    for the gemeente itself. None when there is nothing to compare."""
    if v is None or not v.kengetallen:
        return None
    rijen = [{"label": re.sub(r"\s*\(.*?\)", "", k.label), "peers": k.peers, "eigen": k.eigen,
              "markeringen": [("mediaan grootteklasse", k.mediaan_grootte, "markering--p80"),
                              ("mediaan regio", k.mediaan_regio, "markering--regio")]}
             for k in v.kengetallen]
    return strip_grafiek(rijen)


# --------------------------------------------------------------------------------------------
# Bars: fte per taak, vaste basis and leiding per functie (the result page)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balk:
    label: str
    waarde: float
    klasse: str
    y: float
    breedte: float


@dataclass(frozen=True)
class BalkenGrafiek:
    """A horizontal bar chart, drawn by the macro ``balken_svg``; ``smal`` is the small-screen
    layout with the labels above the bars."""

    balken: list[Balk]
    hoogte: float
    breedte: float = BREEDTE
    label_breedte: float = 330.0
    balk_hoogte: float = 18.0
    max_waarde: float = 0.0
    labels_boven: bool = False
    smal: BalkenGrafiek | None = None

    @property
    def schaal_breedte(self) -> float:
        return self.breedte - self.label_breedte - 70.0


def fte_per_taak_grafiek(res: Resultaat, g: int = 0) -> BalkenGrafiek:
    """Bars of :func:`formatie.model.functie_regels` for gemeente ``g``: per functie one bar per
    taak (execution fte), then "Vaste basis" and "Leiding en ondersteuning", coloured per
    functie, so a functie's bars add up to its fte (the same lines as the chain table and the
    JSON)."""
    n = res.normenset
    kleur = {f.sleutel: f"functie-{i % 4}" for i, f in enumerate(n.functies)}
    naam = {f.sleutel: f.naam for f in n.functies}
    items = [(r.naam if r.soort == "taak" else f"{naam[r.functie]}: {r.naam.lower()}", r.fte,
              kleur[r.functie]) for r in functie_regels(res, g)]
    smal = _balken(items, BalkenGrafiek([], 0, breedte=SMAL_BREEDTE, label_breedte=SMAL_LINKS,
                                        labels_boven=True))
    return replace(_balken(items, BalkenGrafiek([], 0)), smal=smal)


def _balken(items: list[tuple[str, float, str]], leeg: BalkenGrafiek) -> BalkenGrafiek:
    """Lay out (label, value, css class) bars in the frame of ``leeg``."""
    grootste = max((w for _, w, _ in items), default=0.0) or 1.0
    extra = LABEL_BOVEN if leeg.labels_boven else 0.0
    stap = 24.0 + extra
    balken = [Balk(label, waarde, klasse, 10 + extra + i * stap,
                   max(waarde / grootste * leeg.schaal_breedte, 0.0))
              for i, (label, waarde, klasse) in enumerate(items)]
    return replace(leeg, balken=balken, hoogte=20 + len(items) * stap, max_waarde=grootste)


# --------------------------------------------------------------------------------------------
# Grouped bars: the scenario comparison (groups: functies and the total; a bar per row) and the
# multi-year begroting (groups: years; a bar for the central and the budget euros)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroepStaaf:
    x: float
    y: float
    hoogte: float
    klasse: str
    waarde: float
    naam: str


@dataclass(frozen=True)
class GroepGrafiek:
    """A grouped vertical bar chart, drawn by the macro ``groep_svg``."""

    groepen: list[tuple[str, float]]  # label, x of the centre
    staven: list[GroepStaaf]
    schaal: list[tuple[float, str]]  # y, label
    breedte: float
    hoogte: float
    basislijn: float
    links: float
    staaf_breedte: float
    label_tekens: int = 28  # group labels are cut to this many characters
    smal: GroepGrafiek | None = None  # the small-screen layout
    eenheid: str = "fte"  # of the values: "fte" or "euro" (the bars' titles, the scale)


def groep_grafiek(rijen, functies: dict[str, str]) -> GroepGrafiek:
    """Grouped bars, wide and for small screens. ``rijen``: objects with ``naam``, ``fte`` (functie
    sleutel → fte) and ``totaal`` (e.g. :class:`app.views.scenario.Scenarioregel`); ``functies``:
    sleutel → naam, the groups in order (the total is added last)."""
    smal = _groep(rijen, functies, SMAL_BREEDTE, 44.0, 14)
    return replace(_groep(rijen, functies, BREEDTE, 60.0, 28), smal=smal)


def _groep(rijen, functies: dict[str, str], breedte: float, links: float,
           label_tekens: int) -> GroepGrafiek:
    groepen = [(label, [r.totaal if sleutel == "totaal" else r.fte.get(sleutel, 0.0)
                        for r in rijen])
               for sleutel, label in [*functies.items(), ("totaal", "Totaal")]]
    return _staven(groepen, [r.naam for r in rijen], breedte, links, label_tekens, "fte")


def jaren_grafiek(jaren, reeksen: list[tuple[str, list[float]]]) -> GroepGrafiek:
    """Grouped bars of euros per year (the multi-year begroting), wide and for small screens:
    a group per year of ``jaren``, a bar per series of ``reeksen`` ((naam, euros per year))."""
    groepen = [(str(j), [waarden[t] for _, waarden in reeksen]) for t, j in enumerate(jaren)]
    namen = [naam for naam, _ in reeksen]
    smal = _staven(groepen, namen, SMAL_BREEDTE, 64.0, 14, "euro")
    return replace(_staven(groepen, namen, BREEDTE, 80.0, 28, "euro"), smal=smal)


def _schaallabel(waarde: float, stap: float, eenheid: str) -> str:
    """A tick label: fte with a decimal where the ticks need it; euros in millions when the
    ticks are 100.000 or more apart ("€ 1,5 mln"; the baseline "€ 0"), else whole euros."""
    if eenheid != "euro":
        return format_getal(waarde, 1 if stap < 1 else 0)
    if waarde == 0:
        return format_euro(0)
    if stap >= 100_000:
        return f"€ {format_getal(waarde / 1e6, 0 if stap >= 1e6 else 1)} mln"
    return format_euro(waarde)


def _staven(groepen: list[tuple[str, list[float]]], namen: list[str], breedte: float,
            links: float, label_tekens: int, eenheid: str) -> GroepGrafiek:
    """The layout of grouped bars: ``groepen`` (label, a value per bar), ``namen`` the bars'
    names (the legend), values in ``eenheid`` ("fte" or "euro")."""
    boven, onder = 10.0, 40.0
    plot_hoogte = 240.0
    groep_breedte = (breedte - links - 10) / len(groepen)
    staaf = min(28.0, (groep_breedte - 16) / max(len(namen), 1))
    waarden = [v for _, rij in groepen for v in rij]
    basislijn = boven + plot_hoogte
    # the value scale: round ticks from 0 (As.rond), 0 at the baseline, the top at ``boven``
    as_ = As.rond(0.0, max(waarden, default=0.0) or 1.0, basislijn, boven, vanaf_nul=True)
    stap = as_.streepjes[1] - as_.streepjes[0] if len(as_.streepjes) > 1 else 1.0
    staven, centra = [], []
    for j, (label, rij) in enumerate(groepen):
        start = links + j * groep_breedte + (groep_breedte - staaf * len(namen)) / 2
        centra.append((label, links + (j + 0.5) * groep_breedte))
        for i, (naam, waarde) in enumerate(zip(namen, rij, strict=True)):
            y = as_(max(waarde, 0.0))
            staven.append(GroepStaaf(start + i * staaf, y, basislijn - y, f"functie-{i % 4}",
                                     waarde, naam))
    schaal = [(y, _schaallabel(w, stap, eenheid)) for w, y in as_.posities()]
    return GroepGrafiek(centra, staven, schaal, breedte, basislijn + onder, basislijn, links,
                        staaf - 2, label_tekens, eenheid=eenheid)
