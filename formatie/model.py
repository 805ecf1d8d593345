"""The formatie model: volume × norm hours → hours → FTE. One implementation, vectorised.

For gemeente g, taak k of functie f::

    uren[g,k]            = volume[g, invoer(k)] × uren(k)
    netto_uren_per_fte   = contracturen_per_fte(f) × (1 − afwezigheid(f))
    casus_uren_per_fte   = netto_uren_per_fte(f) × (1 − indirect(f))
    fte_taak[g,k]        = uren[g,k] / casus_uren_per_fte(f)
    fte_uitvoering[g,f]  = Σ_k∈f fte_taak[g,k] + vast_fte(f)
    fte_berekend[g,f]    = fte_uitvoering[g,f] × (1 + leiding(f))
    fte[g,f]             = max(fte_berekend[g,f], minimum_fte(f))
    fte_totaal[g]        = Σ_f fte[g,f]

``minimum_fte`` is the floor of a team that stands alone (continuity, vervanging, a second pair
of eyes: published small leerplicht teams are 1,5–2 persons whatever their size); where it
applies, the difference ``fte − fte_berekend`` is its own line, "Aanvulling tot
minimumformatie" (:func:`functie_regels`), so the chain shows where the floor applies. Today
every gemeente is its own team; the floor is a per-team rule and is applied per gemeente.

A region's figures are sums over its member gemeenten, each counted with the normenset its
figures were saved under (:class:`Groep`, :func:`bereken_groepen`). Nothing is rounded here.

Sign convention everywhere (page, JSON, workbook, CLI): ``verschil = bezetting − fte``, so a
negative verschil is a shortage (:func:`verschil`). A functie's fte is the sum of its
:func:`functie_regels`: one line per taak (execution fte), the vaste basis, and leiding en
ondersteuning; every table that lists taken shows the last two as lines, so it adds up.

:func:`fte_arrays` is the formula itself on plain arrays, with optional leading axes (draws,
scenarios) on every argument; :func:`bereken` wraps it for a normenset and keeps every
intermediate in a :class:`Resultaat`.

The model refuses what it cannot stand behind, at its boundary: a non-finite fte (from norms
stored before the bounds of :mod:`formatie.parameters`) in :func:`fte_arrays`, and an absurd one
(above :data:`formatie.parameters.FTE`) in :func:`bereken`, as a :class:`RekenFout` with a Dutch
message. Every surface shows that message (web 422, CLI exit 2) instead of NaN or Infinity.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from .getallen import format_fte
from .normenset import Normenset
from .parameters import FTE
from .problemen import InvoerFout, Probleem


class RekenFout(InvoerFout):
    """The model's outcome is not finite, or absurd; ``problemen`` say where, in Dutch."""


NIET_EINDIG = ("de berekening geeft voor {wie}, functie '{functie}', geen eindig aantal fte: "
               "de organisatieparameters (contracturen, afwezigheid, indirecte tijd) of de "
               "normuren van de normenset liggen buiten de grenzen die het model kan rekenen. "
               "Laat de normenset controleren.")
TE_GROOT = ("de berekening geeft voor {wie}, functie '{functie}', {fte} fte: meer dan "
            "{maximum} fte is geen bruikbare uitkomst. Controleer de invoer en de normuren.")


def controleer_fte(fte: np.ndarray, gemeentecodes=(), functies=(),
                   maximum: float | None = None) -> None:
    """Raise :class:`RekenFout` when ``fte`` (..., G, F) holds NaN or ±∞, or (``maximum``) a
    value above it; the message names the first such gemeente and functie (codes and names
    when given, else their position)."""
    fte = np.asarray(fte, dtype=float)
    fout = ~np.isfinite(fte)
    if maximum is not None:
        with np.errstate(invalid="ignore"):
            fout |= fte > maximum
    if not fout.any():
        return
    positie = tuple(int(i) for i in np.argwhere(fout)[0])
    g, f = positie[-2], positie[-1]
    wie = (f"gemeente {gemeentecodes[g]}" if len(gemeentecodes) > g
           else "deze gemeente" if fte.shape[-2] == 1 else f"gemeente {g + 1}")
    functie = functies[f] if len(functies) > f else str(f + 1)
    waarde = float(fte[positie])
    if np.isfinite(waarde):
        bericht = TE_GROOT.format(wie=wie, functie=functie, fte=format_fte(waarde),
                                  maximum=format_fte(maximum).removesuffix(",00"))
    else:
        bericht = NIET_EINDIG.format(wie=wie, functie=functie)
    raise RekenFout([Probleem(bericht[:1].upper() + bericht[1:])])


def fte_arrays(
    volume: np.ndarray,
    taak_uren: np.ndarray,
    casus_uren_per_fte: np.ndarray,
    vast_fte: np.ndarray,
    leiding: np.ndarray,
    taak_invoer: np.ndarray,
    taak_functie: np.ndarray,
    minimum_fte: np.ndarray | None = None,
    *,
    gemeentecodes=(),
    functies=(),
    maximum: float | None = None,
) -> dict[str, np.ndarray]:
    """The model chain on arrays.

    Shapes (``...`` = any leading axes, broadcast together, e.g. draws):
    volume (..., G, I) units per year; taak_uren (..., K) hours per unit;
    casus_uren_per_fte, vast_fte, leiding, minimum_fte (..., F); taak_invoer, taak_functie (K,)
    indices. Returns taak_volume, uren, fte_taak (..., G, K); fte_uitvoering, fte_berekend (before
    the floor), fte (..., G, F); fte_totaal (..., G). Without ``minimum_fte``: no floor.

    Raises :class:`RekenFout` when an fte is not finite, or above ``maximum`` when given
    (``gemeentecodes`` (G,) and ``functies`` (F,) names only serve the message).
    """
    volume = np.asarray(volume, dtype=float)
    taak_volume = volume[..., taak_invoer]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked below
        uren = taak_volume * np.asarray(taak_uren, dtype=float)[..., None, :]
        per_fte = np.asarray(casus_uren_per_fte, dtype=float)[..., taak_functie]
        fte_taak = uren / per_fte[..., None, :]
        n_functies = np.shape(casus_uren_per_fte)[-1]
        toewijzing = np.zeros((len(taak_functie), n_functies))
        toewijzing[np.arange(len(taak_functie)), taak_functie] = 1.0
        fte_uitvoering = fte_taak @ toewijzing + np.asarray(vast_fte, dtype=float)[..., None, :]
        fte_berekend = fte_uitvoering * (1.0 + np.asarray(leiding, dtype=float)[..., None, :])
        fte = (fte_berekend if minimum_fte is None else
               np.maximum(fte_berekend, np.asarray(minimum_fte, dtype=float)[..., None, :]))
        fte_totaal = fte.sum(axis=-1)
    controleer_fte(fte, gemeentecodes, functies, maximum)
    controleer_fte(fte_totaal[..., None], gemeentecodes, ("totaal",))
    return {
        "taak_volume": taak_volume,
        "uren": uren,
        "fte_taak": fte_taak,
        "fte_uitvoering": fte_uitvoering,
        "fte_berekend": fte_berekend,
        "fte": fte,
        "fte_totaal": fte_totaal,
    }


def casus_uren_per_fte(normenset: Normenset) -> np.ndarray:
    """(F,) hours per FTE per year available for taken."""
    return (
        normenset.functie_parameter("contracturen_per_fte")
        * (1.0 - normenset.functie_parameter("afwezigheid"))
        * (1.0 - normenset.functie_parameter("indirect"))
    )


@dataclass(frozen=True)
class Resultaat:
    """The model's outcome for G gemeenten with every intermediate (no rounding).

    Arrays: volume (G, I); taak_volume, uren, fte_taak (G, K); fte_uitvoering, fte_berekend
    (before the minimum formation), fte (G, F); fte_totaal (G,). Axes follow
    ``normenset.invoer``, ``.taken`` and ``.functies``.
    """

    normenset: Normenset
    gemeentecodes: tuple[str, ...]
    volume: np.ndarray
    taak_volume: np.ndarray
    uren: np.ndarray
    fte_taak: np.ndarray
    fte_uitvoering: np.ndarray
    fte_berekend: np.ndarray
    fte: np.ndarray
    fte_totaal: np.ndarray

    @property
    def aanvulling(self) -> np.ndarray:
        """(G, F) fte added to reach the minimum formation (0 where the floor does not apply)."""
        return self.fte - self.fte_berekend

    @cached_property
    def netto_uren_per_fte(self) -> np.ndarray:
        """(F,) hours an FTE is present per year."""
        n = self.normenset
        afwezigheid = n.functie_parameter("afwezigheid")
        return n.functie_parameter("contracturen_per_fte") * (1 - afwezigheid)

    @cached_property
    def casus_uren_per_fte(self) -> np.ndarray:
        """(F,) hours an FTE spends on taken per year."""
        return casus_uren_per_fte(self.normenset)

    def index(self, gemeentecode: str) -> int:
        return self.gemeentecodes.index(gemeentecode)

    def fte_functie(self, functie: str) -> np.ndarray:
        """(G,) FTE of one functie."""
        return self.fte[:, self.normenset.functie_sleutels.index(functie)]

    def fte_per_eenheid(self, invoer: str, per: float = 1000.0,
                        functies: list[int] | None = None) -> np.ndarray:
        """Kengetal: FTE per ``per`` units of one invoer (e.g. per 1.000 leerplichtigen).

        Without ``functies``: (G, F + 1), every functie and the total in the last column.
        With ``functies`` (indices): (G,), the FTE of those functies together. NaN where the
        invoer is below 1 (no rate per 1.000 of a fraction of one: 5e-324 leerplichtigen
        would give 10³²⁴ fte per 1.000).
        """
        noemer = self.volume[:, self.normenset.invoer_sleutels.index(invoer)]
        noemer = np.where(noemer >= 1.0, noemer, np.nan)
        teller = (np.column_stack([self.fte, self.fte_totaal]) if functies is None
                  else self.fte[:, functies].sum(axis=1))
        uit = teller / (noemer[:, None] if functies is None else noemer) * per
        return np.where(np.isfinite(uit), uit, np.nan)

    def som(self, selectie: np.ndarray | list[int] | None = None) -> dict[str, np.ndarray]:
        """Region figures: every array summed over the selected gemeenten (all if None)."""
        rijen = slice(None) if selectie is None else np.asarray(selectie, dtype=np.intp)
        return {
            naam: getattr(self, naam)[rijen].sum(axis=0)
            for naam in ("volume", "taak_volume", "uren", "fte_taak", "fte_uitvoering",
                         "fte_berekend", "fte", "fte_totaal")
        }


def bereken(normenset: Normenset, volume: np.ndarray, gemeentecodes=()) -> Resultaat:
    """Run the model for G gemeenten: ``volume`` is (G, I) in ``normenset.invoer`` order.

    Raises :class:`RekenFout` (Dutch, naming gemeente and functie) when an fte is not finite
    or above :data:`formatie.parameters.FTE`."""
    volume = np.atleast_2d(np.asarray(volume, dtype=float))
    if volume.shape[-1] != len(normenset.invoer):
        raise ValueError(
            f"volume has {volume.shape[-1]} invoer columns, normenset has {len(normenset.invoer)}"
        )
    uit = fte_arrays(
        volume,
        normenset.taak_uren,
        casus_uren_per_fte(normenset),
        normenset.functie_parameter("vast_fte"),
        normenset.functie_parameter("leiding"),
        normenset.taak_invoer_index,
        normenset.taak_functie_index,
        normenset.functie_parameter("minimum_fte"),
        gemeentecodes=tuple(gemeentecodes),
        functies=tuple(f.naam for f in normenset.functies),
        maximum=FTE.max,
    )
    return Resultaat(normenset=normenset, gemeentecodes=tuple(gemeentecodes), volume=volume, **uit)


def verschil(bezetting: np.ndarray | float, fte: np.ndarray | float) -> np.ndarray:
    """Bezetting − benodigde fte: negative is a shortage, positive a surplus (one convention
    for every page, JSON answer, workbook and command)."""
    return np.asarray(bezetting, dtype=float) - np.asarray(fte, dtype=float)


#: The line of :func:`functie_regels` that lifts a team to its minimum formation.
MINIMUM_SLEUTEL = "aanvulling"
MINIMUM_NAAM = "Aanvulling tot minimumformatie"


class Regel(NamedTuple):
    """One line of a functie's fte: a taak, the vaste basis, leiding en ondersteuning, or the
    aanvulling tot minimumformatie.

    A named tuple rather than a frozen dataclass: a national JSON answer makes 12.000 of
    them, and a tuple is made several times faster."""

    functie: str
    soort: str  # "taak", "vast", "leiding" or "minimum"
    sleutel: str  # taak sleutel, or "vaste_basis" / "leiding" / "aanvulling"
    naam: str
    fte: float


def regel_soorten(n: Normenset) -> list[tuple[str, str, str, str]]:
    """(functie, soort, sleutel, naam) of every line of :func:`functie_regels`, in its order:
    per functie its taken in normenset order, then vaste basis, leiding and, for a functie with
    a minimum formation, the aanvulling."""
    uit = []
    for functie in n.functies:
        uit += [(functie.sleutel, "taak", t.sleutel, t.naam) for t in n.taken
                if t.functie == functie.sleutel]
        uit += [(functie.sleutel, "vast", "vaste_basis", "Vaste basis"),
                (functie.sleutel, "leiding", "leiding", "Leiding en ondersteuning")]
        if functie.minimum_fte > 0:
            uit.append((functie.sleutel, "minimum", MINIMUM_SLEUTEL, MINIMUM_NAAM))
    return uit


def regel_fte(res: Resultaat, rijen: slice = slice(None)) -> np.ndarray:
    """(G, R) fte of every line of :func:`regel_soorten` for the gemeenten ``rijen`` at once: a
    taak's execution fte (``fte_taak``), the functie's vaste basis, leiding en ondersteuning
    (``fte_berekend − fte_uitvoering`` = ``leiding × fte_uitvoering``) and the aanvulling
    (``fte − fte_berekend``, 0 where the hours reach the floor). Per functie the lines sum to
    ``res.fte``."""
    n = res.normenset
    taak, fte = res.fte_taak[rijen], res.fte[rijen]
    uitvoering, berekend = res.fte_uitvoering[rijen], res.fte_berekend[rijen]
    kolommen = []
    for f, functie in enumerate(n.functies):
        kolommen += [taak[:, k] for k, t in enumerate(n.taken) if t.functie == functie.sleutel]
        kolommen += [np.full(len(fte), float(functie.vast_fte)),
                     berekend[:, f] - uitvoering[:, f]]
        if functie.minimum_fte > 0:
            kolommen.append(fte[:, f] - berekend[:, f])
    return np.column_stack(kolommen) if kolommen else np.zeros((len(fte), 0))


def functie_regels(res: Resultaat, g: int = 0) -> list[Regel]:
    """The lines that make up each functie's fte for gemeente ``g`` (:func:`regel_soorten`
    with their fte from :func:`regel_fte`): per functie they sum to ``res.fte[g, f]``."""
    return [Regel(*soort, waarde) for soort, waarde in
            zip(regel_soorten(res.normenset), regel_fte(res, slice(g, g + 1))[0].tolist(),
                strict=True)]


@dataclass(frozen=True)
class Groep:
    """Gemeenten that count with one normenset: ``volume`` (G, I) in its invoer order.

    A region whose members saved their figures under different normensets is a list of
    groups; its totals are the sums over the groups (:func:`bereken_groepen`).
    """

    normenset: Normenset
    gemeentecodes: tuple[str, ...]
    volume: np.ndarray


def bereken_groepen(groepen: list[Groep]) -> list[Resultaat]:
    """One :class:`Resultaat` per group, each with its own normenset."""
    return [bereken(g.normenset, g.volume, g.gemeentecodes) for g in groepen]


def fte_per_functie(resultaten: list[Resultaat]) -> dict[str, float]:
    """Region totals per functie sleutel over groups (a functie absent from a normenset adds
    nothing), plus ``"totaal"``."""
    uit: dict[str, float] = {}
    for res in resultaten:
        for f, functie in enumerate(res.normenset.functies):
            uit[functie.sleutel] = uit.get(functie.sleutel, 0.0) + float(res.fte[:, f].sum())
    uit["totaal"] = float(sum(float(res.fte_totaal.sum()) for res in resultaten))
    return uit


def regels_opgeteld(resultaten: list[Resultaat]) -> dict[tuple[str, str, str], float]:
    """The lines of :func:`functie_regels` summed over every gemeente of ``resultaten`` (one per
    group of a region), keyed ``(functie, soort, sleutel)``; plus each functie's total under
    ``(functie, "fte", "")`` and the whole under ``("totaal", "fte", "")``: what a workbook's
    Samenvatting shows."""
    uit: dict[tuple[str, str, str], float] = {}
    for res in resultaten:
        for g in range(len(res.gemeentecodes)):
            for x in functie_regels(res, g):
                sleutel = (x.functie, x.soort, x.sleutel)
                uit[sleutel] = uit.get(sleutel, 0.0) + x.fte
    for functie, fte in fte_per_functie(resultaten).items():
        uit[functie, "fte", ""] = fte
    return uit

