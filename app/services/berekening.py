"""Benchmark and the fte-per-taak chart for a gemeente's result page: every figure comes from
:func:`formatie.model.bereken` and :func:`formatie.model.functie_regels`; stored figures are
gathered by :mod:`app.services.cijfers`. This module implements no formula itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from formatie.model import Resultaat, bereken
from formatie.normenset import Normenset
from formatie.regio import functienaam_in_zin

from ..extensions import db
from ..models import INGEDIEND, GemeenteRij, InvoerRij
from .cijfers import ontbrekend, volume_matrix

#: CBS inhabitants bands for peers "of similar size" (upper bounds, exclusive).
GROOTTEKLASSEN = ((20_000, "minder dan 20.000 inwoners"), (50_000, "20.000 tot 50.000 inwoners"),
                  (100_000, "50.000 tot 100.000 inwoners"),
                  (250_000, "100.000 tot 250.000 inwoners"),
                  (float("inf"), "250.000 inwoners of meer"))
MELDINGEN = "meldingen_16uur"  # the invoer of the kengetal "fte per 100 meldingen"


def grootteklasse(inwoners: int) -> str:
    return next(naam for grens, naam in GROOTTEKLASSEN if inwoners < grens)


@dataclass(frozen=True)
class Kengetal:
    """One benchmark figure for the gemeente beside its peers (same size band), its region
    and all submitted gemeenten; ``peers`` are the values of the gemeenten in the band."""

    label: str
    eigen: float | None
    peers: list[float]
    mediaan_grootte: float | None
    mediaan_regio: float | None
    mediaan_landelijk: float | None


@dataclass(frozen=True)
class Benchmark:
    """FTE per 1.000 (``per_duizend`` invoer) for one gemeente beside the medians."""

    eenheid: str  # e.g. "Leerplichtigen (5 tot en met 16 jaar)"
    eigen: dict[str, float | None]  # functie sleutel (and "totaal") → value
    regio: dict[str, float | None]
    landelijk: dict[str, float | None]
    n_regio: int
    n_landelijk: int
    grootteklasse: str = ""
    grootte: dict[str, float | None] | None = None  # medians of the same size band
    n_grootte: int = 0
    kengetallen: tuple[Kengetal, ...] = ()  # totaal per 1.000 and per 100 meldingen


#: Medians and peer values are only shown for groups of at least this many submitted
#: gemeenten, so that no single other gemeente's figures can be read off the page.
MIN_GROEP = 5


def _per_duizend(res: Resultaat, normenset: Normenset) -> np.ndarray:
    """(G, F + 1) FTE per functie and in total, per 1.000 units of the per_duizend invoer."""
    return res.fte_per_eenheid(normenset.per_duizend, 1000.0)


def vergelijking(invoer: InvoerRij, res: Resultaat, normenset: Normenset) -> Benchmark | None:
    """Compare with the *ingediend* gemeenten of the same year, all run through the same
    normenset in one vectorised call."""
    if normenset.per_duizend is None:
        return None
    sleutels = [*normenset.functie_sleutels, "totaal"]
    rijen = [r for r in db.session.scalars(
        select(InvoerRij).where(InvoerRij.jaar == invoer.jaar, InvoerRij.status == INGEDIEND))
        if not ontbrekend(r, normenset) and r.waarden[normenset.per_duizend] >= 1]
    regio_van = dict(db.session.execute(select(GemeenteRij.code, GemeenteRij.regio_code)).all())
    eigen = _per_duizend(res, normenset)[0]
    leeg = dict.fromkeys(sleutels)
    eigen_d = leeg if not np.isfinite(eigen).all() else dict(zip(sleutels, eigen.tolist(),
                                                                  strict=True))
    if not rijen:
        return Benchmark(normenset.invoer_by_sleutel(normenset.per_duizend).naam, eigen_d,
                            leeg, leeg, 0, 0)
    alle = bereken(normenset, volume_matrix(rijen, normenset), [r.gemeente_code for r in rijen])
    per = _per_duizend(alle, normenset)
    eigen_regio = regio_van[invoer.gemeente_code]
    in_regio = np.array([regio_van[r.gemeente_code] == eigen_regio for r in rijen])
    inwoners = dict(db.session.execute(select(GemeenteRij.code, GemeenteRij.inwoners)).all())
    klasse = grootteklasse(inwoners[invoer.gemeente_code])
    in_klasse = np.array([grootteklasse(inwoners[r.gemeente_code]) == klasse for r in rijen])

    def mediaan(selectie: np.ndarray) -> dict[str, float | None]:
        if selectie.sum() < MIN_GROEP:
            return leeg
        return dict(zip(sleutels, np.median(per[selectie], axis=0).tolist(), strict=True))

    landelijk = np.ones(len(rijen), dtype=bool)
    noemer = normenset.invoer_by_sleutel(normenset.per_duizend).naam.lower()
    beide = " en ".join(functienaam_in_zin(f) for f in normenset.functies)
    kengetallen = [_kengetal(f"Fte totaal ({beide}) per 1.000 {noemer}", eigen_d["totaal"],
                             per[:, -1],
                             in_klasse, in_regio, landelijk)]
    if MELDINGEN in normenset.invoer_sleutels:
        kengetallen.append(_per_meldingen(res, alle, normenset, in_klasse, in_regio, landelijk))
    return Benchmark(
        eenheid=normenset.invoer_by_sleutel(normenset.per_duizend).naam,
        eigen=eigen_d,
        regio=mediaan(in_regio),
        landelijk=mediaan(landelijk),
        n_regio=int(in_regio.sum()),
        n_landelijk=len(rijen),
        grootteklasse=klasse,
        grootte=mediaan(in_klasse),
        n_grootte=int(in_klasse.sum()),
        kengetallen=tuple(kengetallen),
    )


def _kengetal(label: str, eigen: float | None, waarden: np.ndarray, *selecties) -> Kengetal:
    """Medians of ``waarden`` (finite ones) over the size band, the region and everyone."""
    ok = np.isfinite(waarden)

    def mediaan(selectie: np.ndarray) -> float | None:
        kies = selectie & ok
        return float(np.median(waarden[kies])) if kies.sum() >= MIN_GROEP else None

    klasse, regio, landelijk = selecties
    peers = waarden[klasse & ok].tolist() if (klasse & ok).sum() >= MIN_GROEP else []
    return Kengetal(label, eigen if eigen is None or np.isfinite(eigen) else None,
                    peers, mediaan(klasse), mediaan(regio), mediaan(landelijk))


def _per_meldingen(res: Resultaat, alle: Resultaat, normenset: Normenset, *selecties) -> Kengetal:
    """FTE of the functies that handle ``MELDINGEN`` per 100 of them."""
    functies = sorted({normenset.functie_sleutels.index(t.functie) for t in normenset.taken
                       if t.invoer == MELDINGEN})
    namen = " en ".join(functienaam_in_zin(normenset.functies[f]) for f in functies)
    eigen = float(res.fte_per_eenheid(MELDINGEN, 100.0, functies)[0])
    waarden = alle.fte_per_eenheid(MELDINGEN, 100.0, functies)
    label = f"Fte {namen} per 100 {normenset.invoer_by_sleutel(MELDINGEN).naam.lower()}"
    return _kengetal(label, eigen, waarden, *selecties)
