"""The shipped reference data: 342 gemeenten with CBS population and DUO figures, 40 regions.

Sources and caveats: ``formatie/data/README.md``. Bron: CBS, DUO (CC BY 4.0).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from .gegevenscache import bewaard

# A plain path, in every module of the package: importlib.resources costs start-up (it imports
# zipfile and tempfile) for a package that is always installed as files.
DATA = Path(__file__).parent / "data"


BRONVERMELDING = "Bron: CBS, DUO (CC BY 4.0)"


@dataclass(frozen=True)
class Referentie:
    """The 342 gemeenten (2024 indeling) with CBS population and DUO figures; arrays are (G,)."""

    gemeentecodes: tuple[str, ...]
    gemeentenamen: tuple[str, ...]
    inwoners: np.ndarray
    leeftijd_0_14: np.ndarray
    leeftijd_15_24: np.ndarray
    leeftijd_25_44: np.ndarray
    vestigingen_po: np.ndarray
    regio_per_gemeente: tuple[str, ...]  # MCxx
    regionamen: dict[str, str]  # MCxx → name
    #: CBS KWB 2023 column → (G,) float, NaN where CBS suppressed the cell
    #: (``kwb2023_gemeente_sociaaleconomisch.csv``; used by :mod:`formatie.schatting`).
    covariaten: dict[str, np.ndarray] = field(default_factory=dict, compare=False)

    @cached_property
    def index(self) -> dict[str, int]:
        """gemeentecode → row (built once: readers look up every row of a workbook)."""
        return {code: i for i, code in enumerate(self.gemeentecodes)}

    def naam(self, code: str) -> str:
        return self.gemeentenamen[self.index[code]]

    def leden(self, regio: str) -> list[str]:
        return [c for c, r in zip(self.gemeentecodes, self.regio_per_gemeente, strict=True)
                if r == regio]


def _csv_rijen(naam: str) -> list[dict[str, str]]:
    with (DATA / naam).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def load_referentie() -> Referentie:
    """The shipped CBS/DUO files (see formatie/data/README.md), parsed once per version of the
    package (:func:`formatie.gegevenscache.bewaard`)."""
    return bewaard("referentie", _lees_referentie)


def _lees_referentie() -> Referentie:
    """Read the shipped CBS/DUO files."""
    gemeenten = sorted(_csv_rijen("bevolking_leeftijd_gemeenten_2024.csv"),
                       key=lambda r: r["gemeentecode"])
    codes = tuple(r["gemeentecode"] for r in gemeenten)
    index = {c: i for i, c in enumerate(codes)}

    def kolom(naam: str) -> np.ndarray:
        return np.array([float(r[naam]) for r in gemeenten])

    vestigingen = np.zeros(len(codes))
    for r in _csv_rijen("duo_leerlingen_po_per_gemeente.csv"):
        vestigingen[index[r["gemeentecode"]]] += float(r["vestigingen_met_leerlingen_2025"])
    regio = {r["gemeentecode"]: r["rmc_statcode"] for r in _csv_rijen("gemeente_rmc_regio.csv")}
    covariaten = _covariaten(index)
    regionamen = {r["rmc_statcode"]: r["rmc_naam"]
                  for r in sorted(_csv_rijen("rmc_regios.csv"), key=lambda r: r["rmc_statcode"])}
    return Referentie(
        gemeentecodes=codes,
        gemeentenamen=tuple(r["gemeentenaam"] for r in gemeenten),
        inwoners=kolom("inwoners_totaal"),
        leeftijd_0_14=kolom("leeftijd_0_14"),
        leeftijd_15_24=kolom("leeftijd_15_24"),
        leeftijd_25_44=kolom("leeftijd_25_44"),
        vestigingen_po=vestigingen,
        regio_per_gemeente=tuple(regio[c] for c in codes),
        regionamen=regionamen,
        covariaten=covariaten,
    )


#: Columns of the KWB covariate file that are not figures.
_GEEN_COVARIAAT = {"gemeentecode", "gm_code", "gemeentenaam", "gemeentenaam_cbs_2023", "cbs_tabel"}


def _covariaten(index: dict[str, int]) -> dict[str, np.ndarray]:
    """Every numeric column of the KWB 2023 covariate file as a (G,) array in ``index`` order;
    an empty cell (suppressed by CBS) is NaN, not 0."""
    rijen = _csv_rijen("kwb2023_gemeente_sociaaleconomisch.csv")
    kolommen = [k for k in rijen[0] if k not in _GEEN_COVARIAAT]
    uit = {k: np.full(len(index), np.nan) for k in kolommen}
    for r in rijen:
        for k in kolommen:
            if r[k].strip():
                uit[k][index[r["gemeentecode"]]] = float(r[k])
    return uit
